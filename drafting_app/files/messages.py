"""Pydantic validation errors as French sentences, with readable field paths."""

from __future__ import annotations

import errno
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

Location = tuple[int | str, ...]

_DATE = "une date au format AAAA-MM-JJ est attendue"
_DATETIME = "une date et une heure sont attendues (AAAA-MM-JJTHH:MM)"
_NUMBER = "un nombre est attendu"
_INTEGER = "un nombre entier est attendu"
_TABLE = "une table est attendue"
_LIST = "une liste est attendue"
_TEXT = "un texte est attendu"

#: error types whose French sentence needs nothing from the error's context
_FIXED: Mapping[str, str] = {
    "missing": "champ obligatoire manquant",
    "extra_forbidden": "clé inconnue : supprimez-la ou corrigez son nom",
    "string_type": _TEXT,
    "string_unicode": "texte illisible (caractère invalide) : retapez-le",
    "string_not_ascii": "seuls les caractères sans accent sont acceptés ici",
    "int_type": _INTEGER,
    "int_parsing": _INTEGER,
    "int_from_float": "un nombre entier est attendu (sans décimales)",
    "int_parsing_size": "nombre entier beaucoup trop grand",
    "float_type": _NUMBER,
    "float_parsing": _NUMBER,
    "finite_number": "un nombre fini est attendu (ni NaN ni infini)",
    "bool_type": "true ou false est attendu",
    "bool_parsing": "true ou false est attendu",
    "decimal_parsing": _NUMBER,
    "decimal_type": _NUMBER,
    "date_type": _DATE,
    "date_from_datetime_inexact": "une date sans heure est attendue (AAAA-MM-JJ)",
    "date_past": "la date doit être passée",
    "date_future": "la date doit être à venir",
    "datetime_type": _DATETIME,
    "datetime_parsing": _DATETIME,
    "datetime_object_invalid": "date et heure invalides",
    "datetime_past": "la date doit être passée",
    "datetime_future": "la date doit être à venir",
    "time_type": "une heure est attendue (HH:MM)",
    "time_parsing": "une heure est attendue (HH:MM)",
    "time_delta_type": "une durée est attendue",
    "time_delta_parsing": "une durée est attendue",
    "timezone_naive": "une heure sans fuseau horaire est attendue",
    "timezone_aware": "une heure avec fuseau horaire est attendue",
    "timezone_offset": "fuseau horaire incorrect",
    "list_type": _LIST,
    "tuple_type": _LIST,
    "set_type": _LIST,
    "frozen_set_type": _LIST,
    "deque_type": _LIST,
    "iterable_type": _LIST,
    "iteration_error": "liste illisible",
    "set_item_not_hashable": "valeur impossible dans un ensemble",
    "dict_type": _TABLE,
    "frozen_dict_type": _TABLE,
    "ordered_dict_type": _TABLE,
    "counter_type": _TABLE,
    "mapping_type": _TABLE,
    "model_type": _TABLE,
    "model_attributes_type": _TABLE,
    "dataclass_type": _TABLE,
    "dataclass_exact_type": _TABLE,
    "named_tuple_type": _LIST,
    "arguments_type": _TABLE,
    "invalid_key": "nom de clé incorrect",
    "none_required": "ce champ doit rester vide",
    "frozen_field": "ce champ ne peut pas être modifié",
    "frozen_instance": "cette valeur ne peut pas être modifiée",
    "no_such_attribute": "clé inconnue",
    "get_attribute_error": "valeur illisible",
    "json_type": "texte JSON attendu",
    "json_invalid": "JSON incorrect",
    "needs_python_object": "valeur impossible dans un fichier",
    "recursion_loop": "valeur qui se contient elle-même",
    "recursion_depth_exceeded": "valeur imbriquée trop profondément",
    "string_too_short": "ce texte ne peut pas être vide",
    "too_short": "la liste ne peut pas être vide",
    "decimal_max_places": "deux décimales au plus",
    "decimal_max_digits": "nombre trop grand",
    "decimal_whole_digits": "nombre trop grand (trop de chiffres avant la virgule)",
    "bytes_type": _TEXT,
    "bytes_too_short": "valeur trop courte",
    "bytes_too_long": "valeur trop longue",
    "bytes_invalid_encoding": "encodage incorrect",
    "callable_type": "valeur impossible dans un fichier",
    "is_instance_of": "valeur d’un type inattendu",
    "is_subclass_of": "valeur d’un type inattendu",
    "default_factory_not_called": "valeur par défaut indisponible",
    "missing_sentinel_error": "champ obligatoire manquant",
    "ellipsis_error": "valeur incorrecte",
    "missing_argument": "champ obligatoire manquant",
    "missing_keyword_only_argument": "champ obligatoire manquant",
    "missing_positional_only_argument": "champ obligatoire manquant",
    "unexpected_keyword_argument": "clé inconnue : supprimez-la ou corrigez son nom",
    "unexpected_positional_argument": "valeur en trop",
    "multiple_argument_values": "valeur donnée deux fois",
    "url_type": "une adresse web est attendue (https://…)",
    "url_parsing": "une adresse web est attendue (https://…)",
    "url_syntax_violation": "une adresse web est attendue (https://…)",
    "url_too_long": "adresse web trop longue",
    "url_scheme": "une adresse web commençant par https:// est attendue",
    "uuid_type": "identifiant incorrect",
    "uuid_parsing": "identifiant incorrect",
    "uuid_version": "identifiant incorrect",
    "fraction_type": _NUMBER,
    "fraction_parsing": _NUMBER,
    "complex_type": _NUMBER,
    "complex_str_parsing": _NUMBER,
    "union_tag_invalid": "type de table inconnu",
    "union_tag_not_found": "type de table manquant",
}


def describe_validation_error(error: ValidationError) -> Iterator[tuple[Location, str]]:
    """Each pydantic error as (location, French message)."""
    for item in error.errors(include_url=False, include_input=False):
        loc = tuple(item["loc"])
        yield loc, french_error(item["type"], item["msg"], item.get("ctx") or {})


def _number(value: Any) -> str:
    """A bound as a person writes it: `1000000000000000`, not `1E+15`."""
    if isinstance(value, Decimal) and value.is_finite():
        return f"{value.normalize():f}"
    return str(value)


def _date_problem(ctx: Mapping[str, Any], expected: str) -> str:
    """A date that parses as a shape but names no real day (31/02) says so."""
    detail = str(ctx.get("error", ""))
    if "outside expected range" in detail or ("invalid" in detail and "day" in detail):
        return "date invalide : ce jour n’existe pas (vérifiez le jour et le mois)"
    if "after 9999" in detail or "too large" in detail or "out of range" in detail:
        return "date invalide : année hors limites"
    return expected


def french_error(kind: str, message: str, ctx: Mapping[str, Any]) -> str:
    """A pydantic error type turned into a French sentence saying what is expected.

    Every error type pydantic can raise has a French sentence; a message raised by one of
    our own validators (`value_error`, already French) is kept.
    """
    if kind in _FIXED:
        return _FIXED[kind]
    expected = ctx.get("expected", "")
    if kind == "enum":
        return f"valeur inconnue ; valeurs possibles : {expected}"
    if kind == "literal_error":
        return f"valeur attendue : {expected}"
    if kind == "string_pattern_mismatch":
        return f"format incorrect (motif attendu : {ctx.get('pattern', '')})"
    if kind == "string_too_long":
        return f"texte trop long ({ctx.get('max_length', '')} caractères au plus)"
    if kind == "too_long":
        return f"liste trop longue ({ctx.get('max_length', '')} éléments au plus)"
    if kind in ("greater_than_equal", "greater_than"):
        bound = _number(ctx.get("ge", ctx.get("gt", "")))
        return (f"la valeur doit être au moins {bound}" if kind == "greater_than_equal"
                else f"la valeur doit être supérieure à {bound}")
    if kind in ("less_than_equal", "less_than"):
        bound = _number(ctx.get("le", ctx.get("lt", "")))
        return (f"la valeur doit être au plus {bound}" if kind == "less_than_equal"
                else f"la valeur doit être inférieure à {bound}")
    if kind == "multiple_of":
        return f"la valeur doit être un multiple de {ctx.get('multiple_of', '')}"
    if kind in ("date_from_datetime_parsing", "date_parsing"):
        return _date_problem(ctx, _DATE)
    if kind == "datetime_from_date_parsing":
        return _date_problem(ctx, _DATETIME)
    if kind in ("value_error", "assertion_error"):
        text = message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
        return text
    return "valeur incorrecte"


def format_loc(loc: tuple[int | str, ...]) -> str:
    """A pydantic location as a readable field path: `lots[2].estimated_amount`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


_OS_ERRORS: Mapping[int, str] = {
    errno.ENOENT: "fichier ou dossier introuvable",
    errno.EACCES: "accès refusé (droits insuffisants)",
    errno.EPERM: "opération non permise (droits insuffisants)",
    errno.EISDIR: "c’est un dossier",
    errno.ENOTDIR: "une partie du chemin n’est pas un dossier",
    errno.ENAMETOOLONG: "nom de fichier trop long",
    errno.ENOSPC: "disque plein",
    errno.EROFS: "support en lecture seule",
    errno.ELOOP: "lien symbolique refusé ou en boucle",
    errno.EEXIST: "existe déjà",
    errno.EIO: "erreur d’entrée-sortie du disque",
    errno.EMFILE: "trop de fichiers ouverts",
    errno.ENFILE: "trop de fichiers ouverts",
    errno.ENXIO: "périphérique absent",
    errno.EBUSY: "fichier ou périphérique occupé",
    errno.EXDEV: "déplacement impossible entre deux disques",
    errno.ENOTEMPTY: "dossier non vide",
    errno.EINVAL: "nom ou opération invalide",
    errno.ETXTBSY: "fichier occupé",
    errno.EFBIG: "fichier trop gros",
    getattr(errno, "EDQUOT", -1): "quota disque dépassé",
}


def french_os_error(exc: OSError) -> str:
    """What a system error means, in French (the system's own text is often in English)."""
    if exc.errno is not None and exc.errno in _OS_ERRORS:
        return _OS_ERRORS[exc.errno]
    return f"erreur système n° {exc.errno}" if exc.errno else "erreur système"
