"""One editor per kind of value: text, French numbers and dates, yes/no, choices, short lists.

Every editor returns a JSON-ready value (None when empty) and emits `edited` when the user
changes it, never when the program loads a value. Unreadable input is kept as typed so that
validation names the problem next to the field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QColor, QPalette, QWheelEvent
from PySide6.QtWidgets import (
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QSizePolicy,
    QToolButton,
    QWidget,
    QWidgetAction,
)

from drafting_app.ui.field_specs import FieldSpec, Kind
from drafting_app.ui.french_input import (
    NumberError,
    format_date,
    format_datetime,
    format_decimal,
    impossible_date,
    parse_date,
    parse_datetime,
    parse_decimal,
)
from drafting_app.ui.i18n import Tr

INVALID_TINT = QColor("#fde7e9")
WHOLE = frozenset({Kind.INT, Kind.YEAR})


class Editor(QWidget):
    """Base of the editors: a value in, a value out, `edited` on user changes only."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loading = False
        self.layout_ = QHBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.layout_.setSpacing(4)
        self.inner: QWidget = self

    def _set_inner(self, widget: QWidget) -> None:
        self.inner = widget
        self.layout_.addWidget(widget, 1)
        self.setFocusProxy(widget)
        self._base_palette = QPalette(widget.palette())

    def value(self) -> Any:
        """The value as the dossier file stores it; None when empty."""
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        """Show a value without emitting `edited`."""
        self._loading = True
        try:
            self._show(value)
        finally:
            self._loading = False

    def _show(self, value: Any) -> None:
        raise NotImplementedError

    def input_problem(self, _: Tr) -> str | None:
        """What is wrong with what the user typed, before any validation (French), or None."""
        return None

    def set_invalid(self, invalid: bool) -> None:
        """Tint the editor when its value has a problem."""
        palette = QPalette(self._base_palette)
        if invalid:
            palette.setColor(QPalette.ColorRole.Base, INVALID_TINT)
            palette.setColor(QPalette.ColorRole.Button, INVALID_TINT)
        self.inner.setPalette(palette)

    def set_help(self, text: str) -> None:
        """Tooltip and accessible description of the editor."""
        self.inner.setToolTip(text)
        self.inner.setAccessibleDescription(text)

    def set_accessible_name(self, name: str) -> None:
        """The name a screen reader says for this editor."""
        self.inner.setAccessibleName(name)

    def _changed(self, *_args: object) -> None:
        if not self._loading:
            self.edited.emit()


class QuietComboBox(QComboBox):
    """A combo box that ignores the mouse wheel unless it has focus (forms scroll safely)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(12)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


class TextEditor(Editor):
    """One line of text; `compact` removes the spaces people type in codes (SIRET, code postal)."""

    def __init__(self, compact: bool = False, placeholder: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.line = QLineEdit()
        self.line.setPlaceholderText(placeholder)
        self.compact = compact
        self._set_inner(self.line)
        self.line.textChanged.connect(self._changed)

    def value(self) -> Any:
        text = self.line.text()
        return "".join(text.split()) if self.compact else text

    def _show(self, value: Any) -> None:
        self.line.setText("" if value is None else str(value))
        self.line.setCursorPosition(0)


class LongTextEditor(Editor):
    """Several lines of text; Tab moves to the next field."""

    def __init__(self, lines: int = 3, placeholder: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)
        self.text.setPlaceholderText(placeholder)
        height = self.text.fontMetrics().lineSpacing() * lines + 14
        self.text.setFixedHeight(height)
        self._set_inner(self.text)
        self.text.textChanged.connect(self._changed)

    def value(self) -> Any:
        return self.text.toPlainText()

    def _show(self, value: Any) -> None:
        self.text.setPlainText("" if value is None else str(value))


class NumberEditor(Editor):
    """A French number: `12 500,00` for an amount, `7` or `5,5` for a percentage."""

    def __init__(self, kind: Kind, placeholder: str = "", unit: bool = True,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.line = QLineEdit()
        self.line.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.line.setPlaceholderText(placeholder)
        self._set_inner(self.line)
        suffix = {Kind.MONEY: "€", Kind.PERCENT: "%"}.get(kind)
        if suffix and unit:
            self.layout_.addWidget(QLabel(suffix))
        if unit:  # in a form, a number needs no more room than a long amount
            self.line.setMaximumWidth(self.line.fontMetrics().horizontalAdvance("0") * 24)
            self.layout_.addStretch(1)
        self.line.textChanged.connect(self._changed)
        self.line.editingFinished.connect(self._tidy)

    def _example(self) -> str:
        return {Kind.MONEY: "12 500,00", Kind.PERCENT: "5", Kind.INT: "12",
                Kind.YEAR: "2027"}.get(self.kind, "2,5")

    def _places(self) -> int | None:
        return 2 if self.kind is Kind.MONEY else (0 if self.kind in WHOLE else None)

    def _format(self, number: Decimal) -> str:
        if self.kind is Kind.YEAR and number.is_finite() and number.adjusted() <= 20 \
                and number == number.to_integral_value():
            return str(int(number))  # 2027, not 2 027
        return format_decimal(number, self._places())

    def _parsed(self) -> Decimal | None:
        return parse_decimal(self.line.text())

    def value(self) -> Any:
        try:
            number = self._parsed()
        except ValueError:
            return self.line.text()
        if number is None:
            return None
        if self.kind in WHOLE:
            return int(number) if number == number.to_integral_value() else self.line.text()
        if self.kind is Kind.MONEY:
            quantized = number.quantize(Decimal("0.01"))
            return str(quantized) if quantized == number else str(number)
        return str(number)

    def _show(self, value: Any) -> None:
        if value is None or value == "":
            self.line.setText("")
            return
        try:
            number = Decimal(str(value))
        except ArithmeticError:
            self.line.setText(str(value))
            return
        self.line.setText(self._format(number))

    def _tidy(self) -> None:
        try:
            number = self._parsed()
        except ValueError:
            return
        if number is not None:
            self._loading = True
            try:
                self.line.setText(self._format(number))
            finally:
                self._loading = False

    def input_problem(self, _: Tr) -> str | None:
        try:
            number = self._parsed()
        except NumberError as exc:
            if exc.ambiguous:
                return exc.message
            return _("un nombre est attendu, par exemple {example}").format(
                example=self._example())
        if number is not None and self.kind in WHOLE and number != int(number):
            return _("un nombre entier est attendu")
        return None


class DateEditor(Editor):
    """A date typed `23/11/2026` (or picked in a calendar)."""

    def __init__(self, _: Tr, with_time: bool = False, in_table: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ = _
        self.with_time = with_time
        self.line = QLineEdit()
        self.line.setPlaceholderText(_("jj/mm/aaaa hh:mm") if with_time else _("jj/mm/aaaa"))
        self._set_inner(self.line)
        self.button = QToolButton()
        self.button.setText("…")
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(True)
        menu = QMenu(self.button)
        action = QWidgetAction(menu)
        action.setDefaultWidget(self.calendar)
        menu.addAction(action)
        self.button.setMenu(menu)
        self.calendar.clicked.connect(self._picked)
        self.layout_.addWidget(self.button)
        digit = self.line.fontMetrics().horizontalAdvance("0")
        if in_table:  # the whole date readable in a narrow column
            self.line.setMinimumWidth(digit * (17 if with_time else 11))
        else:
            self.line.setMaximumWidth(digit * 24)
            self.layout_.addStretch(1)
        self.line.textChanged.connect(self._changed)
        self.line.editingFinished.connect(self._tidy)

    def set_accessible_name(self, name: str) -> None:
        super().set_accessible_name(name)
        self.button.setAccessibleName(self._("{field} : calendrier").format(field=name))

    def _picked(self, day: QDate) -> None:
        chosen = dt.date(day.year(), day.month(), day.day())
        if self.with_time:
            current = self._parsed_or_none()
            hour = current.hour if isinstance(current, dt.datetime) else 12
            minute = current.minute if isinstance(current, dt.datetime) else 0
            self.line.setText(format_datetime(dt.datetime.combine(chosen, dt.time(hour, minute))))
        else:
            self.line.setText(format_date(chosen))
        menu = self.button.menu()
        if menu is not None:
            menu.hide()

    def _parsed(self) -> dt.date | None:
        text = self.line.text()
        return parse_datetime(text) if self.with_time else parse_date(text)

    def _parsed_or_none(self) -> dt.date | None:
        try:
            return self._parsed()
        except ValueError:
            return None

    def value(self) -> Any:
        try:
            parsed = self._parsed()
        except ValueError:
            return self.line.text()
        if parsed is None:
            return None
        return parsed.isoformat()

    def _show(self, value: Any) -> None:
        if not value:
            self.line.setText("")
            return
        try:
            if self.with_time:
                moment = dt.datetime.fromisoformat(str(value))
                self.line.setText(format_datetime(moment))
                day = moment.date()
            else:
                day = dt.date.fromisoformat(str(value)[:10])
                self.line.setText(format_date(day))
        except ValueError:
            self.line.setText(str(value))
            return
        finally:
            self.line.setCursorPosition(0)
        self.calendar.setSelectedDate(QDate(day.year, day.month, day.day))

    def _tidy(self) -> None:
        parsed = self._parsed_or_none()
        if parsed is not None:
            self._loading = True
            try:
                if isinstance(parsed, dt.datetime):
                    self.line.setText(format_datetime(parsed))
                else:
                    self.line.setText(format_date(parsed))
            finally:
                self._loading = False

    def input_problem(self, _: Tr) -> str | None:
        try:
            self._parsed()
        except ValueError:
            if impossible_date(self.line.text()):
                return _("date invalide : ce jour n’existe pas (jj/mm/aaaa)")
            if self.with_time:
                return _("date et heure attendues (jj/mm/aaaa hh:mm), par exemple "
                         "15/01/2027 12:00")
            return _("une date est attendue (jj/mm/aaaa), par exemple 23/11/2026")
        return None


class BoolEditor(Editor):
    """Yes or no: a check box carrying the field's label."""

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.box = QCheckBox()
        self._set_inner(self.box)
        self.layout_.setStretch(0, 0)
        self.text = QLabel(label)
        self.text.setWordWrap(True)
        self.text.setBuddy(self.box)
        self.text.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.text.mousePressEvent = lambda _event: self.box.toggle()  # type: ignore[method-assign]
        self.text.setVisible(bool(label))
        self.layout_.addWidget(self.text, 1)
        self.box.toggled.connect(self._changed)

    def value(self) -> Any:
        return self.box.isChecked()

    def _show(self, value: Any) -> None:
        self.box.setChecked(bool(value))


class ChoiceEditor(Editor):
    """One value from a list; an optional first entry stands for « none »."""

    def __init__(self, options: Sequence[tuple[str, Any]], empty: str | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.combo = QuietComboBox()
        self.values: list[Any] = []
        self._populate(options, empty)
        self._set_inner(self.combo)
        self.combo.currentIndexChanged.connect(self._changed)

    def _populate(self, options: Sequence[tuple[str, Any]], empty: str | None) -> None:
        """The combo's entries, and the value behind each, afresh."""
        self.combo.clear()
        self.values = []
        if empty is not None:
            self.combo.addItem(empty)
            self.values.append(None)
        for label, value in options:
            self.combo.addItem(label)
            self.values.append(value)

    def value(self) -> Any:
        index = self.combo.currentIndex()
        return self.values[index] if 0 <= index < len(self.values) else None

    def _show(self, value: Any) -> None:
        index = self.values.index(value) if value in self.values else 0
        self.combo.setCurrentIndex(index)

    def select(self, value: Any) -> None:
        """Choose a value as a user would (emits `edited`)."""
        self.combo.setCurrentIndex(self.values.index(value))


Options = tuple[list[tuple[str, Any]], str | None]


class DynamicChoiceEditor(ChoiceEditor):
    """A choice among values the dossier itself holds (the tender's lots), offered afresh.

    `source` gives the options and the label of « none » as the dossier stands; a value no
    longer offered stays shown under `missing(value)`, so that nothing changes unseen.
    """

    def __init__(self, source: Callable[[], Options], missing: Callable[[Any], str],
                 parent: QWidget | None = None) -> None:
        options, empty = source()
        super().__init__(options, empty, parent)
        self.source = source
        self.missing = missing
        self.offered: Options = (options, empty)

    def _show(self, value: Any) -> None:
        self._fill(value)
        super()._show(value)

    def _fill(self, value: Any) -> None:
        options, empty = self.source()
        if value is not None and value not in [v for _label, v in options]:
            options = [*options, (self.missing(value), value)]
        if (options, empty) == self.offered:
            return
        self.offered = (options, empty)
        self.combo.blockSignals(True)
        self._populate(options, empty)
        self.combo.blockSignals(False)

    def refresh_options(self) -> None:
        """Offer the choices of the dossier as it stands now, keeping the value chosen."""
        self.set_value(self.value())


class ListEditor(Editor):
    """A short list typed on one line: codes separated by commas, amounts by semicolons."""

    def __init__(self, item_kind: Kind, placeholder: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item_kind = item_kind
        self.numeric = item_kind in (Kind.MONEY, Kind.DECIMAL, Kind.PERCENT, Kind.INT)
        self.separator = ";" if self.numeric else ","
        self.line = QLineEdit()
        self.line.setPlaceholderText(placeholder or ("12 500,00 ; 13 000,00" if self.numeric
                                                     else "77310000-6, 77311000-3"))
        self._set_inner(self.line)
        self.line.textChanged.connect(self._changed)

    def _items(self) -> list[str]:
        return [part.strip() for part in self.line.text().split(self.separator) if part.strip()]

    def value(self) -> Any:
        items = self._items()
        if not self.numeric:
            return items
        out: list[Any] = []
        for item in items:
            try:
                number = parse_decimal(item)
            except ValueError:
                out.append(item)
                continue
            out.append(str(number))
        return out

    def _show(self, value: Any) -> None:
        items = value if isinstance(value, list | tuple) else []
        shown = []
        for item in items:
            if self.numeric:
                try:
                    shown.append(format_decimal(Decimal(str(item)),
                                                2 if self.item_kind is Kind.MONEY else None))
                    continue
                except ArithmeticError:
                    pass
            shown.append(str(item))
        self.line.setText(f"{self.separator} ".join(shown))

    def input_problem(self, _: Tr) -> str | None:
        if not self.numeric:
            return None
        for item in self._items():
            try:
                parse_decimal(item)
            except NumberError as exc:
                return exc.message if exc.ambiguous else _(
                    "« {item} » n’est pas un nombre").format(item=item)
        return None


def empty_choice(_: Tr) -> str:
    """The entry of a list that means « nothing chosen »: worded the same in every list."""
    return _("— non renseigné —")


def make_editor(
    spec: FieldSpec,
    kind: Kind,
    label: str,
    placeholder: str,
    choice_label: Callable[[Any], str],
    _: Tr,
    in_table: bool = False,
) -> Editor | None:
    """The editor for a field of this kind, or None when the form does not edit it."""
    if kind is Kind.TEXT:
        return TextEditor(compact=spec.name in ("siret", "postcode", "rna"),
                          placeholder=placeholder)
    if kind is Kind.LONG_TEXT:
        return LongTextEditor(placeholder=placeholder)
    if kind in (Kind.INT, Kind.YEAR, Kind.DECIMAL, Kind.MONEY, Kind.PERCENT):
        return NumberEditor(kind, placeholder, unit=not in_table)
    if kind in (Kind.DATE, Kind.DATETIME):
        return DateEditor(_, with_time=kind is Kind.DATETIME, in_table=in_table)
    if kind is Kind.BOOL:
        return BoolEditor("" if in_table else label)
    if kind is Kind.TRIBOOL:
        return ChoiceEditor([(_("Oui"), True), (_("Non"), False)], empty_choice(_))
    if kind is Kind.CHOICE:
        options = [(choice_label(c), c.value if hasattr(c, "value") else c) for c in spec.choices]
        if len(options) <= 1 and not spec.optional:
            return None  # a constant (schema_version)
        return ChoiceEditor(options, empty_choice(_) if spec.optional or spec.required else None)
    if kind is Kind.LIST:
        return ListEditor(spec.item_kind or Kind.TEXT, placeholder)
    return None
