"""Completeness checks: dates in order, schedules that add up, objectives, SIRET check digits."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from drafting_app.checks import Context, LegalData, Severity, load_legal_data, run_checks
from drafting_app.checks.completeness import check_launch_dates, siret_key_ok
from drafting_app.dossier.model import Dossier
from drafting_app.wording.library import Library
from tests import checks_support as support
from tests.conftest import LIBRARY


@pytest.fixture(scope="module")
def library() -> Library:
    return support.load_test_library()


@pytest.fixture(scope="module")
def legal() -> LegalData:
    data, problems = load_legal_data(LIBRARY)
    assert problems == []
    return data


def findings(dossier: Dossier, library: Library, legal: LegalData) -> dict[str, Any]:
    return {f.code: f for f in run_checks(dossier, library, legal)}


def luhn_ok(number: str) -> bool:
    digits = [int(c) * (2 if i % 2 else 1) for i, c in enumerate(reversed(number))]
    return sum(d - 9 if d > 9 else d for d in digits) % 10 == 0


@pytest.mark.parametrize(("siret", "valid"), [
    ("21490007300013", True),  # Luhn-valid
    ("21490007300014", False),  # one digit off
    ("21490007300031", False),  # two digits swapped
    ("35600000049837", True),  # a La Poste office: digit sum 45, though Luhn fails
    ("35600000000056", True),
    ("35600000000064", False),  # neither
    ("35600000000048", True),  # La Poste's head office: Luhn
    ("2149000730001", False),  # 13 digits
    ("2149000730001A", False),
])
def test_siret_check_digit_with_la_poste_exception(siret: str, valid: bool) -> None:
    assert siret_key_ok(siret) is valid


def test_the_la_poste_exception_is_needed() -> None:
    assert not luhn_ok("35600000049837") and siret_key_ok("35600000049837")
    assert luhn_ok("35600000000048") and siret_key_ok("35600000000048")


def test_a_wrong_buyer_or_association_siret_is_blocking(library: Library,
                                                        legal: LegalData) -> None:
    tender = support.buyer(support.tender(), siret="21490007300014")
    found = findings(tender, library, legal)["SIRET_CLE"]
    assert found.severity is Severity.ERROR and found.field == "buyer.siret"
    assert "21490007300014" in found.message and "clé de contrôle" in found.message
    data = support.subsidy().model_dump(mode="json")
    data["subsidy"]["association"]["siret"] = "82345678900011"
    wrong = findings(Dossier.model_validate(data), library, legal)["SIRET_CLE"]
    assert wrong.field == "subsidy.association.siret" and "de l’association" in wrong.message
    assert "SIRET_CLE" not in findings(support.tender(), library, legal)
    assert "SIRET_CLE" not in findings(support.subsidy(), library, legal)


def test_an_offer_deadline_before_the_launch_is_blocking(library: Library,
                                                         legal: LegalData) -> None:
    before = support.tender(launch_date="2026-12-07", offers_deadline="2026-11-30T12:00:00")
    found = findings(before, library, legal)["OFFRES_AVANT_LANCEMENT"]
    assert found.severity is Severity.ERROR and found.field == "tender.offers_deadline"
    assert "30 novembre 2026" in found.message and "7 décembre 2026" in found.message
    same_day = support.tender(launch_date="2026-12-07", offers_deadline="2026-12-07T17:00:00")
    codes = findings(same_day, library, legal)
    assert "OFFRES_AVANT_LANCEMENT" not in codes
    assert codes["OFFRES_JOUR_DU_LANCEMENT"].severity is Severity.WARNING
    after = support.tender(launch_date="2026-12-07", offers_deadline="2027-01-18T12:00:00")
    assert not {"OFFRES_AVANT_LANCEMENT", "OFFRES_JOUR_DU_LANCEMENT"} & set(
        findings(after, library, legal))


def test_a_launch_date_years_back_is_flagged(library: Library, legal: LegalData) -> None:
    today = dt.date(2026, 12, 7)

    def codes(dossier: Dossier) -> dict[str, Any]:
        context = Context(dossier, legal, library)
        return {f.code: f for f in check_launch_dates(context, today)}

    old = codes(support.tender(launch_date="2016-12-07"))["LANCEMENT_ANCIEN"]
    assert old.severity is Severity.WARNING and old.field == "tender.launch_date"
    assert "7 décembre 2016" in old.message
    assert codes(support.tender(launch_date="2026-01-15")) == {}  # this year: fine
    assert codes(support.tender(launch_date="2027-03-01")) == {}  # ahead: fine
    start = codes(support.subsidy(start_date="2023-01-01"))["DEBUT_ANCIEN"]
    assert start.field == "subsidy.start_date"


def payments(*amounts: str) -> list[dict[str, str]]:
    return [{"label": f"Versement {i}", "amount": amount, "due": "à la signature"}
            for i, amount in enumerate(amounts, start=1)]


def test_a_schedule_that_does_not_add_up_is_blocking(library: Library,
                                                     legal: LegalData) -> None:
    wrong = support.subsidy(annual_amount="30000.00", payments=payments("21000", "10000"))
    found = findings(wrong, library, legal)["ECHEANCIER_SOMME"]
    assert found.severity is Severity.ERROR and found.field == "subsidy.payments"
    assert found.message == (
        "Les versements de l’échéancier totalisent 31\u202f000,00\u00a0€, soit 1\u202f000,00"
        "\u00a0€ de plus que la subvention (30\u202f000,00\u00a0€) : la convention doit dire le "
        "même montant partout ; corrigez un versement ou le montant.")
    assert found.reference == "loi n° 2000-321 du 12 avril 2000 art. 10"
    right = support.subsidy(annual_amount="30000.00", payments=payments("21000", "9000"))
    assert "ECHEANCIER_SOMME" not in findings(right, library, legal)
    assert "ECHEANCIER_SOMME" not in findings(support.subsidy(payments=[]), library, legal)


def test_a_cpo_schedule_is_the_first_year_s(library: Library, legal: LegalData) -> None:
    def cpo(*amounts: str) -> Dossier:
        return support.with_top(support.subsidy(
            duration_years=3, annual_amount="90000.00",
            yearly_amounts=["90000.00", "95000.00", "95000.00"], payments=payments(*amounts)),
            kind="cpo")

    assert "ECHEANCIER_SOMME" not in findings(cpo("54000", "36000"), library, legal)
    short = findings(cpo("54000", "30000"), library, legal)["ECHEANCIER_SOMME"]
    assert "6\u202f000,00\u00a0€ de moins que le montant de la première année" in short.message


def test_a_convention_without_objectives_is_blocking(library: Library,
                                                     legal: LegalData) -> None:
    found = findings(support.subsidy(objectives=[]), library, legal)["OBJECTIFS_ABSENTS"]
    assert found.severity is Severity.ERROR and found.field == "subsidy.objectives"
    bare = support.subsidy(objectives=[{"title": "Réparer", "indicators": []}])
    warning = findings(bare, library, legal)["INDICATEURS_ABSENTS"]
    assert warning.severity is Severity.WARNING
    assert warning.field == "subsidy.objectives[0].indicators"
    assert "OBJECTIFS_ABSENTS" not in findings(support.subsidy(), library, legal)


def test_every_completeness_finding_resolves_to_a_field(library: Library,
                                                        legal: LegalData) -> None:
    wrong = [
        support.buyer(support.tender(offers_deadline="2017-12-01T12:00:00",
                                     launch_date="2018-01-10"), siret="21490007300014"),
        support.subsidy(objectives=[{"title": "Réparer"}], payments=payments("1"),
                        start_date="2019-01-01"),
        support.subsidy(objectives=[]),
    ]
    seen = set()
    for dossier in wrong:
        for finding in run_checks(dossier, library, legal):
            seen.add(finding.code)
            assert support.resolves(dossier, finding.field), finding
    assert {"SIRET_CLE", "OFFRES_AVANT_LANCEMENT", "LANCEMENT_ANCIEN", "DEBUT_ANCIEN",
            "ECHEANCIER_SOMME", "OBJECTIFS_ABSENTS", "INDICATEURS_ABSENTS"} <= seen
