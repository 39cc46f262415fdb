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
