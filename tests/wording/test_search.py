"""The indexed search finds what the scan over every clause found, ranked by field."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.bench_library import QUERIES as BENCH_QUERIES
from drafting_app.wording.index import ClauseEntry, fold
from drafting_app.wording.library import Clause, Library
from drafting_app.wording.search import (
    _BLOCK,
    SearchIndex,
    _Words,
    search_clauses,
    search_ids,
)

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


# --- the index against the search written plainly, query by query ---------------------------

#: every keystroke of the benchmark's ten queries (« c », « cl », « cla »…), and words typed
#: twice (each time counts in the title), nothing, blanks, capitals, apostrophes
KEYSTROKES = [query[:n] for query in BENCH_QUERIES for n in range(1, len(query) + 1)] + [
    "pme pme avance", "critere label label", "condition execution execution", "de la", "a a b", "",
    "   ", "insertion zzz", "L'ARTICLE", "l’article", "variante 4", "v0000"]


@dataclasses.dataclass(frozen=True)
class Plain:
    """A clause's fields, folded, as the plain search reads them."""

    id: str
    category: str
    text: str
    title: str
    tags: str

    @classmethod
    def of(cls, clause: Clause) -> Plain:
        meta = clause.meta
        return cls(
            id=meta.id, category=meta.category,
            text=fold(" ".join([meta.id, meta.title, meta.category, meta.summary, meta.note,
                                " ".join(meta.keywords), clause.text,
                                " ".join(r.label() for r in meta.references)])),
            title=fold(f"{meta.id} {meta.title}"),
            tags=fold(" ".join([meta.summary, *meta.keywords, meta.category])))


def plain_search(clauses: Sequence[Plain], query: str) -> list[str]:
    """Every clause's whole text scanned for every word; the ones holding them all sorted by
    rank (every word in the id and title; every word in the id, title or tags; the rest),
    then by how many of the words the id and title hold, then by category and id."""
    words = fold(query).split()
    ranked = []
    for clause in clauses:
        if not all(word in clause.text for word in words):
            continue
        in_title = sum(word in clause.title for word in words)
        if in_title == len(words):
            level = 0
        elif all(word in clause.title or word in clause.tags for word in words):
            level = 1
        else:
            level = 2
        ranked.append((level, -in_title, clause.category, clause.id))
    return [clause_id for *_, clause_id in sorted(ranked)]


def variants(library: Library, size: int) -> list[Clause]:
    """`size` clauses made as bench/make_library.py makes them: the shipped clauses in the order
    of their folders, then again and again under `<id>-v00042`, « … – variante 42 »."""
    sources = sorted(library.clauses.values(), key=lambda c: c.folder.name)
    out = []
    for number in range(size):
        source = sources[number % len(sources)]
        variant = number // len(sources)
        if variant == 0:
            out.append(source)
            continue
        clause_id = f"{source.meta.id}-v{variant:05d}"
        meta = source.meta.model_copy(
            update={"id": clause_id, "title": f"{source.meta.title} – variante {variant}"})
        out.append(dataclasses.replace(source, meta=meta))
    return out


@pytest.fixture(scope="module", params=["shipped", "synthetic"])
def both(request: pytest.FixtureRequest, library: Library
         ) -> tuple[SearchIndex, list[Plain], list[str]]:
    """The index and the plain fields of the shipped library, then of 400 synthetic clauses;
    and the words of their texts, for the drawn queries."""
    clauses = (list(library.clauses.values()) if request.param == "shipped"
               else variants(library, 400))
    plain = [Plain.of(c) for c in clauses]
    words = sorted({word for c in plain for word in c.text.split()})
    return SearchIndex(ClauseEntry.of(c) for c in clauses), plain, words


def test_the_synthetic_library_repeats_words_across_hundreds_of_clauses(
    both: tuple[SearchIndex, list[Plain], list[str]]
) -> None:
    """What the comparison below needs to mean something: words held by one clause and by
    most, several clauses per category, keystrokes finding one clause and almost all."""
    index, plain, _words = both
    sizes = [len(index.search(k)) for k in KEYSTROKES]
    assert min(sizes) == 0 or min(sizes) < len(plain) // 10
    assert max(sizes) > len(plain) * 9 // 10


@pytest.mark.parametrize("query", KEYSTROKES)
def test_every_keystroke_of_the_bench_gives_the_plain_search(
    both: tuple[SearchIndex, list[Plain], list[str]], query: str
) -> None:
    index, plain, _words = both
    assert index.search(query) == plain_search(plain, query)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(data=st.data())
def test_drawn_queries_give_the_plain_search(
    both: tuple[SearchIndex, list[Plain], list[str]], data: st.DataObject
) -> None:
    """Queries of one to four words: pieces of the library's words (some in capitals, some
    typed twice), or anything typed (accents, apostrophes, digits, signs)."""
    index, plain, words = both
    typed = st.text(alphabet="aeéèêiïouùylnrstcçdpmvqAEÉ'’-«».%€°0123456789 \t", max_size=12)

    @st.composite
    def piece(draw: st.DrawFn) -> str:
        word = draw(st.sampled_from(words))
        start = draw(st.integers(0, len(word) - 1))
        end = draw(st.integers(start + 1, len(word)))
        return draw(st.sampled_from([str.lower, str.upper, str.title]))(word[start:end])

    query_words = data.draw(st.lists(st.one_of(piece(), typed), min_size=1, max_size=4))
    if len(query_words) > 1 and data.draw(st.booleans()):
        query_words.append(query_words[0])
    query = " ".join(query_words)
    assert index.search(query) == plain_search(plain, query)


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(data=st.data())
def test_a_run_of_suffixes_holds_the_union_of_their_words(
    both: tuple[SearchIndex, list[Plain], list[str]], data: st.DataObject
) -> None:
    """The unions kept for blocks of suffixes (and blocks of blocks) give, for any run of
    suffixes, the union of the masks of the words of each suffix, in each field."""
    words = both[0]._words
    count = len(words._owners)
    assert count > 3 * _BLOCK * _BLOCK or len(both[1]) < 100  # the 400 clauses: both levels
    low = data.draw(st.integers(0, count))
    high = data.draw(st.one_of(st.integers(low, count), st.integers(low, min(count, low + 200))))
    for field, masks in enumerate(words.masks):
        every = 0
        for suffix in range(low, high):
            every |= masks[words._owners[suffix]]
        assert words.holding(field, (low, high)) == every


@pytest.fixture(scope="module")
def letters() -> _Words:
    """20 000 clauses of one word each, a letter of its own."""
    return _Words([[chr(0x4E00 + i) for i in range(20_000)]], 20_000)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(low=st.integers(0, 20_000), length=st.one_of(st.integers(0, 300), st.integers(0, 20_000)))
def test_every_suffix_of_a_run_counts(letters: _Words, low: int, length: int) -> None:
    """Each suffix is one clause, so a run's mask is exactly its clauses: one suffix left out
    of a block's union (or counted twice at a block's edge) shows."""
    size = 20_000
    high = min(size, low + length)
    assert letters.holding(0, (low, high)) == ((1 << (high - low)) - 1) << (size - high)
    assert letters.run(chr(0x4E00 + low)) == ((low, low + 1) if low < size else (size, size))


def test_an_empty_index_finds_nothing() -> None:
    index = SearchIndex([])
    assert len(index) == 0
    assert index.search("") == []
    assert index.search("insertion") == []
