"""End to end: each example dossier to Word files, reopened and read back, then to PDF."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from drafting_app.cli.main import EXIT_OK, main
from drafting_app.documents.blocks import Heading, Paragraph, Table, plain_text
from drafting_app.documents.docx import load_layout
from drafting_app.documents.generate import generate, render_pieces
from drafting_app.dossier.storage import load_dossier
from drafting_app.paths import default_layout
from drafting_app.wording.render import Renderer
from tests.conftest import EXAMPLES
from tests.docx_helpers import convert_to_pdf, pdf_text, reopen, soffice

ESCAPING = "Dupont & Fils <SARL> « l’été » **x** {{ y }} 1 234,56 €"
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.json"))


def generated(tmp_path: Path, example: Path) -> list[Path]:
    code = main(["generate", str(example), "--out", str(tmp_path)])
    assert code == EXIT_OK
    return sorted(tmp_path.glob("*.docx"))


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_docx_matches_rendered_blocks(renderer: Renderer, tmp_path: Path, example: Path) -> None:
    dossier = load_dossier(example)
    pieces = [(item.stem, item.document) for item in render_pieces(renderer, dossier)]
    written = [w for w in generate(renderer, dossier, tmp_path, load_layout(default_layout()))
               if w.path.suffix == ".docx"]  # the price schedules are spreadsheets
    assert [w.path.stem for w in written] == [stem for stem, _ in pieces]
    for (_, document), item in zip(pieces, written, strict=True):
        word = reopen(item.path)
        # references are written with Word's non-breaking hyphens, which read back as « - »
        paragraphs = [(p.text, p.style.name if p.style else "") for p in word.paragraphs]
        texts = [text for text, _ in paragraphs]
        # every heading comes out in order, with the style of its level (numbering is Word's)
        headings = [b for b in document.blocks if isinstance(b, Heading)]
        heading_paragraphs = [(t, s) for t, s in paragraphs if s.startswith("Heading ")]
        assert [(plain_text(h.runs), f"Heading {h.level}") for h in headings] == \
            heading_paragraphs
        # every body paragraph is there, in order
        bodies = [plain_text(b.runs).replace("\u2011", "-") for b in document.blocks
                  if isinstance(b, Paragraph)]
        position = 0
        for body in bodies:  # in order; the same sentence may stand in two places
            position = texts.index(body, position) + 1
        # tables keep their cells
        tables = [b for b in document.blocks if isinstance(b, Table)]
        assert len(word.tables) == len(tables)
        for block, table in zip(tables, word.tables, strict=True):
            assert [c.text for c in table.rows[0].cells] == [plain_text(c) for c in block.header]
            assert len(table.rows) == len(block.rows) + 1
        properties = word.core_properties
        assert properties.title == document.info.title
        assert "'" not in properties.title  # typographic apostrophes in titles too
        assert properties.author == dossier.buyer.name
        assert dossier.reference in properties.subject or dossier.reference in \
            properties.keywords


def test_user_text_survives_the_whole_pipeline(tmp_path: Path) -> None:
    data = json.loads((EXAMPLES / "marche_espaces_verts.json").read_text(encoding="utf-8"))
    data["tender"]["object"] = ESCAPING
    data["buyer"]["name"] = ESCAPING
    dossier = tmp_path / "echappement.json"
    dossier.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    paths = generated(tmp_path / "out", dossier)
    word = reopen(next(p for p in paths if p.name.startswith("CCAP_")))
    body = "\n".join(p.text for p in word.paragraphs)
    assert f"Le présent marché a pour objet\u00a0: {ESCAPING}." in body
    header = "\n".join(p.text for s in word.sections for p in s.header.paragraphs)
    assert ESCAPING in header
    assert word.core_properties.author == ESCAPING


def test_insertion_hours_reach_the_ccap(tmp_path: Path) -> None:
    paths = generated(tmp_path, EXAMPLES / "marche_espaces_verts.json")
    ccap = next(p for p in paths if p.name.startswith("CCAP_"))
    annex = next(p for p in paths if p.name.startswith("Annexe_clause_sociale_"))
    cells = [[c.text for c in row.cells] for t in reopen(annex).tables for row in t.rows]
    assert ["1", "Entretien des parcs, jardins et cimetières", "206 heures"] in cells
    # the CCAP refers to the annex and repeats the volume, from the same facts
    cells = [[c.text for c in row.cells] for t in reopen(ccap).tables for row in t.rows]
    assert ["1", "206 heures"] in cells


def require_soffice() -> None:
    if soffice() is None:
        if os.environ.get("CLAUSIER_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail("LibreOffice (soffice) est requis mais introuvable")
        pytest.skip("LibreOffice absent : conversion PDF non vérifiée")


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_every_generated_file_converts_with_libreoffice(tmp_path: Path, example: Path) -> None:
    require_soffice()
    for docx_path in generated(tmp_path / "docx", example):
        pdf = convert_to_pdf(docx_path, tmp_path / "pdf")
        text = pdf_text(pdf)
        assert "Article 1" in text
        assert load_dossier(example).reference in text
