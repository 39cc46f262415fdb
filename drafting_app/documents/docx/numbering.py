"""Word numbering read from a layout: heading and list levels, numbers as printed."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from docx.oxml.ns import qn

from drafting_app.documents.blocks import (
    Heading,
)


@dataclass(frozen=True)
class Level:
    """One level of a Word list: where it points to and how its number reads."""

    num_id: int
    abstract_id: str
    ilvl: int
    start: int
    fmt: str
    text: str
    suffix: str


def style_level(styles_element: Any, numbering: Any, style: Any) -> Level | None:
    """The list level a paragraph style is bound to (following basedOn), or None."""
    seen: set[str] = set()
    num_id: int | None = None
    ilvl: int | None = None
    while style is not None and style.get(qn("w:styleId"), "") not in seen:
        seen.add(style.get(qn("w:styleId"), ""))
        num_pr = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        if num_pr is not None:
            if num_id is None:
                num_id = int_val(num_pr.find(qn("w:numId")))
            if ilvl is None:
                ilvl = int_val(num_pr.find(qn("w:ilvl")))
        if num_id is not None:
            break
        based_on = style.find(qn("w:basedOn"))
        if based_on is None:
            break
        style = _style_by_id(styles_element, based_on.get(qn("w:val")))
    if not num_id:
        return None
    return _list_level(styles_element, numbering, num_id, ilvl or 0)


def _list_level(styles_element: Any, numbering: Any, num_id: int, ilvl: int) -> Level | None:
    """Level `ilvl` of list `num_id` as numbering.xml defines it, or None if undefined."""
    abstract_id = _num_abstract_id(numbering, num_id)
    if abstract_id is None:
        return None
    lvl = abstract_lvl(styles_element, numbering, abstract_id, ilvl)
    if lvl is None:
        return None
    text = lvl.find(qn("w:lvlText"))
    suffix = lvl.find(qn("w:suff"))
    fmt = lvl.find(qn("w:numFmt"))
    start = int_val(lvl.find(qn("w:start")))
    return Level(
        num_id=num_id,
        abstract_id=abstract_id,
        ilvl=ilvl,
        start=0 if start is None else start,
        fmt="decimal" if fmt is None else fmt.get(qn("w:val"), "decimal"),
        text="" if text is None else text.get(qn("w:val"), ""),
        suffix="tab" if suffix is None else suffix.get(qn("w:val"), "tab"),
    )


def _num_abstract_id(numbering: Any, num_id: int) -> str | None:
    """The abstract list a w:num points to, or None."""
    if numbering is None:
        return None
    for num in numbering.iterchildren(qn("w:num")):
        if num.get(qn("w:numId")) == str(num_id):
            abstract = num.find(qn("w:abstractNumId"))
            return None if abstract is None else abstract.get(qn("w:val"))
    return None


def abstract_lvl(styles_element: Any, numbering: Any, abstract_id: str, ilvl: int) -> Any:
    """The w:lvl element `ilvl` of abstract list `abstract_id`, or None.

    Word often defines a multilevel list through a list style: the abstract list then only
    holds a w:numStyleLink to that style, whose own numbering leads to the real levels.
    """
    for _hop in range(4):
        abstract = next(
            (a for a in numbering.iterchildren(qn("w:abstractNum"))
             if a.get(qn("w:abstractNumId")) == abstract_id),
            None,
        )  # fmt: skip
        if abstract is None:
            return None
        for lvl in abstract.iterchildren(qn("w:lvl")):
            if lvl.get(qn("w:ilvl")) == str(ilvl):
                return lvl
        link = abstract.find(qn("w:numStyleLink"))
        list_style = None if link is None else _style_by_id(styles_element, link.get(qn("w:val")))
        num_pr = None if list_style is None else list_style.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        num_id = None if num_pr is None else int_val(num_pr.find(qn("w:numId")))
        linked = None if num_id is None else _num_abstract_id(numbering, num_id)
        if linked is None:
            return None
        abstract_id = linked
    return None


def _style_by_id(styles_element: Any, style_id: str | None) -> Any:
    """The w:style element with this styleId, or None."""
    return next(
        (s for s in styles_element.iterchildren(qn("w:style"))
         if s.get(qn("w:styleId")) == style_id),
        None,
    )  # fmt: skip


def int_val(element: Any) -> int | None:
    if element is None:
        return None
    try:
        return int(element.get(qn("w:val"), ""))
    except ValueError:
        return None


def _format_number(value: int, fmt: str) -> str:
    """A list counter as Word shows it for the usual number formats."""
    if fmt in ("none", "bullet"):
        return ""
    if fmt in ("upperRoman", "lowerRoman"):
        roman = _roman(value)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt in ("upperLetter", "lowerLetter"):
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1) if value > 0 else ""
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt == "decimalZero":
        return f"{value:02d}"
    return str(value)


def _roman(value: int) -> str:
    numerals = (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    )  # fmt: skip
    out = []
    for amount, numeral in numerals:
        count, value = divmod(value, amount)
        out.append(numeral * count)
    return "".join(out)


class HeadingNumbers:
    """The numbers Word will show on headings, for the table of contents' cached entries."""

    def __init__(
        self, styles_element: Any, numbering: Any, levels: Mapping[int, Level | None]
    ) -> None:
        self._styles_element = styles_element
        self._numbering = numbering
        self._levels = levels
        self._counters: dict[str, dict[int, int]] = {}
        self._defined: dict[tuple[int, int], Level | None] = {}

    def next(self, heading: Heading) -> str:
        """The number label of `heading` with its separator, or "" when not numbered."""
        level = self._levels.get(heading.level)
        if level is None or not heading.numbered:
            return ""
        counters = self._counters.setdefault(level.abstract_id, {})
        counters[level.ilvl] = counters.get(level.ilvl, level.start - 1) + 1
        for deeper in [ilvl for ilvl in counters if ilvl > level.ilvl]:
            del counters[deeper]

        def replace(match: re.Match[str]) -> str:
            ilvl = int(match.group(1)) - 1
            key = (level.num_id, ilvl)
            if key not in self._defined:
                self._defined[key] = _list_level(
                    self._styles_element, self._numbering, level.num_id, ilvl
                )
            defined = self._defined[key]
            start = defined.start if defined else 1
            return _format_number(counters.get(ilvl, start), defined.fmt if defined else "decimal")

        label = re.sub(r"%([1-9])", replace, level.text)
        return label + ("" if level.suffix == "nothing" or not label else " ")
