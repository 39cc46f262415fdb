"""Price schedules (`.xlsx`) read back by openpyxl and compared with their reviewed description.

Each workbook is described as text: properties, then per sheet its protection, page setup,
footer, frozen pane, print titles, column widths, row heights, merged ranges and every cell that
holds a value or a style (value, font, fill, box, alignment, number format, whether the bidder
may type in it). The descriptions live in `tests/reference/<example>/tableurs/`. After a wanted
change: `CLAUSIER_WRITE_REFERENCE=1 pytest tests/documents/test_price_schedules_golden.py`, read
`git diff tests/reference`, keep it.
"""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.worksheet.worksheet import Worksheet

from drafting_app.documents.xlsx import write_price_schedules
from drafting_app.dossier.model import Dossier, Pricing
from drafting_app.dossier.storage import load_dossier
from tests.conftest import EXAMPLES, ROOT
from tests.documents.test_pieces_golden import readable_diff

REFERENCE = ROOT / "tests" / "reference"
WRITE = os.environ.get("CLAUSIER_WRITE_REFERENCE") == "1"
TENDERS = ("marche_restauration_collective", "marche_nettoyage_departement",
           "marche_espaces_verts")


def _rgb(color: object) -> str:
    rgb = getattr(color, "rgb", None)
    return str(rgb)[-6:] if isinstance(rgb, str) else "?"


def describe_cell(cell: Cell) -> str | None:
    """One line for a cell with a value or a style; None for an empty cell in the default style."""
    parts = []
    if cell.value is not None:
        parts.append(f"« {cell.value} »" if isinstance(cell.value, str)
                     else f"nombre {cell.value}")
    font = cell.font
    if font.b:
        parts.append("gras")
    if font.i:
        parts.append("italique")
    if font.sz and float(font.sz) != 11:
        parts.append(f"corps {float(font.sz):g}")
    if cell.fill.fill_type == "solid":
        parts.append(f"fond {_rgb(cell.fill.fgColor)}")
    sides = [side for side in ("left", "right", "top", "bottom")
             if getattr(cell.border, side).style]
    if sides:
        styles = {getattr(cell.border, side).style for side in sides}
        colors = {_rgb(getattr(cell.border, side).color) for side in sides}
        where = "cadre" if len(sides) == 4 else "bords " + "/".join(sides)
        parts.append(f"{where} {'/'.join(sorted(styles))} {'/'.join(sorted(colors))}")
    alignment = cell.alignment
    if alignment.wrap_text:
        parts.append("à la ligne")
    if alignment.vertical:
        parts.append(f"vertical {alignment.vertical}")
    if alignment.horizontal:
        parts.append(f"horizontal {alignment.horizontal}")
    if cell.number_format != "General":
        parts.append(f"format {cell.number_format}")
    if not cell.protection.locked:
        parts.append("à saisir")
    if not parts:
        return None
    return f"{cell.coordinate} " + " ; ".join(parts)


def describe_sheet(sheet: Worksheet) -> list[str]:
    protection = sheet.protection
    lines = [f"## feuille {sheet.title}",
             "protection : " + ("feuille verrouillée" if protection.sheet else "aucune")
             + "".join(f" ; {name} permis" for name in ("formatCells", "formatColumns",
                                                        "formatRows")
                       if getattr(protection, name) is False),
             f"page : {sheet.page_setup.orientation} ; papier {sheet.page_setup.paperSize} ; "
             f"largeur {sheet.page_setup.fitToWidth} "
             f"page(s), hauteur {sheet.page_setup.fitToHeight} ; ajustée "
             f"{bool(sheet.sheet_properties.pageSetUpPr.fitToPage)} ; centrée "
             f"{bool(sheet.print_options.horizontalCentered)}",
             f"pied : gauche « {sheet.oddFooter.left.text} » ; centre "
             f"« {sheet.oddFooter.center.text} » ; droite « {sheet.oddFooter.right.text} »",
             f"volet figé : {sheet.freeze_panes}",
             f"lignes répétées à l’impression : {sheet.print_title_rows}",
             "colonnes : " + " ; ".join(
                 f"{letter} {dimension.width:g}"
                 for letter, dimension in sorted(sheet.column_dimensions.items())
                 if dimension.customWidth),
             "hauteurs : " + " ; ".join(
                 f"{row} {dimension.height:g}"
                 for row, dimension in sorted(sheet.row_dimensions.items())
                 if dimension.height is not None),
             "fusions : " + ", ".join(sorted((str(merged) for merged in sheet.merged_cells.ranges),
                                             key=lambda ref: (len(ref), ref)))]
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell, MergedCell):
                continue  # the range's first cell carries value and style
            line = describe_cell(cell)
            if line is not None:
                lines.append(line)
    return lines


def describe_workbook(path: Path) -> str:
    """The reviewable description of a workbook as a spreadsheet program reads it."""
    book = load_workbook(path)
    properties = book.properties
    lines = [f"# {path.name}",
             f"propriétés : titre « {properties.title} » ; auteur « {properties.creator} » ; "
             f"langue {properties.language}"]
    for sheet in book.worksheets:
        lines.extend(["", *describe_sheet(sheet)])
    return "\n".join(lines) + "\n"


def without_price_lines(dossier: Dossier) -> Dossier:
    """The catering tender as a framework whose first lot has no lines and mixed prices."""
    tender = dossier.tender
    assert tender is not None
    lots = [lot.model_copy(update={"price_lines": [], "pricing": Pricing.MIXED})
            if lot.number == 1 else lot for lot in tender.lots]
    return dossier.model_copy(update={"tender": tender.model_copy(update={"lots": lots})})


def case_dossier(case: str) -> Dossier:
    """An example tender, or the catering tender without lines (`restauration_sans_lignes`)."""
    if case == "restauration_sans_lignes":
        return without_price_lines(load_dossier(EXAMPLES / "marche_restauration_collective.json"))
    return load_dossier(EXAMPLES / f"{case}.json")


CASES = (*TENDERS, "restauration_sans_lignes")


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_price_schedule_matches_its_reviewed_description(tmp_path: Path,
                                                              case: str) -> None:
    dossier = case_dossier(case)
    assert dossier.tender is not None
    written = write_price_schedules(dossier, tmp_path, dossier.tender.reference)
    described = {f"{item.path.stem}.txt": describe_workbook(item.path) for item in written}
    folder = REFERENCE / case / "tableurs"
    if WRITE:
        folder.mkdir(parents=True, exist_ok=True)
        for stale in {p.name for p in folder.glob("*.txt")} - set(described):
            (folder / stale).unlink()
        for name, text in described.items():
            (folder / name).write_text(text, encoding="utf-8")
    assert {p.name for p in folder.glob("*.txt")} == set(described)
    diffs = [readable_diff((folder / name).read_text(encoding="utf-8"), text, folder / name)
             for name, text in sorted(described.items())
             if (folder / name).read_text(encoding="utf-8") != text]
    assert not diffs, "les cadres de prix ont changé :\n" + "\n".join(diffs)


def test_a_decimal_quantity_keeps_its_decimals(tmp_path: Path) -> None:
    dossier = load_dossier(EXAMPLES / "marche_restauration_collective.json")
    tender = dossier.tender
    assert tender is not None
    lot = tender.lots[0]
    lines = [lot.price_lines[0].model_copy(update={"quantity": Decimal("12.5")})]
    lots = [lot.model_copy(update={"price_lines": lines}), *tender.lots[1:]]
    dossier = dossier.model_copy(update={"tender": tender.model_copy(update={"lots": lots})})
    written = write_price_schedules(dossier, tmp_path, "ref")
    dqe = load_workbook(written[0].path)["DQE"]
    assert dqe["D9"].value == 12.5
    assert dqe["D9"].number_format == "[$-40C]#,##0.0##"
