"""The XML-level body writer writes what the python-docx writer wrote, on every example.

`legacy_writer` keeps the python-docx body writer the package used before, as a reference.
Both writers export the same rendered pieces; every part of the two files (document,
numbering, styles, settings, header, footer…) must be the same XML once canonicalised (C14N:
attribute order and namespace declarations do not count). Only docProps/core.xml differs,
by its timestamps.
"""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from drafting_app.documents.blocks import Document, Paragraph, Run, Table
from drafting_app.documents.docx import Layout, export_docx, load_layout
from drafting_app.documents.generate import piece_layout_path, render_pieces
from drafting_app.dossier.storage import load_dossier
from drafting_app.wording.render import Renderer
from tests.documents.legacy_writer import legacy_export_docx
from tests.docx_helpers import DEFAULT_LAYOUT, sample_document, sample_info

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.json"))
VOLATILE = {"docProps/core.xml"}


def canonical_parts(path: Path) -> dict[str, bytes]:
    """Every XML part of a .docx, canonicalised; other parts as they are."""
    parts = {}
    with zipfile.ZipFile(path) as package:
        for name in package.namelist():
            data = package.read(name)
            if name.endswith((".xml", ".rels")):
                data = etree.tostring(etree.fromstring(data), method="c14n")
            parts[name] = data
    return parts


def assert_same_files(new: Path, old: Path) -> None:
    new_parts, old_parts = canonical_parts(new), canonical_parts(old)
    assert sorted(new_parts) == sorted(old_parts)
    for name in sorted(set(new_parts) - VOLATILE):
        if new_parts[name] != old_parts[name]:
            pretty_new = new_parts[name].replace(b"><", b">\n<").decode()
            pretty_old = old_parts[name].replace(b"><", b">\n<").decode()
            assert pretty_new == pretty_old, f"{name} differs"


def both(document: Document, layout: Layout, folder: Path) -> tuple[Path, Path]:
    new, old = folder / "new.docx", folder / "old.docx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        export_docx(document, new, layout)
        legacy_export_docx(document, old, layout)
    return new, old


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.stem for e in EXAMPLES])
def test_every_piece_of_every_example_is_the_same_xml(
    renderer: Renderer, example: Path, tmp_path: Path
) -> None:
    default = load_layout(DEFAULT_LAYOUT)
    pieces = render_pieces(renderer, load_dossier(example))
    assert pieces
    for piece in pieces:
        own = piece_layout_path(DEFAULT_LAYOUT, piece.skeleton)
        layout = load_layout(own) if own.is_file() else default
        new, old = both(piece.document, layout, tmp_path)
        assert_same_files(new, old)


def test_every_block_kind_and_awkward_text_is_the_same_xml(tmp_path: Path) -> None:
    """The sample document (every block kind, escaping) plus tabs, CR, control characters,
    leading spaces, empty runs and a table right after a table."""
    sample = sample_document()
    awkward = (
        Paragraph((Run("  espaces\tet tabulation\r\nretour\rchariot "), Run("", bold=True),
                   Run("\x07cloche", italic=True), Run("gras et italique", True, True))),
        Paragraph((Run("Signé :"),)),
        Table(header=((Run("A"),), (Run("B"),)), rows=(((Run("1"),), (Run(""),)),)),
        Table(header=((Run("C"),),), rows=(((),),)),
        Paragraph((Run("après"),), style="note"),
    )
    document = Document(sample_info(), sample.blocks + awkward)
    new, old = both(document, load_layout(DEFAULT_LAYOUT), tmp_path)
    assert_same_files(new, old)
