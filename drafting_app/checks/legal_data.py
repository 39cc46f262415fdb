"""Dated legal data (thresholds, rules with their effective dates), read from a TOML file."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from pydantic import Field, ValidationError, model_validator

from drafting_app.library import Problem, describe_validation_error, format_loc, locate
from drafting_app.model import BuyerKind, ContractKind, Identifier, LegalReference, NonEmpty, Strict

LEGAL_DATA_FILE = "legal/donnees_juridiques.toml"


class Threshold(Strict):
    """An amount (HT) in force between two dates, for some kinds of contract or buyer."""

    id: Identifier
    label: NonEmpty
    amount: Decimal = Field(ge=0)
    start: dt.date
    end: dt.date | None = None
    contract_kinds: tuple[ContractKind, ...] = ()
    buyer_kinds: tuple[BuyerKind, ...] = ()
    reference: LegalReference
    source: NonEmpty

    @model_validator(mode="after")
    def _dates_in_order(self) -> Threshold:
        if self.end is not None and self.end < self.start:
            raise ValueError("la date de fin précède la date d’entrée en vigueur")
        return self


class Rule(Strict):
    """An obligation that applies to consultations launched from `start` (until `end`)."""

    id: Identifier
    label: NonEmpty
    start: dt.date
    end: dt.date | None = None
    reference: LegalReference
    source: NonEmpty


class LegalDataFile(Strict):
    """The whole data file."""

    thresholds: tuple[Threshold, ...] = ()
    rules: tuple[Rule, ...] = ()


def _in_force(start: dt.date, end: dt.date | None, day: dt.date) -> bool:
    return start <= day and (end is None or day <= end)


@dataclass(frozen=True)
class LegalData:
    """Query the dated data: the value in force on a given day."""

    thresholds: Sequence[Threshold]
    rules: Sequence[Rule]

    def threshold(
        self,
        threshold_id: str,
        day: dt.date,
        contract_kind: ContractKind | None = None,
        buyer_kind: BuyerKind | None = None,
    ) -> Threshold | None:
        """The threshold of this id in force on `day` for this kind of contract and buyer."""
        for item in self.thresholds:
            if item.id != threshold_id or not _in_force(item.start, item.end, day):
                continue
            if item.contract_kinds and contract_kind not in item.contract_kinds:
                continue
            if item.buyer_kinds and buyer_kind not in item.buyer_kinds:
                continue
            return item
        return None

    def rule(self, rule_id: str, day: dt.date) -> Rule | None:
        """The rule of this id if it applies to a consultation launched on `day`."""
        for item in self.rules:
            if item.id == rule_id and _in_force(item.start, item.end, day):
                return item
        return None


def load_legal_data(library_root: Path) -> tuple[LegalData, list[Problem]]:
    """Read the library's legal data file; problems are collected with their line."""
    path = library_root / LEGAL_DATA_FILE
    problems: list[Problem] = []
    empty = LegalData((), ())
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except FileNotFoundError:
        return empty, [Problem(path, None, "fichier de données juridiques manquant")]
    except tomllib.TOMLDecodeError as exc:
        return empty, [Problem(path, None, f"syntaxe TOML incorrecte ({exc})")]
    try:
        parsed = LegalDataFile.model_validate(data)
    except ValidationError as exc:
        for loc, message in describe_validation_error(exc):
            problems.append(Problem(path, locate(text, loc), f"« {format_loc(loc)} » : {message}"))
        return empty, problems
    ids: dict[str, list[Threshold]] = {}
    for item in parsed.thresholds:
        ids.setdefault(item.id, []).append(item)
    for same in ids.values():
        for kind_a in same:
            for kind_b in same:
                if kind_a is kind_b or id(kind_a) > id(kind_b):
                    continue
                if _overlap(kind_a, kind_b):
                    problems.append(Problem(path, None, f"seuil « {kind_a.id} » : deux valeurs "
                                            "en vigueur le même jour pour les mêmes contrats"))
    return LegalData(parsed.thresholds, parsed.rules), problems


def _overlap(a: Threshold, b: Threshold) -> bool:
    kinds = not a.contract_kinds or not b.contract_kinds or bool(
        set(a.contract_kinds) & set(b.contract_kinds))
    buyers = not a.buyer_kinds or not b.buyer_kinds or bool(
        set(a.buyer_kinds) & set(b.buyer_kinds))
    far = dt.date.max
    dates = a.start <= (b.end or far) and b.start <= (a.end or far)
    return kinds and buyers and dates
