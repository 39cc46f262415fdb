"""Shipped data is found both in a source checkout and inside an installed wheel."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

import pytest

from drafting_app import paths
from tests.conftest import ROOT


def test_checkout_layout_finds_the_repository_folders() -> None:
    assert paths.shipped_library() == ROOT / "clause_library"
    assert paths.default_layout() == ROOT / "templates_docx" / "default.docx"
    assert paths.default_layout().is_file()


def test_wheel_layout_prefers_the_data_inside_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "site-packages" / "drafting_app"
    (package / "clause_library").mkdir(parents=True)
    (package / "templates_docx").mkdir()
    monkeypatch.setattr(paths, "_PACKAGE", package)
    assert paths.shipped_library() == package / "clause_library"
    assert paths.shipped_layouts() == package / "templates_docx"


@pytest.mark.parametrize(("package", "folder"), [
    ("drafting_app.clause_library", "clause_library"),
    ("drafting_app.templates_docx", "templates_docx"),
    ("drafting_app.examples", "examples"),
])
def test_every_data_file_is_shipped_in_the_wheel(package: str, folder: str) -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    tool = config["tool"]["setuptools"]
    assert tool["package-dir"][package] == folder
    patterns = tool["package-data"][package]
    for path in (ROOT / folder).rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".py":
            relative = path.relative_to(ROOT / folder).as_posix()
            # setuptools globs recursively: `**/` also matches no folder at all
            candidates = [p for pattern in patterns
                          for p in (pattern, pattern.removeprefix("**/"))]
            assert any(fnmatch.fnmatch(relative, p) for p in candidates), \
                f"{relative} ne serait pas installé"


def test_every_python_package_is_listed_for_the_wheel() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "drafting_app").rglob("__init__.py")
    }
    assert on_disk <= listed, f"paquets absents de pyproject.toml : {sorted(on_disk - listed)}"
