"""The preview: the piece being drafted, refreshed as you type, even before it is complete."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from drafting_app.ui.main_window import MainWindow
from tests.ui.ui_helpers import choose, type_text

Write = Callable[[dict[str, Any], str], Path]


def test_preview_follows_the_typing(
    qtbot: QtBot, window: MainWindow, write_dossier: Write, tender: dict[str, Any]
) -> None:
    assert window.open_path(write_dossier(tender, "marche.json"))
    editor = window.editor
    assert editor is not None
    preview = editor.preview
    pieces = [preview.pieces.itemData(i) for i in range(preview.pieces.count())]
    assert "ccap" in pieces
    preview.pieces.setCurrentIndex(pieces.index("ccap"))
    editor.wait_analysis()
    text = preview.browser.toPlainText()
    assert "Cahier des clauses administratives particulières" in text
    assert "Fourniture et livraison de repas pour les écoles" in text
    assert "Aperçu à jour" in preview.status.text()
    editor.go_to(1)
    type_text(qtbot, editor.editor_at("tender.object"),  # type: ignore[arg-type]
              "Repas bio & locaux <cantines> pour les écoles")
    assert "Repas bio" not in preview.browser.toPlainText()  # typing does not wait for it
    with qtbot.waitSignal(editor.analysed, timeout=10_000):
        pass
    assert "Repas bio & locaux <cantines> pour les écoles" in preview.browser.toPlainText()


def test_an_incomplete_dossier_is_previewed_with_placeholders(
    qtbot: QtBot, window: MainWindow
) -> None:
    qtbot.mouseClick(window.start.new_buttons["convention_annuelle"], Qt.MouseButton.LeftButton)
    editor = window.editor
    assert editor is not None
    editor.wait_analysis()
    text = editor.preview.browser.toPlainText()
    assert "L’aperçu apparaîtra dès que ces champs seront renseignés" in text
    assert "Type de collectivité" in text and "SIRET" in text  # a convention: no buyer
    choose(editor.editor_at("buyer.kind"), "Département")  # type: ignore[arg-type]
    for dotted, value in (("buyer.siret", "22490001700019"),
                          ("subsidy.association.siret", "82345678900010"),
                          ("subsidy.association.rna", "W491012345"),
                          ("buyer.address.postcode", "49100"),
                          ("subsidy.association.address.postcode", "49000"),
                          ("subsidy.annual_amount", "35000")):
        type_text(qtbot, editor.editor_at(dotted), value)  # type: ignore[arg-type]
    editor.wait_analysis()
    text = editor.preview.browser.toPlainText()
    assert "[Nom de l’association]" in text
    assert "35 000" in text
    assert "champs à compléter apparaissent entre crochets" in editor.preview.status.text()
    assert editor.analysis is not None and editor.analysis.dossier is None
