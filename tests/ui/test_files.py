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


def test_save_dialog_proposes_the_dossier_folder_and_documents_go_beside_it(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, documents_dir: Path,
    tmp_path: Path,
) -> None:
    proposed: list[str] = []
    target = tmp_path / "marchés" / "cantine.json"
    target.parent.mkdir()

    def save_dialog(_parent: Any, _title: str, start: str, _filter: str) -> tuple[str, str]:
        proposed.append(start)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_dialog))
    qtbot.mouseClick(window.start.new_buttons["marche_public"], Qt.MouseButton.LeftButton)
    editor = window.editor
    assert editor is not None
    type_text(qtbot, editor.editor_at("title"), "Cantine 2027")  # type: ignore[arg-type]
    panel = editor.generate_panel
    assert panel.folder.text() == str(documents_dir / "Cantine-2027_documents")
    answer_next_dialog("Enregistrer")  # incomplete: save it as it is
    assert window.save_as()
    assert proposed == [str(documents_dir / "Cantine-2027.json")]  # Documents/Clausier
    assert panel.folder.text() == str(target.parent / "Cantine-2027_documents")  # beside it
    answer_next_dialog("Enregistrer")
    assert window.save_as()
    assert proposed[1] == str(target)  # then the dossier's own folder
    opened_in: list[str] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(
        lambda _p, _t, start, _f: (opened_in.append(start), ("", ""))[1]))
    window.open_dialog()
    assert opened_in == [str(target.parent)]
    # a folder the user chose stays chosen
    panel.folder.setText(str(tmp_path / "ailleurs"))
    panel.folder.textEdited.emit(panel.folder.text())
    window.path = tmp_path / "autre" / "cantine.json"
    window._suggest_folder()
    assert panel.folder.text() == str(tmp_path / "ailleurs")


def test_open_document_without_an_application_says_so_in_the_window(
    qtbot: QtBot, window: MainWindow, write_dossier: Write, tender: dict[str, Any],
    tmp_path: Path,
) -> None:
    assert window.open_path(write_dossier(tender, "marche.json"))
    editor = window.editor
    assert editor is not None
    editor.wait_analysis()
    window.open_url = lambda _url: False  # no application for .docx on this computer
    editor.generate_panel.open_url = window.open_url
    panel = editor.generate_panel
    editor.go_to(len(editor.steps) - 1)
    panel.folder.setText(str(tmp_path / "pièces"))
    qtbot.mouseClick(panel.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.written is not None, timeout=60_000)
    assert panel.open_problem.isHidden()
    panel.results.setCurrentRow(0)
    qtbot.mouseClick(panel.open_document_button, Qt.MouseButton.LeftButton)
    assert panel.open_problem.isVisible()
    assert "Aucune application n’ouvre les fichiers Word" in panel.open_problem.text()
    assert str(panel.written.files[0].path) in panel.open_problem.text()  # type: ignore[union-attr]


def test_the_documents_list_follows_the_dossier(
    qtbot: QtBot, window: MainWindow, write_dossier: Write, tender: dict[str, Any],
) -> None:
    tender["tender"]["environmental_condition"] = "Le CCTP impose le tri des biodéchets."
    path = write_dossier(tender, "marche.json")
    assert window.open_path(path)
    editor = window.editor
    assert editor is not None
    editor.wait_analysis()
    panel = editor.generate_panel
    assert panel.folder.text() == str(path.parent / "2027-RS-001_documents")
    assert panel.results_box.isHidden()  # nothing written yet
    panel.generate()
    qtbot.waitUntil(lambda: panel.written is not None, timeout=60_000)
    written = {item.path for item in panel.written.files}  # type: ignore[union-attr]
    assert window.close_dossier()
    # reopened: the step lists the documents already written for this dossier
    assert window.open_path(path)
    editor = window.editor
    assert editor is not None
    editor.wait_analysis()
    panel = editor.generate_panel
    listed = {Path(str(panel.results.item(i).data(Qt.ItemDataRole.UserRole + 1)))
              for i in range(panel.results.count())}
    assert listed == written
    assert "(écrit le " in panel.results.item(0).text()
    assert panel.results_note.isHidden()
    type_text(qtbot, editor.editor_at("title"), "Cantines 2027, version 2")  # type: ignore[arg-type]
    editor.wait_analysis()
    assert not panel.results_note.isHidden()
    assert "Le dossier a changé depuis" in panel.results_note.text()


def test_an_edited_word_file_kept_by_generation_is_reported(
    qtbot: QtBot, window: MainWindow, write_dossier: Write, tender: dict[str, Any],
    tmp_path: Path,
) -> None:
    """The documents step shows what the core reports (`Generated.kept_edit`)."""
    from dataclasses import dataclass

    from drafting_app.documents.generate import Generated
    from drafting_app.ui.generate_panel import Written, kept_edit

    @dataclass(frozen=True)
    class Reported(Generated):
        kept_edit: Path | None = None

    assert window.open_path(write_dossier(tender, "marche.json"))
    editor = window.editor
    assert editor is not None
    panel = editor.generate_panel
    kept = tmp_path / "CCAP_2027-RS-001 (modifié le 07-12-2026 14h02).docx"
    fresh = Reported("ccap", "CCAP", tmp_path / "CCAP_2027-RS-001.docx", kept)
    other = Reported("rc", "Règlement de la consultation", tmp_path / "RC_2027-RS-001.docx")
    assert kept_edit(fresh) == kept and kept_edit(other) is None
    panel._done(Written((fresh, other), ()))
    assert "Votre version modifiée est gardée sous « CCAP_2027-RS-001 (modifié le" in \
        panel.results.item(0).text()
    assert not panel.results_note.isHidden()
    assert "votre version est gardée sous" in panel.results_note.text()


def test_regenerating_never_overwrites_an_edited_word_file(
    qtbot: QtBot, window: MainWindow, write_dossier: Write, tender: dict[str, Any],
    tmp_path: Path,
) -> None:
    import docx

    tender["tender"]["environmental_condition"] = "Le CCTP impose le tri des biodéchets."
    assert window.open_path(write_dossier(tender, "marche.json"))
    editor = window.editor
    assert editor is not None
    editor.wait_analysis()
    panel = editor.generate_panel
    panel.folder.setText(str(tmp_path / "pièces"))
    panel.generate()
    qtbot.waitUntil(lambda: panel.written is not None, timeout=60_000)
    ccap = next(i.path for i in panel.written.files if i.path.name.startswith("CCAP"))  # type: ignore[union-attr]
    document = docx.Document(str(ccap))
    document.add_paragraph("Ajout de l’acheteur, à garder.")
    document.save(str(ccap))
    panel.written = None
    panel.generate()
    qtbot.waitUntil(lambda: panel.written is not None, timeout=60_000)
    texts = []
    for path in ccap.parent.glob("CCAP*.docx"):
        texts.append("\n".join(p.text for p in docx.Document(str(path)).paragraphs))
    assert any("Ajout de l’acheteur, à garder." in text for text in texts)
    assert "votre version est gardée sous" in panel.results_note.text()
