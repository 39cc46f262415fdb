"""The legal review screen, on a copy of the clause library: decisions written to disk."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from drafting_app.review.clause_files import read_clause_files
from drafting_app.review.versions import save_edit
from drafting_app.ui.main_window import MainWindow
from drafting_app.ui.review_screen import ConfirmBatchDialog, ReviewScreen
from drafting_app.wording.library import Library, load_library
from drafting_app.wording.model import ClauseStatus
from drafting_app.wording.render import Formats, make_environment

SOURCE = Path(__file__).resolve().parents[2] / "clause_library"
NOW = dt.datetime(2026, 12, 1, 10, 30)
S = ClauseStatus


@pytest.fixture
def library_copy(tmp_path: Path) -> Path:
    """A copy of the shipped clause library: the test writes into it."""
    target = tmp_path / "bibliotheque"
    shutil.copytree(SOURCE, target)
    return target


@pytest.fixture
def screen(qtbot: QtBot, library_copy: Path) -> ReviewScreen:
    """The review screen on the copy, with a fixed clock."""
    widget = ReviewScreen(lambda s: s, library_copy, now=lambda: NOW)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def confirmations(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Accept the batch confirmation; record how many clauses it announced."""
    seen: list[int] = []

    def ask(_parent: object, count: int, _who: str, _tr: object) -> bool:
        seen.append(count)
        return True

    monkeypatch.setattr(ConfirmBatchDialog, "ask", classmethod(
        lambda _cls, parent, count, who, tr: ask(parent, count, who, tr)))
    return seen


def reloaded(root: Path) -> Library:
    """The library as read from disk now."""
    library, problems = load_library(root, make_environment(Formats()))
    assert problems == []
    return library


def category_ids(library: Library, category: str, status: S | None = None) -> list[str]:
    """Ids of a category's clauses (of one status)."""
    return sorted(c.id for c in library.clauses.values() if c.meta.category == category
                  and (status is None or c.meta.status is status))


def test_validates_a_whole_category_in_one_go(
        screen: ReviewScreen, library_copy: Path, confirmations: list[int]) -> None:
    to_review = category_ids(reloaded(library_copy), "marches-reserves", S.TO_REVIEW)
    assert len(to_review) >= 2
    screen.select_filters("marches-reserves", "à valider")
    assert sorted(screen.listed_ids()) == to_review
    assert screen.count.text() == f"{len(to_review)} clause(s)"
    screen.reviewer.setText("Marie Dupont")
    screen.comment.setPlainText("Relu avec la direction des affaires juridiques")
    report = screen.validate_listed()
    assert report is not None and confirmations == [len(to_review)]
    assert sorted(report.validated) == to_review and report.refused == []
    assert f"{len(to_review)} clause(s) validée(s)." in screen.message.text()
    assert screen.listed_ids() == []  # none is « à valider » any more

    library = reloaded(library_copy)
    for clause_id in to_review:
        meta = library.clauses[clause_id].meta
        assert meta.status is S.VALIDATED
        last = meta.history[-1]
        assert (last.who, last.decision, last.when) == ("Marie Dupont", S.VALIDATED, NOW.date())
        assert last.comment == "Relu avec la direction des affaires juridiques"
        assert (library_copy / "clauses" / clause_id / "versions" / "1" / "clause.toml").is_file()
        text = (library_copy / "clauses" / clause_id / "clause.toml").read_text("utf-8")
        assert '[[history]]\nwho = "Marie Dupont"' in text
    assert reloaded(SOURCE).clauses[to_review[0]].meta.status is S.TO_REVIEW  # the real one


def test_a_clause_to_check_in_the_selection_is_refused_in_french(
        screen: ReviewScreen, library_copy: Path, confirmations: list[int]) -> None:
    before = reloaded(library_copy)
    to_check = category_ids(before, "marches-reserves", S.TO_CHECK)
    assert to_check, "the category needs a clause « à vérifier » for this test"
    screen.select_filters("marches-reserves")
    listed = screen.listed_ids()
    assert sorted(listed) == category_ids(before, "marches-reserves")
    screen.reviewer.setText("Marie Dupont")
    report = screen.validate_listed()
    assert report is not None and confirmations == [len(listed)]
    assert sorted(report.validated) == category_ids(before, "marches-reserves", S.TO_REVIEW)
    assert [clause_id for clause_id, _why in report.refused] == to_check
    why = report.refused[0][1]
    assert "une clause « à vérifier » ne peut pas passer à « validé »" in why
    assert f"{to_check[0]} : une clause « à vérifier »" in screen.message.text()
    after = reloaded(library_copy).clauses[to_check[0]].meta
    assert after.status is S.TO_CHECK and after.history == ()

    # a second run leaves the validated ones alone and refuses the same clause again
    again = screen.validate_listed()
    assert again is not None and again.validated == []
    assert sorted(again.skipped) == sorted(report.validated)


def test_decisions_need_a_reviewer_and_follow_the_allowed_moves(
        qtbot: QtBot, screen: ReviewScreen, library_copy: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    folder = library_copy / "clauses" / "reserve-ess"
    untouched = (folder / "clause.toml").read_bytes()
    assert screen.select_clause("reserve-ess")
    card = screen.card.toPlainText()
    for expected in ("Statut : à vérifier", "Version : 1", "Fondement juridique",
                     "CCP art. L2113-15", "Note à l’acheteur", "Aucune décision enregistrée"):
        assert expected in card
    assert not screen.decision_buttons[S.VALIDATED].isEnabled()
    assert screen.decision_buttons[S.DRAFT].isEnabled()
    assert not screen.decide(S.VALIDATED)
    assert screen.message.text().startswith("Indiquez le nom du relecteur")
    screen.reviewer.setText("Marie Dupont")
    assert not screen.decide(S.VALIDATED)  # the core refuses it, in French
    assert "ne peut pas passer à « validé »" in screen.message.text()
    assert (folder / "clause.toml").read_bytes() == untouched
    monkeypatch.setattr(ConfirmBatchDialog, "ask", classmethod(lambda *_args: False))
    assert screen.validate_listed() is None  # cancelled: nothing written
    assert (folder / "clause.toml").read_bytes() == untouched

    screen.comment.setPlainText("Le champ de la réservation reste à confirmer")
    qtbot.mouseClick(screen.decision_buttons[S.DRAFT], Qt.MouseButton.LeftButton)
    meta = read_clause_files(folder).meta
    assert meta.status is S.DRAFT
    assert meta.history[-1].comment == "Le champ de la réservation reste à confirmer"
    card = screen.card.toPlainText()
    assert "Statut : brouillon" in card and "Marie Dupont" in card and "01/12/2026" in card
    assert "Le champ de la réservation reste à confirmer" in card


def test_compares_two_versions_in_colour(
        qtbot: QtBot, screen: ReviewScreen, library_copy: Path) -> None:
    assert screen.select_clause("lot-reserve-siae")
    assert not screen.tabs.isTabEnabled(1)  # one version: nothing to compare
    screen.reviewer.setText("Marie Dupont")
    qtbot.mouseClick(screen.decision_buttons[S.VALIDATED], Qt.MouseButton.LeftButton)
    folder = library_copy / "clauses" / "lot-reserve-siae"
    opened = read_clause_files(folder)
    assert opened.meta.status is S.VALIDATED
    first = opened.text.split()[0]
    save_edit(opened, "Paul Martin", NOW, text=opened.text.replace(first, "Désormais", 1))
    screen.reload()
    assert screen.clause is not None and screen.clause.meta.version == 2
    assert screen.tabs.isTabEnabled(1)
    assert screen.old_version.currentData() == 1 and screen.new_version.currentData() == 2
    shown = screen.diff.toHtml()
    assert "underline" in shown and "line-through" in shown
    plain = screen.diff.toPlainText()
    assert "Version 1 (validé) → version 2 (à valider)" in plain
    assert "Désormais" in plain and first in plain
    screen.old_version.setCurrentIndex(1)
    assert "Aucune différence" in screen.diff.toPlainText()


def test_menu_opens_the_review_screen(window: MainWindow) -> None:
    assert window.review_action.text() == "Relecture &juridique…"
    window.review_action.trigger()
    review = window.review_screen
    assert review is not None and review.isVisible()
    assert len(review.listed_ids()) == len(window.core.library.clauses)  # type: ignore[union-attr]
    review.close()


def test_the_card_shows_the_wording_a_lawyer_reads(screen: ReviewScreen) -> None:
    assert screen.select_clause("lot-reserve-siae")
    card = screen.card.toPlainText().replace("\u00a0", " ")
    assert "{%" not in card and "{{" not in card and "lots[0]" not in card
    assert "[Si le marché n’est pas alloti :]" in card
    assert "[numéro du lot]" in card
    shown = screen.card.toHtml()
    assert "#fff176" in shown  # placeholders highlighted


def test_compares_the_example_renderings_on_request(
        qtbot: QtBot, screen: ReviewScreen, library_copy: Path, tmp_path: Path) -> None:
    folder = library_copy / "clauses" / "pme-retenue-garantie"
    assert screen.select_clause("pme-retenue-garantie")
    screen.reviewer.setText("Marie Dupont")
    qtbot.mouseClick(screen.decision_buttons[S.VALIDATED], Qt.MouseButton.LeftButton)
    opened = read_clause_files(folder)
    text = opened.text.replace("de leur montant.", "de leur montant hors taxes.")
    save_edit(opened, "Paul Martin", NOW, text=text)
    screen.reload()
    screen.tabs.setCurrentIndex(1)
    plain = screen.diff.toPlainText()
    assert "hors taxes" in plain and "Exemple rédigé" not in plain
    assert "{{" not in plain and "[taux de la retenue de garantie" in plain
    screen.renderings.setChecked(True)
    plain = screen.diff.toPlainText().replace("\u00a0", " ")
    assert "Exemple rédigé" in plain and "au taux de 5 % de leur montant" in plain
    screen.resize(1240, 780)
    screen.grab().save(str(tmp_path / "comparaison.png"))
    assert (tmp_path / "comparaison.png").stat().st_size > 10_000
