"""The app opens no hostile dossier file: a French message, never a traceback or a hang."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from drafting_app.ui.main_window import MainWindow

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "marche_espaces_verts.json"


def hostile(tmp_path: Path) -> dict[str, Path]:
    text = EXAMPLE.read_text(encoding="utf-8")
    files = {
        "chiffres": text.replace('"duration_months": 36', '"duration_months": ' + "9" * 5000),
        "imbrique": text.replace('"clauses": [', '"clauses": [' + "[" * 100_000
                                 + "]" * 100_000 + ", ", 1),
    }
    paths = {}
    for name, content in files.items():
        paths[name] = tmp_path / f"{name}.json"
        paths[name].write_text(content, encoding="utf-8")
    if os.name == "posix":
        paths["tube"] = tmp_path / "tube.json"
        os.mkfifo(paths["tube"])
        paths["zero"] = Path("/dev/zero")
    return paths


def test_hostile_dossier_files_are_refused_in_french(
        window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    said: list[str] = []

    def warning(*args: Any, **_kwargs: Any) -> QMessageBox.StandardButton:
        said.append(str(args[2]))
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "warning", staticmethod(warning))
    for name, path in hostile(tmp_path).items():
        assert not window.open_path(path), name
        assert said and str(path) in said[-1], name
        assert "ne peut pas être ouvert" in said[-1]
    assert "nombre de 5000 chiffres" in "\n".join(said)
    assert window.editor is None  # nothing half-opened
