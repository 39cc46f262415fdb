"""The clause browser: search as you type, filter, read a clause, fill its values, add it."""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from drafting_app.documents.html import blocks_to_html
from drafting_app.dossier.model import ChosenClause, Dossier, DossierKind
from drafting_app.ui.core import Core
from drafting_app.ui.draft import DraftHolder
from drafting_app.ui.field_specs import Kind, category_labels, humanise, piece_labels
from drafting_app.ui.i18n import Tr
from drafting_app.ui.model_form import ERROR_STYLE, HELP_STYLE, OK_STYLE
from drafting_app.ui.value_inputs import (
    BoolEditor,
    ChoiceEditor,
    DateEditor,
    Editor,
    LongTextEditor,
    NumberEditor,
    TextEditor,
    empty_choice,
)
from drafting_app.wording.index import ClauseEntry
from drafting_app.wording.library import Clause
from drafting_app.wording.markup import french_typography
from drafting_app.wording.model import Variable, VariableType
from drafting_app.wording.render import RenderError
from drafting_app.wording.search import search_ids
from drafting_app.wording.values import coerce_value

CLAUSE_ID_ROLE = Qt.ItemDataRole.UserRole
ALL = "__all__"
#: up to this many clauses the list follows each keystroke; above, it follows a pause in typing
SEARCH_AT_ONCE = 2000
SEARCH_PAUSE_MS = 150


class LinesEditor(LongTextEditor):
    """A list of short texts, one per line."""

    def value(self) -> Any:
        return [line.strip() for line in self.text.toPlainText().splitlines() if line.strip()]

    def _show(self, value: Any) -> None:
        items = value if isinstance(value, list | tuple) else []
        self.text.setPlainText("\n".join(str(item) for item in items))


def variable_editor(variable: Variable, _: Tr) -> Editor:
    """The editor of a clause variable, by its declared type."""
    kind = variable.type
    if kind is VariableType.LONG_TEXT:
        return LongTextEditor()
    if kind is VariableType.INTEGER:
        return NumberEditor(Kind.INT)
    if kind is VariableType.DECIMAL:
        return NumberEditor(Kind.DECIMAL)
    if kind is VariableType.MONEY:
        return NumberEditor(Kind.MONEY)
    if kind is VariableType.PERCENT:
        return NumberEditor(Kind.PERCENT)
    if kind is VariableType.DATE:
        return DateEditor(_)
    if kind is VariableType.BOOLEAN:
        return BoolEditor(variable.label)
    if kind is VariableType.CHOICE:
        empty = None if variable.default is not None else empty_choice(_)
        return ChoiceEditor([(c, c) for c in variable.choices], empty)
    if kind is VariableType.LIST:
        return LinesEditor(lines=4, placeholder=_("Un élément par ligne"))
    return TextEditor()


class VariableForm(QWidget):
    """The values of one clause's variables, each checked as the clause declares it."""

    changed = Signal()

    def __init__(self, tr: Tr, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ = tr
        self.rows = QVBoxLayout(self)
        self.rows.setContentsMargins(0, 0, 0, 0)
        self.rows.setSpacing(10)
        self.variables: tuple[Variable, ...] = ()
        self.editors: dict[str, Editor] = {}
        self.errors: dict[str, QLabel] = {}
        self.touched: set[str] = set()
        self.empty = QLabel(self._("Cette clause n’a pas de valeur à renseigner."))
        self.empty.setWordWrap(True)

    def set_variables(self, variables: tuple[Variable, ...], values: Mapping[str, Any]) -> None:
        """Build the editors of a clause and show its values (defaults when not given)."""
        while self.rows.count():
            item = self.rows.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self.empty = QLabel(self._("Cette clause n’a pas de valeur à renseigner."))
        self.empty.setWordWrap(True)
        self.variables = variables
        self.editors = {}
        self.errors = {}
        self.touched = set()
        if not variables:
            self.rows.addWidget(self.empty)
            return
        for variable in variables:
            editor = variable_editor(variable, self._)
            editor.set_accessible_name(variable.label)
            if variable.help:
                editor.set_help(variable.help)
            value = values.get(variable.name, variable.default)
            editor.set_value(value)
            error = QLabel()
            error.setWordWrap(True)
            error.setStyleSheet(ERROR_STYLE)
            error.setVisible(False)
            help_label = QLabel(variable.help)
            help_label.setWordWrap(True)
            help_label.setStyleSheet(HELP_STYLE)
            help_label.setVisible(bool(variable.help))
            container = QWidget()
            box = QVBoxLayout(container)
            box.setContentsMargins(0, 0, 0, 0)
            box.setSpacing(2)
            if not isinstance(editor, BoolEditor):
                optional = not variable.required and "facultatif" not in variable.label.lower()
                label = QLabel(variable.label + (" " + self._("(facultatif)") if optional
                                                 else ""))
                label.setWordWrap(len(label.text()) > 50)
                label.setBuddy(editor.inner)
                box.addWidget(label)
            box.addWidget(editor)
            box.addWidget(error)
            box.addWidget(help_label)
            self.rows.addWidget(container)
            container.show()  # at once: a finding may put the cursor in it right away
            editor.edited.connect(lambda name=variable.name: self._edited(name))
            self.editors[variable.name] = editor
            self.errors[variable.name] = error

    def _edited(self, name: str) -> None:
        self.touched.add(name)
        self.show_problems()
        self.changed.emit()

    def values(self) -> dict[str, Any]:
        """The values typed so far (empty ones left out, so defaults apply)."""
        out: dict[str, Any] = {}
        for variable in self.variables:
            value = self.editors[variable.name].value()
            if value is None or value == "" or value == []:
                continue
            out[variable.name] = value
        return out

    def problems(self) -> dict[str, str]:
        """What is missing or wrong, by variable name (French)."""
        _ = self._
        values = self.values()
        out: dict[str, str] = {}
        for variable in self.variables:
            own = self.editors[variable.name].input_problem(_)
            if own:
                out[variable.name] = own
                continue
            if variable.name not in values:
                # a variable tied to a dossier field takes the dossier's value when left empty;
                # the findings panel reports it if the dossier field is empty too
                if variable.required and variable.default is None and not variable.dossier_field:
                    out[variable.name] = _("à renseigner")
                continue
            _value, message = coerce_value(variable, values[variable.name])
            if message:
                out[variable.name] = message
        return out

    def show_problems(self, everything: bool = False) -> None:
        """Show problems of the values edited (all of them with `everything`)."""
        if everything:
            self.touched = set(self.editors)
        problems = self.problems()
        for name, label in self.errors.items():
            message = problems.get(name) if name in self.touched else None
            label.setText(f"⚠ {message}" if message else "")
            label.setVisible(bool(message))
            self.editors[name].set_invalid(bool(message))

    def focus_variable(self, name: str) -> QWidget | None:
        """Put the cursor in a variable's editor."""
        editor = self.editors.get(name)
        if editor is not None:
            editor.setFocus(Qt.FocusReason.OtherFocusReason)
        return editor


class ClauseBrowser(QWidget):
    """Search and read the library; with a dossier, add clauses to it with their values."""

    chosen_changed = Signal()

    def __init__(
        self,
        core: Core,
        tr: Tr,
        kind: DossierKind | None = None,
        holder: DraftHolder | None = None,
        dossier: Callable[[], Dossier | None] = lambda: None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        _ = tr
        self._ = tr
        self.core = core
        self.library = core.library
        self.kind = kind
        self.holder = holder
        self.dossier = dossier
        self.categories = category_labels(tr)
        self.pieces = piece_labels(tr)
        self.clause: Clause | None = None
        self._showing = False
        self._titles: dict[str, str] = {}

        # left: search, filters, list
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Rechercher une clause (ex. : insertion, équitable…)"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(_("Recherche de clauses"))
        self.search.installEventFilter(self)
        self.category = QComboBox()
        self.category.setAccessibleName(_("Catégorie"))
        self.category.addItem(_("Toutes les catégories"), ALL)
        index = self.library.index  # the compact index: no clause is read to list them
        for category in sorted({e.category for e in index.values()}):
            self.category.addItem(self.categories.get(category, humanise(category)), category)
        self.piece = QComboBox()
        self.piece.setAccessibleName(_("Document"))
        self.piece.addItem(_("Tous les documents"), ALL)
        used = {piece for e in index.values() for piece, _part in e.placements}
        for piece, label in self.pieces.items():
            if piece in used:
                self.piece.addItem(label, piece.value)
        self.status = QComboBox()
        self.status.setAccessibleName(_("Statut"))
        self.status.addItem(_("Tous les statuts"), ALL)
        self._fill_statuses()
        self.fitting = QCheckBox(_("Adaptées à ce type de dossier"))
        self.fitting.setChecked(kind is not None)
        self.fitting.setVisible(kind is not None)
        self.only_chosen = QCheckBox(_("Retenues pour ce dossier"))
        self.only_chosen.setVisible(holder is not None)
        self.list = QListWidget()
        self.list.setAccessibleName(_("Clauses"))
        self.list.setWordWrap(True)
        self.count = QLabel()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.search)
        filters = QFormLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        filters.addRow(_("Catégorie"), self.category)
        filters.addRow(_("Document"), self.piece)
        filters.addRow(_("Statut"), self.status)
        left_layout.addLayout(filters)
        left_layout.addWidget(self.fitting)
        left_layout.addWidget(self.only_chosen)
        left_layout.addWidget(self.list, 1)
        left_layout.addWidget(self.count)

        # right: one scrolling column — the clause's head, the buttons, its values, its lots,
        # then its legal basis, the note to the buyer and the rendering
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.card = FittedBrowser()
        self.card.setOpenLinks(False)
        self.card.setAccessibleName(_("Texte de la clause"))
        self.values = VariableForm(tr)
        self.values_box = QGroupBox(_("Valeurs de la clause"))
        values_layout = QVBoxLayout(self.values_box)
        values_layout.addWidget(self.values)
        self.target_box = QGroupBox(_("S’applique à"))
        self.target_layout = QVBoxLayout(self.target_box)
        self.whole = QRadioButton(_("Toute la consultation"))
        self.some = QRadioButton(_("Certains lots :"))
        self.target_group = QButtonGroup(self)
        self.target_group.addButton(self.whole)
        self.target_group.addButton(self.some)
        self.whole.setChecked(True)
        self.target_layout.addWidget(self.whole)
        self.target_layout.addWidget(self.some)
        self.lot_boxes: list[tuple[int, QCheckBox]] = []
        self.lot_rows: list[QWidget] = []
        self.lots_widget = QWidget()
        self.lots_layout = QVBoxLayout(self.lots_widget)
        self.lots_layout.setContentsMargins(24, 0, 0, 0)
        self.target_layout.addWidget(self.lots_widget)
        self.add_button = QPushButton(_("Ajouter au dossier"))
        self.remove_button = QPushButton(_("Retirer du dossier"))
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.state, 1)
        column = QWidget()
        column_layout = QVBoxLayout(column)
        column_layout.setContentsMargins(4, 0, 8, 0)
        column_layout.addWidget(self.heading)
        column_layout.addLayout(buttons)
        column_layout.addWidget(self.message)
        column_layout.addWidget(self.values_box)
        column_layout.addWidget(self.target_box)
        column_layout.addWidget(self.card)
        column_layout.addStretch(1)
        self.details = QScrollArea()
        self.details.setWidgetResizable(True)
        self.details.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.details.setFrameShape(QScrollArea.Shape.NoFrame)
        self.details.setWidget(column)
        right = self.details
        for widget in (self.add_button, self.remove_button, self.target_box, self.state):
            widget.setVisible(holder is not None)
        if holder is None:
            self._say(_("Ouvrez ou créez un dossier pour y ajouter des clauses ; "
                                   "ici, vous pouvez essayer des valeurs et lire le rendu."))

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        char = self.fontMetrics().averageCharWidth()
        splitter.setSizes([char * 46, char * 90])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

        self.render_timer = QTimer(self)
        self.render_timer.setSingleShot(True)
        self.render_timer.setInterval(200)
        self.render_timer.timeout.connect(self.show_card)
        # a large library is searched once typing pauses, so that every keystroke shows at once
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_PAUSE_MS)
        self.search_timer.timeout.connect(self.refresh_list)
        self.search.textChanged.connect(self._search_changed)
        for combo in (self.category, self.piece, self.status):
            combo.currentIndexChanged.connect(self.refresh_list)
        self.fitting.toggled.connect(self.refresh_list)
        self.only_chosen.toggled.connect(self.refresh_list)
        self.list.currentItemChanged.connect(self._current_changed)
        self.values.changed.connect(self._values_edited)
        self.add_button.clicked.connect(self.add_to_dossier)
        self.remove_button.clicked.connect(self.remove_from_dossier)
        self.some.toggled.connect(self._target_changed)
        self.some.clicked.connect(self._apply)
        self.whole.clicked.connect(self._apply)
        self.refresh_list()

    # ----------------------------------------------------------------------------- list

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.search and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Down):
            self.list.setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        return False

    def focus_search(self) -> None:
        """Put the cursor in the search field (Ctrl+F)."""
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _search_changed(self) -> None:
        if len(self.library.index) > SEARCH_AT_ONCE:
            self.search_timer.start()
        else:
            self.refresh_list()

    def _fits(self, entry: ClauseEntry) -> bool:
        if self.kind is None or not self.fitting.isChecked():
            return True
        tender_clause = entry.sample_kind is DossierKind.TENDER
        return tender_clause == (self.kind is DossierKind.TENDER)

    def matching(self) -> list[ClauseEntry]:
        """The clauses the search and the filters let through, best first (index entries)."""
        category = self.category.currentData()
        piece = self.piece.currentData()
        status = self.status.currentData()
        chosen = set(self._chosen_ids()) if self.only_chosen.isChecked() else None
        index = self.library.index
        out = []
        for clause_id in search_ids(self.library, self.search.text()):
            entry = index[clause_id]
            if category != ALL and entry.category != category:
                continue
            if piece != ALL and all(p.value != piece for p, _part in entry.placements):
                continue
            if status != ALL and entry.status.value != status:
                continue
            if chosen is not None and clause_id not in chosen:
                continue
            if self._fits(entry):
                out.append(entry)
        return out

    def _title(self, entry: ClauseEntry) -> str:
        title = self._titles.get(entry.id)
        if title is None:
            title = self._titles[entry.id] = french_typography(entry.title)
        return title

    def refresh_list(self) -> None:
        """Show the clauses matching the search and the filters."""
        _ = self._
        keep = self.clause.id if self.clause is not None else None
        self.search_timer.stop()
        found = self.matching()
        chosen = self._chosen_ids()
        self.only_chosen.setText(_("Retenues pour ce dossier ({n})").format(n=len(chosen)))
        same_title = Counter(self._title(e) for e in found)
        grouped = not self.search.text().strip()
        if grouped:
            order = {category: index for index, category in enumerate(self.categories)}
            found.sort(key=lambda e: (order.get(e.category, len(order)), e.category,
                                      self._title(e).casefold()))
        self.list.blockSignals(True)
        self.list.clear()
        current = first = -1
        category = None
        for entry in found:
            if grouped and entry.category != category:
                category = entry.category
                self._section(self.categories.get(category, humanise(category)))
            title = self._title(entry)
            if same_title[title] > 1:
                places = ", ".join(dict.fromkeys(self.pieces.get(piece, piece.value)
                                                 for piece, _part in entry.placements))
                title = f"{title} ({places})"
            if entry.id in chosen:
                title = "✓ " + title
            item = QListWidgetItem(title)
            item.setData(CLAUSE_ID_ROLE, entry.id)
            item.setToolTip(f"{self.categories.get(entry.category, humanise(entry.category))}"
                            f" — {entry.status.value}")
            self.list.addItem(item)
            row = self.list.count() - 1
            first = row if first < 0 else first
            if entry.id == keep:
                current = row
        self.list.blockSignals(False)
        self.count.setText(_("{n} clause(s)").format(n=len(found)))
        if found:
            current = current if current >= 0 else first
            self.list.setCurrentRow(current)
            self._current_changed(self.list.currentItem(), None)
        else:
            self.clause = None
            self.card.setHtml("<p>" + html.escape(_("Aucune clause ne correspond à la recherche."))
                              + "</p>")
            self.add_button.setEnabled(False)
            self.remove_button.setEnabled(False)

    def _section(self, text: str) -> None:
        item = QListWidgetItem(text)
        font = QFont(self.list.font())
        font.setBold(True)
        item.setFont(font)
        item.setFlags(Qt.ItemFlag.NoItemFlags)
        self.list.addItem(item)

    def _current_changed(self, item: QListWidgetItem | None, _previous: object) -> None:
        if item is None or item.data(CLAUSE_ID_ROLE) is None:
            return
        clause = self.library.clause(str(item.data(CLAUSE_ID_ROLE)))
        if clause is not None and (self.clause is None or clause.id != self.clause.id):
            self.show_clause(clause)

    # ----------------------------------------------------------------------------- one clause

    def _chosen_ids(self) -> list[str]:
        if self.holder is None:
            return []
        return [c.get("id", "") for c in self.holder.data.get("clauses") or []
                if isinstance(c, dict)]

    def _chosen_entry(self, clause_id: str) -> dict[str, Any] | None:
        if self.holder is None:
            return None
        for entry in self.holder.data.get("clauses") or []:
            if isinstance(entry, dict) and entry.get("id") == clause_id:
                return entry
        return None

    def show_clause(self, clause: Clause) -> None:
        """Show a clause's card and its values (the dossier's when already chosen)."""
        self._showing = True
        try:
            self.clause = clause
            entry = self._chosen_entry(clause.id)
            values = entry.get("values", {}) if entry else {}
            self.values.set_variables(clause.meta.variables, values if isinstance(values, dict)
                                      else {})
            self.refresh_targets(list(entry.get("lots") or []) if entry else [])
            if self.holder is not None:  # without a dossier, the line says how to add clauses
                self._say("")
            if entry:
                self.values.show_problems(everything=True)
            self._show_state()
            self.show_card()
        finally:
            self._showing = False
        self.details.verticalScrollBar().setValue(0)

    def _fill_statuses(self) -> None:
        """The statuses the library's clauses have, after « Tous les statuts » (from the
        compact index: no clause is read)."""
        for status in sorted({e.status.value for e in self.library.index.values()}):
            self.status.addItem(status[:1].upper() + status[1:], status)

    def set_core(self, core: Core) -> None:
        """Read a reloaded library (a review changed statuses): same clause, same filters."""
        self.core = core
        self.library = core.library
        current = self.status.currentData()
        self.status.blockSignals(True)
        while self.status.count() > 1:
            self.status.removeItem(1)
        self._fill_statuses()
        found = self.status.findData(current)
        self.status.setCurrentIndex(max(found, 0))
        self.status.blockSignals(False)
        keep = self.clause.id if self.clause is not None else None
        self.refresh_list()
        fresh = self.library.clause(keep) if keep else None
        if fresh is not None and fresh is not self.clause:
            self.show_clause(fresh)

    def show_clause_again(self) -> None:
        """Show the current clause afresh (its place in the dossier changed elsewhere)."""
        if self.clause is not None:
            self.show_clause(self.clause)

    def select_clause(self, clause_id: str) -> bool:
        """Show a clause even if the filters hide it (clearing them)."""
        for row in range(self.list.count()):
            if self.list.item(row).data(CLAUSE_ID_ROLE) == clause_id:
                self.list.setCurrentRow(row)
                return True
        self.search.clear()
        for combo in (self.category, self.piece, self.status):
            combo.setCurrentIndex(0)
        self.fitting.setChecked(False)
        self.only_chosen.setChecked(False)
        for row in range(self.list.count()):
            if self.list.item(row).data(CLAUSE_ID_ROLE) == clause_id:
                self.list.setCurrentRow(row)
                return True
        return False

    def refresh_targets(self, chosen_lots: list[Any] | None = None) -> None:
        """The lots of the dossier, to aim a clause at some of them (full names, wrapped)."""
        if chosen_lots is None:
            chosen_lots = [number for number, box in self.lot_boxes if box.isChecked()] \
                if self.some.isChecked() else []
        for row in self.lot_rows:
            self.lots_layout.removeWidget(row)
            row.hide()
            row.deleteLater()
        self.lot_boxes = []
        self.lot_rows = []
        tender = self.holder.data.get("tender") if self.holder is not None else None
        lots = tender.get("lots") or [] if isinstance(tender, dict) else []
        for lot in lots:
            if not isinstance(lot, dict) or not isinstance(lot.get("number"), int):
                continue
            number = lot["number"]
            text = self._("Lot {n} — {title}").format(n=number, title=lot.get("title") or "…")
            row, box = lot_choice(text)
            box.setChecked(number in chosen_lots)
            box.toggled.connect(self._lot_toggled)
            box.clicked.connect(self._apply)
            self.lots_layout.addWidget(row)
            row.show()
            self.lot_boxes.append((number, box))
            self.lot_rows.append(row)
        self.target_box.setVisible(self.holder is not None and self.kind is DossierKind.TENDER
                                   and bool(self.lot_boxes))
        blocked = self._showing
        self._showing = True
        try:
            self.some.setChecked(bool(chosen_lots))
            self.whole.setChecked(not chosen_lots)
            self._target_changed()
        finally:
            self._showing = blocked

    def _lot_toggled(self) -> None:
        if any(box.isChecked() for _n, box in self.lot_boxes):
            self.some.setChecked(True)
        self.render_timer.start()

    def _target_changed(self) -> None:
        self.lots_widget.setEnabled(self.some.isChecked())
        self.render_timer.start()

    def chosen_lots(self) -> list[int]:
        """The lots ticked (empty: the whole consultation)."""
        if not self.some.isChecked():
            return []
        return [number for number, box in self.lot_boxes if box.isChecked()]

    def _render(self, clause: Clause) -> tuple[str, str]:
        _ = self._
        dossier = self.dossier()
        if dossier is None or (clause.sample_kind() is DossierKind.TENDER) != (
                dossier.kind is DossierKind.TENDER):
            dossier = self.core.samples.for_clause(clause)
            own_dossier = False
        else:
            own_dossier = True
        if dossier is None:
            return f"<pre>{html.escape(clause.text)}</pre>", _("Texte de la clause")
        if not self.values.problems():
            try:
                chosen = ChosenClause(id=clause.id, values=self.values.values(),
                                      lots=tuple(self.chosen_lots()))
                blocks = self.core.renderer.render_clause(clause, dossier, chosen)
                heading = (_("Rendu avec vos valeurs") if own_dossier
                           else _("Rendu avec vos valeurs (dossier d’exemple)"))
                return blocks_to_html(blocks), heading
            except (RenderError, ValueError):
                pass
        sample = self.core.samples.for_clause(clause)
        try:
            assert sample is not None
            blocks = self.core.renderer.render_clause(clause, sample)
        except (RenderError, AssertionError):
            return f"<pre>{html.escape(clause.text)}</pre>", _("Texte de la clause")
        return blocks_to_html(blocks), _("Rendu avec les valeurs d’exemple (complétez les "
                                         "valeurs pour voir le vôtre)")

    def show_card(self) -> None:
        """The clause's head (title, status, summary) and card (basis, note, rendering)."""
        clause = self.clause
        if clause is None:
            return
        _ = self._
        meta = clause.meta
        preview, heading = self._render(clause)
        references = "".join(
            f"<li>{html.escape(r.label())} — {html.escape(french_typography(r.note))}</li>"
            for r in meta.references
        ) or f"<li>{html.escape(_('Aucune référence citée'))}</li>"
        note = "".join(
            f"<p>{html.escape(french_typography(' '.join(chunk.split())))}</p>"
            for chunk in meta.note.strip().split("\n\n")
        )
        places = ", ".join(dict.fromkeys(self.pieces.get(p.piece, p.piece.value)
                                         for p in meta.placements))
        category = self.categories.get(meta.category, humanise(meta.category))
        self.heading.setText(
            f"<h2>{html.escape(french_typography(meta.title))}</h2>"
            f"<p><b>{html.escape(_('Statut'))} :</b> {html.escape(meta.status.value)} — "
            f"<b>{html.escape(_('Version'))} :</b> {meta.version} — "
            f"<b>{html.escape(_('Catégorie'))} :</b> {html.escape(category)}<br>"
            f"<b>{html.escape(_('Documents'))} :</b> {html.escape(places)}</p>"
            + (f"<p><i>{html.escape(french_typography(meta.summary))}</i></p>"
               if meta.summary else ""))
        self.card.setHtml(
            f"<h3>{html.escape(_('Fondement juridique'))}</h3><ul>{references}</ul>"
            f"<h3>{html.escape(self._note_title())}</h3>{note}"
            f"<h3>{html.escape(heading)}</h3>"
            f"<div style='margin-left: 12px'>{preview}</div>"
        )

    # ----------------------------------------------------------------------------- dossier

    def _say(self, text: str) -> None:
        """A line under the buttons (hidden when there is nothing to say)."""
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _note_title(self) -> str:
        """Whom the clause's note speaks to: the buyer, or the service granting a subsidy."""
        _ = self._
        if self.kind is not None and self.kind is not DossierKind.TENDER:
            return _("Note au service instructeur")
        return _("Note à l’acheteur")

    def _values_edited(self) -> None:
        self.render_timer.start()
        self._apply()

    def _apply(self) -> None:
        """A chosen clause takes its values and lots as they are typed (no button to press)."""
        if self.holder is None or self.clause is None or self._showing:
            return
        entry = self._chosen_entry(self.clause.id)
        if entry is None:
            self._show_state()
            return
        values, lots = self.values.values(), self.chosen_lots()
        if entry.get("values") != values or list(entry.get("lots") or []) != lots:
            entry["values"] = values
            entry["lots"] = lots
            self.chosen_changed.emit()
        self._show_state()

    def _show_state(self) -> None:
        """Add or remove, and what the dossier holds of the clause shown."""
        _ = self._
        chosen = self.clause is not None and self._chosen_entry(self.clause.id) is not None
        self.add_button.setVisible(self.holder is not None and not chosen)
        self.add_button.setEnabled(self.clause is not None)
        self.remove_button.setVisible(self.holder is not None and chosen)
        self.remove_button.setEnabled(chosen)
        if self.holder is None or self.clause is None:
            self.state.setText("")
            return
        if not chosen:
            self.state.setText(_("Pas dans le dossier."))
            self.state.setStyleSheet(HELP_STYLE)
            return
        problems = len(self.values.problems())
        if problems:
            self.state.setText(_("Dans le dossier — {n} valeur(s) à corriger ou compléter "
                                 "ci-dessous.").format(n=problems))
            self.state.setStyleSheet(ERROR_STYLE)
        else:
            self.state.setText(_("✓ Dans le dossier, avec les valeurs ci-dessous (elles "
                                 "s’appliquent dès que vous les tapez)."))
            self.state.setStyleSheet(OK_STYLE)

    def unapplied(self) -> str | None:
        """The title of the clause shown when values were typed for it but it is not chosen."""
        if self.holder is None or self.clause is None or not self.values.touched:
            return None
        if self._chosen_entry(self.clause.id) is not None:
            return None
        return french_typography(self.clause.meta.title)

    def focus_value(self, name: str) -> QWidget | None:
        """Put the cursor in a value of the clause shown, scrolled into view."""
        found = self.values.focus_variable(name)
        if found is not None:
            self.details.ensureWidgetVisible(found, 20, 60)
        return found

    def add_to_dossier(self) -> None:
        """Add the clause with its values and lots to the dossier."""
        if self.holder is None or self.clause is None:
            return
        _ = self._
        entry: dict[str, Any] = {"id": self.clause.id, "values": self.values.values(),
                                 "lots": self.chosen_lots()}
        if "version" in ChosenClause.model_fields:
            entry["version"] = self.clause.meta.version  # the wording the buyer saw
        clauses = self.holder.data.get("clauses")
        if not isinstance(clauses, list):
            clauses = []
            self.holder.data["clauses"] = clauses
        for index, existing in enumerate(clauses):
            if isinstance(existing, dict) and existing.get("id") == self.clause.id:
                clauses[index] = {**existing, **entry}  # keeps what the form does not edit
                break
        else:
            clauses.append(entry)
        self.values.show_problems(everything=True)
        self._say(_("« {title} » est dans le dossier.").format(
            title=french_typography(self.clause.meta.title)))
        self.refresh_list()
        self._show_state()
        self.remove_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self.chosen_changed.emit()

    def remove_from_dossier(self) -> None:
        """Take the clause out of the dossier."""
        if self.holder is None or self.clause is None:
            return
        _ = self._
        clauses = self.holder.data.get("clauses") or []
        gone = self.clause.id
        self.holder.data["clauses"] = [
            c for c in clauses if not (isinstance(c, dict) and c.get("id") == gone)]
        self._say(_("« {title} » a été retirée du dossier.").format(
            title=french_typography(self.clause.meta.title)))
        self.refresh_list()
        self._show_state()
        self.add_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self.chosen_changed.emit()


class FittedBrowser(QTextBrowser):
    """Rich text as tall as it is: the column around it scrolls, not the text itself."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QTextBrowser.Shape.NoFrame)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        layout = self.document().documentLayout()
        if layout is not None:
            layout.documentSizeChanged.connect(lambda _size: self._fit())

    def _fit(self) -> None:
        height = int(self.document().size().height()) + 2 * self.frameWidth() + 6
        if height != self.height():
            self.setFixedHeight(max(height, self.fontMetrics().lineSpacing() * 2))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.document().setTextWidth(self.viewport().width())
        self._fit()


def lot_choice(text: str) -> tuple[QWidget, QCheckBox]:
    """A lot to tick, its full name wrapped beside the box (a click on the name ticks it)."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    box = QCheckBox()
    box.setAccessibleName(text)
    box.setToolTip(text)
    label = QLabel(text)
    label.setWordWrap(True)
    label.setBuddy(box)
    label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    label.mousePressEvent = lambda _event: box.click()  # type: ignore[method-assign]
    layout.addWidget(box, 0, Qt.AlignmentFlag.AlignTop)
    layout.addWidget(label, 1)
    return row, box
