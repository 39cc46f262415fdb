"""The main window: start screen, dossier editor or clause library; files, autosave, menus.

It imports only Qt and light modules: the core (pydantic, Jinja, the library) loads on the
worker once the window is shown, and the Word writer (python-docx, lxml) right after.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, Qt, QTimer, QUrl
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from drafting_app.ui.dialogs import (
    Recovery,
    RecoveryDialog,
    SettingsDialog,
    Unsaved,
    UnsavedChangesDialog,
)
from drafting_app.ui.i18n import Tr
from drafting_app.ui.start_screen import StartScreen, examples_folder, find_examples
from drafting_app.ui.user_data import Autosave, RecentFiles, default_documents_dir
from drafting_app.ui.worker import Report, Worker

if TYPE_CHECKING:
    from drafting_app.ui.clause_browser import ClauseBrowser
    from drafting_app.ui.core import Core
    from drafting_app.ui.dossier_editor import DossierEditor
    from drafting_app.ui.followup_screen import FollowupScreen
    from drafting_app.ui.review_screen import ReviewScreen
    from drafting_app.ui.settings import Settings

AUTOSAVE_INTERVAL_MS = 60_000


@dataclass(frozen=True)
class Started:
    """What the worker loads once the window shows: the settings, then the core."""

    core: Core
    settings: Settings
    settings_problem: str | None


def _start(library_dir: Path | None, data_dir: Path, _report: Report) -> Started:
    """Runs on the worker: settings, the core, then the heavy imports of the first generation."""
    from drafting_app.ui.core import warm_up
    from drafting_app.ui.settings import load_settings

    settings, problem = load_settings(data_dir)
    _clean_after_crash(library_dir, settings, data_dir)
    core = _load_core(library_dir, settings, _report)
    warm_up()
    return Started(core, settings, problem)


def _clean_after_crash(library_dir: Path | None, settings: Settings, data_dir: Path) -> None:
    """Remove what programs killed mid-save left in the libraries and the data folder (on the
    worker: a large library on a shared folder takes a while to walk)."""
    from drafting_app.paths import shipped_library
    from drafting_app.review.shared import clean_after_crash

    clean_after_crash([library_dir or shipped_library(), *(
        root for root in (settings.organisation_dir, settings.user_dir) if root is not None),
        data_dir])


def _load_core(library_dir: Path | None, settings: Settings, _report: Report) -> Core:
    """The core with the user's clause folders (on the worker, or on this thread in tests)."""
    from drafting_app.ui.core import load_core

    return load_core(library_dir, organisation_dir=settings.organisation_dir,
                     user_dir=settings.user_dir)


class MainWindow(QMainWindow):
    """Clausier's main window."""

    def __init__(
        self,
        tr: Tr,
        data_dir: Path,
        library_dir: Path | None = None,
        examples_dir: Path | None = None,
        open_url: Callable[[QUrl], bool] | None = None,
    ) -> None:
        super().__init__()
        _ = tr
        self._ = tr
        self.library_dir = library_dir
        self.open_url: Callable[[QUrl], bool] = open_url or QDesktopServices.openUrl
        self.worker = Worker(self)
        self.core: Core | None = None
        self.editor: DossierEditor | None = None
        self.library_page: QWidget | None = None
        self.library_browser: ClauseBrowser | None = None
        self.review_screen: ReviewScreen | None = None
        self.followup_screen: FollowupScreen | None = None
        self.path: Path | None = None
        self.dirty = False
        self._autosave_pending = False
        self.data_dir = data_dir
        self.recent = RecentFiles(data_dir)
        self.autosave = Autosave(data_dir)
        self._settings: Settings | None = None
        self.settings_problem: str | None = None
        self.library_stamp: frozenset[tuple[str, int]] = frozenset()
        self._reloading = False
        self.offer_recovery_on_ready = True

        self.start = StartScreen(tr)
        self.start.set_examples(find_examples(examples_dir or examples_folder()))
        self.start.set_recent(self.recent.paths())
        self.stack = QStackedWidget()
        self.stack.addWidget(self.start)
        self.setCentralWidget(self.stack)
        self.start.new_requested.connect(self.new_dossier)
        self.start.open_requested.connect(self.open_dialog)
        self.start.path_requested.connect(self.request_open)
        self.start.example_requested.connect(lambda path: self.request_open(path, as_copy=True))
        self.start.library_requested.connect(self.show_library)

        self._build_menus()
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setInterval(AUTOSAVE_INTERVAL_MS)
        self.autosave_timer.timeout.connect(self.autosave_now)
        self.autosave_timer.start()
        self._size_to_screen()
        self._update_title()

    # ----------------------------------------------------------------------------- setup

    def _size_to_screen(self) -> None:
        screen = QGuiApplication.primaryScreen()
        width, height = 1360, 860
        if screen is not None:
            available = screen.availableGeometry()
            width = min(width, int(available.width() * 0.94))
            height = min(height, int(available.height() * 0.9))
        self.resize(width, height)

    def _action(self, text: str, slot: Callable[[], Any],
                shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None) -> QAction:
        action = QAction(text, self)
        if isinstance(shortcut, QKeySequence.StandardKey):
            action.setShortcuts(shortcut)  # every binding of the platform (Ctrl+W and Ctrl+F4)
        elif shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        _ = self._
        keys = QKeySequence.StandardKey
        self.new_action = self._action(_("&Nouveau dossier…"), self.go_home, keys.New)
        self.open_action = self._action(_("&Ouvrir…"), self.open_dialog, keys.Open)
        self.save_action = self._action(_("&Enregistrer"), self.save, keys.Save)
        self.save_as_action = self._action(_("Enregistrer &sous…"), self.save_as, "Ctrl+Shift+S")
        self.close_action = self._action(_("&Fermer le dossier"), self.close_dossier, keys.Close)
        self.quit_action = self._action(_("&Quitter"), self.close, "Ctrl+Q")
        self.find_action = self._action(_("&Rechercher une clause"), self.find_clause, keys.Find)
        self.previous_action = self._action(_("Étape &précédente"), self.previous_step,
                                            "Ctrl+PgUp")
        self.next_action = self._action(_("Étape &suivante"), self.next_step, "Ctrl+PgDown")
        self.findings_action = self._action(_("Aller aux &constats"), self.focus_findings, "F6")
        self.preview_action = self._action(_("Afficher l’&aperçu"), self.focus_preview, "F7")
        self.generate_action = self._action(_("&Générer les documents…"), self.go_generate,
                                            "Ctrl+G")
        self.panel_action = self._action(_("Afficher ou masquer le &panneau latéral"),
                                         self.toggle_side_panel, "F8")
        self.review_action = self._action(_("Relecture &juridique…"), self.show_review)
        self.followup_action = self._action(_("&Suivi des achats responsables (SPASER)…"),
                                            self.show_followup)
        self.settings_action = self._action(_("&Paramètres…"), self.edit_settings)
        about = self._action(_("À &propos de Clausier"), self.about)
        file_menu = self.menuBar().addMenu(_("&Fichier"))
        file_menu.addAction(self.new_action)
        file_menu.addAction(self.open_action)
        self.recent_menu = QMenu(_("Dossiers &récents"), self)
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addMenu(self.recent_menu)
        file_menu.addAction(self.review_action)
        file_menu.addAction(self.followup_action)
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        file_menu.addAction(self.save_action)
        file_menu.addAction(self.save_as_action)
        file_menu.addAction(self.close_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        dossier_menu = self.menuBar().addMenu(_("&Dossier"))
        for action in (self.previous_action, self.next_action, self.find_action,
                       self.findings_action, self.preview_action, self.panel_action,
                       self.generate_action):
            dossier_menu.addAction(action)
        help_menu = self.menuBar().addMenu(_("&Aide"))
        help_menu.addAction(about)
        self._update_actions()

    def _fill_recent_menu(self) -> None:
        _ = self._
        self.recent_menu.clear()
        paths = self.recent.paths()
        if not paths:
            empty = self.recent_menu.addAction(_("Aucun dossier récent"))
            empty.setEnabled(False)
        for path in paths:
            action = self.recent_menu.addAction(str(path))
            action.triggered.connect(lambda _checked=False, p=path: self.request_open(p))

    def _update_actions(self) -> None:
        has_dossier = self.editor is not None
        for action in (self.save_action, self.save_as_action, self.close_action,
                       self.previous_action, self.next_action, self.findings_action,
                       self.preview_action, self.panel_action, self.generate_action):
            action.setEnabled(has_dossier)

    def _update_title(self) -> None:
        _ = self._
        if self.editor is None:
            self.setWindowTitle(_("Clausier — rédaction de marchés publics responsables"))
            return
        name = self.path.name if self.path else _("non enregistré")
        self.setWindowTitle(f"{self.editor.title()} ({name})[*] — Clausier")
        self.setWindowModified(self.dirty)

    # ----------------------------------------------------------------------------- core

    def start_loading(self) -> None:
        """Load the core on the worker (the window is already shown)."""
        library_dir, data_dir = self.library_dir, self.data_dir
        self.worker.submit(lambda report: _start(library_dir, data_dir, report),
                           self._started, self._core_failed)

    def _started(self, started: Started) -> None:
        self._settings, self.settings_problem = started.settings, started.settings_problem
        self.core_ready(started.core)

    @property
    def settings(self) -> Settings:
        """The user's settings (read from their data folder the first time)."""
        if self._settings is None:
            from drafting_app.ui.settings import load_settings

            self._settings, self.settings_problem = load_settings(self.data_dir)
        return self._settings

    def load_now(self) -> None:
        """Load the core on this thread (tests, scripts)."""
        from drafting_app.ui.core import load_core

        settings = self.settings
        _clean_after_crash(self.library_dir, settings, self.data_dir)
        self.core_ready(load_core(self.library_dir, organisation_dir=settings.organisation_dir,
                                  user_dir=settings.user_dir))

    def core_ready(self, core: Core) -> None:
        """The library is loaded: enable everything, then offer to recover a crashed session."""
        _ = self._
        self.core = core
        self.library_stamp = self._stamp()
        if self.settings_problem:
            QTimer.singleShot(0, lambda: self.statusBar().showMessage(
                self.settings_problem or "", 20_000))
        if core.problems:
            message = _("La bibliothèque de clauses a {n} problème(s) : lancez « clausier "
                        "library check » pour le détail.").format(n=len(core.problems))
        else:
            message = _("Bibliothèque : {clauses} clauses, {documents} modèles de pièces.").format(
                clauses=len(core.library.clauses), documents=len(core.library.documents))
        self.start.set_ready(True, message)
        self.statusBar().showMessage(message, 0 if core.problems else 10_000)
        if self.offer_recovery_on_ready:
            QTimer.singleShot(0, self.offer_recovery)

    def _core_failed(self, error: BaseException) -> None:
        _ = self._
        message = _("La bibliothèque de clauses n’a pas pu être chargée : {error}").format(
            error=error)
        self.start.set_ready(False, message)
        QMessageBox.critical(self, _("Clausier"), message)

    # ----------------------------------------------------------------------------- screens

    def go_home(self) -> None:
        """Back to the start screen (Ctrl+N), closing the dossier after asking to save it."""
        if self.editor is not None and not self.close_dossier():
            return
        self.stack.setCurrentWidget(self.start)

    def show_library(self) -> None:
        """The clause library on its own, to read and try clauses without a dossier."""
        if self.core is None:
            return
        if self.library_page is None:
            from drafting_app.ui.clause_browser import ClauseBrowser

            _ = self._
            page = QWidget()
            layout = QVBoxLayout(page)
            back = QPushButton(_("◀ Retour à l’accueil"))
            back.clicked.connect(lambda: self.stack.setCurrentWidget(self.start))
            row = QHBoxLayout()
            row.addWidget(back)
            row.addStretch(1)
            layout.addLayout(row)
            self.library_browser = ClauseBrowser(self.core, self._)
            layout.addWidget(self.library_browser, 1)
            self.library_page = page
            self.stack.addWidget(page)
        self.stack.setCurrentWidget(self.library_page)

    def show_review(self) -> None:
        """The legal review screen, on the library folder (a window of its own)."""
        from drafting_app.paths import shipped_library
        from drafting_app.ui.review_screen import ReviewScreen

        if self.review_screen is None:
            root = self.core.library.root if self.core is not None else (
                self.library_dir or shipped_library())
            self.review_screen = ReviewScreen(
                self._, root, organisation_dir=self.settings.organisation_dir,
                user_dir=self.settings.user_dir, parent=self)
            if self.settings.reviewer and not self.review_screen.reviewer.text().strip():
                self.review_screen.reviewer.setText(self.settings.reviewer)
            self.review_screen.finished.connect(lambda _result: self.review_closed())
        self.review_screen.show()
        self.review_screen.raise_()
        self.review_screen.activateWindow()

    def show_followup(self) -> None:
        """The « Suivi » screen: a register's SPASER indicators and exports (its own window)."""
        from platformdirs import user_cache_dir

        from drafting_app.paths import shipped_library
        from drafting_app.ui.followup_screen import FollowupScreen

        if self.followup_screen is None:
            root = self.core.library.root if self.core is not None else (
                self.library_dir or shipped_library())
            self.followup_screen = FollowupScreen(
                self._, root, Path(user_cache_dir("clausier", appauthor=False)), parent=self)
        self.followup_screen.show()
        self.followup_screen.raise_()
        self.followup_screen.activateWindow()

    def review_closed(self) -> None:
        """The review window closed: keep the reviewer's name, show the new statuses."""
        screen = self.review_screen
        if screen is not None:
            name = screen.reviewer.text().strip()
            if name and name != self.settings.reviewer:
                self._store_settings(self.settings.model_copy(update={"reviewer": name}))
        self.refresh_library()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if (event.type() == QEvent.Type.ActivationChange and self.isActiveWindow()
                and self.review_screen is not None and self.review_screen.isVisible()):
            self.refresh_library()  # back from the review window, still open

    def _roots(self) -> list[Path | None]:
        root = self.core.library.root if self.core is not None else self.library_dir
        return [root, self.settings.organisation_dir, self.settings.user_dir]

    def _stamp(self) -> frozenset[tuple[str, int]]:
        from drafting_app.ui.core import library_stamp

        return library_stamp(self._roots())

    def refresh_library(self, force: bool = False) -> bool:
        """Reload the library when its clause files changed (a review), then show it anew."""
        if self.core is None or self._reloading:
            return False
        if not force and self._stamp() == self.library_stamp:
            return False
        self._reloading = True
        settings, library_dir = self.settings, self.core.library.root
        self.worker.submit(lambda report: _load_core(library_dir, settings, report),
                           self._library_reloaded, self._library_reload_failed)
        return True

    def _library_reloaded(self, core: Core) -> None:
        _ = self._
        self._reloading = False
        self.core = core
        self.library_stamp = self._stamp()
        if self.editor is not None:
            self.editor.set_core(core)
        if self.library_browser is not None:
            self.library_browser.set_core(core)
        self.statusBar().showMessage(_("Bibliothèque à jour : {n} clauses.").format(
            n=len(core.library.clauses)), 10_000)

    def _library_reload_failed(self, error: BaseException) -> None:
        self._reloading = False
        self.statusBar().showMessage(self._("La bibliothèque n’a pas pu être relue : {error}")
                                     .format(error=error), 15_000)

    def edit_settings(self) -> None:
        """« Paramètres »: clause folders and reviewer's name; the library follows."""
        chosen, accepted = SettingsDialog.edit(self, self.settings, self._)
        if not accepted or chosen == self.settings:
            return
        folders_changed = (chosen.organisation_dir, chosen.user_dir) != (
            self.settings.organisation_dir, self.settings.user_dir)
        self._store_settings(chosen)
        if folders_changed:
            if self.review_screen is not None:
                self.review_screen.close()
                self.review_screen.deleteLater()
                self.review_screen = None
            self.refresh_library(force=True)

    def _store_settings(self, settings: Settings) -> None:
        from drafting_app.ui.settings import save_settings

        _ = self._
        self._settings = settings
        try:
            save_settings(self.data_dir, settings)
        except OSError as exc:
            self.statusBar().showMessage(_("Paramètres non enregistrés : {why}").format(
                why=exc.strerror or exc), 15_000)

    def new_dossier(self, kind: str) -> None:
        """Start a new dossier of a kind (marche_public, convention_annuelle, cpo)."""
        from drafting_app.dossier.model import DossierKind
        from drafting_app.ui.draft import new_draft

        if self.core is None or not self.maybe_save():
            return
        self.show_editor(new_draft(DossierKind(kind), dt.date.today()), None)
        if self.editor is not None:
            self.editor.focus_first()

    def show_editor(self, draft: dict[str, Any], path: Path | None, dirty: bool = False) -> None:
        """Open a draft in a new editor, replacing the current one."""
        from drafting_app.ui.dossier_editor import DossierEditor

        assert self.core is not None
        self._drop_editor()
        editor = DossierEditor(self.core, self.worker, self._, draft, self.open_url)
        editor.changed.connect(self._changed)
        self.editor = editor
        self.stack.addWidget(editor)
        self.stack.setCurrentWidget(editor)
        self.path = path
        self.dirty = dirty
        self._autosave_pending = dirty
        self._suggest_folder()
        self._update_actions()
        self._update_title()

    def _drop_editor(self) -> None:
        if self.editor is not None:
            self.editor.shutdown()
            self.worker.wait_idle()
            self.stack.removeWidget(self.editor)
            self.editor.deleteLater()
            self.editor = None

    def _suggest_folder(self) -> None:
        if self.editor is None:
            return
        from drafting_app.documents.generate import slug

        name = slug(self.editor.reference() or self.editor.title())
        base = self.path.parent if self.path else default_documents_dir()
        self.editor.generate_panel.set_default_folder(base / f"{name}_documents")

    def _changed(self) -> None:
        self._suggest_folder()  # named after the reference or title as typed
        self.dirty = True
        self._autosave_pending = True
        self._update_title()

    # ----------------------------------------------------------------------------- files

    def maybe_save(self) -> bool:
        """Ask about unsaved changes; True when it is fine to go on."""
        if self.editor is None or not self.dirty:
            return True
        choice, go_on = UnsavedChangesDialog.ask(self, self.editor.title(), self._)
        if choice is Unsaved.SAVE:
            return self.save()
        return go_on

    def open_dialog(self) -> None:
        """Choose a dossier file to open (Ctrl+O)."""
        _ = self._
        if self.core is None or not self.maybe_save():
            return
        start = str(self._dossier_folder())
        chosen, _filter = QFileDialog.getOpenFileName(
            self, _("Ouvrir un dossier"), start,
            _("Dossiers Clausier (*.json);;Tous les fichiers (*)"))
        if chosen:
            self.open_path(Path(chosen))

    def request_open(self, path: Path, as_copy: bool = False) -> None:
        """Open a recent dossier or an example, after asking about unsaved changes."""
        if self.core is not None and self.maybe_save():
            self.open_path(path, as_copy=as_copy)

    def open_path(self, path: Path, as_copy: bool = False) -> bool:
        """Open a dossier file; an incomplete one opens with its problems listed."""
        from drafting_app.dossier.storage import DossierError, load_dossier
        from drafting_app.ui.draft import dossier_draft, loose_draft

        _ = self._
        problems: list[str] = []
        try:
            draft = dossier_draft(load_dossier(path))
        except DossierError as exc:
            # only a readable JSON table opens as an incomplete draft (not a FIFO, a huge file…)
            loose = loose_draft(exc.data)
            if loose is None:
                QMessageBox.warning(
                    self, _("Ouvrir un dossier"),
                    _("Le fichier {path} ne peut pas être ouvert :").format(path=path) + "\n"
                    + "\n".join(f"• {problem}" for problem in exc.problems))
                return False
            draft, problems = loose, exc.problems
        self.show_editor(draft, None if as_copy else path)
        if not as_copy:
            self.recent.add(path)
            self.start.set_recent(self.recent.paths())
        if problems:
            self.statusBar().showMessage(
                _("Dossier incomplet : {n} point(s) à compléter, voyez les constats.").format(
                    n=len(problems)), 15_000)
        elif as_copy:
            self.statusBar().showMessage(
                _("Exemple ouvert comme nouveau dossier : enregistrez-le sous un autre nom."),
                15_000)
        return True

    def _dossier_folder(self) -> Path:
        """Where dossiers are proposed: the current one's folder, else Documents/Clausier."""
        if self.path is not None:
            return self.path.parent
        folder = default_documents_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return Path.home()
        return folder

    def save(self) -> bool:
        """Save the dossier (Ctrl+S); asks for a file the first time."""
        if self.editor is None:
            return False
        if self.path is None:
            return self.save_as()
        return self.write(self.path)

    def save_as(self) -> bool:
        """Save the dossier under a new name."""
        if self.editor is None:
            return False
        from drafting_app.documents.generate import slug

        _ = self._
        suggested = self.path or (self._dossier_folder() / f"{slug(self.editor.title())}.json")
        chosen, _filter = QFileDialog.getSaveFileName(
            self, _("Enregistrer le dossier"), str(suggested),
            _("Dossiers Clausier (*.json)"))
        if not chosen:
            return False
        path = Path(chosen)
        if path.suffix.lower() != ".json":
            path = path.with_suffix(".json")
        return self.write(path)

    def write(self, path: Path) -> bool:
        """Write the dossier atomically; an incomplete one is kept as it is, after asking."""
        from drafting_app.dossier.storage import save_dossier
        from drafting_app.files.atomic import atomic_write_bytes
        from drafting_app.review.where_used import stamp_versions
        from drafting_app.ui.draft import draft_json, stamp_draft_versions

        assert self.editor is not None
        _ = self._
        dossier, count = self.editor.validate_now()
        if self.core is not None:  # the clause versions the dossier is drafted with (where-used)
            stamp_draft_versions(self.editor.draft(), self.core.library)
            if dossier is not None:
                dossier = stamp_versions(dossier, self.core.library)
        try:
            if dossier is not None:
                save_dossier(dossier, path)
            else:
                answer = QMessageBox.question(
                    self, _("Dossier incomplet"),
                    _("Le dossier est incomplet ({n} champ(s) à compléter ou corriger). "
                      "L’enregistrer tel quel ? Vous pourrez le compléter plus tard.").format(
                        n=count),
                    QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel,
                    QMessageBox.StandardButton.Save)
                if answer != QMessageBox.StandardButton.Save:
                    return False
                atomic_write_bytes(path, draft_json(self.editor.draft()).encode("utf-8"))
        except OSError as exc:
            QMessageBox.warning(self, _("Enregistrer le dossier"),
                                _("Enregistrement impossible dans {path} : {why}").format(
                                    path=path, why=exc.strerror or exc))
            return False
        self.path = path
        self.dirty = False
        self._autosave_pending = False
        self.autosave.clear()
        self.recent.add(path)
        self.start.set_recent(self.recent.paths())
        self._suggest_folder()
        self._update_title()
        self.statusBar().showMessage(_("Dossier enregistré : {path}").format(path=path), 10_000)
        return True

    def close_dossier(self) -> bool:
        """Close the dossier (Ctrl+W) after asking about unsaved changes."""
        if self.editor is None:
            return True
        if not self.maybe_save():
            return False
        self.worker.wait_idle()
        self._drop_editor()
        self.path = None
        self.dirty = False
        self.autosave.clear()
        self.start.set_recent(self.recent.paths())
        self.stack.setCurrentWidget(self.start)
        self._update_actions()
        self._update_title()
        return True

    def autosave_now(self) -> bool:
        """Write the autosave if the dossier changed since the last one (every minute)."""
        if self.editor is None or not self.dirty or not self._autosave_pending:
            return False
        try:
            self.autosave.write(self.editor.draft(), self.path, self.editor.title())
        except OSError:
            self.statusBar().showMessage(self._("Sauvegarde automatique impossible."), 10_000)
            return False
        self._autosave_pending = False
        return True

    def offer_recovery(self) -> None:
        """Offer to reopen the dossiers that crashed sessions left in the autosave folder."""
        for recovered in self.autosave.orphans():
            choice, _decided = RecoveryDialog.ask(self, recovered, self._)
            if choice is Recovery.DISCARD:
                Autosave.discard(recovered)
            elif choice is Recovery.RECOVER and self.core is not None and self.maybe_save():
                self.show_editor(recovered.draft, recovered.original, dirty=True)
                Autosave.discard(recovered)
                self.autosave_now()
                self.statusBar().showMessage(
                    self._("Dossier récupéré : enregistrez-le pour garder ces modifications."),
                    15_000)
                return

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.maybe_save():
            event.ignore()
            return
        if self.editor is not None:
            self.editor.shutdown()
        self.worker.wait_idle()
        self.autosave.close()
        event.accept()

    # ----------------------------------------------------------------------------- dossier

    def find_clause(self) -> None:
        """Ctrl+F: the clause search of the dossier, or of the library."""
        if self.editor is not None and self.stack.currentWidget() is self.editor:
            index = next((i for i, s in enumerate(self.editor.steps) if s.special == "clauses"),
                         None)
            if index is not None and self.editor.clause_step is not None:
                self.editor.go_to(index)
                self.editor.clause_step.browser.focus_search()
            return
        self.show_library()
        if self.library_browser is not None:
            self.library_browser.focus_search()

    def previous_step(self) -> None:
        """Ctrl+PgUp."""
        if self.editor is not None:
            self.editor.previous_step()

    def next_step(self) -> None:
        """Ctrl+PgDown."""
        if self.editor is not None:
            self.editor.next_step()

    def toggle_side_panel(self) -> None:
        """F8: show or hide the findings and preview panel."""
        if self.editor is not None:
            self.editor.toggle_side_panel()

    def focus_findings(self) -> None:
        """F6: the findings list."""
        if self.editor is not None:
            self.editor.show_side_panel(True)
            self.editor.side.setCurrentWidget(self.editor.findings)
            self.editor.findings.list.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_preview(self) -> None:
        """F7: the preview."""
        if self.editor is not None:
            self.editor.show_side_panel(True)
            self.editor.side.setCurrentWidget(self.editor.preview)
            self.editor.preview.browser.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def go_generate(self) -> None:
        """Ctrl+G: the documents step."""
        if self.editor is not None:
            self.editor.go_to(len(self.editor.steps) - 1)
            self.editor.generate_panel.button.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def about(self) -> None:
        """A few words about Clausier."""
        from drafting_app import __version__

        _ = self._
        QMessageBox.about(self, _("À propos de Clausier"), _(
            "Clausier {version}\n\nAssistant hors ligne de rédaction de marchés publics "
            "responsables et de conventions de subvention.\n\nLes clauses et les vérifications "
            "citent leurs fondements juridiques ; faites relire vos documents par votre service "
            "juridique avant publication.").format(version=__version__))
