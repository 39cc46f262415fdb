"""Helpers of the UI tests: a sample dossier, typing, choosing, answering dialogs."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QComboBox, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from drafting_app.ui.value_inputs import ChoiceEditor, Editor, LongTextEditor

TENDER: dict[str, Any] = {
    "schema_version": 1,
    "kind": "marche_public",
    "title": "Restauration scolaire 2027",
    "buyer": {
        "name": "Commune de Val-d’Essai",
        "kind": "commune",
        "address": {"street": "2 rue de la Mairie", "postcode": "49000", "city": "Angers"},
        "siret": "21490007300013",
        "signatory": {"name": "M. Paul Durand", "title": "Maire"},
    },
    "tender": {
        "object": "Fourniture et livraison de repas pour les écoles",
        "reference": "2027-RS-001",
        "contract_kind": "services",
        "procedure": "procedure_adaptee",
        "launch_date": "2027-01-15",
        "duration_months": 12,
        "ccag": "CCAG-FCS",
        "lots": [
            {"number": 1, "title": "Repas des écoles", "estimated_amount": "150000.00"},
            {"number": 2, "title": "Goûters", "estimated_amount": "20000.00"},
        ],
        "criteria": [
            {"name": "Prix", "kind": "prix", "weight": "60"},
            {"name": "Performance environnementale", "kind": "environnemental", "weight": "40"},
        ],
    },
    "subsidy": None,
    "clauses": [],
}



def answer_next_dialog(button: str, seen: list[str] | None = None) -> None:
    """Click `button` (its text) in the next modal dialog; its message goes to `seen`."""
    tries = [0]

    def attempt() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            tries[0] += 1
            if tries[0] < 500:
                QTimer.singleShot(10, attempt)
            return
        if seen is not None and isinstance(dialog, QMessageBox):
            seen.append(dialog.text())
        for candidate in dialog.findChildren(QAbstractButton):
            if candidate.text().replace("&", "") == button:
                candidate.click()
                return
        if seen is not None:
            seen.append("pas de bouton " + button)
        dialog.close()

    QTimer.singleShot(0, attempt)


def type_text(qtbot: QtBot, editor: Editor, text: str) -> None:
    """Type into a text editor as a user would; accents go through setText (keyClicks aborts)."""
    target: QWidget = editor.inner
    target.setFocus()
    if isinstance(editor, LongTextEditor):
        editor.text.clear()
        if text.isascii():
            qtbot.keyClicks(editor.text, text)
        else:
            editor.text.setPlainText(text)
        return
    line = getattr(editor, "line", None)
    assert line is not None, f"pas un champ texte : {editor!r}"
    line.clear()
    if text.isascii():
        qtbot.keyClicks(line, text)
    else:
        line.setText(text)
    line.editingFinished.emit()


def choose(editor: Editor, label: str) -> None:
    """Pick an entry of a choice editor by its visible label."""
    assert isinstance(editor, ChoiceEditor)
    combo: QComboBox = editor.combo
    index = combo.findText(label)
    assert index >= 0, f"« {label} » absent de {[combo.itemText(i) for i in range(combo.count())]}"
    combo.setCurrentIndex(index)


def activate(qtbot: QtBot, window: QWidget) -> None:
    """Make the window active so that focus can be asserted."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
