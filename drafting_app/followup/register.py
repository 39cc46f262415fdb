"""The register: a folder of dossiers, indexed in SQLite so that thousands open at once.

The JSON files are the truth. The index (stdlib `sqlite3`) keeps, per file, its size and
modification time and the record derived from it; opening the register re-reads only the files
that changed, and forgets the files that are gone. An index written by another version, over
another library or another folder, or that cannot be read, is rebuilt from the files.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from drafting_app.dossier.storage import (
    DossierError,
    read_dossier_text,
    read_json,
    validate_dossier,
)
from drafting_app.followup.considerations import Context
from drafting_app.followup.records import (
    ContractRecord,
    record_from_data,
    record_of,
    record_to_data,
)

#: raised whenever the record's form or its derivation changes: older indexes are rebuilt
INDEX_FORMAT = "1"

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Unreadable:
    """A file of the register that cannot be read, with its French problems."""

    path: str
    problems: tuple[str, ...]


@dataclass(frozen=True)
class Duplicate:
    """A reference that several dossiers of the register carry."""

    reference: str
    paths: tuple[str, ...]


@dataclass(frozen=True)
class Register:
    """The dossiers of a folder, as records; what could not be read, and duplicates."""

    folder: Path
    records: tuple[ContractRecord, ...]
    unreadable: tuple[Unreadable, ...]
    duplicates: tuple[Duplicate, ...]
    reread: int  # files parsed this time (the others came from the index)
    index_note: str = ""  # why the index was rebuilt or could not be used, in French

    def by_path(self, path: str) -> ContractRecord | None:
        """The record of a file (path relative to the folder, / separators)."""
        return next((r for r in self.records if r.path == path), None)


def dossier_files(folder: Path) -> Iterator[Path]:
    """JSON files under `folder`, recursively; hidden folders (.git…) are skipped."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.endswith(".json") and not name.startswith("."):
                yield Path(root) / name


def _read(path: Path, relative: str, context: Context) -> tuple[str, str | None, str]:
    """(status, reference, data) of one file: ok with its record, error, or other JSON."""
    try:  # a regular file of bounded size (a FIFO or /dev/zero among the dossiers: refused)
        text = read_dossier_text(path)
    except DossierError as exc:
        return "error", None, json.dumps(exc.problems, ensure_ascii=False)
    try:  # line and column of a syntax error; huge integers, deep nesting: never a traceback
        raw = read_json(text, path)
    except DossierError as exc:
        return "error", None, json.dumps(exc.problems, ensure_ascii=False)
    if not (isinstance(raw, dict) and "schema_version" in raw):
        return "other", None, ""  # another kind of JSON file (a settings file…)
    try:
        dossier = validate_dossier(raw, path)
    except DossierError as exc:
        return "error", None, json.dumps(exc.problems, ensure_ascii=False)
    record = record_of(dossier, relative, context)
    return "ok", record.reference, json.dumps(record_to_data(record), ensure_ascii=False)


_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, mtime_ns INTEGER NOT NULL, "
    "size INTEGER NOT NULL, status TEXT NOT NULL, reference TEXT, data TEXT NOT NULL)",
)


def _connect(index_path: Path | None) -> tuple[sqlite3.Connection, str]:
    """The index database, or an in-memory one (with why) when the file is unusable."""
    if index_path is None:
        return sqlite3.connect(":memory:"), ""
    try:
        index_path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(index_path, timeout=5)
        for statement in _SCHEMA:
            connection.execute(statement)
        connection.execute("SELECT count(*) FROM files").fetchone()
        return connection, ""
    except (OSError, sqlite3.Error):
        with contextlib.suppress(OSError):
            index_path.unlink()  # a damaged index: start again from the files
        try:
            connection = sqlite3.connect(index_path, timeout=5)
            for statement in _SCHEMA:
                connection.execute(statement)
            return connection, "index illisible : reconstruit à partir des fichiers"
        except (OSError, sqlite3.Error) as exc:
            return sqlite3.connect(":memory:"), (
                f"index impossible à écrire dans {index_path} ({exc}) : les dossiers sont relus "
                "à chaque ouverture")


def open_register(folder: Path, context: Context, index_path: Path | None = None,
                  progress: Progress | None = None) -> Register:
    """Read the register in `folder`, re-reading only the files changed since the index."""
    folder = folder.resolve()
    connection, note = _connect(index_path)
    for statement in _SCHEMA:
        connection.execute(statement)
    try:
        return _open(folder, context, connection, note, progress)
    finally:
        connection.close()


def _open(folder: Path, context: Context, db: sqlite3.Connection, note: str,
          progress: Progress | None) -> Register:
    wanted = {"format": INDEX_FORMAT, "fingerprint": context.fingerprint, "folder": str(folder)}
    stored = dict(db.execute("SELECT key, value FROM meta").fetchall())
    if stored and stored != wanted:
        note = note or "index reconstruit (bibliothèque, version ou dossier différents)"
    if stored != wanted:
        db.execute("DELETE FROM files")
        db.execute("DELETE FROM meta")
        db.executemany("INSERT INTO meta VALUES (?, ?)", sorted(wanted.items()))
    known = {path: (mtime, size) for path, mtime, size in
             db.execute("SELECT path, mtime_ns, size FROM files")}
    paths = list(dossier_files(folder))
    total = len(paths)
    seen: set[str] = set()
    reread = 0
    for number, path in enumerate(paths, 1):
        relative = path.relative_to(folder).as_posix()
        seen.add(relative)
        try:
            stat = path.stat()
        except OSError:
            continue
        if known.get(relative) == (stat.st_mtime_ns, stat.st_size):
            continue
        status, reference, data = _read(path, relative, context)
        reread += 1
        db.execute("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?)",
                   (relative, stat.st_mtime_ns, stat.st_size, status, reference, data))
        if progress is not None and (reread % 25 == 0 or number == total):
            progress(number, total, relative)
    gone = set(known) - seen
    db.executemany("DELETE FROM files WHERE path = ?", [(p,) for p in sorted(gone)])
    with contextlib.suppress(sqlite3.Error):
        db.commit()  # a read-only index still gives the figures of this opening
    records: list[ContractRecord] = []
    unreadable: list[Unreadable] = []
    by_reference: dict[str, list[str]] = {}
    for path, status, reference, data in db.execute(
            "SELECT path, status, reference, data FROM files ORDER BY path"):
        if status == "ok":
            records.append(record_from_data(json.loads(data)))
            by_reference.setdefault(reference, []).append(path)
        elif status == "error":
            unreadable.append(Unreadable(path, tuple(json.loads(data))))
    duplicates = tuple(Duplicate(ref, tuple(paths)) for ref, paths in sorted(by_reference.items())
                       if len(paths) > 1)
    if progress is not None:
        progress(total, total, "")
    return Register(folder, tuple(records), tuple(unreadable), duplicates, reread, note)


def default_index_path(cache_dir: Path, folder: Path) -> Path:
    """Where the index of a register lives in the user's cache (one file per folder)."""
    import hashlib

    key = hashlib.sha256(str(folder.resolve()).encode("utf-8")).hexdigest()[:20]
    return cache_dir / "registres" / f"{key}.sqlite"
