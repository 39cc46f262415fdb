"""TOML and text files read with French messages; pydantic errors located on their lines."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from drafting_app.files.messages import describe_validation_error, format_loc
from drafting_app.files.problems import Problem
from drafting_app.files.reading import MAX_LIBRARY_FILE_BYTES, FileRefused, read_limited_text

M = TypeVar("M", bound=BaseModel)

_TABLE_HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.\-]+)\s*\]\]?\s*$")


def locate(text: str, loc: tuple[int | str, ...]) -> int | None:
    """The 1-based line in a TOML text that holds the key at a pydantic error location."""
    lines = text.splitlines()
    start, end = 0, len(lines)
    remaining = list(loc)
    best: int | None = None
    while remaining:
        key = remaining.pop(0)
        if not isinstance(key, str):
            continue
        index: int | None = None
        if remaining and isinstance(remaining[0], int):
            index = remaining[0]
            remaining.pop(0)
        if index is not None:
            headers = [
                i for i in range(start, end)
                if (m := _TABLE_HEADER.match(lines[i])) and m.group(1).split(".")[-1] == key
            ]
            if index < len(headers):
                start = headers[index]
                best = start + 1
                following = [
                    i for i in range(start + 1, end) if _TABLE_HEADER.match(lines[i])
                ]
                end = following[0] if following else end
                start += 1
                continue
            # an inline array: point at the key itself
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for i in range(start, end):
            if pattern.match(lines[i]):
                best = i + 1
                start = i
                break
        else:
            header = re.compile(rf"^\s*\[\[?\s*{re.escape(key)}\s*\]\]?\s*$")
            for i in range(start, end):
                if header.match(lines[i]):
                    best = i + 1
                    start = i + 1
                    break
    return best


def read_toml_file(path: Path, problems: list[Problem]) -> tuple[dict[str, Any], str] | None:
    """A TOML file's data and text; a missing, unreadable or malformed file becomes a problem.

    Only a regular file of reasonable size is read (no link, pipe or device).
    """
    text = read_text(path, problems)
    if text is None:
        return None
    try:
        return tomllib.loads(text), text
    except RecursionError:
        problems.append(Problem(path, None, "syntaxe TOML incorrecte : tables ou listes "
                                "imbriquées trop profondément"))
        return None
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+), column (\d+)", str(exc))
        line = int(match.group(1)) if match else None
        where = f", colonne {match.group(2)}" if match else ""
        problems.append(Problem(path, line, f"syntaxe TOML incorrecte{where} : "
                                f"{_french_toml_error(str(exc))}"))
        return None
    except ValueError:  # an integer of more than 4 300 digits
        problems.append(Problem(path, None, "syntaxe TOML incorrecte : nombre de plus de "
                                "4 300 chiffres"))
        return None


_TOML_ERRORS = (
    ("Expected newline or end of document after a statement",
     "fin de ligne attendue après la valeur (un nombre s’écrit sans espace : 40000)"),
    ("Unterminated string", "texte sans guillemet fermant"),
    ("Invalid value", "valeur invalide (texte entre guillemets, nombre, date AAAA-MM-JJ, "
     "true ou false)"),
    ("Expected '=' after a key", "« = » attendu après le nom de la clé"),
    ("Expected ']]'", "« ]] » attendu à la fin de l’en-tête [[…]]"),
    ("Expected ']'", "« ] » attendu à la fin de l’en-tête […]"),
    ("Cannot overwrite a value", "une clé est définie deux fois"),
    ("Cannot declare", "une table est déclarée deux fois"),
    ("Cannot mutate immutable namespace", "une table en ligne ou une liste ne peut pas être "
     "complétée plus loin"),
    ("Cannot redefine namespace", "une table est redéfinie"),
    ("Duplicate inline table key", "une clé est définie deux fois dans une table en ligne"),
    ("Invalid statement", "ligne incompréhensible : attendu « clé = valeur » ou un en-tête "
     "[table]"),
    ("Found invalid character", "caractère inattendu"),
    ("Invalid initial character for a key part", "nom de clé incorrect (lettres, chiffres, "
     "- et _, ou entre guillemets)"),
    ("Unclosed array", "liste sans « ] » fermant"),
    ("Unclosed inline table", "table en ligne sans « } » fermant"),
    ("Unescaped '\\' in a string", "barre oblique inverse « \\ » isolée dans un texte : "
     "doublez-la"),
    ("Invalid hex value", "code de caractère \\u ou \\U incorrect"),
    ("Escaped character is not a Unicode scalar value", "code de caractère \\u ou \\U "
     "qui ne désigne pas un caractère"),
    ("Illegal character", "caractère de contrôle interdit dans un texte"),
    ("Invalid date or datetime", "date ou heure invalide (AAAA-MM-JJ)"),
)


def _french_toml_error(message: str) -> str:
    """The TOML parser's message in French."""
    for english, french in _TOML_ERRORS:
        if message.startswith(english):
            return french
    return "corrigez la syntaxe à cet endroit"


def read_text(path: Path, problems: list[Problem]) -> str | None:
    """A UTF-8 text file of the library; a missing, unreadable, special or oversized file, or
    one in a folder that is a symbolic link (a clause folder pointing elsewhere), becomes a
    problem."""
    if path.parent.is_symlink():
        problems.append(Problem(path, None, f"le dossier « {path.parent.name} » est un lien "
                                "symbolique, que Clausier ne suit pas : remplacez-le par une "
                                "copie du dossier lui-même"))
        return None
    try:
        return read_limited_text(path, MAX_LIBRARY_FILE_BYTES)
    except FileRefused as exc:
        problems.append(Problem(path, None, "fichier manquant" if exc.missing else exc.reason))
    return None


def validate_file(
    model: type[M], data: dict[str, Any], text: str, path: Path, problems: list[Problem]
) -> M | None:
    """The file's data as a model; each pydantic error becomes a problem at its TOML line."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for loc, message in describe_validation_error(exc):
            field_path = format_loc(loc)
            prefix = f"« {field_path} » : " if field_path else ""
            problems.append(Problem(path, locate(text, loc), prefix + message))
        return None
