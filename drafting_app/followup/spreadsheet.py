"""The yearly review as a spreadsheet (openpyxl): indicators, contracts, renewals, problems."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from drafting_app.files.atomic import atomic_write_bytes
from drafting_app.followup.bilan import HOLDER_LABELS, Bilan
from drafting_app.followup.indicators import INDICATORS, Unit

MONEY_FORMAT = '#,##0.00\\ "€"'
SHARE_FORMAT = '0.0\\ "%"'
NUMBER_FORMAT = "#,##0"
DATE_FORMAT = "dd/mm/yyyy"
_FORMATS = {Unit.MONEY: MONEY_FORMAT, Unit.SHARE: SHARE_FORMAT, Unit.HOURS: NUMBER_FORMAT,
            Unit.COUNT: NUMBER_FORMAT}


def _append(sheet: Any, values: list[Any]) -> None:
    """A row; user text loses the control characters a worksheet cannot hold."""
    from drafting_app.documents.xlsx_package import cell_text

    sheet.append([cell_text(value) if isinstance(value, str) else value for value in values])


def _sheet(book: Any, title: str, header: list[str], widths: list[int]) -> Any:
    from openpyxl.styles import Font, PatternFill

    sheet = book.create_sheet(title)
    _append(sheet, header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DCE6F1")
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[chr(64 + index)].width = width
    sheet.freeze_panes = "A2"
    return sheet


def write_spreadsheet(bilan: Bilan, out: Path) -> None:
    """Write the review as an .xlsx file, atomically."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    definitions = {item.id: item.definition for item in INDICATORS}
    sheet = _sheet(book, "Indicateurs", ["Indicateur", "Identifiant", "Valeur", "Unité",
                                         "Objectif", "Atteint", "Dossiers comptés", "Remarque",
                                         "Définition"], [48, 28, 16, 10, 16, 10, 60, 50, 80])
    for figure in bilan.figures:
        reached = figure.reached()
        _append(sheet, [
            figure.label, figure.id,
            float(figure.value) if figure.value is not None else "sans objet",
            figure.unit.value, float(figure.target) if figure.target is not None else None,
            None if reached is None else ("oui" if reached else "non"),
            ", ".join(figure.sources), figure.note, definitions[figure.id]])
        for column in (3, 5):
            sheet.cell(sheet.max_row, column).number_format = _FORMATS[figure.unit]
    sheet = _sheet(book, "Marchés et conventions", [
        "Fichier", "Référence", "Intitulé", "Type", "Service", "Notification", "Fin",
        "Montant estimé HT", "Montant attribué HT", "Considérations sociales",
        "Considérations environnementales", "Heures prévues", "Heures réalisées (période)",
        "Lots réservés", "Titulaires"], [40, 16, 50, 20, 28, 12, 12, 18, 18, 36, 36, 14, 14, 12,
                                         70])
    year = bilan.scope.year
    for record in bilan.counted:
        done = [y.hours for y in record.years
                if y.hours is not None and (year is None or y.year == year)]
        holders = "; ".join(f"{h.name} ({HOLDER_LABELS.get(h.kind, h.kind)}, "
                            f"SIRET {h.siret or '—'})"
                            for lot in record.lots for h in lot.holders)
        _append(sheet, [
            record.path, record.reference, record.title, record.kind, record.service,
            record.notification, record.end, float(record.estimated), float(record.awarded),
            ", ".join(record.social), ", ".join(record.environmental), record.planned_hours,
            float(sum(done)) if done else None,
            sum(1 for lot in record.lots if lot.reservation is not None), holders])
        row = sheet.max_row
        for column in (6, 7):
            sheet.cell(row, column).number_format = DATE_FORMAT
        for column in (8, 9):
            sheet.cell(row, column).number_format = MONEY_FORMAT
    sheet = _sheet(book, "Renouvellements", ["Référence", "Intitulé", "Fin", "Famille",
                                             "Montant HT", "Pistes", "Structures connues"],
                   [16, 50, 12, 22, 18, 80, 60])
    for renewal in bilan.renewals:
        _append(sheet, [renewal.record.reference, renewal.record.title, renewal.end,
                      renewal.family, float(renewal.amount), " ; ".join(renewal.suggestions),
                      ", ".join(renewal.known_operators)])
        sheet.cell(sheet.max_row, 3).number_format = DATE_FORMAT
        sheet.cell(sheet.max_row, 5).number_format = MONEY_FORMAT
    sheet = _sheet(book, "Points d’attention", ["Fichier", "Problème"], [50, 120])
    for item in bilan.register.unreadable:
        _append(sheet, [item.path, "illisible, non compté : " + " ; ".join(item.problems)])
    for twin in bilan.register.duplicates:
        _append(sheet, [", ".join(twin.paths), f"référence {twin.reference} portée par plusieurs "
                      "dossiers"])
    buffer = io.BytesIO()
    book.save(buffer)
    atomic_write_bytes(out, buffer.getvalue())
