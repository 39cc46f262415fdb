"""The start screen: new dossier by kind, the examples, loading the library after showing."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from drafting_app.ui.app import build_window
from drafting_app.ui.main_window import MainWindow
from drafting_app.ui.start_screen import PATH_ROLE, examples_folder, find_examples
from tests.ui.ui_helpers import activate

REPO = Path(__file__).resolve().parents[2]


def test_new_dossier_by_kind(qtbot: QtBot, window: MainWindow) -> None:
    assert window.stack.currentWidget() is window.start
    assert all(button.isEnabled() for button in window.start.new_buttons.values())
    for kind, first, last in (("marche_public", "Acheteur", "Documents"),
                              ("convention_annuelle", "Collectivité", "Documents"),
                              ("cpo", "Collectivité", "Documents")):
        qtbot.mouseClick(window.start.new_buttons[kind], Qt.MouseButton.LeftButton)
        editor = window.editor
        assert editor is not None and editor.draft()["kind"] == kind
        assert (editor.steps[0].title, editor.steps[-1].title) == (first, last)
        assert window.stack.currentWidget() is editor
        assert not window.dirty  # nothing typed yet: nothing to lose
        activate(qtbot, window)
        qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
        assert window.stack.currentWidget() is window.start and window.editor is None


def test_examples_open_as_new_unsaved_dossiers(qtbot: QtBot, window: MainWindow) -> None:
    folder = examples_folder()
    assert folder == REPO / "examples"
    examples = find_examples(folder)
    assert len(examples) == len(list(folder.glob("*.json"))) >= 2
    listed = window.start.examples
    assert listed.count() == len(examples)
    titles = [listed.item(row).text() for row in range(listed.count())]
    assert titles[0].startswith("Marché public — ")  # tenders first, then conventions
    assert "Marché public — Entretien des espaces verts 2027-2029" in titles
    item = listed.item(titles.index("Marché public — Entretien des espaces verts 2027-2029"))
    source = Path(str(item.data(PATH_ROLE)))
    before = source.read_bytes()
    listed.scrollToItem(item)
    qtbot.mouseClick(listed.viewport(), Qt.MouseButton.LeftButton,
                     pos=listed.visualItemRect(item).center())  # one click opens it
    editor = window.editor
    assert editor is not None
    assert window.path is None  # saving asks for a new name: the example stays intact
    assert editor.draft()["tender"]["reference"] == json.loads(before)["tender"]["reference"]
    editor.wait_analysis()
    assert editor.analysis is not None and editor.analysis.dossier is not None
    assert source.read_bytes() == before


def test_the_window_shows_before_the_library_loads(
    qtbot: QtBot, data_dir: Path
) -> None:
    window = build_window(data_dir=data_dir, load_now=False)
    qtbot.addWidget(window, before_close_func=lambda w: w.worker.wait_idle())
    window.show()
    assert window.core is None
    assert not window.start.new_buttons["marche_public"].isEnabled()
    assert "Chargement" in window.start.status.text()
    window.start_loading()
    qtbot.waitUntil(lambda: window.core is not None, timeout=20_000)
    assert window.start.new_buttons["marche_public"].isEnabled()
    assert "clauses" in window.statusBar().currentMessage()


def test_heavy_modules_load_after_the_window() -> None:
    """Importing the window pulls in neither the core nor python-docx, lxml, openpyxl or
    num2words."""
    code = ("import sys; import drafting_app.ui.app; "
            "print(sorted(m for m in ('docx', 'lxml', 'openpyxl', 'num2words', 'pydantic', "
            "'jinja2') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=REPO, check=True, timeout=60)
    assert result.stdout.strip() == "[]"


def test_the_worker_preloads_the_word_writer_and_not_num2words(tmp_path: Path) -> None:
    """What the worker loads behind the window: the core, then python-docx and lxml; neither
    num2words (French numbers in words are written without it) nor openpyxl (the SPASER
    report's only)."""
    code = ("import sys; from pathlib import Path; import drafting_app.ui.main_window as w; "
            "w._start(None, Path(sys.argv[1]), lambda *a: None); "
            "print(sorted(m for m in ('docx', 'lxml', 'openpyxl', 'num2words') "
            "if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True,
                            text=True, cwd=REPO, check=True, timeout=120)
    assert result.stdout.strip() == "['docx', 'lxml']"


def test_recent_dossiers_on_the_start_screen(
    qtbot: QtBot, make_window: Callable[[], MainWindow], tmp_path: Path
) -> None:
    window = make_window()
    assert window.start.recent.isHidden() and not window.start.recent_empty.isHidden()
    dossier = REPO / "examples" / "marche_espaces_verts.json"
    copy = tmp_path / "mon_marche.json"
    copy.write_bytes(dossier.read_bytes())
    assert window.open_path(copy)
    assert window.close_dossier()
    assert not window.start.recent.isHidden()
    assert window.start.recent.item(0).data(PATH_ROLE) == str(copy.resolve())
    again = make_window()  # a new session remembers it
    assert again.start.recent.count() == 1
