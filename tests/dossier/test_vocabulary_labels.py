"""Each coded value prints its own enumeration's French label."""

from __future__ import annotations

from drafting_app.dossier.model import BuyerKind, CriterionKind, Pricing, PurchaseFamily
from drafting_app.dossier.vocabulary import LABELS, label_of


def test_values_coded_alike_keep_their_own_labels() -> None:
    # « autre » is a value of several enumerations: each keeps its label
    assert label_of(BuyerKind.OTHER) == "autre pouvoir adjudicateur"
    assert label_of(CriterionKind.OTHER) == "autre critère"
    assert label_of(PurchaseFamily.OTHER) == "autre"
    assert label_of(Pricing.MIXED) == "prix mixtes"


def test_every_labelled_enumeration_is_complete() -> None:
    for kind in {kind for kind, _code in LABELS}:
        missing = [code for code in kind if (kind, code) not in LABELS]
        assert not missing, (kind.__name__, missing)
