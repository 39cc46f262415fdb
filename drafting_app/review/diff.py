"""Word-level comparison of two versions of a clause, as data the app and exporters show.

The wording is compared as a lawyer reads it (the readable wording: placeholders and notes in
French, see `readable`), and, on request, as the clause's example renders it; a placeholder or a
note is one word of the comparison.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from drafting_app.dossier.model import ChosenClause
from drafting_app.review.readable import (
    END_MARK,
    NOTE_MARK,
    VALUE_MARK,
    describe_variable,
    plain,
    readable_wording,
    wording_lines,
)
from drafting_app.review.versions import ClauseVersion, read_version
from drafting_app.wording.library import Clause, Library
from drafting_app.wording.markup import french_typography
from drafting_app.wording.model import ClauseMeta, ClauseStatus
from drafting_app.wording.render import Formats, Renderer, RenderError, make_environment
from drafting_app.wording.samples import load_samples
from drafting_app.wording.thresholds import threshold_labels_of

SegmentKind = Literal["equal", "insert", "delete"]
ChangeKind = Literal["equal", "insert", "delete", "change"]

# a placeholder of the readable wording, the opening and closing of a note, and a Jinja tag,
# each stay one token, so that « [montant de l’avance, en lettres] » or `{{ lots[0].title }}`
# is never cut in pieces, while a condition that changes shows which of its words changed
_TOKEN = re.compile(f"{VALUE_MARK}[^{END_MARK}]*{END_MARK}|{NOTE_MARK}\\[|\\]{END_MARK}"
                    r"|\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|\w+|\s+|[^\w\s]", re.S)
WORDING_TITLE = "Texte de la clause"
RENDERING_TITLE = "Exemple rédigé"
#: two lines this similar (0-1) are shown as one changed line rather than a removal + an addition
PAIRING_RATIO = 0.4


@dataclass(frozen=True)
class Segment:
    """A piece of text kept, inserted or deleted."""

    kind: SegmentKind
    text: str


@dataclass(frozen=True)
class LineChange:
    """One line (paragraph) of the comparison, with its word-level segments."""

    kind: ChangeKind
    old: str | None
    new: str | None
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class Section:
    """A part of the clause compared line by line (text, note, legal basis…)."""

    title: str
    changes: tuple[LineChange, ...]

    @property
    def changed(self) -> bool:
        """Whether anything differs in this part."""
        return any(change.kind != "equal" for change in self.changes)


@dataclass(frozen=True)
class Comparison:
    """Two versions of a clause compared; `author` and `date` are those of the newer one."""

    clause_id: str
    old: ClauseVersion
    new: ClauseVersion
    sections: tuple[Section, ...]
    author: str
    date: dt.date | None

    @property
    def changed(self) -> bool:
        """Whether the two versions differ at all."""
        return any(section.changed for section in self.sections)


def tokens(text: str) -> list[str]:
    """Words, spaces, punctuation signs and Jinja tags, in order; joined they give `text`."""
    return [match.group(0) for match in _TOKEN.finditer(text)]


def word_diff(old: str, new: str) -> tuple[Segment, ...]:
    """The word-level differences between two lines."""
    a, b = tokens(old), tokens(new)
    raw: list[Segment] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            raw.append(Segment("equal", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            raw.append(Segment("delete", "".join(a[i1:i2])))
        if j2 > j1:
            raw.append(Segment("insert", "".join(b[j1:j2])))
    # a lone space between two changes joins them: « [-un deux-]{+trois quatre+} »
    for index in range(1, len(raw) - 1):
        segment = raw[index]
        if (segment.kind == "equal" and not segment.text.strip()
                and raw[index - 1].kind != "equal" and raw[index + 1].kind != "equal"):
            raw[index] = Segment("delete", segment.text)
            raw.insert(index + 1, Segment("insert", segment.text))
    return _coalesce(raw)


def _coalesce(raw: list[Segment]) -> tuple[Segment, ...]:
    """Within each run of changes, all deletions first, then all insertions, each merged."""
    out: list[Segment] = []
    deleted: list[str] = []
    inserted: list[str] = []

    def flush() -> None:
        if deleted:
            out.append(Segment("delete", "".join(deleted)))
        if inserted:
            out.append(Segment("insert", "".join(inserted)))
        deleted.clear()
        inserted.clear()

    for segment in raw:
        if segment.kind == "equal":
            flush()
            if out and out[-1].kind == "equal":
                out[-1] = Segment("equal", out[-1].text + segment.text)
            elif segment.text:
                out.append(segment)
        elif segment.kind == "delete":
            deleted.append(segment.text)
        else:
            inserted.append(segment.text)
    flush()
    return tuple(out)


def line_diff(old_text: str, new_text: str) -> tuple[LineChange, ...]:
    """Compare two texts line by line; similar changed lines are compared word by word."""
    a, b = old_text.splitlines(), new_text.splitlines()
    changes: list[LineChange] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            changes.extend(LineChange("equal", line, line, (Segment("equal", line),))
                           for line in a[i1:i2])
        else:
            changes.extend(_pair_lines(a[i1:i2], b[j1:j2]))
    return tuple(changes)


def _similarity(old: str, new: str) -> float:
    return difflib.SequenceMatcher(None, tokens(old), tokens(new), autojunk=False).ratio()


def _pair_lines(old: list[str], new: list[str]) -> list[LineChange]:
    """Align a block of removed lines with a block of added lines, keeping their order."""
    n, m = len(old), len(new)
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            ratio = _similarity(old[i], new[j])
            paired = score[i + 1][j + 1] + ratio if ratio >= PAIRING_RATIO else -1.0
            score[i][j] = max(paired, score[i + 1][j], score[i][j + 1])
    out: list[LineChange] = []
    i = j = 0
    while i < n or j < m:
        if i < n and j < m:
            ratio = _similarity(old[i], new[j])
            if ratio >= PAIRING_RATIO and score[i][j] == score[i + 1][j + 1] + ratio:
                out.append(LineChange("change", old[i], new[j], word_diff(old[i], new[j])))
                i, j = i + 1, j + 1
                continue
        if i < n and (j >= m or score[i][j] == score[i + 1][j]):
            out.append(LineChange("delete", old[i], None, (Segment("delete", old[i]),)))
            i += 1
        else:
            out.append(LineChange("insert", None, new[j], (Segment("insert", new[j]),)))
            j += 1
    return out


# --------------------------------------------------------------------------- clause versions


def _references(meta: ClauseMeta) -> str:
    return "\n".join(
        reference.label() + (f" — {reference.note}" if reference.note else "")
        for reference in meta.references
    )


def _variables(meta: ClauseMeta, formats: Formats) -> str:
    return "\n".join(f"{french_typography(v.label)} — {describe_variable(v, formats)}"
                     for v in meta.variables)


def unwrap(text: str) -> str:
    """Hard-wrapped prose (a TOML note) as one line per paragraph."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "\n".join(" ".join(p.split()) for p in paragraphs if p.strip())


def readable_text(version: ClauseVersion, formats: Formats | None = None,
                  thresholds: Mapping[str, tuple[str, str]] | None = None) -> str:
    """A version's wording as a lawyer reads it, one block a line (placeholders marked)."""
    formats = formats or Formats()
    wording = readable_wording(version.meta, version.text, make_environment(formats), formats,
                               thresholds)
    text = wording_lines(wording.blocks)
    if wording.problems:
        text += "".join(f"(passage non traduit : {p})\n" for p in wording.problems)
    return text


def rendered_text(version: ClauseVersion, library: Library) -> str:
    """A version rendered with the clause's example values, one block a line."""
    formats = Formats()
    env = make_environment(formats)
    current = library.clause(version.meta.id)
    values = dict(current.sample_values) if current is not None else {}
    lots = current.sample_lots if current is not None else ()
    clause = Clause(version.meta, version.text, version.folder, values, None, lots)
    samples, _ = load_samples(library)
    dossier = samples.for_clause(clause)
    if dossier is None:
        return "(aucun dossier d’exemple pour ce type de clause)\n"
    try:
        blocks = Renderer(library, env).render_clause(
            clause, dossier, ChosenClause(id=clause.id, values=values, lots=lots))
    except RenderError as exc:
        return "".join(f"(rédaction impossible avec les valeurs d’exemple : {p.message})\n"
                       for p in exc.problems)
    return wording_lines(blocks[1:])


def compare_versions(old: ClauseVersion, new: ClauseVersion,
                     library: Library | None = None) -> Comparison:
    """Compare the title, wording, legal basis, variables and note of two versions.

    The wording is the readable one; with a library, the example renderings are compared too.
    """
    formats = Formats()
    # the dated thresholds of the library the clause lives in (`clauses/<id>/` under its root)
    thresholds = threshold_labels_of(new.folder.parent.parent)
    parts = [
        ("Titre", old.meta.title, new.meta.title),
        (WORDING_TITLE, readable_text(old, formats, thresholds),
         readable_text(new, formats, thresholds)),
    ]
    if library is not None:
        parts.append((RENDERING_TITLE, rendered_text(old, library), rendered_text(new, library)))
    parts += [
        ("Fondements juridiques", _references(old.meta), _references(new.meta)),
        ("Valeurs données par l’acheteur", _variables(old.meta, formats),
         _variables(new.meta, formats)),
        ("Note à l’acheteur", unwrap(old.meta.note), unwrap(new.meta.note)),
    ]
    sections = tuple(Section(title, line_diff(before, after)) for title, before, after in parts)
    entries = [e for e in new.meta.history if e.version == new.number]
    created = [e for e in entries if e.decision is ClauseStatus.TO_REVIEW] or entries
    author = created[0].who if created else "Clausier"
    date = created[0].when if created else None
    return Comparison(new.meta.id, old, new, sections, author, date)


def compare_clause(folder: Path, old: int, new: int,
                   library: Library | None = None) -> Comparison:
    """Compare two versions of the clause in `folder` (ReviewError if one does not exist).

    With a library, the versions' example renderings are compared as well.
    """
    return compare_versions(read_version(folder, old), read_version(folder, new), library)


def comparison_text(comparison: Comparison) -> str:
    """The comparison as plain text: `[-supprimé-]` and `{+ajouté+}`, unchanged parts skipped."""
    lines = [f"Clause « {comparison.clause_id} » : version {comparison.old.number} "
             f"({comparison.old.meta.status.value}) → version {comparison.new.number} "
             f"({comparison.new.meta.status.value})"]
    if not comparison.changed:
        lines.append("Aucune différence.")
    for section in comparison.sections:
        if not section.changed:
            continue
        lines.append("")
        lines.append(f"== {section.title}")
        for change in section.changes:
            if change.kind == "equal":
                continue
            marker = {"insert": "+ ", "delete": "- ", "change": "~ "}[change.kind]
            lines.append(marker + "".join(_marked(s) for s in change.segments))
    return "\n".join(lines) + "\n"


def _marked(segment: Segment) -> str:
    text = plain(segment.text)
    if not text:
        return ""
    if segment.kind == "delete":
        return f"[-{text}-]"
    if segment.kind == "insert":
        return f"{{+{text}+}}"
    return text
