"""The findings panel: checks re-run off the GUI thread as the dossier changes; a click goes to
the field."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

import drafting_app.ui.dossier_editor as editor_module
from drafting_app.ui.dossier_editor import DossierEditor
from drafting_app.ui.main_window import MainWindow
from tests.ui.ui_helpers import activate, choose, type_text

Write = Callable[[dict[str, Any], str], Path]


def opened_editor(window: MainWindow, write: Write, data: dict[str, Any]) -> DossierEditor:
    assert window.open_path(write(data, "dossier.json"))
    editor = window.editor
    assert editor is not None
    editor.wait_analysis()
    return editor


def click_finding(qtbot: QtBot, editor: DossierEditor, code: str) -> None:
    item = editor.findings.item_for(code)
    assert item is not None, editor.findings.entries()
    findings = editor.findings.list
    findings.scrollToItem(item)
    qtbot.mouseClick(findings.viewport(), Qt.MouseButton.LeftButton,
                     pos=findings.visualItemRect(item).center())


def codes(editor: DossierEditor) -> list[str]:
    return [code for code, _text in editor.findings.entries()]


def test_a_finding_appears_and_its_click_focuses_the_field(
    qtbot: QtBot, window: MainWindow, write_dossier: Write, tender: dict[str, Any]
) -> None:
    del tender["tender"]["lots"][1]  # one lot and no reason: the law asks why
    editor = opened_editor(window, write_dossier, tender)
    activate(qtbot, window)
    assert "ALLOTISSEMENT_NON_MOTIVE" in codes(editor)
    item = editor.findings.item_for("ALLOTISSEMENT_NON_MOTIVE")
    assert item is not None and "Réf. : CCP art. L2113-10" in item.text()
    assert editor.current_step() == 0
    click_finding(qtbot, editor, "ALLOTISSEMENT_NON_MOTIVE")
    assert editor.steps[editor.current_step()].title == "Lots"
    reason = editor.editor_at("tender.no_lots_reason")
    assert reason is not None and reason.isVisible()
    assert QApplication.focusWidget() is reason.inner
    type_text(qtbot, reason, "Prestations indissociables : un seul site de production.")
    editor.wait_analysis()
    assert "ALLOTISSEMENT_NON_MOTIVE" not in codes(editor)


def test_a_problem_in_a_lot_focuses_its_cell(
    qtbot: QtBot, window: MainWindow, write_dossier: Write, tender: dict[str, Any]
) -> None:
    tender["tender"]["lots"][1]["estimated_amount"] = "beaucoup"
    editor = opened_editor(window, write_dossier, tender)
    activate(qtbot, window)
    assert "CHAMP" in codes(editor)
    entries = dict((text, code) for code, text in editor.findings.entries())
    assert "Lots, ligne 2 › Montant par période (€ HT) : un nombre est attendu" in entries
    click_finding(qtbot, editor, "CHAMP")
    lots = editor.table_at("tender.lots")
    assert lots is not None
    cell = lots.cells[1][2]
    assert QApplication.focusWidget() is cell.inner
    assert "Ligne 2, Montant par période (€ HT) : un nombre est attendu" in lots.summary.text()
    type_text(qtbot, cell, "20 000,00")
    editor.wait_analysis()
    assert "CHAMP" not in codes(editor)
    assert lots.summary.isHidden()


def test_a_clause_value_finding_opens_the_clause(
    qtbot: QtBot, window: MainWindow, write_dossier: Write, tender: dict[str, Any]
) -> None:
    tender["clauses"] = [{"id": "insertion-condition-execution", "lots": [1],
                          "values": {"part_main_oeuvre": "70", "taux_insertion": "7",
                                     "cout_horaire": "30", "penalite_horaire": "45"}}]
    editor = opened_editor(window, write_dossier, tender)
    activate(qtbot, window)
    item = editor.findings.item_for("VALEUR_CLAUSE")
    assert item is not None and "Facilitateur" in item.text()
    click_finding(qtbot, editor, "VALEUR_CLAUSE")
    assert editor.clause_step is not None
    browser = editor.clause_step.browser
    assert browser.clause is not None and browser.clause.id == "insertion-condition-execution"
    assert QApplication.focusWidget() is browser.values.editors["facilitateur"].inner


def test_checks_rerun_off_the_gui_thread_as_the_dossier_changes(
    qtbot: QtBot, window: MainWindow, write_dossier: Write, tender: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    threads: list[threading.Thread] = []
    real = editor_module.analyse

    def spy(*args: Any) -> Any:
        threads.append(threading.current_thread())
        return real(*args)

    monkeypatch.setattr(editor_module, "analyse", spy)
    editor = opened_editor(window, write_dossier, tender)
    assert "PONDERATION_TOTAL" not in codes(editor)
    editor.go_to(1)
    procedure = editor.editor_at("tender.procedure")
    assert procedure is not None
    choose(procedure, "Appel d’offres ouvert")
    editor.go_to(4)
    criteria = editor.table_at("tender.criteria")
    assert criteria is not None
    type_text(qtbot, criteria.cells[1][2], "30")  # 60 + 30: not 100 %
    with qtbot.waitSignal(editor.analysed, timeout=10_000):
        pass
    assert "PONDERATION_TOTAL" in codes(editor)
    item = editor.findings.item_for("PONDERATION_TOTAL")
    assert item is not None and "90 %" in item.text() and "R2152-11" in item.text()
    assert threads and all(t is not threading.main_thread() for t in threads)
    assert editor.side.tabText(0).startswith("Constats (")
