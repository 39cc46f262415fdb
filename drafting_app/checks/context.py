"""What every check reads: the dossier, the dated legal data, the library, and helpers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from drafting_app.checks.findings import Finding, Severity
from drafting_app.checks.legal_data import Dated, LegalData, Threshold
from drafting_app.dossier.model import ChosenClause, Dossier, Lot, Subsidy, Tender
from drafting_app.wording.library import Clause, Library
from drafting_app.wording.render import Formats


@dataclass(frozen=True)
class Selected:
    """A chosen clause that exists in the library, with its position in the dossier."""

    index: int
    chosen: ChosenClause
    clause: Clause

    @property
    def field(self) -> str:
        """The dossier path of this chosen clause."""
        return f"clauses[{self.index}]"

    @property
    def title(self) -> str:
        """The clause's title, as messages quote it."""
        return self.clause.meta.title

    def placed_in(self, piece: str, part: str | None = None) -> bool:
        """Whether the clause goes into this piece (and part of it)."""
        return any(p.piece.value == piece and (part is None or p.part == part)
                   for p in self.clause.meta.placements)

    def cites(self, text: str, article: str) -> bool:
        """Whether the clause's legal basis includes this article."""
        return any(r.text == text and r.article == article for r in self.clause.meta.references)


@dataclass(frozen=True)
class Context:
    """The inputs of the checks for one dossier; built once by `run_checks`."""

    dossier: Dossier
    legal: LegalData
    library: Library
    formats: Formats = field(default_factory=Formats)

    @property
    def tender(self) -> Tender:
        """The tender part (tender checks only run on tender dossiers)."""
        assert self.dossier.tender is not None
        return self.dossier.tender

    @property
    def subsidy(self) -> Subsidy:
        """The subsidy part (subsidy checks only run on subsidy dossiers)."""
        assert self.dossier.subsidy is not None
        return self.dossier.subsidy

    @property
    def day(self) -> dt.date:
        """The date that selects the law in force: launch date, or the convention's start."""
        if self.dossier.tender is not None:
            return self.dossier.tender.launch_date
        return self.subsidy.start_date

    @cached_property
    def selected(self) -> tuple[Selected, ...]:
        """The chosen clauses found in the library (unknown ones are reported elsewhere)."""
        found = []
        for index, chosen in enumerate(self.dossier.clauses):
            clause = self.library.clause(chosen.id)
            if clause is not None:
                found.append(Selected(index, chosen, clause))
        return tuple(found)

    def lots_of(self, selected: Selected) -> tuple[Lot, ...]:
        """The lots a chosen clause applies to: those it names, or every lot."""
        lots = self.tender.lots
        if not selected.chosen.lots:
            return lots
        return tuple(lot for lot in lots if lot.number in selected.chosen.lots)

    def execution_conditions(self, categories: Iterable[str]) -> list[Selected]:
        """Chosen clauses placed among the CCAP's execution conditions, in these categories."""
        wanted = set(categories)
        return [s for s in self.selected
                if s.placed_in("ccap", "execution") and s.clause.meta.category in wanted]

    # ------------------------------------------------------------------ wording helpers

    def money(self, value: Decimal) -> str:
        """`12 500,00 €`."""
        return self.formats.money(value)

    def date(self, day: dt.date) -> str:
        """`23 novembre 2026`."""
        return self.formats.date_long(day)

    def value(self, threshold: Threshold, value: Decimal | None = None) -> str:
        """A threshold's value (or another value in its unit) written in French."""
        amount = threshold.value if value is None else value
        unit = threshold.unit
        if unit == "€ HT":
            return f"{self.formats.money(amount)} HT"
        if unit == "€":
            return self.formats.money(amount)
        if unit == "%":
            return self.formats.percent(amount)
        return f"{self.formats.number(amount)} {unit}"


def finding(
    code: str, severity: Severity, message: str, basis: Dated | str, field_path: str
) -> Finding:
    """A finding citing a data entry (its caveat appended when unverified) or a plain text."""
    if isinstance(basis, str):
        return Finding(code, severity, message, basis, field_path)
    return Finding(code, severity, message + basis.caveat(), basis.cite(), field_path)


def lot_numbers(lots: Iterable[Lot], article: str = "") -> str:
    """`lot n° 2`, `lots n° 1, 3 et 4`; with article "le" or "du": `le lot…`, `des lots…`."""
    numbers = [str(lot.number) for lot in lots]
    plural = len(numbers) > 1
    text = (f"lots n° {', '.join(numbers[:-1])} et {numbers[-1]}" if plural
            else f"lot n° {numbers[0]}")
    articles = {"le": ("le", "les"), "du": ("du", "des")}
    if article in articles:
        return f"{articles[article][plural]} {text}"
    return text
