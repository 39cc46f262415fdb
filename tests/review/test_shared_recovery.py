"""After a crash: a lock whose process is gone is broken at once; leftovers are cleaned."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from drafting_app.review.shared import (
    SaveOutcome,
    clause_lock,
    clean_after_crash,
    lock_owner,
    lock_path,
    save_files,
)
from drafting_app.review.versions import edit_files
from tests.review_support import LATER, copy_clause, opened

pytestmark = pytest.mark.skipif(os.name != "posix", reason="process numbers are POSIX")


def dead_pid() -> int:
    """The number of a process that has ended."""
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)
    return int(child.stdout)


def write_lock(path: Path, pid: int, host: str | None = None) -> None:
    path.write_text(f"Anne\n{host or socket.gethostname()}\n{pid}\n2026-11-30T09:15:00\n",
                    encoding="utf-8")


def test_a_lock_records_its_process_and_host(tmp_path: Path) -> None:
    folder = copy_clause(tmp_path)
    with clause_lock(folder, "Anne") as locked:
        assert locked
        owner = lock_owner(lock_path(folder))
        assert owner is not None
        assert (owner.who, owner.host, owner.pid) == ("Anne", socket.gethostname(),
                                                      os.getpid())
    assert not lock_path(folder).exists()


def test_a_lock_whose_process_is_gone_is_broken_at_once(tmp_path: Path) -> None:
    folder = copy_clause(tmp_path)
    lock = lock_path(folder)
    write_lock(lock, dead_pid())  # fresh: the program was killed a second ago
    state = opened(folder)
    files = edit_files(state, "Bruno", LATER.date(), text=state.text + "\nBruno.\n")
    result = save_files(folder, state.fingerprint, files, "Bruno", LATER)
    # before, the save waited 10 s and went to a conflict copy
    assert result.outcome is SaveOutcome.SAVED and result.conflict_copy is None
    assert (folder / "text.fr.md").read_text(encoding="utf-8").endswith("Bruno.\n")
    assert not lock.exists()


@pytest.mark.parametrize("holder", ["vivant", "autre-poste"])
def test_a_live_or_remote_lock_is_respected(tmp_path: Path, holder: str) -> None:
    folder = copy_clause(tmp_path)
    lock = lock_path(folder)
    if holder == "vivant":
        write_lock(lock, os.getpid())
    else:  # a process number of another computer of the share tells nothing here
        write_lock(lock, dead_pid(), host="poste-du-service-juridique")
    state = opened(folder)
    files = edit_files(state, "Bruno", LATER.date(), text=state.text + "\nBruno.\n")
    result = save_files(folder, state.fingerprint, files, "Bruno", LATER, wait=0.2)
    assert result.outcome is SaveOutcome.CONFLICT
    assert lock.exists()


def test_leftovers_of_killed_saves_are_cleaned_at_start(tmp_path: Path) -> None:
    library = tmp_path / "organisation"
    folder = copy_clause(library)
    orphan = folder / ".text.fr.md.a1b2c3d4.tmp"
    orphan.write_bytes(b"x" * 44_000)
    old = time.time() - 3600
    os.utime(orphan, (old, old))
    in_progress = folder / ".clause.toml.e5f6a7b8.tmp"
    in_progress.write_bytes(b"x")
    dead = lock_path(folder)
    write_lock(dead, dead_pid())
    live = lock_path(folder.parent / "autre-clause")
    write_lock(live, os.getpid())
    documents = tmp_path / "documents"
    unfinished = documents / ".documents.0a1b2c3d.tmp"
    unfinished.mkdir(parents=True)
    os.utime(unfinished, (old, old))

    removed = clean_after_crash([library], [documents])

    assert sorted(removed) == sorted([orphan, dead, unfinished])
    assert in_progress.exists() and live.exists()
