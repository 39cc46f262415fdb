"""Golden texts: every piece of every example, compared with its reviewed text in tests/reference/.

After a wanted change, write the new texts with `CLAUSIER_WRITE_REFERENCE=1 pytest
tests/documents/test_pieces_golden.py`, read the diff (`git diff tests/reference`), and keep it.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

from drafting_app.documents.generate import render_pieces
from drafting_app.documents.text import blocks_to_text
from drafting_app.dossier.storage import load_dossier
from drafting_app.wording.render import Renderer
from tests.conftest import EXAMPLES, ROOT

REFERENCE = ROOT / "tests" / "reference"
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.json"))
WRITE = os.environ.get("CLAUSIER_WRITE_REFERENCE") == "1"


def readable_diff(expected: str, actual: str, path: Path) -> str:
    """A unified diff between the reviewed text and the rendering, for the failure message."""
    return "".join(difflib.unified_diff(
        expected.splitlines(keepends=True), actual.splitlines(keepends=True),
        fromfile=f"{path.relative_to(ROOT)} (relu)", tofile="rendu actuel",
    ))


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_every_piece_matches_its_reviewed_text(renderer: Renderer, example: Path) -> None:
    folder = REFERENCE / example.stem
    rendered = {f"{item.stem}.txt": blocks_to_text(item.document.blocks)
                for item in render_pieces(renderer, load_dossier(example))}
    if WRITE:
        folder.mkdir(parents=True, exist_ok=True)
        for stale in set(p.name for p in folder.glob("*.txt")) - set(rendered):
            (folder / stale).unlink()
        for name, text in rendered.items():
            (folder / name).write_text(text, encoding="utf-8")
    stored = {p.name for p in folder.glob("*.txt")}
    assert stored == set(rendered), (
        f"pièces relues dans {folder.relative_to(ROOT)} : {sorted(stored)} ; "
        f"pièces produites : {sorted(rendered)}")
    diffs = []
    for name, text in sorted(rendered.items()):
        expected = (folder / name).read_text(encoding="utf-8")
        if expected != text:
            diffs.append(readable_diff(expected, text, folder / name))
    assert not diffs, "le texte des pièces a changé :\n" + "\n".join(diffs)


def test_a_drifted_piece_shows_a_readable_diff(tmp_path: Path) -> None:
    path = ROOT / "tests" / "reference" / "x.txt"
    diff = readable_diff("# Article 1 – Objet\n\nLe marché.\n", "# Article 1 – Objet\n\nLe lot.\n",
                         path)
    assert "-Le marché." in diff and "+Le lot." in diff
    assert "tests/reference/x.txt (relu)" in diff
