"""A dossier as the follow-up counts it: the contract record the register indexes.

A record holds only figures read or derived from one dossier file (never from another one), so
that the index can be rebuilt from the files at any time and a figure traced to its file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from drafting_app.advisers.insertion import InsertionError, dossier_hours, insertion_clauses
from drafting_app.dossier.model import Dossier, DossierKind
from drafting_app.followup.considerations import (
    Context,
    environmental_considerations,
    social_considerations,
)


@dataclass(frozen=True)
class HolderRecord:
    """A holder of a lot with the amount awarded to it."""

    name: str
    siret: str | None
    kind: str
    amount: Decimal


@dataclass(frozen=True)
class LotRecord:
    """A lot (number None: a contract without lots, or the whole contract)."""

    number: int | None
    title: str
    estimated: Decimal
    reservation: str | None
    cpv: str
    planned_hours: int | None
    awarded: Decimal | None = None
    offers: int | None = None
    holders: tuple[HolderRecord, ...] = ()
    grouping: str | None = None
    subcontracting: bool | None = None


@dataclass(frozen=True)
class YearRecord:
    """One calendar year of execution as reported."""

    year: int
    spent: Decimal | None
    hours: Decimal | None
    fair_trade: Decimal | None
    egalim: Decimal | None
    comment: str


@dataclass(frozen=True)
class ContractRecord:
    """Everything the indicators, renewals and exports read of one dossier."""

    path: str
    reference: str
    title: str
    kind: str
    buyer: str
    buyer_siret: str
    buyer_postcode: str
    object: str
    estimated: Decimal
    start: dt.date
    end: dt.date
    duration_months: int
    notification: dt.date | None = None
    service: str = ""
    contract_kind: str | None = None
    procedure: str | None = None
    ccag: str | None = None
    price_form: str | None = None
    price_kind: str | None = None
    advance_rate: Decimal | None = None
    execution_place: str = ""
    social: tuple[str, ...] = ()
    environmental: tuple[str, ...] = ()
    insertion_clause: bool = False
    hours_note: str = ""
    lots: tuple[LotRecord, ...] = ()
    years: tuple[YearRecord, ...] = ()
    payments: tuple[tuple[dt.date, Decimal], ...] = ()
    beneficiary: str = ""
    beneficiary_siret: str = ""
    evaluation: str = ""

    @property
    def is_tender(self) -> bool:
        """A public contract (otherwise a subsidy convention)."""
        return self.kind == DossierKind.TENDER.value

    @property
    def notified(self) -> bool:
        """Notified (contract) or signed (convention): the award section is filled."""
        return self.notification is not None

    @property
    def awarded(self) -> Decimal:
        """Amount awarded HT (contract: the awarded lots; convention: the whole subsidy)."""
        if not self.is_tender:
            return self.estimated
        return sum((lot.awarded for lot in self.lots if lot.awarded is not None), Decimal(0))

    @property
    def planned_hours(self) -> int | None:
        """Insertion hours the contract imposes over its whole duration (None: unknown)."""
        hours = [lot.planned_hours for lot in self.lots if lot.planned_hours is not None]
        return sum(hours) if hours else None

    @property
    def label(self) -> str:
        """`2027-RC-003 – Restauration scolaire…` for lists."""
        return f"{self.reference} – {self.title}"


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the last day of the month when it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def record_of(dossier: Dossier, path: str, context: Context) -> ContractRecord:
    """The record of one dossier (path relative to the register folder, with / separators)."""
    award = dossier.award
    buyer = dossier.buyer
    common: dict[str, Any] = {
        "path": path, "reference": dossier.reference, "title": dossier.title,
        "kind": dossier.kind.value, "buyer": buyer.name, "buyer_siret": buyer.siret,
        "buyer_postcode": buyer.address.postcode,
        "notification": award.notification_date if award is not None else None,
        "service": award.service if award is not None else "",
        "execution_place": award.execution_place if award is not None else "",
        "price_kind": award.price_kind.value if award and award.price_kind else None,
    }
    years = tuple(
        YearRecord(y.year, y.amount_spent, y.insertion_hours, y.fair_trade_amount,
                   y.egalim_amount, y.comment)
        for y in sorted(award.execution, key=lambda y: y.year)) if award is not None else ()
    subsidy = dossier.subsidy
    if subsidy is not None:
        return ContractRecord(
            **common, object=subsidy.project_title, estimated=subsidy.total_amount(),
            start=subsidy.start_date,
            end=(award.end_date if award and award.end_date else subsidy.end_date),
            duration_months=subsidy.duration_years * 12, years=years,
            payments=tuple((p.date, p.amount) for p in award.payments) if award else (),
            beneficiary=subsidy.association.name,
            beneficiary_siret=subsidy.association.siret,
            evaluation=award.evaluation if award is not None else "",
        )
    tender = dossier.tender
    assert tender is not None
    hours, note = _planned_hours(dossier, context)
    awards = {lot_award.lot: lot_award for lot_award in award.lots} if award else {}
    lots: list[LotRecord] = []
    sources = tender.lots or ()
    for lot in sources:
        lots.append(_lot_record(lot.number, lot.title, lot.estimated_amount,
                                lot.reservation.value if lot.reservation else None,
                                lot.cpv_codes[0] if lot.cpv_codes else "",
                                hours.get(lot.number), awards.get(lot.number)))
    if not sources and award is not None and None in awards:
        lots.append(_lot_record(None, tender.object, Decimal(0), None, "", None, awards[None]))
    total_months = tender.total_months
    start = award.notification_date if award is not None else tender.launch_date
    end = award.end_date if award is not None and award.end_date else (
        add_months(start, total_months) - dt.timedelta(days=1))
    return ContractRecord(
        **common, object=tender.object, estimated=tender.total_amount(),
        start=start, end=end, duration_months=total_months,
        contract_kind=tender.contract_kind.value, procedure=tender.procedure.value,
        ccag=tender.ccag.value, price_form=tender.price_form.value,
        advance_rate=tender.advance_rate,
        social=social_considerations(dossier, context),
        environmental=environmental_considerations(dossier, context),
        insertion_clause=bool(insertion_clauses(dossier, context.library)),
        hours_note=note, lots=tuple(lots), years=years,
    )


def _lot_record(number: int | None, title: str, estimated: Decimal, reservation: str | None,
                cpv: str, planned: int | None, lot_award: Any) -> LotRecord:
    if lot_award is None:
        return LotRecord(number, title, estimated, reservation, cpv, planned)
    holders = tuple(HolderRecord(h.name, h.siret, h.kind.value, amount)
                    for h, amount in lot_award.holder_amounts())
    return LotRecord(
        number, title, estimated, reservation, cpv, planned, lot_award.amount,
        lot_award.offers_received, holders,
        lot_award.grouping.value if lot_award.grouping else None,
        lot_award.subcontracting_declared)


def _planned_hours(dossier: Dossier, context: Context) -> tuple[dict[int, int], str]:
    """Insertion hours per lot with the insertion clause's own formula, or why unknown."""
    if context.insertion is None or not insertion_clauses(dossier, context.library):
        return {}, ""
    try:
        results = dossier_hours(dossier, context.library, context.insertion)
    except InsertionError as exc:
        return {}, " ; ".join(exc.problems)
    return {r.number: r.hours for r in results if r.number is not None}, ""


# --------------------------------------------------------------------------- JSON form


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _undec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)


def _day(value: Any) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


def record_to_data(record: ContractRecord) -> dict[str, Any]:
    """The record as JSON-ready data (the register's index stores it)."""
    data: dict[str, Any] = {}
    for name in ContractRecord.__dataclass_fields__:
        value = getattr(record, name)
        if isinstance(value, Decimal):
            value = str(value)
        elif isinstance(value, dt.date):
            value = value.isoformat()
        data[name] = value
    data["lots"] = [{
        "number": lot.number, "title": lot.title, "estimated": str(lot.estimated),
        "reservation": lot.reservation, "cpv": lot.cpv, "planned_hours": lot.planned_hours,
        "awarded": _dec(lot.awarded), "offers": lot.offers, "grouping": lot.grouping,
        "subcontracting": lot.subcontracting,
        "holders": [[h.name, h.siret, h.kind, str(h.amount)] for h in lot.holders],
    } for lot in record.lots]
    data["years"] = [[y.year, _dec(y.spent), _dec(y.hours), _dec(y.fair_trade), _dec(y.egalim),
                      y.comment] for y in record.years]
    data["payments"] = [[day.isoformat(), str(amount)] for day, amount in record.payments]
    data["social"] = list(record.social)
    data["environmental"] = list(record.environmental)
    return data


def record_from_data(data: dict[str, Any]) -> ContractRecord:
    """A record back from its JSON-ready data."""
    lots = tuple(LotRecord(
        lot["number"], lot["title"], Decimal(lot["estimated"]), lot["reservation"], lot["cpv"],
        lot["planned_hours"], _undec(lot["awarded"]), lot["offers"],
        tuple(HolderRecord(n, s, k, Decimal(a)) for n, s, k, a in lot["holders"]),
        lot["grouping"], lot["subcontracting"]) for lot in data["lots"])
    years = tuple(YearRecord(y, _undec(s), _undec(h), _undec(f), _undec(e), c)
                  for y, s, h, f, e, c in data["years"])
    payments = tuple((dt.date.fromisoformat(d), Decimal(a)) for d, a in data["payments"])
    start, end = _day(data["start"]), _day(data["end"])
    assert start is not None and end is not None
    return ContractRecord(
        path=data["path"], reference=data["reference"], title=data["title"],
        kind=data["kind"], buyer=data["buyer"], buyer_siret=data["buyer_siret"],
        buyer_postcode=data["buyer_postcode"], object=data["object"],
        estimated=Decimal(data["estimated"]), start=start, end=end,
        duration_months=data["duration_months"], notification=_day(data["notification"]),
        service=data["service"], contract_kind=data["contract_kind"],
        procedure=data["procedure"], ccag=data["ccag"], price_form=data["price_form"],
        price_kind=data["price_kind"], advance_rate=_undec(data["advance_rate"]),
        execution_place=data["execution_place"], social=tuple(data["social"]),
        environmental=tuple(data["environmental"]),
        insertion_clause=data["insertion_clause"], hours_note=data["hours_note"], lots=lots,
        years=years, payments=payments, beneficiary=data["beneficiary"],
        beneficiary_siret=data["beneficiary_siret"], evaluation=data["evaluation"],
    )
