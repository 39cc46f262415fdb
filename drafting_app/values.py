"""Typed clause values: read what a buyer (or a sample file) gave, check it, apply defaults."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from drafting_app.model import Variable, VariableType

NUMERIC = {VariableType.INTEGER, VariableType.DECIMAL, VariableType.MONEY, VariableType.PERCENT}


@dataclass(frozen=True)
class ValueProblem:
    """A value that does not fit its variable: which variable and what is wrong (French)."""

    name: str
    message: str


def _decimal(raw: Any) -> Decimal | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | Decimal):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(repr(raw))
    if isinstance(raw, str):
        text = raw.strip().replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
        text = text.removesuffix("€").removesuffix("%").replace(",", ".")
        try:
            value = Decimal(text)
        except InvalidOperation:
            return None
        return value if value.is_finite() else None
    return None


def coerce_value(variable: Variable, raw: Any) -> tuple[Any, str | None]:
    """The typed value for `raw`, or None and a French message saying what is expected."""
    kind = variable.type
    if kind in (VariableType.TEXT, VariableType.LONG_TEXT):
        if not isinstance(raw, str):
            return None, "un texte est attendu"
        if variable.required and not raw.strip():
            return None, "ce texte ne peut pas être vide"
        return raw, None
    if kind is VariableType.BOOLEAN:
        if not isinstance(raw, bool):
            return None, "oui ou non (true / false) est attendu"
        return raw, None
    if kind is VariableType.CHOICE:
        if raw not in variable.choices:
            options = ", ".join(f"« {c} »" for c in variable.choices)
            return None, f"une des valeurs suivantes est attendue : {options}"
        return raw, None
    if kind is VariableType.LIST:
        if not isinstance(raw, list | tuple) or not all(isinstance(i, str) for i in raw):
            return None, "une liste de textes est attendue"
        if variable.required and not raw:
            return None, "la liste ne peut pas être vide"
        return tuple(raw), None
    if kind is VariableType.DATE:
        if isinstance(raw, dt.date):
            return raw, None
        if isinstance(raw, str):
            try:
                return dt.date.fromisoformat(raw.strip()), None
            except ValueError:
                pass
        return None, "une date au format AAAA-MM-JJ est attendue"
    number = _decimal(raw)
    if number is None:
        return None, "un nombre est attendu"
    if kind is VariableType.INTEGER:
        if number != number.to_integral_value():
            return None, "un nombre entier est attendu"
        number = Decimal(int(number))
    if variable.min is not None and number < variable.min:
        return None, f"la valeur doit être au moins {variable.min}"
    if variable.max is not None and number > variable.max:
        return None, f"la valeur doit être au plus {variable.max}"
    if kind is VariableType.INTEGER:
        return int(number), None
    return number, None


def coerce_values(
    variables: tuple[Variable, ...], raw: Mapping[str, Any]
) -> tuple[dict[str, Any], list[ValueProblem]]:
    """Check every value against its variable; collect all problems; fill in defaults."""
    problems: list[ValueProblem] = []
    known = {variable.name for variable in variables}
    for name in raw:
        if name not in known:
            problems.append(ValueProblem(name, "cette clause n’a pas de variable de ce nom"))
    values: dict[str, Any] = {}
    for variable in variables:
        if variable.name in raw:
            given = raw[variable.name]
        elif variable.default is not None:
            given = variable.default
        elif not variable.required:
            values[variable.name] = None
            continue
        else:
            problems.append(
                ValueProblem(variable.name, f"valeur manquante : « {variable.label} »")
            )
            continue
        value, message = coerce_value(variable, given)
        if message is not None:
            problems.append(ValueProblem(variable.name, message))
        else:
            values[variable.name] = value
    return values, problems
