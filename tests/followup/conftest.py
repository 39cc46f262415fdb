"""Follow-up fixtures: the shipped library as a follow-up context, a generated register."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.make_register import build_register
from drafting_app.followup.considerations import Context, load_context
from tests.conftest import LIBRARY


@pytest.fixture(scope="session")
def context() -> Context:
    found, problems = load_context(LIBRARY)
    assert problems == []
    return found


@pytest.fixture(scope="session")
def sample_register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """48 generated dossiers (the bench script, seed 7), without errors."""
    folder = tmp_path_factory.mktemp("registre")
    written = build_register(folder, count=48, seed=7)
    assert len(written) == 48
    return folder
