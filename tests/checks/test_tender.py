"""Tender checks, each on both sides of its threshold and of its date."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from drafting_app.checks import LegalData, Severity, load_legal_data
from drafting_app.wording.library import Library
from tests.checks_support import (
    TENDER,
    altered,
    buyer,
    codes,
    findings,
    load_test_library,
    lots,
    one,
    tender,
    with_top,
)
from tests.conftest import LIBRARY

D = dt.date
FORMAL = "appel_offres_ouvert"
CRITERIA: list[dict[str, Any]] = TENDER["tender"]["criteria"]
WITHOUT_ENV = [c for c in CRITERIA if c["kind"] != "environnemental"]
INSERTION = TENDER["clauses"][0]
RESERVED = TENDER["clauses"][1]
ENVIRONMENT = TENDER["clauses"][2]


@pytest.fixture(scope="module")
def library() -> Library:
    return load_test_library()


@pytest.fixture(scope="module")
def legal() -> LegalData:
    data, problems = load_legal_data(LIBRARY)
    assert problems == []
    return data


def test_clean_tender_has_information_only(library: Library, legal: LegalData) -> None:
    found = findings(tender(), library, legal)
    assert [f.code for f in found if f.severity is not Severity.INFO] == []


# --------------------------------------------------------------------------- procedure


def test_amount_unknown_without_lots(library: Library, legal: LegalData) -> None:
    assert "MONTANT_NON_RENSEIGNE" in codes(tender(lots=[], no_lots_reason="x"), library, legal)
    assert "MONTANT_NON_RENSEIGNE" not in codes(tender(), library, legal)


@pytest.mark.parametrize(
    ("kind", "day", "amount", "error"),
    [
        ("services", D(2026, 4, 1), "59999.99", False),
        ("services", D(2026, 4, 1), "60000", True),
        ("services", D(2026, 3, 31), "40000", True),
        ("services", D(2026, 3, 31), "39999.99", False),
        ("travaux", D(2025, 12, 31), "99999.99", False),
        ("travaux", D(2026, 1, 1), "100000", True),
    ],
)
def test_no_advertising_threshold(library: Library, legal: LegalData, kind: str, day: dt.date,
                                  amount: str, error: bool) -> None:
    d = tender(procedure="sans_publicite_ni_mise_en_concurrence", contract_kind=kind,
               launch_date=day.isoformat(), lots=lots(amount), no_lots_reason="prestation unique",
               ccag="CCAG-Travaux" if kind == "travaux" else "CCAG-FCS")
    assert ("DISPENSE_AU_DELA_DU_SEUIL" in codes(d, library, legal)) is error


@pytest.mark.parametrize(
    ("buyer_kind", "day", "amount", "error"),
    [
        ("commune", D(2026, 6, 1), "215999.99", False),
        ("commune", D(2026, 6, 1), "216000", True),
        ("commune", D(2025, 12, 31), "218000", False),  # 221 000 € until 31 December 2025
        ("commune", D(2026, 1, 1), "218000", True),
        ("etat", D(2026, 6, 1), "139999.99", False),
        ("etat", D(2026, 6, 1), "140000", True),
    ],
)
def test_adapted_procedure_stops_at_the_eu_threshold(
    library: Library, legal: LegalData, buyer_kind: str, day: dt.date, amount: str, error: bool
) -> None:
    d = buyer(tender(launch_date=day.isoformat(), lots=lots(amount, amount)), kind=buyer_kind)
    # two equal lots: the threshold applies to the whole contract, not to each lot
    half = f"{float(amount) / 2:.2f}"
    d = buyer(tender(launch_date=day.isoformat(), lots=lots(half, half)), kind=buyer_kind)
    found = codes(d, library, legal)
    assert ("PROCEDURE_FORMALISEE_REQUISE" in found) is error
    formal = buyer(tender(launch_date=day.isoformat(), lots=lots(half, half), procedure=FORMAL),
                   kind=buyer_kind)
    assert "PROCEDURE_FORMALISEE_REQUISE" not in codes(formal, library, legal)


def test_formalised_procedure_finding_cites_the_threshold(library: Library,
                                                          legal: LegalData) -> None:
    finding = one(tender(lots=lots("300000")), library, legal, "PROCEDURE_FORMALISEE_REQUISE")
    assert finding.severity is Severity.ERROR
    assert finding.reference == "CCP, annexe 2 ; CCP art. R2121-1"
    assert finding.field == "tender.procedure"
    assert "216\u202f000,00\u00a0€ HT" in finding.message


def test_works_threshold(library: Library, legal: LegalData) -> None:
    base = {"contract_kind": "travaux", "ccag": "CCAG-Travaux"}
    below = tender(**base, lots=lots("5403999.99"))
    above = tender(**base, lots=lots("5404000"))
    assert "PROCEDURE_FORMALISEE_REQUISE" not in codes(below, library, legal)
    assert "PROCEDURE_FORMALISEE_REQUISE" in codes(above, library, legal)


def test_public_company_threshold_is_flagged_to_check(library: Library,
                                                      legal: LegalData) -> None:
    d = buyer(tender(lots=lots("432000")), kind="entreprise_publique")
    finding = one(d, library, legal, "PROCEDURE_FORMALISEE_REQUISE")
    assert "À vérifier : une entreprise publique" in finding.message


@pytest.mark.parametrize(("amount", "social_threshold"), [("749999.99", False),
                                                           ("750000", True)])
def test_social_services_may_use_the_adapted_procedure(
    library: Library, legal: LegalData, amount: str, social_threshold: bool
) -> None:
    d = tender(lots=lots(amount), no_lots_reason="x", social_services=True)
    found = codes(d, library, legal)
    assert "PROCEDURE_FORMALISEE_REQUISE" not in found
    assert "SERVICES_SOCIAUX_PROCEDURE_ADAPTEE" in found
    assert ("SERVICES_SOCIAUX_SEUIL_EUROPEEN" in found) is social_threshold
    if social_threshold:  # 750 000 € HT: directive 2014/24/UE art. 4 d, now verified
        finding = one(d, library, legal, "SERVICES_SOCIAUX_SEUIL_EUROPEEN")
        assert "À vérifier" not in finding.message
        assert finding.reference.startswith("directive 2014/24/UE art. 4 ; CCP art. R2123-1")


def test_eu_threshold_unknown_outside_the_data(library: Library, legal: LegalData) -> None:
    late = tender(launch_date="2028-01-01")
    assert "SEUIL_EUROPEEN_NON_CONNU" in codes(late, library, legal)
    assert "SEUIL_EUROPEEN_NON_CONNU" not in codes(tender(launch_date="2027-12-31"), library,
                                                    legal)


# --------------------------------------------------------------------------- criteria


def test_criteria_must_be_stated(library: Library, legal: LegalData) -> None:
    assert "CRITERES_ABSENTS" in codes(tender(criteria=[]), library, legal)
    no_ad = tender(criteria=[], procedure="sans_publicite_ni_mise_en_concurrence",
                   lots=lots("30000"), no_lots_reason="x")
    assert "CRITERES_ABSENTS" not in codes(no_ad, library, legal)


@pytest.mark.parametrize(("day", "required"), [(D(2026, 8, 20), False), (D(2026, 8, 21), True)])
def test_environmental_criterion_and_price_only(library: Library, legal: LegalData,
                                                day: dt.date, required: bool) -> None:
    missing = codes(tender(criteria=WITHOUT_ENV, launch_date=day.isoformat()), library, legal)
    assert ("CRITERE_ENVIRONNEMENTAL_MANQUANT" in missing) is required
    price = codes(tender(criteria=CRITERIA[:1], launch_date=day.isoformat()), library, legal)
    assert ("CRITERE_PRIX_SEUL" in price) is required


def test_single_cost_criterion_is_allowed(library: Library, legal: LegalData) -> None:
    cost = [{"name": "Coût du cycle de vie", "kind": "cout", "weight": "100"}]
    found = codes(tender(criteria=cost), library, legal)
    assert "CRITERE_COUT_UNIQUE" in found
    assert "CRITERE_ENVIRONNEMENTAL_MANQUANT" not in found
    before = codes(tender(criteria=cost, launch_date="2026-08-20"), library, legal)
    assert "CRITERE_COUT_UNIQUE" not in before


def test_weights_in_formalised_procedures(library: Library, legal: LegalData) -> None:
    heavier = [{**c, "weight": "50"} if c["kind"] == "prix" else c for c in CRITERIA]
    assert "PONDERATION_TOTAL" not in codes(tender(criteria=heavier), library, legal)
    assert "PONDERATION_TOTAL" in codes(tender(criteria=heavier, procedure=FORMAL), library,
                                        legal)
    unweighted = [{**c, "weight": None} for c in CRITERIA]
    assert "PONDERATION_MANQUANTE" in codes(tender(criteria=unweighted, procedure=FORMAL),
                                            library, legal)
    assert "PONDERATION_MANQUANTE" not in codes(tender(criteria=unweighted), library, legal)


@pytest.mark.parametrize(
    ("weights", "code"),
    [
        (("20", "10"), None),  # adds up to the criterion's 30 %
        (("60", "40"), None),  # or to 100 points of the criterion
        (("20", "20"), "SOUS_CRITERES_TOTAL"),
        ((None, "10"), "SOUS_CRITERES_NON_PONDERES"),
    ],
)
def test_subcriteria(library: Library, legal: LegalData, weights: tuple[str | None, str],
                     code: str | None) -> None:
    technical = {**CRITERIA[1], "subcriteria": [{"name": "Moyens", "weight": weights[0]},
                                                {"name": "Méthode", "weight": weights[1]}]}
    criteria = [CRITERIA[0], technical, *CRITERIA[2:]]
    found = codes(tender(criteria=criteria, procedure=FORMAL), library, legal)
    sub = {c for c in found if c.startswith("SOUS_CRITERES")}
    assert sub == ({code} if code else set())
    if code:
        f = one(tender(criteria=criteria, procedure=FORMAL), library, legal, code)
        assert f.field == "tender.criteria[1].subcriteria"
        assert f.reference == "CE, 18 juin 2010, n° 337377"


# --------------------------------------------------------------------------- conditions


@pytest.mark.parametrize(("day", "required"), [(D(2026, 8, 21), False), (D(2026, 8, 22), True)])
def test_environmental_execution_condition(library: Library, legal: LegalData, day: dt.date,
                                           required: bool) -> None:
    d = with_top(tender(launch_date=day.isoformat()), clauses=[INSERTION, RESERVED])
    assert ("CONDITION_ENVIRONNEMENTALE_MANQUANTE" in codes(d, library, legal)) is required


def test_environmental_condition_from_a_field_or_an_environment_clause(
    library: Library, legal: LegalData
) -> None:
    described = with_top(tender(environmental_condition="Livraisons en véhicules électriques"),
                         clauses=[INSERTION, RESERVED])
    assert "CONDITION_ENVIRONNEMENTALE_MANQUANTE" not in codes(described, library, legal)
    fair_trade = {"id": "commerce-equitable-label", "values": {"produits": ["café"]}}
    # a fair-trade clause is an execution condition, but not an environment-category one
    other = with_top(tender(), clauses=[INSERTION, RESERVED, fair_trade])
    finding = one(other, library, legal, "CONDITION_ENVIRONNEMENTALE_MANQUANTE")
    assert finding.reference == "CCP art. L2112-2"
    assert finding.field == "tender.environmental_condition"


@pytest.mark.parametrize(
    ("day", "amount", "required"),
    [
        (D(2026, 8, 21), "216000", False),
        (D(2026, 8, 22), "216000", True),
        (D(2026, 8, 22), "215999.99", False),
    ],
)
def test_social_execution_condition_above_eu_thresholds(
    library: Library, legal: LegalData, day: dt.date, amount: str, required: bool
) -> None:
    d = with_top(tender(launch_date=day.isoformat(), lots=lots(amount), procedure=FORMAL,
                        no_lots_reason="x"), clauses=[ENVIRONMENT])
    assert ("CONDITION_SOCIALE_MANQUANTE" in codes(d, library, legal)) is required


def test_social_condition_met_or_excused(library: Library, legal: LegalData) -> None:
    common: dict[str, Any] = {"lots": lots("300000"), "procedure": FORMAL, "no_lots_reason": "x"}
    with_clause = with_top(tender(**common), clauses=[{**INSERTION, "lots": []}, ENVIRONMENT])
    assert "CONDITION_SOCIALE_MANQUANTE" not in codes(with_clause, library, legal)
    described = with_top(tender(**common, social_condition="Heures d’insertion au CCTP"),
                         clauses=[ENVIRONMENT])
    assert "CONDITION_SOCIALE_MANQUANTE" not in codes(described, library, legal)
    excused = with_top(tender(**common, social_condition_exception="Solution disponible"),
                       clauses=[ENVIRONMENT])
    finding = one(excused, library, legal, "CONDITION_SOCIALE_EXCEPTION")
    assert finding.severity is Severity.INFO
    assert "« Solution disponible »" in finding.message and "À vérifier" in finding.message
    assert finding.reference == "CCP art. L2112-2-1"


# --------------------------------------------------------------------------- lots, CCAG


def test_lots_or_a_reason(library: Library, legal: LegalData) -> None:
    single = tender(lots=lots("100000"))
    assert one(single, library, legal, "ALLOTISSEMENT_NON_MOTIVE").field == \
        "tender.no_lots_reason"
    reasoned = tender(lots=lots("100000"), no_lots_reason="Prestation indivisible")
    assert "ALLOTISSEMENT_NON_MOTIVE" not in codes(reasoned, library, legal)


def test_ccag_fits_the_contract(library: Library, legal: LegalData) -> None:
    works = tender(contract_kind="travaux")
    assert one(works, library, legal, "CCAG_INADAPTE").field == "tender.ccag"
    assert "CCAG_INADAPTE" not in codes(tender(ccag="CCAG-PI"), library, legal)


def test_clause_citing_another_ccag(library: Library, legal: LegalData) -> None:
    # the insertion clause cites art. 16.1 of the CCAG-FCS, the contract the CCAG-Travaux
    d = tender(contract_kind="travaux", ccag="CCAG-Travaux")
    found = {f.field: f for f in findings(d, library, legal) if f.code == "CCAG_ARTICLE_AUTRE_CCAG"}
    assert set(found) == {"clauses[0].id", "clauses[2].id"}
    assert "l’article 16.1 du CCAG-FCS" in found["clauses[0].id"].message
    assert "CCAG_ARTICLE_AUTRE_CCAG" not in codes(tender(), library, legal)
    # a clause that cites the matching article of every CCAG fits any of them
    every = altered(library, "condition-environnementale-dechets-verts", references=(
        *library.clauses["condition-environnementale-dechets-verts"].meta.references,
        library.clauses["condition-environnementale-dechets-verts"].meta.references[1]
        .model_copy(update={"text": "CCAG-Travaux", "article": "20.2"})))
    fields = {f.field for f in findings(d, every, legal) if f.code == "CCAG_ARTICLE_AUTRE_CCAG"}
    assert fields == {"clauses[0].id"}


def test_derogations_are_listed(library: Library, legal: LegalData) -> None:
    assert "CCAG_DEROGATIONS" not in codes(tender(), library, legal)
    derogating = altered(library, "condition-environnementale-dechets-verts",
                         derogates=("article 14.1 : pénalités",))
    finding = one(tender(), derogating, legal, "CCAG_DEROGATIONS")
    assert "1 dérogation(s) au CCAG-FCS" in finding.message
    assert finding.reference == "CCP art. R2112-2"


# --------------------------------------------------------------------------- money


@pytest.mark.parametrize(
    ("day", "turnover", "code"),
    [
        (D(2026, 1, 1), "261000", "CHIFFRE_AFFAIRES_PAR_LOT"),  # 1.5 × 174 000, but > lot 2
        (D(2026, 1, 1), "261000.01", "CHIFFRE_AFFAIRES_EXCESSIF"),
        (D(2025, 12, 31), "348000", "CHIFFRE_AFFAIRES_PAR_LOT"),  # 2 × 174 000 before 2026
        (D(2025, 12, 31), "348000.01", "CHIFFRE_AFFAIRES_EXCESSIF"),
        (D(2026, 1, 1), "72000", None),  # 1.5 × the smallest lot
    ],
)
def test_minimum_turnover(library: Library, legal: LegalData, day: dt.date, turnover: str,
                          code: str | None) -> None:
    d = tender(launch_date=day.isoformat(), minimum_turnover=turnover)
    found = {c for c in codes(d, library, legal) if c.startswith("CHIFFRE_AFFAIRES")}
    assert found == ({code} if code else set())


@pytest.mark.parametrize(
    ("amount", "months", "due"),
    [("50000", 3, False), ("50000.01", 3, True), ("50000.01", 2, False)],
)
def test_advance_is_due_above_50000_and_2_months(library: Library, legal: LegalData,
                                                 amount: str, months: int, due: bool) -> None:
    d = tender(lots=lots(amount), no_lots_reason="x", duration_months=months, advance_rate=None)
    assert ("AVANCE_TAUX_NON_INDIQUE" in codes(d, library, legal)) is due


@pytest.mark.parametrize(
    ("rate", "code"),
    [(None, "AVANCE_TAUX_NON_INDIQUE"), ("0", "AVANCE_EXCLUE"), ("4.99", "AVANCE_TAUX_INSUFFISANT"),
     ("5", None)],
)
def test_advance_rate(library: Library, legal: LegalData, rate: str | None,
                      code: str | None) -> None:
    found = {c for c in codes(tender(advance_rate=rate), library, legal) if c.startswith("AVANCE")}
    assert found == ({code} if code else set())


@pytest.mark.parametrize(
    ("large", "sme_rate", "error"),
    [(False, None, False), (True, None, True), (True, "9.99", True), (True, "10", False)],
)
def test_advance_sme_rate_with_large_local_buyers(
    library: Library, legal: LegalData, large: bool, sme_rate: str | None, error: bool
) -> None:
    d = buyer(tender(advance_rate="5", advance_rate_sme=sme_rate),
              operating_expenditure_over_60m=large)
    assert ("AVANCE_TAUX_PME" in codes(d, library, legal)) is error


@pytest.mark.parametrize(("day", "error"), [(D(2022, 12, 31), False), (D(2023, 1, 1), True)])
def test_advance_sme_rate_of_the_state(library: Library, legal: LegalData, day: dt.date,
                                       error: bool) -> None:
    d = buyer(tender(launch_date=day.isoformat(), advance_rate="5", advance_rate_sme="25",
                     procedure=FORMAL), kind="etat")
    found = [f for f in findings(d, library, legal) if f.code == "AVANCE_TAUX_PME"]
    assert bool(found) is error
    if error:
        assert "30 %" in found[0].message and "À vérifier" in found[0].message


@pytest.mark.parametrize(("rate", "error"), [("5", False), ("5.01", True)])
def test_guarantee_retention_cap(library: Library, legal: LegalData, rate: str,
                                 error: bool) -> None:
    d = tender(guarantee_retention_rate=rate)
    assert ("RETENUE_GARANTIE_EXCESSIVE" in codes(d, library, legal)) is error


@pytest.mark.parametrize(
    ("day", "large", "sme_rate", "error"),
    [
        (D(2024, 12, 31), True, None, False),
        (D(2025, 1, 1), True, None, True),
        (D(2025, 1, 1), True, "3", False),
        (D(2025, 1, 1), False, None, False),
    ],
)
def test_guarantee_retention_sme_cap(library: Library, legal: LegalData, day: dt.date,
                                     large: bool, sme_rate: str | None, error: bool) -> None:
    d = buyer(tender(launch_date=day.isoformat(), guarantee_retention_rate="5",
                     guarantee_retention_rate_sme=sme_rate),
              operating_expenditure_over_60m=large)
    assert ("RETENUE_GARANTIE_PME" in codes(d, library, legal)) is error


def test_guarantee_retention_sme_cap_of_the_state(library: Library, legal: LegalData) -> None:
    d = buyer(tender(guarantee_retention_rate="4", procedure=FORMAL), kind="etat")
    finding = one(d, library, legal, "RETENUE_GARANTIE_PME")
    assert finding.reference == "décret n° 2024-1251 du 30 décembre 2024"


@pytest.mark.parametrize(
    ("buyer_kind", "days", "code"),
    [
        ("commune", 30, None), ("commune", 31, "DELAI_PAIEMENT_EXCESSIF"),
        ("etablissement_public_sante", 50, None),
        ("etablissement_public_sante", 51, "DELAI_PAIEMENT_EXCESSIF"),
        ("entreprise_publique", 60, None), ("entreprise_publique", 61, "DELAI_PAIEMENT_EXCESSIF"),
        ("autre", 30, "DELAI_PAIEMENT_NON_CONNU"),
    ],
)
def test_payment_deadline_by_buyer(library: Library, legal: LegalData, buyer_kind: str,
                                   days: int, code: str | None) -> None:
    d = buyer(tender(payment_days=days), kind=buyer_kind)
    found = {c for c in codes(d, library, legal) if c.startswith("DELAI_PAIEMENT")}
    assert found == ({code} if code else set())


def test_payment_deadline_of_state_bodies_is_to_check(library: Library,
                                                      legal: LegalData) -> None:
    d = buyer(tender(payment_days=31), kind="etablissement_public_etat")
    finding = one(d, library, legal, "DELAI_PAIEMENT_EXCESSIF")
    assert finding.reference == "CCP art. R2192-10" and "À vérifier" in finding.message


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"price_exposed_to_markets": True}, "REVISION_PRIX_OBLIGATOIRE"),
        ({"price_exposed_to_markets": True, "price_form": "revisable", "duration_months": 4},
         "INDICE_REVISION_MANQUANT"),
        ({"price_exposed_to_markets": True, "price_form": "revisable", "price_index": "TP01",
          "duration_months": 4}, None),
        ({"duration_months": 4}, "PRIX_FERMES_A_CONFIRMER"),
        ({"duration_months": 3}, None),
    ],
)
def test_price_revision(library: Library, legal: LegalData, changes: dict[str, Any],
                        code: str | None) -> None:
    kinds = {"REVISION_PRIX_OBLIGATOIRE", "INDICE_REVISION_MANQUANT", "PRIX_FERMES_A_CONFIRMER"}
    found = codes(tender(**changes), library, legal) & kinds
    assert found == ({code} if code else set())


@pytest.mark.parametrize(("months", "severity"), [(3, Severity.WARNING), (4, Severity.ERROR)])
def test_missing_index_is_an_error_beyond_3_months(library: Library, legal: LegalData,
                                                   months: int, severity: Severity) -> None:
    d = tender(price_exposed_to_markets=True, price_form="revisable", duration_months=months)
    assert one(d, library, legal, "INDICE_REVISION_MANQUANT").severity is severity


# --------------------------------------------------------------------------- advisor


def test_tender_whose_answers_point_to_a_subsidy(library: Library, legal: LegalData) -> None:
    answers = {"initiative": "association", "authority_defines_need": False,
               "price_for_service_received": False, "public_service_mission": False}
    d = with_top(tender(), advisor=answers)
    assert one(d, library, legal, "MODE_CONSEILLE_DIFFERENT").reference == "CCP art. L1100-1"
    contract = with_top(tender(), advisor={**answers, "price_for_service_received": True})
    assert "MODE_CONSEILLE_DIFFERENT" not in codes(contract, library, legal)


def test_advance_message_names_the_lots(library: Library, legal: LegalData) -> None:
    two = one(tender(lots=lots("60000", "70000"), advance_rate=None), library, legal,
              "AVANCE_TAUX_NON_INDIQUE")
    assert two.message.startswith("Pour les lots n° 1 et 2 (montant supérieur à 50\u202f000,00")
    single = one(tender(advance_rate=None), library, legal, "AVANCE_TAUX_NON_INDIQUE")
    assert single.message.startswith("Pour le lot n° 1 (")


# --------------------------------------------------------------------------- issue 14


def test_renewals_count_in_the_estimated_value(library: Library, legal: LegalData) -> None:
    """170 000 € HT a year renewed twice is 510 000 € HT (R2121-1): no procédure adaptée."""
    d = tender(lots=lots("170000"), no_lots_reason="x", duration_months=12, renewals=2)
    finding = one(d, library, legal, "PROCEDURE_FORMALISEE_REQUISE")
    assert finding.severity is Severity.ERROR
    assert ("510\u202f000,00\u00a0€ HT, soit 170\u202f000,00\u00a0€ HT par période sur 3 "
            "périodes, reconductions comprises") in finding.message
    assert "R2121-1" in finding.reference
    once = tender(lots=lots("170000"), no_lots_reason="x", duration_months=12)
    assert "PROCEDURE_FORMALISEE_REQUISE" not in codes(once, library, legal)


def test_options_count_in_the_estimated_value(library: Library, legal: LegalData) -> None:
    d = tender(lots=lots("150000"), no_lots_reason="x", options_amount="66000")
    finding = one(d, library, legal, "PROCEDURE_FORMALISEE_REQUISE")  # 216 000 € HT
    assert "216\u202f000,00\u00a0€ HT, dont 66\u202f000,00\u00a0€ HT d’options" in finding.message
    below = tender(lots=lots("150000"), no_lots_reason="x", options_amount="65999.99")
    assert "PROCEDURE_FORMALISEE_REQUISE" not in codes(below, library, legal)


def test_renewals_count_for_the_dispense_threshold(library: Library, legal: LegalData) -> None:
    common = {"procedure": "sans_publicite_ni_mise_en_concurrence", "no_lots_reason": "x",
              "duration_months": 12}
    once = tender(lots=lots("40000"), **common)
    assert "DISPENSE_AU_DELA_DU_SEUIL" not in codes(once, library, legal)
    renewed = tender(lots=lots("40000"), renewals=1, **common)  # 80 000 € ≥ 60 000 €
    finding = one(renewed, library, legal, "DISPENSE_AU_DELA_DU_SEUIL")
    assert "80\u202f000,00\u00a0€ HT, soit 40\u202f000,00\u00a0€ HT par période sur 2" in \
        finding.message


def test_renewals_count_for_the_social_condition(library: Library, legal: LegalData) -> None:
    """L2112-2-1 applies from the EU threshold, renewals included."""
    d = tender(lots=lots("120000"), no_lots_reason="x", renewals=1, procedure=FORMAL,
               launch_date="2026-12-07")
    d = with_top(d, clauses=[ENVIRONMENT])
    finding = one(d, library, legal, "CONDITION_SOCIALE_MANQUANTE")
    assert finding.field == "tender.lots[0].social_condition_exception"


HIGH_LOTS = [{"number": 1, "title": "Nettoyage des bureaux", "estimated_amount": "150000"},
             {"number": 2, "title": "Vitrerie", "estimated_amount": "60000"},
             {"number": 3, "title": "Sanitaires", "estimated_amount": "40000"}]


def test_social_condition_is_checked_lot_by_lot(library: Library, legal: LegalData) -> None:
    """A clause for lot 1 only leaves lots 2 and 3 without a social condition: each is named."""
    d = tender(lots=HIGH_LOTS, procedure=FORMAL)
    d = with_top(d, clauses=[{**INSERTION, "lots": [1]}, ENVIRONMENT])
    missing = [f for f in findings(d, library, legal) if f.code == "CONDITION_SOCIALE_MANQUANTE"]
    assert [f.field for f in missing] == ["tender.lots[1].social_condition_exception",
                                          "tender.lots[2].social_condition_exception"]
    assert all(f.severity is Severity.ERROR for f in missing)
    assert missing[0].message.startswith("Le lot n° 2 « Vitrerie » n’a pas de condition")
    assert missing[0].reference == "CCP art. L2112-2-1"
    # a reason recorded for lot 3 turns its error into information on that lot
    with_reason = [*HIGH_LOTS[:2], {**HIGH_LOTS[2], "social_condition_exception": "motif"}]
    d = with_top(tender(lots=with_reason, procedure=FORMAL),
                 clauses=[{**INSERTION, "lots": [1, 2]}, ENVIRONMENT])
    info = one(d, library, legal, "CONDITION_SOCIALE_EXCEPTION")
    assert info.severity is Severity.INFO
    assert info.field == "tender.lots[2].social_condition_exception"
    assert "Le lot n° 3 « Sanitaires »" in info.message
    assert "CONDITION_SOCIALE_MANQUANTE" not in codes(d, library, legal)


def test_central_authority_threshold_is_flagged_to_check(library: Library,
                                                         legal: LegalData) -> None:
    """A State body on the central authorities' list uses 140 000 € HT, « à vérifier »."""
    d = buyer(tender(lots=lots("100000", "50000")), kind="etablissement_public_etat",
              central_government_authority=True)
    finding = one(d, library, legal, "PROCEDURE_FORMALISEE_REQUISE")
    assert "140\u202f000,00\u00a0€ HT" in finding.message
    assert "À vérifier : que l’établissement figure sur la liste des autorités" in finding.message
    unflagged = buyer(tender(lots=lots("100000", "50000")), kind="etablissement_public_etat")
    assert "PROCEDURE_FORMALISEE_REQUISE" not in codes(unflagged, library, legal)
    ask = one(unflagged, library, legal, "SEUIL_AUTORITE_CENTRALE")
    assert ask.field == "buyer.central_government_authority"
    assert "À vérifier" in ask.message


def test_missing_environmental_criterion_cites_law_and_decree(library: Library,
                                                              legal: LegalData) -> None:
    finding = one(tender(criteria=WITHOUT_ENV), library, legal,
                  "CRITERE_ENVIRONNEMENTAL_MANQUANT")
    assert finding.reference == "CCP art. L2152-7 ; CCP art. R2152-7"


def test_missing_reason_for_no_lots_cites_l2113_11(library: Library, legal: LegalData) -> None:
    finding = one(tender(lots=lots("100000")), library, legal, "ALLOTISSEMENT_NON_MOTIVE")
    assert finding.reference == "CCP art. L2113-10 ; CCP art. L2113-11"


def test_weighting_cites_r2152_12(library: Library, legal: LegalData) -> None:
    unweighted = [{**c, "weight": None} for c in CRITERIA]
    finding = one(tender(criteria=unweighted, procedure=FORMAL), library, legal,
                  "PONDERATION_MANQUANTE")
    assert finding.reference == "CCP art. R2152-12 ; CCP art. R2152-11"


def test_public_service_proposes_the_laicite_clause(library: Library, legal: LegalData) -> None:
    """A contract entrusting a public service needs the laïcité and neutrality clause."""
    assert "LAICITE_SERVICE_PUBLIC" not in codes(tender(), library, legal)
    d = tender(public_service_entrusted=True)
    finding = one(d, library, legal, "LAICITE_SERVICE_PUBLIC")
    assert finding.severity is Severity.ERROR
    assert finding.field == "tender.public_service_entrusted"
    assert finding.reference == "loi n° 2021-1109 du 24 août 2021 art. 1er"
    assert "service-public-laicite-neutralite" in finding.message
    chosen = with_top(d, clauses=[*TENDER["clauses"], {
        "id": "service-public-laicite-neutralite", "values": {
            "service": "l’accueil périscolaire", "penalite": "500"}}])
    assert "LAICITE_SERVICE_PUBLIC" not in codes(chosen, library, legal)


def test_adapted_procedure_publicity_from_90000(library: Library, legal: LegalData) -> None:
    below = tender(lots=lots("60000", "29999.99"))
    assert "PUBLICITE_BOAMP_JAL" not in codes(below, library, legal)
    at = one(tender(lots=lots("60000", "30000")), library, legal, "PUBLICITE_BOAMP_JAL")
    assert at.reference == "CCP art. R2131-12 ; CCP art. R2121-1"
    renewed = tender(lots=lots("45000"), no_lots_reason="x", renewals=1)
    assert "PUBLICITE_BOAMP_JAL" in codes(renewed, library, legal)


def test_essential_data_of_the_contract_from_40000(library: Library, legal: LegalData) -> None:
    assert "DONNEES_ESSENTIELLES_MARCHE" in codes(tender(), library, legal)
    small = tender(lots=lots("39999.99"), no_lots_reason="x",
                   procedure="sans_publicite_ni_mise_en_concurrence")
    assert "DONNEES_ESSENTIELLES_MARCHE" not in codes(small, library, legal)
