"""The facts several pieces print (capacities, lots, advance, conditions…), resolved once.

A fact printed by more than one piece (the RC and the avis both state the required turnover,
the CCAP and the AE both state the advance) is read here, from the dossier and the values of
its chosen clauses, and every skeleton prints what this module says. Two pieces can then no
longer disagree because one read a dossier field and the other a clause value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from drafting_app.dossier.model import (
    BuyerKind,
    ChosenClause,
    ContractForm,
    Dossier,
    Lot,
    Pricing,
    PurchaseFamily,
    Reservation,
    Tender,
)
from drafting_app.wording.library import Clause, Library
from drafting_app.wording.values import coerce_values, insertion_hours, with_dossier_defaults

#: R2191-3: the dated threshold above which the advance is due (initial amount HT)
ADVANCE_THRESHOLD_ID = "avance_seuil_montant"

#: clauses that fix a volume of insertion hours per lot
INSERTION_ACTIONS = ("insertion-condition-execution", "insertion-proprete-reprise-personnel")
#: the L2112-2-1 clause: it only names a measure that another clause defines
SOCIAL_POINTER = "insertion-condition-sociale-obligatoire"
TURNOVER_CLAUSE = "pme-chiffre-affaires-minimal"
ADVANCE_CLAUSE = "pme-avance"
ENVIRONMENTAL_CRITERION_CLAUSE = "env-critere-attribution"

#: C. env. L541-15-10 III: no plastic containers for cooking, reheating and serving in school
#: catering from 1 January 2025, and from 1 January 2028 in communes under 2 000 inhabitants
PLASTICS_BAN = dt.date(2025, 1, 1)
PLASTICS_BAN_SMALL_COMMUNES = dt.date(2028, 1, 1)
SMALL_COMMUNE = 2000
FAIR_TRADE_EGALIM_CLAUSE = "equitable-restauration-egalim"
#: the subsidy clause that sets the payment delay (60 days otherwise, art. 10 of loi 2000-321)
PAYMENT_CLAUSE = "subvention-financement-versement"
#: CPV prefixes of the purchase families whose CCTP has usual chapters
FAMILY_CPV: Mapping[PurchaseFamily, tuple[str, ...]] = {
    PurchaseFamily.CATERING: ("158", "1589", "5552", "5551", "5552", "553"),
    PurchaseFamily.CLEANING: ("909",),
    PurchaseFamily.GREEN_SPACES: ("7731", "7734", "7721"),
}

RESERVATION_TEXT: Mapping[Reservation, str] = {
    Reservation.DISABLED: "entreprises adaptées et ESAT (art. L2113-12)",
    Reservation.INSERTION: "structures d’insertion par l’activité économique (art. L2113-13)",
    Reservation.BOTH: "entreprises adaptées, ESAT et structures d’insertion par l’activité "
    "économique (art. L2113-14)",
    Reservation.PRISON: "opérateurs employant des personnes détenues (art. L2113-13-1)",
    Reservation.ESS: "entreprises de l’économie sociale et solidaire (art. L2113-15)",
}

#: the form of the contract as a sentence of the pieces says it
CONTRACT_FORM_TEXT: Mapping[ContractForm, str] = {
    ContractForm.ORDINARY: "marché ordinaire",
    ContractForm.PURCHASE_ORDERS: "accord-cadre exécuté par bons de commande",
    ContractForm.SUBSEQUENT_CONTRACTS: "accord-cadre exécuté par la conclusion de marchés "
    "subséquents",
    ContractForm.MIXED: "accord-cadre exécuté pour partie par bons de commande et pour partie "
    "par la conclusion de marchés subséquents",
}

PRICE_SCHEDULES: Mapping[Pricing, str] = {
    Pricing.UNIT: "bordereau des prix unitaires (BPU) et détail quantitatif estimatif (DQE)",
    Pricing.LUMP_SUM: "décomposition du prix global et forfaitaire (DPGF)",
    Pricing.MIXED: "bordereau des prix unitaires (BPU), détail quantitatif estimatif (DQE) et "
    "décomposition du prix global et forfaitaire (DPGF)",
}


@dataclass(frozen=True)
class Condition:
    """An execution condition as the CCAP titles it, and the lots it binds."""

    title: str
    lots: tuple[int, ...]


@dataclass(frozen=True)
class LotFacts:
    """What the pieces say about one lot."""

    number: int
    title: str
    amount: Decimal
    reservation: Reservation | None
    reservation_text: str
    minimum_turnover: Decimal | None
    pricing: Pricing
    price_schedule: str
    minimum: Decimal | None
    maximum: Decimal | None
    bounds_unit: str
    minimum_text: str
    maximum_text: str
    advance_due: bool
    social_conditions: tuple[str, ...]
    # why no social condition binds the lot (the lot's own reason, else the tender's), or ""
    social_exception: str
    environmental_conditions: tuple[str, ...]
    insertion_hours: int | None
    insertion_hours_per_period: int | None

    @property
    def bounds_in_value(self) -> bool:
        """Whether the minimum and maximum are amounts in euros HT (not quantities)."""
        return not self.bounds_unit


@dataclass(frozen=True)
class Advance:
    """The advance as the CCAP grants it and the AE repeats it."""

    rate: Decimal | None
    sme_rate: Decimal | None
    without_threshold: bool
    #: the dated data's threshold on the dossier's date (None: the data has none)
    threshold: Decimal | None = None

    @property
    def sme_rate_differs(self) -> bool:
        """Whether an SME gets a higher rate (the AE then asks whether the bidder is one)."""
        return self.sme_rate is not None and self.rate is not None and self.sme_rate > self.rate


@dataclass(frozen=True)
class CriterionItem:
    """What a bidder answers for a criterion: a sub-criterion or an element of appraisal."""

    name: str
    weight: Decimal | None = None


@dataclass(frozen=True)
class CriterionOutline:
    """A criterion with the sub-criteria or elements its answer box is split into."""

    name: str
    kind: str
    weight: Decimal | None
    description: str
    items: tuple[CriterionItem, ...]
    items_are_elements: bool


@dataclass(frozen=True)
class ClauseToValidate:
    """A chosen clause whose wording is not validated yet."""

    id: str
    title: str
    status: str


@dataclass(frozen=True)
class Facts:
    """Every fact printed in more than one piece of one dossier."""

    lots: tuple[LotFacts, ...]
    turnover_required: bool
    advance: Advance
    criteria: tuple[CriterionOutline, ...]
    conditions: tuple[Condition, ...]
    to_validate: tuple[ClauseToValidate, ...]
    reference: str = ""
    # L2112-2-1 requires a social execution condition on every lot (EU value, from 22/08/2026)
    social_condition_due: bool = False
    purchase_family: str = ""
    contract_form: str = ""
    fair_trade_counted: bool = False
    plastics_from: dt.date | None = None
    small_commune: bool = False
    # subsidy: days within which each instalment is paid after the event that triggers it
    payment_days: int = 60

    @property
    def to_validate_by_status(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """The titles of the clauses to validate, each once, grouped by status."""
        groups: dict[str, list[str]] = {}
        for clause in self.to_validate:
            titles = groups.setdefault(clause.status, [])
            if clause.title not in titles:
                titles.append(clause.title)
        return tuple((status, tuple(sorted(titles))) for status, titles in sorted(groups.items()))

    def lot(self, number: int) -> LotFacts | None:
        """The facts of lot `number`, or None."""
        return next((lot for lot in self.lots if lot.number == number), None)

    @property
    def lots_without_social_condition(self) -> tuple[LotFacts, ...]:
        """Lots that no social execution condition binds and that record no reason for it."""
        return tuple(lot for lot in self.lots
                     if not lot.social_conditions and not lot.social_exception)

    @property
    def any_minimum(self) -> bool:
        """Whether any lot of a framework agreement states a minimum."""
        return any(lot.minimum is not None for lot in self.lots)

    @property
    def lots_without_maximum(self) -> tuple[LotFacts, ...]:
        """Lots with no maximum (an accord-cadre needs one, R2162-4)."""
        return tuple(lot for lot in self.lots if lot.maximum is None)


# --------------------------------------------------------------------------- resolution


def chosen_values(library: Library, dossier: Dossier, chosen: ChosenClause) -> dict[str, Any]:
    """A chosen clause's values as it renders them (dossier defaults, types checked)."""
    clause = library.clause(chosen.id)
    if clause is None:
        return {}
    raw = with_dossier_defaults(clause.meta.variables, chosen.values, dossier)
    values, _ = coerce_values(clause.meta.variables, raw)
    return values


def _lots_of(tender: Tender, chosen: ChosenClause) -> tuple[Lot, ...]:
    if not chosen.lots:
        return tender.lots
    return tuple(lot for lot in tender.lots if lot.number in chosen.lots)


def _placed_in_execution(clause: Clause) -> bool:
    return any(p.piece.value == "ccap" and p.part == "execution" for p in clause.meta.placements)


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


def insertion_volume(
    values: Mapping[str, Any], lot: Lot, clause_id: str, periods: int = 1
) -> int | None:
    """The insertion hours an insertion clause sets for a lot for one period of execution.

    The lot's estimated amount covers every period (renewals included): a period's hours are
    computed on its share of that amount, as the insertion clauses print them.
    """
    share = _decimal(values.get("part_main_oeuvre"))
    rate = _decimal(values.get("taux_insertion"))
    cost = _decimal(values.get("cout_horaire"))
    if share is None or rate is None or not cost:
        return None
    if clause_id == "insertion-proprete-reprise-personnel":
        kept = _decimal(values.get("part_personnel_repris")) or Decimal(0)
        share = share * (100 - kept) / 100
    return insertion_hours(lot.estimated_amount / periods, share, rate, cost)


def standard_clauses(dossier: Dossier) -> tuple[str, ...]:
    """The library clauses the tender pieces print whether or not the buyer chose them."""
    tender = dossier.tender
    if tender is None:
        return ()
    ids = ["forme-des-prix", "livraison-admission"]
    if tender.contract_form in (ContractForm.PURCHASE_ORDERS, ContractForm.MIXED):
        ids.append("accord-cadre-bons-de-commande")
    return tuple(ids)


def purchase_family(tender: Tender) -> str:
    """The family of the purchase: the dossier's, or the one its CPV codes point to."""
    if tender.purchase_family is not None:
        return tender.purchase_family.value
    codes = [code for lot in tender.lots for code in lot.cpv_codes]
    for family, prefixes in FAMILY_CPV.items():
        if codes and all(code.startswith(prefixes) for code in codes):
            return family.value
    return ""


def _plastics(dossier: Dossier) -> tuple[dt.date | None, bool]:
    """When school catering may no longer use plastic containers, and whether the later date
    of small communes applies (None: a commune whose population is not given)."""
    tender = dossier.tender
    if tender is None or not tender.school_catering:
        return None, False
    buyer = dossier.buyer
    if buyer.kind is BuyerKind.COMMUNE:
        if buyer.population is None:
            return None, False
        if buyer.population < SMALL_COMMUNE:
            return PLASTICS_BAN_SMALL_COMMUNES, True
    return PLASTICS_BAN, False


def unbreakable(reference: str) -> str:
    """A reference whose hyphens never break a line (`2027‑RC‑003`, U+2011)."""
    return reference.replace("-", "\u2011")


Formatter = Callable[[Any], str]


def bound_text(value: Decimal | None, unit: str, missing: str, money: Formatter,
               number: Formatter) -> str:
    """A minimum or maximum as pieces print it: `150 000,00 € HT`, `12 000 repas`."""
    if value is None:
        return missing
    return f"{number(value)} {unit}" if unit else f"{money(value)} HT"


def resolve_facts(
    library: Library, dossier: Dossier, money: Formatter = str, number: Formatter = str,
    categories: ConditionCategories | None = None, social_condition_due: bool = False,
    seuil: Callable[[str], Decimal | None] | None = None,
) -> Facts:
    """The facts of a dossier (a subsidy dossier has no lots and an empty outline).

    `money` and `number` write amounts and quantities as the documents do; `categories` are
    the dated data's categories of execution conditions (the same the checks use), and
    `social_condition_due` whether L2112-2-1 requires a social condition for every lot;
    `seuil` reads the dated thresholds on the dossier's date (the advance's amount threshold).
    Without a threshold, an advance that has a rate is taken as due on every lot.
    """
    categories = categories or ConditionCategories(frozenset(), frozenset())
    tender = dossier.tender
    present = chosen_in_library(library, dossier)
    printed = [clause for _, clause in present]
    chosen_ids = {clause.id for clause in printed}
    for clause_id in standard_clauses(dossier):
        clause = library.clause(clause_id)
        if clause is not None and clause_id not in chosen_ids:
            printed.append(clause)
    to_validate = tuple(
        ClauseToValidate(clause.id, clause.meta.title, clause.meta.status.value)
        for clause in printed if clause.meta.status.value != "validé"
    )
    if tender is None:
        days = 60
        for chosen, _clause in present:
            if chosen.id == PAYMENT_CLAUSE:
                given = chosen_values(library, dossier, chosen).get("delai_versement")
                days = int(given) if isinstance(given, int | Decimal) else days
        return Facts((), False, Advance(None, None, False), (), (), to_validate,
                     unbreakable(dossier.reference), payment_days=days)
    values = {c.id: chosen_values(library, dossier, c) for c, _ in present}
    by_id = {c.id: c for c, _ in present}

    turnover_multiple: Decimal | None = None
    turnover_clause = by_id.get(TURNOVER_CLAUSE)
    if turnover_clause is not None:
        chosen_turnover = values[TURNOVER_CLAUSE]
        if str(chosen_turnover.get("exigence", "")).startswith("chiffre"):
            turnover_multiple = _decimal(chosen_turnover.get("multiple"))

    advance = _advance(tender, by_id, values,
                       None if seuil is None else seuil(ADVANCE_THRESHOLD_ID))

    # insertion actions, and the lots each covers
    hours: dict[int, int] = {}
    insertion_lots: set[int] = set()
    for clause_id in INSERTION_ACTIONS:
        action = by_id.get(clause_id)
        if action is None:
            continue
        for lot in _lots_of(tender, action):
            insertion_lots.add(lot.number)
            volume = insertion_volume(values[clause_id], lot, clause_id, tender.periods)
            if volume is not None:
                hours[lot.number] = volume

    conditions, social, environmental = execution_conditions(
        tender, present, values, insertion_lots, categories)

    lots_facts = []
    for lot in sorted(tender.lots, key=lambda item: item.number):
        if turnover_multiple is not None:
            turnover: Decimal | None = (lot.estimated_amount * turnover_multiple).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP)
        elif turnover_clause is None:
            turnover = tender.minimum_turnover
        else:
            turnover = None
        period_hours = hours.get(lot.number)
        lots_facts.append(LotFacts(
            number=lot.number,
            title=lot.title,
            amount=lot.estimated_amount,
            reservation=lot.reservation,
            reservation_text=RESERVATION_TEXT[lot.reservation] if lot.reservation else "",
            minimum_turnover=turnover,
            pricing=lot.pricing,
            price_schedule=PRICE_SCHEDULES[lot.pricing],
            minimum=lot.minimum,
            maximum=lot.maximum,
            bounds_unit=lot.bounds_unit,
            minimum_text=bound_text(lot.minimum, lot.bounds_unit, "sans minimum", money, number),
            maximum_text=bound_text(lot.maximum, lot.bounds_unit, "à compléter", money, number),
            advance_due=advance.rate is not None and (
                advance.without_threshold or advance.threshold is None
                or lot.estimated_amount > advance.threshold),
            social_conditions=tuple(sorted(social[lot.number])),
            social_exception=(lot.social_condition_exception.strip()
                              or tender.social_condition_exception.strip()),
            environmental_conditions=tuple(sorted(environmental[lot.number])),
            insertion_hours=(
                None if period_hours is None else period_hours * tender.periods),
            insertion_hours_per_period=period_hours,
        ))
    plastics_from, small = _plastics(dossier)
    fair_trade = FAIR_TRADE_EGALIM_CLAUSE in by_id and bool(
        values[FAIR_TRADE_EGALIM_CLAUSE].get("comptabilisation"))
    return Facts(
        purchase_family=purchase_family(tender),
        contract_form=CONTRACT_FORM_TEXT[tender.contract_form],
        fair_trade_counted=fair_trade,
        plastics_from=plastics_from,
        small_commune=small,
        lots=tuple(lots_facts),
        turnover_required=any(lot.minimum_turnover is not None for lot in lots_facts),
        advance=advance,
        criteria=_criteria(tender, by_id, values),
        conditions=tuple(conditions),
        social_condition_due=social_condition_due,
        to_validate=to_validate,
        reference=unbreakable(dossier.reference),
    )


def _advance(
    tender: Tender, by_id: Mapping[str, ChosenClause], values: Mapping[str, Mapping[str, Any]],
    threshold: Decimal | None,
) -> Advance:
    if ADVANCE_CLAUSE in by_id:
        chosen = values[ADVANCE_CLAUSE]
        rate = _decimal(chosen.get("taux_avance"))
        sme = _decimal(chosen.get("taux_avance_pme"))
        without_threshold = bool(chosen.get("avance_sans_seuil"))
    else:
        rate, sme, without_threshold = tender.advance_rate, tender.advance_rate_sme, False
    return Advance(rate, sme if sme is not None and rate is not None and sme > rate else None,
                   without_threshold, threshold)


def _criteria(
    tender: Tender, by_id: Mapping[str, ChosenClause], values: Mapping[str, Mapping[str, Any]]
) -> tuple[CriterionOutline, ...]:
    elements: tuple[str, ...] = ()
    if ENVIRONMENTAL_CRITERION_CLAUSE in by_id:
        raw = values[ENVIRONMENTAL_CRITERION_CLAUSE].get("elements") or ()
        elements = tuple(str(e) for e in raw)
    outline = []
    environmental_seen = False
    for criterion in tender.criteria:
        kind = criterion.kind.value
        if criterion.subcriteria:
            items = tuple(CriterionItem(s.name, s.weight) for s in criterion.subcriteria)
            is_elements = False
        elif kind == "environnemental" and elements and not environmental_seen:
            items = tuple(CriterionItem(_capitalised(e)) for e in elements)
            is_elements = True
        else:
            items = ()
            is_elements = False
        if kind == "environnemental":
            environmental_seen = True
        outline.append(CriterionOutline(criterion.name, kind, criterion.weight,
                                        criterion.description, items, is_elements))
    return tuple(outline)


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class ConditionCategories:
    """Clause categories that make a chosen clause a social or environmental execution
    condition (the dated data's `[detection]`: one definition for the pieces and the checks)."""

    social: frozenset[str]
    environmental: frozenset[str]


def chosen_in_library(library: Library, dossier: Dossier) -> list[tuple[ChosenClause, Clause]]:
    """The dossier's chosen clauses that the library has, in the dossier's order."""
    found = [(c, library.clause(c.id)) for c in dossier.clauses]
    return [(c, clause) for c, clause in found if clause is not None]


def execution_conditions(
    tender: Tender, present: list[tuple[ChosenClause, Clause]],
    values: Mapping[str, Mapping[str, Any]], insertion_lots: set[int],
    categories: ConditionCategories,
) -> tuple[list[Condition], dict[int, list[str]], dict[int, list[str]]]:
    """The chosen execution conditions, and per lot the titles of the social and the
    environmental ones that bind it."""
    conditions = []
    social: dict[int, list[str]] = {lot.number: [] for lot in tender.lots}
    environmental: dict[int, list[str]] = {lot.number: [] for lot in tender.lots}
    for chosen, clause in present:
        if not _placed_in_execution(clause):
            continue
        category = clause.meta.category
        lots = [lot.number for lot in _lots_of(tender, chosen)]
        if chosen.id == SOCIAL_POINTER:
            measure = str(values[chosen.id].get("mesure", ""))
            if "alternance" not in measure:
                # it only points at the insertion action: it binds the lots that action covers
                lots = [n for n in lots if n in insertion_lots]
        if category in categories.social:
            target = social
        elif category in categories.environmental:
            target = environmental
        else:
            continue
        if not lots:
            continue
        conditions.append(Condition(clause.meta.title, tuple(lots)))
        for lot_number in lots:
            target[lot_number].append(clause.meta.title)

    return conditions, social, environmental
