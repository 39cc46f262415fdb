"""UI fixtures: a main window on a fresh user data folder, and a hand for modal dialogs."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from drafting_app.ui.app import build_window, install_qt_french
from drafting_app.ui.main_window import MainWindow
from tests.ui.ui_helpers import TENDER


@pytest.fixture(scope="session", autouse=True)
def french_qt(qapp: QApplication) -> None:
    """Qt's own buttons in French, as the application installs them."""
    install_qt_french(qapp)


@pytest.fixture
def tender() -> dict[str, Any]:
    """A complete tender dossier (a fresh copy for each test)."""
    return copy.deepcopy(TENDER)


@pytest.fixture
def write_dossier(tmp_path: Path) -> Callable[[dict[str, Any], str], Path]:
    """Write a dossier as a JSON file."""

    def write(data: dict[str, Any], name: str = "dossier.json") -> Path:
        path = tmp_path / name
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return path

    return write


@pytest.fixture(autouse=True)
def documents_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's « Documents/Clausier », inside the test's folder (never the real one)."""
    folder = tmp_path / "Documents" / "Clausier"
    monkeypatch.setattr("drafting_app.ui.main_window.default_documents_dir", lambda: folder)
    return folder


@pytest.fixture(autouse=True)
def no_page_numbering(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Generation in the app without LibreOffice's layout pass (seconds a run), except in the
    tests marked `libreoffice`, which need it installed."""
    if request.node.get_closest_marker("libreoffice") is None:
        monkeypatch.setattr("drafting_app.ui.generate_panel.find_soffice", lambda: None)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """The user data folder of the session (autosave, recent files)."""
    return tmp_path / "donnees"


@pytest.fixture
def opened() -> list[QUrl]:
    """What the application asked the system to open."""
    return []


def _quiet(window: MainWindow) -> None:
    """Close without the unsaved-changes prompt (the test is over)."""
    window.dirty = False
    window.worker.wait_idle()


@pytest.fixture
def make_window(qtbot: QtBot, data_dir: Path, opened: list[QUrl]) -> Iterator[
        Callable[[], MainWindow]]:
    """Build main windows on the test's data folder; they close without prompts at the end."""
    windows: list[MainWindow] = []

    def make() -> MainWindow:
        window = build_window(data_dir=data_dir)
        window.open_url = lambda url: opened.append(url) or True
        qtbot.addWidget(window, before_close_func=_quiet)
        window.show()
        window.resize(1280, 800)
        qtbot.waitExposed(window)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.dirty = False
        window.worker.wait_idle()


@pytest.fixture
def window(make_window: Callable[[], MainWindow]) -> MainWindow:
    """One main window, library loaded."""
    return make_window()
