"""Checks of reserved contracts and lots (L2113-12 to L2113-16) and of label requirements."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from drafting_app.checks.context import Context, Selected, finding, lot_numbers
from drafting_app.checks.findings import Finding, Severity
from drafting_app.checks.legal_data import Rule
from drafting_app.dossier.model import ContractKind, Lot, Reservation
from drafting_app.wording.search import fold
from drafting_app.wording.values import coerce_values

_ARTICLE = re.compile(r"\bL\d{4}(?:-\d+)+\b")


@dataclass(frozen=True)
class ReservingClause:
    """A chosen clause that reserves lots, the kinds of reservation it makes and its lots."""

    selected: Selected
    kinds: frozenset[Reservation]
    lots: tuple[Lot, ...]


def reserving_clauses(ctx: Context) -> list[ReservingClause]:
    """Chosen clauses that reserve lots; a clause for every kind is read from its values."""
    found = []
    for selected in ctx.selected:
        meta = selected.clause.meta
        kinds = ctx.legal.reservation_kinds(r.article for r in meta.references if r.text == "CCP")
        if len(kinds) > 1:
            # a clause written for every kind of reservation: its values say which one
            values, _ = coerce_values(meta.variables, selected.chosen.values)
            text = " ".join(str(v) for v in values.values() if isinstance(v, str))
            kinds = ctx.legal.reservation_kinds(_ARTICLE.findall(text))
        if kinds:
            found.append(ReservingClause(selected, frozenset(kinds), ctx.lots_of(selected)))
    return found


def check_reservations(ctx: Context) -> Iterator[Finding]:
    """A reserved lot says so, has a matching clause stating the 50 % share, and no mix-up."""
    tender = ctx.tender
    day = tender.launch_date
    publicity = ctx.legal.rule("reservation_publicite", day)
    share = ctx.legal.threshold("part_travailleurs_reserve", day)
    if publicity is None or share is None:
        return
    clauses = reserving_clauses(ctx)
    without_avis: list[Lot] = []
    for index, lot in enumerate(tender.lots):
        where = f"tender.lots[{index}].reservation"
        for_lot = [c for c in clauses if lot in c.lots]
        if lot.reservation is None:
            for item in for_lot:
                yield finding(
                    "RESERVATION_NON_DECLAREE", Severity.WARNING,
                    f"La clause « {item.selected.title} » réserve le lot n° {lot.number}, mais "
                    "le dossier n’indique pas de réservation pour ce lot : indiquez-la (type de "
                    "réservation du lot), ou retirez la clause de ce lot.",
                    publicity, where,
                )
            continue
        label = ctx.legal.reservation_label(lot.reservation)
        if lot.reservation is Reservation.PRISON:
            yield from _prison_in_force(ctx, index, lot)
        combined = _prison_combined(ctx, lot, for_lot)
        if combined is not None:
            yield finding(
                "RESERVATION_DETENUS_CUMUL", Severity.ERROR,
                f"Le lot n° {lot.number} est réservé à la fois aux opérateurs employant des "
                "personnes détenues et à d’autres structures : cette réservation ne se cumule "
                "avec aucune autre ; choisissez l’une ou l’autre.",
                combined, where,
            )
        matching = [c for c in for_lot if c.kinds == {lot.reservation}]
        stating = [c for c in matching if any(c.selected.placed_in(p) for p in ("rc", "ccap",
                                                                                 "avis"))]
        # the minimum share of R2113-7 concerns every reservation but the ESS one (L2113-15)
        with_share = lot.reservation is not Reservation.ESS
        if not stating:
            share_text = (" et fixe la proportion minimale de travailleurs concernés "
                          f"({ctx.value(share)} au moins)") if with_share else ""
            yield finding(
                "RESERVATION_SANS_CLAUSE", Severity.ERROR,
                f"Le lot n° {lot.number} est réservé aux {label}, mais aucune clause de "
                "réservation correspondante n’est choisie pour ce lot : choisissez-en une. "
                f"Elle annonce la réservation dans les documents de la consultation{share_text}.",
                publicity, where,
            )
        for item in for_lot:
            if item.kinds != {lot.reservation} and combined is None:
                other = ", ".join(ctx.legal.reservation_label(k) for k in sorted(item.kinds))
                yield finding(
                    "RESERVATION_CLAUSE_DISCORDANTE", Severity.ERROR,
                    f"La clause « {item.selected.title} » réserve le lot n° {lot.number} aux "
                    f"{other}, alors que le dossier le réserve aux {label} : retirez-la de ce "
                    "lot ou corrigez la réservation du lot.",
                    publicity, f"{item.selected.field}.lots",
                )
        for item in matching if with_share else []:
            if not item.selected.cites("CCP", share.reference.article):
                yield finding(
                    "RESERVATION_PART_MINIMALE", Severity.WARNING,
                    f"La clause « {item.selected.title} » ne cite pas l’article "
                    f"{share.reference.article} : vérifiez qu’elle fixe à {ctx.value(share)} au "
                    "moins la proportion de travailleurs handicapés, défavorisés ou détenus.",
                    share, f"{item.selected.field}.id",
                )
        if matching and not any(c.selected.placed_in("avis") for c in matching):
            without_avis.append(lot)
    if without_avis:
        yield finding(
            "RESERVATION_AVIS", Severity.INFO,
            f"Reprenez la réservation {lot_numbers(without_avis, 'du')} dans l’avis d’appel à la "
            "concurrence (la clause « mention de la réservation dans l’avis », par exemple) ; "
            "à défaut d’avis, la mention dans les documents de la consultation suffit.",
            publicity, "clauses",
        )


def _prison_in_force(ctx: Context, index: int, lot: Lot) -> Iterator[Finding]:
    """The reservation for detainees' employers exists only from 20 October 2022."""
    day = ctx.tender.launch_date
    if ctx.legal.rule("reservation_detenus", day) is not None:
        return
    later = [r for r in ctx.legal.rules if r.id == "reservation_detenus" and r.start > day]
    if not later:
        return
    yield finding(
        "RESERVATION_DETENUS_AVANT_VIGUEUR", Severity.ERROR,
        f"Le lot n° {lot.number} est réservé aux opérateurs employant des personnes détenues, "
        f"réservation possible seulement pour une consultation lancée à partir du "
        f"{ctx.date(later[0].start)} ; la date de lancement du dossier "
        f"({ctx.date(day)}) la précède : corrigez la date ou retirez la réservation.",
        later[0], f"tender.lots[{index}].reservation",
    )


def _prison_combined(ctx: Context, lot: Lot, clauses: list[ReservingClause]) -> Rule | None:
    """The rule broken when a lot reserved for detainees' employers is reserved for others too."""
    rule = ctx.legal.rule("reservation_detenus_non_cumulable", ctx.tender.launch_date)
    kinds = {lot.reservation} if lot.reservation is not None else set()
    for item in clauses:
        kinds |= item.kinds
    if rule is None or Reservation.PRISON not in kinds or len(kinds) == 1:
        return None
    return rule


def check_ess_reservation(ctx: Context) -> Iterator[Finding]:
    """An ESS-reserved lot: listed services only, 3 years at most, no repeat award in 3 years."""
    tender = ctx.tender
    day = tender.launch_date
    rule = ctx.legal.rule("reservation_ess", day)
    lots = [(i, lot) for i, lot in enumerate(tender.lots) if lot.reservation is Reservation.ESS]
    if rule is None or not lots:
        return
    if tender.contract_kind is not ContractKind.SERVICES:
        yield finding(
            "RESERVATION_ESS_SERVICES", Severity.ERROR,
            "Seuls des services (services sociaux et autres services spécifiques de la liste de "
            "l’avis annexé au code) peuvent être réservés aux entreprises de l’économie sociale "
            "et solidaire : retirez cette réservation ou corrigez la nature du marché.",
            rule, "tender.contract_kind",
        )
    codes = ctx.legal.code_list("cpv_reservation_ess", day)
    for index, lot in lots:
        where = f"tender.lots[{index}].cpv_codes"
        if not lot.cpv_codes:
            yield finding(
                "RESERVATION_ESS_CPV_MANQUANT", Severity.WARNING,
                f"Le lot n° {lot.number} est réservé aux entreprises de l’ESS : indiquez ses "
                "codes CPV pour vérifier que les services figurent sur la liste des services "
                "réservables.",
                codes or rule, where,
            )
            continue
        outside = [c for c in lot.cpv_codes if codes is not None and not codes.contains(c)]
        if outside and codes is not None:
            listed = (f"le code CPV {outside[0]} ne figure pas" if len(outside) == 1
                      else f"les codes CPV {', '.join(outside)} ne figurent pas")
            yield finding(
                "RESERVATION_ESS_CPV_HORS_LISTE", Severity.ERROR,
                f"Le lot n° {lot.number} est réservé aux entreprises de l’ESS, mais {listed} "
                f"parmi les {codes.label} : un lot réservé ne peut porter que sur ces services ; "
                "retirez la réservation ou isolez ces prestations dans un autre lot.",
                codes, where,
            )
    duration = ctx.legal.threshold("duree_max_reservation_ess", day)
    total = tender.duration_months * (tender.renewals + 1)
    if duration is not None and total > duration.value:
        renewals = (f", soit {total} mois reconductions comprises ({tender.duration_months} "
                    f"mois × {tender.renewals + 1} périodes)" if tender.renewals else "")
        yield finding(
            "RESERVATION_ESS_DUREE", Severity.ERROR,
            f"Un marché réservé aux entreprises de l’ESS dure au plus {ctx.value(duration)}, "
            f"reconductions comprises ; le dossier prévoit {tender.duration_months} mois"
            f"{renewals} : réduisez la durée ou le nombre de reconductions.",
            duration, "tender.renewals" if tender.renewals else "tender.duration_months",
        )
    repeat = ctx.legal.threshold("delai_reattribution_ess", day)
    if repeat is not None and tender.ess_previous_award_within_3_years:
        yield finding(
            "RESERVATION_ESS_REATTRIBUTION", Severity.ERROR,
            "Un opérateur qui a obtenu de l’acheteur un marché réservé pour les mêmes services "
            f"dans les {ctx.value(repeat)} précédents ne peut pas s’en voir attribuer un "
            "nouveau : le RC doit l’exclure, ou le marché ne peut pas être réservé.",
            repeat, "tender.ess_previous_award_within_3_years",
        )


def check_labels(ctx: Context) -> Iterator[Finding]:
    """A required label always accepts equivalents and lists the characteristics required."""
    day = ctx.tender.launch_date
    equivalent = ctx.legal.rule("label_equivalent", day)
    characteristics = ctx.legal.rule("label_caracteristiques", day)
    articles = ctx.legal.detection.label_articles
    for selected in ctx.selected:
        if not any(selected.cites("CCP", article) for article in articles):
            continue
        wording = fold(selected.clause.text)
        if equivalent is not None and "equivalent" not in wording:
            yield finding(
                "LABEL_SANS_EQUIVALENT", Severity.ERROR,
                f"La clause « {selected.title} » exige un label sans accepter les labels "
                "équivalents : ajoutez « ou tout label équivalent ».",
                equivalent, f"{selected.field}.id",
            )
        listed = "caracteristique" in wording or selected.cites(
            "CCP", characteristics.reference.article if characteristics else "")
        if characteristics is not None and not listed:
            yield finding(
                "LABEL_CARACTERISTIQUES", Severity.INFO,
                f"La clause « {selected.title} » se réfère à un label sans lister les "
                "caractéristiques exigées : si vous n’exigez qu’une partie des "
                "caractéristiques du label, listez-les dans les documents de la consultation.",
                characteristics, f"{selected.field}.id",
            )
