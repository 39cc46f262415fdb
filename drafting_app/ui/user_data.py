"""The user's data folder: recent dossiers, and the autosave that survives a crash."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLockFile

from drafting_app.files.atomic import atomic_write_bytes

RECENT_FILE = "recent.json"
AUTOSAVE_FOLDER = "autosave"
MAX_RECENT = 10


def default_data_dir() -> Path:
    """Clausier's folder in the user's data directory (no admin rights needed)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("Clausier", appauthor=False))


def default_documents_dir() -> Path:
    """Where documents go when the user has not chosen a folder."""
    from platformdirs import user_documents_dir

    return Path(user_documents_dir()) / "Clausier"


class RecentFiles:
    """The dossiers opened or saved lately, newest first."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / RECENT_FILE

    def paths(self) -> list[Path]:
        """The recent dossiers that still exist."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        if not isinstance(data, list):
            return []
        return [Path(item) for item in data if isinstance(item, str) and Path(item).is_file()]

    def add(self, path: Path) -> None:
        """Put a dossier at the top of the list."""
        resolved = path.resolve()
        paths = [resolved] + [p for p in self.paths() if p.resolve() != resolved]
        data = json.dumps([str(p) for p in paths[:MAX_RECENT]], ensure_ascii=False, indent=1)
        with contextlib.suppress(OSError):  # a read-only profile loses the list, not the work
            atomic_write_bytes(self.path, data.encode("utf-8"))


@dataclass(frozen=True)
class Recovered:
    """A dossier autosaved by a session that did not close normally."""

    file: Path
    original: Path | None
    title: str
    saved_at: dt.datetime
    draft: dict[str, Any]


class Autosave:
    """This session's autosave file, locked so that another running Clausier leaves it alone."""

    def __init__(self, data_dir: Path) -> None:
        self.folder = data_dir / AUTOSAVE_FOLDER
        self.folder.mkdir(parents=True, exist_ok=True)
        self.session = uuid.uuid4().hex[:12]
        self.file = self.folder / f"{self.session}.json"
        self.lock = QLockFile(str(self.folder / f"{self.session}.lock"))
        self.lock.setStaleLockTime(0)
        self.lock.tryLock(0)

    def write(self, draft: Mapping[str, Any], original: Path | None, title: str) -> None:
        """Save the draft as it stands, atomically."""
        data = {
            "saved_at": dt.datetime.now().isoformat(timespec="seconds"),
            "original": str(original) if original else None,
            "title": title,
            "draft": draft,
        }
        atomic_write_bytes(self.file, json.dumps(data, ensure_ascii=False).encode("utf-8"))

    def clear(self) -> None:
        """Forget the autosave (the dossier was saved, or closed on purpose)."""
        self.file.unlink(missing_ok=True)

    def close(self) -> None:
        """End of a normal session: no autosave left behind, lock released."""
        self.clear()
        self.lock.unlock()

    def orphans(self) -> list[Recovered]:
        """Autosaves of sessions that ended without closing (their lock is free or stale)."""
        found = []
        for file in sorted(self.folder.glob("*.json")):
            if file == self.file:
                continue
            lock = QLockFile(str(file.with_suffix(".lock")))
            lock.setStaleLockTime(0)
            if not lock.tryLock(0):
                continue  # another Clausier is running with this dossier
            lock.unlock()
            recovered = _read_autosave(file)
            if recovered is None:
                file.unlink(missing_ok=True)
            else:
                found.append(recovered)
        return found

    @staticmethod
    def discard(recovered: Recovered) -> None:
        """Delete a crashed session's autosave."""
        recovered.file.unlink(missing_ok=True)
        recovered.file.with_suffix(".lock").unlink(missing_ok=True)


def _read_autosave(file: Path) -> Recovered | None:
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        saved_at = dt.datetime.fromisoformat(str(data["saved_at"]))
        draft = data["draft"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(draft, dict):
        return None
    original = data.get("original")
    return Recovered(
        file=file,
        original=Path(original) if isinstance(original, str) else None,
        title=str(data.get("title") or ""),
        saved_at=saved_at,
        draft=draft,
    )
