"""The clause browser: search as you type, filters, the card, values, adding to the dossier."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from drafting_app.ui.clause_browser import CLAUSE_ID_ROLE, ClauseBrowser
from drafting_app.ui.main_window import MainWindow
from tests.ui.ui_helpers import activate, type_text


def listed(browser: ClauseBrowser) -> list[str]:
    """Ids of the clauses listed (section headers left out)."""
    out = []
    for row in range(browser.list.count()):
        clause_id = browser.list.item(row).data(CLAUSE_ID_ROLE)
        if clause_id is not None:
            out.append(str(clause_id))
    return out


def open_tender(window: MainWindow, write: Callable[[dict[str, Any], str], Path],
                tender: dict[str, Any]) -> ClauseBrowser:
    assert window.open_path(write(tender, "marche.json"))
    assert window.editor is not None and window.editor.clause_step is not None
    window.find_clause()
    return window.editor.clause_step.browser


def test_search_as_you_type_ignores_accents_and_case(qtbot: QtBot, window: MainWindow) -> None:
    window.show_library()
    browser = window.library_browser
    assert browser is not None
    everything = listed(browser)
    assert len(everything) == len(window.core.library.clauses)  # type: ignore[union-attr]
    qtbot.keyClicks(browser.search, "EQUITABLE")
    found = listed(browser)
    assert 0 < len(found) < len(everything)
    assert "commerce-equitable-label" in found
    assert browser.clause is not None and browser.clause.id == found[0]
    assert browser.count.text() == f"{len(found)} clause(s)"
    browser.search.setText("zzzz introuvable")
    assert listed(browser) == []
    assert "Aucune clause" in browser.card.toPlainText()


def test_filters_by_category_document_and_status(window: MainWindow) -> None:
    window.show_library()
    browser = window.library_browser
    assert browser is not None
    library = window.core.library  # type: ignore[union-attr]
    browser.category.setCurrentIndex(browser.category.findData("commerce-equitable"))
    assert listed(browser)
    assert {library.clauses[c].meta.category for c in listed(browser)} == {"commerce-equitable"}
    browser.category.setCurrentIndex(0)
    browser.piece.setCurrentIndex(browser.piece.findData("cctp"))
    assert listed(browser)
    for clause_id in listed(browser):
        assert "cctp" in {p.piece.value for p in library.clauses[clause_id].meta.placements}
    browser.piece.setCurrentIndex(0)
    status = browser.status.itemData(1)
    browser.status.setCurrentIndex(1)
    assert {library.clauses[c].meta.status.value for c in listed(browser)} == {status}


def test_card_shows_text_legal_basis_and_note(window: MainWindow) -> None:
    window.show_library()
    browser = window.library_browser
    assert browser is not None
    assert browser.select_clause("lot-reserve-siae")
    assert "Lot réservé aux structures d’insertion" in browser.heading.text()
    card = browser.card.toPlainText()
    assert "Fondement juridique" in card and "CCP art. L2113-13" in card
    assert "Note à l’acheteur" in card and "R2113-7" in card
    assert "Rendu avec" in card


def test_add_a_clause_for_given_lots_with_its_values(
    qtbot: QtBot, window: MainWindow, write_dossier: Callable[[dict[str, Any], str], Path],
    tender: dict[str, Any],
) -> None:
    browser = open_tender(window, write_dossier, tender)
    editor = window.editor
    assert editor is not None
    qtbot.keyClicks(browser.search, "insertion")
    assert "insertion-condition-execution" in listed(browser)
    assert browser.select_clause("insertion-condition-execution")
    values = browser.values.editors
    type_text(qtbot, values["part_main_oeuvre"], "150")
    error = browser.values.errors["part_main_oeuvre"]
    assert not error.isHidden() and "au plus 100" in error.text()
    type_text(qtbot, values["part_main_oeuvre"], "60")
    assert error.isHidden()
    for name, text in (("taux_insertion", "5"), ("cout_horaire", "28,50"),
                       ("facilitateur", "PLIE du Saumurois"), ("penalite_horaire", "40")):
        type_text(qtbot, values[name], text)
    assert [number for number, _box in browser.lot_boxes] == [1, 2]
    browser.some.setChecked(True)
    dict(browser.lot_boxes)[2].setChecked(True)
    qtbot.mouseClick(browser.add_button, Qt.MouseButton.LeftButton)
    entry = editor.draft()["clauses"][0]
    entry.pop("version", None)
    assert entry == {"id": "insertion-condition-execution", "lots": [2], "values": {
        "part_main_oeuvre": "60", "taux_insertion": "5", "cout_horaire": "28.50",
        "facilitateur": "PLIE du Saumurois", "penalite_horaire": "40.00"}}
    assert browser.add_button.isHidden() and not browser.remove_button.isHidden()
    assert "est dans le dossier" in browser.message.text()
    assert browser.state.text().startswith("✓ Dans le dossier")
    assert window.dirty
    # what is typed now applies at once: there is no « Mettre à jour » to remember
    type_text(qtbot, values["penalite_horaire"], "55")
    assert editor.draft()["clauses"][0]["values"]["penalite_horaire"] == "55.00"
    dict(browser.lot_boxes)[1].click()
    assert editor.draft()["clauses"][0]["lots"] == [1, 2]
    type_text(qtbot, values["cout_horaire"], "trente")
    assert editor.draft()["clauses"][0]["values"]["cout_horaire"] == "trente"
    assert "1 valeur(s) à corriger" in browser.state.text()
    editor.wait_analysis()
    assert "VALEUR_CLAUSE" in {code for code, _text in editor.findings.entries()}
    assert "complet" not in editor.findings.summary.text()
    type_text(qtbot, values["cout_horaire"], "28,50")
    # the card renders the clause with these values and the dossier's lot 2
    qtbot.waitUntil(lambda: "Goûters" in browser.card.toPlainText())
    assert "Rendu avec vos valeurs" in browser.card.toPlainText()

    # a second clause for the whole consultation, then the first one removed
    browser.search.setText("")
    assert browser.select_clause("commerce-equitable-label")
    type_text(qtbot, browser.values.editors["produits"], "café\nthé")
    qtbot.mouseClick(browser.add_button, Qt.MouseButton.LeftButton)
    assert [c["id"] for c in editor.draft()["clauses"]] == [
        "insertion-condition-execution", "commerce-equitable-label"]
    assert editor.draft()["clauses"][1]["lots"] == []
    assert editor.draft()["clauses"][1]["values"]["produits"] == ["café", "thé"]
    browser.only_chosen.setChecked(True)
    assert set(listed(browser)) == {"insertion-condition-execution", "commerce-equitable-label"}
    assert browser.select_clause("insertion-condition-execution")
    qtbot.mouseClick(browser.remove_button, Qt.MouseButton.LeftButton)
    assert [c["id"] for c in editor.draft()["clauses"]] == ["commerce-equitable-label"]


def test_ctrl_f_goes_to_the_clause_search(qtbot: QtBot, window: MainWindow,
                                          write_dossier: Callable[[dict[str, Any], str], Path],
                                          tender: dict[str, Any]) -> None:
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.library_browser is not None
    assert QApplication.focusWidget() is window.library_browser.search
    assert window.open_path(write_dossier(tender, "marche.json"))
    editor = window.editor
    assert editor is not None and editor.clause_step is not None
    assert editor.current_step() == 0
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert editor.steps[editor.current_step()].special == "clauses"
    assert QApplication.focusWidget() is editor.clause_step.browser.search
    # the down arrow leaves the search for the list
    qtbot.keyClick(editor.clause_step.browser.search, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is editor.clause_step.browser.list
