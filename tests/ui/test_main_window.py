"""The main window, driven as a user would: search a clause, read its card."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from drafting_app.ui.app import build_window


def test_search_filters_clauses_accent_insensitively(qtbot: QtBot) -> None:
    window = build_window()
    qtbot.addWidget(window)
    window.show()
    total = window.clause_list.count()
    assert total >= 4
    window.search.setText("reserve")  # no accent: must find « réservé »
    titles = [window.clause_list.item(i).text() for i in range(window.clause_list.count())]
    assert 0 < len(titles) < total
    assert any("réservé" in title for title in titles)
    assert "Lot réservé" in window.details.toPlainText()
    assert "L2113-13" in window.details.toPlainText()


def test_card_shows_legal_basis_note_and_sample(qtbot: QtBot) -> None:
    window = build_window()
    qtbot.addWidget(window)
    window.search.setText("insertion heures")
    window.clause_list.setCurrentRow(0)
    text = window.details.toPlainText()
    assert "Action d’insertion professionnelle" in text
    assert "CCP art. L2112-2" in text
    assert "facilitateur" in text
    assert "206 heures" in text  # 126 000 € × 70 % × 7 % ÷ 30 €
    assert "Article 1 – Action d’insertion professionnelle" in text  # rendered, not markup
    assert "1.1 Volume d’heures d’insertion" in text
    assert "#" not in text


def test_ctrl_f_focuses_search(qtbot: QtBot) -> None:
    window = build_window()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.clause_list.setFocus()
    assert not window.search.hasFocus()
    qtbot.keyClick(window.clause_list, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.search.hasFocus()


def test_no_match_says_so(qtbot: QtBot) -> None:
    window = build_window()
    qtbot.addWidget(window)
    window.search.setText("zzzz introuvable")
    assert window.clause_list.count() == 0
    assert "Aucune clause" in window.details.toPlainText()
