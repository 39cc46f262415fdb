"""Atomic writes: a temporary file beside the target, flushed, then renamed over it.

The temporary file gets the mode of the file it replaces, so that a shared file stays shared;
a new file gets the mode any program would give it in that folder (umask, default ACL, the
folder's set-group-id bit), because it is created the ordinary way rather than private.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import time
from pathlib import Path

#: how a temporary file of an atomic save is named: `.<name>.<random>.tmp`, beside the target
TEMP_SUFFIX = ".tmp"
#: a temporary file older than this was left by a program that stopped mid-save
ORPHAN_AGE_SECONDS = 5 * 60.0
#: the temporary names this module (and earlier versions, through `tempfile`) gives
_TEMPORARY = re.compile(r"^\..+\.[a-z0-9_]{8}" + re.escape(TEMP_SUFFIX) + "$")


def temporary_name(path: Path) -> Path:
    """A fresh temporary name beside `path` (hidden, recognisable by `clean_orphans`)."""
    return path.with_name(f".{path.name}.{os.urandom(4).hex()}{TEMP_SUFFIX}")


def _create_beside(path: Path) -> tuple[int, Path]:
    """Open a new temporary file beside `path` for writing, with the mode a save keeps."""
    try:
        existing: os.stat_result | None = os.stat(path)
    except OSError:
        existing = None
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        existing = None
    while True:
        temporary = temporary_name(path)
        try:
            # 0o666: the umask and any default ACL apply, as for a file any editor creates
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL
                         | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0), 0o666)
        except FileExistsError:
            continue
        break
    if existing is not None:
        try:
            with contextlib.suppress(OSError, AttributeError):
                if os.fstat(fd).st_gid != existing.st_gid:
                    os.fchown(fd, -1, existing.st_gid)  # keep the group when allowed
            _chmod(fd, temporary, stat.S_IMODE(existing.st_mode))
        except BaseException:
            os.close(fd)
            temporary.unlink(missing_ok=True)
            raise
    return fd, temporary


def _chmod(fd: int, path: Path, mode: int) -> None:
    if hasattr(os, "fchmod"):
        with contextlib.suppress(OSError):
            os.fchmod(fd, mode)
            return
    with contextlib.suppress(OSError):
        os.chmod(path, mode)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, flush it to disk, then rename it over `path`.

    A crash at any moment leaves either the previous file or the new one, never a mix; the
    file keeps its permissions (a colleague who could read it still can).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = _create_beside(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    sync_folder(path.parent)


def sync_folder(folder: Path) -> None:
    """Flush a folder's entries (a rename) to disk where the system allows it."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def clean_orphans(folder: Path, max_age: float = ORPHAN_AGE_SECONDS,
                  now: float | None = None, recursive: bool = True) -> list[Path]:
    """Delete the temporary files that interrupted saves left in `folder`; return them.

    Only hidden `.<name>.<8 random characters>.tmp` files (and folders: a document set
    being written) older than `max_age` seconds are removed: a save in progress, by this or
    another program, is never touched. Symbolic links are not followed; unreadable folders
    are skipped.
    """
    moment = time.time() if now is None else now
    removed: list[Path] = []
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            entries = list(os.scandir(current))
        except OSError:
            continue
        for entry in entries:
            try:
                temporary = bool(_TEMPORARY.match(entry.name))
                folder_entry = entry.is_dir(follow_symlinks=False)
                if folder_entry and not temporary:
                    if recursive:
                        pending.append(Path(entry.path))
                    continue
                if not temporary or not (folder_entry or entry.is_file(follow_symlinks=False)):
                    continue
                if moment - entry.stat(follow_symlinks=False).st_mtime < max_age:
                    continue
                if folder_entry:  # a document set interrupted while being written
                    shutil.rmtree(entry.path)
                else:
                    os.unlink(entry.path)
            except OSError:
                continue
            removed.append(Path(entry.path))
    return sorted(removed)
