"""A clause folder's two reviewed files read as text, edited as text, and fingerprinted."""

from __future__ import annotations

import hashlib
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from drafting_app.files.messages import describe_validation_error, format_loc
from drafting_app.files.toml_files import locate
from drafting_app.wording.library import CLAUSE_META, CLAUSE_TEXT
from drafting_app.wording.model import ClauseMeta, ReviewEntry

#: sub-folder of a clause folder holding the frozen text of each validated version
VERSIONS_DIR = "versions"
#: sub-folder of a clause folder holding the work saved while someone else had saved first
CONFLICTS_DIR = "conflits"


class ReviewError(Exception):
    """A review operation that cannot be done; `problems` are French sentences."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


def fingerprint(meta_bytes: bytes, text_bytes: bytes) -> str:
    """A short hash of a clause's metadata and wording: any change to either changes it."""
    digest = hashlib.sha256()
    for part in (meta_bytes, text_bytes):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class ClauseFiles:
    """A clause's `clause.toml` and `text.fr.md` as read from disk at one moment."""

    folder: Path
    meta_text: str
    text: str
    meta: ClauseMeta

    @property
    def fingerprint(self) -> str:
        """The hash of both files as read: saving compares it with the files on disk."""
        return fingerprint(self.meta_text.encode("utf-8"), self.text.encode("utf-8"))

    @property
    def id(self) -> str:
        """The clause's identifier."""
        return self.meta.id


def parse_meta(meta_text: str, path: Path) -> ClauseMeta:
    """Validate a `clause.toml` text; ReviewError names the file, the line and the field."""
    try:
        data = tomllib.loads(meta_text)
    except tomllib.TOMLDecodeError as exc:
        raise ReviewError([f"{path} : syntaxe TOML incorrecte ({exc})"]) from None
    try:
        return ClauseMeta.model_validate(data)
    except ValidationError as exc:
        problems = []
        for loc, message in describe_validation_error(exc):
            line = locate(meta_text, loc)
            where = f"{path}:{line}" if line else str(path)
            problems.append(f"{where} : « {format_loc(loc)} » : {message}")
        raise ReviewError(problems) from None


def _read(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise ReviewError([f"{path} : fichier manquant"]) from None
    except UnicodeDecodeError:
        raise ReviewError([f"{path} : le fichier n’est pas en UTF-8 : enregistrez-le en UTF-8"]
                          ) from None
    except OSError as exc:
        raise ReviewError([f"{path} : lecture impossible ({exc.strerror or exc})"]) from None


def read_clause_files(folder: Path) -> ClauseFiles:
    """Read a clause folder's metadata and wording; ReviewError when either is unusable."""
    if not folder.is_dir():
        raise ReviewError([f"{folder} : dossier de clause introuvable"])
    meta_text = _read(folder / CLAUSE_META)
    text = _read(folder / CLAUSE_TEXT)
    return ClauseFiles(folder, meta_text, text, parse_meta(meta_text, folder / CLAUSE_META))


def disk_fingerprint(folder: Path) -> str | None:
    """The fingerprint of the files on disk now; None when the clause does not exist (yet)."""
    try:
        return fingerprint((folder / CLAUSE_META).read_bytes(), (folder / CLAUSE_TEXT).read_bytes())
    except FileNotFoundError:
        return None


# --------------------------------------------------------------------------- TOML text edits


def toml_string(value: str) -> str:
    """A TOML basic string, or a multi-line one when the value spans several lines."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = "".join(
        c if c == "\n" or (c >= " " and c != "\x7f") else f"\\u{ord(c):04x}" for c in escaped
    )
    if "\n" in value:
        return '"""\n' + escaped + '"""'
    return f'"{escaped}"'


def _top_level_lines(lines: list[str]) -> list[int]:
    """Indexes of the lines holding top-level keys: before the first table, outside strings."""
    found = []
    in_string: str | None = None
    for index, line in enumerate(lines):
        if in_string is None:
            if re.match(r"^\s*\[", line):
                break
            found.append(index)
        for quote in ('"""', "'''"):
            if in_string in (None, quote) and line.count(quote) % 2 == 1:
                in_string = None if in_string == quote else quote
    return found


def set_top_level_key(meta_text: str, key: str, literal: str, path: Path) -> str:
    """Replace the value of a top-level key (`status`, `version`) keeping every other line."""
    lines = meta_text.splitlines(keepends=True)
    pattern = re.compile(rf"^{re.escape(key)}\s*=")
    for index in _top_level_lines(lines):
        if pattern.match(lines[index]):
            ending = "\n" if lines[index].endswith("\n") else ""
            lines[index] = f"{key} = {literal}{ending}"
            return "".join(lines)
    raise ReviewError([f"{path} : la clé « {key} » est introuvable avant la première table"])


def history_block(entry: ReviewEntry) -> str:
    """A `[[history]]` table for one review decision, as appended to `clause.toml`."""
    lines = [
        "[[history]]",
        f"who = {toml_string(entry.who)}",
        f"when = {entry.when.isoformat()}",
        f"decision = {toml_string(entry.decision.value)}",
        f"version = {entry.version}",
    ]
    if entry.comment:
        lines.append(f"comment = {toml_string(entry.comment)}")
    return "\n".join(lines) + "\n"


def append_history(meta_text: str, entry: ReviewEntry) -> str:
    """The metadata text with one more `[[history]]` table at its end."""
    text = meta_text if meta_text.endswith("\n") else meta_text + "\n"
    return text + "\n" + history_block(entry)


def slug(text: str) -> str:
    """A name safe in a file name on every system: `Marie Dupont` -> `marie-dupont`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:40] or "anonyme"
