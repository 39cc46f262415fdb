"""Legal checks: the rule or threshold in force on the launch date, on each side of its date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from drafting_app.checks import Severity, load_legal_data, run_checks
from drafting_app.checks.legal_data import LegalData
from drafting_app.dossier import load_dossier
from drafting_app.library import Library
from drafting_app.model import ContractKind, Dossier
from tests.conftest import EXAMPLES, LIBRARY


@pytest.fixture(scope="module")
def legal() -> LegalData:
    data, problems = load_legal_data(LIBRARY)
    assert problems == []
    return data


def tender(**changes: Any) -> Dossier:
    """The example tender with some fields changed, validated like a file would be."""
    data = load_dossier(EXAMPLES / "marche_espaces_verts.json").model_dump()
    data["tender"].update(changes)
    return Dossier.model_validate(data)


def codes(dossier: Dossier, library: Library, legal: LegalData) -> set[str]:
    return {f.code for f in run_checks(dossier, library, legal)}


def test_example_has_no_error(library: Library, legal: LegalData) -> None:
    findings = run_checks(tender(), library, legal)
    assert [f for f in findings if f.severity is Severity.ERROR] == []


@pytest.mark.parametrize(
    ("kind", "day", "threshold"),
    [
        (ContractKind.SERVICES, dt.date(2026, 3, 31), Decimal(40000)),
        (ContractKind.SERVICES, dt.date(2026, 4, 1), Decimal(60000)),
        (ContractKind.WORKS, dt.date(2025, 12, 31), Decimal(100000)),
        (ContractKind.WORKS, dt.date(2026, 1, 1), Decimal(100000)),
    ],
)
def test_no_advertising_threshold_by_date(
    legal: LegalData, kind: ContractKind, day: dt.date, threshold: Decimal
) -> None:
    found = legal.threshold("dispense_procedure", day, kind)
    assert found is not None and found.amount == threshold


def test_no_advertising_above_threshold_is_an_error(library: Library, legal: LegalData) -> None:
    lot = {"number": 1, "title": "Entretien", "estimated_amount": Decimal("50000")}
    # 50 000 € of services: too much on 31 March 2026, allowed from 1 April 2026
    common = {"procedure": "sans_publicite_ni_mise_en_concurrence", "lots": [lot],
              "no_lots_reason": "prestation unique"}
    before = tender(**common, launch_date=dt.date(2026, 3, 31))
    after = tender(**common, launch_date=dt.date(2026, 4, 1))
    finding = next(f for f in run_checks(before, library, legal)
                   if f.code == "DISPENSE_AU_DELA_DU_SEUIL")
    assert finding.severity is Severity.ERROR
    assert finding.reference == "CCP art. R2122-8"
    assert finding.field == "tender.procedure"
    assert "40\u202f000,00\u00a0€ HT" in finding.message
    assert "DISPENSE_AU_DELA_DU_SEUIL" not in codes(after, library, legal)


def test_unknown_period_is_flagged_not_guessed(library: Library, legal: LegalData) -> None:
    old = tender(procedure="sans_publicite_ni_mise_en_concurrence", contract_kind="travaux",
                 launch_date=dt.date(2021, 6, 1))
    assert "SEUIL_NON_CONNU" in codes(old, library, legal)


def test_environmental_criterion_from_21_august_2026(library: Library, legal: LegalData) -> None:
    base = tender()
    assert base.tender is not None
    criteria = [c.model_dump() for c in base.tender.criteria if c.kind.value != "environnemental"]
    before = tender(criteria=criteria, launch_date=dt.date(2026, 8, 20))
    after = tender(criteria=criteria, launch_date=dt.date(2026, 8, 21))
    assert "CRITERE_ENVIRONNEMENTAL_MANQUANT" not in codes(before, library, legal)
    assert "CRITERE_ENVIRONNEMENTAL_MANQUANT" in codes(after, library, legal)
    price_only = tender(criteria=criteria[:1], launch_date=dt.date(2026, 8, 21))
    assert "CRITERE_PRIX_SEUL" in codes(price_only, library, legal)


def test_weights_must_add_up_in_formalised_procedures(library: Library, legal: LegalData) -> None:
    base = tender()
    assert base.tender is not None
    heavier = [c.model_dump() for c in base.tender.criteria]
    heavier[0]["weight"] = Decimal(50)
    assert "PONDERATION_TOTAL" not in codes(tender(criteria=heavier), library, legal)  # MAPA
    formal = tender(criteria=heavier, procedure="appel_offres_ouvert")
    assert "PONDERATION_TOTAL" in codes(formal, library, legal)


def test_chosen_clause_problems_name_the_field(library: Library, legal: LegalData) -> None:
    dossier = tender()
    bad = dossier.clauses[0].model_copy(update={"values": {**dossier.clauses[0].values,
                                                            "taux_insertion": "90"}})
    ghost = bad.model_copy(update={"id": "clause-fantome"})
    broken = dossier.model_copy(update={"clauses": (bad, ghost)})
    findings = {f.code: f for f in run_checks(broken, library, legal)}
    assert findings["VALEUR_CLAUSE"].field == "clauses[0].values.taux_insertion"
    assert "au plus 50" in findings["VALEUR_CLAUSE"].message
    assert findings["CLAUSE_INCONNUE"].field == "clauses[1].id"


def test_subsidy_convention_threshold(library: Library, legal: LegalData) -> None:
    dossier = load_dossier(EXAMPLES / "convention_tiers_lieu.json")
    assert "CONVENTION_OBLIGATOIRE" in codes(dossier, library, legal)
    assert dossier.subsidy is not None
    small = dossier.model_copy(update={"subsidy": dossier.subsidy.model_copy(
        update={"annual_amount": Decimal(23000)})})
    assert "CONVENTION_FACULTATIVE" in codes(small, library, legal)
