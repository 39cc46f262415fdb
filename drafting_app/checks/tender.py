"""Checks of a tender dossier against the rules in force on its launch date."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from drafting_app.checks.findings import Finding, Severity
from drafting_app.checks.legal_data import LegalData
from drafting_app.model import FORMALISED_PROCEDURES, CriterionKind, Dossier, Procedure, Tender
from drafting_app.render import Formats

FORMATS = Formats()


def _tender(dossier: Dossier) -> Tender:
    assert dossier.tender is not None
    return dossier.tender


def check_no_advertising_threshold(dossier: Dossier, legal: LegalData) -> Iterator[Finding]:
    """A contract without advertising or competition must stay under the R2122-8 threshold."""
    tender = _tender(dossier)
    if tender.procedure is not Procedure.NO_ADVERTISING:
        return
    threshold = legal.threshold(
        "dispense_procedure", tender.launch_date, tender.contract_kind, dossier.buyer.kind
    )
    if threshold is None:
        yield Finding(
            "SEUIL_NON_CONNU", Severity.WARNING,
            "Aucun seuil de dispense de procédure n’est enregistré pour cette date de lancement "
            f"({FORMATS.date_long(tender.launch_date)}) : à vérifier.",
            "CCP art. R2122-8", "tender.launch_date",
        )
        return
    total = tender.total_amount()
    if total >= threshold.amount:
        yield Finding(
            "DISPENSE_AU_DELA_DU_SEUIL", Severity.ERROR,
            f"Le montant estimé ({FORMATS.money(total)} HT) atteint le {threshold.label} en "
            f"vigueur le {FORMATS.date_long(tender.launch_date)} "
            f"({FORMATS.money(threshold.amount)} HT) : une procédure de publicité et de mise en "
            "concurrence est nécessaire.",
            threshold.reference.label(), "tender.procedure",
        )


def check_environmental_criterion(dossier: Dossier, legal: LegalData) -> Iterator[Finding]:
    """From 21 August 2026 at least one criterion takes the environment into account."""
    tender = _tender(dossier)
    rule = legal.rule("critere_environnemental", tender.launch_date)
    if rule is None or tender.procedure is Procedure.NO_ADVERTISING:
        return
    kinds = {criterion.kind for criterion in tender.criteria}
    if CriterionKind.ENVIRONMENTAL not in kinds:
        yield Finding(
            "CRITERE_ENVIRONNEMENTAL_MANQUANT", Severity.ERROR,
            "Pour une consultation lancée à partir du "
            f"{FORMATS.date_long(rule.start)}, il faut {rule.label}. Ajoutez un critère "
            "environnemental (ou un critère unique du coût intégrant l’environnement).",
            rule.reference.label(), "tender.criteria",
        )
    if kinds == {CriterionKind.PRICE}:
        yield Finding(
            "CRITERE_PRIX_SEUL", Severity.ERROR,
            "Le prix ne peut plus être le critère unique d’attribution.",
            rule.reference.label(), "tender.criteria",
        )


def check_weights(dossier: Dossier, legal: LegalData) -> Iterator[Finding]:
    """In formalised procedures the criteria are weighted and the weights add up to 100 %."""
    tender = _tender(dossier)
    if tender.procedure not in FORMALISED_PROCEDURES or not tender.criteria:
        return
    weights = [criterion.weight for criterion in tender.criteria]
    if any(weight is None for weight in weights):
        yield Finding(
            "PONDERATION_MANQUANTE", Severity.WARNING,
            "En procédure formalisée, les critères sont pondérés ; s’il est objectivement "
            "impossible de les pondérer, indiquez leur ordre décroissant d’importance et "
            "justifiez-le.",
            "CCP art. R2152-11", "tender.criteria",
        )
        return
    total = sum((w for w in weights if w is not None), Decimal(0))
    if total != 100:
        yield Finding(
            "PONDERATION_TOTAL", Severity.ERROR,
            f"La somme des pondérations fait {FORMATS.number(total)} % au lieu de 100 %.",
            "CCP art. R2152-11", "tender.criteria",
        )


def check_lots(dossier: Dossier, legal: LegalData) -> Iterator[Finding]:
    """A contract is split into lots, or the dossier records why not."""
    tender = _tender(dossier)
    if len(tender.lots) <= 1 and not tender.no_lots_reason.strip():
        yield Finding(
            "ALLOTISSEMENT_NON_MOTIVE", Severity.WARNING,
            "Le marché n’est pas alloti : indiquez le motif (impossibilité d’identifier des "
            "prestations distinctes, ou l’un des cas prévus à l’article L2113-11).",
            "CCP art. L2113-10", "tender.no_lots_reason",
        )


TENDER_CHECKS = (
    check_no_advertising_threshold,
    check_environmental_criterion,
    check_weights,
    check_lots,
)
