"""French input: read numbers, amounts and dates as a French user types them; show them back."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from babel.numbers import format_decimal as babel_format_decimal

from drafting_app.wording.values import NumberError, read_number

__all__ = ["NumberError", "format_date", "format_datetime", "format_decimal", "parse_date",
           "parse_datetime", "parse_decimal"]

MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)
_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_WORDS_DATE = re.compile(r"^(\d{1,2})(?:er)?\s+([a-zéû]+)\s+(\d{4})$")
_TIME = re.compile(r"^(\d{1,2})\s*[:h]\s*(\d{2})?$")


def parse_decimal(text: str) -> Decimal | None:
    """`12 500,00 €` → 12500.00, `30.000` → 30000; None for an empty text.

    NumberError (a ValueError) when it is not a number, or could be read two ways (`30,000`):
    the same rules as the command line and the dossier files (`wording.values.read_number`).
    """
    return read_number(text)


def format_decimal(value: Decimal | int, places: int | None = None) -> str:
    """`12 500,00` (places=2), `7` or `5,5` (places=None): thousands split by a narrow space."""
    number = Decimal(value)
    if not number.is_finite() or not -20 <= number.adjusted() <= 20:
        return str(number)  # beyond any amount: shown as typed (the form says what is wrong)
    decimals = "" if not places else "." + "0" * places
    pattern = "#,##0.###" if places is None else "#,##0" + decimals
    return str(babel_format_decimal(number, format=pattern, locale="fr_FR"))


def parse_date(text: str) -> dt.date | None:
    """`23/11/2026`, `23.11.2026`, `2026-11-23` or `23 novembre 2026`; ValueError otherwise."""
    cleaned = " ".join(text.strip().lower().split())
    if not cleaned:
        return None
    if match := _DATE.match(cleaned):
        day, month, year = (int(g) for g in match.groups())
    elif match := _ISO_DATE.match(cleaned):
        year, month, day = (int(g) for g in match.groups())
    elif (match := _WORDS_DATE.match(cleaned)) and match.group(2) in MONTHS:
        day, year = int(match.group(1)), int(match.group(3))
        month = MONTHS.index(match.group(2)) + 1
    else:
        raise ValueError(text)
    return dt.date(year, month, day)


def impossible_date(text: str) -> bool:
    """Whether `text` is written as a date but names a day that does not exist (31/02/2027)."""
    cleaned = " ".join(text.strip().lower().split())
    cleaned = re.split(r"\s+(?:à\s+)?(?=\d{1,2}\s*[:h])", cleaned, maxsplit=1)[0]
    if not (_DATE.match(cleaned) or _ISO_DATE.match(cleaned) or _WORDS_DATE.match(cleaned)):
        return False
    try:
        parse_date(cleaned)
    except ValueError:
        return True
    return False


def format_date(value: dt.date) -> str:
    """`23/11/2026`."""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def parse_datetime(text: str) -> dt.datetime | None:
    """`23/11/2026 12:00` or `23/11/2026 à 12h00` (midnight when no time); ValueError otherwise."""
    cleaned = " ".join(text.strip().split())
    if not cleaned:
        return None
    iso = re.fullmatch(r"(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2})?", cleaned)
    if iso:
        return dt.datetime.fromisoformat(cleaned)
    parts = re.split(r"\s+(?:à\s+)?(?=\d{1,2}\s*[:h])", cleaned, maxsplit=1)
    day = parse_date(parts[0])
    if day is None:
        raise ValueError(text)
    hour = minute = 0
    if len(parts) == 2:
        match = _TIME.match(parts[1].strip())
        if match is None:
            raise ValueError(text)
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
    return dt.datetime(day.year, day.month, day.day, hour, minute)


def format_datetime(value: dt.datetime) -> str:
    """`23/11/2026 12:00`."""
    return f"{format_date(value)} {value.hour:02d}:{value.minute:02d}"
