"""A long scripted session: thousands of edits on every step, the clause browser, the preview
and generation; the application must end alive, responsive and with its work intact.

It reproduces what crashed the app after ~150 edits (PySide6 6.12.0 on Python 3.11,
« Fatal Python error: none_dealloc »): the pin in pyproject.toml prevents it, this session
proves it on the Python that runs the tests. Hostile values (huge numbers, impossible dates,
markup, very long text) are typed among ordinary ones.
"""

from __future__ import annotations

import os
import random
import shutil
import sys
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from drafting_app.ui.main_window import MainWindow
from drafting_app.ui.model_form import ModelForm, TableEditor
from drafting_app.ui.value_inputs import (
    BoolEditor,
    ChoiceEditor,
    DateEditor,
    Editor,
    ListEditor,
    LongTextEditor,
    NumberEditor,
    TextEditor,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
#: the session's length: at least 2 000 edits (issue 11); CLAUSIER_SOAK_EDITS for a longer one
EDITS = max(2_000, int(os.environ.get("CLAUSIER_SOAK_EDITS", "0") or 0))

TEXTS = ("Entretien des espaces verts", "Dupont & Fils <SARL> « l’été » **x** {{ y }}", "",
         "é" * 300, "\u00a0", "Ligne\nsuivante", "x" * 2_000, "{% for a in b %}", "\ue000\ue001")
NUMBERS = ("12 500,50", "0", "-5", "abc", "1e999999", "99999999999999999999", "5 %", "",
           "1" + "0" * 5_000, "NaN", "30")
DATES = ("15/01/2027", "31/02/2027", "1/3/2027", "demain", "", "01/01/0001", "12/12/9999")
QUERIES = ("insertion", "RESERVE", "dechets", "commerce equitable", "zzzz", "l2113", "")


def _value_for(editor: Editor, rng: random.Random) -> bool:
    """Type or pick a value in one editor, as a user would; False when it has no input."""
    if isinstance(editor, ChoiceEditor):
        editor.combo.setCurrentIndex(rng.randrange(editor.combo.count()))
    elif isinstance(editor, BoolEditor):
        editor.box.toggle()
    elif isinstance(editor, LongTextEditor):
        editor.text.setPlainText(rng.choice(TEXTS))
    elif isinstance(editor, NumberEditor):
        editor.line.setText(rng.choice(NUMBERS))
        editor.line.editingFinished.emit()
    elif isinstance(editor, DateEditor):
        editor.line.setText(rng.choice(DATES))
        editor.line.editingFinished.emit()
    elif isinstance(editor, ListEditor | TextEditor):
        editor.line.setText(rng.choice(TEXTS + NUMBERS))
        editor.line.editingFinished.emit()
    else:
        return False
    return True


def _tables(form: ModelForm) -> list[TableEditor]:
    found = []
    for _path, _box, inner in form.blocks:
        if isinstance(inner, TableEditor):
            found.append(inner)
        elif isinstance(inner, ModelForm):
            found.extend(_tables(inner))
    return found


def _editors(form: ModelForm) -> list[Editor]:
    found = [row.editor for row in form.rows]
    for _path, _box, inner in form.blocks:
        if isinstance(inner, ModelForm):
            found.extend(_editors(inner))
    return found


def test_a_long_session_ends_with_the_app_alive(
        qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    said: list[str] = []

    def record(*args: Any, **_kwargs: Any) -> QMessageBox.StandardButton:
        said.append(str(args[2]) if len(args) > 2 else "")
        return QMessageBox.StandardButton.Ok

    for name in ("warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(record))
    example = tmp_path / "marche.json"
    shutil.copy(EXAMPLES / "marche_restauration_collective.json", example)
    assert window.open_path(example)
    editor = window.editor
    assert editor is not None
    rng = random.Random(11)
    edits = 0
    generated: list[Path] = []

    def generate(into: Path) -> None:
        """Reopen the example (the session's edits made it invalid) and generate it."""
        window.dirty = False
        assert window.open_path(example)
        fresh = window.editor
        assert fresh is not None
        fresh.go_to(len(fresh.steps) - 1)
        fresh.wait_analysis()
        panel = fresh.generate_panel
        panel.folder.setText(str(into))
        panel.written = None
        panel.generate()
        qtbot.waitUntil(lambda: panel.written is not None, timeout=120_000)
        assert panel.written is not None
        generated.extend(item.path for item in panel.written.files)

    rounds = widgets = settled = rows = settled_rows = 0
    while edits < EDITS:
        rounds += 1
        for index, step in enumerate(editor.steps):
            editor.go_to(index)
            form = editor.forms[index]
            if form is not None:
                for item in rng.sample(_editors(form), k=min(12, len(_editors(form)))):
                    edits += _value_for(item, rng)
                for table in _tables(form):
                    action = rng.random()
                    if action < 0.3:
                        table.add_row()
                    elif action < 0.5 and table.cells:
                        table.current = rng.randrange(len(table.cells))
                        table.remove_current()
                    edits += 1
                    for row in table.cells[:3]:
                        for cell in row:
                            edits += _value_for(cell, rng)
            if step.special == "clauses" and editor.clause_step is not None:
                browser = editor.clause_step.browser
                browser.search.setText(rng.choice(QUERIES))
                if browser.list.count():
                    browser.list.setCurrentRow(rng.randrange(browser.list.count()))
                for value in list(browser.values.editors.values())[:4]:
                    edits += _value_for(value, rng)
                if browser.clause is not None:
                    if rng.random() < 0.7:
                        browser.add_to_dossier()
                    else:
                        browser.remove_from_dossier()
                    edits += 1
            pieces = editor.preview.pieces
            if pieces.count():
                pieces.setCurrentIndex(rng.randrange(pieces.count()))
            QApplication.processEvents()
        editor.wait_analysis()  # the findings and the preview keep up
        assert editor.analysis is not None
        # between two user actions the application's event loop deletes the widgets a screen
        # replaced (deleteLater); this scripted session has no such loop, so it does it here
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
        widgets = len(QApplication.allWidgets())
        rows = sum(len(table.cells) for form in editor.forms if form is not None
                   for table in _tables(form))
        if rounds == 3:
            settled, settled_rows = widgets, rows
            generate(tmp_path / "pieces-milieu")
            editor = window.editor
            assert editor is not None

        # no widget leak: the rows added to the tables (about 25 widgets each) are the only
        # growth; without the deletions above the count passes 2 × settled within 20 rounds
        assert rounds <= 3 or widgets <= settled + 150 + 40 * max(0, rows - settled_rows), (
            rounds, widgets, settled, rows, settled_rows)

    generate(tmp_path / "pieces-fin")
    # alive: the window answers, the last analysis ran, every file written opens in Word
    assert edits >= EDITS and window.isVisible() and window.editor is not None
    window.editor.wait_analysis()
    assert window.editor.analysis is not None and window.editor.analysis.dossier is not None
    words = [path for path in generated if path.suffix == ".docx"]
    sheets = [path for path in generated if path.suffix == ".xlsx"]
    assert words and all(docx.Document(str(path)).paragraphs for path in words)
    assert all(openpyxl.load_workbook(path).sheetnames for path in sheets)
    assert not [text for text in said if "Erreur inattendue" in text], said
    status = Path("/proc/self/status")
    rss = next((line.split()[1] for line in status.read_text(encoding="ascii").splitlines()
                if line.startswith("VmRSS")), "?") if status.exists() else "?"
    print(f"{edits} modifications en {rounds} tours, {len(generated)} fichiers écrits, "
          f"{widgets} widgets pour {rows} lignes de tableaux (après 3 tours : {settled} pour "
          f"{settled_rows}), {rss} kB résidents, "
          f"Python {sys.version.split()[0]}", file=sys.stderr)
