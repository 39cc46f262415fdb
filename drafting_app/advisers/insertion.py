"""Insertion-hours calculator: amount HT × labour share × insertion rate ÷ hourly cost, per lot.

The formula itself is `values.insertion_hours`, the one the insertion clause renders with, so
that the calculator and the CCAP always give the same number of hours.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from drafting_app.checks.legal_data import InsertionData
from drafting_app.dossier.model import ChosenClause, Dossier, Lot
from drafting_app.wording.library import Library
from drafting_app.wording.values import coerce_values, insertion_hours

#: the variables of an insertion clause that the calculator fills
SHARE, RATE, COST = "part_main_oeuvre", "taux_insertion", "cout_horaire"


class InsertionError(Exception):
    """The calculator cannot answer; `problems` are French sentences saying what to do."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Inputs:
    """What one calculation uses: labour share, insertion rate and hourly cost."""

    labour_share: Decimal
    insertion_rate: Decimal
    hourly_cost: Decimal


@dataclass(frozen=True)
class LotHours:
    """The insertion hours of one lot (or of an amount given alone: number None)."""

    number: int | None
    title: str
    amount: Decimal
    inputs: Inputs
    hours: int

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "lot": self.number, "title": self.title, "amount": str(self.amount),
            "labour_share": str(self.inputs.labour_share),
            "insertion_rate": str(self.inputs.insertion_rate),
            "hourly_cost": str(self.inputs.hourly_cost), "hours": self.hours,
        }


def compute(amount: Decimal, inputs: Inputs, number: int | None = None,
            title: str = "") -> LotHours:
    """The hours for an amount HT, with the clause's own formula."""
    hours = insertion_hours(amount, inputs.labour_share, inputs.insertion_rate,
                            inputs.hourly_cost)
    return LotHours(number, title, amount, inputs, hours)


def labour_share_of(data: InsertionData, trade_or_share: str) -> Decimal:
    """A labour share from a trade id (`maconnerie`) or a percentage (`50`)."""
    trade = data.trade(trade_or_share)
    if trade is not None:
        return trade.labour_share
    try:
        share = Decimal(trade_or_share.replace(",", ".").rstrip("% "))
    except ArithmeticError:
        share = Decimal(-1)
    if not 0 < share <= 100:
        known = ", ".join(t.id for t in data.trades)
        raise InsertionError([f"« {trade_or_share} » n’est ni un métier connu ({known}) ni "
                              "une part de main-d’œuvre entre 1 et 100 %"])
    return share


def insertion_clauses(dossier: Dossier, library: Library) -> list[tuple[int, ChosenClause]]:
    """The chosen clauses whose variables are the calculator's (share, rate, hourly cost)."""
    found = []
    for index, chosen in enumerate(dossier.clauses):
        clause = library.clause(chosen.id)
        if clause is not None and {SHARE, RATE, COST} <= {v.name for v in clause.meta.variables}:
            found.append((index, chosen))
    return found


def clause_inputs(chosen: ChosenClause, library: Library) -> Mapping[str, Any]:
    """The typed values of an insertion clause (defaults applied; invalid values left out)."""
    clause = library.clause(chosen.id)
    if clause is None:
        return {}
    values, _ = coerce_values(clause.meta.variables, chosen.values)
    return values


def dossier_hours(
    dossier: Dossier,
    library: Library,
    data: InsertionData,
    share: Decimal | None = None,
    lot_shares: Mapping[int, Decimal] | None = None,
    rate: Decimal | None = None,
    hourly_cost: Decimal | None = None,
) -> list[LotHours]:
    """Hours per lot of a tender.

    The lots are those the insertion clause targets (every lot without a clause), plus any lot
    given a share of its own; each value comes from the arguments, else from the clause, else
    (rate and cost) from the trades file's defaults.
    """
    tender = dossier.tender
    if tender is None:
        raise InsertionError(["ce dossier est une subvention : le calcul porte sur les lots "
                              "d’un marché"])
    if not tender.lots:
        raise InsertionError(["le marché n’a aucun lot : saisissez au moins un lot avec son "
                              "montant estimé"])
    lot_shares = dict(lot_shares or {})
    unknown = sorted(set(lot_shares) - {lot.number for lot in tender.lots})
    if unknown:
        raise InsertionError([f"le lot n° {n} n’existe pas dans le dossier" for n in unknown])
    found = insertion_clauses(dossier, library)
    values: Mapping[str, Any] = clause_inputs(found[0][1], library) if found else {}
    targeted = set(found[0][1].lots) if found and found[0][1].lots else {
        lot.number for lot in tender.lots}
    lots: Sequence[Lot] = [lot for lot in tender.lots
                           if lot.number in targeted or lot.number in lot_shares]
    default_share = share if share is not None else _decimal(values.get(SHARE))
    used_rate = rate if rate is not None else (_decimal(values.get(RATE))
                                               or data.defaults.insertion_rate)
    used_cost = hourly_cost if hourly_cost is not None else (
        _decimal(values.get(COST)) or data.defaults.hourly_cost)
    results = []
    missing = []
    for lot in lots:
        lot_share = lot_shares.get(lot.number, default_share)
        if lot_share is None:
            missing.append(lot.number)
            continue
        results.append(compute(lot.estimated_amount, Inputs(lot_share, used_rate, used_cost),
                               lot.number, lot.title))
    if missing:
        listed = ", ".join(str(n) for n in missing)
        raise InsertionError([f"part de main-d’œuvre inconnue pour le(s) lot(s) n° {listed} : "
                              "indiquez un métier ou une part (--metier, --lot N=métier)"])
    return results


def with_clause_values(
    dossier: Dossier, library: Library, inputs: Inputs, lots: Sequence[int] = ()
) -> Dossier:
    """The dossier with the calculator's values written into its insertion clause."""
    found = insertion_clauses(dossier, library)
    if not found:
        raise InsertionError(["aucune clause d’insertion n’est choisie dans ce dossier : "
                              "choisissez-la d’abord (clausier clauses search insertion)"])
    index, chosen = found[0]
    values = {**chosen.values, SHARE: str(inputs.labour_share), RATE: str(inputs.insertion_rate),
              COST: str(inputs.hourly_cost)}
    update: dict[str, Any] = {"values": values}
    if lots:
        update["lots"] = tuple(lots)
    clauses = list(dossier.clauses)
    clauses[index] = chosen.model_copy(update=update)
    return dossier.model_copy(update={"clauses": tuple(clauses)})


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    return None
