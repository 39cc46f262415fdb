"""The guided form's building blocks, made from the model: field rows, groups and tables.

A form part edits the shared draft in place and tells its owner which path changed; the owner
validates off the GUI thread and hands the problems back to show next to each field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from drafting_app.ui.draft import DraftHolder, FieldPath, delete_in, get_in, set_in
from drafting_app.ui.field_specs import (
    TENDER_LOTS,
    FieldSpec,
    FieldText,
    Kind,
    ReferenceLabels,
    choice_label,
    is_relevant,
    model_specs,
    text_for,
)
from drafting_app.ui.i18n import Tr
from drafting_app.ui.value_inputs import (
    BoolEditor,
    DynamicChoiceEditor,
    Editor,
    Options,
    empty_choice,
    make_editor,
)

ERROR_STYLE = "color: #a4000f;"
HELP_STYLE = "color: #4a4a4a;"
OK_STYLE = "color: #0b6b2b;"
SCALAR_KINDS = frozenset({Kind.TEXT, Kind.INT, Kind.YEAR, Kind.DECIMAL, Kind.MONEY, Kind.PERCENT,
                          Kind.DATE, Kind.DATETIME, Kind.BOOL, Kind.TRIBOOL, Kind.CHOICE,
                          Kind.LIST})

Problems = Mapping[FieldPath, str]
Touched = Callable[[FieldPath], bool]


@dataclass
class FormEnv:
    """What every part of a form shares: the draft, the French texts, the change callback."""

    holder: DraftHolder
    texts: Mapping[str, FieldText]
    labels: Mapping[Any, str]
    refs: ReferenceLabels
    tr: Tr
    on_edit: Callable[[FieldPath], None]

    def help_text(self, text: FieldText) -> str:
        """The help shown under a field: what to enter, then the legal references."""
        _ = self.tr
        lines = [text.help] if text.help else []
        if text.refs:
            lines.append(_("Réf. : {refs}").format(refs=self.refs.cite(text.refs, _)))
        return "\n".join(lines)

    def editor_for(self, path: FieldPath, spec: FieldSpec, text: FieldText,
                   in_table: bool = False) -> Editor | None:
        """The editor of a scalar field, labelled and described for screen readers."""
        kind = text.kind or spec.kind
        editor: Editor | None
        if text.options == TENDER_LOTS:
            editor = DynamicChoiceEditor(self.lot_options, self.lot_gone)
        else:
            editor = make_editor(spec, kind, text.label, "" if in_table else text.placeholder,
                                 lambda value: choice_label(value, self.labels), self.tr,
                                 in_table=in_table)
        if editor is None:
            return None
        editor.set_accessible_name(text.label)
        help_text = self.help_text(text)
        if help_text:
            editor.set_help(help_text)
        return editor

    def lot_numbers(self) -> list[tuple[int, str]]:
        """The numbers and titles of the tender's lots, as the draft has them."""
        lots = get_in(self.holder.data, ("tender", "lots"))
        out = []
        for lot in lots if isinstance(lots, list) else []:
            if isinstance(lot, dict) and isinstance(lot.get("number"), int) and not isinstance(
                    lot.get("number"), bool):
                title = lot.get("title")
                out.append((lot["number"], title.strip() if isinstance(title, str) else ""))
        return out

    def lot_options(self) -> Options:
        """The tender's lots to choose from; « the whole contract » when it has no lots."""
        _ = self.tr
        options: list[tuple[str, Any]] = [
            (_("Lot {n} — {title}").format(n=number, title=title) if title
             else _("Lot {n}").format(n=number), number)
            for number, title in self.lot_numbers()]
        return options, empty_choice(_) if options else _("Marché entier (sans lots)")

    def lot_gone(self, value: Any) -> str:
        """How a lot number the tender no longer has is shown."""
        _ = self.tr
        return _("Lot {n} (absent du marché)").format(n=value)


def first_problem(problems: Problems, path: FieldPath) -> tuple[FieldPath, str] | None:
    """The problem at `path` or below it, if any."""
    if path in problems:
        return path, problems[path]
    for where, message in problems.items():
        if where[: len(path)] == path:
            return where, message
    return None


class FieldRow:
    """One scalar field: its label, editor, inline error and help."""

    def __init__(self, env: FormEnv, path: FieldPath, spec: FieldSpec, text: FieldText,
                 editor: Editor) -> None:
        self.env = env
        self.path = path
        self.spec = spec
        self.editor = editor
        self.label = QLabel(text.label)
        self.label.setWordWrap(len(text.label) > 60)
        self.label.setBuddy(editor.inner)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setVisible(False)
        self.help = QLabel(env.help_text(text))
        self.help.setWordWrap(True)
        self.help.setStyleSheet(HELP_STYLE)
        self.help.setVisible(bool(self.help.text()))
        self.help.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.container = QWidget()
        box = QVBoxLayout(self.container)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        if not isinstance(editor, BoolEditor):
            box.addWidget(self.label)
        box.addWidget(editor)
        box.addWidget(self.error)
        box.addWidget(self.help)
        self.message: str | None = None
        editor.edited.connect(self._edited)

    def _edited(self) -> None:
        value = self.editor.value()
        draft = self.env.holder.data
        if value is None and not self.spec.optional:
            delete_in(draft, self.path)
        else:
            set_in(draft, self.path, value)
        self._show_error()
        self.env.on_edit(self.path)

    def load(self) -> None:
        """Show the draft's value (the model's default when the draft has none)."""
        default = self.spec.default
        if isinstance(default, tuple):
            default = list(default)
        self.editor.set_value(get_in(self.env.holder.data, self.path, default))
        self._show_error()

    def show_problem(self, message: str | None) -> None:
        """Show (or clear) the validation message of this field."""
        self.message = message
        self._show_error()

    def _show_error(self) -> None:
        message = self.editor.input_problem(self.env.tr) or self.message
        self.error.setText(f"⚠ {message}" if message else "")
        self.error.setVisible(bool(message))
        self.editor.set_invalid(bool(message))

    def set_visible(self, visible: bool) -> None:
        """Show or hide the whole row."""
        self.container.setVisible(visible)


class ModelForm(QWidget):
    """A column of fields, groups and tables built from model fields."""

    def __init__(self, env: FormEnv, entries: Iterable[tuple[FieldPath, FieldSpec]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.rows: list[FieldRow] = []
        self.blocks: list[tuple[FieldPath, QWidget, ModelForm | TableEditor]] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        for path, spec in entries:
            text = text_for(path, env.texts, spec)
            kind = text.kind or spec.kind
            if text.hidden or kind is Kind.HIDDEN:
                continue
            if kind in (Kind.GROUP, Kind.TABLE):
                box = QGroupBox(text.label)
                inner_layout = QVBoxLayout(box)
                help_text = env.help_text(text)
                if help_text:
                    note = QLabel(help_text)
                    note.setWordWrap(True)
                    note.setStyleSheet(HELP_STYLE)
                    inner_layout.addWidget(note)
                assert spec.model is not None
                inner: ModelForm | TableEditor
                if kind is Kind.GROUP:
                    inner = ModelForm(env, [((*path, s.name), s) for s in model_specs(spec.model)])
                else:
                    inner = TableEditor(env, path, spec, text)
                inner_layout.addWidget(inner)
                layout.addWidget(box)
                self.blocks.append((path, box, inner))
                continue
            editor = env.editor_for(path, spec, text)
            if editor is None:
                continue
            row = FieldRow(env, path, spec, text, editor)
            layout.addWidget(row.container)
            self.rows.append(row)

    def load(self) -> None:
        """Show the draft's values in every editor."""
        for row in self.rows:
            row.load()
        for _path, _box, inner in self.blocks:
            inner.load()
        self.refresh()

    def refresh(self) -> None:
        """Show only the fields that matter for the dossier as it stands."""
        draft = self.env.holder.data
        for row in self.rows:
            row.set_visible(is_relevant(row.path, draft))
        for path, box, inner in self.blocks:
            box.setVisible(is_relevant(path, draft))
            inner.refresh()

    def show_problems(self, problems: Problems, touched: Touched) -> None:
        """Show each problem next to its field once the user has been there."""
        for row in self.rows:
            found = first_problem(problems, row.path)
            row.show_problem(found[1] if found and touched(found[0]) else None)
        for _path, _box, inner in self.blocks:
            inner.show_problems(problems, touched)

    def focus_path(self, path: FieldPath) -> QWidget | None:
        """Put the cursor in the field at (or holding) `path`; the widget focused, or None."""
        for row in self.rows:
            if path[: len(row.path)] == row.path and not row.container.isHidden():
                row.editor.setFocus(Qt.FocusReason.OtherFocusReason)
                return row.editor
        for block_path, box, inner in self.blocks:
            if path[: len(block_path)] == block_path and not box.isHidden():
                return inner.focus_path(path)
        for row in self.rows:  # a whole group (`advisor`): its first field
            if row.path[: len(path)] == path and not row.container.isHidden():
                row.editor.setFocus(Qt.FocusReason.OtherFocusReason)
                return row.editor
        for block_path, box, inner in self.blocks:
            if block_path[: len(path)] == path and not box.isHidden():
                return inner.focus_path(block_path)
        return None

    def invalid_inputs(self, _: Tr) -> list[tuple[FieldPath, Editor]]:
        """The visible fields whose text cannot be read (`trente mille`, `31/02/2027`)."""
        out = [(row.path, row.editor) for row in self.rows
               if not row.container.isHidden() and row.editor.input_problem(_)]
        for _path, box, inner in self.blocks:
            if not box.isHidden():
                out.extend(inner.invalid_inputs(_))
        return out

    def first_editor(self) -> Editor | None:
        """The first visible field of the form (where Tab lands)."""
        for row in self.rows:
            if not row.container.isHidden():
                return row.editor
        return None

    def field_paths(self) -> list[FieldPath]:
        """Every path this form edits (tables as a whole)."""
        out = [row.path for row in self.rows]
        for path, _box, inner in self.blocks:
            out.extend(inner.field_paths() if isinstance(inner, ModelForm) else [path])
        return out

    def row_at(self, path: FieldPath) -> FieldRow | None:
        """The row of a scalar field of this form or of its groups."""
        for row in self.rows:
            if row.path == path:
                return row
        for block_path, _box, inner in self.blocks:
            if path[: len(block_path)] == block_path and isinstance(inner, ModelForm):
                return inner.row_at(path)
        return None

    def editor_at(self, path: FieldPath) -> Editor | None:
        """The editor of the field at `path` (tests and focus)."""
        for row in self.rows:
            if row.path == path:
                return row.editor
        for block_path, _box, inner in self.blocks:
            if path[: len(block_path)] == block_path:
                return inner.editor_at(path)
        return None


class TableEditor(QWidget):
    """A list of items (lots, criteria…) as a table; long or nested fields below it."""

    def __init__(self, env: FormEnv, path: FieldPath, spec: FieldSpec, text: FieldText,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _ = env.tr
        assert spec.model is not None
        self.env = env
        self.path = path
        self.text = text
        self.item_specs = model_specs(spec.model)
        self.columns: list[tuple[FieldSpec, FieldText]] = []
        self.details: list[FieldSpec] = []
        for item in self.item_specs:
            item_text = text_for((*path, 0, item.name), env.texts, item)
            kind = item_text.kind or item.kind
            if item_text.hidden or kind is Kind.HIDDEN:
                continue
            if kind in SCALAR_KINDS and not item_text.detail and kind is not Kind.LIST:
                self.columns.append((item, item_text))
            else:
                self.details.append(item)
        self.cells: list[list[Editor]] = []
        self.problems: Problems = {}
        self.touched: Touched = lambda _path: False
        self.current = -1

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, len(self.columns))
        self.table.setHorizontalHeaderLabels([t.label for _s, t in self.columns])
        self.table.setAccessibleName(text.label)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        char = self.table.fontMetrics().averageCharWidth()
        for index, (_item, item_text) in enumerate(self.columns):
            if item_text.width >= 30:
                header.setSectionResizeMode(index, QHeaderView.ResizeMode.Stretch)
            else:
                header.setSectionResizeMode(index, QHeaderView.ResizeMode.Interactive)
                width = max(item_text.width * char + 24,
                            self.table.fontMetrics().horizontalAdvance(item_text.label) + 24)
                self.table.setColumnWidth(index, width)
        self.table.verticalHeader().setVisible(True)
        self.table.currentCellChanged.connect(lambda row, *_: self._select(row))
        layout.addWidget(self.table)

        buttons = QHBoxLayout()
        self.add_button = QPushButton(text.add_label or _("Ajouter une ligne"))
        self.remove_button = QPushButton(_("Supprimer"))
        self.up_button = QPushButton(_("Monter"))
        self.down_button = QPushButton(_("Descendre"))
        self.add_button.clicked.connect(self.add_row)
        self.remove_button.clicked.connect(self.remove_current)
        self.up_button.clicked.connect(lambda: self.move_current(-1))
        self.down_button.clicked.connect(lambda: self.move_current(1))
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet(ERROR_STYLE)
        self.summary.setVisible(False)
        layout.addWidget(self.summary)
        self.detail_box = QGroupBox()
        self.detail_layout = QVBoxLayout(self.detail_box)
        self.row_error = QLabel()
        self.row_error.setWordWrap(True)
        self.row_error.setStyleSheet(ERROR_STYLE)
        self.row_error.setVisible(False)
        self.detail_layout.addWidget(self.row_error)
        self.detail_form: ModelForm | None = None
        self.detail_box.setVisible(False)
        layout.addWidget(self.detail_box)

    # ----------------------------------------------------------------------------- data

    def items(self) -> list[Any]:
        """The draft's list of items (an empty list, not stored, when it has none).

        Showing a table writes nothing: an optional section (`award`) stays absent until
        the user adds a row.
        """
        value = get_in(self.env.holder.data, self.path)
        return value if isinstance(value, list) else []

    def _stored_items(self) -> list[Any]:
        """The draft's list of items, created when missing (a row is being added)."""
        draft = self.env.holder.data
        value = get_in(draft, self.path)
        if not isinstance(value, list):
            value = []
            set_in(draft, self.path, value)
        return value

    def load(self) -> None:
        """Rebuild the rows from the draft."""
        items = self.items()
        keep = self.current
        self.table.blockSignals(True)
        self.table.setRowCount(len(items))
        self.cells = []
        for row in range(len(items)):
            editors = []
            for column, (item, item_text) in enumerate(self.columns):
                editor = self.env.editor_for((*self.path, row, item.name), item, item_text,
                                             in_table=True)
                assert editor is not None
                editor.set_accessible_name(f"{item_text.label} — {self._row_name(row)}")
                value_path = (*self.path, row, item.name)
                default = item.default if not isinstance(item.default, tuple) else []
                editor.set_value(get_in(self.env.holder.data, value_path, default))
                editor.edited.connect(
                    lambda e=editor, s=item, p=value_path: self._cell_edited(e, s, p))
                editor.inner.installEventFilter(self)
                self.table.setCellWidget(row, column, editor)
                editors.append(editor)
            self.cells.append(editors)
        self.table.blockSignals(False)
        self.table.resizeRowsToContents()
        self._fit_height()
        self.current = -1
        if items:
            self._select(min(max(keep, 0), len(items) - 1))
        else:
            self._select(-1)
        self._update_buttons()
        self.show_problems(self.problems, self.touched)

    def _row_name(self, row: int) -> str:
        _ = self.env.tr
        return _("ligne {n}").format(n=row + 1)

    def _fit_height(self) -> None:
        rows = self.table.rowCount()
        height = self.table.horizontalHeader().height() + 2 * self.table.frameWidth()
        for row in range(rows):
            height += self.table.rowHeight(row)
        if rows == 0:
            height += self.table.verticalHeader().defaultSectionSize()
        scrollbar = self.table.horizontalScrollBar()
        if scrollbar.isVisible():
            height += scrollbar.height()
        self.table.setFixedHeight(height + 2)

    def _cell_edited(self, editor: Editor, spec: FieldSpec, path: FieldPath) -> None:
        value = editor.value()
        if value is None and not spec.optional:
            delete_in(self.env.holder.data, path)
        else:
            set_in(self.env.holder.data, path, value)
        problem = editor.input_problem(self.env.tr)
        editor.set_invalid(bool(problem) or (path in self.problems and self.touched(path)))
        self.env.on_edit(path)

    def _new_item(self) -> dict[str, Any]:
        item: dict[str, Any] = {}
        names = {spec.name for spec in self.item_specs}
        rows = [i for i in self.items() if isinstance(i, dict)]
        if "number" in names:
            numbers = [i.get("number") for i in rows]
            item["number"] = max([n for n in numbers if isinstance(n, int)], default=0) + 1
        if "year" in names:  # a year of execution: the one after the last, else the first
            years = [i.get("year") for i in rows]
            known = [y for y in years if isinstance(y, int) and not isinstance(y, bool)]
            item["year"] = max(known) + 1 if known else self._first_year()
        for spec, text in self.columns:
            if text.options == TENDER_LOTS:  # the first lot not awarded yet
                taken = {i.get(spec.name) for i in rows}
                free = [n for n, _title in self.env.lot_numbers() if n not in taken]
                if free:
                    item[spec.name] = free[0]
        return item

    def _first_year(self) -> int:
        """The year of the notification beside the table, else this year."""
        notified = get_in(self.env.holder.data, (*self.path[:-1], "notification_date"))
        try:
            return dt.date.fromisoformat(str(notified)).year
        except ValueError:
            return dt.date.today().year

    def add_row(self) -> None:
        """Append an item and put the cursor in its first cell."""
        self._stored_items().append(self._new_item())
        self.current = len(self.items()) - 1
        self.load()
        self.env.on_edit(self.path)
        self.focus_cell(self.current, 0 if not self.columns or self.columns[0][0].name != "number"
                        else min(1, len(self.columns) - 1))

    def remove_current(self) -> None:
        """Delete the selected item."""
        items = self.items()
        if 0 <= self.current < len(items):
            del items[self.current]
            self.current = min(self.current, len(items) - 1)
            self.load()
            self.env.on_edit(self.path)

    def move_current(self, step: int) -> None:
        """Move the selected item up or down."""
        items = self.items()
        row, target = self.current, self.current + step
        if 0 <= row < len(items) and 0 <= target < len(items):
            items[row], items[target] = items[target], items[row]
            self.current = target
            self.load()
            self.env.on_edit(self.path)

    def _update_buttons(self) -> None:
        count = len(self.items())
        self.remove_button.setEnabled(0 <= self.current < count)
        self.up_button.setEnabled(self.current > 0)
        self.down_button.setEnabled(0 <= self.current < count - 1)

    # ----------------------------------------------------------------------------- selection

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)
                and not event.modifiers() & (Qt.KeyboardModifier.ControlModifier
                                             | Qt.KeyboardModifier.AltModifier)):
            forward = event.key() == Qt.Key.Key_Tab and not (
                event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            return self._tab_from(watched, forward)
        if event.type() == QEvent.Type.FocusIn:
            for row, editors in enumerate(self.cells):
                if any(editor.inner is watched for editor in editors):
                    if row != self.current:
                        self.table.blockSignals(True)
                        self.table.setCurrentCell(row, self.table.currentColumn())
                        self.table.blockSignals(False)
                        self._select(row)
                    break
        return False

    def _tab_from(self, watched: QObject, forward: bool) -> bool:
        """Tab goes to the next cell, then out of the table; Shift+Tab back, then before it."""
        for row, editors in enumerate(self.cells):
            for column, editor in enumerate(editors):
                if editor.inner is not watched:
                    continue
                flat = row * len(editors) + column + (1 if forward else -1)
                if 0 <= flat < len(self.cells) * len(editors):
                    self.focus_cell(*divmod(flat, len(editors)))
                elif forward:
                    self.add_button.setFocus(Qt.FocusReason.TabFocusReason)
                else:
                    self._focus_before()
                return True
        return False

    def _focus_before(self) -> None:
        """The field before the table in the tab order (or the table's own buttons)."""
        widget: QWidget | None = self.table
        first = self.cells[0][0].inner if self.cells and self.cells[0] else None
        seen = 0
        while widget is not None and seen < 500:
            widget = widget.previousInFocusChain()
            seen += 1
            if widget is None or widget is first:
                break
            if (not self.isAncestorOf(widget) and widget.isVisible() and widget.isEnabled()
                    and widget.focusPolicy() & Qt.FocusPolicy.TabFocus):
                widget.setFocus(Qt.FocusReason.BacktabFocusReason)
                return
        self.add_button.setFocus(Qt.FocusReason.BacktabFocusReason)

    def _select(self, row: int) -> None:
        if row == self.current and self.detail_form is not None:
            return
        self.current = row
        if row >= 0:
            self.table.selectRow(row)
        else:
            self.table.clearSelection()
        self._update_buttons()
        if not self.details:
            return
        if self.detail_form is not None:
            self.detail_layout.removeWidget(self.detail_form)
            self.detail_form.hide()
            self.detail_form.deleteLater()
            self.detail_form = None
        if row < 0:
            self.detail_box.setVisible(False)
            return
        _ = self.env.tr
        self.detail_box.setTitle(_("Ligne {n} : compléments").format(n=row + 1))
        self.detail_form = ModelForm(self.env, [((*self.path, row, s.name), s)
                                                for s in self.details])
        self.detail_layout.addWidget(self.detail_form)
        self.detail_form.show()  # at once, not at the next event loop turn: focus may follow
        self.detail_form.load()
        self.detail_form.show_problems(self.problems, self.touched)
        self._show_row_problem()
        self.detail_box.setVisible(True)

    def focus_cell(self, row: int, column: int) -> QWidget | None:
        """Put the cursor in a cell."""
        if 0 <= row < len(self.cells) and 0 <= column < len(self.cells[row]):
            editor = self.cells[row][column]
            self._select(row)
            editor.setFocus(Qt.FocusReason.OtherFocusReason)
            return editor
        return None

    # ----------------------------------------------------------------------------- host

    def refresh(self) -> None:
        """Relevance of the detail fields and choices read from the dossier follow the draft."""
        for editors in self.cells:
            for editor in editors:
                if isinstance(editor, DynamicChoiceEditor):
                    editor.refresh_options()
        if self.detail_form is not None:
            self.detail_form.refresh()

    def show_problems(self, problems: Problems, touched: Touched) -> None:
        """Tint the cells with a problem; list the row problems under the table."""
        self.problems = {p: m for p, m in problems.items() if p[: len(self.path)] == self.path}
        self.touched = touched
        _ = self.env.tr
        lines = []
        for row, editors in enumerate(self.cells):
            whole_row = self._row_problem(row)
            if whole_row:  # the row as a whole (co-holders' shares and the lot's amount)
                lines.append(_("Ligne {n} : {message}").format(n=row + 1, message=whole_row))
            for (item, item_text), editor in zip(self.columns, editors, strict=True):
                path = (*self.path, row, item.name)
                found = first_problem(self.problems, path)
                own = editor.input_problem(_)
                shown = own or (found[1] if found and touched(found[0]) else None)
                editor.set_invalid(bool(shown))
                if shown:
                    lines.append(_("Ligne {n}, {field} : {message}").format(
                        n=row + 1, field=item_text.label, message=shown))
        whole = self.problems.get(self.path)
        if whole and touched(self.path):
            lines.insert(0, whole)
        self.summary.setText("\n".join(f"⚠ {line}" for line in lines))
        self.summary.setVisible(bool(lines))
        self._show_row_problem()
        if self.detail_form is not None:
            self.detail_form.show_problems(self.problems, touched)

    def _row_problem(self, row: int) -> str | None:
        """The model's message about a row as a whole, once the user has been there."""
        path = (*self.path, row)
        message = self.problems.get(path)
        return message if message and self.touched(path) else None

    def _show_row_problem(self) -> None:
        """The row's own message also heads its details, where its parts are typed."""
        message = self._row_problem(self.current) if self.current >= 0 else None
        self.row_error.setText(f"⚠ {message}" if message else "")
        self.row_error.setVisible(bool(message))

    def focus_path(self, path: FieldPath) -> QWidget | None:
        """Select the row of `path` and put the cursor in its field."""
        rest = path[len(self.path):]
        if not rest or not isinstance(rest[0], int):
            if self.cells:
                return self.focus_cell(0, 0)
            self.add_button.setFocus(Qt.FocusReason.OtherFocusReason)
            return self.add_button
        row = rest[0]
        if not 0 <= row < len(self.cells):
            return self.focus_cell(0, 0)
        if len(rest) > 1:
            for column, (item, _text) in enumerate(self.columns):
                if item.name == rest[1]:
                    return self.focus_cell(row, column)
            self._select(row)
            if self.detail_form is not None:
                found = self.detail_form.focus_path(path)
                if found is not None:
                    return found
        return self.focus_cell(row, 0)

    def invalid_inputs(self, _: Tr) -> list[tuple[FieldPath, Editor]]:
        """The cells (and detail fields of the row shown) whose text cannot be read."""
        out = []
        for row, editors in enumerate(self.cells):
            for (item, _text), editor in zip(self.columns, editors, strict=True):
                if editor.input_problem(_):
                    out.append(((*self.path, row, item.name), editor))
        if self.detail_form is not None:
            out.extend(self.detail_form.invalid_inputs(_))
        return out

    def field_paths(self) -> list[FieldPath]:
        """The table as one path."""
        return [self.path]

    def editor_at(self, path: FieldPath) -> Editor | None:
        """The editor of a cell or of a detail field."""
        rest = path[len(self.path):]
        if len(rest) < 2 or not isinstance(rest[0], int) or rest[0] >= len(self.cells):
            return None
        for column, (item, _text) in enumerate(self.columns):
            if item.name == rest[1]:
                return self.cells[rest[0]][column]
        self._select(rest[0])
        return self.detail_form.editor_at(path) if self.detail_form is not None else None
