"""The library cache is never trusted over the files: edits are seen, a bad cache is rebuilt."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from drafting_app.files.problems import Problem
from drafting_app.wording.cache import LibraryCache
from drafting_app.wording.library import Library, load_library
from drafting_app.wording.render import Formats, Renderer, make_environment
from drafting_app.wording.samples import load_samples, render_sample
from tests.conftest import LIBRARY

CLAUSE = "lot-reserve-siae"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A writable copy of the shipped library, its files dated in the past (not "racy")."""
    target = tmp_path / "bibliotheque"
    shutil.copytree(LIBRARY, target, ignore=shutil.ignore_patterns("__pycache__"))
    past = 1_700_000_000
    for path in target.rglob("*"):
        os.utime(path, (past, past))
    return target


def load(root: Path, cache_dir: Path) -> tuple[Library, list[Problem]]:
    return load_library(root, make_environment(Formats()), LibraryCache(cache_dir, root))


def messages(problems: list[Problem]) -> list[str]:
    return [str(p) for p in problems]


def test_cached_load_is_the_full_load(root: Path, tmp_path: Path) -> None:
    full, full_problems = load_library(root, make_environment(Formats()))
    for _ in range(2):  # the first load writes the cache, the second reads it
        cached, problems = load(root, tmp_path / "cache")
        assert messages(problems) == messages(full_problems) == []
        assert list(cached.clauses) == list(full.clauses)
        assert dict(cached.index) == dict(full.index)
        for clause_id, clause in full.clauses.items():
            assert cached.clauses[clause_id] == clause
        assert cached.documents == full.documents
    assert (tmp_path / "cache").is_dir()


def test_an_edited_clause_file_is_seen_at_the_next_load(root: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load(root, cache)
    wording = root / "clauses" / CLAUSE / "text.fr.md"
    text = wording.read_text(encoding="utf-8")
    wording.write_text(text.replace("50 % au moins", "60 % au moins"), encoding="utf-8")
    library, problems = load(root, cache)
    assert problems == []
    assert "60 % au moins" in library.clauses[CLAUSE].text
    env = make_environment(Formats())
    samples, _ = load_samples(library)
    rendered = render_sample(Renderer(library, env), library.clauses[CLAUSE], samples)
    assert "60\u00a0% au moins" in rendered
    # an edit that keeps the size, made in the same second, is seen too
    meta = root / "clauses" / CLAUSE / "clause.toml"
    before = meta.read_text(encoding="utf-8")
    after = before.replace("title = \"Lot", "title = \"LOT", 1)
    assert after != before and len(after) == len(before)
    meta.write_text(after, encoding="utf-8")
    library, _ = load(root, cache)
    assert library.clauses[CLAUSE].meta.title.startswith("LOT")
    assert library.index[CLAUSE].title.startswith("LOT")


def test_a_new_problem_and_a_removed_clause_are_seen(root: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load(root, cache)
    meta = root / "clauses" / CLAUSE / "clause.toml"
    meta.write_text(meta.read_text(encoding="utf-8").replace(
        'category = "', 'couleur = "vert"\ncategory = "', 1), encoding="utf-8")
    library, problems = load(root, cache)
    assert any("couleur" in p.message for p in problems)
    assert CLAUSE not in library.clauses
    _, again = load(root, cache)  # the problem is remembered, not forgotten
    assert messages(again) == messages(problems)
    shutil.rmtree(root / "clauses" / CLAUSE)
    library, problems = load(root, cache)
    assert CLAUSE not in library.clauses and CLAUSE not in library.index
    assert not any("couleur" in p.message for p in problems)


@pytest.mark.parametrize("damage", [b"", b"not a database at all" * 50, None])
def test_a_corrupt_cache_is_rebuilt_silently(
    root: Path, tmp_path: Path, damage: bytes | None
) -> None:
    cache_dir = tmp_path / "cache"
    first, _ = load(root, cache_dir)
    (path,) = cache_dir.glob("*.sqlite")
    if damage is None:  # a cache whose rows were tampered with: truncated in the middle
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    else:
        path.write_bytes(damage)
    library, problems = load(root, cache_dir)
    assert problems == []
    assert list(library.clauses) == list(first.clauses)
    assert library.clauses[CLAUSE] == first.clauses[CLAUSE]
    _, problems = load(root, cache_dir)  # and the rebuilt cache serves the next load
    assert problems == []


def test_a_cache_of_another_code_version_is_not_read(root: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    env = make_environment(Formats())
    load_library(root, env, LibraryCache(cache_dir, root, version="old"))
    wording = root / "clauses" / CLAUSE / "text.fr.md"
    wording.write_text("Texte **non fermé.\n", encoding="utf-8")
    os.utime(wording, (1_700_000_000, 1_700_000_000))  # same time: only the version differs
    _, problems = load_library(root, env, LibraryCache(cache_dir, root, version="new"))
    assert any("gras" in p.message for p in problems)


def test_an_unwritable_cache_folder_leaves_the_library_working(
    root: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    library, problems = load(root, blocker / "cache")
    assert problems == []
    assert CLAUSE in library.clauses


def test_cache_files_of_libraries_unused_for_a_month_are_deleted(
    root: Path, tmp_path: Path
) -> None:
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    old = cache_dir / "bibliotheque-0000000000000000.sqlite"
    recent = cache_dir / "bibliotheque-1111111111111111.sqlite"
    for path in (old, recent):
        path.write_bytes(b"x")
    os.utime(old, (1_600_000_000, 1_600_000_000))
    load(root, cache_dir)
    assert not old.exists()
    assert recent.exists()
    assert len(list(cache_dir.glob("*.sqlite"))) == 2  # the recent one and this library's
