"""The « Suivi » screen driven with pytest-qt on a generated register of 48 dossiers."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook
from pytestqt.qtbot import QtBot

from bench.make_register import build_register
from drafting_app.followup.decp import schema_problems
from drafting_app.ui.followup_screen import FollowupScreen
from drafting_app.ui.i18n import ui_translation
from drafting_app.ui.main_window import MainWindow
from tests.conftest import LIBRARY, ROOT

SCHEMA = json.loads((ROOT / "tests" / "data" / "schema_decp_v2.0.3.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("registre")
    build_register(folder, count=48, seed=7, with_errors=True)
    return folder


def test_suivi_screen_computes_charts_and_exports(qtbot: QtBot, register: Path,
                                                  tmp_path: Path) -> None:
    asked: list[str] = []

    def ask(title: str, suggested: Path, pattern: str) -> Path:
        asked.append(title)
        return tmp_path / suggested.name

    screen = FollowupScreen(ui_translation().gettext, LIBRARY, tmp_path / "cache",
                            today=lambda: dt.date(2027, 12, 1), ask_path=ask)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitExposed(screen)
    assert not screen.report_button.isEnabled()
    screen.folder.setText(str(register))
    screen.year.setValue(2027)
    qtbot.mouseClick(screen.refresh_button, Qt_left())
    qtbot.waitUntil(lambda: screen.loaded is not None, timeout=60_000)
    screen.worker.wait_idle()

    # the indicators table shows every indicator, the figures match the core's
    bilan = screen.loaded.bilan  # type: ignore[union-attr]
    assert screen.table.rowCount() == len(bilan.figures) == 18
    labels = [screen.table.item(row, 0).text() for row in range(screen.table.rowCount())]
    assert "Heures d’insertion réalisées" in labels
    row = labels.index("Marchés notifiés")
    assert screen.table.item(row, 1).text() == str(int(bilan.figure("marches_notifies").value))
    # the three charts are drawn
    assert all(not label.pixmap().isNull() for label in screen.chart_labels)
    # the unreadable dossier and the duplicate reference are listed, in French
    problems = [screen.problems.item(i).text() for i in range(screen.problems.count())]
    assert any(p.startswith("casse.json : illisible, non compté") for p in problems)
    assert any("portée par plusieurs dossiers" in p for p in problems)
    assert "1 illisible(s)" in screen.status.text()
    assert screen.renewals.rowCount() == len(bilan.renewals) > 0

    out = Path(os.environ.get("CLAUSIER_SCREENSHOTS", tmp_path))
    screen.resize(1180, 780)
    screen.grab().save(str(out / "suivi_indicateurs.png"))
    screen.tabs.setCurrentIndex(1)
    screen.grab().save(str(out / "suivi_graphiques.png"))
    screen.tabs.setCurrentIndex(0)

    # the three exports
    written = screen.write_report()
    assert written is not None and written.exists()
    text = "\n".join(p.text for p in docx.Document(str(written)).paragraphs)
    assert "Renouvellements à anticiper" in text
    assert len(docx.Document(str(written)).inline_shapes) == 3
    sheet = screen.write_spreadsheet()
    assert sheet is not None
    book = load_workbook(sheet)
    assert book["Indicateurs"].max_row == 19
    decp = screen.write_decp()
    assert decp is not None
    assert schema_problems(json.loads(decp.read_text("utf-8")), SCHEMA) == []
    assert asked == ["Écrire le bilan annuel", "Écrire le tableur",
                     "Exporter les données essentielles"]

    # a second computation reads the index: no file is parsed again
    screen.loaded = None
    qtbot.mouseClick(screen.refresh_button, Qt_left())
    qtbot.waitUntil(lambda: screen.loaded is not None, timeout=60_000)
    screen.worker.wait_idle()
    assert screen.loaded.register.reread == 0  # type: ignore[union-attr]


def test_missing_folder_is_said_in_french(qtbot: QtBot, tmp_path: Path) -> None:
    screen = FollowupScreen(ui_translation().gettext, LIBRARY, None)
    qtbot.addWidget(screen)
    screen.folder.setText(str(tmp_path / "absent"))
    screen.refresh()
    assert "introuvable" in screen.status.text()
    assert screen.loaded is None


def test_main_window_opens_the_suivi_screen(window: MainWindow) -> None:
    assert window.followup_action.text() == "&Suivi des achats responsables (SPASER)…"
    window.followup_action.trigger()
    assert window.followup_screen is not None and window.followup_screen.isVisible()
    window.followup_screen.close()


def Qt_left() -> object:
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_editor_keeps_the_award_section(window: MainWindow, register: Path) -> None:
    from drafting_app.dossier.storage import load_dossier
    from drafting_app.ui.draft import validate_draft
    from tests.ui.test_form import retype

    path = next(p for p in sorted(register.rglob("*.json"))
                if p.parent.name != "en_cours" and "marche" in p.name)
    original = load_dossier(path)
    assert original.award is not None
    assert window.open_path(path)
    editor = window.editor
    assert editor is not None
    for form in editor.forms:
        if form is not None:
            retype(form)
    dossier, problems = validate_draft(editor.draft())
    assert problems == []
    assert dossier == original
