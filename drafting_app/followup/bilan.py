"""The yearly SPASER review as data: figures, series per year, renewals and the register's notes.

The Word report, the spreadsheet and the « Suivi » screen all show this one object.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from drafting_app.dossier.award import HolderKind
from drafting_app.followup.indicators import Figure, Scope, compute_all, holder_amounts
from drafting_app.followup.records import ContractRecord
from drafting_app.followup.register import Register
from drafting_app.followup.renewals import Renewal, renewals_ahead

HOLDER_LABELS = {
    HolderKind.SIAE.value: "SIAE",
    HolderKind.ADAPTED.value: "Entreprises adaptées",
    HolderKind.ESAT.value: "ESAT",
    HolderKind.OTHER_ESS.value: "Autres entreprises de l’ESS",
    HolderKind.SME.value: "PME",
    HolderKind.OTHER.value: "Autres titulaires",
}
YEARS_SHOWN = 4


@dataclass(frozen=True)
class YearPoint:
    """The figures of one year that the charts compare across years."""

    year: int
    social_share: Decimal | None
    environmental_share: Decimal | None
    hours_planned: Decimal | None
    hours_done: Decimal | None


@dataclass(frozen=True)
class Bilan:
    """What the yearly review shows."""

    scope: Scope
    figures: tuple[Figure, ...]
    history: tuple[YearPoint, ...]
    by_holder_kind: tuple[tuple[str, Decimal], ...]
    counted: tuple[ContractRecord, ...]
    renewals: tuple[Renewal, ...]
    register: Register
    today: dt.date

    def figure(self, indicator_id: str) -> Figure:
        """The figure of one indicator."""
        return next(f for f in self.figures if f.id == indicator_id)


def build_bilan(register: Register, scope: Scope, targets: dict[str, Decimal],
                today: dt.date) -> Bilan:
    """Compute the review of a scope over a register."""
    records = register.records
    figures = compute_all(records, scope, targets)
    notified_years = sorted({r.notification.year for r in records if r.notification})
    last = scope.year if scope.year is not None else (notified_years[-1] if notified_years
                                                      else today.year)
    history = []
    for year in range(last - YEARS_SHOWN + 1, last + 1):
        year_scope = Scope(year, scope.service)
        by_id = {f.id: f for f in compute_all(records, year_scope)}
        history.append(YearPoint(year, by_id["part_sociale_nombre"].value,
                                 by_id["part_environnementale_nombre"].value,
                                 by_id["heures_prevues"].value, by_id["heures_realisees"].value))
    amounts = holder_amounts(records, scope)
    by_kind = tuple((HOLDER_LABELS[kind.value], amounts[kind.value][0]) for kind in HolderKind)
    counted = tuple(sorted((r for r in records if scope.covers(r)),
                           key=lambda r: (r.kind != "marche_public", r.notification, r.reference)))
    renewals = tuple(r for r in renewals_ahead(records, today)
                     if scope.service is None or r.record.service == scope.service)
    return Bilan(scope, figures, tuple(history), by_kind, counted, renewals, register, today)
