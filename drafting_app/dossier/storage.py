"""The user's dossier on disk: read with French messages, saved atomically, schema versioned."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from drafting_app.dossier.model import SCHEMA_VERSION, Dossier
from drafting_app.files.atomic import atomic_write_bytes
from drafting_app.files.messages import describe_validation_error, format_loc
from drafting_app.files.reading import MAX_DOSSIER_BYTES, FileRefused, read_limited_text


class DossierError(Exception):
    """A dossier file that cannot be used; `problems` are French lines naming the field.

    `data` holds the file's JSON object, as it is in the file (not migrated), when the file
    could be read but is not a valid dossier (the app then opens it as an incomplete draft);
    None when it could not be read.
    """

    def __init__(self, path: Path, problems: list[str], data: dict[str, Any] | None = None
                 ) -> None:
        super().__init__(f"{path} : " + " ; ".join(problems))
        self.path = path
        self.problems = problems
        self.data = data


#: how deep tables and lists may nest in a dossier (a real one nests 6 levels)
MAX_DEPTH = 32
#: the longest integer a dossier may hold, in digits (the largest amount has 14)
MAX_INTEGER_DIGITS = 40

_JSON_ERRORS = (
    ("Expecting value", "valeur attendue (texte entre guillemets, nombre, true, false, null, "
     "{ … } ou [ … ]) ; une virgule en trop avant } ou ] ?"),
    ("Expecting property name enclosed in double quotes", "nom de clé entre guillemets "
     "droits \" \" attendu ; une virgule en trop avant } ?"),
    ("Expecting ':' delimiter", "« : » attendu après le nom de la clé"),
    ("Expecting ',' delimiter", "« , » attendue entre deux éléments"),
    ("Unterminated string starting at", "texte sans guillemet fermant"),
    ("Invalid control character", "caractère de contrôle (tabulation, retour à la ligne) "
     "dans un texte : écrivez \\t ou \\n"),
    ("Invalid \\uXXXX escape", "code de caractère \\uXXXX incorrect"),
    ("Invalid \\escape", "barre oblique inverse « \\ » isolée dans un texte : doublez-la"),
    ("Extra data", "texte en trop après la fin du dossier"),
    ("Illegal trailing comma", "virgule en trop avant } ou ]"),
)


def _french_json_error(message: str) -> str:
    for english, french in _JSON_ERRORS:
        if message.startswith(english):
            return french
    return "syntaxe incorrecte à cet endroit"


def _line_of(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


class _HugeNumber:
    """An integer too long to be a dossier value, kept as its digit count to be reported."""

    __slots__ = ("digits",)

    def __init__(self, digits: int) -> None:
        self.digits = digits


def _parse_int(text: str) -> int | _HugeNumber:
    digits = len(text.lstrip("-"))
    return _HugeNumber(digits) if digits > MAX_INTEGER_DIGITS else int(text)


def _where(path: tuple[int | str, ...]) -> str:
    return format_loc(path) or "le dossier"


def _check_shape(data: Any) -> list[str]:
    """Values no dossier holds, each at its field: deep nesting, huge integers, bad text."""
    problems: list[str] = []
    pending: list[tuple[tuple[int | str, ...], Any]] = [((), data)]
    while pending and len(problems) < 20:
        location, value = pending.pop()
        if len(location) > MAX_DEPTH:
            problems.append(f"« {_where(location)} » : tables ou listes imbriquées sur plus de "
                            f"{MAX_DEPTH} niveaux : ce n’est pas un dossier Clausier")
            continue
        if isinstance(value, _HugeNumber):
            problems.append(f"« {_where(location)} » : nombre de {value.digits} chiffres, "
                            "beaucoup trop grand : corrigez la valeur")
        elif isinstance(value, str):
            if _SURROGATE.search(value):
                problems.append(f"« {_where(location)} » : texte contenant un caractère invalide "
                                "(un code \\uD800-\\uDFFF isolé) : retapez ce texte")
        elif isinstance(value, dict):
            for key, item in value.items():
                if _SURROGATE.search(key):
                    problems.append(f"« {_where(location)} » : nom de clé contenant un "
                                    "caractère invalide : retapez-le")
                    continue
                pending.append(((*location, key), item))
        elif isinstance(value, list):
            pending.extend(((*location, index), item) for index, item in enumerate(value))
    return sorted(problems)


_SURROGATE = re.compile("[\ud800-\udfff]")


def read_json(text: str, path: Path) -> Any:
    """JSON text parsed for a dossier file; DossierError (French, with the line) otherwise."""
    try:
        data: Any = json.loads(text, parse_int=_parse_int)
    except json.JSONDecodeError as exc:
        raise DossierError(
            path,
            [f"ligne {exc.lineno}, colonne {exc.colno} : JSON incorrect : "
             f"{_french_json_error(exc.msg)} ; corrigez le fichier ou rouvrez la dernière "
             "sauvegarde"],
        ) from None
    except RecursionError:
        raise DossierError(path, [f"tables ou listes imbriquées sur plus de {MAX_DEPTH} "
                                  "niveaux : ce n’est pas un dossier Clausier"]) from None
    except (ValueError, MemoryError) as exc:
        raise DossierError(path, [f"contenu illisible ({type(exc).__name__}) : ce n’est pas un "
                                  "dossier Clausier"]) from None
    problems = _check_shape(data)
    if problems:
        raise DossierError(path, problems)
    return data


def parse_dossier(text: str, path: Path) -> Dossier:
    """Validate a dossier's JSON text; every problem is reported with its field path."""
    return validate_dossier(read_json(text, path), path)


def validate_dossier(data: Any, path: Path) -> Dossier:
    """Validate a dossier file's data as `read_json` returns it (already shape-checked).

    Every problem is reported with its field path. The data must come from `read_json`:
    its shape check refuses nesting deeper than `MAX_DEPTH`, so validation never recurses
    too deep.
    """
    if not isinstance(data, dict):
        raise DossierError(path, ["le fichier doit contenir un objet JSON { … }"])
    version = data.get("schema_version")
    if version is None:
        raise DossierError(path, ["« schema_version » manquant : ce fichier n’est pas un dossier "
                                  "Clausier"], data)
    if isinstance(version, int) and not isinstance(version, bool) and version > SCHEMA_VERSION:
        raise DossierError(
            path,
            [f"ce dossier a été enregistré par une version plus récente de Clausier (schéma "
             f"{version}, cette version lit jusqu’au schéma {SCHEMA_VERSION}) : mettez Clausier "
             "à jour"],
        )
    try:
        return Dossier.model_validate(migrate(data))
    except ValidationError as exc:
        problems = []
        for loc, message in describe_validation_error(exc):
            where = format_loc(loc)
            problems.append(f"« {where} » : {message}" if where else message)
        raise DossierError(path, problems, data) from None  # the data as in the file


def _schema_1_to_2(data: dict[str, Any]) -> dict[str, Any]:
    """Schema 2 adds the optional `award` section: a schema 1 dossier only changes version."""
    return {**data, "schema_version": 2}


#: version -> the step that brings a dossier of that version to the next one
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _schema_1_to_2}


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Bring an older dossier up to the current schema, one version at a time."""
    version = data.get("schema_version")
    while (isinstance(version, int) and not isinstance(version, bool)
           and version in MIGRATIONS and version < SCHEMA_VERSION):
        data = MIGRATIONS[version](data)
        version = data.get("schema_version")
    return data


def read_dossier_text(path: Path) -> str:
    """A dossier file's text: a regular file of at most 16 MB; DossierError otherwise."""
    try:
        return read_limited_text(path, MAX_DOSSIER_BYTES)
    except FileRefused as exc:
        if exc.missing:
            raise DossierError(path, ["fichier introuvable : vérifiez le chemin"]) from None
        if exc.not_utf8:
            raise DossierError(path, ["le fichier n’est pas du texte UTF-8 : est-ce bien un "
                                      "dossier Clausier (.json) ?"]) from None
        raise DossierError(path, [exc.reason]) from None


def read_dossier_data(path: Path) -> Any:
    """A dossier file's JSON data, read and parsed safely (not validated)."""
    return read_json(read_dossier_text(path), path)


def load_dossier(path: Path) -> Dossier:
    """Read and validate a dossier file."""
    return parse_dossier(read_dossier_text(path), path)


def dossier_json(dossier: Dossier) -> str:
    """The JSON text a dossier is saved as (stable key order, readable, UTF-8)."""
    data = dossier.model_dump(mode="json", exclude_defaults=False)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def save_dossier(dossier: Dossier, path: Path) -> None:
    """Save a dossier atomically: a crash mid-save leaves the previous file intact."""
    atomic_write_bytes(path, dossier_json(dossier).encode("utf-8"))
