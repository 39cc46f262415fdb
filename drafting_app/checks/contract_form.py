"""Checks of what the published pieces need: accord-cadre bounds, staff list, payment events."""

from __future__ import annotations

import re
from collections.abc import Iterator

from drafting_app.checks.context import Context, finding
from drafting_app.checks.findings import Finding, Severity

#: R2162-4 as amended by décret 2021-1111 (facts file, audit of 7 December 2026)
MAXIMUM_REFERENCE = "CCP art. R2162-4"
PROPRETE_CLAUSE = "insertion-proprete-reprise-personnel"
#: the insertion condition whose volume deducts the staff taken over
STAFF_REFERENCE = "CCP art. L2112-2"
#: payment of a subsidy within 60 days of the event the convention names
PAYMENT_REFERENCE = "loi n° 2000-321 du 12 avril 2000 art. 10"


def check_framework_bounds(ctx: Context) -> Iterator[Finding]:
    """An accord-cadre states a maximum for each lot, no lower than its minimum."""
    tender = ctx.tender
    for index, lot in enumerate(tender.lots):
        where = f"tender.lots[{index}]"
        if not tender.is_framework:
            if lot.minimum is not None or lot.maximum is not None:
                yield finding(
                    "BORNES_SANS_ACCORD_CADRE", Severity.WARNING,
                    f"Le lot n° {lot.number} a un minimum ou un maximum, mais le marché est un "
                    "marché ordinaire : ces montants ne sont pas imprimés. Choisissez la forme "
                    "« accord-cadre » ou videz-les.",
                    MAXIMUM_REFERENCE, f"{where}.maximum",
                )
            continue
        if lot.maximum is None:
            yield finding(
                "ACCORD_CADRE_SANS_MAXIMUM", Severity.ERROR,
                f"Le lot n° {lot.number} de l’accord-cadre n’a pas de maximum : depuis le "
                "1er janvier 2022, un accord-cadre fixe un maximum en valeur ou en quantité. "
                "Saisissez le maximum du lot pour toute la durée, reconductions comprises.",
                MAXIMUM_REFERENCE, f"{where}.maximum",
            )
            continue
        if lot.minimum is not None and lot.minimum > lot.maximum:
            yield finding(
                "MINIMUM_SUPERIEUR_AU_MAXIMUM", Severity.ERROR,
                f"Le minimum du lot n° {lot.number} dépasse son maximum : corrigez l’un des "
                "deux.",
                MAXIMUM_REFERENCE, f"{where}.minimum",
            )
        if not lot.bounds_unit and lot.estimated_amount > lot.maximum:
            yield finding(
                "MONTANT_ESTIME_AU_DELA_DU_MAXIMUM", Severity.WARNING,
                f"Le montant estimé du lot n° {lot.number} ({ctx.money(lot.estimated_amount)} "
                f"HT) dépasse son maximum ({ctx.money(lot.maximum)} HT) : l’acheteur ne pourra "
                "pas commander tout le besoin estimé. Relevez le maximum ou revoyez "
                "l’estimation.",
                MAXIMUM_REFERENCE, f"{where}.maximum",
            )


def check_staff_list(ctx: Context) -> Iterator[Finding]:
    """An insertion volume that deducts staff taken over comes with the list of that staff."""
    for selected in ctx.selected:
        if selected.chosen.id != PROPRETE_CLAUSE:
            continue
        for lot in ctx.lots_of(selected):
            if not lot.staff_to_take_over:
                index = ctx.tender.lots.index(lot)
                yield finding(
                    "LISTE_DU_PERSONNEL_REPRIS", Severity.WARNING,
                    f"Le volume d’insertion du lot n° {lot.number} déduit le personnel repris, "
                    "mais la liste de ce personnel n’est pas saisie : la pièce « Liste du "
                    "personnel à reprendre » est produite vide. Saisissez les postes que le "
                    "titulaire sortant vous a communiqués.",
                    STAFF_REFERENCE, f"tender.lots[{index}].staff_to_take_over",
                )


CONTRACT_FORM_CHECKS = (
    check_framework_bounds,
    check_staff_list,
)


_DELAY = re.compile(r"\b(dans les|sous|jours?|mois|semaines?)\b", re.IGNORECASE)


def check_payment_events(ctx: Context) -> Iterator[Finding]:
    """Each instalment names the event that triggers it; the delay is the convention's own."""
    for index, payment in enumerate(ctx.subsidy.payments):
        if _DELAY.search(payment.due):
            yield finding(
                "ECHEANCE_AVEC_DELAI", Severity.WARNING,
                f"L’échéance « {payment.label} » indique un délai (« {payment.due} ») : la "
                "convention fixe elle-même le délai de versement à compter de l’événement qui "
                "déclenche chaque échéance. N’indiquez ici que cet événement (signature, "
                "notification de la décision, réception du compte rendu financier…), pour que "
                "le tableau et le texte disent la même chose.",
                PAYMENT_REFERENCE, f"subsidy.payments[{index}].due",
            )
