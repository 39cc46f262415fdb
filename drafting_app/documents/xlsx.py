"""Price schedules as spreadsheets: BPU and DQE, or DPGF, per lot, with locked total formulas.

Bidders fill in the unlocked cells (their name, unit prices, VAT rate); every amount and total
is a formula in a locked cell, so a bidder cannot break the arithmetic the offers are compared on.
The lines, units and estimated quantities come from the lot's price lines in the dossier.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from drafting_app.dossier.model import Dossier, Lot, PriceLine, Pricing
from drafting_app.files.atomic import atomic_write_bytes

# French number formats whatever the spreadsheet's own language ([$-40C] is French (France))
MONEY = '[$-40C]#,##0.00\\ "€"'
INTEGER = "[$-40C]#,##0"
DECIMAL = "[$-40C]#,##0.0##"
RATE = "[$-40C]0.0\\ %"
LINE_HEIGHT = 15  # points per line of wrapped text
BLANK_LINES = 10  # lines offered to fill in when the dossier gives none

TITLE = Font(bold=True, size=14)
BOLD = Font(bold=True)
NOTE = Font(italic=True, size=9)
HEADER_FILL = PatternFill("solid", fgColor="D9E2F3")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
UNLOCKED = Protection(locked=False)
TOP = Alignment(vertical="top")

SHEET_TITLES = {
    "BPU": "Bordereau des prix unitaires (BPU)",
    "DQE": "Détail quantitatif estimatif (DQE)",
    "DPGF": "Décomposition du prix global et forfaitaire (DPGF)",
}


class PriceScheduleError(Exception):
    """A price schedule could not be written; the message is in French."""


@dataclass(frozen=True)
class Line:
    """A numbered line of a schedule (`label` empty: a blank line the buyer fills in)."""

    number: str
    label: str
    unit: str
    quantity: Decimal | None


def cell_text(text: str) -> str:
    """User text without the control characters a worksheet cannot hold."""
    return str(ILLEGAL_CHARACTERS_RE.sub("", text))


def schedule_stem(dossier: Dossier, lot: Lot | None, slug_reference: str) -> str:
    """`Cadre_de_prix_lot2_2027-RC-003`, or `Cadre_de_prix_2027-RC-003` for a single lot."""
    lot_part = f"_lot{lot.number}" if lot is not None else ""
    return f"Cadre_de_prix{lot_part}_{slug_reference}"


def sheets_for(pricing: Pricing) -> tuple[str, ...]:
    """The sheets of a lot's schedule: BPU and DQE for unit prices, DPGF for a lump sum."""
    if pricing is Pricing.UNIT:
        return ("BPU", "DQE")
    if pricing is Pricing.LUMP_SUM:
        return ("DPGF",)
    return ("BPU", "DQE", "DPGF")


def numbered(lines: Sequence[PriceLine]) -> list[Line]:
    """The dossier's lines with their numbers, or blank lines when there are none."""
    if not lines:
        return [Line(str(index), "", "", None) for index in range(1, BLANK_LINES + 1)]
    return [Line(line.reference or str(index), line.label, line.unit, line.quantity)
            for index, line in enumerate(lines, 1)]


def price_schedule(dossier: Dossier, lot: Lot, lotted: bool) -> Workbook:
    """The workbook bidders fill in for one lot."""
    tender = dossier.tender
    if tender is None:
        raise PriceScheduleError("Un cadre de prix n’existe que pour un marché public.")
    workbook = Workbook()
    first = True
    lines = numbered(lot.price_lines)
    for kind in sheets_for(lot.pricing):
        sheet = workbook.active if first else workbook.create_sheet()
        assert sheet is not None
        first = False
        sheet.title = kind
        top = _heading(sheet, dossier, lot, lotted, SHEET_TITLES[kind])
        if kind == "BPU":
            _bpu(sheet, lines, top)
        elif kind == "DQE":
            _dqe(sheet, lines, top, framework=tender.is_framework)
        else:
            _dpgf(sheet, lines, top)
        sheet.protection.sheet = True
        sheet.protection.formatCells = False
        sheet.protection.formatColumns = False
        sheet.protection.formatRows = False
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_options.horizontalCentered = True
        sheet.oddFooter.left.text = cell_text(f"{dossier.buyer.name} – {tender.reference}")
        sheet.oddFooter.right.text = "Page &P / &N"
    workbook.properties.title = f"Cadre de prix – {tender.reference}" + (
        f" – lot {lot.number}" if lotted else "")
    workbook.properties.creator = cell_text(dossier.buyer.name)
    workbook.properties.language = "fr-FR"
    return workbook


def export_price_schedule(dossier: Dossier, lot: Lot, lotted: bool, out: Path) -> None:
    """Write one lot's schedule to `out`, atomically."""
    stream = io.BytesIO()
    price_schedule(dossier, lot, lotted).save(stream)
    try:
        atomic_write_bytes(out, stream.getvalue())
    except OSError as error:
        raise PriceScheduleError(
            f"Impossible d’écrire « {out} » : {error.strerror or error}.") from error


# --------------------------------------------------------------------------- sheets


def _heading(sheet: Worksheet, dossier: Dossier, lot: Lot, lotted: bool, title: str) -> int:
    """Buyer, title, object, reference and lot, the bidder's name; returns the next row."""
    tender = dossier.tender
    assert tender is not None
    sheet["A1"] = cell_text(dossier.buyer.name)
    sheet["A1"].font = BOLD
    sheet["A2"] = title
    sheet["A2"].font = TITLE
    sheet["A3"] = cell_text(f"Objet : {tender.object}")
    sheet["A4"] = cell_text(f"Référence de la consultation : {tender.reference}")
    row = 5
    if lotted:
        sheet.cell(row, 1, cell_text(f"Lot n° {lot.number} : {lot.title}")).font = BOLD
        row += 1
    sheet.cell(row, 1, "Candidat (nom ou raison sociale) :").font = BOLD
    candidate = sheet.cell(row, 3)
    candidate.protection = UNLOCKED
    candidate.fill = INPUT_FILL
    candidate.border = BOX
    sheet.merge_cells(start_row=row, start_column=3, end_row=row, end_column=5)
    for line in range(1, row):
        sheet.merge_cells(start_row=line, start_column=1, end_row=line, end_column=6)
        sheet.cell(line, 1).alignment = Alignment(wrap_text=True, vertical="center")
    sheet.row_dimensions[3].height = 30
    return row + 2


def quantity_format(quantity: Decimal | None) -> str:
    """Whole quantities without decimals, others with up to three."""
    if quantity is None or quantity == quantity.to_integral_value():
        return INTEGER
    return DECIMAL


def _fit_height(sheet: Worksheet, row: int, line: Line, width: int, unit_width: int) -> None:
    """A row tall enough for its wrapped label and unit (spreadsheets do not size them)."""
    lines = max(_lines(line.label, width), _lines(line.unit, unit_width))
    sheet.row_dimensions[row].height = LINE_HEIGHT * lines + 2


def _lines(text: str, width: int) -> int:
    per_line = max(int(width * 1.15), 6)
    return max(1, -(-len(text) // per_line))


def _header_row(sheet: Worksheet, row: int, titles: Sequence[str], widths: Sequence[int]) -> None:
    for column, (text, width) in enumerate(zip(titles, widths, strict=True), 1):
        cell = sheet.cell(row, column, text)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.border = BOX
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.row_dimensions[row].height = LINE_HEIGHT * 2 + 4
    sheet.freeze_panes = sheet.cell(row + 1, 1)


def _line_cells(sheet: Worksheet, row: int, line: Line, editable_text: bool) -> None:
    """Number, label and unit of a line; blank lines stay editable for the buyer."""
    for column, value in enumerate(map(cell_text, (line.number, line.label, line.unit)), 1):
        cell = sheet.cell(row, column, value)
        cell.border = BOX
        cell.alignment = WRAP
        if editable_text and column > 1:
            cell.protection = UNLOCKED


def _price_input(cell_row: int, sheet: Worksheet, column: int) -> None:
    cell = sheet.cell(cell_row, column)
    cell.number_format = MONEY
    cell.protection = UNLOCKED
    cell.fill = INPUT_FILL
    cell.border = BOX
    cell.alignment = TOP


def _bpu(sheet: Worksheet, lines: Sequence[Line], top: int) -> None:
    _header_row(sheet, top, ("N°", "Désignation", "Unité", "Prix unitaire HT (€)"),
                (8, 60, 18, 18))
    blank = not any(line.label for line in lines)
    for offset, line in enumerate(lines, 1):
        row = top + offset
        _line_cells(sheet, row, line, blank)
        _fit_height(sheet, row, line, 60, 18)
        _price_input(row, sheet, 4)
    note = top + len(lines) + 2
    sheet.cell(note, 1, "Le candidat complète les cellules jaunes. Les prix unitaires sont "
               "exprimés hors taxes ; ils ont valeur contractuelle.").font = NOTE
    sheet.merge_cells(start_row=note, start_column=1, end_row=note, end_column=4)


def _dqe(sheet: Worksheet, lines: Sequence[Line], top: int, *, framework: bool) -> None:
    _header_row(sheet, top, ("N°", "Désignation", "Unité", "Quantité estimée",
                             "Prix unitaire HT (€)", "Montant HT (€)"),
                (8, 54, 16, 14, 16, 18))
    first = top + 1
    for offset, line in enumerate(lines, 1):
        row = top + offset
        for column in (1, 2, 3):  # same number, label and unit as the BPU, never typed twice
            cell = sheet.cell(row, column, f"=IF(BPU!{get_column_letter(column)}{row}=\"\",\"\","
                                           f"BPU!{get_column_letter(column)}{row})")
            cell.border = BOX
            cell.alignment = WRAP
        _fit_height(sheet, row, line, 54, 16)
        _quantity_cell(sheet, row, line)
        price = sheet.cell(row, 5, f"=BPU!D{row}")
        price.number_format = MONEY
        price.border = BOX
        price.alignment = TOP
        amount = sheet.cell(row, 6, f"=D{row}*E{row}")
        amount.number_format = MONEY
        amount.border = BOX
        amount.alignment = TOP
    last = top + len(lines)
    _totals(sheet, last + 1, f"SUM(F{first}:F{last})", value_column=6, total_label="Total HT")
    note = last + 5
    sheet.cell(note, 1, (
        "Les quantités sont estimatives : elles servent à comparer les offres et n’engagent "
        "pas l’acheteur" + (", qui ne s’engage que sur le minimum de l’accord-cadre lorsqu’il "
                            "en est fixé un." if framework else ".")
        + " Les prix viennent de la feuille BPU ; seul le taux de TVA se saisit ici.")).font = NOTE
    sheet.merge_cells(start_row=note, start_column=1, end_row=note, end_column=6)
    sheet.row_dimensions[note].height = 30
    sheet.cell(note, 1).alignment = WRAP


def _quantity_cell(sheet: Worksheet, row: int, line: Line) -> None:
    """Column D: the line's quantity, or a cell the bidder fills when the dossier has none."""
    quantity = sheet.cell(row, 4, line.quantity)
    quantity.number_format = quantity_format(line.quantity)
    quantity.border = BOX
    quantity.alignment = TOP
    if line.quantity is None:
        quantity.protection = UNLOCKED


def _dpgf(sheet: Worksheet, lines: Sequence[Line], top: int) -> None:
    _header_row(sheet, top, ("N°", "Désignation", "Unité", "Quantité", "Prix unitaire HT (€)",
                             "Montant HT (€)"), (8, 54, 16, 12, 16, 18))
    first = top + 1
    blank = not any(line.label for line in lines)
    for offset, line in enumerate(lines, 1):
        row = top + offset
        _line_cells(sheet, row, line, blank)
        _fit_height(sheet, row, line, 54, 16)
        _quantity_cell(sheet, row, line)
        _price_input(row, sheet, 5)
        amount = sheet.cell(row, 6, f"=D{row}*E{row}")
        amount.number_format = MONEY
        amount.border = BOX
        amount.alignment = TOP
    last = top + len(lines)
    _totals(sheet, last + 1, f"SUM(F{first}:F{last})", value_column=6,
            total_label="Prix global et forfaitaire HT")
    note = last + 5
    sheet.cell(note, 1, "Le candidat complète les cellules jaunes. Les quantités sont données "
               "à titre indicatif : le prix global et forfaitaire est ferme.").font = NOTE
    sheet.merge_cells(start_row=note, start_column=1, end_row=note, end_column=6)


def _totals(sheet: Worksheet, row: int, total: str, *, value_column: int,
            total_label: str) -> None:
    """Total HT, VAT rate (the bidder's), VAT and total TTC, all but the rate locked."""
    value = get_column_letter(value_column)
    rows = (
        (total_label, f"={total}", MONEY),
        ("Taux de TVA", None, RATE),
        ("Montant de la TVA", f"={value}{row}*{value}{row + 1}", MONEY),
        ("Total TTC", f"={value}{row}+{value}{row + 2}", MONEY),
    )
    for offset, (label, formula, number_format) in enumerate(rows):
        label_cell = sheet.cell(row + offset, 2, label)
        label_cell.font = BOLD
        label_cell.alignment = Alignment(horizontal="right")
        sheet.merge_cells(start_row=row + offset, start_column=2, end_row=row + offset,
                          end_column=value_column - 1)
        cell = sheet.cell(row + offset, value_column, formula)
        cell.number_format = number_format
        cell.border = BOX
        cell.font = BOLD
        if formula is None:
            cell.protection = UNLOCKED
            cell.fill = INPUT_FILL


@dataclass(frozen=True)
class WrittenSchedule:
    """A price schedule written: its file stem, title and path."""

    stem: str
    title: str
    path: Path


def planned_price_schedules(dossier: Dossier, slug_reference: str) -> list[tuple[str, str, Lot]]:
    """(file stem, title, lot) of the schedules a tender gets: one per lot, or one for a tender
    with a single lot; none for a convention."""
    tender = dossier.tender
    if tender is None or not tender.lots:
        return []
    lots = sorted(tender.lots, key=lambda lot: lot.number)
    lotted = len(lots) > 1
    return [(schedule_stem(dossier, lot if lotted else None, slug_reference),
             "Cadre de prix" + (f" – Lot n°\u00a0{lot.number}" if lotted else ""), lot)
            for lot in lots]


def write_price_schedules(
    dossier: Dossier, out_dir: Path, slug_reference: str
) -> list[WrittenSchedule]:
    """One schedule per lot of a tender (one for a tender with a single lot) into `out_dir`."""
    planned = planned_price_schedules(dossier, slug_reference)
    written = []
    for stem, title, lot in planned:
        path = out_dir / f"{stem}.xlsx"
        export_price_schedule(dossier, lot, len(planned) > 1, path)
        written.append(WrittenSchedule(stem, title, path))
    return written
