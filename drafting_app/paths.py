"""Where the shipped clause library and Word layouts are, installed or in a source checkout."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def _shipped(package: str, folder: str) -> Path:
    try:
        location = Path(str(resources.files(package)))
    except ModuleNotFoundError:
        location = None
    if location is not None and location.is_dir():
        return location
    return Path(__file__).resolve().parent.parent / folder


def shipped_library() -> Path:
    """The built-in clause library folder."""
    return _shipped("drafting_app.clause_library", "clause_library")


def shipped_layouts() -> Path:
    """The folder of built-in Word layouts (templates_docx/)."""
    return _shipped("drafting_app.templates_docx", "templates_docx")


def default_layout() -> Path:
    """The default house layout."""
    return shipped_layouts() / "default.docx"
