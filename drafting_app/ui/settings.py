"""The user's settings, in their data folder: clause folders and the reviewer's name.

Read on the worker with the library (pydantic is not imported before the window shows).
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from drafting_app.files.atomic import atomic_write_bytes
from drafting_app.files.messages import describe_validation_error, format_loc

SETTINGS_FILE = "parametres.json"


class Settings(BaseModel):
    """What the user sets once: the shared and personal clause folders, their name."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    organisation_dir: Path | None = Field(
        default=None, description="bibliothèque partagée de l’organisation (dossier)")
    user_dir: Path | None = Field(default=None, description="mes clauses (dossier)")
    reviewer: str = Field(default="", max_length=200,
                          description="nom inscrit dans l’historique des relectures")


def load_settings(data_dir: Path) -> tuple[Settings, str | None]:
    """The saved settings, or the defaults and a French sentence saying what was wrong."""
    path = data_dir / SETTINGS_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings(), None
    except (OSError, UnicodeDecodeError) as exc:
        return Settings(), f"{path} : lecture impossible ({exc}) ; paramètres par défaut"
    try:
        return Settings.model_validate(json.loads(text)), None
    except ValueError as exc:
        if isinstance(exc, ValidationError):
            where, message = next(describe_validation_error(exc))
            why = f"{format_loc(where)} : {message}" if where else message
        else:
            why = "JSON incorrect"
        return Settings(), f"{path} : {why} ; paramètres par défaut"


def save_settings(data_dir: Path, settings: Settings) -> None:
    """Write the settings atomically (OSError when the folder cannot be written)."""
    data = settings.model_dump(mode="json")
    atomic_write_bytes(data_dir / SETTINGS_FILE,
                       (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
