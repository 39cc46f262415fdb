"""The clause browser at 10 000 clauses: typing stays responsive and the results follow.

The library is the synthetic one of `bench/make_library.py` (each shipped clause copied under
`<id>-v00042` with « – variante 42 » in its title), built in memory as the app holds a cached
library: an index of 10 000 entries, each clause read when first opened. Checking 10 000
clause folders on disk takes minutes on a cold cache; `bench/bench_library.py` measures that
and the warm load. Nothing here is timed: the test checks behaviour (a keystroke never
rebuilds the list in its own handler, the event loop keeps running, the list then shows the
search's results).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from drafting_app.ui.clause_browser import CLAUSE_ID_ROLE, SEARCH_AT_ONCE, ClauseBrowser
from drafting_app.ui.core import Core, load_core
from drafting_app.wording.index import ClauseEntry, LazyClauses, fold
from drafting_app.wording.library import Clause, Library
from drafting_app.wording.render import Renderer
from drafting_app.wording.search import search_ids
from tests.conftest import LIBRARY

SIZE = 10_000


def synthetic(base: Library, size: int) -> Library:
    """`size` clauses made of the shipped ones, as bench/make_library.py writes them."""
    sources = sorted(base.index.values(), key=lambda e: e.id)
    entries: dict[str, ClauseEntry] = {}
    origin: dict[str, ClauseEntry] = {}
    for number in range(size):
        source = sources[number % len(sources)]
        variant = number // len(sources)
        if variant == 0:
            entry = source
        else:
            clause_id = f"{source.id}-v{variant:05d}"
            title = f"{source.title} – variante {variant}"
            entry = dataclasses.replace(
                source, id=clause_id, title=title, title_key=fold(f"{clause_id} {title}"),
                haystack=fold(f"{clause_id} {title} ") + source.haystack)
        entries[entry.id] = entry
        origin[entry.id] = source

    def load(entry: ClauseEntry) -> Clause:
        clause = base.clauses[origin[entry.id].id]
        meta = clause.meta.model_copy(update={"id": entry.id, "title": entry.title})
        return dataclasses.replace(clause, meta=meta)

    return Library(base.root, LazyClauses(entries, load), base.documents, base.samples,
                   base.references)


@pytest.fixture(scope="module")
def big_core(tmp_path_factory: pytest.TempPathFactory) -> Core:
    core = load_core(LIBRARY, cache_dir=tmp_path_factory.mktemp("cache"))
    library = synthetic(core.library, SIZE)
    return dataclasses.replace(core, library=library,
                               renderer=Renderer(library, core.renderer.env))


def listed(browser: ClauseBrowser) -> list[str]:
    return [str(browser.list.item(row).data(CLAUSE_ID_ROLE)) for row in range(browser.list.count())
            if browser.list.item(row).data(CLAUSE_ID_ROLE) is not None]


def test_typing_stays_responsive_and_results_follow(qtbot: QtBot, big_core: Core) -> None:
    assert len(big_core.library.index) == SIZE > SEARCH_AT_ONCE
    browser = ClauseBrowser(big_core, lambda text: text)
    qtbot.addWidget(browser)
    assert len(listed(browser)) == SIZE
    assert browser.count.text() == f"{SIZE} clause(s)"
    loop_turns: list[int] = []
    for count, character in enumerate("Equitable", start=1):
        before = browser.list.count()
        qtbot.keyClick(browser.search, character)
        # the keystroke is in the field at once, and its handler did not rebuild the list
        assert browser.search.text() == "Equitable"[:count]
        assert browser.list.count() == before
        # the event loop keeps turning between keystrokes (paint, input, timers)
        QTimer.singleShot(0, lambda count=count: loop_turns.append(count))
        qtbot.waitUntil(lambda count=count: count in loop_turns, timeout=5000)
    expected = search_ids(big_core.library, "équitable")  # accents and case do not count
    assert 0 < len(expected) < SIZE
    qtbot.waitUntil(lambda: listed(browser) == expected, timeout=20_000)
    assert browser.count.text() == f"{len(expected)} clause(s)"
    # the first result is opened: its clause is read then, from the lazy library
    assert browser.clause is not None and browser.clause.id == expected[0]
    assert "équitable" in browser.card.toPlainText().casefold()


def test_filters_work_on_the_index_at_scale(qtbot: QtBot, big_core: Core, tmp_path: Path) -> None:
    browser = ClauseBrowser(big_core, lambda text: text)
    qtbot.addWidget(browser)
    browser.category.setCurrentIndex(browser.category.findData("commerce-equitable"))
    shown = listed(browser)
    index = big_core.library.index
    assert shown and {index[c].category for c in shown} == {"commerce-equitable"}
    assert len(shown) == sum(e.category == "commerce-equitable" for e in index.values())
    # listing and filtering read no clause but the one shown on the card
    loaded = big_core.library.clauses._loaded  # type: ignore[attr-defined]
    assert len(loaded) < 10
