"""Every clause of the shipped library has its own title: the findings, the « projet » notice
and the clause browser name clauses by title, and two « Avance » could not be told apart."""

from __future__ import annotations

from collections import Counter

from drafting_app.wording.library import Library


def test_no_two_clauses_share_a_title(library: Library) -> None:
    titles = Counter(clause.meta.title.casefold() for clause in library.clauses.values())
    shared = sorted(title for title, count in titles.items() if count > 1)
    assert not shared, f"titres portés par plusieurs clauses : {shared}"
