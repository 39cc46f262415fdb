"""Checks that a dossier is whole and consistent: dates in order, sums that add up, SIRET keys.

These are the faults a form cannot see field by field: each value is well formed, yet the
dossier is wrong (an offer deadline before the launch, a schedule that does not add up to the
subsidy, a SIRET whose check digit is off). Each finding names the field to correct.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from drafting_app.checks.context import Context, finding
from drafting_app.checks.findings import Finding, Severity
from drafting_app.dossier.model import DossierKind

LOI_2000 = "loi n° 2000-321 du 12 avril 2000 art. 10"
#: a launch (or start) date further back than this is taken for a typing slip
STALE_AFTER = dt.timedelta(days=365)
#: La Poste's establishments share one SIREN and follow their own check rule
LA_POSTE_SIREN = "356000000"
LA_POSTE_HEAD_OFFICE = "35600000000048"  # the head office keeps the Luhn key
#: findings of plain arithmetic or dates, which cite no article
NO_ARTICLE = frozenset({"SIRET_CLE", "OFFRES_AVANT_LANCEMENT", "OFFRES_JOUR_DU_LANCEMENT",
                        "LANCEMENT_ANCIEN", "DEBUT_ANCIEN"})


def siret_key_ok(siret: str) -> bool:
    """Whether a 14-digit SIRET passes its check: Luhn, or La Poste's digit sum (multiple of 5).

    La Poste's establishments all carry SIREN 356000000, so their NICs cannot all satisfy
    Luhn; INSEE checks them by the sum of their digits instead (the head office excepted).
    """
    if len(siret) != 14 or not siret.isdigit():
        return False
    if siret.startswith(LA_POSTE_SIREN) and siret != LA_POSTE_HEAD_OFFICE:
        return sum(int(c) for c in siret) % 5 == 0
    total = 0
    for position, char in enumerate(reversed(siret)):
        digit = int(char)
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def check_sirets(ctx: Context) -> Iterator[Finding]:
    """The buyer's and the association's SIRET pass their check digit."""
    numbers = [("buyer.siret", ctx.dossier.buyer.siret,
                "de l’acheteur" if ctx.dossier.tender is not None else "de la collectivité")]
    if ctx.dossier.subsidy is not None:
        numbers.append(("subsidy.association.siret", ctx.dossier.subsidy.association.siret,
                        "de l’association"))
    for field_path, siret, whose in numbers:
        if not siret_key_ok(siret):
            yield finding(
                "SIRET_CLE", Severity.ERROR,
                f"Le SIRET {whose} ({siret}) n’existe pas : sa clé de contrôle est fausse. "
                "Un chiffre a sans doute été mal recopié ; vérifiez-le sur l’avis de situation "
                "SIRENE ou sur annuaire-entreprises.data.gouv.fr.",
                "", field_path,
            )


def _stale(day: dt.date, today: dt.date) -> bool:
    return today - day > STALE_AFTER


def check_launch_dates(ctx: Context, today: dt.date | None = None) -> Iterator[Finding]:
    """Offers come in after the launch; a launch (or start) date is not years in the past."""
    today = today or dt.date.today()
    if ctx.dossier.tender is not None:
        tender = ctx.tender
        deadline = tender.offers_deadline
        if deadline is not None and deadline.date() < tender.launch_date:
            yield finding(
                "OFFRES_AVANT_LANCEMENT", Severity.ERROR,
                f"La date limite de remise des offres ({ctx.date(deadline.date())}) précède la "
                f"date de lancement ({ctx.date(tender.launch_date)}) : corrigez l’une ou "
                "l’autre.",
                "", "tender.offers_deadline",
            )
        elif deadline is not None and deadline.date() == tender.launch_date:
            yield finding(
                "OFFRES_JOUR_DU_LANCEMENT", Severity.WARNING,
                "La date limite de remise des offres est le jour même du lancement : les "
                "candidats n’auraient pas le temps de répondre ; vérifiez la date.",
                "", "tender.offers_deadline",
            )
        if _stale(tender.launch_date, today):
            yield finding(
                "LANCEMENT_ANCIEN", Severity.WARNING,
                f"La date de lancement ({ctx.date(tender.launch_date)}) est passée depuis plus "
                "d’un an : les règles vérifiées sont celles de ce jour-là. S’il s’agit d’une "
                "faute de frappe, corrigez l’année.",
                "", "tender.launch_date",
            )
    elif ctx.dossier.subsidy is not None and _stale(ctx.subsidy.start_date, today):
        yield finding(
            "DEBUT_ANCIEN", Severity.WARNING,
            f"La date de début ({ctx.date(ctx.subsidy.start_date)}) est passée depuis plus "
            "d’un an : les règles vérifiées sont celles de ce jour-là. S’il s’agit d’une faute "
            "de frappe, corrigez l’année.",
            "", "subsidy.start_date",
        )


def check_payment_schedule(ctx: Context) -> Iterator[Finding]:
    """The instalments add up to the subsidy they pay (the first year's, for a CPO)."""
    subsidy = ctx.subsidy
    if not subsidy.payments:
        return
    total = sum((payment.amount for payment in subsidy.payments), Decimal(0))
    if ctx.dossier.kind is DossierKind.CPO:
        first_year = subsidy.yearly_amounts[0] if subsidy.yearly_amounts else \
            subsidy.annual_amount
        expected = {first_year}
        wording = f"le montant de la première année ({ctx.money(first_year)})"
    else:
        expected = {subsidy.annual_amount, subsidy.total_amount()}
        wording = f"la subvention ({ctx.money(subsidy.annual_amount)})"
    if total not in expected:
        gap = total - min(expected, key=lambda amount: abs(amount - total))
        more_or_less = "de plus" if gap > 0 else "de moins"
        yield finding(
            "ECHEANCIER_SOMME", Severity.ERROR,
            f"Les versements de l’échéancier totalisent {ctx.money(total)}, soit "
            f"{ctx.money(abs(gap))} {more_or_less} que {wording} : la convention doit "
            "dire le même montant partout ; corrigez un versement ou le montant.",
            LOI_2000, "subsidy.payments",
        )


def check_objectives(ctx: Context) -> Iterator[Finding]:
    """A convention states objectives, each with an indicator, on which it is evaluated."""
    subsidy = ctx.subsidy
    if not subsidy.objectives:
        yield finding(
            "OBJECTIFS_ABSENTS", Severity.ERROR,
            "La convention n’a aucun objectif : elle doit prévoir l’évaluation du projet "
            "subventionné, qui se fait au regard de ses objectifs ; ajoutez-en au moins un, "
            "avec ses indicateurs.",
            LOI_2000, "subsidy.objectives",
        )
        return
    for index, objective in enumerate(subsidy.objectives):
        if not objective.indicators:
            yield finding(
                "INDICATEURS_ABSENTS", Severity.WARNING,
                f"L’objectif « {objective.title} » n’a pas d’indicateur : la convention "
                "écrirait « à définir avec l’association » ; fixez au moins un indicateur et "
                "sa valeur cible.",
                LOI_2000, f"subsidy.objectives[{index}].indicators",
            )


TENDER_CHECKS = (check_sirets, check_launch_dates)
SUBSIDY_CHECKS = (check_sirets, check_launch_dates, check_payment_schedule, check_objectives)
