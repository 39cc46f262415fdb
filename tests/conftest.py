"""Shared fixtures: the shipped library, its renderer and the examples."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# the library cache of the app and of the commands the tests run: never the user's own
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="clausier-tests-cache-")

from drafting_app.wording.library import Library, load_library
from drafting_app.wording.render import Formats, Renderer, make_environment

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = ROOT / "clause_library"
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session")
def formats() -> Formats:
    return Formats()


@pytest.fixture(scope="session")
def renderer(formats: Formats) -> Renderer:
    env = make_environment(formats)
    library, problems = load_library(LIBRARY, env)
    assert problems == [], "\n".join(str(p) for p in problems)
    return Renderer(library, env)


@pytest.fixture(scope="session")
def library(renderer: Renderer) -> Library:
    return renderer.library
