"""The python-docx body writer as it was before the XML-level writer: the reference the XML
equivalence test compares the new writer with. Test support only; never shipped."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from docx.document import Document as WordDocument
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from docx.shared import Pt
from docx.styles.style import ParagraphStyle
from docx.text.paragraph import Paragraph as WordParagraph

from drafting_app.documents.blocks import (
    Document,
    DocumentInfo,
    Heading,
    Inline,
    ListItem,
    PageBreak,
    Paragraph,
    Run,
    Table,
    TableOfContents,
    plain_text,
)
from drafting_app.documents.docx.characters import Text, one_line
from drafting_app.documents.docx.errors import ExportError, LayoutError
from drafting_app.documents.docx.fields import (
    TOC_INSTRUCTION,
    TOC_PLACEHOLDER,
    TOC_TITLE,
    fld_char,
    instr_text,
    set_child,
)
from drafting_app.documents.docx.layout import (
    KIND_LABELS,
    Layout,
    check_blocks,
    numbering_element,
    open_word,
    resolve_styles,
)
from drafting_app.documents.docx.numbering import (
    HeadingNumbers,
    Level,
    abstract_lvl,
    int_val,
    style_level,
)
from drafting_app.documents.docx.package import (
    fill_headers_and_footers,
    keep_manual_breaks_unstretched,
    save_atomically,
    set_french,
    set_properties,
    set_update_fields,
)
from drafting_app.documents.docx.tables import (
    AFTER_TABLE,
    KEEP_TOGETHER_ROWS,
    SIGNATURE_ROW,
    WRITING_ROW,
    column_widths,
    numeric_columns,
    text_width,
)

REFERENCE_LABEL = "Référence\u00a0: "


def clear_body(word: WordDocument) -> None:
    """Remove the layout's body content, keeping the final section properties."""
    body = word.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


class BodyWriter:
    """Appends blocks to the body, in order, with the layout's styles and numbering."""

    def __init__(
        self, word: WordDocument, styles: Mapping[str, ParagraphStyle | None], text: Text
    ) -> None:
        self._word = word
        self._styles = styles
        self._text = text
        self._numbering = numbering_element(word)
        styles_element = word.styles.element
        self._heading_levels: dict[int, Level | None] = {}
        for level in (1, 2, 3):
            style = styles[f"heading{level}"]
            if style is not None:
                self._heading_levels[level] = style_level(
                    styles_element, self._numbering, style.element
                )
        self._list_styles = {
            ordered: styles["list_number" if ordered else "list_bullet"]
            for ordered in (False, True)
        }
        self._page_break_pending = False
        self._last_was_table = False
        self._last_paragraph: WordParagraph | None = None
        self._ordered_nums: dict[tuple[int, int], int] = {}
        self._list_segments: dict[int, int] = {}
        self._toc_entries: list[tuple[int, str]] = []

    # Blocks

    def title_page(self, info: DocumentInfo) -> None:
        """Buyer, title, subtitle and reference, then a page break."""
        if info.buyer:
            self._paragraph("title_buyer", (Run(info.buyer),))
        self._paragraph("title", (Run(info.title),))
        if info.subtitle:
            self._paragraph("subtitle", (Run(info.subtitle),))
        if info.reference:
            self._paragraph("title_reference", (Run(REFERENCE_LABEL + info.reference),))
        self._page_break_pending = True

    def block(self, block: object) -> None:
        """Append one block."""
        if isinstance(block, Heading):
            self._heading(block)
        elif isinstance(block, Paragraph):
            self._paragraph(block.style, block.runs)
        elif isinstance(block, ListItem):
            self._list_item(block)
        elif isinstance(block, Table):
            self._table(block)
        elif isinstance(block, PageBreak):
            self._page_break_pending = True
        elif isinstance(block, TableOfContents):
            self._table_of_contents()
        else:  # pragma: no cover - Block is a closed union
            raise TypeError(f"bloc inconnu : {block!r}")

    def prepare_toc(self, blocks: tuple[object, ...]) -> None:
        """Compute the cached TOC entries (number and text of every heading)."""
        numbers = HeadingNumbers(self._word.styles.element, self._numbering, self._heading_levels)
        self._toc_entries = [
            (block.level, numbers.next(block) + one_line(plain_text(block.runs)))
            for block in blocks
            if isinstance(block, Heading)
        ]

    def _heading(self, heading: Heading) -> None:
        paragraph = self._paragraph(f"heading{heading.level}", heading.runs)
        if not heading.numbered:
            set_num_pr(paragraph, num_id=0, ilvl=None)

    def _list_item(self, item: ListItem) -> None:
        introduction = self._last_paragraph
        if introduction is not None and introduction.text.rstrip().endswith(":"):
            # "… les modalités suivantes :" stays on the page of the list's first item
            introduction.paragraph_format.keep_with_next = True
        style = self._list_styles[item.ordered]
        level = (
            style_level(self._word.styles.element, self._numbering, style.element)
            if style is not None
            else None
        )
        if level is None:
            kind = "list_number" if item.ordered else "list_bullet"
            raise LayoutError(
                [f"Le style des {KIND_LABELS[kind]} de la mise en page n’a pas de numérotation "
                 "automatique : lancez « clausier templates check »."]
            )  # fmt: skip
        if not item.ordered and item.level == 0:
            # A new bulleted parent: ordered sub-items below it count again from 1.
            self._list_segments[item.list_id] = self._list_segments.get(item.list_id, 0) + 1
        num_id = level.num_id
        if item.ordered:
            key = (item.list_id, self._list_segments.get(item.list_id, 0))
            if key not in self._ordered_nums:
                self._ordered_nums[key] = self._restarted_num(level.abstract_id)
            num_id = self._ordered_nums[key]
        paragraph = self._paragraph("list_number" if item.ordered else "list_bullet", item.runs)
        set_num_pr(paragraph, num_id=num_id, ilvl=item.level)

    def _restarted_num(self, abstract_id: str) -> int:
        """A new w:num on the list definition, every level starting again from its start."""
        numbering = self._numbering
        used = [int(n.get(qn("w:numId"), "0")) for n in numbering.iterchildren(qn("w:num"))]
        num_id = max(used, default=0) + 1
        num = OxmlElement("w:num", {qn("w:numId"): str(num_id)})
        num.append(OxmlElement("w:abstractNumId", {qn("w:val"): abstract_id}))
        for ilvl in range(9):
            override = OxmlElement("w:lvlOverride", {qn("w:ilvl"): str(ilvl)})
            lvl = abstract_lvl(self._word.styles.element, numbering, abstract_id, ilvl)
            value = (int_val(lvl.find(qn("w:start"))) if lvl is not None else None) or 1
            override.append(OxmlElement("w:startOverride", {qn("w:val"): str(value)}))
            num.append(override)
        # w:num elements follow every w:abstractNum and precede w:numIdMacAtCleanup.
        cleanup = numbering.find(qn("w:numIdMacAtCleanup"))
        if cleanup is not None:
            cleanup.addprevious(num)
        else:
            numbering.append(num)
        return num_id

    def _table(self, table: Table) -> None:
        introduction = self._last_paragraph
        signature = bool(table.rows) and not any(plain_text(c).strip() for c in table.rows[-1])
        if (introduction is not None and not self._page_break_pending
                and (signature or introduction.text.rstrip().endswith(":"))):
            # "… comme suit :" belongs on the same page as the table it introduces, and
            # "Fait à …, le …" on the same page as the signatures.
            introduction.paragraph_format.keep_with_next = True
        if self._page_break_pending:
            # A table cannot carry "page break before": a tiny empty paragraph does.
            spacer = self._paragraph("body", ())
            spacer.paragraph_format.space_after = Pt(0)
            spacer.paragraph_format.line_spacing = Pt(1)
        elif self._last_was_table:
            # Two adjacent tables would merge into one: keep an empty paragraph between them.
            self._paragraph("body", ())
        rows = (table.header, *table.rows)
        word_table = self._word.add_table(rows=len(rows), cols=len(table.header))
        widths = column_widths(table, text_width(self._word))
        numeric = numeric_columns(table)
        for column, width in zip(word_table.columns, widths, strict=True):
            column.width = width
        word_table.style = self._styles["table"]
        tbl_pr = word_table._tbl.tblPr
        set_child(tbl_pr, "w:tblW", {"w:type": "pct", "w:w": "5000"})
        set_child(
            tbl_pr,
            "w:tblLook",
            {"w:val": "0620", "w:firstRow": "1", "w:lastRow": "0", "w:firstColumn": "0",
             "w:lastColumn": "0", "w:noHBand": "1", "w:noVBand": "1"},
        )  # fmt: skip
        for row_index, (cells, word_row) in enumerate(zip(rows, word_table.rows, strict=True)):
            tr_pr = word_row._tr.get_or_add_trPr()
            tr_pr.append(OxmlElement("w:cantSplit"))
            if row_index == 0:
                tr_pr.append(OxmlElement("w:tblHeader"))
            elif not any(plain_text(cell).strip() for cell in cells):
                # An empty row is room to write in: a signature when it ends the table.
                last = row_index == len(rows) - 1
                word_row.height = SIGNATURE_ROW if last else WRITING_ROW
                word_row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
            keep_together = len(rows) <= KEEP_TOGETHER_ROWS and row_index < len(rows) - 1
            for column, (runs, cell) in enumerate(zip(cells, word_row.cells, strict=True)):
                cell.width = widths[column]
                paragraph = cell.paragraphs[0]
                self._style(paragraph, "table_text")
                if numeric[column]:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                if keep_together:
                    # a short table stays on one page: each row keeps with the next
                    paragraph.paragraph_format.keep_with_next = True
                self._runs(paragraph, runs, bold=row_index == 0)
        self._last_was_table = True
        self._last_paragraph = None

    def _table_of_contents(self) -> None:
        heading = self._paragraph("toc_heading", (Run(TOC_TITLE),))
        set_num_pr(heading, num_id=0, ilvl=None)
        # The field's cached result lists the headings (without page numbers), so that a
        # reader that does not refresh fields still shows a useful table of contents.
        entries = self._toc_entries or [(0, TOC_PLACEHOLDER)]
        paragraph = None
        for index, (level, text) in enumerate(entries):
            paragraph = self._word.add_paragraph()
            self._style(paragraph, f"toc{level}" if level else "body")
            if index == 0:
                begin = fld_char("begin")
                begin[0].set(qn("w:dirty"), "true")
                paragraph._p.append(begin)
                paragraph._p.append(instr_text(TOC_INSTRUCTION))
                paragraph._p.append(fld_char("separate"))
            paragraph.add_run(text)
        assert paragraph is not None
        paragraph._p.append(fld_char("end"))
        self._last_was_table = False

    # Paragraphs and runs

    def _paragraph(self, kind: str, runs: Inline) -> WordParagraph:
        paragraph = self._word.add_paragraph()
        self._style(paragraph, kind)
        if self._page_break_pending:
            paragraph.paragraph_format.page_break_before = True
            self._page_break_pending = False
        elif self._last_was_table and runs:
            # Word puts no space under a table: give the text that follows room to breathe.
            paragraph.paragraph_format.space_before = AFTER_TABLE
        self._runs(paragraph, runs)
        self._last_was_table = False
        self._last_paragraph = paragraph
        return paragraph

    def _style(self, paragraph: WordParagraph, kind: str) -> None:
        style = self._styles.get(kind)
        if style is not None:
            paragraph.style = style

    def _runs(self, paragraph: WordParagraph, runs: Inline, *, bold: bool = False) -> None:
        for run in runs:
            word_run = paragraph.add_run(self._text.clean(run.text))
            if run.bold or bold:
                word_run.bold = True
            if run.italic:
                word_run.italic = True


def set_num_pr(paragraph: WordParagraph, *, num_id: int, ilvl: int | None) -> None:
    """Direct numbering on a paragraph; numId 0 switches the style's numbering off."""
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    if ilvl is not None:
        num_pr.get_or_add_ilvl().val = ilvl
    num_pr.get_or_add_numId().val = num_id


def legacy_export_docx(document: Document, out: Path, layout: Layout) -> None:
    """The old `export_docx`: the same steps around the python-docx body writer."""
    problems = check_blocks(document, layout)
    if problems:
        raise ExportError(problems)
    word = open_word(layout.path)
    styles = resolve_styles(word, layout)
    text = Text()
    clear_body(word)
    writer = BodyWriter(word, styles, text)
    writer.prepare_toc(document.blocks)
    writer.title_page(document.info)
    for block in document.blocks:
        writer.block(block)
    fill_headers_and_footers(word, document.info, styles, text)
    set_properties(word, document.info)
    set_french(word)
    keep_manual_breaks_unstretched(word)
    if any(isinstance(block, TableOfContents) for block in document.blocks):
        set_update_fields(word)
    save_atomically(word, out)
