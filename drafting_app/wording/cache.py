"""The on-disk cache of checked clauses and compiled templates (SQLite, one file a library).

Each clause or skeleton folder is stored with its fingerprint (size and modification time of
each of its files), the problems its check found, its index entry and, apart, the loaded
clause with its compiled template. The cache file is keyed by the library's path and a hash
of the code that checks and compiles (so a new version never reads an old cache); an entry
whose fingerprint differs from the files is checked again. A cache that cannot be read is
deleted and rebuilt: it is never trusted over the files.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sqlite3
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

#: bump when what is stored changes shape
_FORMAT = "1"

#: a cache file nobody wrote for this long (its library moved or gone) is deleted (seconds)
_UNUSED = 30 * 24 * 3600

#: the code that decides what a check finds or how a template compiles (and this file)
_CODE = (
    "wording/library.py", "wording/index.py", "wording/templates.py", "wording/markup.py",
    "wording/model.py", "wording/render.py", "wording/values.py", "wording/cache.py",
    "wording/sandbox.py", "files/*.py", "dossier/*.py",
)


def default_cache_dir() -> Path:
    """The user's cache folder for Clausier (through platformdirs)."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("clausier", appauthor=False))


def code_version() -> str:
    """A hash of the code that checks and compiles a library, and of its libraries' versions."""
    import babel
    import jinja2
    import pydantic
    import pydantic_core

    digest = hashlib.sha256(f"{_FORMAT} {sys.version}".encode())
    for module in (jinja2, pydantic, pydantic_core, babel):
        digest.update(f"{module.__name__} {getattr(module, '__version__', '')}".encode())
    package = Path(__file__).resolve().parent.parent
    for pattern in _CODE:
        for path in sorted(package.glob(pattern)):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


#: a file modified this recently (ns) may change again within the same clock tick, keeping its
#: size and time: its folder is checked again on the next load (git's "racily clean" files)
_RACY = 3_000_000_000


def fingerprint(folder: str, names: tuple[str, ...]) -> str:
    """Size and modification time (ns) of each file of a folder; `-` for a missing one.

    A folder with a file modified in the last seconds gets a fingerprint that no later load
    matches, so that an edit made in the same clock tick is never missed.
    """
    parts = []
    racy = False
    now = time.time_ns()
    for name in names:
        try:
            stat = os.stat(f"{folder}{os.sep}{name}")
        except OSError:
            parts.append("-")
        else:
            parts.append(f"{stat.st_size}:{stat.st_mtime_ns}")
            racy = racy or stat.st_mtime_ns > now - _RACY
    if racy:
        parts.append(f"racy:{now}")
    return ";".join(parts)


#: a cached folder: (fingerprint, problems or None, index entry state or None)
Row = tuple[str, Any, Any]


class LibraryCache:
    """The cache file of one library, in a cache folder; every failure is a miss."""

    def __init__(self, folder: Path, root: Path, version: str | None = None) -> None:
        self.folder = folder
        self.root = root.resolve()
        key = hashlib.sha256(str(self.root).encode()).hexdigest()[:16]
        self.path = folder / f"bibliotheque-{key}.sqlite"
        self.version = version or code_version()
        #: whether the last `read` found the snapshot (else the next load writes one)
        self.snapshot_read = False

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        connection = sqlite3.connect(self.path, timeout=5, isolation_level=None)
        try:
            yield connection
        finally:
            connection.close()

    def read(self) -> dict[tuple[str, str], Row]:
        """Every cached folder by (kind, name); empty when the cache is absent, stale or bad.

        Read from the snapshot of the whole index (one blob) when there is one, else row by
        row.
        """
        self.snapshot_read = False
        if not self.path.is_file():
            return {}
        try:
            with self._connect() as db:
                stored = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
                if stored is None or stored[0] != self.version:
                    raise sqlite3.DatabaseError("other version")
                snapshot = db.execute("SELECT value FROM meta WHERE key = 'snapshot'").fetchone()
                if snapshot is not None:
                    rows: dict[tuple[str, str], Row] = pickle.loads(snapshot[0])
                    self.snapshot_read = True
                    return rows
                rows = {}
                for kind, name, print_, problems, entry in db.execute(
                    "SELECT kind, name, fingerprint, problems, entry FROM items"
                ):
                    rows[(kind, name)] = (
                        print_,
                        None if problems is None else pickle.loads(problems),
                        None if entry is None else pickle.loads(entry),
                    )
                return rows
        except Exception:  # a corrupt, foreign or half-written file: start again
            self.discard()
            return {}

    def write_snapshot(self, rows: dict[tuple[str, str], Row]) -> None:
        """Store every folder's row as one blob, read in one go by the next `read`."""
        try:
            with self._connect() as db:
                db.execute("INSERT OR REPLACE INTO meta VALUES ('snapshot', ?)",
                           (pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL),))
        except Exception:
            with contextlib.suppress(Exception):
                self.discard()

    def write(
        self,
        changed: list[tuple[str, str, str, Any, Any, Any]],
        gone: list[tuple[str, str]],
    ) -> None:
        """Store (kind, name, fingerprint, problems, entry, loaded item) rows; drop `gone`."""
        if not changed and not gone and self.path.is_file():
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            if not self.path.exists():
                self._forget_unused()
            with self._connect() as db:
                db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
                db.execute(
                    "CREATE TABLE IF NOT EXISTS items (kind TEXT, name TEXT, fingerprint TEXT, "
                    "problems BLOB, entry BLOB, item BLOB, PRIMARY KEY (kind, name))"
                )
                db.execute("BEGIN IMMEDIATE")
                db.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (self.version,))
                db.execute("DELETE FROM meta WHERE key = 'snapshot'")  # rewritten after
                db.executemany(
                    "INSERT OR REPLACE INTO items VALUES (?, ?, ?, ?, ?, ?)",
                    [
                        (kind, name, print_, None if problems is None else pickle.dumps(problems),
                         None if entry is None else pickle.dumps(entry),
                         None if item is None else pickle.dumps(item))
                        for kind, name, print_, problems, entry, item in changed
                    ],
                )
                db.executemany("DELETE FROM items WHERE kind = ? AND name = ?", gone)
                db.execute("COMMIT")
        except Exception:  # a read-only or full disk: the library works without its cache
            with contextlib.suppress(Exception):
                self.discard()

    def item(self, kind: str, name: str, print_: str) -> Any:
        """The loaded item of a folder if its cached fingerprint is still `print_`, else None."""
        try:
            with self._connect() as db:
                found = db.execute(
                    "SELECT fingerprint, item FROM items WHERE kind = ? AND name = ?",
                    (kind, name),
                ).fetchone()
            if found is None or found[0] != print_ or found[1] is None:
                return None
            return pickle.loads(found[1])
        except Exception:
            return None

    def _forget_unused(self) -> None:
        """Delete the cache files of other libraries that nothing wrote for a month."""
        limit = time.time() - _UNUSED
        for other in self.folder.glob("bibliotheque-*.sqlite"):
            with contextlib.suppress(OSError):
                if other != self.path and other.stat().st_mtime < limit:
                    other.unlink()

    def discard(self) -> None:
        """Delete the cache file (and SQLite's side files)."""
        for suffix in ("", "-journal", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                Path(f"{self.path}{suffix}").unlink()
