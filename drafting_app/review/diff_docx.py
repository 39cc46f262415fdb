"""A comparison of two clause versions as a Word file with real tracked changes (w:ins/w:del).

Word and LibreOffice show every insertion and deletion as a revision, with its author and date,
that the reviewer accepts or rejects; the document's own revision tracking is switched on so
the reviewer's further edits are tracked too.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from docx.document import Document as WordDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from drafting_app.review.diff import Comparison, LineChange, Segment
from drafting_app.review.word import new_document, save, text_run, track_revisions

_JINJA = re.compile(r"(\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\})", re.S)

REVISIONS_NOTE = (
    "Les différences entre les deux versions apparaissent comme des modifications suivies : "
    "dans Word, onglet Révision, « Accepter » ou « Refuser » ; dans LibreOffice, menu "
    "Édition > Suivi des modifications > Gérer. Le texte est celui du fichier de la clause "
    "(text.fr.md), variables et conditions comprises."
)


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


def _tracked_paragraph(word: WordDocument, change: LineChange, revisions: _Revisions) -> None:
    paragraph = word.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(4)
    p = paragraph._p
    if change.kind in ("insert", "delete"):
        # the paragraph mark itself is inserted or deleted: the whole line is one revision
        p_pr = p.get_or_add_pPr()
        r_pr = OxmlElement("w:rPr")
        r_pr.append(revisions.mark("w:ins" if change.kind == "insert" else "w:del"))
        p_pr.append(r_pr)
    for segment in change.segments:
        if not segment.text:
            continue
        if segment.kind == "equal":
            for run in _runs(segment.text, deleted=False):
                p.append(run)
        else:
            p.append(_segment(segment, revisions))


def _runs(text: str, *, deleted: bool) -> list[Any]:
    """Runs for a piece of wording; Jinja tags (variables, conditions) in grey."""
    return [text_run(piece, deleted=deleted, grey=bool(_JINJA.fullmatch(piece)))
            for piece in _JINJA.split(text) if piece]


def _segment(segment: Segment, revisions: _Revisions) -> Any:
    wrapper = revisions.mark("w:ins" if segment.kind == "insert" else "w:del")
    for run in _runs(segment.text, deleted=segment.kind == "delete"):
        wrapper.append(run)
    return wrapper


def comparison_document(comparison: Comparison, now: dt.datetime) -> WordDocument:
    """The comparison as a python-docx document (not saved)."""
    word = new_document()
    track_revisions(word)
    old, new = comparison.old, comparison.new
    word.add_heading(f"Comparaison de la clause « {new.meta.title} »", level=0)
    rows = (
        ("Identifiant", comparison.clause_id),
        ("Version d’origine", f"{old.number} — {old.meta.status.value}"
         + (f", validée le {old.validated_on.strftime('%d/%m/%Y')}" if old.validated_on else "")),
        ("Version comparée", f"{new.number} — {new.meta.status.value}"),
        ("Modifications de", comparison.author
         + (f", le {comparison.date.strftime('%d/%m/%Y')}" if comparison.date else "")),
    )
    table = word.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    for (label, value), row in zip(rows, table.rows, strict=True):
        row.cells[0].paragraphs[0].add_run(label).bold = True
        row.cells[1].paragraphs[0].add_run(value)
    note = word.add_paragraph()
    note.add_run(REVISIONS_NOTE).italic = True
    date = (dt.datetime.combine(comparison.date, dt.time(12, 0)) if comparison.date else now)
    revisions = _Revisions(comparison.author, date)
    if not comparison.changed:
        word.add_paragraph("Les deux versions sont identiques.")
    for section in comparison.sections:
        if not section.changes:
            continue
        word.add_heading(section.title, level=1)
        if not section.changed:
            word.add_paragraph().add_run("Inchangé.").italic = True
        for change in section.changes:
            _tracked_paragraph(word, change, revisions)
    props = word.core_properties
    props.title = f"Comparaison — {comparison.clause_id} v{old.number} → v{new.number}"
    props.subject = "Comparaison de versions d’une clause Clausier"
    props.author = comparison.author
    props.language = "fr-FR"
    return word


def write_comparison_docx(comparison: Comparison, out: Path,
                          now: dt.datetime | None = None) -> None:
    """Write the comparison as a .docx with tracked changes, atomically."""
    save(comparison_document(comparison, now or dt.datetime.now(dt.UTC)), out)
