"""Legal checks: the rule or threshold in force on the launch date, on each side of its date."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from drafting_app.checks import Severity, load_legal_data, run_checks
from drafting_app.checks.completeness import NO_ARTICLE
from drafting_app.checks.legal_data import LegalData, load_reference_index
from drafting_app.cli.main import EXIT_FINDINGS, EXIT_OK, main
from drafting_app.dossier.model import ContractKind, Dossier
from drafting_app.dossier.storage import load_dossier, save_dossier
from drafting_app.wording.library import Library
from tests import checks_support as support
from tests.conftest import EXAMPLES, LIBRARY


@pytest.fixture(scope="module")
def library() -> Library:
    """The shipped library (clauses another engineer is still writing are left out)."""
    return support.load_test_library()


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
    assert found is not None and found.value == threshold


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
    assert finding.reference == "CCP art. R2122-8 ; CCP art. R2121-1"
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


# --------------------------------------------------------------------------- every finding


def many_dossiers() -> list[Dossier]:
    """Dossiers that between them raise most findings."""
    lot = support.lots
    bad_tender = {
        "lots": lot("300000"), "criteria": [{"name": "Prix", "kind": "prix"}],
        "procedure": "appel_offres_ouvert", "minimum_turnover": "900000", "advance_rate": "0",
        "guarantee_retention_rate": "7", "payment_days": 45, "price_exposed_to_markets": True,
        "contract_kind": "travaux",
    }
    ess = [{"number": 1, "title": "Accompagnement", "estimated_amount": "90000",
            "reservation": "ess", "cpv_codes": ["77310000"]},
           {"number": 2, "title": "Lot 2", "estimated_amount": "20000",
            "reservation": "detenus"}]
    return [
        support.tender(),
        support.tender(**bad_tender),
        support.with_top(support.tender(**bad_tender), clauses=[], advisor={
            "initiative": "association", "authority_defines_need": False,
            "price_for_service_received": False, "public_service_mission": False}),
        support.tender(lots=ess, duration_months=48, ess_previous_award_within_3_years=True),
        support.tender(lots=[], criteria=[], procedure="sans_publicite_ni_mise_en_concurrence",
                       launch_date="2021-06-01"),
        support.buyer(support.tender(payment_days=80, guarantee_retention_rate="5",
                                     advance_rate="5"), kind="etat"),
        support.subsidy(),
        support.with_top(support.subsidy(duration_years=6, sieg=True,
                                         de_minimis_declared="900000", annual_amount="200000"),
                         kind="cpo", clauses=[],
                         advisor={"price_for_service_received": True}),
    ]


def test_every_finding_cites_a_backed_reference_and_a_real_field(
    library: Library, legal: LegalData
) -> None:
    backed = support.backed_citations()
    seen: set[str] = set()
    for dossier in many_dossiers():
        for finding in run_checks(dossier, library, legal):
            seen.add(finding.code)
            assert finding.message.strip() and finding.message[0].isupper(), finding
            if finding.code not in {"CLAUSE_NON_VALIDEE", "CLAUSE_INCONNUE", "VALEUR_CLAUSE",
                                    "LOT_INCONNU", *NO_ARTICLE}:
                assert all(part in backed for part in finding.reference.split(" ; ")), finding
            assert support.resolves(dossier, finding.field), finding
    assert len(seen) >= 30, sorted(seen)


def test_articles_named_in_messages_are_backed() -> None:
    """An article a check writes in a message is one the facts file establishes."""
    index = load_reference_index(LIBRARY)
    assert index is not None
    known = {a for entry in index.references for a in entry.articles}
    root = LIBRARY.parent / "drafting_app"
    sources = [*sorted((root / "checks").glob("*.py")), root / "advisers" / "contracting_mode.py"]
    cited = set()
    for path in sources:
        cited |= set(re.findall(r"\b[LRD]\d{4}(?:-\d+)+\b", path.read_text(encoding="utf-8")))
    assert cited and cited <= known, sorted(cited - known)


def test_check_command_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                  library: Library, legal: LegalData) -> None:
    path = tmp_path / "marche.json"
    save_dossier(support.tender(advance_rate=None), path)
    library_arg = ["--library", str(LIBRARY)]
    # warnings only: exit 0 (when the library itself is sound)
    status = main([*library_arg, "check", str(path), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert "AVANCE_TAUX_NON_INDIQUE" in {f["code"] for f in data["findings"]}
    assert status in (EXIT_OK, EXIT_FINDINGS)
    save_dossier(support.tender(payment_days=45), path)
    assert main([*library_arg, "check", str(path)]) == EXIT_FINDINGS
    out = capsys.readouterr().out
    assert "[erreur] DELAI_PAIEMENT_EXCESSIF (CCP art. R2192-10)" in out
    assert "champ : tender.payment_days" in out


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.stem)
def test_examples_check_without_errors(library: Library, legal: LegalData,
                                       example: Path) -> None:
    """The shipped examples are the showcase: they raise no blocking finding."""
    findings = run_checks(load_dossier(example), library, legal)
    errors = {f.code for f in findings if f.severity is Severity.ERROR}
    assert errors == set()
