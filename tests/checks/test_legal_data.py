"""The dated legal data file: validated with file and line, queried by date, kind and buyer."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from drafting_app.checks.legal_data import (
    INSERTION_DATA_FILE,
    LEGAL_DATA_FILE,
    LegalData,
    load_insertion_data,
    load_legal_data,
)
from drafting_app.dossier.model import BuyerKind, ContractKind, Reservation
from tests.conftest import LIBRARY

D = dt.date
SERVICES, WORKS, SUPPLIES = ContractKind.SERVICES, ContractKind.WORKS, ContractKind.SUPPLIES


@pytest.fixture(scope="module")
def legal() -> LegalData:
    data, problems = load_legal_data(LIBRARY)
    assert problems == [], "\n".join(str(p) for p in problems)
    return data


@pytest.fixture()
def copy(tmp_path: Path) -> Path:
    """A copy of the library's legal folder to break."""
    root = tmp_path / "lib"
    shutil.copytree(LIBRARY / "legal", root / "legal")
    return root


def edit(root: Path, old: str, new: str, name: str = LEGAL_DATA_FILE) -> Path:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def line_of(path: Path, fragment: str, occurrence: int = 1) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    hits = [i + 1 for i, line in enumerate(lines) if fragment in line]
    return hits[occurrence - 1]


# --------------------------------------------------------------------------- validation


def test_shipped_files_are_valid(legal: LegalData) -> None:
    assert len(legal.thresholds) > 30 and len(legal.rules) > 20
    data, problems = load_insertion_data(LIBRARY)
    assert problems == [] and data is not None and len(data.trades) >= 3


def test_malformed_toml_names_file_and_line(copy: Path) -> None:
    path = edit(copy, 'value = 40000\n', 'value = 40 000\n')
    _, problems = load_legal_data(copy)
    assert len(problems) == 1
    assert problems[0].path == path
    assert problems[0].line == line_of(path, "value = 40 000")
    assert problems[0].message == (
        "syntaxe TOML incorrecte, colonne 12 : fin de ligne attendue après la valeur (un nombre "
        "s’écrit sans espace : 40000)")
    assert str(problems[0]).startswith(f"{path}:{problems[0].line} : syntaxe")


def test_wrong_value_names_field_and_line(copy: Path) -> None:
    path = edit(copy, 'value = 60000\n', 'value = "soixante mille"\n')
    _, problems = load_legal_data(copy)
    assert [p.line for p in problems] == [line_of(path, '"soixante mille"')]
    assert "thresholds[1].value" in problems[0].message
    assert "un nombre est attendu" in problems[0].message


def test_unknown_key_and_bad_date_order(copy: Path) -> None:
    path = edit(copy, 'start = 2026-04-01\n', 'start = 2026-04-01\nvaleur = 3\n')
    edit(copy, 'start = 2023-01-01\nend = 2025-12-31\n', 'start = 2026-01-01\nend = 2025-12-31\n')
    _, problems = load_legal_data(copy)
    messages = {p.line: p.message for p in problems}
    assert "clé inconnue" in messages[line_of(path, "valeur = 3")]
    assert any("date de fin" in m for m in messages.values())


def test_overlapping_values_are_refused_with_both_lines(copy: Path) -> None:
    # the 40 000 € value no longer ends when the 60 000 € value starts
    path = edit(copy, 'end = 2026-03-31\n', 'end = 2026-04-30\n')
    _, problems = load_legal_data(copy)
    assert len(problems) == 1
    first = line_of(path, 'id = "dispense_procedure"', 1)
    assert problems[0].line == line_of(path, 'id = "dispense_procedure"', 2)
    assert f"ligne {first}" in problems[0].message


def test_unknown_and_missing_ids(copy: Path) -> None:
    path = edit(copy, 'id = "avance_taux_min"\n', 'id = "avance_taux_minimum"\n')
    _, problems = load_legal_data(copy)
    unknown = [p for p in problems if "inconnu" in p.message]
    missing = [p for p in problems if "manquant" in p.message]
    assert [p.line for p in unknown] == [line_of(path, "avance_taux_minimum")]
    assert "« avance_taux_min » manquant" in missing[0].message


def test_reference_must_be_backed_by_the_facts(copy: Path) -> None:
    path = edit(copy, 'reference = { article = "R2142-7"', 'reference = { article = "R2142-99"')
    _, problems = load_legal_data(copy)
    assert len(problems) == 1
    assert problems[0].line == line_of(path, "R2142-99")
    assert "CCP art. R2142-99" in problems[0].message
    assert "absente de legal/references.toml" in problems[0].message


def test_reference_to_check_forces_the_caveat(copy: Path) -> None:
    # R2111-16 is "à vérifier" in references.toml: the entry must say what to check
    path = edit(copy, 'verified = false\nto_check = "numéro de l\'article (R2111-16)',
                'to_check = "numéro de l\'article (R2111-16)')
    _, problems = load_legal_data(copy)
    assert any("n’a de sens" in p.message for p in problems)
    edit(copy, "to_check = \"numéro de l'article (R2111-16) ; la règle elle-même est établie\"\n",
         "")
    _, problems = load_legal_data(copy)
    assert len(problems) == 1
    assert problems[0].line == line_of(path, 'article = "R2111-16"')
    assert "verified = false" in problems[0].message


def test_unverified_entry_must_say_what_to_check(copy: Path) -> None:
    line = ('to_check = "rédaction exacte des exceptions de l\'article L2112-2-1 (lien '
            "insuffisant avec l'objet, restriction de la concurrence ou difficulté d'exécution, "
            "besoin satisfait par une solution immédiatement disponible ?) et obligation d'en "
            'consigner les motifs"\n')
    path = edit(copy, line, "")
    _, problems = load_legal_data(copy)
    assert len(problems) == 1
    # a rule about the whole entry points at its table header
    assert problems[0].line == line_of(path, 'id = "exception_condition_sociale"') - 1
    assert "doit dire ce qu’il faut vérifier" in problems[0].message


def test_missing_file_is_a_french_problem(tmp_path: Path) -> None:
    _, problems = load_legal_data(tmp_path)
    assert [p.message for p in problems] == ["fichier de données juridiques manquant"]


def test_broken_trades_file_is_reported_by_the_legal_data_check(copy: Path) -> None:
    path = edit(copy, "part_main_oeuvre = 50\n", "part_main_oeuvre = 150\n", INSERTION_DATA_FILE)
    _, problems = load_legal_data(copy)
    assert [(p.path, p.line) for p in problems] == [(path, line_of(path, "= 150"))]
    assert "au plus 100" in problems[0].message
    edit(copy, "part_main_oeuvre = 150\n", "part_main_oeuvre = 50\n", INSERTION_DATA_FILE)
    edit(copy, 'id = "maconnerie"', 'id = "peinture-interieure"', INSERTION_DATA_FILE)
    _, problems = load_insertion_data(copy)
    assert any("défini deux fois" in p.message for p in problems)


# --------------------------------------------------------------------------- dated values


@pytest.mark.parametrize(
    ("kind", "buyer", "day", "value"),
    [
        (SERVICES, BuyerKind.COMMUNE, D(2023, 12, 31), 215000),
        (SERVICES, BuyerKind.COMMUNE, D(2024, 1, 1), 221000),
        (SERVICES, BuyerKind.COMMUNE, D(2025, 12, 31), 221000),
        (SERVICES, BuyerKind.COMMUNE, D(2026, 1, 1), 216000),
        (SUPPLIES, BuyerKind.STATE, D(2025, 12, 31), 143000),
        (SUPPLIES, BuyerKind.STATE, D(2026, 1, 1), 140000),
        (WORKS, BuyerKind.REGION, D(2025, 12, 31), 5538000),
        (WORKS, BuyerKind.REGION, D(2026, 1, 1), 5404000),
        (WORKS, BuyerKind.PUBLIC_COMPANY, D(2026, 1, 1), 5404000),
        (SERVICES, BuyerKind.PUBLIC_COMPANY, D(2026, 1, 1), 432000),
        (SERVICES, BuyerKind.COMMUNE, D(2027, 12, 31), 216000),
        (SERVICES, BuyerKind.COMMUNE, D(2028, 1, 1), None),
    ],
)
def test_eu_thresholds_by_period_kind_and_buyer(
    legal: LegalData, kind: ContractKind, buyer: BuyerKind, day: dt.date, value: int | None
) -> None:
    found = legal.threshold("seuil_europeen", day, kind, buyer)
    assert (found.value if found else None) == value


@pytest.mark.parametrize(
    ("threshold_id", "day", "value"),
    [
        ("chiffre_affaires_max", D(2025, 12, 31), Decimal(2)),
        ("chiffre_affaires_max", D(2026, 1, 1), Decimal("1.5")),
        ("de_minimis_plafond", D(2023, 12, 31), None),
        ("de_minimis_plafond", D(2024, 1, 1), Decimal(300000)),
        ("de_minimis_plafond", D(2030, 12, 31), Decimal(300000)),
        ("de_minimis_plafond", D(2031, 1, 1), None),
        ("convention_subvention", D(2001, 6, 5), None),
        ("convention_subvention", D(2001, 6, 6), Decimal(23000)),
    ],
)
def test_values_change_on_their_dates(
    legal: LegalData, threshold_id: str, day: dt.date, value: Decimal | None
) -> None:
    found = legal.threshold(threshold_id, day)
    assert (found.value if found else None) == value


@pytest.mark.parametrize(
    ("buyer", "large", "day", "value"),
    [
        (BuyerKind.STATE, None, D(2019, 12, 31), None),
        (BuyerKind.STATE, None, D(2020, 1, 1), Decimal(20)),
        (BuyerKind.STATE, None, D(2022, 12, 31), Decimal(20)),
        (BuyerKind.STATE, None, D(2023, 1, 1), Decimal(30)),
        (BuyerKind.COMMUNE, True, D(2026, 1, 1), Decimal(10)),
        (BuyerKind.COMMUNE, False, D(2026, 1, 1), None),
        (BuyerKind.HEALTH_PUBLIC_BODY, True, D(2026, 1, 1), None),
    ],
)
def test_sme_advance_rate_by_buyer(
    legal: LegalData, buyer: BuyerKind, large: bool | None, day: dt.date, value: Decimal | None
) -> None:
    found = legal.threshold("avance_taux_min_pme", day, SERVICES, buyer, large)
    assert (found.value if found else None) == value


def test_unverified_values_carry_their_caveat(legal: LegalData) -> None:
    state = legal.threshold("avance_taux_min_pme", D(2023, 1, 1), SERVICES, BuyerKind.STATE)
    assert state is not None and not state.verified
    assert state.caveat().startswith(" À vérifier : date d’application du taux de 30 %")
    commune = legal.threshold("seuil_europeen", D(2026, 6, 1), SERVICES, BuyerKind.COMMUNE)
    assert commune is not None and commune.caveat() == ""
    assert commune.cite() == "CCP, annexe 2 ; CCP art. R2121-1"


@pytest.mark.parametrize(
    ("rule_id", "before", "first_day"),
    [
        ("critere_environnemental", D(2026, 8, 20), D(2026, 8, 21)),
        ("condition_execution_environnementale", D(2026, 8, 21), D(2026, 8, 22)),
        ("condition_execution_sociale", D(2026, 8, 21), D(2026, 8, 22)),
        ("reservation_detenus_non_cumulable", D(2022, 10, 19), D(2022, 10, 20)),
        ("contrat_engagement_republicain", D(2022, 1, 1), D(2022, 1, 2)),
    ],
)
def test_rules_start_on_their_date(
    legal: LegalData, rule_id: str, before: dt.date, first_day: dt.date
) -> None:
    assert legal.rule(rule_id, before) is None
    assert legal.rule(rule_id, first_day) is not None


@pytest.mark.parametrize(
    ("code", "listed"),
    [("85000000", True), ("85323000", True), ("85311000-2", True), ("85323001", False),
     ("84999999", False), ("98133110", True), ("98133111", False), ("92500000-6", True)],
)
def test_ess_cpv_list_and_ranges(legal: LegalData, code: str, listed: bool) -> None:
    codes = legal.code_list("cpv_reservation_ess", D(2026, 12, 7))
    assert codes is not None and codes.contains(code) is listed


def test_reservation_kinds_from_articles(legal: LegalData) -> None:
    assert legal.reservation_kinds(["L2113-13", "R2113-7"]) == {Reservation.INSERTION}
    assert legal.reservation_kinds(["L2113-12", "L2113-13"]) == {Reservation.BOTH}
    assert legal.reservation_kinds(["L2113-14", "L2113-12"]) == {Reservation.BOTH}
    assert legal.reservation_kinds(["L2113-13-1"]) == {Reservation.PRISON}
    assert legal.reservation_kinds(["R2113-7"]) == set()


def test_labels_use_typographic_apostrophes(legal: LegalData) -> None:
    assert all("'" not in t.label for t in legal.thresholds)
    assert all("'" not in r.label + r.to_check for r in legal.rules)


# --------------------------------------------------------------------------- issue 14


def test_entries_the_audit_found_missing(legal: LegalData) -> None:
    """R2131-12, R2196-1, L2171-8, SIEG limits: dated, referenced, read by the checks."""
    day = D(2026, 12, 7)
    publicity = legal.threshold("publicite_procedure_adaptee", day, SERVICES, BuyerKind.COMMUNE)
    assert publicity is not None and publicity.value == 90000 and publicity.verified
    assert publicity.reference.article == "R2131-12"
    essential = legal.threshold("donnees_essentielles_marche", day, SERVICES)
    assert essential is not None and essential.value == 40000
    assert essential.reference.article == "R2196-1"
    sme = legal.threshold("part_pme_marche_global", day)
    old = legal.threshold("part_pme_marche_global", D(2024, 12, 31))
    assert sme is not None and old is not None and (old.value, sme.value) == (10, 20)
    assert sme.reference.article == "L2171-8"
    yearly = legal.threshold("sieg_compensation_annuelle_max", day)
    years = legal.threshold("sieg_duree_mandat_max", day)
    assert yearly is not None and yearly.value == 15_000_000
    assert years is not None and (years.value, years.unit) == (10, "ans")


def test_entries_the_facts_now_settle(legal: LegalData) -> None:
    social = legal.threshold("seuil_services_sociaux", D(2026, 12, 7), SERVICES)
    assert social is not None and social.verified and social.value == 750000
    assert social.reference.text == "directive 2014/24/UE" and social.reference.article == "4"
    sieg = legal.threshold("de_minimis_sieg_plafond", D(2030, 12, 31))
    assert sieg is not None and sieg.verified
    assert legal.threshold("de_minimis_sieg_plafond", D(2031, 1, 1)) is None
    detainees = legal.rule("reservation_detenus", D(2022, 10, 20))
    assert detainees is not None and legal.rule("reservation_detenus", D(2022, 10, 19)) is None
    weighting = legal.rule("ponderation_criteres", D(2026, 12, 7))
    assert weighting is not None and weighting.reference.article == "R2152-12"


def test_also_references_are_checked(copy: Path) -> None:
    path = edit(copy, 'also = [{ article = "L2113-11", text = "CCP"',
                'also = [{ article = "L2113-99", text = "CCP"')
    _, problems = load_legal_data(copy)
    assert [(p.path, p.line) for p in problems] == [(path, line_of(path, "L2113-99"))]
    assert "CCP art. L2113-99" in problems[0].message
