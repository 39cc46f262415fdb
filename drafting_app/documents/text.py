"""Blocks to plain text: the preview, `clausier clauses show` and the reviewed golden files."""

from __future__ import annotations

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


def inline_text(runs: Inline) -> str:
    """Runs as text, emphasis shown as `**bold**` and `*italic*`."""
    out = []
    for run in runs:
        text = run.text
        if run.italic:
            text = f"*{text}*"
        if run.bold:
            text = f"**{text}**"
        out.append(text)
    return "".join(out)


class HeadingNumbers:
    """Article numbers as the layout's numbered headings show them: Article 1, 1.1, 1.1.1."""

    def __init__(self) -> None:
        self.counters = [0, 0, 0]

    def next(self, level: int) -> str:
        """The number of the next heading at `level` (1-based)."""
        self.counters[level - 1] += 1
        for deeper in range(level, len(self.counters)):
            self.counters[deeper] = 0
        if level == 1:
            return f"Article {self.counters[0]} –"
        return ".".join(str(n) for n in self.counters[:level])


def blocks_to_text(blocks: Iterable[Block]) -> str:
    """The blocks as readable, diffable text, one block per paragraph."""
    numbers = HeadingNumbers()
    list_counters: dict[int, int] = {}
    chunks: list[str] = []
    previous_was_item = False
    for block in blocks:
        line: str
        if isinstance(block, Heading):
            prefix = numbers.next(block.level) + " " if block.numbered else ""
            line = "#" * block.level + " " + prefix + inline_text(block.runs)
        elif isinstance(block, Paragraph):
            text = inline_text(block.runs)
            line = "> " + text if block.style == "note" else text
        elif isinstance(block, ListItem):
            if block.ordered:
                list_counters[block.list_id] = list_counters.get(block.list_id, 0) + 1
                marker = f"{list_counters[block.list_id]}."
            else:
                marker = "-"
            line = "  " * block.level + f"{marker} {inline_text(block.runs)}"
        elif isinstance(block, Table):
            rows = [block.header, *block.rows]
            rendered = ["| " + " | ".join(inline_text(c) for c in row) + " |" for row in rows]
            rendered.insert(1, "|" + "---|" * len(block.header))
            line = "\n".join(rendered)
        elif isinstance(block, PageBreak):
            line = "[saut de page]"
        elif isinstance(block, TableOfContents):
            line = "[sommaire]"
        else:  # pragma: no cover - Block is a closed union
            raise TypeError(block)
        is_item = isinstance(block, ListItem)
        separator = "\n" if (is_item and previous_was_item) else "\n\n"
        chunks.append((separator if chunks else "") + line)
        previous_was_item = is_item
    return "".join(chunks) + "\n" if chunks else ""
