"""The character-loop markup parser as it was before the regular-expression tokenizer: the
reference `test_markup.py` compares the new parser with. Test support only; never shipped.

Only its sentinels follow the new ones, so that both parse the same renderings.

The clause markup (a small Markdown subset) parsed into format-neutral blocks.

User values never pass through this parser as text: the renderer replaces each value with a
sentinel `\\ue000<index>\\ue001` and hands the values over separately, so whatever a user
types (`**`, `#`, `|`, `{{ }}`) comes out literally.
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
MAX_HEADING_LEVEL = 3

_HEADING = re.compile(r"^(#+)\s+(.*?)(\s+\{-\})?\s*$")
_BULLET = re.compile(r"^( *)- +(.*)$")
_ORDERED = re.compile(r"^( *)\d+\. +(.*)$")
_DIRECTIVE = re.compile(r"^\[\[(.*)\]\]\s*$")
_TABLE_RULE = re.compile(r"^\|(\s*:?-{3,}:?\s*\|)+\s*$")
_SENTINEL = re.compile(f"{VALUE_OPEN}(\\d+){VALUE_CLOSE}")
DIRECTIVES: dict[str, Callable[[], Block]] = {"toc": TableOfContents, "pagebreak": PageBreak}


@dataclass(frozen=True)
class MarkupProblem:
    """A markup error at a line (1-based) of the text that was parsed."""

    line: int
    message: str


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
    text = re.sub(r"(?<=\d) (?=\d{3}(?!\d))", "\u202f", text)  # 50 000, as Babel writes it
    text = re.sub(r"(\d) (%|€)", "\\1\u00a0\\2", text)
    text = re.sub(r"(€|^) (HT|TTC)\b", "\\1\u00a0\\2", text)
    text = re.sub(r"\b(n°|N°|art\.) ", "\\1\u00a0", text)
    text = re.sub(r" ([;!?])", "\u202f\\1", text)
    text = re.sub(r" :", "\u00a0:", text)
    text = re.sub(r"« ?", "«\u00a0", text)
    text = re.sub(r" ?»", "\u00a0»", text)
    return text


class _Inline:
    """Inline parser: `**bold**`, `*italic*`, `\\` escapes and value sentinels."""

    def __init__(self, values: Sequence[str]) -> None:
        self.values = values

    def parse(self, text: str, line: int, problems: list[MarkupProblem]) -> Inline:
        runs: list[Run] = []
        bold = italic = False
        literal: list[str] = []

        def flush() -> None:
            if literal:
                chunk = french_typography("".join(literal))
                runs.append(Run(chunk, bold, italic))
                literal.clear()

        i = 0
        while i < len(text):
            char = text[i]
            if char == VALUE_OPEN:
                match = _SENTINEL.match(text, i)
                if match is None:
                    problems.append(MarkupProblem(line, "valeur mal délimitée"))
                    i += 1
                    continue
                flush()
                value = self.values[int(match.group(1))]
                if value:
                    runs.append(Run(value, bold, italic))
                i = match.end()
            elif char == "\\" and i + 1 < len(text) and text[i + 1] in "\\*#|-[":
                literal.append(text[i + 1])
                i += 2
            elif text.startswith("**", i):
                flush()
                bold = not bold
                i += 2
            elif char == "*":
                flush()
                italic = not italic
                i += 1
            else:
                literal.append(char)
                i += 1
        flush()
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
    body = row.strip()
    body = body[1:-1] if body.endswith("|") and len(body) > 1 else body[1:]
    cells: list[str] = []
    current: list[str] = []
    i = 0
    while i < len(body):
        if body[i] == "\\" and i + 1 < len(body) and body[i + 1] == "|":
            current.append("\\|")
            i += 2
            continue
        if body[i] == "|":
            cells.append("".join(current).strip())
            current = []
        else:
            current.append(body[i])
        i += 1
    cells.append("".join(current).strip())
    return cells


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
