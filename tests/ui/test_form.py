"""The guided form: built from the model, French input, inline validation, relevance, keys."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from drafting_app.dossier.model import AdvisorAnswers, Buyer, Dossier, Subsidy, Tender
from drafting_app.dossier.storage import load_dossier
from drafting_app.ui.dossier_editor import DossierEditor
from drafting_app.ui.draft import validate_draft
from drafting_app.ui.field_specs import Kind, describe_field, field_texts
from drafting_app.ui.main_window import MainWindow
from drafting_app.ui.model_form import ModelForm
from tests.ui.ui_helpers import activate, choose, type_text

Write = Callable[[dict[str, Any], str], Path]
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def new_editor(qtbot: QtBot, window: MainWindow, kind: str) -> DossierEditor:
    qtbot.mouseClick(window.start.new_buttons[kind], Qt.MouseButton.LeftButton)
    assert window.editor is not None
    return window.editor


def leaf_paths(model: type[BaseModel], prefix: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Every field of a model as the form should edit it: nested models opened up."""
    out = []
    for name, info in model.model_fields.items():
        spec = describe_field(name, info)
        if spec.kind is Kind.GROUP and spec.model is not None:
            out.extend(leaf_paths(spec.model, (*prefix, name)))
        elif spec.kind is not Kind.HIDDEN:
            out.append((*prefix, name))
    return out


def edited(editor: DossierEditor, path: tuple[str, ...]) -> bool:
    dotted = ".".join(path)
    if editor.editor_at(dotted) is not None or editor.table_at(dotted) is not None:
        return True
    return editor.clause_step is not None and editor.clause_step.form.editor_at(path) is not None


@pytest.mark.parametrize(("kind", "models"), [
    ("marche_public", ((Buyer, ("buyer",)), (Tender, ("tender",)))),
    ("convention_annuelle", ((Buyer, ("buyer",)), (Subsidy, ("subsidy",)),
                             (AdvisorAnswers, ("advisor",)))),
])
def test_every_model_field_gets_an_editor(
    qtbot: QtBot, window: MainWindow, kind: str,
    models: tuple[tuple[type[BaseModel], tuple[str, ...]], ...],
) -> None:
    """Built from the model: a field added to it appears without new widget code."""
    editor = new_editor(qtbot, window, kind)
    texts = field_texts(lambda s: s)
    missing = []
    for model, prefix in models:
        for path in leaf_paths(model, prefix):
            if texts.get(".".join(path)) is not None and texts[".".join(path)].hidden:
                continue
            if not edited(editor, path):
                missing.append(".".join(path))
    assert missing == []
    assert editor.editor_at("title") is not None
    assert "title" in Dossier.model_fields


def test_french_amounts_and_dates(qtbot: QtBot, window: MainWindow) -> None:
    editor = new_editor(qtbot, window, "convention_annuelle")
    editor.go_to(3)
    amount = editor.editor_at("subsidy.annual_amount")
    assert amount is not None
    type_text(qtbot, amount, "35 000,5")
    assert editor.draft()["subsidy"]["annual_amount"] == "35000.50"
    assert amount.line.text() == "35\u202f000,50"  # type: ignore[attr-defined]
    type_text(qtbot, amount, "35 000,5 €")
    assert editor.draft()["subsidy"]["annual_amount"] == "35000.50"
    type_text(qtbot, amount, "trente mille")
    row = editor.row_at("subsidy.annual_amount")
    assert row is not None
    assert not row.error.isHidden()
    assert row.error.text() == "⚠ un nombre est attendu, par exemple 12 500,00"
    editor.go_to(2)
    start = editor.editor_at("subsidy.start_date")
    assert start is not None
    type_text(qtbot, start, "1/3/2027")
    assert editor.draft()["subsidy"]["start_date"] == "2027-03-01"
    assert start.line.text() == "01/03/2027"  # type: ignore[attr-defined]
    type_text(qtbot, start, "31/02/2027")
    start_row = editor.row_at("subsidy.start_date")
    assert start_row is not None
    assert start_row.error.text() == "⚠ date invalide : ce jour n’existe pas (jj/mm/aaaa)"


def test_inline_validation_next_to_the_field_with_help_and_reference(
    qtbot: QtBot, window: MainWindow
) -> None:
    editor = new_editor(qtbot, window, "marche_public")
    siret = editor.row_at("buyer.siret")
    assert siret is not None
    assert siret.error.isHidden()  # not touched yet: no red on a blank form
    type_text(qtbot, siret.editor, "1234")
    editor.wait_analysis()
    assert siret.error.text() == "⚠ format attendu : 14 chiffres"
    type_text(qtbot, siret.editor, "21490007300013")
    editor.wait_analysis()
    assert siret.error.isHidden()
    kind = editor.row_at("buyer.kind")
    assert kind is not None
    assert "Réf. : CCP art. R2192-10 ; CCP art. R2192-11" in kind.help.text()
    # leaving the step shows everything that is still missing there
    name = editor.row_at("buyer.name")
    assert name is not None and name.error.isHidden()
    editor.next_step()
    editor.wait_analysis()
    assert name.error.text() == "⚠ à renseigner"
    lots_help = editor.table_at("tender.lots")
    assert lots_help is not None


def test_fields_appear_only_where_relevant(
    qtbot: QtBot, window: MainWindow, write_dossier: Write, tender: dict[str, Any]
) -> None:
    assert window.open_path(write_dossier(tender, "marche.json"))
    editor = window.editor
    assert editor is not None
    editor.go_to(2)
    reason = editor.editor_at("tender.no_lots_reason")
    ess = editor.editor_at("tender.ess_previous_award_within_3_years")
    assert reason is not None and ess is not None
    assert not reason.isVisible()  # two lots: no reason to give
    assert not ess.isVisible()  # no lot reserved to the ESS
    lots = editor.table_at("tender.lots")
    assert lots is not None
    choose(lots.cells[1][3], "Entreprises de l’ESS (L2113-15)")
    assert ess.isVisible()
    choose(lots.cells[1][3], "— non renseigné —")
    assert not ess.isVisible()
    lots.table.setCurrentCell(1, 1)
    qtbot.mouseClick(lots.remove_button, Qt.MouseButton.LeftButton)
    assert len(editor.draft()["tender"]["lots"]) == 1
    assert reason.isVisible()
    editor.go_to(5)
    index = editor.editor_at("tender.price_index")
    assert index is not None and not index.isVisible()
    choose(editor.editor_at("tender.price_form"), "Révisable")  # type: ignore[arg-type]
    assert index.isVisible()


def test_cpo_asks_for_the_amount_of_each_year(qtbot: QtBot, window: MainWindow) -> None:
    annual = new_editor(qtbot, window, "convention_annuelle")
    annual.go_to(3)
    yearly = annual.editor_at("subsidy.yearly_amounts")
    assert yearly is not None and not yearly.isVisible()
    window.dirty = False
    window.go_home()
    cpo = new_editor(qtbot, window, "cpo")
    cpo.go_to(3)
    yearly = cpo.editor_at("subsidy.yearly_amounts")
    assert yearly is not None and yearly.isVisible()
    type_text(qtbot, yearly, "30 000 ; 31 000,50 ; 32 000")
    assert cpo.draft()["subsidy"]["yearly_amounts"] == ["30000", "31000.50", "32000"]
    assert cpo.draft()["subsidy"]["duration_years"] == 3


def test_keyboard_tab_order_and_step_shortcuts(qtbot: QtBot, window: MainWindow) -> None:
    editor = new_editor(qtbot, window, "marche_public")
    activate(qtbot, window)
    order = ["title", "buyer.name", "buyer.kind", "buyer.address.street",
             "buyer.address.postcode", "buyer.address.city", "buyer.siret",
             "buyer.signatory.name", "buyer.signatory.title"]
    first = editor.editor_at(order[0])
    assert first is not None
    assert QApplication.focusWidget() is first.inner  # a new dossier starts in its first field
    for dotted in order[1:]:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        expected = editor.editor_at(dotted)
        assert expected is not None
        assert QApplication.focusWidget() is expected.inner, dotted
    qtbot.keyClick(window, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert editor.current_step() == 1
    qtbot.keyClick(window, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert editor.current_step() == 0
    qtbot.keyClick(window, Qt.Key.Key_F6)
    assert QApplication.focusWidget() is editor.findings.list


def retype(form: ModelForm) -> None:
    """Confirm every value as shown, as if the user had typed it again."""
    for row in form.rows:
        row.editor.edited.emit()
    for _path, _box, inner in form.blocks:
        if isinstance(inner, ModelForm):
            retype(inner)
            continue
        for index, cells in enumerate(inner.cells):
            for cell in cells:
                cell.edited.emit()
            inner.focus_cell(index, 0)
            if inner.detail_form is not None:
                retype(inner.detail_form)


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.json")))
def test_the_editors_give_back_every_example_as_they_show_it(
    window: MainWindow, example: str
) -> None:
    """What an editor shows (12 500,00, 23/11/2026…) reads back as the same value."""
    assert window.open_path(EXAMPLES / example)
    editor = window.editor
    assert editor is not None
    for form in editor.forms:
        if form is not None:
            retype(form)
    dossier, problems = validate_draft(editor.draft())
    assert problems == []
    assert dossier == load_dossier(EXAMPLES / example)


def test_the_side_panel_steps_aside_and_comes_back(qtbot: QtBot, window: MainWindow) -> None:
    editor = new_editor(qtbot, window, "marche_public")
    assert editor.side.isVisible()
    qtbot.mouseClick(editor.panel_button, Qt.MouseButton.LeftButton)
    assert not editor.side.isVisible() and editor.panel_button.text() == "◀ Constats et aperçu"
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_F8)
    assert editor.side.isVisible()
    window.resize(900, 700)  # a small screen: the clause browser takes the room it needs
    editor.go_to(3)
    assert not editor.side.isVisible()
    editor.go_to(4)
    assert editor.side.isVisible()


def test_tab_goes_cell_to_cell_then_out_of_the_table(
    qtbot: QtBot, window: MainWindow, write_dossier: Write, tender: dict[str, Any]
) -> None:
    assert window.open_path(write_dossier(tender, "marche.json"))
    editor = window.editor
    assert editor is not None
    editor.go_to(2)
    activate(qtbot, window)
    lots = editor.table_at("tender.lots")
    assert lots is not None
    title, amount = lots.cells[0][1], lots.cells[0][2]
    lots.focus_cell(0, 1)
    assert QApplication.focusWidget() is title.inner
    qtbot.keyClick(title.inner, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is amount.inner  # the amount, not the lot's title
    qtbot.keyClick(amount.inner, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is lots.cells[0][3].inner
    qtbot.keyClick(lots.cells[0][3].inner, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is lots.cells[1][0].inner  # the next row
    last = lots.cells[-1][-1]
    lots.focus_cell(len(lots.cells) - 1, len(lots.cells[-1]) - 1)
    qtbot.keyClick(last.inner, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is lots.add_button  # out of the table
    qtbot.keyClick(title.inner, Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is lots.cells[0][0].inner
    qtbot.keyClick(lots.cells[0][0].inner, Qt.Key.Key_Backtab)
    focused = QApplication.focusWidget()
    assert focused is not None and not lots.isAncestorOf(focused)  # before the table
    # typing in a cell and tabbing on keeps each value in its own column
    type_text(qtbot, amount, "30.000")
    qtbot.keyClick(amount.inner, Qt.Key.Key_Tab)
    assert editor.draft()["tender"]["lots"][0]["estimated_amount"] == "30000.00"
    assert editor.draft()["tender"]["lots"][0]["title"] == "Repas des écoles"


@pytest.mark.parametrize(("typed", "stored", "shown"), [
    ("30.000", "30000.00", "30\u202f000,00"),
    ("30 000", "30000.00", "30\u202f000,00"),
    ("30,5", "30.50", "30,50"),
    ("1.234.567,5", "1234567.50", "1\u202f234\u202f567,50"),
])
def test_amounts_as_the_french_type_them(qtbot: QtBot, window: MainWindow, typed: str,
                                         stored: str, shown: str) -> None:
    editor = new_editor(qtbot, window, "convention_annuelle")
    editor.go_to(3)
    amount = editor.editor_at("subsidy.annual_amount")
    assert amount is not None
    type_text(qtbot, amount, typed)
    assert editor.draft()["subsidy"]["annual_amount"] == stored
    assert amount.line.text() == shown  # type: ignore[attr-defined]


def test_an_ambiguous_amount_is_refused_never_read_as_thirty_euros(
    qtbot: QtBot, window: MainWindow
) -> None:
    editor = new_editor(qtbot, window, "convention_annuelle")
    editor.go_to(3)
    amount = editor.editor_at("subsidy.annual_amount")
    row = editor.row_at("subsidy.annual_amount")
    assert amount is not None and row is not None
    type_text(qtbot, amount, "30,000")
    assert editor.draft()["subsidy"]["annual_amount"] == "30,000"  # kept as typed, not 30
    assert row.error.text() == ("⚠ « 30,000 » est ambigu : écrivez « 30\u202f000 » ou « 30 » "
                                "(espaces entre les milliers, virgule avant les décimales)")
    editor.wait_analysis()
    assert editor.analysis is not None and editor.analysis.dossier is None
    assert "complet" not in editor.findings.summary.text()
    # leaving the step says there is a wrong value on it
    editor.next_step()
    assert editor.notice.isVisible()
    assert "« Financement » a 1 valeur(s) incorrecte(s)" in editor.notice.text()
    editor.previous_step()
    type_text(qtbot, amount, "30 000")
    editor.next_step()
    assert not editor.notice.isVisible()


def test_a_step_is_ticked_only_when_its_fields_are_valid(
    qtbot: QtBot, window: MainWindow, write_dossier: Write, tender: dict[str, Any]
) -> None:
    from drafting_app.ui.dossier_editor import STEP_VALID_ROLE

    assert window.open_path(write_dossier(tender, "marche.json"))
    editor = window.editor
    assert editor is not None
    editor.wait_analysis()

    def valid() -> list[bool]:
        return [bool(editor.nav.item(i).data(STEP_VALID_ROLE)) for i in range(editor.nav.count())]

    # opened, not visited: valid steps are ticked; the clause step holds a blocking finding
    # (no environmental execution condition), so neither it nor « Documents » is
    # (the award step, empty, is optional: valid)
    assert valid() == [True, True, True, False, True, True, True, False]
    assert editor.nav.item(3).toolTip() == "Pas encore complète"
    editor.go_to(2)
    lots = editor.table_at("tender.lots")
    assert lots is not None
    type_text(qtbot, lots.cells[1][2], "beaucoup")
    editor.wait_analysis()
    # the checks wait for a readable dossier: only the lots step is marked
    assert valid() == [True, True, False, True, True, True, True, False]
    assert editor.nav.item(2).toolTip() == "1 point(s) à voir"
    type_text(qtbot, lots.cells[1][2], "20 000")
    editor.go_to(3)
    assert editor.clause_step is not None
    editor.clause_step.show_more(True)
    condition = editor.clause_step.form.editor_at(("tender", "environmental_condition"))
    assert condition is not None
    type_text(qtbot, condition, "Le CCTP impose la collecte et le recyclage des emballages.")
    editor.wait_analysis()
    assert valid() == [True] * 8
    assert editor.nav.item(3).toolTip() == "Étape complète"


def test_a_convention_speaks_of_the_collectivite_not_a_buyer(
    qtbot: QtBot, window: MainWindow
) -> None:
    editor = new_editor(qtbot, window, "convention_annuelle")
    labels = []
    for dotted in ("title", "buyer.name", "buyer.kind", "buyer.address.street", "buyer.siret",
                   "buyer.signatory.name", "buyer.signatory.title"):
        row = editor.row_at(dotted)
        assert row is not None
        labels.append(row.label.text())
        labels.append(row.help.text())
    assert "Nom de la collectivité" in labels and "Type de collectivité" in labels
    assert not [label for label in labels if "acheteur" in label.lower()]
    assert not any("seuils européens" in label for label in labels)
    name = editor.editor_at("buyer.name")
    assert name is not None
    assert name.line.placeholderText() == "ex. : Département de Maine-et-Loire"  # type: ignore[attr-defined]
    tender_editor = new_editor(qtbot, window, "marche_public")
    tender_name = tender_editor.row_at("buyer.name")
    assert tender_name is not None and tender_name.label.text() == "Nom de l’acheteur"


def test_the_empty_choice_is_worded_the_same_in_every_list(
    qtbot: QtBot, window: MainWindow, write_dossier: Write, tender: dict[str, Any]
) -> None:
    from drafting_app.ui.value_inputs import ChoiceEditor

    assert window.open_path(write_dossier(tender, "marche.json"))
    editor = window.editor
    assert editor is not None and editor.clause_step is not None
    editor.clause_step.browser.select_clause("insertion-condition-execution")
    empties = set()
    for combo_editor in editor.findChildren(ChoiceEditor):
        if None in combo_editor.values:
            empties.add(combo_editor.combo.itemText(combo_editor.values.index(None)))
    assert empties == {"— non renseigné —"}
