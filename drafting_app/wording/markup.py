"""The clause markup (a small Markdown subset) parsed into format-neutral blocks.

User values never pass through this parser as text: the renderer replaces each value with a
sentinel `\\udc00<index>\\udc01` and hands the values over separately, so whatever a user
types (`**`, `#`, `|`, `{{ }}`, private-use characters) comes out literally. The sentinels
are lone surrogates: no text read from a UTF-8 or TOML file can hold one, and `prepare_source`
replaces any that a wording built in memory holds, so wording never collides with them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from drafting_app.documents.blocks import (
    Block,
    Heading,
    Inline,
    ListItem,
    PageBreak,
    Paragraph,
    Run,
    Table,
    TableOfContents,
)

VALUE_OPEN = "\udc00"
VALUE_CLOSE = "\udc01"
#: marks a statement's place while checking a wording (`neutralise_jinja`); never in text
STATEMENT_MARK = "\udc02"
_SURROGATE = re.compile("[\ud800-\udfff]")
MAX_HEADING_LEVEL = 3

_HEADING = re.compile(r"^(#+)\s+(.*?)(\s+\{-\})?\s*$")
_BULLET = re.compile(r"^( *)- +(.*)$")
_ORDERED = re.compile(r"^( *)\d+\. +(.*)$")
_DIRECTIVE = re.compile(r"^\[\[(.*)\]\]\s*$")
_TABLE_RULE = re.compile(r"^\|(\s*:?-{3,}:?\s*\|)+\s*$")
# a value sentinel (group 1: its index), a lone opening sentinel, an escape, bold, italic
_INLINE_TOKEN = re.compile(
    f"{VALUE_OPEN}(\\d+){VALUE_CLOSE}|{VALUE_OPEN}|\\\\[\\\\*#|\\-\\[]|\\*\\*|\\*"
)
_INLINE_SPECIAL = re.compile(f"[{VALUE_OPEN}\\\\*]")
_CELL_SEPARATOR = re.compile(r"(?<!\\)\|")
# (pattern, replacement, characters one of which the text must hold for the pattern to apply)
_TYPOGRAPHY = tuple(
    (re.compile(pattern), replacement, frozenset(trigger))
    for pattern, replacement, trigger in (
        (r"(?<=\d) (?=\d{3}(?!\d))", "\u202f", "0123456789"),  # 50 000, as Babel writes it
        (r"(\d) (%|€)", "\\1\u00a0\\2", "%€"),
        (r"(€|^) (HT|TTC)\b", "\\1\u00a0\\2", "HT"),
        (r"\b(n°|N°|art\.) ", "\\1\u00a0", "°."),
        (r" ([;!?])", "\u202f\\1", ";!?"),
        (r" :", "\u00a0:", ":"),
        (r"« ?", "«\u00a0", "«"),
        (r" ?»", "\u00a0»", "»"),
    )
)
DIRECTIVES: dict[str, Callable[[], Block]] = {"toc": TableOfContents, "pagebreak": PageBreak}


@dataclass(frozen=True)
class MarkupProblem:
    """A markup error at a line (1-based) of the text that was parsed."""

    line: int
    message: str


def without_surrogates(text: str) -> str:
    """`text` with any lone surrogate (no file can hold one) replaced by U+FFFD."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def value_token(index: int) -> str:
    """The sentinel standing for the user value at `index`."""
    return f"{VALUE_OPEN}{index}{VALUE_CLOSE}"


def french_typography(text: str) -> str:
    """Non-breaking spaces where French typography wants them, and typographic apostrophes.

    No-break spaces go before `: ; ? !`, before `%` or `€` after a figure and `HT`/`TTC` after
    an amount, between groups of figures (`50 000`), inside « », and after `n°`, so that none
    of these starts a line alone.

    Applied to the wording of clauses only, never to a value the user typed.
    """
    text = text.replace("'", "’")
    for pattern, replacement, trigger in _TYPOGRAPHY:
        if not trigger.isdisjoint(text):
            text = pattern.sub(replacement, text)
    return text


class _Inline:
    """Inline parser: `**bold**`, `*italic*`, `\\` escapes and value sentinels.

    One regular expression finds every token; the text between two tokens is wording.
    """

    def __init__(self, values: Sequence[str]) -> None:
        self.values = values

    def parse(self, text: str, line: int, problems: list[MarkupProblem]) -> Inline:
        if not _INLINE_SPECIAL.search(text):  # plain wording: one run
            return (Run(french_typography(text)),) if text else ()
        runs: list[Run] = []
        bold = italic = False
        literal: list[str] = []
        position = 0
        for match in _INLINE_TOKEN.finditer(text):
            if match.start() > position:
                literal.append(text[position:match.start()])
            position = match.end()
            token = match.group()
            if token == "**":
                if literal:
                    runs.append(Run(french_typography("".join(literal)), bold, italic))
                    literal.clear()
                bold = not bold
            elif token == "*":
                if literal:
                    runs.append(Run(french_typography("".join(literal)), bold, italic))
                    literal.clear()
                italic = not italic
            elif token[0] == "\\":
                literal.append(token[1])
            elif match.group(1) is not None:
                if literal:
                    runs.append(Run(french_typography("".join(literal)), bold, italic))
                    literal.clear()
                index = int(match.group(1))
                value = self.values[index] if index < len(self.values) else None
                if value is None:
                    problems.append(MarkupProblem(line, "valeur mal délimitée"))
                elif value:
                    runs.append(Run(value, bold, italic))
            else:  # a sentinel opened and never closed
                problems.append(MarkupProblem(line, "valeur mal délimitée"))
        if position < len(text):
            literal.append(text[position:])
        if literal:
            runs.append(Run(french_typography("".join(literal)), bold, italic))
        if bold:
            problems.append(MarkupProblem(line, "gras « ** » ouvert mais jamais fermé"))
        if italic:
            problems.append(MarkupProblem(line, "italique « * » ouvert mais jamais fermé"))
        return _merge(runs)


def _merge(runs: list[Run]) -> Inline:
    merged: list[Run] = []
    for run in runs:
        if merged and (merged[-1].bold, merged[-1].italic) == (run.bold, run.italic):
            merged[-1] = Run(merged[-1].text + run.text, run.bold, run.italic)
        else:
            merged.append(run)
    return tuple(merged)


def _split_cells(row: str) -> list[str]:
    """The cells of a table row; an escaped `\\|` stays in its cell (the inline parser reads it)."""
    body = row.strip()
    body = body[1:-1] if body.endswith("|") and len(body) > 1 else body[1:]
    return [cell.strip() for cell in _CELL_SEPARATOR.split(body)]


def parse_markup(
    text: str, values: Sequence[str] = (), first_list_id: int = 0
) -> tuple[tuple[Block, ...], list[MarkupProblem]]:
    """Parse markup into blocks; every problem is collected with its line, none stops it."""
    inline = _Inline(values)
    problems: list[MarkupProblem] = []
    blocks: list[Block] = []
    lines = text.split("\n")
    paragraph: list[str] = []
    paragraph_start = 0
    paragraph_style = "body"
    list_id = first_list_id
    in_list = False
    # the list id at each nesting level, so a nested list restarts and the outer one resumes
    level_ids: dict[int, int] = {}
    previous_ordered: dict[int, bool] = {}

    def flush_paragraph() -> None:
        nonlocal paragraph_style
        if paragraph:
            runs = inline.parse(_join_lines(paragraph), paragraph_start, problems)
            blocks.append(Paragraph(runs, paragraph_style))
            paragraph.clear()
        paragraph_style = "body"

    def end_list() -> None:
        nonlocal in_list
        in_list = False
        level_ids.clear()
        previous_ordered.clear()

    index = 0
    while index < len(lines):
        raw = lines[index]
        number = index + 1
        stripped = raw.strip()
        index += 1
        if not stripped:
            flush_paragraph()
            end_list()
            continue
        heading = _HEADING.match(stripped) if raw.startswith("#") else None
        if heading:
            flush_paragraph()
            end_list()
            level = len(heading.group(1))
            if level > MAX_HEADING_LEVEL:
                problems.append(
                    MarkupProblem(number, f"titre de niveau {level} : trois niveaux au plus (###)")
                )
                level = MAX_HEADING_LEVEL
            runs = inline.parse(heading.group(2), number, problems)
            if not runs:
                problems.append(MarkupProblem(number, "titre vide"))
            blocks.append(Heading(level, runs, numbered=heading.group(3) is None))
            continue
        directive = _DIRECTIVE.match(stripped)
        if directive:
            flush_paragraph()
            end_list()
            name = directive.group(1).strip()
            if name in DIRECTIVES:
                blocks.append(DIRECTIVES[name]())
            else:
                known = ", ".join(f"[[{d}]]" for d in DIRECTIVES)
                problems.append(
                    MarkupProblem(number, f"directive inconnue « [[{name}]] » (connues : {known})")
                )
            continue
        if stripped.startswith("|"):
            flush_paragraph()
            end_list()
            table_lines = [(number, stripped)]
            while index < len(lines) and lines[index].strip().startswith("|"):
                table_lines.append((index + 1, lines[index].strip()))
                index += 1
            table = _parse_table(table_lines, inline, problems)
            if table is not None:
                blocks.append(table)
            continue
        item = _BULLET.match(raw) or _ORDERED.match(raw)
        if item and not paragraph:
            ordered = item.re is _ORDERED
            indent = len(item.group(1))
            if indent % 2:
                problems.append(
                    MarkupProblem(number, "retrait de liste impair : indentez par deux espaces")
                )
            level = indent // 2
            if level > 1:
                problems.append(MarkupProblem(number, "deux niveaux de liste au plus"))
                level = 1
            if level == 1 and not in_list:
                problems.append(MarkupProblem(number, "élément de sous-liste sans liste au-dessus"))
                level = 0
            if not in_list or level not in level_ids or previous_ordered.get(level) != ordered:
                list_id += 1
                level_ids[level] = list_id
            for deeper in [lvl for lvl in level_ids if lvl > level]:
                del level_ids[deeper]
                previous_ordered.pop(deeper, None)
            previous_ordered[level] = ordered
            in_list = True
            text_parts = [item.group(2)]
            # continuation lines of the item: indented deeper, not a new item
            while index < len(lines):
                nxt = lines[index]
                if not nxt.strip() or _BULLET.match(nxt) or _ORDERED.match(nxt):
                    break
                if len(nxt) - len(nxt.lstrip(" ")) <= indent:
                    break
                text_parts.append(nxt.strip())
                index += 1
            runs = inline.parse(_join_lines(text_parts), number, problems)
            blocks.append(ListItem(runs, ordered, level, level_ids[level]))
            continue
        if in_list:
            problems.append(
                MarkupProblem(number, "texte collé à une liste : laissez une ligne vide avant")
            )
            end_list()
        if stripped.startswith(">") and not paragraph:
            paragraph_style = "note"
            stripped = stripped[1:].strip()
        elif stripped.startswith(">"):
            stripped = stripped[1:].strip()
        if not paragraph:
            paragraph_start = number
        paragraph.append(stripped)
    flush_paragraph()
    return tuple(blocks), problems


def _join_lines(parts: list[str]) -> str:
    """Join source lines of one paragraph; a line ending in `\\` makes a line break."""
    out = ""
    for i, part in enumerate(parts):
        if i == 0:
            out = part
        elif out.endswith("\\") and not out.endswith("\\\\"):
            out = out[:-1] + "\n" + part
        else:
            out = out + " " + part
    if out.endswith("\\") and not out.endswith("\\\\"):
        out = out[:-1]
    return out


def _parse_table(
    rows: list[tuple[int, str]], inline: _Inline, problems: list[MarkupProblem]
) -> Table | None:
    first_line = rows[0][0]
    if len(rows) < 2 or not _TABLE_RULE.match(rows[1][1]):
        problems.append(
            MarkupProblem(
                first_line, "tableau sans ligne de séparation « |---|---| » sous l’en-tête"
            )
        )
        return None
    header_cells = _split_cells(rows[0][1])
    width = len(header_cells)
    rule_cells = _split_cells(rows[1][1])
    if len(rule_cells) != width:
        problems.append(
            MarkupProblem(
                rows[1][0],
                f"la ligne de séparation a {len(rule_cells)} colonnes au lieu de {width}",
            )
        )
    header = tuple(inline.parse(cell, first_line, problems) for cell in header_cells)
    body: list[tuple[Inline, ...]] = []
    for line, row in rows[2:]:
        cells = _split_cells(row)
        if len(cells) != width:
            problems.append(
                MarkupProblem(line, f"ligne de tableau à {len(cells)} colonnes au lieu de {width}")
            )
            cells = (cells + [""] * width)[:width]
        body.append(tuple(inline.parse(cell, line, problems) for cell in cells))
    return Table(header, tuple(body))
