"""Settings in the user's data folder; the library follows them and the reviews; versions saved."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from drafting_app.dossier.storage import load_dossier
from drafting_app.review.where_used import where_used
from drafting_app.ui.app import build_window
from drafting_app.ui.dialogs import SettingsDialog
from drafting_app.ui.main_window import MainWindow
from drafting_app.ui.settings import SETTINGS_FILE, Settings, load_settings, save_settings
from drafting_app.wording.model import ClauseStatus
from tests.conftest import LIBRARY
from tests.ui.ui_helpers import answer_next_dialog

Write = Callable[[dict[str, Any], str], Path]


def my_clauses(root: Path) -> Path:
    """A personal clause folder holding an adapted copy of the SIAE reservation."""
    folder = root / "mes-clauses" / "clauses" / "lot-reserve-siae"
    shutil.copytree(LIBRARY / "clauses" / "lot-reserve-siae", folder)
    meta = folder / "clause.toml"
    meta.write_text(meta.read_text(encoding="utf-8").replace(
        'title = "Lot réservé aux structures d\'insertion par l\'activité économique"',
        'title = "Lot réservé aux SIAE (version de la commune)"'), encoding="utf-8")
    return root / "mes-clauses"


def test_settings_are_kept_in_the_data_folder_atomically(tmp_path: Path) -> None:
    assert load_settings(tmp_path) == (Settings(), None)
    chosen = Settings(organisation_dir=tmp_path / "partage", user_dir=tmp_path / "moi",
                      reviewer="Marie Dupont")
    save_settings(tmp_path, chosen)
    assert load_settings(tmp_path) == (chosen, None)
    assert json.loads((tmp_path / SETTINGS_FILE).read_text("utf-8"))["reviewer"] == \
        "Marie Dupont"
    assert not list(tmp_path.glob(f".{SETTINGS_FILE}.*.tmp"))
    (tmp_path / SETTINGS_FILE).write_text('{"relecteur": "X"}', encoding="utf-8")
    settings, problem = load_settings(tmp_path)
    assert settings == Settings()
    assert problem is not None and "relecteur : clé inconnue" in problem
    assert str(tmp_path / SETTINGS_FILE) in problem


def test_the_settings_dialog_refuses_a_folder_that_does_not_exist(qtbot: QtBot,
                                                                  tmp_path: Path) -> None:
    dialog = SettingsDialog(None, Settings(), lambda s: s)
    qtbot.addWidget(dialog)
    dialog.user.setText(str(tmp_path / "absent"))
    dialog.reviewer.setText("  Marie Dupont ")
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    ok = box.button(QDialogButtonBox.StandardButton.Ok)
    assert ok is not None and ok.text() == "OK"
    ok.click()
    assert dialog.result() != SettingsDialog.DialogCode.Accepted
    assert "Mes clauses : le dossier" in dialog.problem.text()
    assert "n’existe pas" in dialog.problem.text()
    (tmp_path / "absent").mkdir()
    ok.click()
    assert dialog.result() == SettingsDialog.DialogCode.Accepted
    assert dialog.settings() == Settings(user_dir=tmp_path / "absent", reviewer="Marie Dupont")


def test_my_clauses_join_the_library_from_the_settings(
    qtbot: QtBot, window: MainWindow, data_dir: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert window.core is not None
    builtin = window.core.library.clause("lot-reserve-siae")
    assert builtin is not None and "version de la commune" not in builtin.meta.title
    window.show_library()
    browser = window.library_browser
    assert browser is not None
    assert browser.select_clause("lot-reserve-siae")
    mine = my_clauses(tmp_path)
    chosen = Settings(user_dir=mine, reviewer="Marie Dupont")
    monkeypatch.setattr(SettingsDialog, "edit", classmethod(
        lambda cls, parent, settings, tr: (chosen, True)))
    window.settings_action.trigger()
    qtbot.waitUntil(lambda: not window._reloading, timeout=20_000)
    assert load_settings(data_dir) == (chosen, None)
    clause = window.core.library.clause("lot-reserve-siae")
    assert clause is not None
    assert clause.meta.title == "Lot réservé aux SIAE (version de la commune)"
    assert "version de la commune" in browser.heading.text()  # the open browser follows
    # the next window reads them from the data folder
    other = build_window(data_dir=data_dir)
    qtbot.addWidget(other)
    assert other.settings == chosen
    assert other.core is not None and other.core.library.clause("lot-reserve-siae") == clause
    other.autosave.close()


def test_the_library_shows_new_statuses_right_after_a_review(
    qtbot: QtBot, data_dir: Path, tmp_path: Path,
) -> None:
    library = tmp_path / "bibliotheque"
    shutil.copytree(LIBRARY, library)
    save_settings(data_dir, Settings(reviewer="Marie Dupont"))
    window = build_window(library_dir=library, data_dir=data_dir)
    qtbot.addWidget(window)
    window.show()
    window.show_library()
    browser = window.library_browser
    assert browser is not None
    assert browser.select_clause("lot-reserve-siae")
    assert "à valider" in browser.heading.text()
    window.show_review()
    review = window.review_screen
    assert review is not None
    assert review.reviewer.text() == "Marie Dupont"  # from the settings
    assert review.select_clause("lot-reserve-siae")
    review.reviewer.setText("Marie Dupont-Leroy")
    assert review.decide(ClauseStatus.VALIDATED)
    review.close()
    qtbot.waitUntil(lambda: "validé" in browser.heading.text(), timeout=20_000)
    assert window.core is not None
    clause = window.core.library.clause("lot-reserve-siae")
    assert clause is not None and clause.meta.status is ClauseStatus.VALIDATED
    assert window.settings.reviewer == "Marie Dupont-Leroy"  # kept for the next review
    window.autosave.close()


def test_saving_records_the_clause_versions_for_where_used(
    window: MainWindow, write_dossier: Write, tender: dict[str, Any], tmp_path: Path,
) -> None:
    tender["clauses"] = [{"id": "lot-reserve-siae", "lots": [2], "values": {}},
                         {"id": "commerce-equitable-label", "values": {"produits": ["café"]}}]
    tender["tender"]["lots"][1]["reservation"] = "siae"
    path = write_dossier(tender, "marche.json")
    assert window.open_path(path)
    assert [c.version for c in load_dossier(path).clauses] == [None, None]
    window.dirty = True
    assert window.save()
    assert window.core is not None
    current = window.core.library.clauses["lot-reserve-siae"].meta.version
    assert [c.version for c in load_dossier(path).clauses] == [
        current, window.core.library.clauses["commerce-equitable-label"].meta.version]
    report = where_used("lot-reserve-siae", tmp_path, current)
    assert [(u.path, u.version, u.outdated) for u in report.usages] == [(path, current, False)]
    # an incomplete draft saved as it is records them too
    assert window.editor is not None
    window.editor.draft()["title"] = ""
    answer_next_dialog("Enregistrer")
    assert window.save()
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert [c["version"] for c in saved["clauses"]] == [current, 1]
