"""Blocks to simple HTML: the readable preview the desktop app shows (Qt rich text subset)."""

from __future__ import annotations

import html
from collections.abc import Iterable

from drafting_app.documents.blocks import (
    Block,
    Heading,
    Inline,
    ListItem,
    PageBreak,
    Paragraph,
    Table,
    TableOfContents,
)
from drafting_app.documents.text import HeadingNumbers

NOTE_STYLE = "background:#f2f2f2; border-left:3px solid #1f3864; padding:4px; font-style:italic"


def inline_html(runs: Inline) -> str:
    """Runs as escaped HTML with their emphasis; line breaks kept."""
    out = []
    for run in runs:
        text = html.escape(run.text).replace("\n", "<br>")
        if run.italic:
            text = f"<i>{text}</i>"
        if run.bold:
            text = f"<b>{text}</b>"
        out.append(text)
    return "".join(out)


def blocks_to_html(blocks: Iterable[Block]) -> str:
    """The blocks as an HTML fragment; article numbers as the Word layout shows them."""
    numbers = HeadingNumbers()
    out: list[str] = []
    open_lists: list[tuple[str, int]] = []  # (tag, list id) of each open level

    def close_lists(depth: int = 0) -> None:
        while len(open_lists) > depth:
            out.append(f"</{open_lists.pop()[0]}>")

    for block in blocks:
        if isinstance(block, ListItem):
            close_lists(block.level + 1)
            if len(open_lists) == block.level + 1 and open_lists[-1][1] != block.list_id:
                close_lists(block.level)
            while len(open_lists) <= block.level:
                tag = "ol" if block.ordered else "ul"
                out.append(f"<{tag}>")
                open_lists.append((tag, block.list_id))
            out.append(f"<li>{inline_html(block.runs)}</li>")
            continue
        close_lists()
        if isinstance(block, Heading):
            number = numbers.next(block.level) + " " if block.numbered else ""
            tag = f"h{min(block.level + 2, 6)}"
            out.append(f"<{tag}>{html.escape(number)}{inline_html(block.runs)}</{tag}>")
        elif isinstance(block, Paragraph):
            style = f' style="{NOTE_STYLE}"' if block.style == "note" else ""
            out.append(f"<p{style}>{inline_html(block.runs)}</p>")
        elif isinstance(block, Table):
            head = "".join(f"<th>{inline_html(c)}</th>" for c in block.header)
            rows = "".join(
                "<tr>" + "".join(f"<td>{inline_html(c)}</td>" for c in row) + "</tr>"
                for row in block.rows
            )
            out.append('<table border="1" cellspacing="0" cellpadding="4" width="100%">'
                       f"<tr>{head}</tr>{rows}</table>")
        elif isinstance(block, PageBreak):
            out.append("<hr>")
        elif isinstance(block, TableOfContents):
            out.append("<p><i>[sommaire]</i></p>")
    close_lists()
    return "\n".join(out)
