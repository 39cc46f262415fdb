"""Typed clause values: read what a buyer (or a sample file) gave, check it, apply defaults."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from drafting_app.wording.model import VALUE_LIMIT, Variable, VariableType

NUMERIC = {VariableType.INTEGER, VariableType.DECIMAL, VariableType.MONEY, VariableType.PERCENT}

#: the most digits a number typed by a user may have
MAX_DIGITS = 24
#: the most decimals a clause value may have
MAX_DECIMALS = 6


@dataclass(frozen=True)
class ValueProblem:
    """A value that does not fit its variable: which variable and what is wrong (French)."""

    name: str
    message: str


class NumberError(ValueError):
    """A text that is not a number as the French write it; `message` says why (French)."""

    def __init__(self, text: str, message: str, ambiguous: bool = False) -> None:
        super().__init__(message)
        self.text = text
        self.message = message
        self.ambiguous = ambiguous


_BLANKS = re.compile(r"[\s\u00a0\u202f\u2009\u2007'’]+")
_UNITS = re.compile(r"(?:€|eur|euros?|%)$", re.IGNORECASE)
_FRENCH_GROUPED = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+")  # 30.000, 1.234.567
_FRENCH_GROUPED_DECIMAL = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+,\d*")  # 1.234,50
_ENGLISH_GROUPED = re.compile(r"[1-9]\d{0,2}(?:,\d{3})+(?:\.\d*)?")  # 1,234 or 1,234.50
_PLAIN = re.compile(r"\d+(?:[.,]\d*)?|[.,]\d+")


def read_number(text: str) -> Decimal | None:
    """A number as the French type it; None for an empty text; NumberError otherwise.

    `30 000`, `30.000` and `30 000,00 €` are thirty thousand, `30,5` and `30.5` thirty and a
    half. An entry that could be read two ways (`30,000`: thirty, or thirty thousand written
    the English way; `1,234.50`) is refused rather than guessed.
    """
    cleaned = _BLANKS.sub("", text.strip())
    cleaned = _UNITS.sub("", cleaned)
    if not cleaned:
        return None
    sign = ""
    if cleaned[0] in "+-":
        sign, cleaned = ("-" if cleaned[0] == "-" else ""), cleaned[1:]
    if _FRENCH_GROUPED.fullmatch(cleaned):
        digits = cleaned.replace(".", "")
    elif _FRENCH_GROUPED_DECIMAL.fullmatch(cleaned):
        digits = cleaned.replace(".", "").replace(",", ".")
    elif _ENGLISH_GROUPED.fullmatch(cleaned):
        raise NumberError(text, _ambiguity(text.strip(), cleaned), ambiguous=True)
    elif _PLAIN.fullmatch(cleaned):
        digits = cleaned.replace(",", ".")
    else:
        raise NumberError(text, f"« {text.strip()} » n’est pas un nombre")
    if sum(c.isdigit() for c in digits) > MAX_DIGITS:
        # no amount has that many digits, and they could not all be computed with
        raise NumberError(text, f"nombre trop long ({MAX_DIGITS} chiffres au plus)")
    try:
        value = Decimal(sign + digits)
    except InvalidOperation:
        raise NumberError(text, f"« {text.strip()} » n’est pas un nombre") from None
    return value


def _ambiguity(shown: str, cleaned: str) -> str:
    """Why `30,000` or `1,234.50` is refused, and the two ways to write what was meant."""
    whole, _dot, decimals = cleaned.partition(".")
    grouped = whole.replace(",", "\u202f")
    if decimals:
        return (f"« {shown} » est ambigu : écrivez « {grouped},{decimals} » (espaces entre les "
                "milliers, virgule avant les décimales)")
    if whole.count(",") == 1:
        first, rest = whole.split(",")
        fraction = rest.rstrip("0")
        other = f"{first},{fraction}" if fraction else first
        return (f"« {shown} » est ambigu : écrivez « {grouped} » ou « {other} » (espaces entre "
                "les milliers, virgule avant les décimales)")
    return f"« {shown} » est ambigu : écrivez « {grouped} » (espaces entre les milliers)"


def parse_number(raw: Any) -> Decimal | None:
    """A number as a buyer writes it (`12 500,50`, `30.000`, `5 %`, `30 €`), or None.

    Strings are read by `read_number` (the form uses the same rules): None when unreadable
    or ambiguous.
    """
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | Decimal):
        return Decimal(raw) if Decimal(raw).is_finite() else None
    if isinstance(raw, float):
        value = Decimal(repr(raw))
        return value if value.is_finite() else None
    if isinstance(raw, str):
        try:
            return read_number(raw)
        except NumberError:
            return None
    return None


def number_problem(number: Decimal) -> str | None:
    """Why a number cannot be a clause value (too large, too many decimals), or None."""
    if not number.is_finite():
        return "un nombre est attendu"
    if abs(number) > VALUE_LIMIT:
        return "nombre trop grand (au plus 1 000 000 000 000 000)"
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_DECIMALS and number != number.quantize(
            Decimal(1).scaleb(-MAX_DECIMALS)):
        return f"{MAX_DECIMALS} décimales au plus"
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
    if isinstance(raw, str):
        try:
            number = read_number(raw)
        except NumberError as exc:
            return None, exc.message if exc.ambiguous else "un nombre est attendu"
    else:
        number = parse_number(raw)
    if number is None:
        return None, "un nombre est attendu"
    problem = number_problem(number)
    if problem is not None:
        return None, problem
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


def dossier_value(dossier: Any, path: str) -> Any:
    """The value at a dotted path of a dossier (`tender.advance_rate`), or None."""
    value = dossier
    for part in path.split("."):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


def field_path_exists(model: type[Any], path: str) -> bool:
    """Whether a dotted path names a field of a pydantic model (through optional parts)."""
    current: Any = model
    for part in path.split("."):
        fields = getattr(current, "model_fields", None)
        if not fields or part not in fields:
            return False
        annotation = fields[part].annotation
        candidates = [a for a in getattr(annotation, "__args__", (annotation,))
                      if a is not type(None)]
        current = candidates[0] if candidates else annotation
    return True


def with_dossier_defaults(
    variables: tuple[Variable, ...], raw: Mapping[str, Any], dossier: Any
) -> dict[str, Any]:
    """The buyer's values, completed from the dossier fields variables are tied to."""
    merged = dict(raw)
    for variable in variables:
        if variable.dossier_field and variable.name not in merged:
            value = dossier_value(dossier, variable.dossier_field)
            if value is not None:
                merged[variable.name] = value
    return merged


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


# --------------------------------------------------------------------------- numbers in texts


#: the largest or smallest number a document may print (far beyond any amount)
_DISPLAY_DIGITS = 30
_DISPLAY_LIMIT = Decimal(10) ** _DISPLAY_DIGITS


def insertion_hours(
    amount: Any, labour_share: Any, insertion_rate: Any, hourly_cost: Any
) -> int:
    """Insertion hours = amount HT × labour share % × insertion rate % ÷ loaded hourly cost."""
    hours = (
        as_decimal(amount)
        * as_decimal(labour_share) / 100
        * as_decimal(insertion_rate) / 100
        / as_decimal(hourly_cost)
    )
    return int(hours.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def as_decimal(value: Any) -> Decimal:
    if value is None:
        raise ValueError("valeur vide : renseignez-la dans le dossier")
    if isinstance(value, bool):
        raise TypeError("un nombre est attendu, pas oui/non")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    else:
        text = str(value).replace(",", ".")
        if len(text) > 100:
            raise ValueError("un nombre est attendu")
        number = Decimal(text)
    if not number.is_finite():
        raise ValueError("un nombre fini est attendu")
    if abs(number) >= _DISPLAY_LIMIT or number.adjusted() < -_DISPLAY_DIGITS:
        raise ValueError("nombre trop grand ou trop petit pour être écrit")
    return number
