"""Price schedules as spreadsheets: BPU and DQE, or DPGF, per lot, with locked total formulas.

Bidders fill in the unlocked cells (their name, unit prices, VAT rate); every amount and total
is a formula in a locked cell, so a bidder cannot break the arithmetic the offers are compared on.
The lines, units and estimated quantities come from the lot's price lines in the dossier.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

from drafting_app.documents.xlsx_package import Book, CellStyle, Formula, Sheet, column_letter
from drafting_app.dossier.model import Dossier, Lot, PriceLine, Pricing
from drafting_app.files.atomic import atomic_write_bytes

# French number formats whatever the spreadsheet's own language ([$-40C] is French (France))
MONEY = '[$-40C]#,##0.00\\ "€"'
INTEGER = "[$-40C]#,##0"
DECIMAL = "[$-40C]#,##0.0##"
RATE = "[$-40C]0.0\\ %"
LINE_HEIGHT = 15  # points per line of wrapped text
BLANK_LINES = 10  # lines offered to fill in when the dossier gives none
HEADER_FILL = "D9E2F3"
INPUT_FILL = "FFF2CC"

HEADING = CellStyle(wrap=True, vertical="top")  # a text too tall for its row runs down
HEADING_BOLD = replace(HEADING, bold=True)
TITLE = replace(HEADING_BOLD, size=14)
LABEL = CellStyle(bold=True)
INPUT = CellStyle(fill=INPUT_FILL, box=True, unlocked=True)
HEADER = CellStyle(bold=True, fill=HEADER_FILL, box=True, wrap=True, vertical="center",
                   horizontal="center")
TEXT = CellStyle(box=True, wrap=True, vertical="top")
NUMBER = CellStyle(box=True, vertical="top")
AMOUNT = replace(NUMBER, number_format=MONEY)
PRICE_INPUT = replace(AMOUNT, fill=INPUT_FILL, unlocked=True)
TOTAL_LABEL = CellStyle(bold=True, horizontal="right")
TOTAL = CellStyle(bold=True, box=True, number_format=MONEY)
RATE_INPUT = replace(TOTAL, number_format=RATE, fill=INPUT_FILL, unlocked=True)
NOTE = CellStyle(italic=True, size=9, wrap=True, vertical="top")

SHEET_TITLES = {
    "BPU": "Bordereau des prix unitaires (BPU)",
    "DQE": "Détail quantitatif estimatif (DQE)",
    "DPGF": "Décomposition du prix global et forfaitaire (DPGF)",
}
#: the columns of each sheet: heading and width (in characters of the default font)
COLUMNS = {
    "BPU": (("N°", 8), ("Désignation", 60), ("Unité", 18), ("Prix unitaire HT (€)", 18)),
    "DQE": (("N°", 8), ("Désignation", 54), ("Unité", 16), ("Quantité estimée", 14),
            ("Prix unitaire HT (€)", 16), ("Montant HT (€)", 18)),
    "DPGF": (("N°", 8), ("Désignation", 54), ("Unité", 16), ("Quantité", 12),
             ("Prix unitaire HT (€)", 16), ("Montant HT (€)", 18)),
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


def price_schedule(dossier: Dossier, lot: Lot, lotted: bool) -> Book:
    """The workbook bidders fill in for one lot."""
    tender = dossier.tender
    if tender is None:
        raise PriceScheduleError("Un cadre de prix n’existe que pour un marché public.")
    book = Book(title=f"Cadre de prix – {tender.reference}"
                + (f" – lot {lot.number}" if lotted else ""),
                creator=dossier.buyer.name)
    lines = numbered(lot.price_lines)
    for kind in sheets_for(lot.pricing):
        sheet = book.add_sheet(kind)
        top = _heading(sheet, dossier, lot, lotted, kind)
        if kind == "BPU":
            _bpu(sheet, lines, top)
        elif kind == "DQE":
            _dqe(sheet, lines, top, framework=tender.is_framework)
        else:
            _dpgf(sheet, lines, top)
        sheet.footer_left = f"{dossier.buyer.name} – {tender.reference}"
        sheet.footer_right = "Page &P / &N"
    return book


def export_price_schedule(dossier: Dossier, lot: Lot, lotted: bool, out: Path) -> None:
    """Write one lot's schedule to `out`, atomically."""
    content = price_schedule(dossier, lot, lotted).to_bytes()
    try:
        atomic_write_bytes(out, content)
    except OSError as error:
        raise PriceScheduleError(
            f"Impossible d’écrire « {out} » : {error.strerror or error}.") from error


# --------------------------------------------------------------------------- sheets


def _width(kind: str, first: int = 1, last: int | None = None) -> int:
    """The width of columns `first` to `last` (1-based, inclusive) of a sheet, in characters."""
    return sum(width for _, width in COLUMNS[kind][first - 1:last])


def _text_row(sheet: Sheet, row: int, text: str, style: CellStyle, columns: int,
              width: int) -> None:
    """A text across `columns` merged columns, the row as tall as its wrapped lines."""
    sheet.cell(row, 1, text, style)
    sheet.merge(row, 1, row, columns)
    factor = 11 / style.size if style.size else 1.0
    lines = _lines(text, int(width * factor))
    if lines > 1:
        line_height = LINE_HEIGHT * (style.size or 11) / 11
        sheet.heights[row] = round(line_height * lines + 3)


def _heading(sheet: Sheet, dossier: Dossier, lot: Lot, lotted: bool, kind: str) -> int:
    """Buyer, title, object, reference and lot, the bidder's name; returns the next row."""
    tender = dossier.tender
    assert tender is not None
    columns = len(COLUMNS[kind])
    width = _width(kind)
    texts = [(dossier.buyer.name, HEADING_BOLD), (SHEET_TITLES[kind], TITLE),
             (f"Objet : {tender.object}", HEADING),
             (f"Référence de la consultation : {tender.reference}", HEADING)]
    if lotted:
        texts.append((f"Lot n° {lot.number} : {lot.title}", HEADING_BOLD))
    for row, (text, style) in enumerate(texts, 1):
        _text_row(sheet, row, text, style, columns, width)
    row = len(texts) + 1
    sheet.cell(row, 1, "Candidat (nom ou raison sociale) :", LABEL)
    sheet.cell(row, 3, None, INPUT)
    sheet.merge(row, 3, row, columns)
    return row + 2


def quantity_format(quantity: Decimal | None) -> str:
    """Whole quantities without decimals, others with up to three."""
    if quantity is None or quantity == quantity.to_integral_value():
        return INTEGER
    return DECIMAL


def _fit_height(sheet: Sheet, row: int, line: Line, kind: str) -> None:
    """A row tall enough for its wrapped label and unit (spreadsheets do not size them)."""
    lines = max(_lines(line.label, _width(kind, 2, 2)), _lines(line.unit, _width(kind, 3, 3)))
    sheet.heights[row] = LINE_HEIGHT * lines + 2


def _lines(text: str, width: int) -> int:
    per_line = max(int(width * 1.15), 6)
    return max(1, -(-len(text) // per_line))


def _header_row(sheet: Sheet, row: int, kind: str) -> None:
    for column, (text, width) in enumerate(COLUMNS[kind], 1):
        sheet.cell(row, column, text, HEADER)
        sheet.widths[column] = width
    sheet.heights[row] = LINE_HEIGHT * 2 + 4
    sheet.frozen_rows = row
    sheet.print_title_row = row


def _line_cells(sheet: Sheet, row: int, line: Line, editable_text: bool) -> None:
    """Number, label and unit of a line; blank lines stay editable for the buyer."""
    sheet.cell(row, 1, line.number, TEXT)
    style = replace(TEXT, unlocked=True) if editable_text else TEXT
    sheet.cell(row, 2, line.label, style)
    sheet.cell(row, 3, line.unit, style)


def _note(sheet: Sheet, row: int, text: str, kind: str, columns: int) -> None:
    _text_row(sheet, row, text, NOTE, columns, _width(kind, 1, columns))


def _bpu(sheet: Sheet, lines: Sequence[Line], top: int) -> None:
    _header_row(sheet, top, "BPU")
    blank = not any(line.label for line in lines)
    for offset, line in enumerate(lines, 1):
        row = top + offset
        _line_cells(sheet, row, line, blank)
        _fit_height(sheet, row, line, "BPU")
        sheet.cell(row, 4, None, PRICE_INPUT)
    _note(sheet, top + len(lines) + 2, "Le candidat complète les cellules jaunes. Les prix "
          "unitaires sont exprimés hors taxes ; ils ont valeur contractuelle.", "BPU", 4)


def _dqe(sheet: Sheet, lines: Sequence[Line], top: int, *, framework: bool) -> None:
    _header_row(sheet, top, "DQE")
    first = top + 1
    for offset, line in enumerate(lines, 1):
        row = top + offset
        for column in (1, 2, 3):  # same number, label and unit as the BPU, never typed twice
            source = f"BPU!{column_letter(column)}{row}"
            sheet.cell(row, column, Formula(f'IF({source}="","",{source})'), TEXT)
        _fit_height(sheet, row, line, "DQE")
        _quantity_cell(sheet, row, line)
        sheet.cell(row, 5, Formula(f"BPU!D{row}"), AMOUNT)
        sheet.cell(row, 6, Formula(f"D{row}*E{row}"), AMOUNT)
    last = top + len(lines)
    _totals(sheet, last + 1, f"SUM(F{first}:F{last})", total_label="Total HT")
    _note(sheet, last + 6, (
        "Les quantités sont estimatives : elles servent à comparer les offres et n’engagent "
        "pas l’acheteur" + (", qui ne s’engage que sur le minimum de l’accord-cadre lorsqu’il "
                            "en est fixé un." if framework else ".")
        + " Les prix viennent de la feuille BPU ; seul le taux de TVA se saisit ici."),
        "DQE", 6)


def _quantity_cell(sheet: Sheet, row: int, line: Line) -> None:
    """Column D: the line's quantity, or a cell the bidder fills when the dossier has none."""
    style = replace(NUMBER, number_format=quantity_format(line.quantity),
                    unlocked=line.quantity is None)
    sheet.cell(row, 4, line.quantity, style)


def _dpgf(sheet: Sheet, lines: Sequence[Line], top: int) -> None:
    _header_row(sheet, top, "DPGF")
    first = top + 1
    blank = not any(line.label for line in lines)
    for offset, line in enumerate(lines, 1):
        row = top + offset
        _line_cells(sheet, row, line, blank)
        _fit_height(sheet, row, line, "DPGF")
        _quantity_cell(sheet, row, line)
        sheet.cell(row, 5, None, PRICE_INPUT)
        sheet.cell(row, 6, Formula(f"D{row}*E{row}"), AMOUNT)
    last = top + len(lines)
    _totals(sheet, last + 1, f"SUM(F{first}:F{last})", total_label="Prix global et forfaitaire HT")
    _note(sheet, last + 6, "Le candidat complète les cellules jaunes. Les quantités sont données "
          "à titre indicatif : le prix global et forfaitaire est ferme.", "DPGF", 6)


def _totals(sheet: Sheet, row: int, total: str, *, total_label: str) -> None:
    """Total HT, VAT rate (the bidder's), VAT and total TTC in column F, all but the rate
    locked."""
    rows = (
        (total_label, Formula(total), TOTAL),
        ("Taux de TVA", None, RATE_INPUT),
        ("Montant de la TVA", Formula(f"F{row}*F{row + 1}"), TOTAL),
        ("Total TTC", Formula(f"F{row}+F{row + 2}"), TOTAL),
    )
    for offset, (label, value, style) in enumerate(rows):
        sheet.cell(row + offset, 2, label, TOTAL_LABEL)
        sheet.merge(row + offset, 2, row + offset, 5)
        sheet.cell(row + offset, 6, value, style)


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
