"""What a library keeps in memory for each clause (the index entry), and clauses read lazily."""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from drafting_app.dossier.model import DossierKind
from drafting_app.wording.model import ClauseStatus, Piece

if TYPE_CHECKING:
    from drafting_app.wording.library import Clause


def fold(text: str) -> str:
    """Lower-case text without accents: `Équitable` and `equitable` fold alike."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("’", "'")


@dataclass(frozen=True)
class ClauseEntry:
    """What the library keeps in memory for a clause: enough to list, filter and search it.

    The wording, the note, the variables and the references are read when the clause is
    first opened (`Library.clauses[id]`).
    """

    id: str
    title: str
    category: str
    status: ClauseStatus
    #: (piece, part) of each placement
    placements: tuple[tuple[Piece, str], ...]
    keywords: tuple[str, ...]
    #: the clause's folder (a string: a Path for each of 10 000 entries costs at load)
    path: str
    sample_kind: DossierKind
    #: (legal text, article) of each reference, for the library-wide check
    references: tuple[tuple[str, str], ...]
    #: what is left to verify (`to_check`), for the status rule of the library-wide check
    to_check: str
    #: folded id and title, folded summary + keywords + category, and the distinct words of
    #: everything folded (id, title, category, summary, note, keywords, wording, references)
    title_key: str
    tags_key: str
    haystack: str

    @classmethod
    def of(cls, clause: Clause) -> ClauseEntry:
        """The entry of a loaded clause."""
        meta = clause.meta
        return cls(
            id=meta.id,
            title=meta.title,
            category=meta.category,
            status=meta.status,
            placements=tuple((p.piece, p.part) for p in meta.placements),
            keywords=meta.keywords,
            path=str(clause.folder),
            sample_kind=clause.sample_kind(),
            references=tuple((r.text, r.article) for r in meta.references),
            to_check=meta.to_check.strip(),
            title_key=fold(f"{meta.id} {meta.title}"),
            tags_key=fold(" ".join([meta.summary, *meta.keywords, meta.category])),
            # each distinct word once: a query word (no space in it) is in the text exactly when
            # it is in one of its words, so this finds the same clauses in half the text
            haystack=" ".join(dict.fromkeys(fold(" ".join([
                meta.id, meta.title, meta.category, meta.summary, meta.note,
                " ".join(meta.keywords), clause.text,
                " ".join(r.label() for r in meta.references)])).split())),
        )


    @property
    def folder(self) -> Path:
        """The clause's folder."""
        return Path(self.path)

    def state(self) -> tuple[Any, ...]:
        """The entry as plain strings and tuples, quick to pickle and unpickle (the cache)."""
        return (self.id, self.title, self.category, self.status.value,
                tuple((piece.value, part) for piece, part in self.placements), self.keywords,
                self.path, self.sample_kind.value, self.references, self.to_check,
                self.title_key, self.tags_key, self.haystack)

    @classmethod
    def from_state(cls, state: tuple[Any, ...]) -> ClauseEntry:
        """The entry `state()` described."""
        (id_, title, category, status, placements, keywords, path, kind, references, to_check,
         title_key, tags_key, haystack) = state
        return cls(id_, title, category, ClauseStatus._value2member_map_[status],  # type: ignore[arg-type]
                   _placements(placements), keywords, path,
                   DossierKind._value2member_map_[kind],  # type: ignore[arg-type]
                   references, to_check, title_key, tags_key, haystack)


@functools.lru_cache(maxsize=4096)
def _placements(placements: tuple[tuple[str, str], ...]) -> tuple[tuple[Piece, str], ...]:
    """Placements as stored (piece values) -> with their Piece (most clauses share a few)."""
    pieces = Piece._value2member_map_
    return tuple((pieces[piece], part) for piece, part in placements)  # type: ignore[misc]


class LazyClauses(Mapping[str, "Clause"]):
    """The clauses of a library by id: each is read (from the cache or its files) when first
    asked for, and kept; the index of every clause is there from the start."""

    def __init__(
        self, entries: Mapping[str, ClauseEntry], load: Callable[[ClauseEntry], Clause | None]
    ) -> None:
        self.entries = MappingProxyType(dict(entries))
        self._load = load
        self._loaded: dict[str, Clause] = {}

    def __getitem__(self, clause_id: str) -> Clause:
        clause = self._loaded.get(clause_id)
        if clause is None:
            entry = self.entries[clause_id]
            loaded = self._load(entry)
            if loaded is None:
                raise KeyError(clause_id)
            clause = self._loaded.setdefault(clause_id, loaded)
        return clause

    def __iter__(self) -> Iterator[str]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, clause_id: object) -> bool:
        return clause_id in self.entries
