"""Award and execution: who won each lot, for how much, and what each year achieved."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import (
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from drafting_app.dossier.types import Amount, NonEmpty, Siret, Strict


class HolderKind(StrEnum):
    """What kind of operator a holder is, as the SPASER indicators count it."""

    SIAE = "siae"  # structure d'insertion par l'activité économique (C. trav. L5132-4)
    ADAPTED = "entreprise_adaptee"  # entreprise adaptée (C. trav. L5213-13)
    ESAT = "esat"  # établissement et service d'accompagnement par le travail (CASF L344-2)
    OTHER_ESS = "autre_ess"  # other ESS company (loi n° 2014-856, art. 1)
    SME = "pme"
    OTHER = "autre"


class Grouping(StrEnum):
    """How co-holders of a lot are bound (données essentielles: typeGroupementOperateurs)."""

    JOINT = "conjoint"
    SEVERAL = "solidaire"


class PriceKind(StrEnum):
    """How the price is set (données essentielles: formePrix)."""

    UNIT = "unitaire"
    LUMP_SUM = "forfaitaire"
    MIXED = "mixte"


class Holder(Strict):
    """An operator a lot is awarded to; `amount` is its share when the lot has co-holders."""

    name: NonEmpty
    siret: Siret | None = None
    kind: HolderKind
    amount: Amount | None = None


class LotAward(Strict):
    """The award of one lot (`lot` None: a contract without lots)."""

    lot: int | None = Field(default=None, ge=1)
    holders: tuple[Holder, ...] = Field(min_length=1)
    amount: Amount
    offers_received: int | None = Field(default=None, ge=1)
    grouping: Grouping | None = None
    subcontracting_declared: bool | None = None

    @model_validator(mode="after")
    def _co_holder_amounts(self) -> LotAward:
        if len(self.holders) > 1:
            if any(holder.amount is None for holder in self.holders):
                raise ValueError("plusieurs titulaires : indiquez le montant de chacun")
            total = sum((h.amount for h in self.holders if h.amount is not None), Decimal(0))
            if total != self.amount:
                raise ValueError("les montants des titulaires ne font pas le montant du lot")
        return self

    def holder_amounts(self) -> tuple[tuple[Holder, Decimal], ...]:
        """Each holder with the amount awarded to it (a single holder has the whole lot)."""
        if len(self.holders) == 1:
            return ((self.holders[0], self.amount),)
        return tuple((h, h.amount if h.amount is not None else Decimal(0)) for h in self.holders)


class ExecutionYear(Strict):
    """What one calendar year of execution achieved, as reported (facilitator, holder)."""

    year: int = Field(ge=2000, le=2100)
    amount_spent: Amount | None = None
    insertion_hours: Annotated[Decimal, Field(ge=0, max_digits=10, decimal_places=2)] | None = None
    fair_trade_amount: Amount | None = None
    egalim_amount: Amount | None = None
    comment: str = ""


class PaymentMade(Strict):
    """An instalment of a subsidy actually paid."""

    date: dt.date
    amount: Amount
    label: str = ""


class Award(Strict):
    """Award and execution: filled once the contract is notified or the convention signed."""

    notification_date: dt.date
    service: str = ""
    end_date: dt.date | None = None
    execution_place: Annotated[str, StringConstraints(pattern=r"^(\d[0-9AB]\d{3})?$")] = ""
    price_kind: PriceKind | None = None
    lots: tuple[LotAward, ...] = ()
    execution: tuple[ExecutionYear, ...] = ()
    payments: tuple[PaymentMade, ...] = ()
    evaluation: str = ""

    @field_validator("lots")
    @classmethod
    def _one_award_per_lot(cls, lots: tuple[LotAward, ...]) -> tuple[LotAward, ...]:
        numbers = [lot.lot for lot in lots]
        if len(set(numbers)) != len(numbers):
            raise ValueError("un même lot est attribué deux fois")
        if None in numbers and len(numbers) > 1:
            raise ValueError("une attribution sans numéro de lot vaut pour tout le marché : "
                             "elle doit être la seule")
        return lots

    @field_validator("execution")
    @classmethod
    def _one_report_per_year(cls, years: tuple[ExecutionYear, ...]) -> tuple[ExecutionYear, ...]:
        seen = [year.year for year in years]
        duplicates = sorted({y for y in seen if seen.count(y) > 1})
        if duplicates:
            raise ValueError(f"année d’exécution saisie deux fois : {duplicates[0]}")
        return years
