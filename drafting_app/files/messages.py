"""Pydantic validation errors as French sentences, with readable field paths."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import ValidationError

Location = tuple[int | str, ...]


def describe_validation_error(error: ValidationError) -> Iterator[tuple[Location, str]]:
    """Each pydantic error as (location, French message)."""
    for item in error.errors(include_url=False):
        loc = tuple(item["loc"])
        yield loc, french_error(item["type"], item["msg"], item.get("ctx") or {})


def french_error(kind: str, message: str, ctx: Mapping[str, Any]) -> str:
    """A pydantic error type turned into a French sentence saying what is expected."""
    expected = ctx.get("expected", "")
    table = {
        "missing": "champ obligatoire manquant",
        "extra_forbidden": "clé inconnue : supprimez-la ou corrigez son nom",
        "string_type": "un texte est attendu",
        "int_type": "un nombre entier est attendu",
        "int_parsing": "un nombre entier est attendu",
        "bool_type": "true ou false est attendu",
        "bool_parsing": "true ou false est attendu",
        "decimal_parsing": "un nombre est attendu",
        "decimal_type": "un nombre est attendu",
        "date_type": "une date au format AAAA-MM-JJ est attendue",
        "date_parsing": "une date au format AAAA-MM-JJ est attendue",
        "date_from_datetime_parsing": "une date au format AAAA-MM-JJ est attendue",
        "list_type": "une liste est attendue",
        "tuple_type": "une liste est attendue",
        "dict_type": "une table est attendue",
        "model_type": "une table est attendue",
        "enum": f"valeur inconnue ; valeurs possibles : {expected}",
        "literal_error": f"valeur attendue : {expected}",
        "string_pattern_mismatch": "format incorrect (motif attendu : "
        f"{ctx.get('pattern', '')})",
        "string_too_short": "ce texte ne peut pas être vide",
        "too_short": "la liste ne peut pas être vide",
        "greater_than_equal": f"la valeur doit être au moins {ctx.get('ge', '')}",
        "less_than_equal": f"la valeur doit être au plus {ctx.get('le', '')}",
        "decimal_max_places": "deux décimales au plus",
        "decimal_max_digits": "nombre trop grand",
        "value_error": message.removeprefix("Value error, "),
        "assertion_error": message,
    }
    return table.get(kind, message)


def format_loc(loc: tuple[int | str, ...]) -> str:
    """A pydantic location as a readable field path: `lots[2].estimated_amount`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out
