"""Generate every document of a dossier as Word files."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

from drafting_app.documents.blocks import Document
from drafting_app.documents.docx import Layout, export_docx, load_layout
from drafting_app.documents.pagination import finish_documents
from drafting_app.documents.xlsx import write_price_schedules
from drafting_app.dossier.model import Dossier, Lot
from drafting_app.wording.library import Skeleton
from drafting_app.wording.render import Renderer


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
) -> list[Generated]:
    """Render and write the dossier's documents (all, or the `pieces` named) into `out_dir`.

    A piece uses its own layout when one sits next to the chosen layout
    (`<layout>.<piece>.docx`), and the chosen layout otherwise. `progress(done, total,
    skeleton, lot)` is called before each piece. With `page_numbers`, the sommaires get their
    page numbers from one LibreOffice layout when it is installed (pagination.py).
    """
    planned = [(skeleton, lot) for skeleton, lot in renderer.documents(dossier)
               if pieces is None or skeleton.id in pieces]
    out_dir.mkdir(parents=True, exist_ok=True)
    layouts: dict[str, Layout] = {}
    written = []
    for index, (skeleton, lot) in enumerate(planned):
        if progress is not None:
            progress(index, len(planned), skeleton, lot)
        if skeleton.id not in layouts:
            own = piece_layout_path(layout.path, skeleton.id)
            layouts[skeleton.id] = load_layout(own) if own.is_file() else layout
        document = renderer.render_document(skeleton, dossier, lot)
        stem = file_stem(skeleton.meta.filename, dossier, lot)
        path = out_dir / f"{stem}.docx"
        export_docx(document, path, layouts[skeleton.id])
        written.append(Generated(stem, document.info.title, path))
    finish_documents([item.path for item in written], page_numbers=page_numbers)
    if pieces is None or PRICE_SCHEDULE in pieces:
        written.extend(Generated(item.stem, item.title, item.path) for item in
                       write_price_schedules(dossier, out_dir, slug(dossier.reference)))
    return written
