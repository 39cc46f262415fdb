"""Generate every document of a dossier as Word files."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from drafting_app.document import Document
from drafting_app.export_docx import Layout, export_docx
from drafting_app.model import Dossier
from drafting_app.render import Renderer


@dataclass(frozen=True)
class Generated:
    """A written document: which piece, where."""

    piece: str
    title: str
    path: Path


def slug(text: str) -> str:
    """A file-name-safe form of a reference: ASCII letters, digits, `-` and `_`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-") or "dossier"


def render_all(renderer: Renderer, dossier: Dossier) -> list[tuple[str, Document]]:
    """Every piece of the dossier rendered to blocks, with its file stem."""
    out = []
    for skeleton in renderer.library.documents_for(dossier.kind):
        document = renderer.render_document(skeleton, dossier)
        out.append((f"{skeleton.meta.filename}_{slug(dossier.reference)}", document))
    return out


def generate(
    renderer: Renderer, dossier: Dossier, out_dir: Path, layout: Layout
) -> list[Generated]:
    """Render and write every document of the dossier into `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, document in render_all(renderer, dossier):
        path = out_dir / f"{stem}.docx"
        export_docx(document, path, layout)
        written.append(Generated(stem, document.info.title, path))
    return written
