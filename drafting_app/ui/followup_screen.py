"""The « Suivi » screen: a register's SPASER indicators, charts, renewals and exports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from drafting_app.ui.i18n import Tr
from drafting_app.ui.worker import Report, Worker

ALL_SERVICES = ""
#: asks where to save: (title, suggested path, filter) -> chosen path or None
AskPath = Callable[[str, Path, str], Path | None]


@dataclass(frozen=True)
class Loaded:
    """What the worker computed for the screen (no widget is touched off the GUI thread)."""

    context: Any
    register: Any
    bilan: Any
    charts: tuple[Any, ...]
    services: tuple[str, ...]


def _compute(library_dir: Path, folder: Path, index: Path | None, year: int, service: str,
             today: dt.date, context: Any, report: Report) -> Loaded:
    """Runs on the worker: open the register, compute the review, draw the charts."""
    from drafting_app.followup import charts
    from drafting_app.followup.bilan import build_bilan
    from drafting_app.followup.considerations import load_context
    from drafting_app.followup.indicators import Scope
    from drafting_app.followup.register import open_register
    from drafting_app.followup.targets import TARGETS_FILE, read_targets
    from drafting_app.wording.render import Formats

    if context is None:
        report(0, 0, "bibliothèque")
        context, _problems = load_context(library_dir)
    register = open_register(folder, context, index, report)
    targets, _target_problems = read_targets(folder / TARGETS_FILE)
    bilan = build_bilan(register, Scope(year, service or None), targets.for_year(year), today)
    formats = Formats()
    drawn = (
        charts.shares_by_year([(p.year, p.social_share, p.environmental_share)
                               for p in bilan.history], formats),
        charts.hours_by_year([(p.year, p.hours_planned, p.hours_done) for p in bilan.history],
                             formats),
        charts.amounts_by_kind(bilan.by_holder_kind, formats, str(year)),
    )
    services = tuple(sorted({r.service for r in register.records if r.service}))
    return Loaded(context, register, bilan, drawn, services)


def _ask_path(parent: QWidget) -> AskPath:
    def ask(title: str, suggested: Path, pattern: str) -> Path | None:
        chosen, _filter = QFileDialog.getSaveFileName(parent, title, str(suggested), pattern)
        return Path(chosen) if chosen else None
    return ask


class FollowupScreen(QDialog):
    """« Suivi des achats responsables »: pick a register folder and a year, read the figures."""

    def __init__(
        self,
        tr: Tr,
        library_dir: Path,
        index_dir: Path | None = None,
        today: Callable[[], dt.date] = dt.date.today,
        ask_path: AskPath | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        _ = tr
        self._ = tr
        self.library_dir = library_dir
        self.index_dir = index_dir
        self.today = today
        self.ask_path = ask_path or _ask_path(self)
        self.worker = Worker(self)
        self.context: Any = None
        self.loaded: Loaded | None = None
        self.setWindowTitle(_("Suivi des achats responsables (SPASER) — Clausier"))
        self.resize(1180, 780)

        self.folder = QLineEdit()
        self.folder.setPlaceholderText(_("Dossier du registre (vos dossiers Clausier .json)"))
        self.folder.setAccessibleName(_("Dossier du registre"))
        choose = QPushButton(_("Choisir…"))
        choose.clicked.connect(self.choose_folder)
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(today().year)
        self.year.setAccessibleName(_("Année"))
        self.service = QComboBox()
        self.service.setAccessibleName(_("Service"))
        self.service.addItem(_("Tous les services"), ALL_SERVICES)
        self.refresh_button = QPushButton(_("Calculer"))
        self.refresh_button.setDefault(True)
        self.refresh_button.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Registre :")))
        top.addWidget(self.folder, 1)
        top.addWidget(choose)
        top.addWidget(QLabel(_("Année :")))
        top.addWidget(self.year)
        top.addWidget(self.service)
        top.addWidget(self.refresh_button)

        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.status = QLabel(_("Choisissez le dossier du registre, puis « Calculer »."))
        self.status.setWordWrap(True)

        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([_("Indicateur"), _("Valeur"), _("Objectif"),
                                              _("Dossiers comptés")])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.chart_labels = [QLabel() for _index in range(3)]
        charts_page = QWidget()
        charts_layout = QVBoxLayout(charts_page)
        for label in self.chart_labels:
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            charts_layout.addWidget(label)
        scroll = QScrollArea()
        scroll.setWidget(charts_page)
        scroll.setWidgetResizable(True)
        self.renewals = QTableWidget(0, 4)
        self.renewals.setHorizontalHeaderLabels([_("Marché"), _("Fin"), _("Montant"),
                                                 _("Pistes")])
        self.renewals.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.renewals.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.renewals.verticalHeader().setVisible(False)
        self.problems = QListWidget()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.table, _("Indicateurs"))
        self.tabs.addTab(scroll, _("Graphiques"))
        self.tabs.addTab(self.renewals, _("Renouvellements à venir"))
        self.tabs.addTab(self.problems, _("Points d’attention"))

        self.report_button = QPushButton(_("Écrire le bilan Word…"))
        self.report_button.clicked.connect(self.write_report)
        self.sheet_button = QPushButton(_("Écrire le tableur…"))
        self.sheet_button.clicked.connect(self.write_spreadsheet)
        self.decp_button = QPushButton(_("Exporter les données essentielles…"))
        self.decp_button.clicked.connect(self.write_decp)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.report_button, self.sheet_button, self.decp_button):
            button.setEnabled(False)
            buttons.addWidget(button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)

    # ----------------------------------------------------------------------------- loading

    def choose_folder(self) -> None:
        """Pick the register folder."""
        chosen = QFileDialog.getExistingDirectory(self, self._("Dossier du registre"),
                                                  self.folder.text() or str(Path.home()))
        if chosen:
            self.folder.setText(chosen)
            self.refresh()

    def _index_path(self, folder: Path) -> Path | None:
        from drafting_app.followup.register import default_index_path

        return default_index_path(self.index_dir, folder) if self.index_dir else None

    def refresh(self) -> None:
        """Open the register and compute the figures on the worker, with progress."""
        _ = self._
        folder = Path(self.folder.text().strip())
        if not self.folder.text().strip() or not folder.is_dir():
            self.status.setText(_("Le dossier du registre est introuvable : choisissez le "
                                  "dossier qui contient vos dossiers Clausier."))
            return
        self.refresh_button.setEnabled(False)
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.status.setText(_("Lecture du registre…"))
        year, service = self.year.value(), str(self.service.currentData() or "")
        context, today, index = self.context, self.today(), self._index_path(folder)
        self.worker.submit(
            lambda report: _compute(self.library_dir, folder, index, year, service, today,
                                    context, report),
            self.show_loaded, self._failed, self._progressed)

    def _progressed(self, done: int, total: int, label: str) -> None:
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
            self.status.setText(self._("Lecture du registre : {done} / {total} fichiers…").format(
                done=done, total=total))

    def _failed(self, error: BaseException) -> None:
        self.progress.setVisible(False)
        self.refresh_button.setEnabled(True)
        self.status.setText(self._("Calcul impossible : {error}").format(error=error))

    def show_loaded(self, loaded: Loaded) -> None:
        """Fill the tabs with what the worker computed."""
        from drafting_app.followup.report import figure_text, reached_text
        from drafting_app.wording.render import Formats

        _ = self._
        self.loaded = loaded
        self.context = loaded.context
        self.progress.setVisible(False)
        self.refresh_button.setEnabled(True)
        formats = Formats()
        bilan = loaded.bilan
        register = loaded.register
        current = self.service.currentData()
        self.service.blockSignals(True)
        self.service.clear()
        self.service.addItem(_("Tous les services"), ALL_SERVICES)
        for name in loaded.services:
            self.service.addItem(name, name)
        self.service.setCurrentIndex(max(self.service.findData(current), 0))
        self.service.blockSignals(False)
        self.table.setRowCount(len(bilan.figures))
        for row, figure in enumerate(bilan.figures):
            target = "–" if figure.target is None else (
                f"{figure_text(figure, formats, figure.target)} – {reached_text(figure)}")
            cells = (figure.label, figure_text(figure, formats), target,
                     str(len(figure.sources)))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                tip = "\n".join(figure.sources[:40])
                if figure.note:
                    tip = f"{_('À compléter')} : {figure.note}\n{tip}"
                item.setToolTip(tip)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for label, chart in zip(self.chart_labels, loaded.charts, strict=True):
            pixmap = QPixmap()
            pixmap.loadFromData(chart.png, "PNG")
            label.setPixmap(pixmap.scaledToWidth(820, Qt.TransformationMode.SmoothTransformation))
            label.setToolTip(chart.title)
            label.setAccessibleName(chart.title)
        self.renewals.setRowCount(len(bilan.renewals))
        for row, renewal in enumerate(bilan.renewals):
            cells = (renewal.record.label, formats.date_long(renewal.end),
                     formats.money(renewal.amount), " ; ".join(renewal.suggestions))
            for column, text in enumerate(cells):
                self.renewals.setItem(row, column, QTableWidgetItem(text))
        self.renewals.resizeColumnsToContents()
        self.renewals.horizontalHeader().setSectionResizeMode(
            3, QHeaderView.ResizeMode.Stretch)
        self.problems.clear()
        for item in register.unreadable:
            self.problems.addItem(_("{path} : illisible, non compté — {why}").format(
                path=item.path, why=" ; ".join(item.problems)))
        for twin in register.duplicates:
            self.problems.addItem(_("Référence {reference} portée par plusieurs dossiers : "
                                    "{paths}").format(reference=twin.reference,
                                                      paths=", ".join(twin.paths)))
        for figure in bilan.figures:
            if figure.note:
                self.problems.addItem(f"{figure.label} : {figure.note}")
        self.tabs.setTabText(3, _("Points d’attention ({n})").format(n=self.problems.count()))
        self.status.setText(_("{records} dossier(s) lus ({reread} fichier(s) relu(s) depuis "
                              "l’index), {unreadable} illisible(s), {twins} référence(s) en "
                              "double — {scope}.").format(
            records=len(register.records), reread=register.reread,
            unreadable=len(register.unreadable), twins=len(register.duplicates),
            scope=bilan.scope.label()))
        for button in (self.report_button, self.sheet_button, self.decp_button):
            button.setEnabled(True)

    # ----------------------------------------------------------------------------- exports

    def _target(self, title: str, name: str, pattern: str) -> Path | None:
        folder = Path(self.folder.text().strip())
        return self.ask_path(title, folder.parent / name, pattern)

    def write_report(self) -> Path | None:
        """Write the Word review where the user says."""
        from drafting_app.documents.docx import load_layout
        from drafting_app.followup.report import write_report
        from drafting_app.paths import default_layout
        from drafting_app.wording.render import Formats

        _ = self._
        if self.loaded is None:
            return None
        year = self.year.value()
        out = self._target(_("Écrire le bilan annuel"), f"bilan_spaser_{year}.docx",
                           _("Documents Word (*.docx)"))
        if out is None:
            return None
        bilan = self.loaded.bilan
        buyers = sorted({r.buyer for r in self.loaded.register.records})
        return self._write(lambda: write_report(
            bilan, out, load_layout(default_layout()), Formats(),
            buyers[0] if len(buyers) == 1 else ""), out)

    def write_spreadsheet(self) -> Path | None:
        """Write the review as a spreadsheet."""
        from drafting_app.followup.spreadsheet import write_spreadsheet

        _ = self._
        if self.loaded is None:
            return None
        out = self._target(_("Écrire le tableur"), f"bilan_spaser_{self.year.value()}.xlsx",
                           _("Classeurs (*.xlsx)"))
        if out is None:
            return None
        bilan = self.loaded.bilan
        return self._write(lambda: write_spreadsheet(bilan, out), out)

    def write_decp(self) -> Path | None:
        """Export the données essentielles of the year."""
        from drafting_app.files.atomic import atomic_write_bytes
        from drafting_app.followup.decp import decp_json, export_decp

        _ = self._
        if self.loaded is None:
            return None
        year = self.year.value()
        out = self._target(_("Exporter les données essentielles"), f"decp_{year}.json",
                           _("Fichiers JSON (*.json)"))
        if out is None:
            return None
        loaded = self.loaded
        export = export_decp(loaded.register.records, year, loaded.context.legal, self.today(),
                             [twin.reference for twin in loaded.register.duplicates])
        written = self._write(lambda: atomic_write_bytes(out, decp_json(export).encode("utf-8")),
                              out)
        if written is not None and export.incomplete:
            lines = [_("{reference} non exporté : {missing}").format(
                reference=item.reference, missing=" ; ".join(item.missing))
                for item in export.incomplete]
            self.problems.addItems(lines)
            self.status.setText(self.status.text() + " " + _(
                "{n} marché(s) non exporté(s) faute de données : voyez « Points "
                "d’attention ».").format(n=len(export.incomplete)))
        return written

    def _write(self, action: Callable[[], None], out: Path) -> Path | None:
        try:
            action()
        except OSError as exc:
            self.status.setText(self._("Écriture impossible dans {path} : {why}").format(
                path=out, why=exc.strerror or exc))
            return None
        self.status.setText(self._("Fichier écrit : {path}").format(path=out))
        return out

