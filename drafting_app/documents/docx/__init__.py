"""Blocks to .docx on a Word layout: real numbering, TOC field, header/footer, properties.

The writer is split at its seams: `layout` (the .docx and its styles), `body` (blocks in order),
`tables`, `numbering`, `fields` (the table of contents), `characters` (what XML can hold) and
`package` (header and footer, properties, settings, the atomic save).
"""

from __future__ import annotations

import warnings
from pathlib import Path

from drafting_app.documents.blocks import Document, TableOfContents
from drafting_app.documents.docx.body import BodyWriter, clear_body
from drafting_app.documents.docx.characters import RemovedCharactersWarning, Text
from drafting_app.documents.docx.errors import ExportError, LayoutError
from drafting_app.documents.docx.fields import TOC_INSTRUCTION, TOC_PLACEHOLDER, TOC_TITLE
from drafting_app.documents.docx.layout import (
    DEFAULT_STYLES,
    Layout,
    check_blocks,
    check_layout,
    load_layout,
    open_word,
    resolve_styles,
)
from drafting_app.documents.docx.package import (
    fill_headers_and_footers,
    keep_manual_breaks_unstretched,
    save_atomically,
    set_french,
    set_properties,
    set_update_fields,
)
from drafting_app.documents.docx.tables import AFTER_TABLE

__all__ = [
    "AFTER_TABLE", "DEFAULT_STYLES", "TOC_INSTRUCTION", "TOC_PLACEHOLDER", "TOC_TITLE",
    "ExportError", "Layout", "LayoutError", "RemovedCharactersWarning", "check_layout",
    "export_docx", "load_layout",
]


def export_docx(document: Document, out: Path, layout: Layout) -> None:
    """Write `document` as a .docx on `layout`, atomically (temp file, then os.replace)."""
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
    writer.finish()
    fill_headers_and_footers(word, document.info, styles, text)
    set_properties(word, document.info)
    set_french(word)
    keep_manual_breaks_unstretched(word)
    if any(isinstance(block, TableOfContents) for block in document.blocks):
        set_update_fields(word)
    if text.removed:
        warnings.warn(text.removed_message(), RemovedCharactersWarning, stacklevel=2)
    save_atomically(word, out)
