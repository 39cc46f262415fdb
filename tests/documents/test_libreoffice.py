"""The exported sample opens in LibreOffice headless and converts to a PDF that reads right.

Skipped when LibreOffice is not installed, except when CLAUSIER_REQUIRE_LIBREOFFICE=1 (CI):
then a missing LibreOffice or poppler-utils is a failure, never a skip.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from drafting_app.documents.docx import export_docx, load_layout
from tests.docx_helpers import (
    DEFAULT_LAYOUT,
    ESCAPING_WORDS,
    convert_to_pdf,
    pdf_fonts,
    pdf_pages,
    pdf_text,
    sample_document,
    soffice,
)

# Title page, table of contents, articles 1-2, then the price table over two pages.
EXPECTED_PAGES = 5


def require_tools() -> None:
    """Skip (or fail in CI) when LibreOffice or the poppler tools are missing."""
    missing = [] if soffice() else ["soffice (LibreOffice)"]
    missing += [tool for tool in ("pdftotext", "pdfinfo", "pdffonts") if not shutil.which(tool)]
    if not missing:
        return
    message = "outils absents : " + ", ".join(missing)
    if os.environ.get("CLAUSIER_REQUIRE_LIBREOFFICE") == "1":
        pytest.fail(message + " (CLAUSIER_REQUIRE_LIBREOFFICE=1 : ce test doit tourner)")
    pytest.skip(message)


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_tools()
    folder = tmp_path_factory.mktemp("libreoffice")
    docx_path = folder / "ccap.docx"
    export_docx(sample_document(), docx_path, load_layout(DEFAULT_LAYOUT))
    return convert_to_pdf(docx_path, folder / "pdf")


def test_pdf_has_the_expected_pages(pdf: Path) -> None:
    assert pdf_pages(pdf) == EXPECTED_PAGES


def test_pdf_shows_numbered_articles_and_the_exact_text(pdf: Path) -> None:
    text = pdf_text(pdf)
    assert "Article 1 – Objet et forme du marché" in text
    assert "Article 3 – Bordereau des prix unitaires" in text
    assert re.search(r"1\.2\.1\s+Pièces constitutives", text)
    assert "Article 1 – Préambule" not in text  # unnumbered heading
    for word in ESCAPING_WORDS:
        assert word in text, word


def test_second_ordered_list_restarts_at_one(pdf: Path) -> None:
    text = pdf_text(pdf, first=3, last=3)
    assert re.search(r"3\.\s+le CCTP", text)
    assert re.search(r"1\.\s+les pièces particulières", text)
    assert re.search(r"2\.\s+les pièces générales", text)


def test_title_page_has_no_header_and_later_pages_count(pdf: Path) -> None:
    title_page = pdf_text(pdf, first=1, last=1)
    assert "Cahier des clauses administratives" in title_page
    assert "Page " not in title_page
    last = pdf_text(pdf, first=EXPECTED_PAGES, last=EXPECTED_PAGES)
    assert f"Page {EXPECTED_PAGES} / {EXPECTED_PAGES}" in last
    assert "Commune de Saint-Exemple" in last and "2026-TRX-014" in last


def test_table_header_repeats_on_each_page(pdf: Path) -> None:
    for page in (EXPECTED_PAGES - 1, EXPECTED_PAGES):
        assert "Prix unitaire HT" in pdf_text(pdf, first=page, last=page), page


def test_no_fallback_font_is_needed(pdf: Path) -> None:
    """Every glyph, U+202F included, comes from the body font (Liberation Sans = Arial)."""
    assert pdf_fonts(pdf) <= {
        "LiberationSans",
        "LiberationSans-Bold",
        "LiberationSans-Italic",
        "LiberationSans-BoldItalic",
    }
