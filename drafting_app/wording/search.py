"""Accent- and case-insensitive search over the clause library, through an index of bit masks.

A clause matches when its folded text (id, title, category, summary, note, keywords,
wording, references) holds every word of the query, anywhere in a word (`quitab` finds
« équitable »). Results are ranked by field: clauses whose id and title hold every word
first, then those whose id, title, summary, keywords or category do, then the others; within
a rank, those whose id and title hold more of the words, then by category and id.

The index keeps each set of clauses as a Python int whose bits are the clauses (a mask: the
union or the intersection of two sets of 10 000 clauses takes a microsecond). For each
distinct word of the library it has three masks, one per field (the whole text, the id and
title, the tags: summary, keywords, category). Every suffix of every distinct word is sorted,
so that the words holding a query word are those of one run of suffixes, found by bisection;
the masks of each block of 64 suffixes, and of each block of 64 blocks, are joined beforehand,
so that a run costs a few dozen unions whatever its length. Each rank of the result is a
mask; the ids come out of a mask in one pass (its binary digits select them). Nothing is
kept from one query to the next.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from functools import reduce
from itertools import accumulate, chain, compress, repeat
from operator import or_

from drafting_app.wording.index import ClauseEntry, fold
from drafting_app.wording.library import Clause, Library

__all__ = ["SearchIndex", "clause_haystack", "fold", "search_clauses", "search_ids"]

#: suffixes whose masks are joined beforehand, in a row (and blocks of such blocks)
_BLOCK = 64
#: a word held by more clauses than this gets its mask from a row of digits, not bit by bit
_DENSE = 48
#: binary digits "0"/"1" -> bytes 0/1, the selectors of `itertools.compress`
_DIGITS = bytes.maketrans(b"01", b"\x00\x01")
#: the fields, in the order of `_Words.masks`
_TEXT, _TITLE, _TAGS = 0, 1, 2


def clause_haystack(clause: Clause) -> str:
    """Everything a search looks into for a clause, folded, each distinct word once."""
    return ClauseEntry.of(clause).haystack


def _postings(texts: list[str]) -> dict[str, list[int]]:
    """Each distinct word of `texts` -> the numbers of the texts holding it, in order."""
    postings: dict[str, list[int]] = {}
    for ordinal, text in enumerate(texts):
        for token in text.split():  # a word twice in a text only sets its bit twice
            found = postings.get(token)
            if found is None:
                postings[token] = [ordinal]
            else:
                found.append(ordinal)
    return postings


def _mask(ordinals: list[int], size: int) -> int:
    """The mask of these texts: text number `i` (of `size`) is the bit `size - 1 - i`, so that
    a mask's binary digits, written with `size` digits, list its texts in order."""
    if len(ordinals) > _DENSE:  # a common word: its binary digits, written at once
        digits = bytearray(b"0") * size
        for ordinal in ordinals:
            digits[ordinal] = 49  # "1"
        return int(digits, 2)
    top = size - 1
    mask = 0
    for ordinal in ordinals:
        mask |= 1 << (top - ordinal)
    return mask


class _Words:
    """The distinct words of every field, the masks of the clauses holding each in each
    field, and every suffix of every word, sorted."""

    def __init__(self, fields: list[list[str]], size: int) -> None:
        postings = [_postings(texts) for texts in fields]
        # the text holds the other fields: its words are (nearly) all the words
        tokens = list(dict.fromkeys(word for found in postings for word in found))
        # each word's list of clauses is dropped as soon as its mask is made
        masks = [[_mask(found.pop(token), size) if token in found else 0 for token in tokens]
                 for found in postings]
        # the words end to end, where each ends, and whose word each character is
        self._vocabulary = "".join(tokens)
        lengths = list(map(len, tokens))
        self._ends = array("i", accumulate(lengths))
        owners = array("i", chain.from_iterable(map(repeat, range(len(tokens)), lengths)))
        # the suffixes of every word, sorted: where each starts, and whose word it is
        suffixes = [token[start:] for token in tokens for start in range(len(token))]
        order = sorted(range(len(suffixes)), key=suffixes.__getitem__)
        del suffixes
        self._starts = array("i", order)
        self._owners = owners = array("i", map(owners.__getitem__, order))
        del order
        self.masks = masks
        # for each field, the union of the masks of each block of _BLOCK suffixes, and of each
        # block of _BLOCK such blocks
        self._blocks: list[tuple[list[int], list[int]]] = []
        for field in masks:
            blocks = [reduce(or_, filter(None, map(field.__getitem__, owners[at:at + _BLOCK])), 0)
                      for at in range(0, len(owners), _BLOCK)]
            self._blocks.append((blocks, [reduce(or_, blocks[at:at + _BLOCK], 0)
                                          for at in range(0, len(blocks), _BLOCK)]))

    def run(self, word: str) -> tuple[int, int]:
        """The suffixes starting with `word` (a word without blanks): first and past last."""
        vocabulary, starts, owners, ends = self._vocabulary, self._starts, self._owners, self._ends
        length = len(word)

        def start(suffix: int) -> str:  # the suffix, cut to the word's length
            position = starts[suffix]
            return vocabulary[position:min(position + length, ends[owners[suffix]])]

        suffixes = range(len(starts))
        low = bisect_left(suffixes, word, key=start)
        return low, bisect_right(suffixes, word, low, key=start)

    def holding(self, field: int, run: tuple[int, int]) -> int:
        """The mask of the clauses whose `field` holds a word with a suffix in `run`."""
        low, high = run
        masks, owners = self.masks[field], self._owners
        first, last = -(-low // _BLOCK), high // _BLOCK
        if first >= last:
            return reduce(or_, map(masks.__getitem__, owners[low:high]), 0)
        # the suffixes before the first whole block and after the last, then the blocks
        union = reduce(or_, map(masks.__getitem__, owners[low:first * _BLOCK]), 0) | reduce(
            or_, map(masks.__getitem__, owners[last * _BLOCK:high]), 0)
        blocks, large = self._blocks[field]
        low, high = first, last
        first, last = -(-low // _BLOCK), high // _BLOCK
        if first >= last:
            return reduce(or_, blocks[low:high], union)
        union = reduce(or_, blocks[low:first * _BLOCK], union)
        union = reduce(or_, blocks[last * _BLOCK:high], union)
        return reduce(or_, large[first:last], union)


class SearchIndex:
    """The clauses' folded fields as bit masks, built once for a library."""

    def __init__(self, entries: Iterable[ClauseEntry]) -> None:
        # ordinals follow the final tie-break order: category, then id
        ordered = sorted(entries, key=lambda e: (e.category, e.id))
        self.ids = [e.id for e in ordered]
        self._words = _Words([[e.haystack for e in ordered], [e.title_key for e in ordered],
                              [e.tags_key for e in ordered]], len(ordered))

    def __len__(self) -> int:
        return len(self.ids)

    def search(self, query: str) -> list[str]:
        """The ids of the clauses holding every word of `query`, best first."""
        words = fold(query).split()
        if not words:
            return list(self.ids)
        index = self._words
        # the longest word first: usually the rarest, and a word not found stops the search
        runs = {word: index.run(word) for word in sorted(set(words), key=len, reverse=True)}
        found = -1
        for run in runs.values():
            found &= index.holding(_TEXT, run)
            if not found:
                return []
        in_title = {word: index.holding(_TITLE, run) & found for word, run in runs.items()}
        in_titles = found  # every word in the id and title
        in_fields = found  # every word in the id, title or tags
        for word, run in runs.items():
            in_titles &= in_title[word]
            in_fields &= in_title[word] | index.holding(_TAGS, run)
        level1 = in_fields & ~in_titles
        level2 = found & ~in_fields
        ranked = [in_titles]
        if len(runs) == 1:  # below the first rank, no clause holds the word in its title
            ranked += [level1, level2]
        else:
            # the clauses by how many of the words their id and title hold (a word typed twice
            # counts twice, as it always did)
            by_count = {0: found & ~in_titles}
            for word, times in Counter(words).items():
                holding = in_title[word]
                split: dict[int, int] = {}
                for count, mask in by_count.items():
                    if mask & holding:
                        split[count + times] = split.get(count + times, 0) | (mask & holding)
                    if mask & ~holding:
                        split[count] = split.get(count, 0) | (mask & ~holding)
                by_count = split
            counts = sorted(by_count, reverse=True)
            ranked += [level & by_count[count] for level in (level1, level2) for count in counts]
        out: list[str] = []
        for mask in ranked:
            if mask:
                out += self._ids(mask)
        return out

    def _ids(self, mask: int) -> Iterator[str]:
        """The ids of the clauses of a (non-empty) mask, in order: its binary digits, from its
        first clause to its last, select them."""
        lowest = (mask & -mask).bit_length() - 1
        first = len(self.ids) - mask.bit_length()
        span = len(self.ids) - lowest - first
        selectors = format(mask >> lowest, f"0{span}b").encode().translate(_DIGITS)
        return compress(self.ids[first:first + span], selectors)


def search_index(library: Library) -> SearchIndex:
    """The library's search index, built on first use and kept with the library."""
    return library.derived("search", lambda: SearchIndex(library.index.values()))


def search_ids(library: Library, query: str) -> list[str]:
    """The ids of the clauses holding every word of `query`, best first."""
    return search_index(library).search(query)


def search_clauses(library: Library, query: str) -> list[Clause]:
    """Clauses holding every word of `query`: id and title matches first, then summary,
    keywords and category, then the text (each clause is read when returned)."""
    clauses: Mapping[str, Clause] = library.clauses
    return [clauses[clause_id] for clause_id in search_ids(library, query)]
