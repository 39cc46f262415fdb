"""Small dialogs; each exposes a classmethod returning (value, accepted)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from drafting_app.ui.i18n import Tr
from drafting_app.ui.user_data import Recovered

if TYPE_CHECKING:
    from drafting_app.ui.settings import Settings


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


class SettingsDialog(QDialog):
    """« Paramètres »: the organisation's shared clause folder, my clauses, my name."""

    def __init__(self, parent: QWidget | None, settings: Settings, tr: Tr) -> None:
        super().__init__(parent)
        _ = tr
        self._ = tr
        self.setWindowTitle(_("Paramètres"))
        intro = QLabel(_("Clausier ajoute à sa bibliothèque intégrée les clauses de votre "
                         "organisation (un dossier partagé, souvent sur un lecteur réseau) et "
                         "vos propres clauses. Pour une même clause, la vôtre l’emporte sur "
                         "celle de l’organisation, qui l’emporte sur la clause intégrée."))
        intro.setWordWrap(True)
        self.organisation = QLineEdit(str(settings.organisation_dir or ""))
        self.organisation.setAccessibleName(_("Bibliothèque de l’organisation"))
        self.organisation.setPlaceholderText(_("aucune (dossier partagé, par exemple "
                                               "P:\\Marchés\\Clauses)"))
        self.user = QLineEdit(str(settings.user_dir or ""))
        self.user.setAccessibleName(_("Mes clauses"))
        self.user.setPlaceholderText(_("aucun"))
        self.reviewer = QLineEdit(settings.reviewer)
        self.reviewer.setAccessibleName(_("Nom du relecteur"))
        self.reviewer.setPlaceholderText(_("Prénom Nom"))
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #a4000f;")
        self.problem.setVisible(False)
        form = QFormLayout()
        form.addRow(_("Bibliothèque de l’organisation"), self._with_button(self.organisation))
        form.addRow(_("Mes clauses"), self._with_button(self.user))
        form.addRow(_("Nom pour les relectures"), self.reviewer)
        note = QLabel(_("Chaque dossier contient un sous-dossier « clauses », une clause par "
                        "sous-dossier. Le nom pour les relectures est inscrit dans "
                        "l’historique des clauses que vous validez."))
        note.setWordWrap(True)
        note.setStyleSheet("color: #4a4a4a;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.resize(self.fontMetrics().averageCharWidth() * 100, self.sizeHint().height())

    def _with_button(self, line: QLineEdit) -> QWidget:
        _ = self._
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(line, 1)
        button = QPushButton(_("Choisir…"))
        button.setAccessibleName(_("Choisir : {field}").format(field=line.accessibleName()))
        button.clicked.connect(lambda: self._choose(line))
        layout.addWidget(button)
        return row

    def _choose(self, line: QLineEdit) -> None:
        chosen = QFileDialog.getExistingDirectory(self, line.accessibleName(),
                                                  line.text() or str(Path.home()))
        if chosen:
            line.setText(chosen)

    def settings(self) -> Settings:
        """The settings as typed."""
        from drafting_app.ui.settings import Settings

        def folder(line: QLineEdit) -> Path | None:
            text = line.text().strip()
            return Path(text).expanduser() if text else None

        return Settings(organisation_dir=folder(self.organisation), user_dir=folder(self.user),
                        reviewer=self.reviewer.text().strip())

    def problems(self) -> list[str]:
        """Folders that do not exist, in French."""
        _ = self._
        out = []
        chosen = self.settings()
        for name, path in ((_("Bibliothèque de l’organisation"), chosen.organisation_dir),
                           (_("Mes clauses"), chosen.user_dir)):
            if path is not None and not path.is_dir():
                out.append(_("{name} : le dossier {path} n’existe pas (ou le lecteur n’est "
                             "pas connecté).").format(name=name, path=path))
        return out

    def _accept(self) -> None:
        problems = self.problems()
        if problems:
            self.problem.setText("\n".join(f"⚠ {p}" for p in problems))
            self.problem.setVisible(True)
            return
        self.accept()

    @classmethod
    def edit(cls, parent: QWidget | None, settings: Settings, tr: Tr) -> tuple[Settings, bool]:
        """The settings the user confirmed, and whether they did."""
        dialog = cls(parent, settings, tr)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        return (dialog.settings() if accepted else settings), accepted
