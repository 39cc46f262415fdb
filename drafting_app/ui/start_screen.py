"""The start screen: a new dossier by kind, open one, recent dossiers, the examples."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QCommandLinkButton,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from drafting_app.paths import shipped_examples
from drafting_app.ui.i18n import Tr

PATH_ROLE = Qt.ItemDataRole.UserRole
KIND_VALUES = ("marche_public", "convention_annuelle", "cpo")


@dataclass(frozen=True)
class Example:
    """An example dossier shipped with Clausier."""

    path: Path
    title: str
    kind: str


def find_examples(folder: Path | None) -> list[Example]:
    """The example dossiers of a folder, read without validation (fast, at startup)."""
    if folder is None or not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and data.get("kind") in KIND_VALUES:
            found.append(Example(path, str(data.get("title") or path.stem), str(data["kind"])))
    return found


def examples_folder() -> Path | None:
    """Where the examples are: inside an installed package, or at the top of a checkout."""
    return shipped_examples()


class StartScreen(QWidget):
    """What Clausier shows before a dossier is open."""

    new_requested = Signal(str)  # the dossier kind's value
    open_requested = Signal()
    path_requested = Signal(object)  # Path of a recent dossier
    example_requested = Signal(object)  # Path of an example
    library_requested = Signal()

    def __init__(self, tr: Tr, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _ = tr
        self._ = tr
        title = QLabel(_("Clausier"))
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 2.2)
        font.setBold(True)
        title.setFont(font)
        subtitle = QLabel(_("Rédigez des marchés publics responsables et des conventions de "
                            "subvention, vérifiés au regard du droit en vigueur, jusqu’aux "
                            "documents Word."))
        subtitle.setWordWrap(True)

        new_box = QGroupBox(_("Nouveau dossier"))
        new_layout = QVBoxLayout(new_box)
        self.new_buttons: dict[str, QCommandLinkButton] = {}
        for kind, label, description in (
            ("marche_public", _("Marché public"),
             _("Un marché responsable : clauses sociales, lots réservés, critères et "
               "conditions environnementaux ; le CCAP et les autres pièces.")),
            ("convention_annuelle", _("Convention annuelle d’objectifs"),
             _("Une subvention à une association pour un projet d’un an.")),
            ("cpo", _("Convention pluriannuelle d’objectifs (CPO)"),
             _("Une subvention sur plusieurs années, sous réserve du vote du budget.")),
        ):
            button = QCommandLinkButton(label, description)
            button.clicked.connect(lambda _checked=False, k=kind: self.new_requested.emit(k))
            new_layout.addWidget(button)
            self.new_buttons[kind] = button

        self.open_button = QPushButton(_("Ouvrir un dossier…"))
        self.open_button.clicked.connect(self.open_requested.emit)
        self.library_button = QPushButton(_("Consulter la bibliothèque de clauses"))
        self.library_button.clicked.connect(self.library_requested.emit)
        actions = QHBoxLayout()
        actions.addWidget(self.open_button)
        actions.addWidget(self.library_button)
        actions.addStretch(1)

        recent_box = QGroupBox(_("Dossiers récents"))
        recent_layout = QVBoxLayout(recent_box)
        self.recent = QListWidget()
        self.recent.setAccessibleName(_("Dossiers récents"))
        self.recent_empty = QLabel(_("Aucun dossier récent : les dossiers que vous ouvrez ou "
                                     "enregistrez apparaîtront ici."))
        self.recent_empty.setWordWrap(True)
        recent_layout.addWidget(self.recent)
        recent_layout.addWidget(self.recent_empty)
        self.recent.itemClicked.connect(
            lambda item: self.path_requested.emit(Path(str(item.data(PATH_ROLE)))))
        self.recent.installEventFilter(self)
        recent_hint = QLabel(_("Un clic (ou Entrée) ouvre le dossier."))
        recent_hint.setStyleSheet("color: #4a4a4a;")
        recent_layout.addWidget(recent_hint)
        self.recent_hint = recent_hint

        examples_box = QGroupBox(_("Exemples à explorer"))
        examples_layout = QVBoxLayout(examples_box)
        self.examples = QListWidget()
        self.examples.setAccessibleName(_("Exemples"))
        self.examples.setWordWrap(True)
        examples_layout.addWidget(self.examples)
        hint = QLabel(_("Un clic (ou Entrée) ouvre l’exemple comme un nouveau dossier : vos "
                        "modifications ne touchent pas le fichier d’origine."))
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #4a4a4a;")
        examples_layout.addWidget(hint)
        self.examples.itemClicked.connect(
            lambda item: self.example_requested.emit(Path(str(item.data(PATH_ROLE)))))
        self.examples.installEventFilter(self)

        self.status = QLabel(_("Chargement de la bibliothèque de clauses…"))
        self.status.setStyleSheet("color: #4a4a4a;")

        lists = QGridLayout()
        lists.addWidget(recent_box, 0, 0)
        lists.addWidget(examples_box, 0, 1)
        lists.setColumnStretch(0, 1)
        lists.setColumnStretch(1, 1)

        column = QWidget()
        column.setMaximumWidth(1000)
        column_layout = QVBoxLayout(column)
        column_layout.setSpacing(14)
        column_layout.addWidget(title)
        column_layout.addWidget(subtitle)
        column_layout.addWidget(new_box)
        column_layout.addLayout(actions)
        column_layout.addLayout(lists, 1)
        column_layout.addWidget(self.status)
        outer = QWidget()
        outer_layout = QHBoxLayout(outer)
        outer_layout.addStretch(1)
        outer_layout.addWidget(column, 100)
        outer_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(outer)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self.set_ready(False)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter (or Return) on a recent dossier or an example opens it, as a click does."""
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and watched in (self.recent, self.examples)):
            assert isinstance(watched, QListWidget)
            item = watched.currentItem()
            if item is not None:
                signal = self.path_requested if watched is self.recent \
                    else self.example_requested
                signal.emit(Path(str(item.data(PATH_ROLE))))
                return True
        return False

    def set_ready(self, ready: bool, message: str = "") -> None:
        """Enable the buttons once the library is loaded."""
        for button in self.new_buttons.values():
            button.setEnabled(ready)
        for widget in (self.library_button, self.examples):
            widget.setEnabled(ready)
        self.recent.setEnabled(ready)
        if message:
            self.status.setText(message)
        self.status.setVisible(not ready)

    def set_recent(self, paths: list[Path]) -> None:
        """Show the recent dossiers."""
        self.recent.clear()
        for path in paths:
            item = QListWidgetItem(f"{path.stem} — {path.parent}")
            item.setData(PATH_ROLE, str(path))
            item.setToolTip(str(path))
            self.recent.addItem(item)
        self.recent.setVisible(bool(paths))
        self.recent_hint.setVisible(bool(paths))
        self.recent_empty.setVisible(not paths)

    def set_examples(self, examples: list[Example]) -> None:
        """Show the examples with their kind."""
        _ = self._
        kind_labels = {
            "marche_public": _("Marché public"),
            "convention_annuelle": _("Convention annuelle d’objectifs"),
            "cpo": _("Convention pluriannuelle d’objectifs (CPO)"),
        }
        self.examples.clear()
        order = {kind: index for index, kind in enumerate(KIND_VALUES)}
        for example in sorted(examples, key=lambda e: (order.get(e.kind, 9), e.title)):
            item = QListWidgetItem(f"{kind_labels.get(example.kind, '')} — {example.title}")
            item.setData(PATH_ROLE, str(example.path))
            item.setToolTip(str(example.path))
            self.examples.addItem(item)
