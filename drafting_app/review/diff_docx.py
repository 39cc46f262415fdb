"""A comparison of two clause versions as a Word file with real tracked changes (w:ins/w:del).

The file is written on the house layout (styles, header with the organisation, page numbers).
Word and LibreOffice show every insertion and deletion as a revision, with its author and date,
that the reviewer accepts or rejects; the document's own revision tracking is switched on so
the reviewer's further edits are tracked too. The wording compared is the readable one: its
placeholders and notes keep their highlighting inside the revisions.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from docx.document import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Pt

from drafting_app.documents.blocks import DocumentInfo
from drafting_app.documents.docx.errors import LayoutError
from drafting_app.documents.docx.layout import Layout, load_layout
from drafting_app.paths import default_layout
from drafting_app.review.clause_files import ReviewError
from drafting_app.review.diff import RENDERING_TITLE, WORDING_TITLE, Comparison, LineChange
from drafting_app.review.readable import END_MARK, NOTE_MARK, VALUE_MARK, pieces
from drafting_app.review.word import (
    HouseDocument,
    save,
    set_widths,
    text_run,
    track_revisions,
)
from drafting_app.wording.markup import french_typography

REVISIONS_NOTE = (
    "Les différences entre les deux versions apparaissent comme des modifications suivies : "
    "dans Word, onglet Révision, « Accepter » ou « Refuser » ; dans LibreOffice, menu "
    "Édition > Suivi des modifications > Gérer."
)
WORDING_NOTE = (
    "Le texte de la clause est comparé tel qu’un juriste le lit : "
    + VALUE_MARK + "[libellé]" + END_MARK + " désigne une valeur saisie par l’acheteur ou tirée "
    "du dossier, " + NOTE_MARK + "[Si … :]" + END_MARK + " … " + NOTE_MARK + "[Fin]" + END_MARK
    + " un passage qui ne figure que dans le cas indiqué, " + NOTE_MARK
    + "[Pour chaque lot concerné :]" + END_MARK + " une ligne répétée."
)
RENDERING_NOTE = ("La partie « Exemple rédigé » compare la clause rédigée avec ses valeurs "
                  "d’exemple, dans chacune des deux versions.")
#: a line's mark in the compared text, and how it is shown
_HEADING = re.compile(r"^(#+) ")
_ITEM = re.compile(r"^( *)(-|\d+\.) ")
_NOTE = re.compile(r"^> ")


class _Revisions:
    """Numbers each revision mark and stamps it with the author and date."""

    def __init__(self, author: str, date: dt.datetime) -> None:
        self._ids: Iterator[int] = itertools.count(1)
        self._attributes = {
            qn("w:author"): author,
            qn("w:date"): date.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }

    def mark(self, tag: str) -> Any:
        """A new `w:ins` or `w:del` element."""
        element = OxmlElement(tag)
        element.set(qn("w:id"), str(next(self._ids)))
        for key, value in self._attributes.items():
            element.set(key, value)
        return element


def _line_form(change: LineChange) -> tuple[str, int, str]:
    """How a compared line is shown: its style kind, the length of its mark, and the mark.

    The mark (`# `, `- `, `> `) is only dropped when both versions have it, unchanged.
    """
    first = change.segments[0] if change.segments else None
    if first is None or first.kind != "equal":
        return "body", 0, ""
    text = first.text
    heading = _HEADING.match(text)
    if heading:
        return "heading", len(heading.group(0)), ""
    if _NOTE.match(text):
        return "note", 2, ""
    item = _ITEM.match(text)
    if item:
        mark = "•" if item.group(2) == "-" and not item.group(1) else (
            "–" if item.group(2) == "-" else item.group(2))
        return f"item{len(item.group(1)) // 2}", len(item.group(0)), mark
    return "body", 0, ""


def _tracked_paragraph(house: HouseDocument, change: LineChange, revisions: _Revisions) -> None:
    kind, skip, mark = _line_form(change)
    paragraph = house.paragraph(house.word, "note" if kind == "note" else "body")
    paragraph.paragraph_format.space_after = Pt(4)
    if kind == "heading":
        paragraph.paragraph_format.keep_with_next = True
        paragraph.paragraph_format.space_before = Pt(6)
    elif kind.startswith("item"):
        indent = Cm(0.6 + 0.6 * int(kind[4:]))
        paragraph.paragraph_format.left_indent = indent
        paragraph.paragraph_format.first_line_indent = -Cm(0.6)
        paragraph.paragraph_format.tab_stops.add_tab_stop(indent)
    if any(NOTE_MARK in segment.text for segment in change.segments):
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT  # a long note is not stretched
    p = paragraph._p
    if change.kind in ("insert", "delete"):
        # the paragraph mark itself is inserted or deleted: the whole line is one revision
        p_pr = p.get_or_add_pPr()
        r_pr = OxmlElement("w:rPr")
        r_pr.append(revisions.mark("w:ins" if change.kind == "insert" else "w:del"))
        p_pr.append(r_pr)
    if mark:
        p.append(text_run(mark + "\t"))
    bold = kind == "heading"
    # the old wording (kept and deleted parts) and the new one (kept and inserted parts) each
    # open and close their own notes
    old_state = new_state = "text"
    for index, segment in enumerate(change.segments):
        text = segment.text[skip:] if index == 0 else segment.text
        if not text:
            continue
        if segment.kind == "equal":
            runs, new_state = _runs(text, new_state, deleted=False, bold=bold)
            old_state = new_state
            for run in runs:
                p.append(run)
            continue
        wrapper = revisions.mark("w:ins" if segment.kind == "insert" else "w:del")
        if segment.kind == "delete":
            runs, old_state = _runs(text, old_state, deleted=True, bold=bold)
        else:
            runs, new_state = _runs(text, new_state, deleted=False, bold=bold)
        for run in runs:
            wrapper.append(run)
        p.append(wrapper)


def _runs(text: str, state: str, *, deleted: bool, bold: bool = False
          ) -> tuple[list[Any], str]:
    """Runs for a piece of wording, placeholders and notes highlighted; the state after it."""
    found, state = pieces(text, state)
    return [text_run(piece, deleted=deleted, kind=kind, bold=bold and kind == "text")
            for piece, kind in found if piece], state


def comparison_document(comparison: Comparison, now: dt.datetime,
                        layout: Layout | None = None, organisation: str = "") -> WordDocument:
    """The comparison as a python-docx document (not saved), on the house layout."""
    try:
        layout = layout or load_layout(default_layout())
    except LayoutError as exc:
        raise ReviewError(list(exc.problems)) from None
    old, new = comparison.old, comparison.new
    title = f"Comparaison de la clause « {french_typography(new.meta.title)} »"
    info = DocumentInfo(
        title=f"Comparaison — {comparison.clause_id}",
        subject="Comparaison de versions d’une clause Clausier",
        author=comparison.author,
        reference=f"{comparison.clause_id} — version {old.number} → {new.number}",
        buyer=organisation or "Clausier",
        subtitle=title,
        keywords=("clausier", "comparaison", comparison.clause_id),
    )
    house = HouseDocument.open(layout, info)
    word = house.word
    _no_title_page(word)
    track_revisions(word)
    house.heading(title, 1)
    rows = (
        ("Identifiant", comparison.clause_id),
        ("Version d’origine", f"{old.number} — {old.meta.status.value}"
         + (f", validée le {old.validated_on.strftime('%d/%m/%Y')}" if old.validated_on else "")),
        ("Version comparée", f"{new.number} — {new.meta.status.value}"),
        ("Modifications de", comparison.author
         + (f", le {comparison.date.strftime('%d/%m/%Y')}" if comparison.date else "")),
    )
    widths = (Cm(5), Length(house.width() - Cm(5)))
    table = house.table(len(rows), widths)
    for (label, value), row in zip(rows, table.rows, strict=True):
        house.cell_paragraph(row.cells[0], label, bold=True)
        house.cell_paragraph(row.cells[1], value)
    set_widths(table, widths)
    house.paragraph(word, "body").paragraph_format.space_after = Pt(0)
    house.paragraph(word, "body", french_typography(REVISIONS_NOTE), italic=True)
    explanation = house.paragraph(word, "body")
    house.marked(explanation, french_typography(WORDING_NOTE), italic=True)
    if any(section.title == RENDERING_TITLE for section in comparison.sections):
        house.paragraph(word, "body", french_typography(RENDERING_NOTE), italic=True)
    date = (dt.datetime.combine(comparison.date, dt.time(12, 0)) if comparison.date else now)
    revisions = _Revisions(comparison.author, date)
    if not comparison.changed:
        house.paragraph(word, "body", "Les deux versions sont identiques.")
    for section in comparison.sections:
        if not section.changes:
            continue
        house.heading(section.title, 2)
        if not section.changed:
            house.paragraph(word, "body", "Inchangé.", italic=True)
            if section.title not in (WORDING_TITLE, RENDERING_TITLE):
                continue
        for change in section.changes:
            _tracked_paragraph(house, change, revisions)
    props = word.core_properties
    props.title = f"Comparaison — {comparison.clause_id} v{old.number} → v{new.number}"
    props.subject = "Comparaison de versions d’une clause Clausier"
    props.author = comparison.author
    props.language = "fr-FR"
    return word


def _no_title_page(word: WordDocument) -> None:
    """The header and footer on the first page too: a comparison has no title page."""
    for section in word.sections:
        section.different_first_page_header_footer = False


def write_comparison_docx(comparison: Comparison, out: Path,
                          now: dt.datetime | None = None, layout: Layout | None = None,
                          organisation: str = "") -> None:
    """Write the comparison as a .docx with tracked changes, atomically."""
    word = comparison_document(comparison, now or dt.datetime.now(dt.UTC), layout, organisation)
    save(word, out)
