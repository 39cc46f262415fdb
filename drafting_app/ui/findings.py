"""The findings panel: what is missing, what the law requires; a click goes to the field."""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QTextLayout, QTextOption
from PySide6.QtWidgets import (
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from drafting_app.checks import Finding, Severity
from drafting_app.ui.analysis import Analysis
from drafting_app.ui.draft import FieldPath, parse_path, path_text
from drafting_app.ui.i18n import Tr

PATH_ROLE = Qt.ItemDataRole.UserRole
CODE_ROLE = Qt.ItemDataRole.UserRole + 1


def wrapped_height(text: str, font: QFont, width: int) -> int:
    """The height of `text` wrapped at `width`, laid out as Qt's item views lay it out."""
    layout = QTextLayout(text.replace("\n", "\u2028"), font)  # as the item delegate does
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    layout.setTextOption(option)
    height = 0.0
    layout.beginLayout()
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(max(width, 1))
        line.setPosition(QPointF(0, height))
        height += line.height()
    layout.endLayout()
    return math.ceil(height)


def item_text_width(view: QListWidget, option: QStyleOptionViewItem) -> int:
    """The width the style gives an item's text (icon and the style's own margins off)."""
    style = view.style()
    rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, option, view)
    margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
    return rect.width() - 2 * margin


class WrappedItems(QStyledItemDelegate):
    """Items as tall as their wrapped text at the list's width: no finding loses its reference."""

    def __init__(self, view: QListWidget) -> None:
        super().__init__(view)
        self.view = view

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
                 ) -> QSize:
        width = self.view.viewport().width() - 2 * self.view.spacing()
        item = QStyleOptionViewItem(option)
        self.initStyleOption(item, index)
        item.rect = QRect(0, 0, width, 1_000_000)
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        text_height = wrapped_height(text, item.font, item_text_width(self.view, item))
        icon = self.view.iconSize().height() if index.data(Qt.ItemDataRole.DecorationRole) else 0
        return QSize(width, max(text_height, icon) + 6)


class FindingsPanel(QWidget):
    """Findings grouped by severity, each with its article; activating one asks for its field."""

    finding_requested = Signal(str, object)  # code, FieldPath

    def __init__(self, tr: Tr, describe: Callable[[FieldPath], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _ = tr
        self._ = tr
        self.describe = describe
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.summary = QLabel(_("Vérification en cours…"))
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setUniformItemSizes(False)
        self.list.setAlternatingRowColors(False)
        self.list.setSpacing(2)
        self.list.setAccessibleName(_("Constats"))
        self.list.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.list.setItemDelegate(WrappedItems(self.list))
        layout.addWidget(self.list, 1)
        hint = QLabel(_("Cliquez sur un constat pour aller au champ concerné."))
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #4a4a4a;")
        layout.addWidget(hint)
        self.list.itemClicked.connect(self._activated)
        self.list.itemActivated.connect(self._activated)
        self.counts: dict[str, int] = {}

    def _activated(self, item: QListWidgetItem) -> None:
        path = item.data(PATH_ROLE)
        if isinstance(path, str):
            code = item.data(CODE_ROLE)
            self.finding_requested.emit(str(code or ""), parse_path(path))

    def _header(self, text: str) -> None:
        item = QListWidgetItem(text)
        font = QFont(self.list.font())
        font.setBold(True)
        item.setFont(font)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.list.addItem(item)

    def _entry(self, text: str, icon: QStyle.StandardPixmap, path: str, code: str,
               tooltip: str) -> None:
        item = QListWidgetItem(self.style().standardIcon(icon), text)
        item.setData(PATH_ROLE, path)
        item.setData(CODE_ROLE, code)
        item.setToolTip(tooltip)
        self.list.addItem(item)

    def show_analysis(self, analysis: Analysis) -> None:
        """Replace the list with the findings of a new analysis."""
        _ = self._
        self.list.clear()
        problems = [p for p in analysis.problems if p.path]
        by_severity: dict[Severity, list[Finding]] = {s: [] for s in Severity}
        for finding in analysis.findings:
            by_severity[finding.severity].append(finding)
        self.counts = {
            "problems": len(problems),
            "errors": len(by_severity[Severity.ERROR]),
            "warnings": len(by_severity[Severity.WARNING]),
            "infos": len(by_severity[Severity.INFO]),
        }
        if problems:
            self._header(_("À compléter ou corriger ({n})").format(n=len(problems)))
            for problem in problems:
                where = path_text(problem.path)
                self._entry(f"{self.describe(problem.path)} : {problem.message}",
                            QStyle.StandardPixmap.SP_MessageBoxWarning, where, "CHAMP", where)
        titles = {
            Severity.ERROR: _("Points bloquants ({n})"),
            Severity.WARNING: _("Points d’attention ({n})"),
            Severity.INFO: _("Informations ({n})"),
        }
        icons = {
            Severity.ERROR: QStyle.StandardPixmap.SP_MessageBoxCritical,
            Severity.WARNING: QStyle.StandardPixmap.SP_MessageBoxWarning,
            Severity.INFO: QStyle.StandardPixmap.SP_MessageBoxInformation,
        }
        for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO):
            found = by_severity[severity]
            if not found:
                continue
            self._header(titles[severity].format(n=len(found)))
            for finding in found:
                text = finding.message
                if finding.reference:
                    text += "\n" + _("Réf. : {ref}").format(ref=finding.reference)
                self._entry(text, icons[severity], finding.field, finding.code,
                            f"{finding.code} — {finding.field}")
        self.summary.setText(self._summary(analysis))

    def _summary(self, analysis: Analysis) -> str:
        _ = self._
        counts = self.counts
        parts = []
        if counts["problems"]:
            parts.append(_("{n} champ(s) à compléter ou corriger").format(n=counts["problems"]))
        if counts["errors"]:
            parts.append(_("{n} point(s) bloquant(s)").format(n=counts["errors"]))
        if counts["warnings"]:
            parts.append(_("{n} point(s) d’attention").format(n=counts["warnings"]))
        if not analysis.checked:
            parts.append(_("vérifications juridiques en attente des champs obligatoires"))
        if not parts:
            return _("Aucun point bloquant : le dossier est complet.")
        return " ; ".join(parts) + "."

    def entries(self) -> list[tuple[str, str]]:
        """(code, text) of every finding listed (tests)."""
        out = []
        for row in range(self.list.count()):
            item = self.list.item(row)
            code = item.data(CODE_ROLE)
            if isinstance(code, str):
                out.append((code, item.text()))
        return out

    def item_for(self, code: str) -> QListWidgetItem | None:
        """The list item of the first finding with this code."""
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(CODE_ROLE) == code:
                return item
        return None
