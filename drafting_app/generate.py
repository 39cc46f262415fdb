"""Generate every document of a dossier as Word files."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from drafting_app.document import Document
from drafting_app.export_docx import Layout, export_docx, load_layout
from drafting_app.model import Dossier, Lot
from drafting_app.render import Renderer


@dataclass(frozen=True)
class Generated:
    """A written document: which piece, where."""

    piece: str
    title: str
    path: Path


@dataclass(frozen=True)
class Rendered:
    """A piece rendered to blocks: its skeleton id, its lot (per-lot pieces) and file stem."""

    skeleton: str
    lot: int | None
    stem: str
    document: Document


def slug(text: str) -> str:
    """A file-name-safe form of a reference: ASCII letters, digits, `-` and `_`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-") or "dossier"


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


def render_all(renderer: Renderer, dossier: Dossier) -> list[tuple[str, Document]]:
    """Every piece of the dossier rendered to blocks, with its file stem."""
    return [(item.stem, item.document) for item in render_pieces(renderer, dossier)]


def piece_layout_path(layout: Path, skeleton_id: str) -> Path:
    """Where a piece's own page design lives: `default.ae.docx` next to `default.docx`."""
    return layout.with_name(f"{layout.stem}.{skeleton_id}{layout.suffix}")


def generate(
    renderer: Renderer, dossier: Dossier, out_dir: Path, layout: Layout
) -> list[Generated]:
    """Render and write every document of the dossier into `out_dir`.

    A piece uses its own layout when one sits next to the chosen layout
    (`<layout>.<piece>.docx`), and the chosen layout otherwise.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    layouts: dict[str, Layout] = {}
    written = []
    for item in render_pieces(renderer, dossier):
        if item.skeleton not in layouts:
            own = piece_layout_path(layout.path, item.skeleton)
            layouts[item.skeleton] = load_layout(own) if own.is_file() else layout
        path = out_dir / f"{item.stem}.docx"
        export_docx(item.document, path, layouts[item.skeleton])
        written.append(Generated(item.stem, item.document.info.title, path))
    return written
