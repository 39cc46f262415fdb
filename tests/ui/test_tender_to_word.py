"""A tender drafted from the start screen to its Word files, as a newcomer would do it."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import openpyxl
import pytest
from PySide6.QtCore import Qt, QUrl
from pytestqt.qtbot import QtBot

from drafting_app.documents.generate import PRICE_SCHEDULE
from drafting_app.ui.dossier_editor import DossierEditor
from drafting_app.ui.main_window import MainWindow
from drafting_app.ui.value_inputs import ChoiceEditor, Editor
from tests.ui.ui_helpers import choose, type_text


def field(editor: DossierEditor, dotted: str) -> Editor:
    found = editor.editor_at(dotted)
    assert found is not None, dotted
    return found


def next_step(qtbot: QtBot, editor: DossierEditor, title: str) -> None:
    qtbot.mouseClick(editor.next_button, Qt.MouseButton.LeftButton)
    assert editor.steps[editor.current_step()].title == title


def word_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    for section in document.sections:
        parts.extend(p.text for p in section.header.paragraphs)
    return "\n".join(parts)


@pytest.mark.libreoffice
def test_tender_from_start_screen_to_word_files(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, opened: list[QUrl]
) -> None:
    qtbot.mouseClick(window.start.new_buttons["marche_public"], Qt.MouseButton.LeftButton)
    editor = window.editor
    assert editor is not None
    assert [s.title for s in editor.steps] == [
        "Acheteur", "Objet et procédure", "Lots", "Clauses", "Critères", "Prix et paiement",
        "Attribution et exécution", "Documents"]

    # 1. buyer
    type_text(qtbot, field(editor, "title"), "Restauration scolaire 2027")
    type_text(qtbot, field(editor, "buyer.name"), "Commune de Val-d’Essai")
    choose(field(editor, "buyer.kind"), "Commune")
    type_text(qtbot, field(editor, "buyer.address.street"), "2 rue de la Mairie")
    type_text(qtbot, field(editor, "buyer.address.postcode"), "49000")
    type_text(qtbot, field(editor, "buyer.address.city"), "Angers")
    type_text(qtbot, field(editor, "buyer.siret"), "214 900 073 00013")  # spaces as people type
    type_text(qtbot, field(editor, "buyer.signatory.name"), "M. Paul Durand")
    type_text(qtbot, field(editor, "buyer.signatory.title"), "Maire")
    assert editor.draft()["buyer"]["siret"] == "21490007300013"

    # 2. object and procedure
    next_step(qtbot, editor, "Objet et procédure")
    type_text(qtbot, field(editor, "tender.object"),
              "Fourniture et livraison de repas pour les écoles")
    type_text(qtbot, field(editor, "tender.reference"), "2027-RS-001")
    choose(field(editor, "tender.contract_kind"), "Services")
    choose(field(editor, "tender.procedure"), "Procédure adaptée (MAPA)")
    choose(field(editor, "tender.ccag"), "CCAG-FCS — fournitures courantes et services")
    type_text(qtbot, field(editor, "tender.launch_date"), "15/01/2027")
    assert editor.draft()["tender"]["launch_date"] == "2027-01-15"

    # 3. lots: a table, amounts typed the French way
    next_step(qtbot, editor, "Lots")
    lots = editor.table_at("tender.lots")
    assert lots is not None
    for title, amount in (("Repas des écoles", "150 000,00"), ("Goûters", "20 000")):
        qtbot.mouseClick(lots.add_button, Qt.MouseButton.LeftButton)
        row = len(lots.cells) - 1
        type_text(qtbot, lots.cells[row][1], title)
        type_text(qtbot, lots.cells[row][2], amount)
    reservation = lots.cells[1][3]
    assert isinstance(reservation, ChoiceEditor)
    choose(reservation, "SIAE (L2113-13)")
    assert [lot["estimated_amount"] for lot in editor.draft()["tender"]["lots"]] == [
        "150000.00", "20000.00"]
    assert lots.cells[0][2].line.text() == "150\u202f000,00"  # type: ignore[attr-defined]

    # 4. clauses: search without accents, fill the values, aim at lot 1
    next_step(qtbot, editor, "Clauses")
    assert editor.clause_step is not None
    browser = editor.clause_step.browser
    qtbot.keyClicks(browser.search, "insertion heures")
    assert browser.clause is not None
    assert browser.select_clause("insertion-condition-execution")
    values = browser.values.editors
    type_text(qtbot, values["part_main_oeuvre"], "70")
    type_text(qtbot, values["taux_insertion"], "7")
    type_text(qtbot, values["cout_horaire"], "30")
    type_text(qtbot, values["facilitateur"], "Maison de l’emploi, 02 41 00 00 00")
    type_text(qtbot, values["penalite_horaire"], "45")
    browser.some.setChecked(True)
    lot_one = dict(browser.lot_boxes)[1]
    lot_one.setChecked(True)
    qtbot.mouseClick(browser.add_button, Qt.MouseButton.LeftButton)
    chosen = editor.draft()["clauses"]
    assert chosen[0]["id"] == "insertion-condition-execution"
    assert chosen[0]["lots"] == [1]
    assert chosen[0]["values"]["part_main_oeuvre"] == "70"

    # 5. criteria
    next_step(qtbot, editor, "Critères")
    criteria = editor.table_at("tender.criteria")
    assert criteria is not None
    for name, kind, weight in (("Prix", "Prix", "60"),
                               ("Qualité environnementale des repas", "Environnemental", "40")):
        qtbot.mouseClick(criteria.add_button, Qt.MouseButton.LeftButton)
        row = len(criteria.cells) - 1
        type_text(qtbot, criteria.cells[row][0], name)
        choose(criteria.cells[row][1], kind)
        type_text(qtbot, criteria.cells[row][2], weight)

    # 6. price, then 7. documents
    next_step(qtbot, editor, "Prix et paiement")
    next_step(qtbot, editor, "Attribution et exécution")  # optional before notification
    next_step(qtbot, editor, "Documents")
    editor.wait_analysis()
    assert editor.analysis is not None and editor.analysis.dossier is not None, [
        (p.path, p.message) for p in editor.analysis.problems]
    panel = editor.generate_panel
    assert panel.button.isEnabled()
    out = tmp_path / "pièces"
    panel.folder.setText(str(out))
    qtbot.mouseClick(panel.button, Qt.MouseButton.LeftButton)
    assert panel.progress.isVisible()
    qtbot.waitUntil(lambda: panel.written is not None, timeout=60_000)
    assert panel.written is not None
    files = {item.path.name for item in panel.written.files}
    assert "CCAP_2027-RS-001.docx" in files
    for item in panel.written.files:
        assert item.path.is_file() and item.path.parent == out

    ccap = word_text(out / "CCAP_2027-RS-001.docx")
    assert "Commune de Val-d’Essai" in ccap
    assert "Fourniture et livraison de repas pour les écoles" in ccap
    assert "Action d’insertion professionnelle" in ccap
    assert "245 heures" in ccap  # 150 000 € × 70 % × 7 % ÷ 30 €, lot 1 only
    # the clause's full text (facilitator included) is in the social annex the CCAP refers to
    annex = word_text(out / "Annexe_clause_sociale_2027-RS-001.docx")
    assert "Maison de l’emploi, 02 41 00 00 00" in annex
    # the price schedule is one of the pieces, written as a spreadsheet
    assert PRICE_SCHEDULE in panel.chosen_pieces()
    schedules = sorted(name for name in files if name.endswith(".xlsx"))
    assert schedules == ["Cadre_de_prix_lot1_2027-RS-001.xlsx",
                         "Cadre_de_prix_lot2_2027-RS-001.xlsx"]  # one per lot
    listed = [panel.pieces.item(row).text() for row in range(panel.pieces.count())]
    assert "Cadre de prix (tableur : BPU, DQE ou DPGF) (un par lot : 2)" in listed
    sheets = openpyxl.load_workbook(out / schedules[0]).sheetnames
    assert sheets and set(sheets) <= {"BPU", "DQE", "DPGF"}
    # the RC's sommaire has its page numbers (LibreOffice laid the pieces out once)
    if panel.page_numbers.isEnabled():
        assert panel.page_numbers.isChecked()
        rc = word_text(out / "RC_2027-RS-001.docx")
        assert "Numéros de page à mettre à jour" not in rc
        assert re.search(r"Article\W1\W+Acheteur\t\d+", rc), rc[:600]

    # open a document with the system's application
    panel.results.setCurrentRow(0)
    qtbot.mouseClick(panel.open_document_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.open_folder_button, Qt.MouseButton.LeftButton)
    assert [Path(url.toLocalFile()) for url in opened] == [panel.written.files[0].path, out]
