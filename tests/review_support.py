"""Helpers of the legal-review tests: copies of real clause folders and libraries in tmp_path."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn

from drafting_app.files.problems import Problem
from drafting_app.review.clause_files import ClauseFiles, read_clause_files
from drafting_app.review.pack import DECISION_HEADERS
from drafting_app.wording.library import Clause, Library, load_library
from drafting_app.wording.render import Formats, make_environment

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = ROOT / "clause_library"
EXAMPLES = ROOT / "examples"
#: a clause of the shipped library that the tests copy (never modify the original)
CLAUSE_ID = "lot-reserve-siae"
NOW = dt.datetime(2026, 11, 23, 10, 30)
LATER = dt.datetime(2026, 11, 30, 9, 15)
SOFFICE_TIMEOUT = 180


def copy_library(tmp_path: Path) -> Path:
    """A copy of the shipped library (clauses, skeletons, legal data, samples)."""
    target = tmp_path / "bibliotheque"
    shutil.copytree(LIBRARY, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def copy_clause(tmp_path: Path, clause_id: str = CLAUSE_ID) -> Path:
    """A copy of one shipped clause folder, inside a `clauses/` folder."""
    target = tmp_path / "clauses" / clause_id
    shutil.copytree(LIBRARY / "clauses" / clause_id, target)
    return target


def opened(folder: Path) -> ClauseFiles:
    """The clause as an editor opens it now."""
    return read_clause_files(folder)


def load(root: Path) -> tuple[Library, list[Problem]]:
    """Load a library folder as the app does."""
    return load_library(root, make_environment(Formats()))


def only_clause(folder: Path) -> tuple[Clause | None, list[Problem]]:
    """Load one clause folder with the library's own loader."""
    from drafting_app.wording.library import load_clause

    problems: list[Problem] = []
    return load_clause(folder, make_environment(Formats()), problems), problems


def soffice() -> str:
    """The LibreOffice binary, or skip (fail when CLAUSIER_REQUIRE_LIBREOFFICE=1)."""
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    if binary is None:
        if os.environ.get("CLAUSIER_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail("LibreOffice (soffice) est requis mais introuvable")
        pytest.skip("LibreOffice (soffice) absent")
    return binary


def convert(source: Path, target_format: str, outdir: Path) -> Path:
    """Convert a document with LibreOffice headless; the converted file's path."""
    binary = soffice()
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-"))
    try:
        result = subprocess.run(
            [binary, "--headless", f"-env:UserInstallation=file://{profile}",
             "--convert-to", target_format, "--outdir", str(outdir), str(source)],
            capture_output=True, text=True, timeout=SOFFICE_TIMEOUT, check=False)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    extension = target_format.split(":")[0]
    converted = outdir / f"{source.stem}.{extension}"
    assert result.returncode == 0 and converted.exists(), result.stdout + result.stderr
    return converted


def decision_tables(word: Any) -> list[Any]:
    """The decision table of each clause, in order."""
    return [t for t in word.tables
            if tuple(c.text for c in t.rows[0].cells) == DECISION_HEADERS]


def body_text(path: Path) -> str:
    """Every piece of text of a .docx body, nested tables included, one paragraph a line."""
    word = docx.Document(str(path))
    return "\n".join("".join(t.text or "" for t in p.iter(qn("w:t")))
                     for p in word.element.body.iter(qn("w:p")))


def zip_names(path: Path, prefix: str) -> list[str]:
    """The parts of a .docx whose name starts with `prefix` (`word/header`…)."""
    with zipfile.ZipFile(path) as archive:
        return sorted(n for n in archive.namelist() if n.startswith(prefix))


def part_xml(path: Path, name: str) -> str:
    """One XML part of a .docx, as text."""
    with zipfile.ZipFile(path) as archive:
        return archive.read(name).decode("utf-8")


def part_text(path: Path, name: str) -> str:
    """The text of one XML part of a .docx (its w:t elements)."""
    return "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", part_xml(path, name)))
