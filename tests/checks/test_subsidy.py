"""Subsidy checks: convention, CPO duration, CER, financial report, State aid, qualification."""

from __future__ import annotations

import dataclasses
from types import MappingProxyType
from typing import Any

import pytest

from drafting_app.checks import LegalData, Severity, load_legal_data
from drafting_app.wording.library import Library
from tests.checks_support import (
    codes,
    load_test_library,
    one,
    subsidy,
    with_top,
    without_documents,
)
from tests.conftest import LIBRARY

SUBSIDY_ANSWERS = {"initiative": "association", "authority_defines_need": False,
                   "price_for_service_received": False, "public_service_mission": False,
                   "multi_year": False}


@pytest.fixture(scope="module")
def library() -> Library:
    return load_test_library()


@pytest.fixture(scope="module")
def legal() -> LegalData:
    data, problems = load_legal_data(LIBRARY)
    assert problems == []
    return data


def answered(**changes: Any) -> Any:
    return with_top(subsidy(**changes), advisor=SUBSIDY_ANSWERS)


def test_clean_subsidy_has_information_only(library: Library, legal: LegalData) -> None:
    found = codes(answered(), library, legal)
    assert found == {"CLAUSE_NON_VALIDEE", "CONVENTION_OBLIGATOIRE",
                     "DONNEES_ESSENTIELLES_SUBVENTION"}


@pytest.mark.parametrize(
    ("amount", "in_kind", "code"),
    [("23000", "0", "CONVENTION_FACULTATIVE"), ("23000.01", "0", "CONVENTION_OBLIGATOIRE"),
     ("20000", "3000.01", "CONVENTION_OBLIGATOIRE")],
)
def test_convention_threshold_counts_in_kind_aid(library: Library, legal: LegalData,
                                                 amount: str, in_kind: str, code: str) -> None:
    found = codes(answered(annual_amount=amount, in_kind_value=in_kind), library, legal)
    assert code in found
    assert ("DONNEES_ESSENTIELLES_SUBVENTION" in found) is (code == "CONVENTION_OBLIGATOIRE")


def test_essential_data_finding_says_what_to_check(library: Library, legal: LegalData) -> None:
    finding = one(answered(), library, legal, "DONNEES_ESSENTIELLES_SUBVENTION")
    assert finding.reference == "décret n° 2017-779 du 5 mai 2017"
    assert "3 500 habitants" in finding.message and "À vérifier" in finding.message


@pytest.mark.parametrize(("kind", "years", "code"), [
    ("cpo", 4, None), ("cpo", 5, "CPO_DUREE"), ("cpo", 1, "CPO_UNE_ANNEE"),
    ("convention_annuelle", 2, "CONVENTION_ANNUELLE_PLURIANNUELLE"),
    ("convention_annuelle", 1, None),
])
def test_duration(library: Library, legal: LegalData, kind: str, years: int,
                  code: str | None) -> None:
    d = with_top(answered(duration_years=years), kind=kind)
    watched = {"CPO_DUREE", "CPO_UNE_ANNEE", "CONVENTION_ANNUELLE_PLURIANNUELLE"}
    assert codes(d, library, legal) & watched == ({code} if code else set())


def test_yearly_amounts_match_the_duration(library: Library, legal: LegalData) -> None:
    d = with_top(answered(duration_years=3, yearly_amounts=["30000", "32000"]), kind="cpo")
    assert one(d, library, legal, "MONTANTS_ANNUELS_INCOHERENTS").field == \
        "subsidy.yearly_amounts"


@pytest.mark.parametrize(("start", "required"), [("2022-01-01", False), ("2022-01-02", True)])
def test_republican_commitment_recalled(library: Library, legal: LegalData, start: str,
                                        required: bool) -> None:
    bare = without_documents(library)
    d = with_top(answered(start_date=start), clauses=[])
    assert ("CER_NON_RAPPELE" in codes(d, bare, legal)) is required
    with_clause = answered(start_date=start)
    assert "CER_NON_RAPPELE" not in codes(with_clause, bare, legal)


def test_financial_report_is_asked_for(library: Library, legal: LegalData) -> None:
    assert "COMPTE_RENDU_FINANCIER_ABSENT" not in codes(answered(), library, legal)
    skeleton = library.documents_for(answered().kind)[0]
    silent = dataclasses.replace(skeleton, text="# Objet\n\nLa convention a pour objet le projet.")
    only = dataclasses.replace(library, documents=MappingProxyType({skeleton.id: silent}))
    finding = one(answered(), only, legal, "COMPTE_RENDU_FINANCIER_ABSENT")
    assert finding.reference == "loi n° 2000-321 du 12 avril 2000 art. 10"


@pytest.mark.parametrize(
    ("sieg", "declared", "code"),
    [
        (False, "0", None),
        (False, "265000", "DE_MINIMIS_SOUS_PLAFOND"),  # 265 000 + 35 000 = 300 000
        (False, "265000.01", "DE_MINIMIS_PLAFOND_DEPASSE"),
        (True, "715000", "DE_MINIMIS_SOUS_PLAFOND"),
        (True, "715000.01", "DE_MINIMIS_PLAFOND_DEPASSE"),
    ],
)
def test_de_minimis_caps(library: Library, legal: LegalData, sieg: bool, declared: str,
                         code: str | None) -> None:
    d = answered(sieg=sieg, de_minimis_declared=declared)
    found = {c for c in codes(d, library, legal) if c.startswith("DE_MINIMIS")}
    assert found == ({code} if code else set())
    if sieg and code:  # the SIEG de minimis regulation is verified, until 31 December 2030
        finding = one(d, library, legal, code)
        assert "À vérifier" not in finding.message
        assert finding.reference == "règlement (UE) 2023/2832"


def test_de_minimis_counts_every_firm_amount_of_a_cpo(library: Library,
                                                     legal: LegalData) -> None:
    """The aid is granted when the right is conferred: all four years count at signature."""
    d = with_top(answered(duration_years=4, yearly_amounts=["80000", "80000", "80000", "80000"],
                          de_minimis_declared="0"), kind="cpo")
    # 320 000 € over the four years; three years alone (240 000 €) would pass
    finding = one(d, library, legal, "DE_MINIMIS_PLAFOND_DEPASSE")
    assert "320\u202f000,00\u00a0€ pour les 4 années, comptées à la signature" in finding.message
    assert "À vérifier : l’article du règlement (UE) 2023/2831" in finding.message


@pytest.mark.parametrize(("start", "known"), [("2023-12-31", False), ("2024-01-01", True)])
def test_de_minimis_cap_dates(library: Library, legal: LegalData, start: str,
                              known: bool) -> None:
    d = answered(start_date=start, de_minimis_declared="100000")
    found = codes(d, library, legal)
    assert ("DE_MINIMIS_NON_CONNU" in found) is not known
    assert ("DE_MINIMIS_SOUS_PLAFOND" in found) is known


def test_sieg_mandate_contents(library: Library, legal: LegalData) -> None:
    missing = one(answered(sieg=True), library, legal, "MANDAT_SIEG_INCOMPLET")
    assert missing.reference == "décision 2012/21/UE art. 4"
    assert "À vérifier" in missing.message and missing.severity is Severity.WARNING
    mandate = {"id": "cpo-mandat-sieg", "values": {}}
    clauses = [{"id": "convention-contrat-engagement-republicain", "values": {}}, mandate]
    d = with_top(answered(sieg=True), clauses=clauses)
    if library.clause("cpo-mandat-sieg") is None:
        pytest.skip("clause cpo-mandat-sieg not loadable in this library state")
    found = codes(d, library, legal)
    assert "MANDAT_SIEG_CONTENU" in found and "MANDAT_SIEG_INCOMPLET" not in found


@pytest.mark.parametrize(("amount", "reported"), [("153000", False), ("153000.01", True)])
def test_association_accounts_threshold(library: Library, legal: LegalData, amount: str,
                                        reported: bool) -> None:
    found = codes(answered(annual_amount=amount), library, legal)
    assert ("COMPTES_ANNUELS_ASSOCIATION" in found) is reported


def test_cpo_fits_answers_that_leave_the_length_open(library: Library,
                                                     legal: LegalData) -> None:
    open_length = {k: v for k, v in SUBSIDY_ANSWERS.items() if k != "multi_year"}
    cpo = with_top(subsidy(duration_years=3), kind="cpo", advisor=open_length)
    assert "MODE_CONSEILLE_DIFFERENT" not in codes(cpo, library, legal)
    annual_answer = with_top(subsidy(duration_years=3), kind="cpo", advisor=SUBSIDY_ANSWERS)
    assert "MODE_CONSEILLE_DIFFERENT" in codes(annual_answer, library, legal)


@pytest.mark.parametrize(
    ("answers", "code", "severity"),
    [
        ({}, "QUALIFICATION_A_FAIRE", Severity.INFO),
        ({**SUBSIDY_ANSWERS, "price_for_service_received": True}, "REQUALIFICATION_MARCHE",
         Severity.WARNING),
        ({**SUBSIDY_ANSWERS, "authority_defines_need": True, "initiative": "collectivite"},
         "REQUALIFICATION_MARCHE", Severity.WARNING),
        ({**SUBSIDY_ANSWERS, "public_service_mission": True}, "MANDAT_SIEG_SUGGERE",
         Severity.INFO),
        ({**SUBSIDY_ANSWERS, "authority_defines_need": True}, "QUALIFICATION_INCERTAINE",
         Severity.WARNING),
        ({**SUBSIDY_ANSWERS, "multi_year": True}, "MODE_CONSEILLE_DIFFERENT", Severity.INFO),
    ],
)
def test_contracting_mode(library: Library, legal: LegalData, answers: dict[str, Any],
                          code: str, severity: Severity) -> None:
    d = with_top(subsidy(), advisor=answers)
    finding = one(d, library, legal, code)
    assert finding.severity is severity
    assert finding.reference == "loi n° 2000-321 du 12 avril 2000 art. 9-1"


# --------------------------------------------------------------------------- issue 14

CPO_BUDGET = [
    {"label": "Subvention du Département de Maine-et-Loire", "amount": "90000",
     "kind": "produit"},
    {"label": "Fonds social européen (demande en cours)", "amount": "35000", "kind": "produit"},
    {"label": "Communautés de communes partenaires", "amount": "18000", "kind": "produit"},
    {"label": "Adhésions et participations", "amount": "11000", "kind": "produit"},
    {"label": "Salaires et charges", "amount": "118000", "kind": "charge"},
]


def test_cpo_with_other_public_funders_may_pass_de_minimis(library: Library,
                                                           legal: LegalData) -> None:
    """90 000 € a year for 3 years + 53 000 € a year of other public aid: 429 000 € > 300 000 €."""
    d = with_top(answered(duration_years=3, annual_amount="90000",
                          yearly_amounts=["90000", "90000", "90000"], budget=CPO_BUDGET),
                 kind="cpo")
    finding = one(d, library, legal, "DE_MINIMIS_AUTRES_FINANCEURS")
    assert finding.severity is Severity.WARNING and finding.field == "subsidy.budget"
    assert finding.reference == "règlement (UE) 2023/2831"
    assert "« Fonds social européen (demande en cours) »" in finding.message
    assert "« Communautés de communes partenaires »" in finding.message
    assert "Département" not in finding.message and "Adhésions" not in finding.message
    assert "159\u202f000,00\u00a0€ sur 3 ans" in finding.message
    assert "429\u202f000,00\u00a0€" in finding.message
    small = [line for line in CPO_BUDGET if "Communautés" not in line["label"]]
    small[1] = {**small[1], "amount": "10000"}  # 270 000 + 30 000 = 300 000 € : not above
    d = with_top(answered(duration_years=3, annual_amount="90000",
                          yearly_amounts=["90000", "90000", "90000"], budget=small), kind="cpo")
    assert "DE_MINIMIS_AUTRES_FINANCEURS" not in codes(d, library, legal)


def test_sieg_compensation_limit(library: Library, legal: LegalData) -> None:
    big = one(answered(sieg=True, annual_amount="15000000.01"), library, legal,
              "SIEG_COMPENSATION_ANNUELLE")
    assert big.reference == "décision 2012/21/UE art. 2"
    assert "SIEG_COMPENSATION_ANNUELLE" not in codes(
        answered(sieg=True, annual_amount="15000000"), library, legal)
