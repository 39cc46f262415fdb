"""Checks of a tender's money terms: turnover, avance, retenue, payment and price revision."""

from __future__ import annotations

from collections.abc import Iterator

from drafting_app.checks.context import Context, finding, lot_numbers
from drafting_app.checks.findings import Finding, Severity
from drafting_app.dossier.model import PriceForm


def check_minimum_turnover(ctx: Context) -> Iterator[Finding]:
    """The minimum turnover required stays within the multiple of the value (R2142-7)."""
    tender = ctx.tender
    required = tender.minimum_turnover
    cap = ctx.legal.threshold("chiffre_affaires_max", tender.launch_date)
    if required is None or cap is None or not tender.lots:
        return
    total = tender.total_amount()
    multiple = ctx.formats.number(cap.value)
    if required > cap.value * total:
        yield finding(
            "CHIFFRE_AFFAIRES_EXCESSIF", Severity.WARNING,
            f"Le chiffre d’affaires minimal exigé ({ctx.money(required)}) dépasse {multiple} "
            f"fois la valeur estimée du marché ({ctx.money(total)} HT) : ramenez-le à "
            f"{ctx.money(cap.value * total)} au plus, ou justifiez le dépassement dans les "
            "documents de la consultation.",
            cap, "tender.minimum_turnover",
        )
        return
    over = [lot for lot in tender.lots if required > cap.value * lot.estimated_amount]
    if len(tender.lots) > 1 and over:
        yield finding(
            "CHIFFRE_AFFAIRES_PAR_LOT", Severity.WARNING,
            f"Le chiffre d’affaires minimal exigé ({ctx.money(required)}) dépasse {multiple} "
            f"fois la valeur {lot_numbers(over, 'du')} : s’il vaut pour chaque lot, fixez-le lot "
            f"par lot ({multiple} fois la valeur du lot au plus) ou justifiez-le.",
            cap, "tender.minimum_turnover",
        )


def check_advance(ctx: Context) -> Iterator[Finding]:
    """Above 50 000 € HT and 2 months the avance is due, at the minimum rates (SME rate too)."""
    tender = ctx.tender
    day = tender.launch_date
    amount = ctx.legal.threshold("avance_seuil_montant", day)
    months = ctx.legal.threshold("avance_seuil_duree", day)
    minimum = ctx.legal.threshold("avance_taux_min", day)
    if amount is None or months is None or minimum is None:
        return
    lots = [lot for lot in tender.lots if lot.estimated_amount > amount.value]
    if not lots or tender.duration_months <= months.value:
        return
    buyer = ctx.dossier.buyer
    sme = ctx.legal.threshold("avance_taux_min_pme", day, tender.contract_kind, buyer.kind,
                              buyer.operating_expenditure_over_60m)
    why = (f"Pour {lot_numbers(lots, 'le')} (montant supérieur à {ctx.value(amount)}, durée "
           f"supérieure à {ctx.value(months)})")
    sme_text = f", et {ctx.value(sme)} au moins pour les PME" if sme is not None else ""
    rate = tender.advance_rate
    if rate is None:
        yield finding(
            "AVANCE_TAUX_NON_INDIQUE", Severity.WARNING,
            f"{why}, l’avance est obligatoire. Indiquez son taux ({ctx.value(minimum)} au "
            f"moins{sme_text}) ; le titulaire peut y renoncer dans son acte d’engagement.",
            amount, "tender.advance_rate",
        )
        return
    if rate == 0:
        yield finding(
            "AVANCE_EXCLUE", Severity.ERROR,
            f"{why}, l’avance est obligatoire et l’acheteur ne peut pas l’exclure ; seul le "
            f"titulaire peut y renoncer. Indiquez un taux d’au moins {ctx.value(minimum)}"
            f"{sme_text}.",
            amount, "tender.advance_rate",
        )
        return
    if rate < minimum.value:
        yield finding(
            "AVANCE_TAUX_INSUFFISANT", Severity.ERROR,
            f"Le taux d’avance ({ctx.value(minimum, rate)}) est inférieur au minimum de "
            f"{ctx.value(minimum)} : relevez-le.",
            minimum, "tender.advance_rate",
        )
    sme_rate = tender.advance_rate_sme if tender.advance_rate_sme is not None else rate
    if sme is not None and sme_rate < sme.value:
        yield finding(
            "AVANCE_TAUX_PME", Severity.ERROR,
            f"Pour cet acheteur, l’avance versée aux PME est d’au moins {ctx.value(sme)} "
            f"({sme.label}) ; le dossier prévoit {ctx.value(sme, sme_rate)} : indiquez un taux "
            "PME suffisant.",
            sme, "tender.advance_rate_sme",
        )


def check_guarantee_retention(ctx: Context) -> Iterator[Finding]:
    """The retenue de garantie is at most 5 %, and 3 % for SMEs with large buyers."""
    tender = ctx.tender
    rate = tender.guarantee_retention_rate
    day = tender.launch_date
    if rate is None:
        return
    maximum = ctx.legal.threshold("retenue_garantie_max", day)
    if maximum is not None and rate > maximum.value:
        yield finding(
            "RETENUE_GARANTIE_EXCESSIVE", Severity.ERROR,
            f"La retenue de garantie ({ctx.value(maximum, rate)}) dépasse le maximum de "
            f"{ctx.value(maximum)} du montant initial du marché : réduisez-la.",
            maximum, "tender.guarantee_retention_rate",
        )
    buyer = ctx.dossier.buyer
    sme = ctx.legal.threshold("retenue_garantie_max_pme", day, tender.contract_kind, buyer.kind,
                              buyer.operating_expenditure_over_60m)
    sme_rate = (tender.guarantee_retention_rate_sme
                if tender.guarantee_retention_rate_sme is not None else rate)
    if sme is not None and sme_rate > sme.value:
        yield finding(
            "RETENUE_GARANTIE_PME", Severity.ERROR,
            f"Pour cet acheteur, la retenue de garantie appliquée aux PME ne peut dépasser "
            f"{ctx.value(sme)} ; le dossier prévoit {ctx.value(sme, sme_rate)} : indiquez un "
            f"taux PME de {ctx.value(sme)} au plus.",
            sme, "tender.guarantee_retention_rate_sme",
        )


def check_payment_days(ctx: Context) -> Iterator[Finding]:
    """The payment deadline stays within 30, 50 or 60 days depending on the buyer."""
    tender = ctx.tender
    days = tender.payment_days
    if days is None:
        return
    maximum = ctx.legal.threshold("delai_paiement_max", tender.launch_date, tender.contract_kind,
                                  ctx.dossier.buyer.kind)
    if maximum is None:
        yield finding(
            "DELAI_PAIEMENT_NON_CONNU", Severity.WARNING,
            "Aucun délai maximal de paiement n’est enregistré pour ce type d’acheteur : "
            f"vérifiez que {days} jours est admis.",
            ctx.legal.reference_of("delai_paiement_max"), "tender.payment_days",
        )
        return
    if days > maximum.value:
        yield finding(
            "DELAI_PAIEMENT_EXCESSIF", Severity.ERROR,
            f"Le délai de paiement ({days} jours) dépasse le {maximum.label} "
            f"({ctx.value(maximum)}) : ramenez-le à {ctx.value(maximum)} au plus.",
            maximum, "tender.payment_days",
        )


def check_price_revision(ctx: Context) -> Iterator[Finding]:
    """Prices exposed to major hazards are revisable, with an official index beyond 3 months."""
    tender = ctx.tender
    day = tender.launch_date
    rule = ctx.legal.rule("revision_prix", day)
    months = ctx.legal.threshold("revision_prix_duree", day)
    if rule is None or months is None:
        return
    long = tender.duration_months > months.value
    if tender.price_exposed_to_markets and tender.price_form is not PriceForm.REVISABLE:
        yield finding(
            "REVISION_PRIX_OBLIGATOIRE", Severity.ERROR,
            "Le marché expose les parties à des aléas majeurs (matières premières, cours "
            "mondiaux) : les prix doivent être révisables ; prévoyez une clause de révision.",
            rule, "tender.price_form",
        )
    elif tender.price_form is PriceForm.REVISABLE and not tender.price_index.strip():
        severity = Severity.ERROR if tender.price_exposed_to_markets and long else (
            Severity.WARNING)
        yield finding(
            "INDICE_REVISION_MANQUANT", severity,
            "Les prix sont révisables mais aucun indice n’est indiqué : citez au moins un "
            "indice officiel dans la formule de révision.",
            months, "tender.price_index",
        )
    elif tender.price_form is PriceForm.FIRM and long and not tender.price_exposed_to_markets:
        yield finding(
            "PRIX_FERMES_A_CONFIRMER", Severity.INFO,
            f"Les prix sont fermes pour un marché de {tender.duration_months} mois : confirmez "
            "qu’il n’expose pas les parties à des aléas majeurs (matières premières, énergie, "
            "cours mondiaux) ; sinon une clause de révision est obligatoire.",
            rule, "tender.price_exposed_to_markets",
        )
