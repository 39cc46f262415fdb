"""Files: atomic save and open, autosave, the crash-recovery offer, the unsaved-changes prompt."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QLockFile, Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from drafting_app.dossier.storage import load_dossier
from drafting_app.ui.main_window import AUTOSAVE_INTERVAL_MS, MainWindow
from drafting_app.ui.user_data import Autosave
from tests.ui.ui_helpers import activate, answer_next_dialog, type_text

Write = Callable[[dict[str, Any], str], Path]


def crashed_session(data_dir: Path, draft: dict[str, Any], original: Path | None) -> Path:
    """The autosave a session leaves when it dies: a file, and no live lock."""
    folder = data_dir / "autosave"
    folder.mkdir(parents=True, exist_ok=True)
    file = folder / "0123456789ab.json"
    file.write_text(json.dumps({"saved_at": "2026-11-23T14:02:00", "title": draft["title"],
                                "original": str(original) if original else None,
                                "draft": draft}), encoding="utf-8")
    return file


def test_crash_recovery_offer_reopens_the_autosaved_dossier(
    qtbot: QtBot, make_window: Callable[[], MainWindow], data_dir: Path, tender: dict[str, Any],
    tmp_path: Path,
) -> None:
    tender["title"] = "Cantines — travail en cours"
    tender["tender"]["object"] = "Texte tapé juste avant la panne"
    file = crashed_session(data_dir, tender, tmp_path / "cantines.json")
    seen: list[str] = []
    answer_next_dialog("Récupérer", seen)
    window = make_window()
    qtbot.waitUntil(lambda: window.editor is not None, timeout=10_000)
    assert window.editor is not None
    assert "Cantines — travail en cours" in seen[0] and "23/11/2026 à 14:02" in seen[0]
    assert window.editor.draft()["tender"]["object"] == "Texte tapé juste avant la panne"
    assert window.path == tmp_path / "cantines.json"
    assert window.dirty and window.isWindowModified()
    assert not file.exists()  # taken over by this session's own autosave
    assert json.loads(window.autosave.file.read_text(encoding="utf-8"))["title"] == \
        "Cantines — travail en cours"


def test_crash_recovery_can_discard_and_spares_running_sessions(
    qtbot: QtBot, make_window: Callable[[], MainWindow], data_dir: Path, tender: dict[str, Any],
) -> None:
    file = crashed_session(data_dir, tender, None)
    running = Autosave(data_dir)  # another Clausier, alive, holds its lock
    running.write(tender, None, "Ouvert ailleurs")
    seen: list[str] = []
    answer_next_dialog("Supprimer la sauvegarde", seen)
    window = make_window()
    qtbot.waitUntil(lambda: not file.exists(), timeout=10_000)
    assert len(seen) == 1 and "Restauration scolaire 2027" in seen[0]
    assert window.editor is None
    assert running.file.exists()  # not offered: its session is running
    running.close()
    assert not running.file.exists()


def test_unsaved_changes_prompt_on_close(
    qtbot: QtBot, window: MainWindow, write_dossier: Write, tender: dict[str, Any],
) -> None:
    path = write_dossier(tender, "marche.json")
    assert window.open_path(path)
    editor = window.editor
    assert editor is not None
    title = editor.editor_at("title")
    assert title is not None
    type_text(qtbot, title, "Restauration scolaire 2027-2029")
    assert window.dirty and window.windowTitle().startswith("Restauration scolaire 2027-2029")
    # Cancel: the window stays open with its changes
    seen: list[str] = []
    answer_next_dialog("Annuler", seen)
    window.close()
    assert window.isVisible() and window.dirty
    assert "modifications non enregistrées" in seen[0]
    # Save: written atomically, then the window closes
    answer_next_dialog("Enregistrer")
    window.close()
    assert not window.isVisible()
    assert load_dossier(path).title == "Restauration scolaire 2027-2029"
    assert not list(path.parent.glob(".marche.json.*.tmp"))
    assert not window.autosave.file.exists()


def test_discarding_changes_leaves_the_file_alone(
    qtbot: QtBot, window: MainWindow, write_dossier: Write, tender: dict[str, Any],
) -> None:
    path = write_dossier(tender, "marche.json")
    before = path.read_text(encoding="utf-8")
    assert window.open_path(path)
    assert window.editor is not None
    type_text(qtbot, window.editor.editor_at("title"), "Autre titre")  # type: ignore[arg-type]
    answer_next_dialog("Ne pas enregistrer")
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    assert window.editor is None
    assert window.stack.currentWidget() is window.start
    assert path.read_text(encoding="utf-8") == before


def test_save_as_open_and_recent_files(
    qtbot: QtBot, make_window: Callable[[], MainWindow], monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    window = make_window()
    activate(qtbot, window)
    qtbot.mouseClick(window.start.new_buttons["cpo"], Qt.MouseButton.LeftButton)
    editor = window.editor
    assert editor is not None
    assert [s.title for s in editor.steps][:3] == ["Collectivité", "Association", "Projet"]
    type_text(qtbot, editor.editor_at("title"), "CPO Maison des familles")  # type: ignore[arg-type]
    target = tmp_path / "cpo"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *_a, **_k: (str(target), "")))
    answer_next_dialog("Enregistrer")  # « incomplete: save as it is? »
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    saved = target.with_suffix(".json")
    assert saved.is_file() and window.path == saved and not window.dirty
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert data["kind"] == "cpo" and data["title"] == "CPO Maison des familles"
    assert window.recent.paths() == [saved.resolve()]
    # the incomplete dossier reopens from the start screen's recent list
    assert window.close_dossier()
    assert window.start.recent.count() == 1
    item = window.start.recent.item(0)
    window.start.recent.setCurrentItem(item)
    qtbot.keyClick(window.start.recent, Qt.Key.Key_Return)  # Enter opens it
    assert window.editor is not None and window.path == saved
    assert window.editor.draft()["title"] == "CPO Maison des familles"
    window.editor.wait_analysis()
    assert window.editor.analysis is not None and window.editor.analysis.problems


def test_autosave_every_minute_to_the_user_data_folder(
    qtbot: QtBot, window: MainWindow, write_dossier: Write, tender: dict[str, Any],
    data_dir: Path,
) -> None:
    assert window.autosave_timer.interval() == AUTOSAVE_INTERVAL_MS == 60_000
    assert window.autosave_timer.isActive()
    assert window.open_path(write_dossier(tender, "marche.json"))
    assert not window.autosave_now()  # nothing changed yet
    assert window.editor is not None
    type_text(qtbot, window.editor.editor_at("title"), "Titre modifié")  # type: ignore[arg-type]
    assert window.autosave_now()
    assert window.autosave.file.parent == data_dir / "autosave"
    saved = json.loads(window.autosave.file.read_text(encoding="utf-8"))
    assert saved["draft"]["title"] == "Titre modifié"
    assert not window.autosave_now()  # no change since
    lock = QLockFile(str(window.autosave.file.with_suffix(".lock")))
    assert not lock.tryLock(0)  # held by this session: another Clausier will not offer it
    assert window.save()
    assert not window.autosave.file.exists()


def test_an_unreadable_file_is_explained_in_french(
    window: MainWindow, tmp_path: Path,
) -> None:
    path = tmp_path / "abime.json"
    path.write_text("{ pas du json", encoding="utf-8")
    seen: list[str] = []
    answer_next_dialog("OK", seen)
    assert not window.open_path(path)
    assert window.editor is None
    assert "ne peut pas être ouvert" in seen[0]
