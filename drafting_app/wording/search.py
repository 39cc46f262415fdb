"""Accent- and case-insensitive search over the clause library, through an index.

A clause matches when its folded text (id, title, category, summary, note, keywords,
wording, references) holds every word of the query, anywhere in a word (`quitab` finds
« équitable »). The index keeps that text folded once per clause, and a token index (each
whitespace-separated word of the folded texts -> the clauses holding it): a query word of
three letters or more is looked up among the distinct words, not in every clause.

Results are ranked by field: clauses whose id and title hold every word first, then those
whose id, title, summary, keywords or category do, then the others; within a rank, those
whose id and title hold more of the words, then by category and id.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from drafting_app.wording.index import ClauseEntry, fold
from drafting_app.wording.library import Clause, Library

__all__ = ["SearchIndex", "clause_haystack", "fold", "search_clauses", "search_ids"]

# below this many clauses, reading their texts is quicker than a look-up in the index
_FEW = 500


def clause_haystack(clause: Clause) -> str:
    """Everything a search looks into for a clause, folded, each distinct word once."""
    return ClauseEntry.of(clause).haystack


class _Field:
    """One field of every clause (its text, its id and title, its tags), folded, with the
    token index that answers « which clauses hold this piece of word »."""

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        postings: dict[str, list[int]] = {}
        characters: dict[str, list[int]] = {}
        for ordinal, text in enumerate(texts):
            for token in dict.fromkeys(text.split()):
                found = postings.get(token)
                if found is None:
                    postings[token] = [ordinal]
                else:
                    found.append(ordinal)
            for character in set(text):  # a one-letter query is answered from these
                found = characters.get(character)
                if found is None:
                    characters[character] = [ordinal]
                else:
                    found.append(ordinal)
        self._postings = postings
        self._characters = {c: frozenset(found) for c, found in characters.items()}
        # every distinct word on its own line: a query word is found by scanning this once
        self._vocabulary = "\n".join(postings)
        self._words: dict[str, frozenset[int]] = {}
        # past 30 postings a clause, scanning the texts is quicker (a very common piece of
        # word is found near the start of almost every text)
        self._budget = 30 * max(len(texts), 1)
        self._all = frozenset(range(len(texts)))

    def holding(self, word: str) -> frozenset[int]:
        """The ordinals of the clauses whose field holds `word` (kept for the next keystroke)."""
        if len(word) == 1:
            return self._characters.get(word, frozenset())
        known = self._words.get(word)
        if known is None:
            known = self._looked_up(word)
            if known is None:  # too common for the token index: look in the texts holding
                # each of its letters
                texts = self.texts
                holding = frozenset.intersection(*(self.holding(c) for c in set(word)))
                known = frozenset(i for i in holding if word in texts[i])
            if len(self._words) > 512:
                self._words.clear()
            self._words[word] = known
        return known

    def clear(self) -> None:
        """Forget the words looked up so far."""
        self._words.clear()

    def _looked_up(self, word: str) -> frozenset[int] | None:
        """`holding` through the token index; None when the word is too common for it."""
        postings = self._postings
        vocabulary = self._vocabulary
        union: set[int] = set()
        everything = len(self.texts)
        total = 0
        position = vocabulary.find(word)
        while position >= 0:
            start = vocabulary.rfind("\n", 0, position) + 1
            end = vocabulary.find("\n", position)
            if end < 0:
                end = len(vocabulary)
            found = postings[vocabulary[start:end]]
            union.update(found)
            if len(union) == everything:  # a common word: every clause holds it
                return self._all
            if 10 * len(union) > 9 * everything:
                # a very common word: the few clauses not found yet (a tenth at most) are
                # looked at directly rather than through the rest of its words' postings
                texts = self.texts
                union.update(i for i in range(everything)
                             if i not in union and word in texts[i])
                return frozenset(union)
            total += len(found)
            if total > self._budget:
                return None
            position = vocabulary.find(word, end)
        return frozenset(union)


class SearchIndex:
    """The clauses' folded fields and their token indexes, built once for a library."""

    def __init__(self, entries: Iterable[ClauseEntry]) -> None:
        # ordinals follow the final tie-break order: category, then id
        ordered = sorted(entries, key=lambda e: (e.category, e.id))
        self.ids = [e.id for e in ordered]
        self._text = _Field([e.haystack for e in ordered])
        self._titles = [e.title_key for e in ordered]
        self._tags = _Field([e.tags_key for e in ordered])

    def __len__(self) -> int:
        return len(self.ids)

    def forget(self) -> None:
        """Forget the words looked up so far (the benchmark times every keystroke afresh)."""
        self._text.clear()
        self._tags.clear()

    def search(self, query: str) -> list[str]:
        """The ids of the clauses holding every word of `query`, best first."""
        words = fold(query).split()
        if not words:
            return list(self.ids)
        # the longest word first: usually the rarest, so the others filter fewer clauses
        ordered_words = sorted(set(words), key=len, reverse=True)
        found = self._text.holding(ordered_words[0])
        texts = self._text.texts
        for word in ordered_words[1:]:
            if not found:
                return []
            if len(found) < _FEW:
                found = frozenset(i for i in found if word in texts[i])
            else:
                found = found & self._text.holding(word)
        candidates = sorted(found)
        titles = self._titles  # short: scanned; the tags are looked up in their index
        if len(words) == 1:
            word = words[0]
            in_tags = self._tags.holding(word)
            in_title = [i for i in candidates if word in titles[i]]
            titled = set(in_title)
            rest = [i for i in candidates if i not in titled]
            ranked = in_title + [i for i in rest if i in in_tags] + [
                i for i in rest if i not in in_tags]
        else:
            distinct = set(words)
            in_titles = {w: {i for i in candidates if w in titles[i]} for w in distinct}
            if len(candidates) < _FEW:  # few clauses: their tags are read, not looked up
                tag_texts = self._tags.texts
                in_fields = {w: in_titles[w] | {i for i in candidates if w in tag_texts[i]}
                             for w in distinct}
            else:
                in_fields = {w: in_titles[w] | (self._tags.holding(w) & found)
                             for w in distinct}
            level1 = set.intersection(*in_fields.values())
            counts: Counter[int] = Counter()
            for word in words:  # a word typed twice counts twice, as it always did
                counts.update(in_titles[word])
            everything = len(words)
            get = counts.get
            buckets: dict[tuple[int, int], list[int]] = {}
            for i in candidates:  # in order: category, then id
                count = get(i, 0)
                level = 0 if count == everything else 1 if i in level1 else 2
                buckets.setdefault((level, -count), []).append(i)
            ranked = [i for key in sorted(buckets) for i in buckets[key]]
        ids = self.ids
        return [ids[i] for i in ranked]


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
