"""The main window: the clause library, searchable, with each clause's text and legal basis."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from drafting_app.export_html import blocks_to_html
from drafting_app.library import Clause, Problem
from drafting_app.markup import french_typography
from drafting_app.render import Renderer, RenderError
from drafting_app.samples import SampleDossiers, load_samples
from drafting_app.search import search_clauses

CLAUSE_ID_ROLE = Qt.ItemDataRole.UserRole


class MainWindow(QMainWindow):
    """Clausier's main window."""

    def __init__(
        self,
        renderer: Renderer,
        problems: Sequence[Problem],
        translate: Callable[[str], str],
    ) -> None:
        super().__init__()
        _ = translate
        self._ = translate
        self.renderer = renderer
        self.library = renderer.library
        self.samples: SampleDossiers = load_samples(self.library)[0]
        self.setWindowTitle(_("Clausier — rédaction de marchés publics responsables"))
        self.resize(1100, 720)

        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Rechercher une clause (ex. : insertion, équitable…)"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(_("Recherche de clauses"))
        self.clause_list = QListWidget()
        self.clause_list.setAccessibleName(_("Clauses"))
        self.count = QLabel()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(self.search)
        left_layout.addWidget(self.clause_list, 1)
        left_layout.addWidget(self.count)

        self.details = QTextBrowser()
        self.details.setOpenExternalLinks(False)
        self.details.setAccessibleName(_("Texte de la clause"))
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([360, 740])
        self.setCentralWidget(splitter)

        find = QAction(_("Rechercher une clause"), self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(self.focus_search)
        quit_action = QAction(_("Quitter"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu = self.menuBar().addMenu(_("&Fichier"))
        file_menu.addAction(quit_action)
        edit_menu = self.menuBar().addMenu(_("&Édition"))
        edit_menu.addAction(find)

        self.search.textChanged.connect(self.refresh_list)
        self.clause_list.currentItemChanged.connect(self._show_current)
        self.refresh_list("")
        if problems:
            self.statusBar().showMessage(
                _("La bibliothèque a {n} problème(s) : lancez « clausier library check ».")
                .format(n=len(problems))
            )
        else:
            self.statusBar().showMessage(
                _("Bibliothèque : {n} clauses").format(n=len(self.library.clauses))
            )

    def focus_search(self) -> None:
        """Put the cursor in the search field (Ctrl+F)."""
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def refresh_list(self, query: str) -> None:
        """Show the clauses matching the search, accent- and case-insensitively."""
        _ = self._
        found = search_clauses(self.library, query)
        self.clause_list.clear()
        for clause in found:
            item = QListWidgetItem(french_typography(clause.meta.title))
            item.setData(CLAUSE_ID_ROLE, clause.id)
            item.setToolTip(f"{clause.meta.category} — {clause.meta.status.value}")
            self.clause_list.addItem(item)
        self.count.setText(_("{n} clause(s)").format(n=len(found)))
        if found:
            self.clause_list.setCurrentRow(0)
        else:
            self.details.setHtml(
                "<p>" + html.escape(_("Aucune clause ne correspond à la recherche.")) + "</p>"
            )

    def _show_current(self, item: QListWidgetItem | None, _previous: object) -> None:
        if item is None:
            return
        clause = self.library.clause(str(item.data(CLAUSE_ID_ROLE)))
        if clause is not None:
            self.details.setHtml(self.clause_html(clause))

    def clause_html(self, clause: Clause) -> str:
        """A clause's card: title, status, legal basis, note to the buyer, sample rendering."""
        _ = self._
        meta = clause.meta
        dossier = self.samples.for_clause(clause)
        if dossier is None:
            preview = f"<pre>{html.escape(clause.text)}</pre>"
        else:
            try:
                preview = blocks_to_html(self.renderer.render_clause(clause, dossier))
            except RenderError as exc:
                preview = "<br>".join(html.escape(str(p)) for p in exc.problems)
        references = "".join(
            f"<li>{html.escape(r.label())} — {html.escape(french_typography(r.note))}</li>"
            for r in meta.references
        )
        note = "".join(
            f"<p>{html.escape(french_typography(' '.join(chunk.split())))}</p>"
            for chunk in meta.note.strip().split("\n\n")
        )
        return (
            f"<h2>{html.escape(french_typography(meta.title))}</h2>"
            f"<p><b>{html.escape(_('Statut'))} :</b> {html.escape(meta.status.value)} — "
            f"<b>{html.escape(_('Version'))} :</b> {meta.version} — "
            f"<b>{html.escape(_('Catégorie'))} :</b> {html.escape(meta.category)}</p>"
            f"<h3>{html.escape(_('Fondement juridique'))}</h3><ul>{references}</ul>"
            f"<h3>{html.escape(_('Note à l’acheteur'))}</h3>{note}"
            f"<h3>{html.escape(_('Rendu avec les valeurs d’exemple'))}</h3>"
            f"<div style='margin-left: 12px'>{preview}</div>"
        )
