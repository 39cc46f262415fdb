"""Thresholds the pieces print come from the dated legal data: a change of law is one edit.

No template (document skeleton or clause) types a threshold amount; the CCAP's advance and the
avis's publicity rule read `legal/donnees_juridiques.toml` on the dossier's date, and the
publicity rule compares the estimated value, renewals and options included (R2121-1).
"""

from __future__ import annotations

import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from drafting_app.checks import load_legal_data
from drafting_app.dossier.model import Dossier
from drafting_app.dossier.storage import load_dossier
from drafting_app.wording.library import load_library
from drafting_app.wording.render import Formats, Renderer, make_environment
from tests.conftest import EXAMPLES, LIBRARY
from tests.documents.test_publishable import changed, pieces, plain

GREEN_SPACES = EXAMPLES / "marche_espaces_verts.json"
DATA = Path("legal") / "donnees_juridiques.toml"


def typed_amounts() -> set[str]:
    """Every amount threshold of the dated data as a French text would type it (« 50 000 € »)."""
    legal, problems = load_legal_data(LIBRARY)
    assert legal is not None and not problems
    out = set()
    for threshold in legal.thresholds:
        if threshold.unit == "€ HT" and threshold.value >= 1000:
            out.add(f"{int(threshold.value):,}".replace(",", " ") + " €")
    return out


def test_no_template_types_a_threshold_amount() -> None:
    amounts = typed_amounts()
    assert "50 000 €" in amounts and "90 000 €" in amounts  # the scan sees what it looks for
    found = []
    for path in sorted(LIBRARY.glob("*/*/text.fr.md")):
        for number, line in enumerate(plain(path.read_text(encoding="utf-8")).splitlines(), 1):
            spaced = re.sub(r"(\d) (\d{3})", r"\1 \2", line)
            found.extend(f"{path.relative_to(LIBRARY)}:{number} : {amount}"
                         for amount in amounts if amount in spaced)
    assert not found, "seuils écrits en chiffres au lieu de seuil(…) :\n" + "\n".join(found)


@pytest.fixture
def edited_library(tmp_path: Path) -> Path:
    """The shipped library with the advance threshold at 60 000 € and the publicity one at
    100 000 € (a change of law, made in the dated data alone)."""
    root = tmp_path / "bibliotheque"
    shutil.copytree(LIBRARY, root)
    data = root / DATA
    text = data.read_text(encoding="utf-8")
    for threshold_id, old, new in (("avance_seuil_montant", "50000", "60000"),
                                   ("publicite_procedure_adaptee", "90000", "100000")):
        text, count = re.subn(rf'(id = "{threshold_id}"\n[^\n]*\nvalue = ){old}\n',
                              rf"\g<1>{new}\n", text)
        assert count >= 1, threshold_id
    data.write_text(text, encoding="utf-8")
    return root


def renderer_over(root: Path) -> Renderer:
    env = make_environment(Formats())
    library, problems = load_library(root, env)
    assert not problems, problems
    return Renderer(library, env)


def test_a_change_in_the_dated_data_changes_the_pieces(edited_library: Path) -> None:
    dossier = load_dossier(GREEN_SPACES)
    texts = pieces(renderer_over(edited_library), dossier)
    assert "montant initial est supérieur à 60 000 € hors taxes" in texts["ccap"]
    assert "50 000 €" not in texts["ccap"]
    assert "atteignant 100 000 € hors taxes, l’avis est publié au Bulletin officiel" in \
        texts["avis"]
    assert "90 000 €" not in texts["avis"]
    # a lot of 55 000 € gets no advance under the new threshold (the AE says why)
    lots = [lot.model_dump(mode="json") for lot in dossier.tender.lots]  # type: ignore[union-attr]
    lots[1]["estimated_amount"] = "55000.00"
    smaller = changed(dossier, lots=lots)
    ae = pieces(renderer_over(edited_library), smaller)["ae_lot2"]
    assert "ne dépassant pas 60 000,00 € hors taxes" in ae


def test_the_avis_compares_the_value_with_renewals_and_options(renderer: Renderer) -> None:
    dossier = load_dossier(GREEN_SPACES)
    tender = dossier.tender
    assert tender is not None
    per_lot = Decimal(20000)
    lots = [lot.model_dump(mode="json") | {"estimated_amount": str(per_lot)}
            for lot in tender.lots]
    one_year: Dossier = changed(dossier, lots=lots, renewals=0, options_amount="0")
    assert one_year.tender is not None and one_year.tender.estimated_value() < 90000
    assert "étant inférieure à 90 000 € hors taxes" in pieces(renderer, one_year)["avis"]
    # the same yearly amount renewed three times passes 90 000 €: the avis goes to the BOAMP
    renewed = changed(dossier, lots=lots, renewals=3, options_amount="0")
    assert renewed.tender is not None and renewed.tender.estimated_value() >= 90000
    avis = pieces(renderer, renewed)["avis"]
    assert "reconductions et options comprises, atteignant 90 000 € hors taxes" in avis
