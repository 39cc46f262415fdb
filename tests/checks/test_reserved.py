"""Reserved lots (L2113-12 to L2113-16) and label clauses, against the real library."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from drafting_app.checks import LegalData, Severity, load_legal_data
from drafting_app.wording.library import Library
from tests.checks_support import (
    TENDER,
    altered,
    codes,
    findings,
    load_test_library,
    lots,
    one,
    tender,
    with_top,
)
from tests.conftest import LIBRARY

INSERTION, RESERVED, ENVIRONMENT = TENDER["clauses"]
ESS_LOTS = [{"number": 1, "title": "Accompagnement social", "estimated_amount": "90000",
             "reservation": "ess", "cpv_codes": ["85311000-2"]},
            {"number": 2, "title": "Espaces verts", "estimated_amount": "48000"}]
ESS_CLAUSE = {"id": "reserve-ess", "lots": [1], "values": {"services": ["accompagnement"]}}


@pytest.fixture(scope="module")
def library() -> Library:
    return load_test_library()


@pytest.fixture(scope="module")
def legal() -> LegalData:
    data, problems = load_legal_data(LIBRARY)
    assert problems == []
    return data


def reservation_codes(d: Any, library: Library, legal: LegalData) -> set[str]:
    return {c for c in codes(d, library, legal) if c.startswith("RESERVATION")}


def test_reserved_lot_with_its_clause(library: Library, legal: LegalData) -> None:
    assert reservation_codes(tender(), library, legal) == {"RESERVATION_AVIS"}
    avis = {"id": "reserve-avis-mention", "lots": [2], "values": {
        "categorie": "structures d'insertion par l'activité économique (L2113-13)"}}
    with_avis = with_top(tender(), clauses=[*TENDER["clauses"], avis])
    assert reservation_codes(with_avis, library, legal) == set()


def test_reservation_clause_on_a_lot_not_reserved(library: Library, legal: LegalData) -> None:
    d = tender(lots=lots("126000", "48000"))
    finding = one(d, library, legal, "RESERVATION_NON_DECLAREE")
    assert finding.severity is Severity.WARNING
    assert finding.field == "tender.lots[1].reservation"
    assert finding.reference == "CCP art. R2113-7"


def test_reserved_lot_without_clause(library: Library, legal: LegalData) -> None:
    d = with_top(tender(), clauses=[INSERTION, ENVIRONMENT])
    finding = one(d, library, legal, "RESERVATION_SANS_CLAUSE")
    assert finding.severity is Severity.ERROR and finding.field == "tender.lots[1].reservation"
    assert "50\u00a0% au moins" in finding.message


def test_clause_for_another_kind_of_reservation(library: Library, legal: LegalData) -> None:
    reserved = [{"number": 1, "title": "Lot 1", "estimated_amount": "126000"},
                {"number": 2, "title": "Lot 2", "estimated_amount": "48000",
                 "reservation": "ea_esat"}]
    found = reservation_codes(tender(lots=reserved), library, legal)
    assert {"RESERVATION_SANS_CLAUSE", "RESERVATION_CLAUSE_DISCORDANTE"} <= found


def test_joint_reservation(library: Library, legal: LegalData) -> None:
    joint = [{"number": 1, "title": "Lot 1", "estimated_amount": "126000"},
             {"number": 2, "title": "Lot 2", "estimated_amount": "48000",
              "reservation": "ea_esat_siae"}]
    clause = {"id": "reserve-ea-esat-siae", "lots": [2], "values": {}}
    d = with_top(tender(lots=joint), clauses=[INSERTION, ENVIRONMENT, clause])
    assert reservation_codes(d, library, legal) == {"RESERVATION_AVIS"}


def test_generic_clause_is_read_from_its_category(library: Library, legal: LegalData) -> None:
    wrong = {"id": "reserve-avis-mention", "lots": [2], "values": {
        "categorie": "entreprises adaptées et ESAT (L2113-12)"}}
    d = with_top(tender(), clauses=[*TENDER["clauses"], wrong])
    finding = one(d, library, legal, "RESERVATION_CLAUSE_DISCORDANTE")
    assert finding.field == "clauses[3].lots"


@pytest.mark.parametrize(("day", "combined"), [("2022-10-19", False), ("2022-10-20", True)])
def test_prison_work_is_never_combined(library: Library, legal: LegalData, day: str,
                                       combined: bool) -> None:
    prison = [{"number": 1, "title": "Lot 1", "estimated_amount": "126000"},
              {"number": 2, "title": "Lot 2", "estimated_amount": "48000",
               "reservation": "detenus"}]
    clauses = [INSERTION, ENVIRONMENT, RESERVED, {"id": "reserve-detenus", "lots": [2],
                                                  "values": {}}]
    d = with_top(tender(lots=prison, launch_date=day), clauses=clauses)
    found = reservation_codes(d, library, legal)
    assert ("RESERVATION_DETENUS_CUMUL" in found) is combined
    # before the rule existed the SIAE clause is still the wrong one for this lot
    assert ("RESERVATION_CLAUSE_DISCORDANTE" in found) is not combined


def test_reservation_clause_must_state_the_share(library: Library, legal: LegalData) -> None:
    clause = library.clauses["lot-reserve-siae"]
    without = altered(library, "lot-reserve-siae", references=tuple(
        r for r in clause.meta.references if r.article != "R2113-7"))
    finding = one(tender(), without, legal, "RESERVATION_PART_MINIMALE")
    assert finding.field == "clauses[1].id" and "50\u00a0%" in finding.message


# --------------------------------------------------------------------------- ESS


def ess(**changes: Any) -> Any:
    return with_top(tender(lots=ESS_LOTS, **changes), clauses=[ENVIRONMENT, ESS_CLAUSE])


def test_ess_reserved_lot_on_listed_services(library: Library, legal: LegalData) -> None:
    assert reservation_codes(ess(), library, legal) == {"RESERVATION_AVIS"}


def test_ess_reservation_outside_the_list(library: Library, legal: LegalData) -> None:
    outside = [{**ESS_LOTS[0], "cpv_codes": ["85311000-2", "77310000-6"]}, ESS_LOTS[1]]
    d = with_top(tender(lots=outside), clauses=[ENVIRONMENT, ESS_CLAUSE])
    finding = one(d, library, legal, "RESERVATION_ESS_CPV_HORS_LISTE")
    assert "77310000-6" in finding.message and "85311000-2" not in finding.message
    assert "À vérifier" in finding.message
    assert finding.reference == "directive 2014/24/UE art. 77"
    assert finding.field == "tender.lots[0].cpv_codes"
    empty = [{**ESS_LOTS[0], "cpv_codes": []}, ESS_LOTS[1]]
    d = with_top(tender(lots=empty), clauses=[ENVIRONMENT, ESS_CLAUSE])
    assert "RESERVATION_ESS_CPV_MANQUANT" in reservation_codes(d, library, legal)


def test_ess_reservation_is_for_services(library: Library, legal: LegalData) -> None:
    d = ess(contract_kind="fournitures")
    assert one(d, library, legal, "RESERVATION_ESS_SERVICES").field == "tender.contract_kind"


@pytest.mark.parametrize(("months", "error"), [(36, False), (37, True)])
def test_ess_reservation_lasts_3_years_at_most(library: Library, legal: LegalData, months: int,
                                               error: bool) -> None:
    assert ("RESERVATION_ESS_DUREE" in reservation_codes(ess(duration_months=months), library,
                                                         legal)) is error


def test_ess_renewals_and_repeat_award(library: Library, legal: LegalData) -> None:
    """Three years at most, renewals included: 12 months renewed twice is the limit."""
    assert "RESERVATION_ESS_DUREE" not in reservation_codes(
        ess(duration_months=12, renewals=2), library, legal)
    too_long = one(ess(duration_months=12, renewals=3), library, legal, "RESERVATION_ESS_DUREE")
    assert too_long.severity is Severity.ERROR and too_long.field == "tender.renewals"
    assert "48 mois reconductions comprises" in too_long.message
    # the rule the buyer must read: the ESS reservation, with article 77 of the directive
    assert too_long.reference == "CCP art. L2113-15 ; directive 2014/24/UE art. 77"
    repeat = one(ess(ess_previous_award_within_3_years=True), library, legal,
                 "RESERVATION_ESS_REATTRIBUTION")
    assert repeat.severity is Severity.ERROR
    assert repeat.field == "tender.ess_previous_award_within_3_years"


# --------------------------------------------------------------------------- labels


LABEL = {"id": "commerce-equitable-label", "values": {"produits": ["café", "thé"]}}


def test_label_clause_accepting_equivalents(library: Library, legal: LegalData) -> None:
    d = with_top(tender(), clauses=[*TENDER["clauses"], LABEL])
    assert not {"LABEL_SANS_EQUIVALENT", "LABEL_CARACTERISTIQUES"} & codes(d, library, legal)


def test_label_clause_without_equivalents(library: Library, legal: LegalData) -> None:
    clause = library.clauses["commerce-equitable-label"]
    strict = altered(library, "commerce-equitable-label",
                     text=clause.text.replace("équivalent", "reconnu"))
    d = with_top(tender(), clauses=[*TENDER["clauses"], LABEL])
    finding = one(d, strict, legal, "LABEL_SANS_EQUIVALENT")
    assert finding.severity is Severity.ERROR and finding.field == "clauses[3].id"
    assert finding.reference == "CCP art. R2111-16" and "À vérifier" in finding.message


def test_label_clause_without_characteristics(library: Library, legal: LegalData) -> None:
    clause = library.clauses["commerce-equitable-label"]
    vague = altered(library, "commerce-equitable-label",
                    text=clause.text.replace("aractéristique", "xigence"),
                    references=tuple(r for r in clause.meta.references
                                     if r.article != "R2111-15"))
    d = with_top(tender(), clauses=[*TENDER["clauses"], LABEL])
    assert one(d, vague, legal, "LABEL_CARACTERISTIQUES").severity is Severity.INFO
    assert dt.date.fromisoformat(TENDER["tender"]["launch_date"]).year == 2026
    assert [f for f in findings(d, library, legal) if f.code == "LABEL_CARACTERISTIQUES"] == []


def test_detainee_reservation_exists_from_20_october_2022(library: Library,
                                                          legal: LegalData) -> None:
    prison = [{"number": 1, "title": "Lot 1", "estimated_amount": "126000"},
              {"number": 2, "title": "Lot 2", "estimated_amount": "48000",
               "reservation": "detenus"}]
    clause = {"id": "reserve-detenus", "lots": [2], "values": {}}
    before = with_top(tender(lots=prison, launch_date="2022-10-19"),
                      clauses=[INSERTION, ENVIRONMENT, clause])
    finding = one(before, library, legal, "RESERVATION_DETENUS_AVANT_VIGUEUR")
    assert finding.severity is Severity.ERROR and finding.field == "tender.lots[1].reservation"
    assert "20 octobre 2022" in finding.message
    assert finding.reference == "CCP art. L2113-13-1"
    after = with_top(tender(lots=prison, launch_date="2022-10-20"),
                     clauses=[INSERTION, ENVIRONMENT, clause])
    assert "RESERVATION_DETENUS_AVANT_VIGUEUR" not in codes(after, library, legal)


def test_ess_services_named_as_in_l2113_15(library: Library, legal: LegalData) -> None:
    message = one(ess(contract_kind="fournitures"), library, legal,
                  "RESERVATION_ESS_SERVICES").message
    assert "services sociaux et autres services spécifiques" in message
    assert "culturels" not in message
