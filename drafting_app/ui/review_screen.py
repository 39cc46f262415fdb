"""The legal review screen: filter clauses, read their wording and history, decide, compare."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from drafting_app.documents.blocks import Block, Heading, ListItem, Paragraph, Table, plain_text
from drafting_app.review.clause_files import ReviewError, read_clause_files
from drafting_app.review.diff import Comparison, Segment, compare_clause, unwrap
from drafting_app.review.history import TRANSITIONS, record_review
from drafting_app.review.layers import Layer, LayeredLibrary, LayerKind, load_layers
from drafting_app.review.readable import pieces, readable_wording
from drafting_app.review.shared import SaveOutcome, list_conflicts
from drafting_app.review.versions import ClauseVersion, list_versions
from drafting_app.ui.field_specs import category_labels, humanise
from drafting_app.ui.i18n import Tr
from drafting_app.ui.model_form import ERROR_STYLE, HELP_STYLE
from drafting_app.wording.library import Clause
from drafting_app.wording.markup import french_typography
from drafting_app.wording.model import ClauseStatus
from drafting_app.wording.render import Formats, make_environment
from drafting_app.wording.search import fold
from drafting_app.wording.thresholds import threshold_labels_of

CLAUSE_ID_ROLE = Qt.ItemDataRole.UserRole
ALL = "__all__"
S = ClauseStatus
INSERT_STYLE = "color: #0b6b2b; background-color: #e3f6e8; text-decoration: underline;"
DELETE_STYLE = "color: #a4000f; background-color: #fde7e9; text-decoration: line-through;"
OK_STYLE = "color: #0b6b2b;"
VALUE_STYLE = "background-color: #fff176; font-weight: bold;"
NOTE_STYLE = "color: #1f4e79; background-color: #deeaf6; font-style: italic;"


@dataclass
class BatchReport:
    """What « Valider toute la sélection » did: validated, refused (with why), left as is."""

    validated: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def lines(self, _: Tr) -> list[str]:
        """The report as French lines."""
        out = [_("{n} clause(s) validée(s).").format(n=len(self.validated))]
        if self.skipped:
            out.append(_("{n} clause(s) déjà validée(s) : rien à faire ({ids}).").format(
                n=len(self.skipped), ids=", ".join(self.skipped)))
        if self.refused:
            out.append(_("{n} clause(s) refusée(s) :").format(n=len(self.refused)))
            out.extend(f"• {clause_id} : {why}" for clause_id, why in self.refused)
        return out


class ConfirmBatchDialog(QMessageBox):
    """Ask before validating every listed clause at once."""

    def __init__(self, parent: QWidget | None, count: int, who: str, tr: Tr) -> None:
        super().__init__(parent)
        _ = tr
        self.setIcon(QMessageBox.Icon.Question)
        self.setWindowTitle(_("Valider toute la sélection"))
        self.setText(_("Valider les {n} clause(s) affichée(s) au nom de {who} ?").format(
            n=count, who=who))
        self.setInformativeText(_("Chaque validation est enregistrée dans l’historique de la "
                                  "clause ; celles qui ne peuvent pas être validées sont "
                                  "laissées telles quelles, avec la raison."))
        self.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        self.setDefaultButton(QMessageBox.StandardButton.No)
        yes = self.button(QMessageBox.StandardButton.Yes)
        if yes is not None:
            yes.setText(_("Valider"))
        no = self.button(QMessageBox.StandardButton.No)
        if no is not None:
            no.setText(_("Annuler"))

    @classmethod
    def ask(cls, parent: QWidget | None, count: int, who: str, tr: Tr) -> bool:
        """Whether the reviewer confirmed."""
        dialog = cls(parent, count, who, tr)
        return QMessageBox.StandardButton(dialog.exec()) == QMessageBox.StandardButton.Yes


def marked_html(text: str, state: str = "text") -> str:
    """Readable wording as HTML: placeholders highlighted in yellow, notes in blue italics."""
    out = []
    for piece, kind in pieces(text, state)[0]:
        escaped = html.escape(piece)
        if kind == "value":
            out.append(f"<span style='{VALUE_STYLE}'>{escaped}</span>")
        elif kind == "note":
            out.append(f"<span style='{NOTE_STYLE}'>{escaped}</span>")
        else:
            out.append(escaped)
    return "".join(out)


def wording_html(blocks: Sequence[Block]) -> str:
    """A clause's readable wording as HTML paragraphs, lists and tables."""
    parts = []
    for block in blocks:
        if isinstance(block, Heading):
            parts.append(f"<p><b>{marked_html(plain_text(block.runs))}</b></p>")
        elif isinstance(block, Paragraph):
            style = f" style='{HELP_STYLE}'" if block.style == "note" else ""
            parts.append(f"<p{style}>{marked_html(plain_text(block.runs))}</p>")
        elif isinstance(block, ListItem):
            indent = 18 * (block.level + 1)
            parts.append(f"<p style='margin-left: {indent}px'>• "
                         f"{marked_html(plain_text(block.runs))}</p>")
        elif isinstance(block, Table):
            rows = "".join(
                "<tr>" + "".join(f"<td>{marked_html(plain_text(cell))}</td>" for cell in row)
                + "</tr>" for row in (block.header, *block.rows))
            parts.append(f"<table cellspacing='0' cellpadding='3' border='1'>{rows}</table>")
    return "".join(parts)


def segments_html(segments: Sequence[Segment]) -> str:
    """Word-level segments as HTML: insertions green underlined, deletions red struck."""
    out = []
    old_state = new_state = "text"
    for segment in segments:
        if segment.kind == "delete":
            text = marked_html(segment.text, old_state)
            old_state = pieces(segment.text, old_state)[1]
        else:
            text = marked_html(segment.text, new_state)
            new_state = pieces(segment.text, new_state)[1]
            if segment.kind == "equal":
                old_state = new_state
        if segment.kind == "insert":
            out.append(f"<span style='{INSERT_STYLE}'>{text}</span>")
        elif segment.kind == "delete":
            out.append(f"<span style='{DELETE_STYLE}'>{text}</span>")
        else:
            out.append(text)
    return "".join(out)


def comparison_html(comparison: Comparison, _: Tr) -> str:
    """A comparison of two versions as HTML, the changed parts only."""
    title = _("Version {old} ({old_status}) → version {new} ({new_status})").format(
        old=comparison.old.number, old_status=comparison.old.meta.status.value,
        new=comparison.new.number, new_status=comparison.new.meta.status.value)
    parts = [f"<p><b>{html.escape(title)}</b></p>"]
    if not comparison.changed:
        parts.append(f"<p>{html.escape(_('Aucune différence entre ces deux versions.'))}</p>")
    for section in comparison.sections:
        if not section.changed:
            continue
        parts.append(f"<h3>{html.escape(section.title)}</h3>")
        for change in section.changes:
            heading = re.match(r"#+ ", change.old or change.new or "")
            if change.kind == "equal":
                if change.old and change.old.strip():
                    line = marked_html(change.old[heading.end():] if heading else change.old)
                    line = f"<b>{line}</b>" if heading else line
                    parts.append(f"<p style='{HELP_STYLE}'>{line}</p>")
            else:
                segments = list(change.segments)
                if heading and segments and segments[0].kind == "equal" \
                        and segments[0].text.startswith(heading.group(0)):
                    segments[0] = Segment("equal", segments[0].text[heading.end():])
                line = segments_html(segments) or "&nbsp;"
                parts.append(f"<p>{f'<b>{line}</b>' if heading else line}</p>")
    return "".join(parts)


class ReviewScreen(QDialog):
    """« Relecture juridique »: a reviewer's decisions on the clauses of a library folder."""

    def __init__(
        self,
        tr: Tr,
        library_dir: Path,
        organisation_dir: Path | None = None,
        user_dir: Path | None = None,
        now: Callable[[], dt.datetime] = dt.datetime.now,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        _ = tr
        self._ = tr
        self.now = now
        self.layers: list[Layer] = [Layer(LayerKind.BUILTIN, library_dir)]
        if organisation_dir is not None:
            self.layers.append(Layer(LayerKind.ORGANISATION, organisation_dir))
        if user_dir is not None:
            self.layers.append(Layer(LayerKind.USER, user_dir))
        self.env = make_environment(Formats())
        self.layered: LayeredLibrary = load_layers(self.env, self.layers)
        self.categories = category_labels(tr)
        self.clause: Clause | None = None
        self.versions: list[ClauseVersion] = []
        self.last_report: BatchReport | None = None
        self.setWindowTitle(_("Relecture juridique — Clausier"))
        self.resize(1240, 780)

        # left: filters, the list, the batch validation
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Rechercher (titre, mot-clé, texte)…"))
        self.search.setAccessibleName(_("Rechercher une clause"))
        self.search.setClearButtonEnabled(True)
        self.category = QComboBox()
        self.category.setAccessibleName(_("Catégorie"))
        self.status = QComboBox()
        self.status.setAccessibleName(_("Statut"))
        self.status.addItem(_("Tous les statuts"), ALL)
        for status in S:
            self.status.addItem(status.value[:1].upper() + status.value[1:], status.value)
        self._fill_categories()
        self.list = QListWidget()
        self.list.setAccessibleName(_("Clauses"))
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.count = QLabel()
        self.count.setStyleSheet(HELP_STYLE)
        self.batch_button = QPushButton(_("Valider toute la sélection…"))
        self.batch_button.setToolTip(_("Valide chaque clause affichée ; celles qui ne peuvent "
                                       "pas l’être sont signalées avec la raison"))
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.search)
        filters = QFormLayout()
        filters.addRow(_("Catégorie"), self.category)
        filters.addRow(_("Statut"), self.status)
        left_layout.addLayout(filters)
        left_layout.addWidget(self.list, 1)
        left_layout.addWidget(self.count)
        left_layout.addWidget(self.batch_button)

        # right: the card and history, the comparison, then the decision
        self.card = QTextBrowser()
        self.card.setOpenLinks(False)
        self.card.setAccessibleName(_("Fiche de la clause"))
        self.old_version = QComboBox()
        self.old_version.setAccessibleName(_("Version de départ"))
        self.new_version = QComboBox()
        self.new_version.setAccessibleName(_("Version d’arrivée"))
        self.diff = QTextBrowser()
        self.diff.setAccessibleName(_("Comparaison des versions"))
        compare_page = QWidget()
        compare_layout = QVBoxLayout(compare_page)
        pick = QHBoxLayout()
        pick.addWidget(QLabel(_("Comparer la version")))
        pick.addWidget(self.old_version)
        pick.addWidget(QLabel(_("à la version")))
        pick.addWidget(self.new_version)
        pick.addStretch(1)
        self.renderings = QCheckBox(_("Comparer aussi l’exemple rédigé"))
        self.renderings.setToolTip(_("Compare aussi la clause rédigée avec ses valeurs "
                                     "d’exemple, dans chacune des deux versions"))
        pick.addWidget(self.renderings)
        legend = QLabel(_("<span style='{ins}'>ajouté</span> · <span style='{dele}'>supprimé"
                          "</span>").format(ins=INSERT_STYLE, dele=DELETE_STYLE))
        pick.addWidget(legend)
        compare_layout.addLayout(pick)
        compare_layout.addWidget(self.diff, 1)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.card, _("Fiche et historique"))
        self.tabs.addTab(compare_page, _("Comparer les versions"))

        self.reviewer = QLineEdit()
        self.reviewer.setAccessibleName(_("Nom du relecteur"))
        self.reviewer.setPlaceholderText(_("Prénom Nom"))
        self.comment = QPlainTextEdit()
        self.comment.setAccessibleName(_("Commentaire"))
        self.comment.setPlaceholderText(_("Motif de la décision, point à reprendre…"))
        self.comment.setFixedHeight(60)
        self.decision_buttons: dict[ClauseStatus, QPushButton] = {}
        buttons = QHBoxLayout()
        for status, label in ((S.VALIDATED, _("Valider")),
                              (S.TO_REVIEW, _("Remettre « à valider »")),
                              (S.DRAFT, _("Renvoyer en brouillon")),
                              (S.OBSOLETE, _("Marquer obsolète"))):
            button = QPushButton(label)
            button.clicked.connect(lambda _checked=False, s=status: self.decide(s))
            self.decision_buttons[status] = button
            buttons.addWidget(button)
        self.comment_button = QPushButton(_("Commenter seulement"))
        self.comment_button.clicked.connect(lambda _checked=False: self.comment_only())
        buttons.addWidget(self.comment_button)
        buttons.addStretch(1)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        decision_box = QGroupBox(_("Décision"))
        decision_layout = QFormLayout(decision_box)
        decision_layout.addRow(_("Relecteur"), self.reviewer)
        decision_layout.addRow(_("Commentaire"), self.comment)
        decision_layout.addRow(buttons)
        decision_layout.addRow(self.message)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.tabs, 1)
        right_layout.addWidget(decision_box)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([440, 800])
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet(ERROR_STYLE)
        layout.addWidget(self.problems)
        layout.addWidget(splitter, 1)
        layout.addWidget(close)

        self.search.textChanged.connect(lambda _text: self.refresh())
        self.category.currentIndexChanged.connect(lambda _i: self.refresh())
        self.status.currentIndexChanged.connect(lambda _i: self.refresh())
        self.list.currentItemChanged.connect(lambda item, _old: self._selected(item))
        self.old_version.currentIndexChanged.connect(lambda _i: self.show_comparison())
        self.new_version.currentIndexChanged.connect(lambda _i: self.show_comparison())
        self.renderings.toggled.connect(lambda _on: self.show_comparison())
        self.batch_button.clicked.connect(lambda _checked=False: self.validate_listed())
        self._show_problems()
        self.refresh()

    # ----------------------------------------------------------------------------- library

    def _fill_categories(self) -> None:
        current = self.category.currentData() or ALL
        self.category.blockSignals(True)
        self.category.clear()
        self.category.addItem(self._("Toutes les catégories"), ALL)
        for category in sorted({c.meta.category for c in self.layered.library.clauses.values()}):
            self.category.addItem(self.categories.get(category, humanise(category)), category)
        self.category.setCurrentIndex(max(0, self.category.findData(current)))
        self.category.blockSignals(False)

    def _show_problems(self) -> None:
        count = len(self.layered.problems)
        self.problems.setText(self._(
            "La bibliothèque a {n} problème(s) : les clauses invalides n’apparaissent pas ici "
            "(clausier library check).").format(n=count) if count else "")
        self.problems.setVisible(bool(count))

    def reload(self) -> None:
        """Read the library again from disk, keeping the filters and the selected clause."""
        selected = self.clause.id if self.clause is not None else None
        self.layered = load_layers(self.env, self.layers)
        self._fill_categories()
        self._show_problems()
        self.refresh(selected)

    def select_filters(self, category: str | None = None, status: str | None = None) -> None:
        """Choose a category and a status by their values (None: all)."""
        self.category.setCurrentIndex(max(0, self.category.findData(category or ALL)))
        self.status.setCurrentIndex(max(0, self.status.findData(status or ALL)))

    def matching(self) -> list[Clause]:
        """The clauses the filters and the search keep, by category then title."""
        category = self.category.currentData()
        status = self.status.currentData()
        words = fold(self.search.text()).split()
        found = []
        for clause in self.layered.library.clauses.values():
            meta = clause.meta
            if category != ALL and meta.category != category:
                continue
            if status != ALL and meta.status.value != status:
                continue
            if words:
                haystack = fold(" ".join([meta.id, meta.title, meta.summary, *meta.keywords,
                                          clause.text]))
                if not all(word in haystack for word in words):
                    continue
            found.append(clause)
        return sorted(found, key=lambda c: (c.meta.category, fold(c.meta.title)))

    def listed_ids(self) -> list[str]:
        """The ids of the clauses listed now."""
        return [str(self.list.item(row).data(CLAUSE_ID_ROLE)) for row in range(self.list.count())]

    def refresh(self, keep: str | None = None) -> None:
        """Fill the list from the filters; keep the selected clause when it is still listed."""
        _ = self._
        keep = keep or (self.clause.id if self.clause is not None else None)
        self.list.blockSignals(True)
        self.list.clear()
        chosen = None
        for clause in self.matching():
            meta = clause.meta
            origin = self.layered.origin(clause.id)
            where = f" — {origin.label}" if origin is not None and len(self.layers) > 1 else ""
            item = QListWidgetItem(f"{french_typography(meta.title)}\n{meta.status.value} — "
                                   f"version {meta.version}{where}")
            item.setData(CLAUSE_ID_ROLE, clause.id)
            item.setToolTip(clause.id)
            self.list.addItem(item)
            if clause.id == keep:
                chosen = item
        self.list.blockSignals(False)
        self.count.setText(_("{n} clause(s)").format(n=self.list.count()))
        self.batch_button.setEnabled(self.list.count() > 0)
        if chosen is None and self.list.count():
            chosen = self.list.item(0)
        self.list.blockSignals(True)
        if chosen is not None:
            self.list.setCurrentItem(chosen)
        self.list.blockSignals(False)
        self._selected(chosen)

    def select_clause(self, clause_id: str) -> bool:
        """Select a listed clause by id."""
        for row in range(self.list.count()):
            if self.list.item(row).data(CLAUSE_ID_ROLE) == clause_id:
                self.list.setCurrentRow(row)
                return True
        return False

    def _selected(self, item: QListWidgetItem | None) -> None:
        clause_id = item.data(CLAUSE_ID_ROLE) if item is not None else None
        self.clause = self.layered.library.clause(str(clause_id)) if clause_id else None
        self.show_card()
        self._fill_versions()
        self._update_buttons()

    # ----------------------------------------------------------------------------- card

    def show_card(self) -> None:
        """Title, status, version, origin, legal basis, note to the buyer, history."""
        _ = self._
        clause = self.clause
        if clause is None:
            self.card.setHtml(f"<p>{html.escape(_('Aucune clause ne correspond aux filtres.'))}"
                              "</p>")
            return
        meta = clause.meta
        origin = self.layered.origin(clause.id)
        category = self.categories.get(meta.category, humanise(meta.category))
        references = "".join(
            f"<li>{html.escape(r.label())}"
            + (f" — {html.escape(french_typography(r.note))}" if r.note else "") + "</li>"
            for r in meta.references)
        if not references:
            reason = meta.no_reference_reason.strip() or _("aucune référence citée")
            references = f"<li>{html.escape(reason)}</li>"
        note = "".join(f"<p>{html.escape(french_typography(line))}</p>"
                       for line in unwrap(meta.note).splitlines())
        rows = "".join(
            f"<tr><td>{e.when.strftime('%d/%m/%Y')}</td><td>{html.escape(e.who)}</td>"
            f"<td>{html.escape(e.decision.value)}</td><td>{e.version}</td>"
            f"<td>{html.escape(e.comment)}</td></tr>" for e in meta.history)
        head = "".join(f"<th align='left'>{html.escape(h)}</th>" for h in (
            _("Date"), _("Relecteur"), _("Décision"), _("Version"), _("Commentaire")))
        history = (f"<table cellspacing='0' cellpadding='3' border='1' width='100%'>"
                   f"<tr>{head}</tr>{rows}</table>" if rows else
                   f"<p>{html.escape(_('Aucune décision enregistrée.'))}</p>")
        conflicts = "".join(
            f"<p style='{ERROR_STYLE}'>{html.escape(_('Conflit d’enregistrement à résoudre : '))}"
            f"{html.escape(str(copy))}</p>" for copy in list_conflicts(clause.folder))
        where = f" — <b>{html.escape(_('Origine'))} :</b> {html.escape(origin.label)}" if (
            origin is not None) else ""
        self.card.setHtml(
            f"<h2>{html.escape(french_typography(meta.title))}</h2>"
            f"<p><b>{html.escape(_('Statut'))} :</b> {html.escape(meta.status.value)} — "
            f"<b>{html.escape(_('Version'))} :</b> {meta.version} — "
            f"<b>{html.escape(_('Catégorie'))} :</b> {html.escape(category)}{where}<br>"
            f"<span style='{HELP_STYLE}'>{html.escape(clause.id)}</span></p>"
            + conflicts
            + f"<h3>{html.escape(_('Fondement juridique'))}</h3><ul>{references}</ul>"
            f"<h3>{html.escape(_('Note à l’acheteur'))}</h3>{note}"
            f"<h3>{html.escape(_('Historique des relectures'))}</h3>{history}"
            f"<h3>{html.escape(_('Texte de la clause'))}</h3>"
            + wording_html(readable_wording(
                meta, clause.text, self.env,
                thresholds=threshold_labels_of(clause.folder.parent.parent)).blocks))

    # ----------------------------------------------------------------------------- versions

    def _fill_versions(self) -> None:
        _ = self._
        self.versions = []
        if self.clause is not None:
            try:
                self.versions = list_versions(self.clause.folder)
            except ReviewError as exc:
                self._say("\n".join(exc.problems), error=True)
        for combo in (self.old_version, self.new_version):
            combo.blockSignals(True)
            combo.clear()
            for version in self.versions:
                state = _("courante") if version.current else version.meta.status.value
                combo.addItem(f"{version.number} ({state})", version.number)
        several = len(self.versions) > 1
        if several:
            self.old_version.setCurrentIndex(len(self.versions) - 2)
            self.new_version.setCurrentIndex(len(self.versions) - 1)
        for combo in (self.old_version, self.new_version):
            combo.setEnabled(several)
            combo.blockSignals(False)
        self.tabs.setTabEnabled(1, several)
        if not several and self.tabs.currentIndex() == 1:
            self.tabs.setCurrentIndex(0)
        self.show_comparison()

    def show_comparison(self) -> None:
        """The word-level comparison of the two chosen versions."""
        _ = self._
        if self.clause is None or len(self.versions) < 2:
            self.diff.setHtml(f"<p>{html.escape(_('Une seule version : rien à comparer.'))}</p>")
            return
        old, new = self.old_version.currentData(), self.new_version.currentData()
        try:
            comparison = compare_clause(
                self.clause.folder, int(old), int(new),
                self.layered.library if self.renderings.isChecked() else None)
        except ReviewError as exc:
            self.diff.setHtml("".join(f"<p style='{ERROR_STYLE}'>{html.escape(p)}</p>"
                                      for p in exc.problems))
            return
        self.diff.setHtml(comparison_html(comparison, self._))

    # ----------------------------------------------------------------------------- decisions

    def _update_buttons(self) -> None:
        allowed = TRANSITIONS[self.clause.meta.status] if self.clause is not None else frozenset()
        for status, button in self.decision_buttons.items():
            button.setEnabled(status in allowed and status is not self.clause_status())
        self.comment_button.setEnabled(self.clause is not None)

    def clause_status(self) -> ClauseStatus | None:
        """The status of the selected clause."""
        return self.clause.meta.status if self.clause is not None else None

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet(ERROR_STYLE if error else OK_STYLE)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setText(text)

    def _record(self, clause: Clause, decision: ClauseStatus, who: str, now: dt.datetime,
                comment: str) -> str | None:
        """Record one decision; the French reason when it was not recorded (None: done)."""
        prefix = f"clause « {clause.id} » : "
        try:
            origin = self.layered.origin(clause.id)
            if origin is not None:
                origin.ensure_writable()
            opened = read_clause_files(clause.folder)
            result = record_review(opened, decision, who, now, comment,
                                   self.layered.library.references)
        except ReviewError as exc:
            return " ; ".join(p.removeprefix(prefix) for p in exc.problems)
        except OSError as exc:
            return self._("enregistrement impossible dans {folder} ({why})").format(
                folder=clause.folder, why=exc.strerror or exc)
        if result.outcome is SaveOutcome.CONFLICT:
            return result.message
        return None

    def comment_only(self) -> None:
        """Record a comment without changing the status."""
        status = self.clause_status()
        if status is not None:
            self.decide(status)

    def decide(self, decision: ClauseStatus) -> bool:
        """Record the reviewer's decision on the selected clause; errors shown in French."""
        _ = self._
        clause = self.clause
        if clause is None:
            return False
        who = self.reviewer.text().strip()
        if not who:
            self._say(_("Indiquez le nom du relecteur avant d’enregistrer une décision."),
                      error=True)
            self.reviewer.setFocus()
            return False
        why = self._record(clause, decision, who, self.now(), self.comment.toPlainText())
        if why is not None:
            self._say(_("Décision non enregistrée pour « {id} » : {why}").format(
                id=clause.id, why=why), error=True)
            return False
        self.comment.clear()
        self.reload()
        self._say(_("Clause « {id} » : décision « {decision} » enregistrée au nom de {who}.")
                  .format(id=clause.id, decision=decision.value, who=who))
        return True

    def validate_listed(self, ask: bool = True) -> BatchReport | None:
        """Validate every listed clause after confirmation; report validated and refused."""
        _ = self._
        ids = self.listed_ids()
        if not ids:
            return None
        who = self.reviewer.text().strip()
        if not who:
            self._say(_("Indiquez le nom du relecteur avant de valider la sélection."),
                      error=True)
            self.reviewer.setFocus()
            return None
        if ask and not ConfirmBatchDialog.ask(self, len(ids), who, self._):
            return None
        report = BatchReport()
        now = self.now()
        comment = self.comment.toPlainText()
        for clause_id in ids:
            clause = self.layered.library.clause(clause_id)
            if clause is None:
                continue
            if clause.meta.status is S.VALIDATED:
                report.skipped.append(clause_id)
                continue
            why = self._record(clause, S.VALIDATED, who, now, comment)
            if why is None:
                report.validated.append(clause_id)
            else:
                report.refused.append((clause_id, why))
        self.last_report = report
        self.comment.clear()
        self.reload()
        lines = report.lines(self._)
        self.message.setStyleSheet("")
        self.message.setTextFormat(Qt.TextFormat.RichText)
        self.message.setText("".join(
            f"<div style='{ERROR_STYLE if report.refused and index > 0 else OK_STYLE}'>"
            f"{html.escape(line)}</div>" for index, line in enumerate(lines)))
        return report
