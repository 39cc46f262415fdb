"""Accent- and case-insensitive search over the clause library."""

from __future__ import annotations

import unicodedata

from drafting_app.wording.library import Clause, Library


def fold(text: str) -> str:
    """Lower-case text without accents: `Équitable` and `equitable` fold alike."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("’", "'")


def clause_haystack(clause: Clause) -> str:
    """Everything a search looks into for a clause, folded."""
    meta = clause.meta
    return fold(" ".join([meta.id, meta.title, meta.category, meta.summary, meta.note,
                          " ".join(meta.keywords), clause.text,
                          " ".join(r.label() for r in meta.references)]))


def search_clauses(library: Library, query: str) -> list[Clause]:
    """Clauses holding every word of `query`: title matches first, then keywords, then text."""
    words = fold(query).split()

    def rank(clause: Clause) -> tuple[int, int, str, str]:
        meta = clause.meta
        title = fold(meta.title)
        tagged = fold(" ".join([meta.summary, *meta.keywords, meta.category]))
        if all(word in title for word in words):
            level = 0
        elif all(word in title or word in tagged for word in words):
            level = 1
        else:
            level = 2
        in_title = sum(word in title for word in words)
        return level, -in_title, meta.category, meta.id

    found = [c for c in library.clauses.values()
             if all(word in clause_haystack(c) for word in words)]
    return sorted(found, key=rank)
