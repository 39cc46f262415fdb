"""Saving into a clause folder that several people share: lock, detect conflicts, lose nothing.

A save names the fingerprint of the files its author opened. Under an exclusive lock file
(created with O_EXCL, which network shares honour), the files on disk are compared with that
fingerprint: unchanged, the new files replace them (each one atomically); changed by someone
else meanwhile, nothing on disk is touched and the author's files go to a conflict copy,
`conflits/<date>_<heure>_<auteur>/`, beside the clause. Either way both people's work is kept.

A lock file says who holds it, on which computer, with which process: a lock left by a
process of this computer that no longer runs is broken at once; any other lock only when it
is older than STALE_LOCK_SECONDS. `clean_after_crash` removes, at start, what a program
killed mid-save left behind (temporary files, locks of dead processes).
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import socket
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from drafting_app.files.atomic import atomic_write_bytes, clean_orphans
from drafting_app.review.clause_files import (
    CONFLICTS_DIR,
    VERSIONS_DIR,
    ReviewError,
    disk_fingerprint,
    slug,
)
from drafting_app.wording.library import CLAUSE_META

#: how long a save waits for another one to finish before keeping its work as a conflict copy
LOCK_WAIT_SECONDS = 10.0
#: a lock older than this was left by a crashed program: it is broken
STALE_LOCK_SECONDS = 120.0
CONFLICT_NOTE = "LISEZMOI-conflit.txt"


class ReadOnlyError(ReviewError):
    """The folder cannot be written by this user (read-only share, no rights)."""


class SaveOutcome(StrEnum):
    """What became of a save."""

    SAVED = "enregistré"
    UNCHANGED = "inchangé"
    CONFLICT = "conflit"


@dataclass(frozen=True)
class SaveResult:
    """The outcome of a save, with a French sentence for the user."""

    outcome: SaveOutcome
    folder: Path
    message: str
    conflict_copy: Path | None = None


def _read_only(folder: Path, exc: OSError) -> ReadOnlyError:
    return ReadOnlyError([
        f"{folder} : le dossier est en lecture seule pour vous ({exc.strerror or exc}) : "
        "seul le service juridique peut enregistrer dans la bibliothèque partagée ; "
        "demandez-lui la modification, ou copiez la clause dans vos propres clauses"])


def lock_path(folder: Path) -> Path:
    """The lock file of a clause folder: beside it, so a new clause can be locked too."""
    return folder.parent / f".{folder.name}.lock"


@contextmanager
def clause_lock(folder: Path, who: str, wait: float = LOCK_WAIT_SECONDS) -> Iterator[bool]:
    """Hold the clause's lock file; yields False when it could not be had within `wait`."""
    path = lock_path(folder)
    deadline = time.monotonic() + wait
    delay = 0.005
    acquired = False
    while not acquired:
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            _break_if_stale(path)
            if time.monotonic() >= deadline:
                break
            time.sleep(delay)
            delay = min(delay * 2, 0.1)
            continue
        except FileNotFoundError:
            try:
                folder.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
                    raise _read_only(folder.parent, exc) from None
                raise ReviewError([f"{folder.parent} : dossier impossible à créer "
                                   f"({exc.strerror or exc})"]) from None
            continue
        except OSError as exc:
            if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
                raise _read_only(folder.parent, exc) from None
            raise
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(f"{who}\n{socket.gethostname()}\n{os.getpid()}\n"
                         f"{dt.datetime.now().isoformat(timespec='seconds')}\n")
        acquired = True
    try:
        yield acquired
    finally:
        if acquired:
            path.unlink(missing_ok=True)


@dataclass(frozen=True)
class LockOwner:
    """Who holds a lock, as its file says: name, computer and process."""

    who: str
    host: str
    pid: int


def lock_owner(path: Path) -> LockOwner | None:
    """The holder a lock file names; None when it cannot be read (still being written)."""
    try:
        with open(path, "rb") as handle:
            lines = handle.read(4096).decode("utf-8", "replace").splitlines()
    except OSError:
        return None
    if len(lines) < 3 or not lines[2].strip().isdigit():
        return None
    return LockOwner(lines[0], lines[1], int(lines[2]))


def process_is_gone(pid: int) -> bool:
    """Whether no process of this computer has this number (False when it cannot be told)."""
    if os.name != "posix" or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # it exists, owned by someone else
    return False


def _dead_here(path: Path) -> bool:
    """Whether the lock was left by a process of this computer that no longer runs."""
    owner = lock_owner(path)
    return (owner is not None and owner.host == socket.gethostname()
            and process_is_gone(owner.pid))


def _break_if_stale(path: Path) -> None:
    """Remove a lock left by a program that crashed while saving (saves take milliseconds).

    Broken at once when its process is gone from this computer; otherwise (another computer
    of the share, or unreadable) when it is older than STALE_LOCK_SECONDS.
    """
    try:
        age = time.time() - path.stat().st_mtime
    except FileNotFoundError:
        return
    if age > STALE_LOCK_SECONDS or _dead_here(path):
        _break(path)


def _break(path: Path) -> bool:
    """Remove a lock; False when another program broke it first (or it cannot be removed)."""
    # rename first: of two programs breaking the same lock, only one succeeds
    broken = path.with_name(f"{path.name}.{os.getpid()}.broken")
    try:
        os.rename(path, broken)
    except OSError:
        return False
    broken.unlink(missing_ok=True)
    return True


def save_files(
    folder: Path,
    base: str | None,
    files: Mapping[str, bytes],
    who: str,
    now: dt.datetime,
    wait: float = LOCK_WAIT_SECONDS,
) -> SaveResult:
    """Write `files` (paths relative to the clause folder) if the clause is still as opened.

    `base` is the fingerprint the author opened (None: a new clause). Files under
    `versions/` are written once and never replaced: a validated version stays frozen.
    """
    if not files:
        return SaveResult(SaveOutcome.UNCHANGED, folder, "Aucune modification à enregistrer.")
    with clause_lock(folder, who, wait) as locked:
        if not locked:
            copy = write_conflict_copy(folder, files, who, now, base, reason=(
                "un autre enregistrement de cette clause n’a pas pu se terminer à temps"))
            return SaveResult(SaveOutcome.CONFLICT, folder, _conflict_message(folder, copy),
                              copy)
        current = disk_fingerprint(folder)
        if current != base:
            copy = write_conflict_copy(folder, files, who, now, base, reason=(
                "la clause a été enregistrée par quelqu’un d’autre pendant que vous la "
                "modifiiez" if base is not None else
                "une clause de même identifiant a été créée par quelqu’un d’autre"))
            return SaveResult(SaveOutcome.CONFLICT, folder, _conflict_message(folder, copy),
                              copy)
        try:
            for relative in _write_order(files):
                target = folder / relative
                if relative.startswith(VERSIONS_DIR + "/") and target.exists():
                    continue  # a frozen version is never rewritten
                atomic_write_bytes(target, files[relative])
        except OSError as exc:
            if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
                raise _read_only(folder, exc) from None
            raise ReviewError([f"{folder} : écriture impossible ({exc.strerror or exc})"]
                              ) from None
    return SaveResult(SaveOutcome.SAVED, folder, f"Clause enregistrée : {folder}")


def _write_order(files: Mapping[str, bytes]) -> list[str]:
    """Snapshots first, then the wording, the metadata last (it carries the new version)."""
    def rank(relative: str) -> tuple[int, str]:
        if relative.startswith(VERSIONS_DIR + "/"):
            return 0, relative
        return (2 if relative == CLAUSE_META else 1), relative

    return sorted(files, key=rank)


def write_conflict_copy(
    folder: Path,
    files: Mapping[str, bytes],
    who: str,
    now: dt.datetime,
    base: str | None,
    reason: str,
) -> Path:
    """Keep the author's files in a new, clearly named folder under `conflits/`.

    Beside the clause when it exists; for a clause not created yet, in the layer's own
    `conflits/<id>/`, so that no half-made clause folder appears in `clauses/`.
    """
    if folder.is_dir():
        parent = folder / CONFLICTS_DIR
    else:
        parent = folder.parent.parent / CONFLICTS_DIR / folder.name
    stamp = now.strftime("%Y-%m-%d_%Hh%Mm%Ss")
    name = f"{stamp}_{slug(who)}"
    try:
        parent.mkdir(parents=True, exist_ok=True)
        copy = parent / name
        number = 1
        while True:
            try:
                copy.mkdir()  # atomic: two authors never share a conflict folder
                break
            except FileExistsError:
                number += 1
                copy = parent / f"{name}-{number}"
        kept = [relative for relative in files
                if not relative.startswith(VERSIONS_DIR + "/")]
        for relative in kept:
            atomic_write_bytes(copy / relative, files[relative])
        note = (
            f"Copie de conflit de la clause « {folder.name} »\n"
            f"Enregistrée par : {who}\n"
            f"Le : {now.strftime('%d/%m/%Y à %H:%M:%S')}\n"
            f"Raison : {reason}.\n"
            f"Empreinte de la clause ouverte par l’auteur : {base or '(nouvelle clause)'}\n\n"
            "Rien n’a été perdu : la clause enregistrée par l’autre personne est dans le dossier "
            "de la clause, la vôtre est ici. Comparez les deux, reportez vos modifications dans "
            "la clause, puis supprimez ce dossier.\n"
        )
        atomic_write_bytes(copy / CONFLICT_NOTE, note.encode("utf-8"))
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise _read_only(folder, exc) from None
        raise ReviewError([f"{folder} : écriture de la copie de conflit impossible "
                           f"({exc.strerror or exc})"]) from None
    return copy


def _conflict_message(folder: Path, copy: Path) -> str:
    return (f"Conflit : la clause « {folder.name} » a été modifiée par quelqu’un d’autre depuis "
            f"que vous l’avez ouverte. Votre version n’a pas écrasé la sienne : elle est gardée "
            f"dans {copy}. Comparez les deux puis reportez vos modifications.")


def list_conflicts(folder: Path) -> list[Path]:
    """The conflict copies waiting beside a clause, oldest first."""
    parent = folder / CONFLICTS_DIR
    if not parent.is_dir():
        return []
    return sorted(p for p in parent.iterdir() if p.is_dir())


def clean_after_crash(libraries: Iterable[Path], folders: Iterable[Path] = (),
                      now: float | None = None) -> list[Path]:
    """At start: remove what programs killed mid-save left behind; return what was removed.

    In `libraries` (searched through) and `folders` (their own files only): temporary files
    and unfinished document sets older than a few minutes, and clause locks whose process
    is gone from this computer. A save in progress is never touched; errors are ignored.
    """
    removed: list[Path] = []
    for library in libraries:
        removed.extend(clean_orphans(library, now=now))
        removed.extend(_dead_locks(library))
    for folder in folders:
        removed.extend(clean_orphans(folder, now=now, recursive=False))
    return removed


def _dead_locks(library: Path) -> list[Path]:
    """Remove the clause locks (`clauses/.<id>.lock`) of processes gone from this computer."""
    removed = []
    for parent in (library, library / "clauses"):
        try:
            locks = sorted(parent.glob(".*.lock"))
        except OSError:
            continue
        for lock in locks:
            if lock.is_file() and not lock.is_symlink() and _dead_here(lock) and _break(lock):
                removed.append(lock)
    return removed


def is_writable(folder: Path) -> bool:
    """Whether this user can create files in `folder` (tried for real: ACLs, shares, mounts)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".clausier-essai-{os.getpid()}-{time.monotonic_ns()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError:
        return False
    return True

