"""Generate every document of a dossier as Word files, written as a whole set or not at all.

The set is written into a hidden folder inside the destination, then moved in file by file;
any failure before the end leaves the previous set as it was. A manifest in the destination
records what Clausier wrote, so that a Word file the user edited since is never overwritten
silently: it is kept beside the new one as « NOM (modifié le JJ-MM-AAAA HH h MM).docx ».
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import unicodedata
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx

from drafting_app.documents.blocks import Document
from drafting_app.documents.docx import Layout, export_docx, load_layout
from drafting_app.documents.pagination import finish_documents
from drafting_app.documents.xlsx import write_price_schedules
from drafting_app.dossier.model import Dossier, Lot
from drafting_app.files.atomic import atomic_write_bytes, sync_folder, temporary_name
from drafting_app.files.reading import FileRefused, read_limited_bytes
from drafting_app.wording.library import Skeleton
from drafting_app.wording.render import Renderer

#: the manifest of what Clausier wrote in a destination folder (hidden)
MANIFEST = ".clausier-documents.json"


@dataclass(frozen=True)
class Generated:
    """A written document: which piece, where; and where the user's edited copy was kept.

    `kept_edit` is set when the file this one replaced had been edited since Clausier wrote
    it: that version was kept there, beside the new one, rather than overwritten.
    """

    piece: str
    title: str
    path: Path
    kept_edit: Path | None = None


@dataclass(frozen=True)
class Rendered:
    """A piece rendered to blocks: its skeleton id, its lot (per-lot pieces) and file stem."""

    skeleton: str
    lot: int | None
    stem: str
    document: Document


#: the longest slug of a reference in a file name (file names stay well under 255 bytes)
MAX_SLUG = 80


def slug(text: str) -> str:
    """A file-name-safe form of a reference: ASCII letters, digits, `-` and `_`, not too long."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-")
    return cleaned[:MAX_SLUG].strip("-") or "dossier"


def file_stem(filename: str, dossier: Dossier, lot: Lot | None) -> str:
    """`CCAP_2026-EV-014`, or `AE_lot2_2026-EV-014` for the piece of one lot."""
    lot_part = f"_lot{lot.number}" if lot is not None else ""
    return f"{filename}{lot_part}_{slug(dossier.reference)}"


def render_pieces(renderer: Renderer, dossier: Dossier) -> list[Rendered]:
    """Every piece of the dossier rendered to blocks, in the dossier's order of pieces."""
    out = []
    for skeleton, lot in renderer.documents(dossier):
        document = renderer.render_document(skeleton, dossier, lot)
        stem = file_stem(skeleton.meta.filename, dossier, lot)
        out.append(Rendered(skeleton.id, lot.number if lot else None, stem, document))
    return out


def piece_layout_path(layout: Path, skeleton_id: str) -> Path:
    """Where a piece's own page design lives: `default.ae.docx` next to `default.docx`."""
    return layout.with_name(f"{layout.stem}.{skeleton_id}{layout.suffix}")


Progress = Callable[[int, int, Skeleton, Lot | None], None]

#: the name `pieces` uses for the price schedules (one spreadsheet per lot)
PRICE_SCHEDULE = "cadre_de_prix"


def generate(
    renderer: Renderer,
    dossier: Dossier,
    out_dir: Path,
    layout: Layout,
    pieces: Collection[str] | None = None,
    progress: Progress | None = None,
    page_numbers: bool = False,
    finishing: Callable[[int], None] | None = None,
) -> list[Generated]:
    """Render and write the dossier's documents (all, or the `pieces` named) into `out_dir`.

    A piece uses its own layout when one sits next to the chosen layout
    (`<layout>.<piece>.docx`), and the chosen layout otherwise. `progress(done, total,
    skeleton, lot)` is called before each piece, `finishing(total)` once they are all drafted,
    before the finishing pass. With `page_numbers`, the sommaires get their
    page numbers from one LibreOffice layout when it is installed (pagination.py). The set is
    written whole or not at all: a RenderError, ExportError or OSError leaves the folder as it
    was.
    """
    planned = [(skeleton, lot) for skeleton, lot in renderer.documents(dossier)
               if pieces is None or skeleton.id in pieces]
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = temporary_name(out_dir / "documents")  # cleaned after a crash like any other
    staging.mkdir()
    try:
        layouts: dict[str, Layout] = {}
        staged: list[tuple[Generated, Path]] = []
        for index, (skeleton, lot) in enumerate(planned):
            if progress is not None:
                progress(index, len(planned), skeleton, lot)
            if skeleton.id not in layouts:
                own = piece_layout_path(layout.path, skeleton.id)
                layouts[skeleton.id] = load_layout(own) if own.is_file() else layout
            document = renderer.render_document(skeleton, dossier, lot)
            stem = file_stem(skeleton.meta.filename, dossier, lot)
            export_docx(document, staging / f"{stem}.docx", layouts[skeleton.id])
            staged.append((Generated(stem, document.info.title, out_dir / f"{stem}.docx"),
                           staging / f"{stem}.docx"))
        if finishing is not None:
            finishing(len(planned))
        finish_documents([source for _item, source in staged], page_numbers=page_numbers)
        if pieces is None or PRICE_SCHEDULE in pieces:
            staged.extend((Generated(item.stem, item.title, out_dir / item.path.name), item.path)
                          for item in write_price_schedules(dossier, staging,
                                                            slug(dossier.reference)))
        return _move_in(staged, out_dir, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_manifest(out_dir: Path) -> dict[str, str]:
    """What Clausier last wrote in a folder: file name → SHA-256 (empty when unknown)."""
    try:
        data: Any = json.loads(read_limited_bytes(out_dir / MANIFEST, 1024 * 1024))
    except (FileRefused, ValueError, RecursionError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        return {}
    return {name: entry["sha256"] for name, entry in files.items()
            if isinstance(entry, dict) and isinstance(entry.get("sha256"), str)}


def _write_manifest(out_dir: Path, hashes: Mapping[str, str], when: dt.datetime) -> None:
    data = {"note": "Fichiers écrits par Clausier (ne pas modifier) : un fichier modifié "
                    "depuis est gardé à côté du nouveau lors de la génération suivante.",
            "version": 1,
            "files": {name: {"sha256": digest, "written": when.isoformat(timespec="seconds")}
                      for name, digest in sorted(hashes.items())}}
    atomic_write_bytes(out_dir / MANIFEST,
                       (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))


def edited_since_written(path: Path, recorded: str | None) -> bool:
    """Whether the Word file at `path` was changed since Clausier wrote it.

    With the manifest's fingerprint the answer is exact. Without one (a folder written by an
    older Clausier) a Word file is taken as Clausier's while its properties say so (one
    revision, never saved since it was created), anything unreadable counts as edited, to be
    kept; a spreadsheet is replaced, as before.
    """
    try:
        data = read_limited_bytes(path, 512 * 1024 * 1024)
    except FileRefused:
        return True
    if recorded is not None:
        return _sha256(data) != recorded
    if path.suffix.lower() != ".docx":
        return False
    try:
        properties = docx.Document(io.BytesIO(data)).core_properties
        return not (properties.revision == 1 and properties.created == properties.modified)
    except Exception:  # python-docx, zipfile and lxml raise many kinds of errors
        return True


def edited_copy_name(path: Path, moment: dt.datetime) -> Path:
    """Where an edited file is kept: `NOM (modifié le 23-11-2026 14 h 05).docx`, unused."""
    label = moment.strftime("%d-%m-%Y %H h %M")
    candidate = path.with_name(f"{path.stem} (modifié le {label}){path.suffix}")
    number = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem} (modifié le {label}) {number}{path.suffix}")
        number += 1
    return candidate


def _keep_copy(source: Path, copy: Path) -> None:
    """A second name for `source` (a hard link, or a copy where links are not possible)."""
    try:
        os.link(source, copy)
    except (OSError, AttributeError):
        shutil.copy2(source, copy)


def _move_in(staged: list[tuple[Generated, Path]], out_dir: Path,
             staging: Path) -> list[Generated]:
    """Move the staged files over the old ones; undo every move when one fails."""
    recorded = read_manifest(out_dir)
    hashes = dict(recorded)
    backups = staging / "anciens"
    backups.mkdir()
    done: list[tuple[Path, Path | None, Path | None]] = []  # target, backup, kept copy
    result: list[Generated] = []
    try:
        for item, source in staged:
            target = item.path
            backup: Path | None = None
            kept: Path | None = None
            if target.is_symlink() or target.exists():
                if not target.is_file() or target.is_symlink():
                    raise OSError(f"« {target.name} » existe déjà et n’est pas un fichier")
                if edited_since_written(target, recorded.get(target.name)):
                    moment = dt.datetime.fromtimestamp(target.stat().st_mtime)
                    kept = edited_copy_name(target, moment)
                    _keep_copy(target, kept)
                backup = backups / target.name
                os.replace(target, backup)
            digest = _sha256(source.read_bytes())  # the staged file: read once
            done.append((target, backup, kept))
            os.replace(source, target)
            hashes[target.name] = digest
            result.append(Generated(item.piece, item.title, target, kept))
        _write_manifest(out_dir, hashes, dt.datetime.now())
    except BaseException:
        for target, backup, kept in reversed(done):
            with contextlib.suppress(OSError):
                if backup is not None:
                    os.replace(backup, target)
                else:
                    target.unlink(missing_ok=True)
                if kept is not None:
                    kept.unlink(missing_ok=True)
        raise
    sync_folder(out_dir)
    return result
