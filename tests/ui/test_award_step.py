"""The award and execution step: typed like a user, saved, read back, counted by the Suivi."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from drafting_app.dossier.award import Grouping, HolderKind, PriceKind
from drafting_app.dossier.model import Award, Dossier
from drafting_app.dossier.storage import load_dossier
from drafting_app.ui.dossier_editor import STEP_VALID_ROLE, DossierEditor
from drafting_app.ui.draft import validate_draft
from drafting_app.ui.field_specs import Kind, describe_field, field_texts
from drafting_app.ui.followup_screen import FollowupScreen
from drafting_app.ui.i18n import ui_translation
from drafting_app.ui.main_window import MainWindow
from drafting_app.ui.model_form import TableEditor
from drafting_app.ui.value_inputs import ChoiceEditor, Editor
from tests.conftest import LIBRARY
from tests.ui.ui_helpers import choose, type_text

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TENDER_EXAMPLE = "marche_espaces_verts.json"  # two lots: 1 (parcs), 2 (cours d'écoles)
CONVENTION_EXAMPLE = "convention_tiers_lieu.json"


def open_copy(window: MainWindow, folder: Path, example: str) -> DossierEditor:
    """Open a copy of an example kept in `folder` (saved there, where the Suivi reads)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / example
    shutil.copy(EXAMPLES / example, path)
    assert window.open_path(path)
    assert window.editor is not None
    return window.editor


def unstamped(dossier: Dossier) -> Dossier:
    """The dossier without the clause versions that saving records (where-used)."""
    return dossier.model_copy(update={"clauses": tuple(
        clause.model_copy(update={"version": None}) for clause in dossier.clauses)})


def award_step(editor: DossierEditor) -> int:
    index = next(i for i, step in enumerate(editor.steps) if step.key == "award")
    editor.go_to(index)
    return index


def field(editor: DossierEditor, dotted: str) -> Editor:
    found = editor.editor_at(dotted)
    assert found is not None, dotted
    return found


def table(editor: DossierEditor, dotted: str) -> TableEditor:
    found = editor.table_at(dotted)
    assert found is not None, dotted
    return found


def holders_of(lots: TableEditor, row: int) -> TableEditor:
    """Select a lot award and give its holders' table (edited below the lots' table)."""
    lots.focus_cell(row, 0)
    assert lots.detail_form is not None
    inner = [block for _path, _box, block in lots.detail_form.blocks
             if isinstance(block, TableEditor)]
    assert len(inner) == 1
    return inner[0]


def column(editor_table: TableEditor, name: str) -> int:
    return [spec.name for spec, _text in editor_table.columns].index(name)


def cell(editor_table: TableEditor, row: int, name: str) -> Editor:
    return editor_table.cells[row][column(editor_table, name)]


def add_holder(qtbot: QtBot, holders: TableEditor, name: str, siret: str, kind: str,
               amount: str | None = None) -> None:
    holders.add_row()
    row = len(holders.cells) - 1
    type_text(qtbot, cell(holders, row, "name"), name)
    type_text(qtbot, cell(holders, row, "siret"), siret)
    choose(cell(holders, row, "kind"), kind)
    if amount is not None:
        type_text(qtbot, cell(holders, row, "amount"), amount)


def notified_with_a_lot(qtbot: QtBot, window: MainWindow,
                        folder: Path) -> tuple[DossierEditor, TableEditor]:
    """The tender example on its award step, notified, with one awarded lot's row added."""
    editor = open_copy(window, folder, TENDER_EXAMPLE)
    award_step(editor)
    type_text(qtbot, field(editor, "award.notification_date"), "15/03/2027")
    lots = table(editor, "award.lots")
    lots.add_row()
    return editor, lots


def fill_two_lots(qtbot: QtBot, editor: DossierEditor) -> None:
    """Lot 1 to one SIAE; lot 2 to two co-holders (a severally liable group)."""
    award_step(editor)
    type_text(qtbot, field(editor, "award.notification_date"), "15/03/2027")
    type_text(qtbot, field(editor, "award.service"), "Direction des espaces verts")
    type_text(qtbot, field(editor, "award.execution_place"), "49170")
    choose(field(editor, "award.price_kind"), "Prix unitaires")
    lots = table(editor, "award.lots")
    lots.add_row()
    assert cell(lots, 0, "lot").value() == 1  # the first lot not awarded yet is proposed
    type_text(qtbot, cell(lots, 0, "amount"), "118 500,00")
    type_text(qtbot, cell(lots, 0, "offers_received"), "4")
    add_holder(qtbot, holders_of(lots, 0), "Jardins de Loire", "412 345 678 00012", "SIAE")
    lots.add_row()
    assert cell(lots, 1, "lot").value() == 2
    type_text(qtbot, cell(lots, 1, "amount"), "45 000")
    type_text(qtbot, cell(lots, 1, "offers_received"), "2")
    holders = holders_of(lots, 1)
    add_holder(qtbot, holders, "ESAT du Val", "77889900100011", "ESAT", "15 000")
    add_holder(qtbot, holders, "Paysages Martin", "51234567800027", "PME", "30 000")
    assert lots.detail_form is not None
    grouping = lots.detail_form.editor_at(("award", "lots", 1, "grouping"))
    assert grouping is not None and grouping.isVisibleTo(lots)  # co-holders: asked
    choose(grouping, "Solidaire")
    subcontracting = lots.detail_form.editor_at(("award", "lots", 1, "subcontracting_declared"))
    assert subcontracting is not None
    choose(subcontracting, "Non")
    years = table(editor, "award.execution")
    years.add_row()
    assert cell(years, 0, "year").value() == 2027  # the year of the notification
    type_text(qtbot, cell(years, 0, "amount_spent"), "52 300,50")
    type_text(qtbot, cell(years, 0, "insertion_hours"), "812,5")
    assert years.detail_form is not None
    comment = years.detail_form.editor_at(("award", "execution", 0, "comment"))
    assert comment is not None
    type_text(qtbot, comment, "Bilan du facilitateur reçu en janvier.")
    years.add_row()
    assert cell(years, 1, "year").value() == 2028
    type_text(qtbot, cell(years, 1, "insertion_hours"), "1 020")


def test_a_tender_award_typed_like_a_user_saves_reopens_and_counts(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    folder = tmp_path / "registre"
    editor = open_copy(window, folder, TENDER_EXAMPLE)
    index = award_step(editor)
    assert editor.steps[index].title == "Attribution et exécution"
    assert editor.steps[index + 1].special == "documents"
    assert editor.steps[index - 1].title == "Prix et paiement"
    fill_two_lots(qtbot, editor)
    editor.wait_analysis()
    assert editor.problems() == {}
    assert bool(editor.nav.item(index).data(STEP_VALID_ROLE))
    path = folder / TENDER_EXAMPLE
    assert window.write(path)

    saved = load_dossier(path)
    award = saved.award
    assert award is not None
    assert award.notification_date == dt.date(2027, 3, 15)
    assert award.service == "Direction des espaces verts"
    assert award.execution_place == "49170"
    assert award.price_kind is PriceKind.UNIT
    assert [lot.lot for lot in award.lots] == [1, 2]
    first, second = award.lots
    assert first.amount == Decimal("118500.00") and first.offers_received == 4
    assert [(h.name, h.siret, h.kind, h.amount) for h in first.holders] == [
        ("Jardins de Loire", "41234567800012", HolderKind.SIAE, None)]
    assert second.amount == Decimal("45000.00") and second.offers_received == 2
    assert [(h.name, h.siret, h.kind, h.amount) for h in second.holders] == [
        ("ESAT du Val", "77889900100011", HolderKind.ESAT, Decimal("15000.00")),
        ("Paysages Martin", "51234567800027", HolderKind.SME, Decimal("30000.00"))]
    assert second.grouping is Grouping.SEVERAL and second.subcontracting_declared is False
    assert [(y.year, y.amount_spent, y.insertion_hours, y.comment) for y in award.execution] == [
        (2027, Decimal("52300.50"), Decimal("812.5"), "Bilan du facilitateur reçu en janvier."),
        (2028, None, Decimal("1020"), "")]
    # the rest of the dossier is the example as it was
    example = load_dossier(EXAMPLES / TENDER_EXAMPLE)
    assert unstamped(saved.model_copy(update={"award": None})) == example

    # reopened: the same data, shown again as typed
    window.dirty = False
    assert window.open_path(path)
    reopened = window.editor
    assert reopened is not None
    lots = table(reopened, "award.lots")
    assert [cell(lots, row, "lot").inner.currentText()  # type: ignore[attr-defined]
            for row in range(2)] == ["Lot 1 — Entretien des parcs, jardins et cimetières",
                                     "Lot 2 — Entretien des cours d’écoles et des abords des "
                                     "équipements sportifs"]
    assert cell(lots, 0, "amount").line.text() == "118\u202f500,00"  # type: ignore[attr-defined]
    assert cell(table(reopened, "award.execution"), 0, "year").line.text() == "2027"  # type: ignore[attr-defined]
    dossier, problems = validate_draft(reopened.draft())
    assert problems == [] and dossier == saved

    # the Suivi screen, on the folder that holds it, counts it for 2027
    screen = FollowupScreen(ui_translation().gettext, LIBRARY, tmp_path / "cache",
                            today=lambda: dt.date(2027, 12, 1), ask_path=lambda *_a: None)
    qtbot.addWidget(screen)
    screen.folder.setText(str(folder))
    screen.year.setValue(2027)
    screen.refresh()
    qtbot.waitUntil(lambda: screen.loaded is not None, timeout=60_000)
    screen.worker.wait_idle()
    assert screen.loaded is not None
    bilan = screen.loaded.bilan
    notified = bilan.figure("marches_notifies")
    assert notified.value == 1 and notified.sources == (TENDER_EXAMPLE,)
    assert bilan.figure("montant_notifie").value == Decimal("163500.00")
    assert bilan.figure("montant_siae").value == Decimal("118500.00")
    assert bilan.figure("montant_ea_esat").value == Decimal("15000.00")
    assert bilan.figure("heures_realisees").value == Decimal("812.5")


def test_an_empty_step_leaves_no_award_and_the_dossier_complete(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    editor = open_copy(window, tmp_path, TENDER_EXAMPLE)
    editor.wait_analysis()
    findings = sorted(f.code for f in editor.analysis.findings)  # type: ignore[union-attr]
    index = award_step(editor)
    assert editor.draft()["award"] is None  # showing the step writes nothing
    # a buyer starts, then thinks better of it: every field emptied again
    service = field(editor, "award.service")
    type_text(qtbot, service, "Achats")
    assert editor.draft()["award"] == {"service": "Achats"}
    type_text(qtbot, service, "")
    choose(field(editor, "award.price_kind"), "Prix mixtes")
    choose(field(editor, "award.price_kind"), "— non renseigné —")
    type_text(qtbot, field(editor, "award.notification_date"), "")
    lots = table(editor, "award.lots")
    lots.add_row()
    lots.remove_current()
    years = table(editor, "award.execution")
    years.add_row()
    years.remove_current()
    assert editor.draft()["award"] is None
    editor.go_to(index + 1)  # leaving the step shows what it lacks: nothing
    editor.wait_analysis()
    analysis = editor.analysis
    assert analysis is not None and analysis.dossier is not None
    assert analysis.problems == ()
    assert sorted(f.code for f in analysis.findings) == findings
    assert bool(editor.nav.item(index).data(STEP_VALID_ROLE))
    assert editor.nav.item(index).toolTip() == "Facultative : à remplir une fois le marché notifié"
    assert editor.notice.isHidden()
    path = tmp_path / "sans_attribution.json"
    assert window.write(path)
    assert json.loads(path.read_text("utf-8"))["award"] is None
    # an old dossier (schema 1, no award) reads back unchanged
    assert unstamped(load_dossier(path)) == load_dossier(EXAMPLES / TENDER_EXAMPLE)


def test_once_started_the_required_fields_are_asked_for(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    editor = open_copy(window, tmp_path, TENDER_EXAMPLE)
    index = award_step(editor)
    lots = table(editor, "award.lots")
    lots.add_row()
    editor.go_to(index + 1)
    editor.wait_analysis()
    assert editor.notice.isHidden() or "Attribution" not in editor.notice.text()
    row = editor.row_at("award.notification_date")
    assert row is not None and row.error.text() == "⚠ à renseigner"
    assert lots.summary.text().splitlines() == [
        "⚠ Ligne 1, Montant attribué (€ HT) : à renseigner"]
    holders = holders_of(lots, 0)
    assert holders.summary.text() == "⚠ à renseigner"
    assert not bool(editor.nav.item(index).data(STEP_VALID_ROLE))
    assert editor.analysis is not None and editor.analysis.dossier is None
    # a holder's SIRET is checked with the model's rule (14 digits)
    add_holder(qtbot, holders, "Régie de quartier", "1234", "SIAE")
    editor.wait_analysis()
    assert holders.summary.text() == "⚠ Ligne 1, SIRET : format attendu : 14 chiffres"
    assert cell(holders, 0, "siret").inner.palette().base().color().name() == "#fde7e9"


def test_co_holder_shares_that_miss_the_lot_amount_are_said_on_the_lot(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    editor, lots = notified_with_a_lot(qtbot, window, tmp_path)
    type_text(qtbot, cell(lots, 0, "amount"), "45 000")
    holders = holders_of(lots, 0)
    add_holder(qtbot, holders, "ESAT du Val", "77889900100011", "ESAT", "15 000")
    add_holder(qtbot, holders, "Paysages Martin", "51234567800027", "PME")
    editor.wait_analysis()
    assert lots.row_error.text() == "⚠ plusieurs titulaires : indiquez le montant de chacun"
    type_text(qtbot, cell(holders, 1, "amount"), "25 000")
    editor.wait_analysis()
    message = "les montants des titulaires ne font pas le montant du lot"
    assert lots.row_error.text() == f"⚠ {message}" and lots.row_error.isVisibleTo(lots)
    assert f"⚠ Ligne 1 : {message}" in lots.summary.text().splitlines()
    type_text(qtbot, cell(holders, 1, "amount"), "30 000")
    editor.wait_analysis()
    assert lots.row_error.isHidden() and lots.summary.isHidden()
    assert editor.problems() == {}


def test_the_lot_is_chosen_among_the_tender_lots_and_follows_them(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    editor, lots = notified_with_a_lot(qtbot, window, tmp_path)
    choice = cell(lots, 0, "lot")
    assert isinstance(choice, ChoiceEditor)
    assert [choice.combo.itemText(i) for i in range(choice.combo.count())] == [
        "— non renseigné —", "Lot 1 — Entretien des parcs, jardins et cimetières",
        "Lot 2 — Entretien des cours d’écoles et des abords des équipements sportifs"]
    choose(choice, "Lot 2 — Entretien des cours d’écoles et des abords des équipements sportifs")
    type_text(qtbot, cell(lots, 0, "amount"), "45 000")
    add_holder(qtbot, holders_of(lots, 0), "Régie de quartier", "41234567800012", "SIAE")
    editor.wait_analysis()
    assert editor.problems() == {}
    # lot 2 is removed from the tender: the award keeps its number and says so on the field
    editor.go_to(2)
    tender_lots = table(editor, "tender.lots")
    tender_lots.focus_cell(1, 0)
    tender_lots.remove_current()
    editor.wait_analysis()
    assert choice.combo.currentText() == "Lot 2 (absent du marché)"
    assert editor.draft()["award"]["lots"][0]["lot"] == 2
    assert editor.problems() == {
        ("award", "lots", 0, "lot"): "le lot n° 2 n’existe pas dans le marché"}
    assert lots.summary.text() == ("⚠ Ligne 1, Lot : le lot n° 2 n’existe pas dans le marché")
    # and the findings panel names the field, which a click reaches
    widget = editor.focus_path(("award", "lots", 0, "lot"))
    assert widget is choice


def test_a_convention_payments_and_evaluation_round_trip(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    editor = open_copy(window, tmp_path, CONVENTION_EXAMPLE)
    index = award_step(editor)
    assert editor.steps[index].title == "Versements et évaluation"
    assert editor.steps[index + 1].special == "documents"
    assert editor.table_at("award.lots") is None and editor.table_at("award.execution") is None
    assert editor.editor_at("award.price_kind") is None
    date = editor.row_at("award.notification_date")
    assert date is not None and date.label.text() == "Date de notification de la convention"
    type_text(qtbot, date.editor, "20/01/2027")
    type_text(qtbot, field(editor, "award.service"), "Mission ESS")
    payments = table(editor, "award.payments")
    assert payments.add_button.text() == "Ajouter un versement"
    for row, (day, amount, label) in enumerate((("05/02/2027", "12 000", "Avance"),
                                                ("30/06/2027", "8 000,50", "Solde"))):
        payments.add_row()
        type_text(qtbot, cell(payments, row, "date"), day)
        type_text(qtbot, cell(payments, row, "amount"), amount)
        type_text(qtbot, cell(payments, row, "label"), label)
    type_text(qtbot, field(editor, "award.evaluation"),
              "Objectifs atteints : 42 ateliers, 310 participants.")
    editor.wait_analysis()
    assert editor.problems() == {}
    path = tmp_path / CONVENTION_EXAMPLE
    assert window.write(path)
    award = load_dossier(path).award
    assert award == Award(
        notification_date=dt.date(2027, 1, 20), service="Mission ESS",
        payments=({"date": dt.date(2027, 2, 5), "amount": Decimal("12000.00"),
                   "label": "Avance"},
                  {"date": dt.date(2027, 6, 30), "amount": Decimal("8000.50"),
                   "label": "Solde"}),
        evaluation="Objectifs atteints : 42 ateliers, 310 participants.")
    window.dirty = False
    assert window.open_path(path)
    assert window.editor is not None
    dossier, problems = validate_draft(window.editor.draft())
    assert problems == [] and dossier is not None and dossier.award == award


@pytest.mark.parametrize(("example", "expected"), [
    (TENDER_EXAMPLE, {"notification_date", "service", "end_date", "execution_place",
                      "price_kind", "lots", "execution"}),
    (CONVENTION_EXAMPLE, {"notification_date", "service", "end_date", "payments",
                          "evaluation"}),
])
def test_every_award_field_of_the_kind_has_a_french_editor(
    window: MainWindow, example: str, expected: set[str], tmp_path: Path
) -> None:
    editor = open_copy(window, tmp_path, example)
    texts = field_texts(lambda s: s, editor.kind)
    shown = set()
    for name in Award.model_fields:
        dotted = f"award.{name}"
        if editor.editor_at(dotted) is not None or editor.table_at(dotted) is not None:
            shown.add(name)
            assert texts[dotted].label and texts[dotted].help, dotted
    assert shown == expected
    # every column and detail of the award's tables is labelled in French
    for pattern in ("award.lots[]", "award.lots[].holders[]", "award.execution[]",
                    "award.payments[]"):
        owner: Any = Award
        for part in pattern.replace("[]", "").split(".")[1:]:
            spec = describe_field(part, owner.model_fields[part])
            assert spec.kind is Kind.TABLE
            owner = spec.model
        for name in owner.model_fields:
            assert texts[f"{pattern}.{name}"].label, f"{pattern}.{name}"


def test_old_dossiers_open_and_save_unchanged(window: MainWindow, tmp_path: Path) -> None:
    for example in sorted(EXAMPLES.glob("*.json")):
        assert window.open_path(example)
        path = tmp_path / example.name
        assert window.write(path)
        assert json.loads(path.read_text("utf-8"))["award"] is None
        assert unstamped(load_dossier(path)) == unstamped(load_dossier(example))


def test_values_coded_alike_keep_their_own_labels(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    """`siae` is a reservation of a lot and a kind of holder: each list says its own word."""
    editor = open_copy(window, tmp_path, TENDER_EXAMPLE)
    reservation = cell(table(editor, "tender.lots"), 1, "reservation")
    assert isinstance(reservation, ChoiceEditor)
    assert reservation.combo.currentText() == "SIAE (L2113-13)"
    award_step(editor)
    lots = table(editor, "award.lots")
    lots.add_row()
    holders = holders_of(lots, 0)
    add_holder(qtbot, holders, "Régie de quartier", "41234567800012", "SIAE")
    kind = cell(holders, 0, "kind")
    assert isinstance(kind, ChoiceEditor)
    assert [kind.combo.itemText(i) for i in range(kind.combo.count())] == [
        "— non renseigné —", "SIAE", "Entreprise adaptée", "ESAT", "Autre ESS", "PME", "Autre"]
    buyer_kind = field(editor, "buyer.kind")
    assert isinstance(buyer_kind, ChoiceEditor)
    labels = [buyer_kind.combo.itemText(i) for i in range(buyer_kind.combo.count())]
    assert labels[-1] == "Autre pouvoir adjudicateur"
