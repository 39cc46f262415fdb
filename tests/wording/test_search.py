"""The indexed search finds what the scan over every clause found, ranked by field."""

from __future__ import annotations

import pytest

from drafting_app.wording.index import fold
from drafting_app.wording.library import Clause, Library
from drafting_app.wording.search import SearchIndex, search_clauses, search_ids

#: queries kept from the scan this index replaced: words, prefixes and pieces of words as
#: typed keystroke by keystroke, accents and case, several words, nothing found, punctuation
QUERIES = (
    "", "   ", "i", "in", "ins", "insertion", "Insertion", "INSERTION sociale", "e", "eq",
    "équitable", "equitable", "quitab", "commerce équitable", "siae", "SIAE", "lot réservé",
    "reserve", "réservé esat", "pme", "pme avance", "avance", "sous-traitance", "l'article",
    "l’article", "L2113-13", "art.", "2113", "déchets verts", "dechets", "environnement",
    "critère", "criteres", "cout cycle de vie", "subvention", "cpo", "sieg", "minimis",
    "de", "la", "à", "a", "zzz", "insertion zzz", "clause", "marché", "égalité femmes",
    "heures", "%", "€", "«", "n°", "emploi qualité", "restauration", "egalim", "bio",
)


def old_search(library: Library, query: str) -> list[str]:
    """The search as it was: every clause's text folded and scanned on each query, and its
    ranking (title, then summary, keywords and category)."""
    words = fold(query).split()

    def haystack(clause: Clause) -> str:
        meta = clause.meta
        return fold(" ".join([meta.id, meta.title, meta.category, meta.summary, meta.note,
                              " ".join(meta.keywords), clause.text,
                              " ".join(r.label() for r in meta.references)]))

    return [c.id for c in library.clauses.values()
            if all(word in haystack(c) for word in words)]


@pytest.mark.parametrize("query", QUERIES)
def test_same_clauses_as_the_scan(library: Library, query: str) -> None:
    assert sorted(search_ids(library, query)) == sorted(old_search(library, query))


def test_queries_find_something_and_not_everything(library: Library) -> None:
    """The kept queries exercise the index: most find some clauses, not all of them."""
    sizes = [len(search_ids(library, q)) for q in QUERIES]
    assert sum(0 < size < len(library.clauses) for size in sizes) > len(QUERIES) // 2
    assert 0 in sizes


def test_siae_ranks_the_siae_reservation_first(library: Library) -> None:
    """Issue #15: « siae » is in the id, not the title, of the SIAE reservation."""
    found = search_ids(library, "siae")
    assert found[0] == "lot-reserve-siae"
    assert found[1] == "reserve-ea-esat-siae"
    assert len(found) > 2


def test_title_matches_come_before_keyword_and_text_matches(library: Library) -> None:
    found = search_clauses(library, "avance")
    in_title = [c for c in found if "avance" in fold(c.id + " " + c.meta.title)]
    assert in_title and found[: len(in_title)] == in_title
    levels = []
    for clause in found:
        meta = clause.meta
        if "avance" in fold(meta.id + " " + meta.title):
            levels.append(0)
        elif "avance" in fold(" ".join([meta.summary, *meta.keywords, meta.category])):
            levels.append(1)
        else:
            levels.append(2)
    assert levels == sorted(levels)
    assert 2 in levels  # some clauses mention it in their text only


def test_every_word_counts_and_ties_go_by_category_then_id(library: Library) -> None:
    found = search_ids(library, "insertion heures")
    assert 0 < len(found) < len(search_ids(library, "insertion"))
    everything = search_clauses(library, "")
    assert [c.id for c in everything] == [
        c.id for c in sorted(library.clauses.values(), key=lambda c: (c.meta.category, c.id))]


def test_index_over_an_entry_list_matches_the_library(library: Library) -> None:
    index = SearchIndex(library.index.values())
    assert len(index) == len(library.clauses)
    for query in ("insertion", "pme avance", "qu"):
        assert index.search(query) == search_ids(library, query)


@pytest.mark.parametrize("query", ["pme avance", "insertion heures", "lot reserve",
                                   "equitable commerce label", "clause sociale insertion",
                                   "avance avance", "de la", "siae", "avance", "e", "insertion"])
def test_ranking_is_by_field_then_words_in_title(
    library: Library, query: str
) -> None:
    """Every word in id and title first, then every word in id, title or tags, then the
    rest; within each, more words in id and title first; then category and id."""
    words = fold(query).split()

    def rank(clause: Clause) -> tuple[int, int, str, str]:
        meta = clause.meta
        title = fold(f"{meta.id} {meta.title}")
        tags = fold(" ".join([meta.summary, *meta.keywords, meta.category]))
        in_title = sum(word in title for word in words)
        if in_title == len(words):
            level = 0
        elif all(word in title or word in tags for word in words):
            level = 1
        else:
            level = 2
        return level, -in_title, meta.category, meta.id

    expected = sorted((library.clauses[i] for i in old_search(library, query)), key=rank)
    assert search_ids(library, query) == [c.id for c in expected]
