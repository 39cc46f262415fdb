"""Where the shipped clause library and Word layouts are, installed or in a source checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _shipped(folder: str) -> Path:
    # An installed wheel holds the data inside the package (drafting_app/clause_library);
    # a source checkout, editable install included, keeps it at the top of the repository.
    inside = _PACKAGE / folder
    return inside if inside.is_dir() else _PACKAGE.parent / folder


def shipped_library() -> Path:
    """The built-in clause library folder."""
    return _shipped("clause_library")


def shipped_layouts() -> Path:
    """The folder of built-in Word layouts (templates_docx/)."""
    return _shipped("templates_docx")


def shipped_examples() -> Path | None:
    """The example dossiers, if this installation has them."""
    folder = _shipped("examples")
    return folder if folder.is_dir() else None


def default_layout() -> Path:
    """The default house layout."""
    return shipped_layouts() / "default.docx"
