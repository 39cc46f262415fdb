"""The body writer: blocks appended in order as WordprocessingML elements, styles resolved once.

python-docx opens the layout and saves the file; the body itself is written here with lxml
(`SubElement` on the document's own tree), because python-docx's proxies cost a full scan of
the styles for every `paragraph.style = …`. The XML is the one python-docx used to write
(tests/documents/test_docx_equivalence.py compares both on every example).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.shared import Length, Pt
from docx.styles.style import ParagraphStyle
from lxml.etree import SubElement

from drafting_app.documents.blocks import (
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
from drafting_app.documents.docx.errors import LayoutError
from drafting_app.documents.docx.fields import TOC_INSTRUCTION, TOC_PLACEHOLDER, TOC_TITLE
from drafting_app.documents.docx.layout import KIND_LABELS, numbering_element
from drafting_app.documents.docx.numbering import (
    HeadingNumbers,
    Level,
    abstract_lvl,
    int_val,
    style_level,
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

# Tags, qualified once.
_P, _PPR, _PSTYLE, _R, _RPR, _T = (qn(t) for t in ("w:p", "w:pPr", "w:pStyle", "w:r", "w:rPr",
                                                    "w:t"))
_B, _I, _BR, _TAB = (qn(t) for t in ("w:b", "w:i", "w:br", "w:tab"))
_KEEP_NEXT, _PAGE_BREAK_BEFORE, _NUM_PR, _ILVL, _NUM_ID = (
    qn(t) for t in ("w:keepNext", "w:pageBreakBefore", "w:numPr", "w:ilvl", "w:numId")
)
_SPACING, _JC, _VAL = qn("w:spacing"), qn("w:jc"), qn("w:val")
_TBL, _TBL_PR, _TBL_STYLE, _TBL_W, _TBL_LOOK, _TBL_GRID, _GRID_COL = (
    qn(t) for t in ("w:tbl", "w:tblPr", "w:tblStyle", "w:tblW", "w:tblLook", "w:tblGrid",
                    "w:gridCol")
)
_TR, _TR_PR, _CANT_SPLIT, _TBL_HEADER, _TR_HEIGHT, _TC, _TC_PR, _TC_W = (
    qn(t) for t in ("w:tr", "w:trPr", "w:cantSplit", "w:tblHeader", "w:trHeight", "w:tc",
                    "w:tcPr", "w:tcW")
)
_FLD_CHAR, _FLD_CHAR_TYPE, _INSTR_TEXT = qn("w:fldChar"), qn("w:fldCharType"), qn("w:instrText")
_W, _TYPE, _XML_SPACE = qn("w:w"), qn("w:type"), qn("xml:space")
_SECT_PR = qn("w:sectPr")

# the look of every table: a header row, no banding, no first column
_TABLE_LOOK = {qn(key): value for key, value in (
    ("w:val", "0620"), ("w:firstRow", "1"), ("w:lastRow", "0"), ("w:firstColumn", "0"),
    ("w:lastColumn", "0"), ("w:noHBand", "1"), ("w:noVBand", "1"))}


def clear_body(word: WordDocument) -> None:
    """Remove the layout's body content, keeping the final section properties."""
    body = word.element.body
    for child in list(body):
        if child.tag != _SECT_PR:
            body.remove(child)


@dataclass(frozen=True)
class StyleIds:
    """Block kind -> the w:styleId a paragraph or table of that kind carries.

    A kind whose style is the layout's default style gets None (Word needs no w:pStyle for
    it, and python-docx wrote none); a kind whose optional style is absent is left out.
    """

    ids: Mapping[str, str | None]

    @classmethod
    def of(cls, word: WordDocument, styles: Mapping[str, ParagraphStyle | None]) -> StyleIds:
        """Resolve every kind once for this document."""
        # the default style of a type: the last w:style of that type marked w:default="1"
        # (python-docx's rule), read once instead of once for every paragraph
        defaults: dict[str, Any] = {}
        for element in word.styles.element.iterchildren(qn("w:style")):
            if element.get(qn("w:default")) in ("1", "true", "on"):
                defaults[element.get(qn("w:type"), "paragraph")] = element
        ids: dict[str, str | None] = {}
        for kind, style in styles.items():
            if style is None:
                continue
            wanted = "table" if style.type == WD_STYLE_TYPE.TABLE else "paragraph"
            is_default = defaults.get(wanted) is style.element
            ids[kind] = None if is_default else style.style_id
        return cls(ids)


def _twips(length: int) -> str:
    """A length in EMU as the twips python-docx writes for it."""
    return str(Length(length).twips)


class BodyWriter:
    """Appends blocks to the body, in order, with the layout's styles and numbering."""

    def __init__(
        self, word: WordDocument, styles: Mapping[str, ParagraphStyle | None], text: Text
    ) -> None:
        self._word = word
        self._styles = styles
        self._style_ids = StyleIds.of(word, styles).ids
        self._text = text
        self._numbering = numbering_element(word)
        self._styles_element = word.styles.element
        self._heading_levels: dict[int, Level | None] = {}
        for level in (1, 2, 3):
            style = styles[f"heading{level}"]
            if style is not None:
                self._heading_levels[level] = style_level(
                    self._styles_element, self._numbering, style.element
                )
        self._list_levels: dict[bool, Level | None] = {}
        for ordered in (False, True):
            style = styles["list_number" if ordered else "list_bullet"]
            self._list_levels[ordered] = (
                style_level(self._styles_element, self._numbering, style.element)
                if style is not None
                else None
            )
        self._width = text_width(word)
        self._page_break_pending = False
        self._last_was_table = False
        self._last_paragraph: Any = None
        self._last_text = ""
        self._ordered_nums: dict[tuple[int, int], int] = {}
        self._list_segments: dict[int, int] = {}
        self._toc_entries: list[tuple[int, str]] = []
        body = word.element.body
        self._body = body
        # written after the last block: the elements go in front of the section properties
        self._sect_pr = body.find(_SECT_PR)
        if self._sect_pr is not None:
            body.remove(self._sect_pr)

    def finish(self) -> None:
        """Put the section properties back after the last block."""
        if self._sect_pr is not None:
            self._body.append(self._sect_pr)
            self._sect_pr = None

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
        if isinstance(block, Paragraph):
            self._paragraph(block.style, block.runs)
        elif isinstance(block, ListItem):
            self._list_item(block)
        elif isinstance(block, Heading):
            self._heading(block)
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
        numbers = HeadingNumbers(self._styles_element, self._numbering, self._heading_levels)
        self._toc_entries = [
            (block.level, numbers.next(block) + one_line(plain_text(block.runs)))
            for block in blocks
            if isinstance(block, Heading)
        ]

    def _heading(self, heading: Heading) -> None:
        paragraph = self._paragraph(f"heading{heading.level}", heading.runs)
        if not heading.numbered:
            _set_num_pr(paragraph, num_id=0, ilvl=None)

    def _list_item(self, item: ListItem) -> None:
        if self._last_paragraph is not None and self._last_text.rstrip().endswith(":"):
            # "… les modalités suivantes :" stays on the page of the list's first item
            _keep_with_next(self._last_paragraph)
        level = self._list_levels[item.ordered]
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
        _set_num_pr(paragraph, num_id=num_id, ilvl=item.level)

    def _restarted_num(self, abstract_id: str) -> int:
        """A new w:num on the list definition, every level starting again from its start."""
        numbering = self._numbering
        used = [int(n.get(_NUM_ID, "0")) for n in numbering.iterchildren(qn("w:num"))]
        num_id = max(used, default=0) + 1
        num = numbering.makeelement(qn("w:num"), {_NUM_ID: str(num_id)})
        SubElement(num, qn("w:abstractNumId"), {_VAL: abstract_id})
        for ilvl in range(9):
            override = SubElement(num, qn("w:lvlOverride"), {qn("w:ilvl"): str(ilvl)})
            lvl = abstract_lvl(self._styles_element, numbering, abstract_id, ilvl)
            value = (int_val(lvl.find(qn("w:start"))) if lvl is not None else None) or 1
            SubElement(override, qn("w:startOverride"), {_VAL: str(value)})
        # w:num elements follow every w:abstractNum and precede w:numIdMacAtCleanup.
        cleanup = numbering.find(qn("w:numIdMacAtCleanup"))
        if cleanup is not None:
            cleanup.addprevious(num)
        else:
            numbering.append(num)
        return num_id

    def _table(self, table: Table) -> None:
        signature = bool(table.rows) and not any(plain_text(c).strip() for c in table.rows[-1])
        if (self._last_paragraph is not None and not self._page_break_pending
                and (signature or self._last_text.rstrip().endswith(":"))):
            # "… comme suit :" belongs on the same page as the table it introduces, and
            # "Fait à …, le …" on the same page as the signatures.
            _keep_with_next(self._last_paragraph)
        if self._page_break_pending:
            # A table cannot carry "page break before": a tiny empty paragraph does.
            spacer = self._paragraph("body", ())
            _p_pr(spacer).append(
                spacer.makeelement(_SPACING, {qn("w:after"): "0", qn("w:line"): _twips(Pt(1)),
                                              qn("w:lineRule"): "exact"})
            )
        elif self._last_was_table:
            # Two adjacent tables would merge into one: keep an empty paragraph between them.
            self._paragraph("body", ())
        rows = (table.header, *table.rows)
        widths = [_twips(width) for width in column_widths(table, self._width)]
        numeric = numeric_columns(table)
        tbl = SubElement(self._body, _TBL)
        tbl_pr = SubElement(tbl, _TBL_PR)
        style_id = self._style_ids.get("table")
        if style_id is not None:
            SubElement(tbl_pr, _TBL_STYLE, {_VAL: style_id})
        SubElement(tbl_pr, _TBL_W, {_TYPE: "pct", _W: "5000"})
        SubElement(tbl_pr, _TBL_LOOK, _TABLE_LOOK)
        grid = SubElement(tbl, _TBL_GRID)
        for width in widths:
            SubElement(grid, _GRID_COL, {_W: width})
        cell_style = self._style_ids.get("table_text", _NO_STYLE)
        for row_index, cells in enumerate(rows):
            tr = SubElement(tbl, _TR)
            tr_pr = SubElement(tr, _TR_PR)
            SubElement(tr_pr, _CANT_SPLIT)
            if row_index == 0:
                SubElement(tr_pr, _TBL_HEADER)
            elif not any(plain_text(cell).strip() for cell in cells):
                # An empty row is room to write in: a signature when it ends the table.
                height = SIGNATURE_ROW if row_index == len(rows) - 1 else WRITING_ROW
                tr_pr.insert(1, tr_pr.makeelement(
                    _TR_HEIGHT, {_VAL: _twips(height), qn("w:hRule"): "atLeast"}))
            keep_together = len(rows) <= KEEP_TOGETHER_ROWS and row_index < len(rows) - 1
            for column, runs in enumerate(cells):
                tc = SubElement(tr, _TC)
                SubElement(SubElement(tc, _TC_PR), _TC_W, {_TYPE: "dxa", _W: widths[column]})
                p = SubElement(tc, _P)
                if cell_style is not _NO_STYLE or keep_together or numeric[column]:
                    p_pr = SubElement(p, _PPR)
                    if cell_style is not _NO_STYLE and cell_style is not None:
                        SubElement(p_pr, _PSTYLE, {_VAL: cell_style})
                    if keep_together:
                        # a short table stays on one page: each row keeps with the next
                        SubElement(p_pr, _KEEP_NEXT)
                    if numeric[column]:
                        SubElement(p_pr, _JC, {_VAL: "right"})
                self._runs(p, runs, bold=row_index == 0)
        self._last_was_table = True
        self._last_paragraph = None

    def _table_of_contents(self) -> None:
        heading = self._paragraph("toc_heading", (Run(TOC_TITLE),))
        _set_num_pr(heading, num_id=0, ilvl=None)
        # The field's cached result lists the headings (without page numbers), so that a
        # reader that does not refresh fields still shows a useful table of contents.
        entries = self._toc_entries or [(0, TOC_PLACEHOLDER)]
        p = None
        for index, (level, text) in enumerate(entries):
            p = SubElement(self._body, _P)
            style_id = self._style_ids.get(f"toc{level}" if level else "body", _NO_STYLE)
            if style_id is not _NO_STYLE:
                p_pr = SubElement(p, _PPR)
                if style_id is not None:
                    SubElement(p_pr, _PSTYLE, {_VAL: style_id})
            if index == 0:
                _fld_char(p, "begin").set(qn("w:dirty"), "true")
                instr = SubElement(SubElement(p, _R), _INSTR_TEXT, {_XML_SPACE: "preserve"})
                instr.text = TOC_INSTRUCTION
                _fld_char(p, "separate")
            _add_text(SubElement(p, _R), text)
        assert p is not None
        _fld_char(p, "end")
        self._last_was_table = False

    # Paragraphs and runs

    def _paragraph(self, kind: str, runs: Inline) -> Any:
        p = SubElement(self._body, _P)
        style_id = self._style_ids.get(kind, _NO_STYLE)
        if style_id is not _NO_STYLE:
            p_pr = SubElement(p, _PPR)
            if style_id is not None:
                SubElement(p_pr, _PSTYLE, {_VAL: style_id})
        if self._page_break_pending:
            SubElement(_p_pr(p), _PAGE_BREAK_BEFORE)
            self._page_break_pending = False
        elif self._last_was_table and runs:
            # Word puts no space under a table: give the text that follows room to breathe.
            SubElement(_p_pr(p), _SPACING, {qn("w:before"): _twips(AFTER_TABLE)})
        self._last_text = self._runs(p, runs)
        self._last_was_table = False
        self._last_paragraph = p
        return p

    def _runs(self, p: Any, runs: Inline, *, bold: bool = False) -> str:
        """Append the runs to `p`; return the paragraph's text as Word reads it."""
        texts = []
        for run in runs:
            text = self._text.clean(run.text)
            texts.append(text)
            r = SubElement(p, _R)
            if run.bold or bold or run.italic:
                r_pr = SubElement(r, _RPR)
                if run.bold or bold:
                    SubElement(r_pr, _B)
                if run.italic:
                    SubElement(r_pr, _I)
            if text:
                _add_text(r, text)
        return "".join(texts)


# A kind whose style the layout leaves out: its paragraphs carry no w:pPr at all.
_NO_STYLE: Any = object()


def _add_text(r: Any, text: str) -> None:
    """`text` into run `r`: w:t pieces, a tab as w:tab, a line break (CR or LF) as w:br."""
    if "\t" not in text and "\n" not in text and "\r" not in text:
        _add_t(r, text)
        return
    buffer: list[str] = []
    for char in text:
        if char == "\t" or char in "\r\n":
            if buffer:
                _add_t(r, "".join(buffer))
                buffer.clear()
            SubElement(r, _TAB if char == "\t" else _BR)
        else:
            buffer.append(char)
    if buffer:
        _add_t(r, "".join(buffer))


def _add_t(r: Any, text: str) -> None:
    t = SubElement(r, _T)
    t.text = text
    if len(text.strip()) < len(text):
        t.set(_XML_SPACE, "preserve")


def _fld_char(p: Any, kind: str) -> Any:
    """A run holding a field character, appended to `p`; returns the w:fldChar."""
    return SubElement(SubElement(p, _R), _FLD_CHAR, {_FLD_CHAR_TYPE: kind})


def _p_pr(p: Any) -> Any:
    """The w:pPr of `p`, created first in it if needed."""
    p_pr = p.find(_PPR)
    if p_pr is None:
        p_pr = p.makeelement(_PPR, {})
        p.insert(0, p_pr)
    return p_pr


def _keep_with_next(p: Any) -> None:
    """Keep paragraph `p` on the page of the next one (w:keepNext, right after w:pStyle)."""
    p_pr = _p_pr(p)
    if p_pr.find(_KEEP_NEXT) is not None:
        return
    position = 1 if len(p_pr) and p_pr[0].tag == _PSTYLE else 0
    p_pr.insert(position, p_pr.makeelement(_KEEP_NEXT, {}))


def _set_num_pr(p: Any, *, num_id: int, ilvl: int | None) -> None:
    """Direct numbering on a paragraph; numId 0 switches the style's numbering off.

    w:numPr follows w:pStyle, w:keepNext and w:pageBreakBefore and precedes w:spacing.
    """
    p_pr = _p_pr(p)
    position = 0
    for child in p_pr:
        if child.tag in (_PSTYLE, _KEEP_NEXT, _PAGE_BREAK_BEFORE):
            position += 1
        else:
            break
    num_pr = p_pr.makeelement(_NUM_PR, {})
    if ilvl is not None:
        SubElement(num_pr, _ILVL, {_VAL: str(ilvl)})
    SubElement(num_pr, _NUM_ID, {_VAL: str(num_id)})
    p_pr.insert(position, num_pr)
