"""The spreadsheet writer with hostile values: text stays text, the footer keeps its `&`, long
and broken user text still gives a file that openpyxl and LibreOffice open."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from openpyxl import load_workbook

from drafting_app.documents.xlsx import write_price_schedules
from drafting_app.documents.xlsx_package import (
    MAX_HEADER_FOOTER,
    Book,
    Formula,
    column_letter,
)
from drafting_app.dossier.model import Dossier
from drafting_app.dossier.storage import load_dossier
from tests.conftest import EXAMPLES
from tests.docx_helpers import convert_to_pdf, pdf_text, soffice

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
INJECTED = '=HYPERLINK("http://exemple.invalid","cliquez")'


def hostile(dossier: Dossier) -> Dossier:
    """Buyer name with `&` and `<`, a 6 000-character object, a label typed as a formula, control
    characters, a 400-character reference-free unit."""
    tender = dossier.tender
    assert tender is not None
    lot = tender.lots[0]
    lines = [lot.price_lines[0].model_copy(update={"label": INJECTED}),
             lot.price_lines[1].model_copy(update={"label": "Repas\x07 <spécial> & « bio »",
                                                   "unit": "u" * 400}),
             *lot.price_lines[2:]]
    lots = [lot.model_copy(update={"price_lines": lines}), *tender.lots[1:]]
    buyer = dossier.buyer.model_copy(update={"name": "Dupont & Fils <SARL> " + "x" * 300})
    return dossier.model_copy(update={
        "buyer": buyer,
        "tender": tender.model_copy(update={"lots": lots, "object": "Objet " * 1000})})


@pytest.fixture(scope="module")
def schedule(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hostile")
    dossier = hostile(load_dossier(EXAMPLES / "marche_restauration_collective.json"))
    return write_price_schedules(dossier, out, "RC")[0].path


def test_a_label_typed_as_a_formula_stays_text(schedule: Path) -> None:
    bpu = load_workbook(schedule)["BPU"]
    assert bpu["B9"].value == INJECTED
    assert bpu["B9"].data_type == "s"
    with zipfile.ZipFile(schedule) as package:
        sheet = etree.fromstring(package.read("xl/worksheets/sheet1.xml"))
    assert not sheet.findall(f".//{MAIN}f")  # the BPU holds no formula at all


def test_control_characters_are_dropped_and_markup_is_text(schedule: Path) -> None:
    bpu = load_workbook(schedule)["BPU"]
    assert bpu["B10"].value == "Repas <spécial> & « bio »"


def test_the_footer_keeps_the_buyers_ampersand_within_excels_limit(schedule: Path) -> None:
    with zipfile.ZipFile(schedule) as package:
        sheet = etree.fromstring(package.read("xl/worksheets/sheet1.xml"))
    footer = sheet.findtext(f".//{MAIN}oddFooter")
    assert footer is not None and len(footer) <= MAX_HEADER_FOOTER
    assert footer.startswith("&LDupont && Fils <SARL> xxx")
    assert "…&RPage &P / &N" in footer


def test_a_long_object_gets_a_row_tall_enough(schedule: Path) -> None:
    dqe = load_workbook(schedule)["DQE"]
    assert dqe["A3"].value.startswith("Objet : Objet Objet")
    # 6 000 characters over six columns of 126 characters: 42 lines of 15 points, more than the
    # 409 points Excel allows a row
    assert dqe.row_dimensions[3].height == 409
    # a 400-character unit in a column of 18: 20 lines
    assert load_workbook(schedule)["BPU"].row_dimensions[10].height == 15 * 20 + 2


def test_libreoffice_opens_it_and_computes_the_formulas(schedule: Path, tmp_path: Path) -> None:
    if soffice() is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice ou pdftotext absent")
    text = pdf_text(convert_to_pdf(schedule, tmp_path))
    assert text.count(INJECTED) == 2  # in the BPU, and brought into the DQE by its formula
    assert "Dupont & Fils <SARL>" in text
    assert "0,00 €" in text  # amounts computed on opening
    assert "Bordereau des prix unitaires (BPU)" in text
    assert "Détail quantitatif estimatif (DQE)" in text


def test_a_book_writes_numbers_formulas_and_print_titles(tmp_path: Path) -> None:
    book = Book(title="Essai", creator="Acheteur")
    sheet = book.add_sheet("L'été")
    sheet.cell(1, 1, 3)
    sheet.cell(1, 2, 2.5)
    sheet.cell(1, 3, Formula("A1*B1"))
    sheet.print_title_row = 1
    path = tmp_path / "essai.xlsx"
    path.write_bytes(book.to_bytes())
    loaded = load_workbook(path)["L'été"]
    assert (loaded["A1"].value, loaded["B1"].value, loaded["C1"].value) == (3, 2.5, "=A1*B1")
    assert loaded.print_title_rows == "$1:$1"
    assert [column_letter(n) for n in (1, 26, 27, 52, 703)] == ["A", "Z", "AA", "AZ", "AAA"]
