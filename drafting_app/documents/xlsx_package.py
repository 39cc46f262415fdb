"""A small SpreadsheetML (`.xlsx`) writer: styled cells, formulas, merges, print setup, protection.

What the price schedules need and nothing more, written straight as XML into the zip package
(the workbook, one part per sheet, the styles, the document properties). Excel and LibreOffice
recompute every formula when they open the file (`fullCalcOnLoad`), so no cached value is
written. A text is always a text: only a `Formula` becomes a formula, so a label a user typed
as « =… » cannot turn into one.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from drafting_app.documents.docx.package import property_text

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument."
MAX_CELL_TEXT = 32_767  # the longest text a cell holds
MAX_HEADER_FOOTER = 255  # the longest header or footer Excel accepts, codes included
MAX_ROW_HEIGHT = 409  # points: the tallest row Excel accepts
FIRST_CUSTOM_FORMAT = 164
BOX_COLOR = "808080"
DEFAULT_FONT = '<sz val="11"/><name val="Calibri"/><family val="2"/>'

# characters no XML 1.0 part may hold (C0 controls but tab and line ends, surrogates, U+FFFE/F)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def cell_text(text: str) -> str:
    """User text without the control characters a worksheet cannot hold."""
    return _NOT_XML.sub("", text)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attribute(text: str) -> str:
    return _escape(text).replace('"', "&quot;")


def column_letter(column: int) -> str:
    """1 → `A`, 27 → `AA`."""
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def reference(row: int, column: int) -> str:
    return f"{column_letter(column)}{row}"


@dataclass(frozen=True)
class Formula:
    """A formula, without its leading `=` (`SUM(F9:F12)`)."""

    text: str


Value = str | int | float | Decimal | Formula | None


@dataclass(frozen=True)
class CellStyle:
    """How a cell looks and whether the bidder may type in it (`unlocked`)."""

    bold: bool = False
    italic: bool = False
    size: float | None = None
    fill: str | None = None  # RGB, `FFF2CC`
    box: bool = False  # a thin grey frame
    wrap: bool = False
    vertical: str | None = None  # top, center, bottom
    horizontal: str | None = None  # left, center, right
    number_format: str | None = None
    unlocked: bool = False


PLAIN = CellStyle()


@dataclass
class Sheet:
    """One worksheet: its cells and how it prints; locked but for the unlocked cells."""

    title: str
    cells: dict[tuple[int, int], tuple[Value, CellStyle]] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    widths: dict[int, float] = field(default_factory=dict)
    heights: dict[int, float] = field(default_factory=dict)
    frozen_rows: int = 0  # rows kept in view above the scrolling part
    print_title_row: int | None = None  # a row printed again at the top of every page
    footer_left: str = ""  # text: a `&` in it prints as `&`
    footer_right: str = ""  # codes: `Page &P / &N`

    def cell(self, row: int, column: int, value: Value = None, style: CellStyle = PLAIN) -> None:
        if isinstance(value, str):
            value = cell_text(value)[:MAX_CELL_TEXT] or None
        self.cells[(row, column)] = (value, style)

    def merge(self, first_row: int, first_column: int, last_row: int, last_column: int) -> None:
        self.merges.append((first_row, first_column, last_row, last_column))


@dataclass
class Book:
    """A workbook: its sheets and properties; `to_bytes()` gives the `.xlsx` file."""

    title: str = ""
    creator: str = ""
    language: str = "fr-FR"
    sheets: list[Sheet] = field(default_factory=list)

    def add_sheet(self, title: str) -> Sheet:
        sheet = Sheet(title)
        self.sheets.append(sheet)
        return sheet

    def to_bytes(self) -> bytes:
        styles = _Styles()
        parts = {f"xl/worksheets/sheet{index}.xml": _sheet_xml(sheet, styles, index == 1)
                 for index, sheet in enumerate(self.sheets, 1)}
        parts["xl/styles.xml"] = styles.xml()
        parts["xl/workbook.xml"] = self._workbook_xml()
        parts["xl/_rels/workbook.xml.rels"] = self._workbook_rels()
        parts["docProps/core.xml"] = self._core_xml()
        parts["docProps/app.xml"] = (
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
            'extended-properties"><Application>Clausier</Application></Properties>')
        parts["_rels/.rels"] = (
            f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
            f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" '
            'Target="xl/workbook.xml"/>'
            f'<Relationship Id="rId2" Type="{PACKAGE_RELATIONSHIPS}/metadata/core-properties" '
            'Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{RELATIONSHIPS}/extended-properties" '
            'Target="docProps/app.xml"/></Relationships>')
        stream = io.BytesIO()
        with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as package:
            package.writestr("[Content_Types].xml", _XML + self._content_types())
            for name, xml in parts.items():
                package.writestr(name, _XML + xml)
        return stream.getvalue()

    def _content_types(self) -> str:
        overrides = [("/xl/workbook.xml", "spreadsheetml.sheet.main+xml"),
                     ("/xl/styles.xml", "spreadsheetml.styles+xml"),
                     *((f"/xl/worksheets/sheet{index}.xml", "spreadsheetml.worksheet+xml")
                       for index in range(1, len(self.sheets) + 1)),
                     ("/docProps/app.xml", "extended-properties+xml")]
        return ('<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" '
                'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                + "".join(f'<Override PartName="{name}" ContentType="{CONTENT_TYPE}{kind}"/>'
                          for name, kind in overrides)
                + '<Override PartName="/docProps/core.xml" ContentType="application/'
                'vnd.openxmlformats-package.core-properties+xml"/></Types>')

    def _workbook_xml(self) -> str:
        sheets = "".join(f'<sheet name="{_attribute(sheet.title)}" sheetId="{index}" '
                         f'r:id="rId{index}"/>' for index, sheet in enumerate(self.sheets, 1))
        names = "".join(
            f'<definedName name="_xlnm.Print_Titles" localSheetId="{index}">'
            f"{_escape(_quoted(sheet.title))}!${sheet.print_title_row}:${sheet.print_title_row}"
            "</definedName>"
            for index, sheet in enumerate(self.sheets) if sheet.print_title_row)
        return (f'<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><workbookPr/>'
                '<bookViews><workbookView activeTab="0"/></bookViews>'
                f"<sheets>{sheets}</sheets>"
                + (f"<definedNames>{names}</definedNames>" if names else "")
                + '<calcPr calcId="191029" fullCalcOnLoad="1"/></workbook>')

    def _workbook_rels(self) -> str:
        count = len(self.sheets)
        return (f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
                + "".join(f'<Relationship Id="rId{index}" Type="{RELATIONSHIPS}/worksheet" '
                          f'Target="worksheets/sheet{index}.xml"/>'
                          for index in range(1, count + 1))
                + f'<Relationship Id="rId{count + 1}" Type="{RELATIONSHIPS}/styles" '
                'Target="styles.xml"/></Relationships>')

    def _core_xml(self) -> str:
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return ('<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
                'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
                'xmlns:dcterms="http://purl.org/dc/terms/" '
                'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
                f"<dc:title>{_escape(property_text(cell_text(self.title)))}</dc:title>"
                f"<dc:creator>{_escape(property_text(cell_text(self.creator)))}</dc:creator>"
                f"<dc:language>{_escape(self.language)}</dc:language>"
                f'<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
                f'<dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified>'
                "</cp:coreProperties>")


_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _quoted(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


# --------------------------------------------------------------------------- styles


class _Styles:
    """The styles part, built as the sheets ask for cell formats (one `xf` per distinct style)."""

    def __init__(self) -> None:
        self.formats: dict[CellStyle, int] = {PLAIN: 0}
        self.fonts: dict[tuple[bool, bool, float | None], int] = {(False, False, None): 0}
        self.fills: dict[str | None, int] = {None: 0}  # 1 is the gray125 every file carries
        self.numbers: dict[str, int] = {}

    def index(self, style: CellStyle) -> int:
        found = self.formats.get(style)
        if found is None:
            found = self.formats[style] = len(self.formats)
            self.fonts.setdefault((style.bold, style.italic, style.size), len(self.fonts))
            if style.fill is not None:
                self.fills.setdefault(style.fill, len(self.fills) + 1)
            if style.number_format is not None:
                self.numbers.setdefault(style.number_format,
                                        FIRST_CUSTOM_FORMAT + len(self.numbers))
        return found

    def _xf(self, style: CellStyle) -> str:
        font = self.fonts[(style.bold, style.italic, style.size)]
        fill = self.fills[style.fill] if style.fill is not None else 0
        number = self.numbers[style.number_format] if style.number_format is not None else 0
        border = 1 if style.box else 0
        attributes = (f'numFmtId="{number}" fontId="{font}" fillId="{fill}" '
                      f'borderId="{border}" xfId="0"'
                      + (' applyNumberFormat="1"' if number else "")
                      + (' applyFont="1"' if font else "")
                      + (' applyFill="1"' if fill else "")
                      + (' applyBorder="1"' if border else ""))
        alignment = "".join(f' {name}="{value}"' for name, value in (
            ("horizontal", style.horizontal), ("vertical", style.vertical),
            ("wrapText", "1" if style.wrap else None)) if value is not None)
        children = ""
        if alignment:
            attributes += ' applyAlignment="1"'
            children += f"<alignment{alignment}/>"
        if style.unlocked:
            attributes += ' applyProtection="1"'
            children += '<protection locked="0"/>'
        return f"<xf {attributes}>{children}</xf>" if children else f"<xf {attributes}/>"

    def xml(self) -> str:
        numbers = "".join(f'<numFmt numFmtId="{number}" formatCode="{_attribute(code)}"/>'
                          for code, number in self.numbers.items())
        fonts = "".join("<font>" + ("<b/>" if bold else "") + ("<i/>" if italic else "")
                        + (DEFAULT_FONT if size is None
                           else DEFAULT_FONT.replace('"11"', f'"{size:g}"')) + "</font>"
                        for bold, italic, size in self.fonts)
        fills = "".join(f'<fill><patternFill patternType="solid"><fgColor rgb="FF{color}"/>'
                        '<bgColor indexed="64"/></patternFill></fill>'
                        for color in self.fills if color is not None)
        side = f'style="thin"><color rgb="FF{BOX_COLOR}"/>'
        formats = "".join(self._xf(style) for style in self.formats)
        return (f'<styleSheet xmlns="{MAIN}">'
                + (f'<numFmts count="{len(self.numbers)}">{numbers}</numFmts>'
                   if numbers else "")
                + f'<fonts count="{len(self.fonts)}">{fonts}</fonts>'
                f'<fills count="{len(self.fills) + 1}"><fill><patternFill patternType="none"/>'
                '</fill><fill><patternFill patternType="gray125"/></fill>' + fills + "</fills>"
                '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
                f"<border><left {side}</left><right {side}</right><top {side}</top>"
                f"<bottom {side}</bottom><diagonal/></border></borders>"
                '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
                f'</cellStyleXfs><cellXfs count="{len(self.formats)}">{formats}</cellXfs>'
                '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
                "</cellStyles></styleSheet>")


# --------------------------------------------------------------------------- sheets


def _covered(sheet: Sheet) -> Iterator[tuple[int, int, CellStyle]]:
    """The cells a merge covers, styled as its first cell, so a frame or a fill spans it."""
    for first_row, first_column, last_row, last_column in sheet.merges:
        style = sheet.cells.get((first_row, first_column), (None, PLAIN))[1]
        for row in range(first_row, last_row + 1):
            for column in range(first_column, last_column + 1):
                if (row, column) != (first_row, first_column):
                    yield row, column, style


def _value_xml(ref: str, value: Value, style: int) -> str:
    s = f' s="{style}"' if style else ""
    if value is None:
        return f'<c r="{ref}"{s}/>'
    if isinstance(value, Formula):
        return f'<c r="{ref}"{s}><f>{_escape(value.text)}</f></c>'
    if isinstance(value, str):
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{_escape(value)}</t></is></c>'
    number = format(value, "f") if isinstance(value, Decimal) else repr(value)
    return f'<c r="{ref}"{s}><v>{number}</v></c>'


def _footer(left: str, right: str) -> str:
    """`&L…&R…`: the left text with its `&` doubled, shortened to what Excel accepts; the
    right part is codes, kept as they are."""
    right_code = f"&R{right}" if right else ""
    room = MAX_HEADER_FOOTER - len(right_code) - 2
    left = left.replace("&", "&&")
    if len(left) > room:
        left = left[:room - 1].rstrip("&").rstrip() + "…"
    return (f"&L{left}" if left else "") + right_code


def _sheet_xml(sheet: Sheet, styles: _Styles, selected: bool) -> str:
    cells = dict(sheet.cells)
    for row, column, style in _covered(sheet):
        cells.setdefault((row, column), (None, style))
    rows: dict[int, list[str]] = {}
    for (row, column), (value, style) in sorted(cells.items()):
        rows.setdefault(row, []).append(_value_xml(reference(row, column), value,
                                                   styles.index(style)))
    for row in sheet.heights:
        rows.setdefault(row, [])
    data = "".join(
        f'<row r="{row}"'
        + (f' ht="{min(sheet.heights[row], MAX_ROW_HEIGHT):g}" customHeight="1"'
           if row in sheet.heights else "")
        + (f">{''.join(rows[row])}</row>" if rows[row] else "/>")
        for row in sorted(rows))
    last_row = max((row for row, _ in cells), default=1)
    last_column = max((column for _, column in cells), default=1)
    view = '<sheetView workbookViewId="0"' + (' tabSelected="1"' if selected else "")
    if sheet.frozen_rows:
        top = f"A{sheet.frozen_rows + 1}"
        view += (f'><pane ySplit="{sheet.frozen_rows}" topLeftCell="{top}" '
                 'activePane="bottomLeft" state="frozen"/>'
                 f'<selection pane="bottomLeft" activeCell="{top}" sqref="{top}"/></sheetView>')
    else:
        view += "/>"
    columns = "".join(f'<col min="{column}" max="{column}" width="{width:g}" customWidth="1"/>'
                      for column, width in sorted(sheet.widths.items()))
    merges = "".join(f'<mergeCell ref="{reference(a, b)}:{reference(c, d)}"/>'
                     for a, b, c, d in sheet.merges)
    footer = _footer(sheet.footer_left, sheet.footer_right)
    return (f'<worksheet xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}">'
            '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
            f'<dimension ref="A1:{reference(last_row, last_column)}"/>'
            f"<sheetViews>{view}</sheetViews>"
            '<sheetFormatPr defaultRowHeight="15"/>'
            + (f"<cols>{columns}</cols>" if columns else "")
            + f"<sheetData>{data}</sheetData>"
            '<sheetProtection sheet="1" objects="1" scenarios="1" formatCells="0" '
            'formatColumns="0" formatRows="0"/>'
            + (f'<mergeCells count="{len(sheet.merges)}">{merges}</mergeCells>'
               if merges else "")
            + '<printOptions horizontalCentered="1"/>'
            '<pageMargins left="0.6" right="0.6" top="0.75" bottom="0.75" header="0.3" '
            'footer="0.3"/>'
            '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
            + (f"<headerFooter><oddFooter>{_escape(footer)}</oddFooter></headerFooter>"
               if footer else "")
            + "</worksheet>")
