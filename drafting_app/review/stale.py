"""Stale references: wording that cites repealed texts or superseded thresholds.

Repealed texts are the procurement texts the code de la commande publique replaced on
1 April 2019 (the ordonnance of 23 July 2015, its reserved-contract articles 36 and 37, the
décret of 25 March 2016, the former code des marchés publics). Superseded thresholds come from
the library's dated legal data: an amount whose period ended before the check date while
another amount is in force for the same threshold (40 000 € for supplies and services after
31 March 2026). The wording (`text.fr.md`) is always checked; in the metadata a line that
states the history of the rule (« ancien », « abrogé », the current amount…) is not reported.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from drafting_app.files.problems import Problem
from drafting_app.wording.library import CLAUSE_META, CLAUSE_TEXT, DOCUMENT_META, Library
from drafting_app.wording.model import ClauseStatus
from drafting_app.wording.render import Formats

if TYPE_CHECKING:  # the checks package is not needed at run time
    from drafting_app.checks.legal_data import LegalData, Threshold

_REPLACED_ON = "le code de la commande publique, en vigueur depuis le 1er avril 2019"


@dataclass(frozen=True)
class RepealedText:
    """A citation of a repealed text: a pattern over folded text and what to say about it."""

    pattern: re.Pattern[str]
    message: str


def _p(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


# the more precise citations come first: a match inside an earlier one is not reported twice
REPEALED_TEXTS: tuple[RepealedText, ...] = (
    RepealedText(
        _p(r"\bart(?:icle|\.)?s?\s*36\b[^.;\n]{0,12}?\bordonnance\b"
           r"(?![^.;\n]{0,40}\b(?:2018|2019|2020|2021|2022|2023|2024|2025|2026)\b)"),
        "cite l’article 36 de l’ordonnance du 23 juillet 2015 relative aux marchés publics "
        f"(marchés réservés), abrogée et remplacée par {_REPLACED_ON} : les marchés réservés "
        "relèvent des articles L2113-12 à L2113-14 du code de la commande publique"),
    RepealedText(
        _p(r"\bart(?:icle|\.)?s?\s*37\b[^.;\n]{0,12}?\bordonnance\b"
           r"(?![^.;\n]{0,40}\b(?:2018|2019|2020|2021|2022|2023|2024|2025|2026)\b)"),
        "cite l’article 37 de l’ordonnance du 23 juillet 2015 relative aux marchés publics "
        f"(marchés réservés à l’économie sociale et solidaire), abrogée et remplacée par "
        f"{_REPLACED_ON} : la réservation aux entreprises de l’ESS relève de l’article L2113-15 "
        "du code de la commande publique"),
    RepealedText(
        _p(r"\b2015-899\b|\bordonnance\b[^.;\n]{0,30}?\b23 juillet 2015\b"
           r"|\bordonnance\b[^.;\n]{0,30}?\b2015\b[^.;\n]{0,40}?\bmarches publics\b"),
        "cite l’ordonnance du 23 juillet 2015 relative aux marchés publics, abrogée et "
        f"remplacée par {_REPLACED_ON} : citez l’article du code qui s’applique"),
    RepealedText(
        _p(r"\b2016-360\b|\bdecret\b[^.;\n]{0,30}?\b25 mars 2016\b"),
        "cite le décret du 25 mars 2016 relatif aux marchés publics, abrogé et remplacé par "
        "la partie réglementaire du code de la commande publique, en vigueur depuis le "
        "1er avril 2019 : citez l’article R… du code qui s’applique"),
    RepealedText(
        _p(r"\bcode des marches publics\b|\bcmp\b"),
        f"cite l’ancien code des marchés publics, abrogé et remplacé par {_REPLACED_ON} : "
        "citez l’article du code de la commande publique qui s’applique"),
)

# metadata lines that tell the history of a rule rather than apply it
_HISTORY = re.compile(r"\b(?:abroge|abrogee|abroges|ancien|ancienne|anciennement|ex-|"
                      r"remplace|remplacee|jusqu'au|avant le|naguere|autrefois)")

# amounts that a superseded threshold shares with a rule still in force: 40 000 € HT stays
# the threshold of the données essentielles (CCP R2196-1, legal_facts.md § 10)
STILL_IN_FORCE: tuple[tuple[Decimal, re.Pattern[str]], ...] = (
    (Decimal(40000), _p(r"donnees essentielles|\br\s?2196-1\b")),
)


@dataclass(frozen=True)
class StaleReference:
    """A stale citation found in a file: where, what was found, what to do (French)."""

    path: Path
    line: int
    found: str
    message: str

    def problem(self) -> Problem:
        """As a library problem, for `clausier library check`."""
        return Problem(self.path, self.line,
                       f"référence périmée « {self.found} » : {self.message}")


@dataclass(frozen=True)
class SupersededAmount:
    """An amount that was a threshold until `old.end`, replaced by `new.amount`."""

    amount: Decimal
    old: Threshold
    new: Threshold
    pattern: re.Pattern[str]


def fold(text: str) -> str:
    """Lower case without accents, same length as `text` so positions still match."""
    out = []
    for char in text:
        if char in "\u00a0\u202f\u2007":
            out.append(" ")
            continue
        if char == "’":
            out.append("'")
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", char)
                       if not unicodedata.combining(c)).lower()
        out.append(base if len(base) == 1 else char.lower())
    return "".join(out)


def amount_pattern(amount: Decimal) -> re.Pattern[str]:
    """`40 000 €`, `40.000 euros`, `40000,00 € HT`, `40 k€` or `{{ 40000 | money }}` (folded)."""
    whole = int(amount)
    digits = str(whole)
    groups: list[str] = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    grouped = "[ .]?".join(groups)
    alternatives = [rf"(?<![\d])(?<![\d][ .,]){grouped}(?:,0{{1,2}})?\s*(?:€|euros?\b|eur\b)",
                    rf"\b{whole}\s*\|\s*money\b"]
    if whole % 1000 == 0:
        alternatives.append(rf"(?<![\d,.]){whole // 1000}\s*k(?:€|euros?\b|e\b)")
    return re.compile("|".join(alternatives))


def _overlap(a: Threshold, b: Threshold) -> bool:
    kinds = not a.contract_kinds or not b.contract_kinds or bool(
        set(a.contract_kinds) & set(b.contract_kinds))
    buyers = not a.buyer_kinds or not b.buyer_kinds or bool(set(a.buyer_kinds) & set(b.buyer_kinds))
    return kinds and buyers


def superseded_amounts(legal: LegalData, day: dt.date) -> list[SupersededAmount]:
    """Amounts in euros no longer in force on `day` and replaced by another amount."""
    euros = [t for t in legal.thresholds if t.unit in ("€ HT", "€")]
    current = [t for t in euros if t.in_force(day)]
    # an amount still in force for the same threshold is not stale; one that another threshold
    # uses (40 000 € for the données essentielles) is told apart by STILL_IN_FORCE
    current_amounts = {(t.id, t.amount) for t in current}
    found: dict[Decimal, SupersededAmount] = {}
    for old in euros:
        if old.end is None or old.end >= day or (old.id, old.amount) in current_amounts:
            continue
        for new in current:
            if new.id == old.id and new.start > old.end and _overlap(old, new):
                found.setdefault(old.amount, SupersededAmount(old.amount, old, new,
                                                              amount_pattern(old.amount)))
                break
    return sorted(found.values(), key=lambda s: s.amount)


def _threshold_message(item: SupersededAmount, formats: Formats) -> str:
    old, new = item.old, item.new
    kinds = ", ".join(k.value for k in old.contract_kinds if k.value not in old.label)
    assert old.end is not None
    return (f"{old.label}{f' ({kinds})' if kinds else ''} : {formats.money(old.amount)} HT "
            f"jusqu’au {formats.date_long(old.end)}, {formats.money(new.amount)} HT depuis le "
            f"{formats.date_long(new.start)} ({new.reference.label()}) : mettez le montant à "
            "jour ; s’il vise autre chose que ce seuil, dites-le explicitement")


def scan_lines(
    path: Path,
    lines: Iterable[str],
    amounts: list[SupersededAmount],
    *,
    metadata: bool,
    formats: Formats,
) -> Iterator[StaleReference]:
    """The stale citations of some lines (1-based line numbers)."""
    for number, line in enumerate(lines, start=1):
        folded = fold(line)
        history = metadata and bool(_HISTORY.search(folded))
        taken: list[tuple[int, int]] = []
        for repealed in REPEALED_TEXTS:
            for match in repealed.pattern.finditer(folded):
                if history or any(s < match.end() and match.start() < e for s, e in taken):
                    continue
                taken.append(match.span())
                yield StaleReference(path, number, line[match.start():match.end()],
                                     repealed.message)
        for item in amounts:
            for match in item.pattern.finditer(folded):
                still = any(amount == item.amount and context.search(folded)
                            for amount, context in STILL_IN_FORCE)
                explained = metadata and (history or bool(item_current(item).search(folded)))
                if still or explained:
                    continue
                yield StaleReference(path, number, line[match.start():match.end()].strip(),
                                     _threshold_message(item, formats))


def item_current(item: SupersededAmount) -> re.Pattern[str]:
    """The pattern of the amount now in force, which a line explaining the change cites."""
    return amount_pattern(item.new.amount)


def _file_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []  # unreadable files are reported by the library loader


def find_stale_references(
    library: Library, legal: LegalData, day: dt.date, formats: Formats | None = None
) -> list[StaleReference]:
    """Every stale citation in the library's clauses (obsolete ones aside) and skeletons."""
    formats = formats or Formats()
    amounts = superseded_amounts(legal, day)
    found: list[StaleReference] = []
    for clause in sorted(library.clauses.values(), key=lambda c: c.id):
        if clause.meta.status is ClauseStatus.OBSOLETE:
            continue
        for name, metadata in ((CLAUSE_TEXT, False), (CLAUSE_META, True)):
            path = clause.folder / name
            found.extend(scan_lines(path, _file_lines(path), amounts, metadata=metadata,
                                    formats=formats))
    for skeleton in sorted(library.documents.values(), key=lambda s: s.id):
        for name, metadata in ((CLAUSE_TEXT, False), (DOCUMENT_META, True)):
            path = skeleton.folder / name
            found.extend(scan_lines(path, _file_lines(path), amounts, metadata=metadata,
                                    formats=formats))
    return found
