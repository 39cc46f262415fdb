"""Renewals ahead: notified contracts that end soon, and what their next consultation could do.

This is the « anticipation des renouvellements » of the SPASERs: contracts ending within the
next months (18 by default), with their purchase family and amount, whether they already had a
reserved lot or an insertion clause, and the SIAE, EA and ESAT the register already knows in the
same purchase family (holders of earlier contracts).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from drafting_app.dossier.award import HolderKind
from drafting_app.dossier.model import ContractKind
from drafting_app.followup.considerations import has_social
from drafting_app.followup.records import ContractRecord, add_months

HORIZON_MONTHS = 18
_INCLUSIVE_KINDS = frozenset({HolderKind.SIAE.value, HolderKind.ADAPTED.value,
                              HolderKind.ESAT.value})
_KIND_LABELS = {ContractKind.WORKS.value: "travaux", ContractKind.SUPPLIES.value: "fournitures",
                ContractKind.SERVICES.value: "services"}


@dataclass(frozen=True)
class Renewal:
    """A contract ending soon and what its renewal could reserve or require."""

    record: ContractRecord
    end: dt.date
    family: str
    amount: Decimal
    reserved: bool
    insertion: bool
    suggestions: tuple[str, ...]
    known_operators: tuple[str, ...]


def family_of(record: ContractRecord) -> str:
    """The purchase family: the CPV division of the first lot and the kind of contract."""
    cpv = next((lot.cpv for lot in record.lots if lot.cpv), "")
    kind = _KIND_LABELS.get(record.contract_kind or "", "")
    if cpv:
        return f"CPV {cpv[:2]} ({kind})" if kind else f"CPV {cpv[:2]}"
    return kind or "non classé"


def renewals_ahead(records: Sequence[ContractRecord], today: dt.date,
                   months: int = HORIZON_MONTHS) -> tuple[Renewal, ...]:
    """Notified contracts ending between today and `months` later, soonest first."""
    horizon = add_months(today, months)
    operators: dict[str, set[str]] = {}
    for record in records:
        if record.is_tender and record.notified:
            family = family_of(record)
            for lot in record.lots:
                for holder in lot.holders:
                    if holder.kind in _INCLUSIVE_KINDS:
                        operators.setdefault(family, set()).add(holder.name)
    found = []
    for record in records:
        if not (record.is_tender and record.notified and today <= record.end <= horizon):
            continue
        family = family_of(record)
        reserved = any(lot.reservation is not None for lot in record.lots)
        social = has_social(record.social)
        known = tuple(sorted(operators.get(family, set())))
        suggestions = []
        if not reserved:
            text = ("réserver un lot à des SIAE (CCP L2113-13) ou à des entreprises adaptées et "
                    "ESAT (L2113-12)")
            if known:
                text += " : le registre connaît des titulaires de cette famille"
            suggestions.append(text)
        if not record.insertion_clause and record.contract_kind != ContractKind.SUPPLIES.value:
            suggestions.append("prévoir une clause d’insertion parmi les conditions d’exécution "
                               "(CCP L2112-2)")
        if reserved or social:
            suggestions.append("reconduire les considérations sociales du marché en cours")
        found.append(Renewal(record, record.end, family, record.awarded or record.estimated,
                             reserved, record.insertion_clause, tuple(suggestions), known))
    return tuple(sorted(found, key=lambda r: (r.end, r.record.reference)))
