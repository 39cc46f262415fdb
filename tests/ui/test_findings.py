"""The findings panel: checks re-run off the GUI thread as the dossier changes; a click goes to
the field."""

from __future__ import annotations

import copy
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


def test_an_offer_deadline_before_the_launch_shows_and_leads_to_its_field(
    qtbot: QtBot, window: MainWindow, write_dossier: Write, tender: dict[str, Any]
) -> None:
    tender["tender"]["environmental_condition"] = "Le CCTP impose le tri des biodéchets."
    editor = opened_editor(window, write_dossier, tender)
    assert "OFFRES_AVANT_LANCEMENT" not in codes(editor)
    editor.go_to(1)
    deadline = editor.editor_at("tender.offers_deadline")
    assert deadline is not None
    type_text(qtbot, deadline, "10/01/2027 12:00")  # launch: 15/01/2027
    editor.wait_analysis()
    assert "OFFRES_AVANT_LANCEMENT" in codes(editor)
    item = editor.findings.item_for("OFFRES_AVANT_LANCEMENT")
    assert item is not None
    assert "10 janvier 2027" in item.text() and "15 janvier 2027" in item.text()
    assert "complet" not in editor.findings.summary.text()
    assert "1 point(s) bloquant(s)" in editor.findings.summary.text()
    editor.go_to(4)
    activate(qtbot, window)
    click_finding(qtbot, editor, "OFFRES_AVANT_LANCEMENT")
    assert editor.current_step() == 1
    assert QApplication.focusWidget() is deadline.inner
    type_text(qtbot, deadline, "15/02/2027 12:00")
    editor.wait_analysis()
    assert "OFFRES_AVANT_LANCEMENT" not in codes(editor)


def test_a_schedule_that_does_not_add_up_is_blocking_in_the_form(
    qtbot: QtBot, window: MainWindow, write_dossier: Write
) -> None:
    from tests.checks_support import SUBSIDY

    data = copy.deepcopy(SUBSIDY)
    data["subsidy"]["annual_amount"] = "30000.00"
    data["subsidy"]["payments"] = [
        {"label": "Avance", "amount": "21000.00", "due": "à la signature"},
        {"label": "Solde", "amount": "9000.00", "due": "au bilan"}]
    editor = opened_editor(window, write_dossier, data)
    assert "ECHEANCIER_SOMME" not in codes(editor)
    editor.go_to(3)
    payments = editor.table_at("subsidy.payments")
    assert payments is not None
    type_text(qtbot, payments.cells[1][1], "10 000")
    editor.wait_analysis()
    item = editor.findings.item_for("ECHEANCIER_SOMME")
    assert item is not None and "31\u202f000,00\u00a0€" in item.text()
    assert "Réf. : loi n° 2000-321 du 12 avril 2000 art. 10" in item.text()
    assert "complet" not in editor.findings.summary.text()
    assert "point(s) bloquant(s)" in editor.generate_panel.state.text()
    editor.go_to(0)
    activate(qtbot, window)
    click_finding(qtbot, editor, "ECHEANCIER_SOMME")
    assert editor.current_step() == 3
    assert QApplication.focusWidget() is payments.cells[0][0].inner


def test_a_clause_value_finding_names_the_value_and_focuses_it(
    qtbot: QtBot, window: MainWindow, write_dossier: Write, tender: dict[str, Any]
) -> None:
    tender["clauses"] = [{"id": "insertion-condition-execution", "lots": [1],
                          "values": {"part_main_oeuvre": "70", "taux_insertion": "7",
                                     "cout_horaire": "30", "facilitateur": "PLIE",
                                     "penalite_horaire": "quarante"}}]
    editor = opened_editor(window, write_dossier, tender)
    activate(qtbot, window)
    item = editor.findings.item_for("VALEUR_CLAUSE")
    assert item is not None
    assert "penalite" not in item.text()  # the label, never the internal name
    assert "Pénalité" in item.text()
    assert ".." not in item.text()
    click_finding(qtbot, editor, "VALEUR_CLAUSE")
    assert editor.clause_step is not None
    browser = editor.clause_step.browser
    penalty = browser.values.editors["penalite_horaire"]
    assert QApplication.focusWidget() is penalty.inner
    # the values panel scrolled to the field, which is on screen
    viewport = browser.details.viewport()
    top_left = penalty.mapTo(viewport, penalty.rect().topLeft())
    assert 0 <= top_left.y() < viewport.height()
    type_text(qtbot, penalty, "40")  # applied as typed: no button
    editor.wait_analysis()
    assert "VALEUR_CLAUSE" not in codes(editor)
    assert editor.draft()["clauses"][0]["values"]["penalite_horaire"] == "40.00"


def test_the_siae_finding_opens_the_clause_step_on_a_reserving_clause(
    qtbot: QtBot, window: MainWindow, write_dossier: Write, tender: dict[str, Any]
) -> None:
    tender["tender"]["lots"][1]["reservation"] = "siae"
    editor = opened_editor(window, write_dossier, tender)
    activate(qtbot, window)
    item = editor.findings.item_for("RESERVATION_SANS_CLAUSE")
    assert item is not None and "lot n° 2" in item.text()
    click_finding(qtbot, editor, "RESERVATION_SANS_CLAUSE")
    assert editor.steps[editor.current_step()].special == "clauses"
    assert editor.clause_step is not None
    browser = editor.clause_step.browser
    assert browser.clause is not None and browser.clause.id == "lot-reserve-siae"
    assert browser.chosen_lots() == [2]  # aimed at the lot the finding is about
    assert QApplication.focusWidget() is browser.add_button
    qtbot.mouseClick(browser.add_button, Qt.MouseButton.LeftButton)
    editor.wait_analysis()
    assert "RESERVATION_SANS_CLAUSE" not in codes(editor)
    assert editor.draft()["clauses"][0]["lots"] == [2]


def test_every_finding_leads_somewhere_in_the_form(
    qtbot: QtBot, window: MainWindow
) -> None:
    """Each finding of a set of wrong dossiers puts the cursor in a visible widget."""
    from drafting_app.ui.draft import dossier_draft, parse_path
    from tests.checks.test_checks import many_dossiers

    seen = set()
    for dossier in many_dossiers():
        window.dirty = False
        window.show_editor(dossier_draft(dossier), None)
        editor = window.editor
        assert editor is not None
        editor.wait_analysis()
        assert editor.analysis is not None
        for code, text in editor.findings.entries():
            assert ".." not in text.replace("…", ""), (code, text)  # no « .. »
        for finding in editor.analysis.findings:
            widget = editor.focus_finding(finding.code, parse_path(finding.field))
            assert widget is not None, finding
            assert widget.isVisible(), finding
            seen.add(finding.code)
    assert len(seen) >= 25


@pytest.mark.parametrize("width", [260, 380, 520])
def test_no_finding_is_cut_off_before_its_reference(qtbot: QtBot, width: int) -> None:
    """Each item's text, wrapped in the rectangle the style paints it in, fits whole."""
    from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

    from drafting_app.checks import Finding, Severity
    from drafting_app.ui.analysis import Analysis
    from drafting_app.ui.findings import FindingsPanel, item_text_width, wrapped_height

    long = ("La convention n’a aucun objectif : elle doit prévoir l’évaluation du projet "
            "subventionné, qui se fait au regard de ses objectifs ; ajoutez-en au moins un, "
            "avec ses indicateurs.")
    findings = tuple(Finding(f"C{i}", severity, long[: 60 + 40 * i], "loi n° 2000-321 du 12 "
                             "avril 2000 art. 10", "subsidy.objectives")
                     for i, severity in enumerate([Severity.ERROR] * 3 + [Severity.INFO] * 9))
    panel = FindingsPanel(lambda s: s, lambda _p: "champ")
    qtbot.addWidget(panel)
    panel.resize(width, 500)
    panel.show()
    # a few findings first (no scroll bar), then many: the list narrows as its bar appears
    panel.show_analysis(Analysis(None, (), findings[:2], True, "", "", False))
    qtbot.wait(20)
    panel.show_analysis(Analysis(None, (), findings, True, "", "", False))
    qtbot.wait(50)
    view = panel.list
    for row in range(view.count()):
        item = view.item(row)
        option = QStyleOptionViewItem()
        option.initFrom(view)
        option.rect = view.visualItemRect(item)
        delegate = view.itemDelegateForIndex(view.indexFromItem(item))
        delegate.initStyleOption(option, view.indexFromItem(item))
        text_rect = view.style().subElementRect(QStyle.SubElement.SE_ItemViewItemText, option,
                                                view)
        needed = wrapped_height(item.text(), option.font, item_text_width(view, option))
        assert needed <= text_rect.height(), (row, item.text())
