"""The SPASER indicators: each defined once here, with its French definition and its sources.

Every indicator is computed from the register's records only, for a scope (a year, a service,
or the whole buyer), and returns the files it counts, so that any figure can be traced. A figure
that cannot be computed (no contract to divide by, no year reported) is None — never zero.

The SPASER (CCP L2111-3, D2111-3) must report indicators of socially and ecologically
responsible purchasing (loi n° 2021-1104); their exact wording is not set by the texts, so
these are the usual ones of published SPASERs (RTES survey): contracts with a social or
environmental consideration, insertion hours, reserved contracts, amounts won by SIAE, EA, ESAT
and other ESS bodies, fair trade and EGAlim, subsidies to associations.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum

from drafting_app.dossier.award import HolderKind
from drafting_app.dossier.model import DossierKind, Reservation
from drafting_app.followup.considerations import has_environmental, has_social
from drafting_app.followup.records import ContractRecord

HUNDRED = Decimal(100)


class Unit(StrEnum):
    """What a figure measures."""

    COUNT = "nombre"
    MONEY = "euros"
    SHARE = "part"
    HOURS = "heures"


@dataclass(frozen=True)
class Scope:
    """Which contracts an indicator looks at: a calendar year (None: every year) and a service
    (None: the whole buyer)."""

    year: int | None = None
    service: str | None = None

    def covers(self, record: ContractRecord) -> bool:
        """Whether a notified record belongs to the scope (by its notification year)."""
        if record.notification is None:
            return False
        if self.service is not None and record.service != self.service:
            return False
        return self.year is None or record.notification.year == self.year

    def in_service(self, record: ContractRecord) -> bool:
        """Whether a notified record belongs to the service (whatever its year)."""
        return record.notification is not None and (
            self.service is None or record.service == self.service)

    def label(self) -> str:
        """`année 2027, service Éducation` for titles."""
        parts = [f"l’année {self.year}" if self.year is not None else "toutes les années"]
        if self.service is not None:
            parts.append(f"service « {self.service} »")
        return ", ".join(parts)


@dataclass(frozen=True)
class Figure:
    """The value of an indicator for a scope, with what it counts and its objective."""

    id: str
    label: str
    unit: Unit
    value: Decimal | None
    sources: tuple[str, ...] = ()
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    breakdown: tuple[tuple[str, Decimal], ...] = ()
    note: str = ""
    target: Decimal | None = None

    def reached(self) -> bool | None:
        """Whether the objective is reached (None: no objective or no value)."""
        if self.target is None or self.value is None:
            return None
        return self.value >= self.target


Compute = Callable[[Sequence[ContractRecord], Scope], Figure]


@dataclass(frozen=True)
class Indicator:
    """An indicator: identifier (used in the objectives file), label, unit, definition."""

    id: str
    label: str
    unit: Unit
    definition: str
    compute: Compute


# --------------------------------------------------------------------------- helpers


def _tenders(records: Iterable[ContractRecord], scope: Scope) -> list[ContractRecord]:
    return [r for r in records if r.is_tender and scope.covers(r)]


def _share(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    if denominator == 0:
        return None
    return (numerator * HUNDRED / denominator).quantize(Decimal("0.1"))


def _paths(records: Iterable[ContractRecord]) -> tuple[str, ...]:
    return tuple(sorted({r.path for r in records}))


def _names(records: Iterable[ContractRecord]) -> str:
    return ", ".join(sorted({r.reference for r in records}))


def _overlap(record: ContractRecord, year: int) -> Decimal:
    """The fraction of the record's execution period that falls in `year`."""
    first, last = max(record.start, dt.date(year, 1, 1)), min(record.end, dt.date(year, 12, 31))
    total = (record.end - record.start).days + 1
    if last < first or total <= 0:
        return Decimal(0)
    return Decimal((last - first).days + 1) / Decimal(total)


# --------------------------------------------------------------------------- definitions


def _notified_count(records: Sequence[ContractRecord], scope: Scope) -> Figure:
    found = _tenders(records, scope)
    by_kind: dict[str, Decimal] = {}
    for r in found:
        key = r.contract_kind or "autre"
        by_kind[key] = by_kind.get(key, Decimal(0)) + 1
    return Figure("", "", Unit.COUNT, Decimal(len(found)), _paths(found),
                  breakdown=tuple(sorted(by_kind.items())))


def _notified_amount(records: Sequence[ContractRecord], scope: Scope) -> Figure:
    found = _tenders(records, scope)
    return Figure("", "", Unit.MONEY, sum((r.awarded for r in found), Decimal(0)), _paths(found))


def _share_of(test: Callable[[ContractRecord], bool], by_amount: bool) -> Compute:
    def compute(records: Sequence[ContractRecord], scope: Scope) -> Figure:
        found = _tenders(records, scope)
        counted = [r for r in found if test(r)]
        if by_amount:
            numerator = sum((r.awarded for r in counted), Decimal(0))
            denominator = sum((r.awarded for r in found), Decimal(0))
        else:
            numerator, denominator = Decimal(len(counted)), Decimal(len(found))
        return Figure("", "", Unit.SHARE, _share(numerator, denominator), _paths(counted),
                      numerator, denominator)
    return compute


def _social(record: ContractRecord) -> bool:
    return has_social(record.social)


def _environmental(record: ContractRecord) -> bool:
    return has_environmental(record.environmental)


def _hours_planned(records: Sequence[ContractRecord], scope: Scope) -> Figure:
    counted: list[ContractRecord] = []
    unknown: list[ContractRecord] = []
    total = Decimal(0)
    for r in records:
        if not (r.is_tender and r.insertion_clause and scope.in_service(r)):
            continue
        share = Decimal(1) if scope.year is None else _overlap(r, scope.year)
        if share == 0:
            continue
        if r.planned_hours is None:
            unknown.append(r)
            continue
        counted.append(r)
        total += Decimal(r.planned_hours) * share
    note = (f"heures prévues inconnues (part de main-d’œuvre non renseignée) : {_names(unknown)}"
            if unknown else "")
    return Figure("", "", Unit.HOURS, total.quantize(Decimal(1)) if counted else None,
                  _paths(counted), note=note)


def _year_values(records: Sequence[ContractRecord], scope: Scope,
                 pick: Callable[[ContractRecord, int], Decimal | None],
                 ) -> tuple[Decimal | None, list[ContractRecord], list[ContractRecord]]:
    """Sum of a reported yearly value; records reporting it, and those that should but don't."""
    counted: list[ContractRecord] = []
    missing: list[ContractRecord] = []
    total = Decimal(0)
    for r in records:
        if not (r.is_tender and scope.in_service(r)):
            continue
        years = [y.year for y in r.years] if scope.year is None else [scope.year]
        found = False
        for year in years:
            value = pick(r, year)
            if value is not None:
                total += value
                found = True
        if found:
            counted.append(r)
        elif scope.year is not None and r.insertion_clause and _overlap(r, scope.year) > 0:
            missing.append(r)
    return (total if counted else None), counted, missing


def _hours_done(records: Sequence[ContractRecord], scope: Scope) -> Figure:
    def pick(r: ContractRecord, year: int) -> Decimal | None:
        return next((y.hours for y in r.years if y.year == year), None)

    total, counted, missing = _year_values(records, scope, pick)
    note = (f"heures réalisées non renseignées pour des marchés avec clause d’insertion en cours "
            f"d’exécution : {_names(missing)}" if missing else "")
    return Figure("", "", Unit.HOURS, total, _paths(counted), note=note)


_RESERVATION_LABELS = {
    Reservation.INSERTION.value: "SIAE (L2113-13)",
    Reservation.DISABLED.value: "EA et ESAT (L2113-12)",
    Reservation.BOTH.value: "EA, ESAT et SIAE (L2113-14)",
    Reservation.PRISON.value: "détenus (L2113-13-1)",
    Reservation.ESS.value: "ESS (L2113-15)",
}


def _reserved_lots(records: Sequence[ContractRecord], scope: Scope) -> Figure:
    counted: list[ContractRecord] = []
    by_kind: dict[str, Decimal] = {}
    for r in _tenders(records, scope):
        reserved = [lot for lot in r.lots if lot.reservation is not None]
        if reserved:
            counted.append(r)
        for lot in reserved:
            label = _RESERVATION_LABELS.get(lot.reservation or "", lot.reservation or "")
            by_kind[label] = by_kind.get(label, Decimal(0)) + 1
    return Figure("", "", Unit.COUNT, sum(by_kind.values(), Decimal(0)), _paths(counted),
                  breakdown=tuple(sorted(by_kind.items())))


def holder_amounts(records: Sequence[ContractRecord], scope: Scope,
                   ) -> dict[str, tuple[Decimal, list[ContractRecord]]]:
    """Amount awarded per kind of holder (HolderKind values), with the contracts counted."""
    totals = {kind.value: Decimal(0) for kind in HolderKind}
    counted: dict[str, dict[str, ContractRecord]] = {kind.value: {} for kind in HolderKind}
    for r in _tenders(records, scope):
        for lot in r.lots:
            for holder in lot.holders:
                totals[holder.kind] += holder.amount
                counted[holder.kind][r.path] = r
    return {kind: (totals[kind], list(counted[kind].values())) for kind in totals}


def _amount_to(*kinds: HolderKind) -> Compute:
    def compute(records: Sequence[ContractRecord], scope: Scope) -> Figure:
        amounts = holder_amounts(records, scope)
        total = sum((amounts[k.value][0] for k in kinds), Decimal(0))
        counted = [r for k in kinds for r in amounts[k.value][1]]
        return Figure("", "", Unit.MONEY, total, _paths(counted))
    return compute


def _spent_share(field: str) -> Compute:
    def compute(records: Sequence[ContractRecord], scope: Scope) -> Figure:
        counted: list[ContractRecord] = []
        incomplete: list[ContractRecord] = []
        numerator = denominator = Decimal(0)
        for r in records:
            if not (r.is_tender and scope.in_service(r)):
                continue
            for y in r.years:
                if scope.year is not None and y.year != scope.year:
                    continue
                value = getattr(y, field)
                if value is None:
                    continue
                if y.spent is None or y.spent == 0:
                    incomplete.append(r)
                    continue
                numerator += value
                denominator += y.spent
                if not counted or counted[-1] is not r:
                    counted.append(r)
        note = (f"montant exécuté de l’année non renseigné (non compté) : {_names(incomplete)}"
                if incomplete else "")
        return Figure("", "", Unit.SHARE, _share(numerator, denominator), _paths(counted),
                      numerator, denominator, note=note)
    return compute


def _conventions(records: Sequence[ContractRecord], scope: Scope) -> Figure:
    found = [r for r in records if not r.is_tender and scope.covers(r)]
    annual = Decimal(sum(1 for r in found if r.kind == DossierKind.ANNUAL_CONVENTION.value))
    cpo = Decimal(sum(1 for r in found if r.kind == DossierKind.CPO.value))
    return Figure("", "", Unit.COUNT, Decimal(len(found)), _paths(found),
                  breakdown=(("conventions annuelles", annual), ("CPO", cpo)))


def _conventions_amount(records: Sequence[ContractRecord], scope: Scope) -> Figure:
    found = [r for r in records if not r.is_tender and scope.covers(r)]
    return Figure("", "", Unit.MONEY, sum((r.estimated for r in found), Decimal(0)),
                  _paths(found))


def _subsidies_paid(records: Sequence[ContractRecord], scope: Scope) -> Figure:
    counted: list[ContractRecord] = []
    total = Decimal(0)
    for r in records:
        if r.is_tender or not scope.in_service(r):
            continue
        paid = [amount for day, amount in r.payments
                if scope.year is None or day.year == scope.year]
        if paid:
            counted.append(r)
            total += sum(paid, Decimal(0))
    return Figure("", "", Unit.MONEY, total, _paths(counted))


INDICATORS: tuple[Indicator, ...] = (
    Indicator("marches_notifies", "Marchés notifiés", Unit.COUNT,
              "Nombre de marchés publics du registre dont la date de notification tombe dans "
              "la période.", _notified_count),
    Indicator("montant_notifie", "Montant attribué des marchés notifiés", Unit.MONEY,
              "Somme des montants HT attribués (lots attribués) des marchés notifiés dans la "
              "période.", _notified_amount),
    Indicator("part_sociale_nombre", "Marchés avec une considération sociale (en nombre)",
              Unit.SHARE,
              "Part des marchés notifiés qui comportent une clause sociale, un critère social "
              "ou un lot réservé (catégories des données essentielles).",
              _share_of(_social, by_amount=False)),
    Indicator("part_sociale_montant", "Marchés avec une considération sociale (en montant)",
              Unit.SHARE,
              "Part du montant attribué des marchés notifiés qui revient aux marchés comportant "
              "une considération sociale.", _share_of(_social, by_amount=True)),
    Indicator("part_environnementale_nombre",
              "Marchés avec une considération environnementale (en nombre)", Unit.SHARE,
              "Part des marchés notifiés qui comportent une clause ou un critère "
              "environnemental.", _share_of(_environmental, by_amount=False)),
    Indicator("part_environnementale_montant",
              "Marchés avec une considération environnementale (en montant)", Unit.SHARE,
              "Part du montant attribué des marchés notifiés qui revient aux marchés comportant "
              "une considération environnementale.", _share_of(_environmental, by_amount=True)),
    Indicator("heures_prevues", "Heures d’insertion prévues", Unit.HOURS,
              "Heures d’insertion imposées par la clause d’insertion des marchés notifiés "
              "(formule de la clause : montant × part de main-d’œuvre × taux ÷ coût horaire), "
              "au prorata de la durée d’exécution comprise dans l’année.", _hours_planned),
    Indicator("heures_realisees", "Heures d’insertion réalisées", Unit.HOURS,
              "Heures d’insertion réalisées dans l’année, telles que le facilitateur les "
              "rapporte (données d’exécution des marchés).", _hours_done),
    Indicator("lots_reserves", "Lots et marchés réservés", Unit.COUNT,
              "Nombre de lots réservés (CCP L2113-12 à L2113-15) des marchés notifiés, par "
              "type de réservation.", _reserved_lots),
    Indicator("montant_siae", "Montant attribué à des SIAE", Unit.MONEY,
              "Montant HT attribué à des titulaires déclarés structures d’insertion par "
              "l’activité économique.", _amount_to(HolderKind.SIAE)),
    Indicator("montant_ea_esat", "Montant attribué à des EA et ESAT", Unit.MONEY,
              "Montant HT attribué à des entreprises adaptées et à des ESAT.",
              _amount_to(HolderKind.ADAPTED, HolderKind.ESAT)),
    Indicator("montant_autre_ess", "Montant attribué à d’autres entreprises de l’ESS",
              Unit.MONEY, "Montant HT attribué à d’autres entreprises de l’économie sociale et "
              "solidaire (loi n° 2014-856, art. 1).", _amount_to(HolderKind.OTHER_ESS)),
    Indicator("montant_pme", "Montant attribué à des PME", Unit.MONEY,
              "Montant HT attribué à des titulaires déclarés PME (hors ESS).",
              _amount_to(HolderKind.SME)),
    Indicator("part_commerce_equitable", "Part des achats issus du commerce équitable",
              Unit.SHARE,
              "Achats issus du commerce équitable rapportés au montant exécuté dans l’année, "
              "sur les marchés qui suivent ces achats.", _spent_share("fair_trade")),
    Indicator("part_egalim", "Part des produits EGAlim", Unit.SHARE,
              "Achats de produits durables et de qualité (EGAlim, C. rural L230-5-1) rapportés "
              "au montant exécuté dans l’année, sur les marchés qui les suivent.",
              _spent_share("egalim")),
    Indicator("conventions_signees", "Conventions de subvention signées", Unit.COUNT,
              "Conventions annuelles et pluriannuelles d’objectifs (CPO) signées dans la "
              "période avec des associations (ESS, loi n° 2014-856, art. 1).", _conventions),
    Indicator("montant_conventions", "Montant des conventions signées", Unit.MONEY,
              "Montant total des subventions prévues par les conventions signées dans la "
              "période (toutes années de la convention).", _conventions_amount),
    Indicator("subventions_versees", "Subventions versées", Unit.MONEY,
              "Somme des versements de subvention effectués dans la période.", _subsidies_paid),
)

INDICATOR_IDS = frozenset(indicator.id for indicator in INDICATORS)


def indicator(indicator_id: str) -> Indicator:
    """The indicator of this identifier (KeyError if unknown)."""
    for item in INDICATORS:
        if item.id == indicator_id:
            return item
    raise KeyError(indicator_id)


def compute_all(records: Sequence[ContractRecord], scope: Scope,
                targets: dict[str, Decimal] | None = None) -> tuple[Figure, ...]:
    """Every indicator for a scope, with its objective when the buyer set one."""
    targets = targets or {}
    return tuple(
        replace(item.compute(records, scope), id=item.id, label=item.label, unit=item.unit,
                target=targets.get(item.id))
        for item in INDICATORS
    )
