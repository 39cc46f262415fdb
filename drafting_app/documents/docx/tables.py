"""How a table sits on the page: column widths, numeric columns, row heights."""

from __future__ import annotations

import re

from docx.document import Document as WordDocument
from docx.shared import Cm, Length, Pt, Twips

from drafting_app.documents.blocks import (
    Table,
    plain_text,
)

_NUMERIC = re.compile(r"^[-+−–]?\s*[\d\s\u00a0\u202f.,]*\d[\d\s\u00a0\u202f.,]*\s*[%€$£]?\s*$")

AFTER_TABLE = Pt(8)

# Heights of empty table rows: space to write in, and the space for a signature.
WRITING_ROW = Cm(1)

# A table of at most this many rows (header included) is kept on one page.
KEEP_TOGETHER_ROWS = 15

# Table text is 10 pt: the width of an average character, and a cell's margins (EMU).
_CHARACTER = int(Cm(0.2))

_CELL_PADDING = int(Cm(0.45))

SIGNATURE_ROW = Cm(2.5)


def text_width(word: WordDocument) -> Length:
    """The width between the margins of the (last) section; 16 cm when the layout is silent."""
    section = word.sections[-1]
    if section.page_width is None or section.left_margin is None or section.right_margin is None:
        return Twips(9072)
    return Length(section.page_width - section.left_margin - section.right_margin)


def column_widths(table: Table, total: Length) -> list[Length]:
    """Column widths from their content: no word is ever cut, the rest shared by need.

    Each column gets at least the width of its longest word (a "N°" or "Total" column stays
    narrow but readable); the width left is shared in proportion to what each column would
    need to hold its longest cell on one line.
    """
    smallest: list[int] = []
    wanted: list[int] = []
    for column in range(len(table.header)):
        texts = [plain_text(row[column]) for row in (table.header, *table.rows)]
        longest_word = max((len(word) for text in texts for word in text.split()), default=1)
        longest_cell = max((len(text) for text in texts), default=1)
        if table.rows and not any(text.strip() for text in texts[1:]):
            longest_cell = max(longest_cell, 30)  # an empty column is filled in by hand
        smallest.append(_CELL_PADDING + longest_word * _CHARACTER)
        wanted.append(_CELL_PADDING + min(max(longest_cell, longest_word), 60) * _CHARACTER)
    room = int(total)
    if sum(smallest) >= room:
        shares = [room * width // sum(smallest) for width in smallest]
    elif sum(wanted) <= room:
        shares = [room * width // sum(wanted) for width in wanted]
    else:
        spare = room - sum(smallest)
        extra = [want - least for want, least in zip(wanted, smallest, strict=True)]
        shares = [
            least + spare * more // max(sum(extra), 1)
            for least, more in zip(smallest, extra, strict=True)
        ]
    widths = [Length(share) for share in shares]
    widths[-1] = Length(room - sum(widths[:-1]))
    return widths


def numeric_columns(table: Table) -> list[bool]:
    """Columns whose cells are all numbers or amounts: they are right-aligned."""
    return [
        bool(table.rows) and all(_NUMERIC.match(plain_text(row[column])) for row in table.rows)
        for column in range(len(table.header))
    ]
