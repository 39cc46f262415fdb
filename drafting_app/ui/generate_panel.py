"""The documents step: choose the pieces and the folder, write the Word files, open them."""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from drafting_app.documents.generate import PRICE_SCHEDULE, Generated, file_stem, slug
from drafting_app.documents.pagination import find_soffice
from drafting_app.documents.xlsx import planned_price_schedules
from drafting_app.dossier.model import Dossier, DossierKind, Lot
from drafting_app.ui.core import Core
from drafting_app.ui.i18n import Tr
from drafting_app.ui.worker import Report, Worker
from drafting_app.wording.library import Skeleton
from drafting_app.wording.markup import french_typography
from drafting_app.wording.render import RenderError

PIECE_ROLE = Qt.ItemDataRole.UserRole
PATH_ROLE = Qt.ItemDataRole.UserRole + 1


class GenerationError(Exception):
    """The documents could not be written; `problems` say why, in French."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def kept_edit(item: Generated) -> Path | None:
    """Where generation kept the Word file the user had edited since it was written, if it did.

    Generation (documents.generate) keeps an edited file as « NOM (modifié le …).docx » and
    says so in its result, as `Generated.kept_edit`.
    """
    return item.kept_edit


@dataclass(frozen=True)
class Written:
    """What a generation wrote, and what it had to say about it."""

    files: tuple[Generated, ...]
    notes: tuple[str, ...]


def write_pieces(core: Core, dossier: Dossier, pieces: Sequence[str], out_dir: Path,
                 report: Report, _: Tr, page_numbers: bool = False) -> Written:
    """Render and write the chosen pieces as Word files, and the price schedules as
    spreadsheets when they are chosen (runs on the worker); with `page_numbers`, the sommaires
    get their page numbers from a LibreOffice layout."""
    from drafting_app.documents.docx import ExportError, RemovedCharactersWarning, load_layout
    from drafting_app.documents.generate import generate

    def piece_title(skeleton: Skeleton, lot: Lot | None) -> str:
        title = french_typography(skeleton.meta.title)
        return title if lot is None else _("{title}, lot {n}").format(title=title, n=lot.number)

    def progress(index: int, total: int, skeleton: Skeleton, lot: Lot | None) -> None:
        report(index, total, _("Rédaction : {title}").format(title=piece_title(skeleton, lot)))

    def finishing(total: int) -> None:
        report(total, total, _("Numérotation des pages des sommaires…") if page_numbers
               else _("Finition des documents…"))

    try:
        report(0, len(pieces), _("Lecture de la mise en page…"))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", RemovedCharactersWarning)
            written = generate(core.renderer, dossier, out_dir, load_layout(core.layout_path),
                               pieces, progress, page_numbers=page_numbers, finishing=finishing)
        notes = [str(w.message) for w in caught]
    except RenderError as exc:
        raise GenerationError([p.message for p in exc.problems]) from None
    except ExportError as exc:
        raise GenerationError(list(exc.problems)) from None
    except OSError as exc:
        raise GenerationError([_("écriture impossible dans {folder} : {why}").format(
            folder=out_dir, why=exc.strerror or exc)]) from None
    report(len(written), len(written), _("Terminé"))
    return Written(tuple(written), tuple(notes))


class GeneratePanel(QWidget):
    """Choose pieces and folder, generate with a progress bar, open the results."""

    generated = Signal()

    def __init__(self, core: Core, worker: Worker, kind: DossierKind, tr: Tr,
                 open_url: Callable[[QUrl], bool], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _ = tr
        self._ = tr
        self.core = core
        self.worker = worker
        self.open_url = open_url
        self.dossier: Dossier | None = None
        self.blocking = 0
        self.missing = 0
        self.warnings = 0
        self.written: Written | None = None
        self.changed_since = False
        self._shown_for: tuple[str, str] = ("", "")
        self._listed_for: Dossier | None = None  # the dossier as it was when the list was made
        self._generating: Dossier | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

        pieces_box = QGroupBox(_("Pièces à produire"))
        pieces_layout = QVBoxLayout(pieces_box)
        self.pieces = QListWidget()
        self.pieces.setAccessibleName(_("Pièces à produire"))
        self.unchecked: set[str] = set()
        self.pieces.itemChanged.connect(self._piece_toggled)
        self._fill_pieces([(s.id, french_typography(s.meta.title), 0)
                           for s in core.library.documents_for(kind)])
        pieces_layout.addWidget(self.pieces)
        self.no_pieces = QLabel(_("La bibliothèque ne prévoit aucune pièce pour ce dossier."))
        pieces_layout.addWidget(self.no_pieces)
        self.page_numbers = QCheckBox(_("Numéroter les pages des sommaires"))
        if find_soffice() is None:
            self.page_numbers.setChecked(False)
            self.page_numbers.setEnabled(False)
            self.page_numbers.setToolTip(_(
                "LibreOffice n’est pas installé : chaque sommaire porte une note qui dit comment "
                "mettre ses numéros de page à jour dans Word ou LibreOffice."))
        else:
            self.page_numbers.setChecked(True)
            self.page_numbers.setToolTip(_(
                "LibreOffice met les pièces en page une fois pour lire le numéro de page de "
                "chaque article : quelques secondes de plus."))
        pieces_layout.addWidget(self.page_numbers)
        layout.addWidget(pieces_box)

        folder_box = QGroupBox(_("Dossier de destination"))
        folder_layout = QHBoxLayout(folder_box)
        self.folder = QLineEdit()
        self.folder.setAccessibleName(_("Dossier de destination"))
        self.folder_chosen = False  # the user's own folder: it no longer follows the dossier
        self.folder.textEdited.connect(self._folder_typed)
        self.folder.editingFinished.connect(self.show_existing)
        self.choose = QPushButton(_("Choisir…"))
        self.choose.clicked.connect(self._choose_folder)
        folder_layout.addWidget(self.folder, 1)
        folder_layout.addWidget(self.choose)
        layout.addWidget(folder_box)

        self.state = QLabel()
        self.state.setWordWrap(True)
        layout.addWidget(self.state)
        self.button = QPushButton(_("Générer les documents"))
        self.button.setDefault(True)
        self.button.clicked.connect(self.generate)
        row = QHBoxLayout()
        row.addWidget(self.button)
        row.addStretch(1)
        layout.addLayout(row)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.progress_label = QLabel()
        layout.addWidget(self.progress)
        layout.addWidget(self.progress_label)

        results_box = QGroupBox(_("Documents produits"))
        results_layout = QVBoxLayout(results_box)
        self.results = QListWidget()
        self.results.setAccessibleName(_("Documents produits"))
        self.results.setWordWrap(True)
        self.results_note = QLabel()
        self.results_note.setWordWrap(True)
        self.results_note.setVisible(False)
        results_layout.addWidget(self.results_note)
        self.results.itemActivated.connect(lambda _item: self.open_document())
        results_layout.addWidget(self.results)
        open_row = QHBoxLayout()
        self.open_folder_button = QPushButton(_("Ouvrir le dossier"))
        self.open_document_button = QPushButton(_("Ouvrir le document"))
        self.open_folder_button.clicked.connect(self.open_folder)
        self.open_document_button.clicked.connect(self.open_document)
        open_row.addWidget(self.open_folder_button)
        open_row.addWidget(self.open_document_button)
        open_row.addStretch(1)
        results_layout.addLayout(open_row)
        self.open_problem = QLabel()
        self.open_problem.setWordWrap(True)
        self.open_problem.setStyleSheet("color: #a4000f;")
        self.open_problem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_problem.setVisible(False)
        results_layout.addWidget(self.open_problem)
        self.results_box = results_box
        results_box.setVisible(False)
        layout.addWidget(results_box)
        layout.addStretch(1)
        self._update_state()

    def _fill_pieces(self, pieces: list[tuple[str, str, int]]) -> None:
        """(skeleton id, title, number of lots) of the pieces; the user's ticks are kept."""
        _ = self._
        self.pieces.blockSignals(True)
        self.pieces.clear()
        for piece, title, lots in pieces:
            text = title if lots < 2 else _("{title} (un par lot : {n})").format(
                title=title, n=lots)
            item = QListWidgetItem(text)
            item.setData(PIECE_ROLE, piece)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked if piece in self.unchecked
                               else Qt.CheckState.Checked)
            self.pieces.addItem(item)
        self.pieces.blockSignals(False)
        self.pieces.setMaximumHeight(max(3, self.pieces.count())
                                     * (self.pieces.fontMetrics().height() + 12) + 8)

    def _piece_toggled(self, item: QListWidgetItem) -> None:
        piece = str(item.data(PIECE_ROLE))
        if item.checkState() == Qt.CheckState.Checked:
            self.unchecked.discard(piece)
        else:
            self.unchecked.add(piece)

    def set_dossier(self, dossier: Dossier | None, blocking: int, missing: int,
                    warnings: int = 0) -> None:
        """The dossier as last analysed: complete or not, with its blocking findings."""
        _ = self._
        if self._listed_for is not None and dossier != self._listed_for \
                and self.results.count():
            self.changed_since = True
        self.dossier = dossier
        self.blocking = blocking
        self.missing = missing
        self.warnings = warnings
        if dossier is not None:
            counts: dict[str, tuple[str, int]] = {}
            try:
                planned = self.core.renderer.documents(dossier)
            except RenderError:
                planned = []  # the generation itself will say what is wrong
            for skeleton, lot in planned:
                title, lots = counts.get(skeleton.id, (french_typography(skeleton.meta.title), 0))
                counts[skeleton.id] = (title, lots + (lot is not None))
            schedules = len(planned_price_schedules(dossier, ""))  # one per lot, or one
            if counts and schedules:
                many = schedules if schedules > 1 else 0
                counts[PRICE_SCHEDULE] = (_("Cadre de prix (tableur : BPU, DQE ou DPGF)"), many)
            if counts:
                self._fill_pieces([(piece, title, lots)
                                   for piece, (title, lots) in counts.items()])
        self._update_state()
        if dossier is not None and self._shown_for != (self.folder.text(), dossier.reference):
            self.show_existing()
        self._note_results()

    def set_default_folder(self, folder: Path) -> None:
        """Where the documents go: next to the dossier, until the user chooses a folder."""
        if (not self.folder_chosen or not self.folder.text().strip()) \
                and self.folder.text() != str(folder):
            self.folder.setText(str(folder))
            self.show_existing()

    def _folder_typed(self, _text: str) -> None:
        self.folder_chosen = True

    def expected_files(self) -> list[tuple[str, Path]]:
        """(title, path) of the files this dossier's generation writes in the folder: the Word
        pieces, then the price schedules."""
        folder = self.folder.text().strip()
        if self.dossier is None or not folder:
            return []
        try:
            planned = self.core.renderer.documents(self.dossier)
        except RenderError:
            return []
        out = []
        for skeleton, lot in planned:
            title = french_typography(skeleton.meta.title)
            if lot is not None:
                title = self._("{title}, lot {n}").format(title=title, n=lot.number)
            stem = file_stem(skeleton.meta.filename, self.dossier, lot)
            out.append((title, Path(folder).expanduser() / f"{stem}.docx"))
        out.extend((french_typography(title), Path(folder).expanduser() / f"{stem}.xlsx")
                   for stem, title, _lot in planned_price_schedules(
                       self.dossier, slug(self.dossier.reference)))
        return out

    def show_existing(self) -> None:
        """The documents of this dossier already in the folder (written by an earlier run)."""
        _ = self._
        if self.progress.isVisible():
            return
        found = [(title, path) for title, path in self.expected_files() if path.is_file()]
        self._shown_for = (self.folder.text(), self.dossier.reference if self.dossier else "")
        if self.written is not None and self.written.files and all(
                item.path.parent == self._out_dir() for item in self.written.files):
            return  # the list shows this session's generation, in this folder
        self.written = None
        self.results.clear()
        for title, path in found:
            stamp = dt.datetime.fromtimestamp(path.stat().st_mtime)
            entry = QListWidgetItem(_("{title} — {name} (écrit le {day} à {time})").format(
                title=title, name=path.name, day=stamp.strftime("%d/%m/%Y"),
                time=stamp.strftime("%H:%M")))
            entry.setData(PATH_ROLE, str(path))
            entry.setToolTip(str(path))
            self.results.addItem(entry)
        self._fit_results()
        if found:
            self.results.setCurrentRow(0)
            self.progress_label.setText(_("{n} document(s) de ce dossier déjà dans {folder}.")
                                        .format(n=len(found), folder=self.folder.text()))
        else:
            self.progress_label.setText("")
        self.results_box.setVisible(bool(found))
        self.changed_since = False
        self._listed_for = self.dossier
        self._note_results()

    def _fit_results(self) -> None:
        """The list as tall as its documents: the buttons and messages stay right below it."""
        rows = sum(self.results.sizeHintForRow(i) for i in range(self.results.count()))
        self.results.setFixedHeight(max(rows, self.results.fontMetrics().height() * 3)
                                    + 2 * self.results.frameWidth() + 8)

    def _out_dir(self) -> Path:
        return Path(self.folder.text().strip()).expanduser()

    def _note_results(self) -> None:
        _ = self._
        if self.changed_since and self.results.count():
            self.results_note.setText(_("Le dossier a changé depuis que ces documents ont été "
                                        "écrits : générez-les à nouveau pour les mettre à "
                                        "jour."))
            self.results_note.setStyleSheet("color: #7a4a00;")
            self.results_note.setVisible(True)
        elif not self.results_note.property("kept"):
            self.results_note.setVisible(False)

    def _update_state(self) -> None:
        _ = self._
        busy = self.progress.isVisible()
        if self.dossier is None:
            self.state.setText(_("Le dossier est incomplet ({n} champ(s) à compléter ou "
                                 "corriger) : voyez le panneau des constats.").format(
                                     n=self.missing))
        elif self.blocking:
            self.state.setText(_("Le dossier a {n} point(s) bloquant(s) : vous pouvez produire "
                                 "les documents pour relecture, mais corrigez-les avant "
                                 "publication.").format(n=self.blocking))
        elif self.warnings:
            self.state.setText(_("Aucun point bloquant, mais {n} point(s) d’attention à "
                                 "relire dans les constats avant publication.").format(
                                     n=self.warnings))
        else:
            self.state.setText(_("Le dossier est complet."))
        self.no_pieces.setVisible(self.pieces.count() == 0)
        self.button.setEnabled(self.dossier is not None and self.pieces.count() > 0 and not busy)

    def _choose_folder(self) -> None:
        _ = self._
        chosen = QFileDialog.getExistingDirectory(self, _("Dossier de destination"),
                                                  self.folder.text())
        if chosen:
            self.folder.setText(chosen)
            self.folder_chosen = True
            self.show_existing()

    def chosen_pieces(self) -> list[str]:
        """The ids of the ticked pieces."""
        out = []
        for row in range(self.pieces.count()):
            item = self.pieces.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(str(item.data(PIECE_ROLE)))
        return out

    def generate(self) -> None:
        """Write the chosen pieces on the worker, with a progress bar."""
        _ = self._
        dossier = self.dossier
        pieces = self.chosen_pieces()
        folder = self.folder.text().strip()
        if dossier is None:
            return
        if not pieces:
            QMessageBox.information(self, _("Générer les documents"),
                                    _("Cochez au moins une pièce à produire."))
            return
        if not folder:
            QMessageBox.information(self, _("Générer les documents"),
                                    _("Choisissez le dossier où écrire les documents."))
            return
        out_dir = Path(folder).expanduser()
        self._generating = dossier
        self.progress.setRange(0, len(pieces))
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.progress_label.setText(_("Préparation…"))
        self.results_box.setVisible(False)
        self.open_problem.setVisible(False)
        self._update_state()
        core = self.core
        page_numbers = self.page_numbers.isChecked()
        self.worker.submit(
            lambda report: write_pieces(core, dossier, pieces, out_dir, report, _, page_numbers),
            self._done, self._failed, self._progressed)

    def _progressed(self, done: int, total: int, label: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress_label.setText(label)

    def _done(self, written: Written) -> None:
        _ = self._
        self.written = written
        self._listed_for = self._generating
        self.changed_since = self._generating != self.dossier
        self.progress.setVisible(False)
        self.results.clear()
        kept_lines = []
        for item in written.files:
            text = f"{item.title} — {item.path.name}"
            kept = kept_edit(item)
            if kept is not None:
                text += "\n" + _("Votre version modifiée est gardée sous « {name} ».").format(
                    name=kept.name)
                kept_lines.append(_("« {name} » avait été modifié depuis sa production : "
                                    "votre version est gardée sous « {kept} », à côté du "
                                    "nouveau document.").format(name=item.path.name,
                                                                  kept=kept.name))
            entry = QListWidgetItem(text)
            entry.setData(PATH_ROLE, str(item.path))
            entry.setToolTip(str(item.path))
            self.results.addItem(entry)
        self._fit_results()
        if self.results.count():
            self.results.setCurrentRow(0)
        text = _("{n} document(s) écrit(s) dans {folder}.").format(
            n=len(written.files), folder=self.folder.text())
        if written.notes:
            text += "\n" + "\n".join(written.notes)
        self.progress_label.setText(text)
        self.results_note.setProperty("kept", bool(kept_lines))
        self.results_note.setText("\n".join(f"⚠ {line}" for line in kept_lines))
        self.results_note.setStyleSheet("color: #7a4a00;")
        self.results_note.setVisible(bool(kept_lines))
        self.open_problem.setVisible(False)
        self.results_box.setVisible(True)
        self._update_state()
        self.open_document_button.setFocus()
        self.generated.emit()

    def _failed(self, error: BaseException) -> None:
        _ = self._
        self.progress.setVisible(False)
        self._update_state()
        if isinstance(error, GenerationError):
            details = "\n".join(f"• {p}" for p in error.problems)
        else:
            details = _("Erreur inattendue : {error}").format(error=error)
        self.progress_label.setText(_("Les documents n’ont pas pu être produits."))
        QMessageBox.warning(self, _("Générer les documents"),
                            _("Les documents n’ont pas pu être produits :") + "\n" + details)

    def open_folder(self) -> None:
        """Open the destination folder in the file manager (saying so when none is found)."""
        _ = self._
        folder = self.folder.text().strip()
        if folder and not self.open_url(QUrl.fromLocalFile(str(self._out_dir()))):
            self._cannot_open(_("Aucun gestionnaire de fichiers n’a pu ouvrir le dossier "
                                "{path} : ouvrez-le vous-même, le chemin est sélectionnable "
                                "ici.").format(path=self._out_dir()))

    def open_document(self) -> None:
        """Open the selected document with the system's application (saying so when none)."""
        _ = self._
        item = self.results.currentItem()
        if item is None:
            return
        path = Path(str(item.data(PATH_ROLE)))
        if not path.is_file():
            self._cannot_open(_("Le document {path} n’existe plus : générez les documents à "
                                "nouveau.").format(path=path))
        elif not self.open_url(QUrl.fromLocalFile(str(path))):
            self._cannot_open(_("Aucune application n’ouvre les fichiers Word sur ce poste : "
                                "installez LibreOffice ou Microsoft Word, ou ouvrez le fichier "
                                "depuis un autre poste. Il est ici : {path}").format(path=path))
        else:
            self.open_problem.setVisible(False)

    def _cannot_open(self, text: str) -> None:
        self.open_problem.setText(f"⚠ {text}")
        self.open_problem.setVisible(True)
