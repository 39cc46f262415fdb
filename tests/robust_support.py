"""Helpers of the robustness tests: a library with one hostile clause, a dossier choosing it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from drafting_app.dossier.model import Dossier
from drafting_app.wording.library import Library, load_library
from drafting_app.wording.render import Formats, Renderer, make_environment

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = ROOT / "clause_library"
EXAMPLES = ROOT / "examples"
#: the shipped clause whose wording the tests replace (in a copy of the library)
HOSTILE = "lot-reserve-siae"


def library_copy(tmp_path: Path) -> Path:
    """A copy of the shipped library that a test may change."""
    root = tmp_path / "bibliotheque"
    if not root.exists():
        shutil.copytree(LIBRARY, root, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def with_clause_text(root: Path, text: str, variables: str = "", sample: str = "") -> Path:
    """The library at `root` with the hostile clause's wording, variables and sample replaced."""
    folder = root / "clauses" / HOSTILE
    (folder / "text.fr.md").write_text(text, encoding="utf-8")
    meta = (LIBRARY / "clauses" / HOSTILE / "clause.toml").read_text(encoding="utf-8")
    (folder / "clause.toml").write_text(meta + "\n" + variables, encoding="utf-8")
    (folder / "sample.toml").write_text("[values]\n" + sample, encoding="utf-8")
    (folder / "expected.fr.txt").write_text("(rendu à relire)\n", encoding="utf-8")
    return folder


def renderer_for(root: Path, time_budget: float | None = None) -> Renderer:
    """A renderer over the library at `root`, which must load without a problem."""
    env = make_environment(Formats())
    if time_budget is not None:
        env.time_budget = time_budget  # type: ignore[attr-defined]
    library, problems = load_library(root, env)
    assert not problems, "\n".join(str(p) for p in problems)
    return Renderer(library, env)


def example_data(name: str = "marche_espaces_verts.json") -> dict[str, Any]:
    """An example dossier's JSON data (a fresh copy)."""
    data: dict[str, Any] = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    return data


def choosing(values: dict[str, Any] | None = None, clause_id: str = HOSTILE,
             data: dict[str, Any] | None = None) -> Dossier:
    """The tender example with a clause chosen (and its values)."""
    data = data or example_data()
    data["clauses"] = [c for c in data["clauses"] if c["id"] != clause_id]
    data["clauses"].append({"id": clause_id, "values": values or {}})
    return Dossier.model_validate(data)


def loaded(root: Path) -> Library:
    """The library at `root`, loaded."""
    return renderer_for(root).library
