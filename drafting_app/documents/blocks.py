"""Format-neutral document blocks: what the renderer produces and every exporter consumes."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Run:
    """A piece of inline text with its emphasis; `text` is literal, never markup."""

    text: str
    bold: bool = False
    italic: bool = False


Inline = tuple[Run, ...]


@dataclass(frozen=True)
class Heading:
    """A numbered heading: level 1 is an article, 2 a sub-article (1.1), 3 a sub-sub-article."""

    level: int
    runs: Inline
    numbered: bool = True


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph; `style` is a block style name resolved by the layout (body, note…)."""

    runs: Inline
    style: str = "body"


@dataclass(frozen=True)
class ListItem:
    """One item of a bulleted or numbered list; `list_id` groups items of one list so that
    numbering restarts for every new list; `level` is 0 for top-level items, 1 for nested."""

    runs: Inline
    ordered: bool
    level: int
    list_id: int


@dataclass(frozen=True)
class Table:
    """A table with one header row; every row has as many cells as the header."""

    header: tuple[Inline, ...]
    rows: tuple[tuple[Inline, ...], ...]


@dataclass(frozen=True)
class PageBreak:
    """Start a new page."""


@dataclass(frozen=True)
class TableOfContents:
    """A table of contents field, refreshed when the document is opened."""


Block = Heading | Paragraph | ListItem | Table | PageBreak | TableOfContents


@dataclass(frozen=True)
class DocumentInfo:
    """What the title page, header, footer and document properties show."""

    title: str
    subject: str
    author: str
    reference: str = ""
    buyer: str = ""
    subtitle: str = ""
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class Document:
    """A whole piece (CCAP, RC, convention…): its information and its blocks, in order."""

    info: DocumentInfo
    blocks: tuple[Block, ...] = field(default_factory=tuple)


def plain_text(runs: Inline) -> str:
    """The text of some runs, without emphasis."""
    return "".join(run.text for run in runs)
