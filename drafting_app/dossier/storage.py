"""The user's dossier on disk: read with French messages, saved atomically, schema versioned."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from drafting_app.dossier.model import SCHEMA_VERSION, Dossier
from drafting_app.files.atomic import atomic_write_bytes
from drafting_app.files.messages import describe_validation_error, format_loc


class DossierError(Exception):
    """A dossier file that cannot be used; `problems` are French lines naming the field."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        super().__init__(f"{path} : " + " ; ".join(problems))
        self.path = path
        self.problems = problems


def _line_of(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def parse_dossier(text: str, path: Path) -> Dossier:
    """Validate a dossier's JSON text; every problem is reported with its field path."""
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DossierError(
            path,
            [f"ligne {exc.lineno}, colonne {exc.colno} : JSON incorrect ({exc.msg}) ; "
             "corrigez le fichier ou rouvrez la dernière sauvegarde"],
        ) from None
    if not isinstance(data, dict):
        raise DossierError(path, ["le fichier doit contenir un objet JSON { … }"])
    version = data.get("schema_version")
    if version is None:
        raise DossierError(path, ["« schema_version » manquant : ce fichier n’est pas un dossier "
                                  "Clausier"])
    if isinstance(version, int) and not isinstance(version, bool) and version > SCHEMA_VERSION:
        raise DossierError(
            path,
            [f"ce dossier a été enregistré par une version plus récente de Clausier (schéma "
             f"{version}, cette version lit jusqu’au schéma {SCHEMA_VERSION}) : mettez Clausier "
             "à jour"],
        )
    data = migrate(data)
    try:
        return Dossier.model_validate(data)
    except ValidationError as exc:
        problems = []
        for loc, message in describe_validation_error(exc):
            where = format_loc(loc)
            problems.append(f"« {where} » : {message}" if where else message)
        raise DossierError(path, problems) from None


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


def load_dossier(path: Path) -> Dossier:
    """Read and validate a dossier file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DossierError(path, ["fichier introuvable : vérifiez le chemin"]) from None
    except UnicodeDecodeError:
        raise DossierError(path, ["le fichier n’est pas du texte UTF-8 : est-ce bien un dossier "
                                  "Clausier (.json) ?"]) from None
    except OSError as exc:
        raise DossierError(path, [f"lecture impossible : {exc.strerror}"]) from None
    return parse_dossier(text, path)


def dossier_json(dossier: Dossier) -> str:
    """The JSON text a dossier is saved as (stable key order, readable, UTF-8)."""
    data = dossier.model_dump(mode="json", exclude_defaults=False)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def save_dossier(dossier: Dossier, path: Path) -> None:
    """Save a dossier atomically: a crash mid-save leaves the previous file intact."""
    atomic_write_bytes(path, dossier_json(dossier).encode("utf-8"))
