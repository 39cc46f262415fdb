"""Review documents on the house Word layout: styles, header and footer, highlighted wording.

The review pack and the comparison of two versions are written on the same layout as the
pieces (`templates_docx/default.docx`, or the layout the user chose): its fonts and styles, its
header with the organisation and the reference, its footer with the page numbers. This module
builds on python-docx and the layout's public functions; the pieces' own body writer is not
used, because a review document needs what a piece never has (placeholders and notes
highlighted, tables side by side, tracked changes).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.table import Table as WordTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph as WordParagraph

from drafting_app.documents.blocks import (
    Block,
    DocumentInfo,
    Heading,
    Inline,
    ListItem,
    PageBreak,
    Paragraph,
    Table,
    TableOfContents,
)
from drafting_app.documents.docx.characters import Text
from drafting_app.documents.docx.errors import LayoutError
from drafting_app.documents.docx.layout import Layout, open_word, resolve_styles
from drafting_app.documents.docx.package import (
    fill_headers_and_footers,
    right_tab_at,
    set_french,
    set_properties,
)
from drafting_app.documents.docx.tables import text_width
from drafting_app.files.atomic import atomic_write_bytes
from drafting_app.review.clause_files import ReviewError
from drafting_app.review.readable import spans

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

#: how placeholders and notes stand out from the wording
NOTE_COLOUR = "1F4E79"
NOTE_SHADING = "DEEAF6"
GREY = "6B6B6B"

# w:settings children that come after w:trackRevisions (ECMA-376 schema order)
_AFTER_TRACK_REVISIONS = frozenset(qn(tag) for tag in (
    "w:doNotTrackMoves", "w:doNotTrackFormatting", "w:documentProtection",
    "w:autoFormatOverride", "w:styleLockTheme", "w:styleLockQFSet", "w:defaultTabStop",
    "w:autoHyphenation", "w:consecutiveHyphenLimit", "w:hyphenationZone", "w:doNotHyphenateCaps",
    "w:showEnvelope", "w:summaryLength", "w:clickAndTypeStyle", "w:defaultTableStyle",
    "w:evenAndOddHeaders", "w:bookFoldRevPrinting", "w:bookFoldPrinting",
    "w:bookFoldPrintingSheets", "w:drawingGridHorizontalSpacing",
    "w:drawingGridVerticalSpacing", "w:displayHorizontalDrawingGridEvery",
    "w:displayVerticalDrawingGridEvery", "w:doNotUseMarginsForDrawingGridOrigin",
    "w:drawingGridHorizontalOrigin", "w:drawingGridVerticalOrigin", "w:doNotShadeFormData",
    "w:noPunctuationKerning", "w:characterSpacingControl", "w:printTwoOnOne",
    "w:strictFirstAndLastChars", "w:noLineBreaksAfter", "w:noLineBreaksBefore",
    "w:savePreviewPicture", "w:doNotValidateAgainstSchema", "w:saveInvalidXml",
    "w:ignoreMixedContent", "w:alwaysShowPlaceholderText", "w:doNotDemarcateInvalidXml",
    "w:saveXmlDataOnly", "w:useXSLTWhenSaving", "w:saveThroughXslt", "w:showXMLTags",
    "w:alwaysMergeEmptyNamespace", "w:updateFields", "w:hdrShapeDefaults", "w:footnotePr",
    "w:endnotePr", "w:compat", "w:docVars", "w:rsids", "m:mathPr", "w:attachedSchema",
    "w:themeFontLang", "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats",
    "w:doNotAutoCompressPictures", "w:forceUpgrade", "w:captions", "w:readModeInkLockDown",
    "w:smartTagType", "w:shapeDefaults", "w:doNotEmbedSmartTags", "w:decimalSymbol",
    "w:listSeparator"))


def clean(text: str) -> str:
    """Text without the characters an XML file cannot hold."""
    return _XML_INVALID.sub("", text)


def track_revisions(word: WordDocument) -> None:
    """Turn on « suivi des modifications »: the reader's own edits become revisions too."""
    settings = word.settings.element
    if settings.find(qn("w:trackRevisions")) is not None:
        return
    element = OxmlElement("w:trackRevisions")
    successor = next((child for child in settings if child.tag in _AFTER_TRACK_REVISIONS), None)
    if successor is None:
        settings.append(element)
    else:
        successor.addprevious(element)


def style_run_properties(r_pr: Any, kind: str) -> None:
    """Mark a run's properties as a placeholder (highlighted) or a note (blue, shaded)."""
    if kind == "value":
        r_pr.append(OxmlElement("w:b"))
        r_pr.append(OxmlElement("w:highlight", {qn("w:val"): "yellow"}))
    elif kind == "note":
        r_pr.append(OxmlElement("w:i"))
        r_pr.append(OxmlElement("w:color", {qn("w:val"): NOTE_COLOUR}))
        r_pr.append(OxmlElement("w:shd", {qn("w:val"): "clear", qn("w:color"): "auto",
                                          qn("w:fill"): NOTE_SHADING}))


def text_run(text: str, *, deleted: bool = False, bold: bool = False,
             italic: bool = False, grey: bool = False, kind: str = "text") -> Any:
    """A `w:r` holding `text` (`w:delText` inside a deletion); newlines become line breaks."""
    run = OxmlElement("w:r")
    if bold or italic or grey or kind != "text":
        r_pr = OxmlElement("w:rPr")
        if kind != "text":
            style_run_properties(r_pr, kind)
        else:
            if bold:
                r_pr.append(OxmlElement("w:b"))
            if italic:
                r_pr.append(OxmlElement("w:i"))
            if grey:
                r_pr.append(OxmlElement("w:color", {qn("w:val"): GREY}))
        run.append(r_pr)
    for index, piece in enumerate(clean(text).split("\n")):
        if index:
            run.append(OxmlElement("w:br"))
        if piece:
            element = OxmlElement("w:delText" if deleted else "w:t")
            element.set(qn("xml:space"), "preserve")
            element.text = piece
            run.append(element)
    return run


def save(word: WordDocument, out: Path) -> None:
    """Write the document atomically; ReviewError in French when it cannot be written."""
    if out.is_dir():
        raise ReviewError([f"« {out} » est un dossier : indiquez un nom de fichier .docx"])
    if not out.parent.is_dir():
        raise ReviewError([f"le dossier « {out.parent} » n’existe pas : créez-le d’abord"])
    buffer = io.BytesIO()
    word.save(buffer)
    try:
        atomic_write_bytes(out, buffer.getvalue())
    except OSError as exc:
        raise ReviewError([f"impossible d’écrire « {out} » : {exc.strerror or exc}"]) from None


# --------------------------------------------------------------------------- house layout


Container = WordDocument | _Cell


@dataclass
class HouseDocument:
    """A review document being written on the house layout."""

    word: WordDocument
    styles: dict[str, ParagraphStyle | None]
    text: Text

    @classmethod
    def open(cls, layout: Layout, info: DocumentInfo, *, landscape: bool = False
             ) -> HouseDocument:
        """The layout, emptied, its header and footer filled with `info`; ReviewError if bad."""
        try:
            word = open_word(layout.path)
            styles = resolve_styles(word, layout)
        except LayoutError as exc:
            raise ReviewError(list(exc.problems)) from None
        body = word.element.body
        for child in list(body):
            if child.tag != qn("w:sectPr"):
                body.remove(child)
        if landscape:
            _landscape(word)
        text = Text()
        fill_headers_and_footers(word, info, styles, text)
        if landscape:
            _stretch_header_tabs(word)
        set_properties(word, info)
        set_french(word)
        return cls(word, styles, text)

    def width(self) -> Length:
        """The width between the margins."""
        return text_width(self.word)

    # ------------------------------------------------------------------ paragraphs

    def paragraph(self, container: Container, kind: str = "body", text: str = "", *,
                  bold: bool = False, italic: bool = False, grey: bool = False,
                  size: float | None = None) -> WordParagraph:
        """A paragraph in a layout style (body, note, heading1…), with plain text."""
        paragraph = _new_paragraph(container)
        self.style(paragraph, kind)
        self._add_text(paragraph, text, bold, italic, grey, size)
        return paragraph

    def _add_text(self, paragraph: WordParagraph, text: str, bold: bool, italic: bool,
                  grey: bool, size: float | None) -> None:
        """Plain text as one run, bold, italic, grey or sized as asked (nothing when empty)."""
        if not text:
            return
        run = paragraph.add_run(self.text.clean(text))
        run.bold = bold or None
        run.italic = italic or None
        if grey:
            run.font.color.rgb = RGBColor.from_string(GREY)
        if size is not None:
            run.font.size = Pt(size)

    def heading(self, text: str, level: int, container: Container | None = None
                ) -> WordParagraph:
        """An unnumbered heading of the layout (the pack numbers its clauses itself)."""
        paragraph = self.paragraph(container or self.word, f"heading{level}", text)
        num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_numId().val = 0
        return paragraph

    def style(self, paragraph: WordParagraph, kind: str) -> None:
        """Apply the layout's style for a block kind, when the layout has it."""
        style = self.styles.get(kind)
        if style is not None:
            paragraph.style = style

    def marked(self, paragraph: WordParagraph, text: str, *, bold: bool = False,
               italic: bool = False) -> None:
        """Append wording whose placeholders and notes are marked: they are highlighted."""
        for piece, kind in spans(text):
            run = paragraph.add_run(self.text.clean(piece))
            if kind == "text":
                run.bold = bold or None
                run.italic = italic or None
            else:
                style_run_properties(run._r.get_or_add_rPr(), kind)

    def runs(self, paragraph: WordParagraph, runs: Inline, *, bold: bool = False) -> None:
        """Append format-neutral runs, placeholders and notes highlighted."""
        for run in runs:
            self.marked(paragraph, run.text, bold=run.bold or bold, italic=run.italic)

    # ------------------------------------------------------------------ blocks

    def blocks(self, container: Container, blocks: Sequence[Block], *,
               heading_numbers: bool = True) -> None:
        """Write a clause's blocks into the body or a table cell, in the layout's styles.

        Headings become bold lines (a clause's sub-articles, numbered 1, 2… as they are in the
        clause), lists keep their marks, tables are nested tables.
        """
        counters = [0, 0, 0]
        ordered: dict[int, int] = {}
        in_cell = isinstance(container, _Cell)
        for position, block in enumerate(blocks):
            following = blocks[position + 1] if position + 1 < len(blocks) else None
            if isinstance(block, Heading):
                counters[block.level - 1] += 1
                for deeper in range(block.level, 3):
                    counters[deeper] = 0
                number = ".".join(str(n) for n in counters[:block.level]) + " " \
                    if block.numbered and heading_numbers else ""
                paragraph = self.paragraph(container, "body")
                paragraph.paragraph_format.keep_with_next = True
                paragraph.paragraph_format.space_before = Pt(6)
                if number:
                    paragraph.add_run(number).bold = True
                self.runs(paragraph, block.runs, bold=True)
            elif isinstance(block, Paragraph):
                paragraph = self.paragraph(container, "note" if block.style == "note" else "body")
                if in_cell:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
                self.runs(paragraph, block.runs)
            elif isinstance(block, ListItem):
                paragraph = self.paragraph(container, "body")
                indent = Cm(0.6 + 0.6 * block.level)
                paragraph.paragraph_format.left_indent = indent
                paragraph.paragraph_format.first_line_indent = -Cm(0.6)
                if isinstance(following, ListItem):
                    paragraph.paragraph_format.space_after = Pt(2)
                if in_cell:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
                paragraph.paragraph_format.tab_stops.add_tab_stop(indent)
                if block.ordered:
                    ordered[block.list_id] = ordered.get(block.list_id, 0) + 1
                    mark = f"{ordered[block.list_id]}."
                else:
                    mark = "–" if block.level else "•"
                paragraph.add_run(mark + "\t")
                self.runs(paragraph, block.runs)
            elif isinstance(block, Table):
                self.table_block(container, block)
            elif isinstance(block, PageBreak | TableOfContents):
                continue

    def table_block(self, container: Container, block: Table) -> WordTable:
        """A clause's table (nested when written in a cell)."""
        rows = (block.header, *block.rows)
        if isinstance(container, _Cell):
            table = container.add_table(rows=len(rows), cols=len(block.header))
        else:
            table = container.add_table(rows=len(rows), cols=len(block.header))
        self.table_style(table)
        for index, (cells, row) in enumerate(zip(rows, table.rows, strict=True)):
            if index == 0:
                row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
            for runs, cell in zip(cells, row.cells, strict=True):
                paragraph = cell.paragraphs[0]
                self.style(paragraph, "table_text")
                self.runs(paragraph, runs, bold=index == 0)
        if isinstance(container, _Cell):
            self.paragraph(container, "body").paragraph_format.space_after = Pt(0)
        return table

    def table(self, rows: int, widths: Sequence[Length], container: Container | None = None
              ) -> WordTable:
        """An empty table of the layout's style with fixed column widths."""
        target = container or self.word
        table = target.add_table(rows=rows, cols=len(widths))
        self.table_style(table)
        set_widths(table, widths)
        return table

    def table_style(self, table: WordTable) -> None:
        """The layout's table style, full width."""
        style = self.styles.get("table")
        if style is not None:
            table.style = cast(Any, style)

    def cell_paragraph(self, cell: _Cell, text: str = "", *, bold: bool = False,
                       italic: bool = False, grey: bool = False, size: float | None = None
                       ) -> WordParagraph:
        """A paragraph in a table cell (the cell's first, empty one when it is fresh)."""
        fresh = len(cell.paragraphs) == 1 and not cell.paragraphs[0].runs \
            and not cell.tables
        paragraph = cell.paragraphs[0] if fresh else cast(WordParagraph, cell.add_paragraph())
        self.style(paragraph, "table_text")
        self._add_text(paragraph, text, bold, italic, grey, size)
        return paragraph

    def page_break(self) -> None:
        """The next paragraph starts a page."""
        paragraph = self.word.add_paragraph()
        paragraph.paragraph_format.page_break_before = True
        paragraph.paragraph_format.space_after = Pt(0)

    def save(self, out: Path) -> None:
        """Write the document atomically."""
        save(self.word, out)


def set_widths(table: WordTable, widths: Sequence[Length]) -> None:
    """Fixed column widths: the grid (LibreOffice reads it) and every cell (Word reads these)."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def repeat_header(table: WordTable) -> None:
    """The table's first row is repeated at the top of each page."""
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def _new_paragraph(container: Container) -> WordParagraph:
    if isinstance(container, _Cell):
        fresh = len(container.paragraphs) == 1 and not container.paragraphs[0].runs \
            and not container.tables and container.paragraphs[0].style.name in ("Normal", None)
        if fresh:
            first: WordParagraph = container.paragraphs[0]
            return first
        return cast(WordParagraph, container.add_paragraph())
    return container.add_paragraph()


def _landscape(word: WordDocument) -> None:
    """Turn the page a quarter: the review pack sets two wordings side by side."""
    for section in word.sections:
        width, height = section.page_width, section.page_height
        if width is not None and height is not None and width < height:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = height, width


def _stretch_header_tabs(word: WordDocument) -> None:
    """The header's and footer's right tab at the right margin of the turned page."""
    section = word.sections[-1]
    if section.page_width is None or section.left_margin is None \
            or section.right_margin is None:
        return
    width = Length(section.page_width - section.left_margin - section.right_margin)
    for part in (section.header, section.footer, section.first_page_header,
                 section.first_page_footer):
        if part.is_linked_to_previous:
            continue
        for paragraph in part.paragraphs:
            if "\t" not in paragraph.text:
                continue
            right_tab_at(paragraph, paragraph.style, width)


__all__ = ["HouseDocument", "clean", "repeat_header", "save", "set_widths",
           "style_run_properties", "text_run", "track_revisions"]
