"""Whole numbers written in French words, as num2words writes them, without importing it.

`french_words` writes the traditional spelling that `num2words(n, lang="fr")` (0.5.14) gives,
word for word, for every whole number a document can hold (|n| ≤ 10**15, `VALUE_LIMIT`):

- below one hundred, hyphens between tens and units, except `et` before one:
  `vingt et un`, `soixante et onze`, but `quatre-vingt-un`, `quatre-vingt-onze`;
- `cent` and `quatre-vingt` take an `s` when they end the number or come before
  `millions`, `milliards`…, never before `mille`: `deux cents`, `quatre-vingts`,
  `deux cent un`, `deux cent mille`, `quatre-vingt mille`, `deux cents millions`;
- `mille` alone for one thousand and invariable (`mille`, `deux mille`); the larger
  scales are nouns counted with `un` and plural from two on (`un million`, `deux millions`,
  `un milliard`, then num2words' long scale: `un billion` for 10**12, `un billiard` for 10**15);
- no `et` or hyphen between groups (`un million deux cent mille quatre-vingts`);
- `zéro`, and `moins …` before a negative number.
"""

from __future__ import annotations

UNITS = (
    "zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf",
    "dix", "onze", "douze", "treize", "quatorze", "quinze", "seize", "dix-sept", "dix-huit",
    "dix-neuf",
)
TENS = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}

# The scales after `mille`, by powers of a thousand: 10**6, 10**9, 10**12, 10**15.
SCALES = ("million", "milliard", "billion", "billiard")
LIMIT = 1000 ** (len(SCALES) + 2)  # 10**18: the first number with no scale word here


def _below_hundred(number: int, plural: bool) -> str:
    """1 to 99; `plural` puts the `s` on a closing `quatre-vingts`."""
    if number < 20:
        return UNITS[number]
    tens, units = divmod(number, 10)
    if tens in (7, 9):  # soixante-dix…, quatre-vingt-dix…: the tens before, 10 to 19 after
        tens, units = tens - 1, units + 10
    if tens == 8:
        head = "quatre-vingt"
        if not units:
            return head + "s" if plural else head
        return f"{head}-{UNITS[units]}"
    head = TENS[tens]
    if not units:
        return head
    if units in (1, 11):
        return f"{head} et {UNITS[units]}"
    return f"{head}-{UNITS[units]}"


def _below_thousand(number: int, plural: bool) -> str:
    """1 to 999; `plural` is false before `mille`, where `cent` and `quatre-vingt` stay bare."""
    hundreds, rest = divmod(number, 100)
    if not hundreds:
        return _below_hundred(rest, plural)
    head = "cent" if hundreds == 1 else f"{UNITS[hundreds]} cent"
    if not rest:
        return head + "s" if plural and hundreds > 1 else head
    return f"{head} {_below_hundred(rest, plural)}"


def french_words(number: int) -> str:
    """The number in French words, exactly as `num2words(number, lang="fr")` writes it.

    `21` → `vingt et un`, `80` → `quatre-vingts`, `200 000` → `deux cent mille`,
    `2 000 000` → `deux millions`, `-1` → `moins un`. Raises ValueError from 10**18 on
    (the documents hold at most 10**15).
    """
    if number < 0:
        return "moins " + french_words(-number)
    if number >= LIMIT:
        raise ValueError(f"nombre trop grand pour être écrit en lettres : {number}")
    if number == 0:
        return UNITS[0]
    groups: list[int] = []
    while number:
        number, group = divmod(number, 1000)
        groups.append(group)
    words: list[str] = []
    for power in range(len(groups) - 1, -1, -1):
        group = groups[power]
        if not group:
            continue
        if power == 0:
            words.append(_below_thousand(group, plural=True))
        elif power == 1:
            words.append("mille" if group == 1 else _below_thousand(group, False) + " mille")
        else:
            scale = SCALES[power - 2] + ("s" if group > 1 else "")
            words.append(f"{_below_thousand(group, plural=True)} {scale}")
    return " ".join(words)
