"""Small dialogs; each exposes a classmethod returning (value, accepted)."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from drafting_app.ui.i18n import Tr
from drafting_app.ui.user_data import Recovered


class Unsaved(StrEnum):
    """What to do with unsaved changes."""

    SAVE = "save"
    DISCARD = "discard"
    CANCEL = "cancel"


class UnsavedChangesDialog(QMessageBox):
    """Save, discard or keep editing a dossier with unsaved changes."""

    def __init__(self, parent: QWidget | None, title: str, tr: Tr) -> None:
        super().__init__(parent)
        _ = tr
        self.setIcon(QMessageBox.Icon.Warning)
        self.setWindowTitle(_("Modifications non enregistrées"))
        self.setText(_("Le dossier « {title} » a des modifications non enregistrées.").format(
            title=title))
        self.setInformativeText(_("Voulez-vous les enregistrer ?"))
        self.setStandardButtons(QMessageBox.StandardButton.Save
                                | QMessageBox.StandardButton.Discard
                                | QMessageBox.StandardButton.Cancel)
        self.setDefaultButton(QMessageBox.StandardButton.Save)
        self.setEscapeButton(QMessageBox.StandardButton.Cancel)
        discard = self.button(QMessageBox.StandardButton.Discard)
        if discard is not None:
            discard.setText(_("Ne pas enregistrer"))

    @classmethod
    def ask(cls, parent: QWidget | None, title: str, tr: Tr) -> tuple[Unsaved, bool]:
        """The user's choice, and whether they chose to go on (save or discard)."""
        dialog = cls(parent, title, tr)
        answer = dialog.exec()
        choice = {
            QMessageBox.StandardButton.Save: Unsaved.SAVE,
            QMessageBox.StandardButton.Discard: Unsaved.DISCARD,
        }.get(QMessageBox.StandardButton(answer), Unsaved.CANCEL)
        return choice, choice is not Unsaved.CANCEL


class Recovery(StrEnum):
    """What to do with a dossier autosaved before a crash."""

    RECOVER = "recover"
    DISCARD = "discard"
    LATER = "later"


class RecoveryDialog(QMessageBox):
    """Offer to reopen a dossier that was autosaved by a session that crashed."""

    def __init__(self, parent: QWidget | None, recovered: Recovered, tr: Tr) -> None:
        super().__init__(parent)
        _ = tr
        self.setIcon(QMessageBox.Icon.Question)
        self.setWindowTitle(_("Récupérer un dossier"))
        when = recovered.saved_at
        self.setText(_("Clausier ne s’est pas fermé normalement. Le dossier « {title} » a été "
                       "enregistré automatiquement le {day} à {time}.").format(
            title=recovered.title or _("sans titre"), day=when.strftime("%d/%m/%Y"),
            time=when.strftime("%H:%M")))
        self.setInformativeText(_("Voulez-vous le récupérer ?"))
        self.recover_button = QPushButton(_("Récupérer"))
        self.discard_button = QPushButton(_("Supprimer la sauvegarde"))
        self.later_button = QPushButton(_("Plus tard"))
        self.addButton(self.recover_button, QMessageBox.ButtonRole.AcceptRole)
        self.addButton(self.discard_button, QMessageBox.ButtonRole.DestructiveRole)
        self.addButton(self.later_button, QMessageBox.ButtonRole.RejectRole)
        self.setDefaultButton(self.recover_button)
        self.setEscapeButton(self.later_button)

    @classmethod
    def ask(cls, parent: QWidget | None, recovered: Recovered, tr: Tr) -> tuple[Recovery, bool]:
        """The user's choice, and whether it was made now (not « later »)."""
        dialog = cls(parent, recovered, tr)
        dialog.exec()
        clicked = dialog.clickedButton()
        if clicked is dialog.recover_button:
            return Recovery.RECOVER, True
        if clicked is dialog.discard_button:
            return Recovery.DISCARD, True
        return Recovery.LATER, False
