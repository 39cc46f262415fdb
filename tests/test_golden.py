"""Every clause of the shipped library renders its sample exactly as its reviewed text says."""

from __future__ import annotations

import pytest

from drafting_app.library import Library
from drafting_app.render import Renderer
from drafting_app.samples import golden_diff, load_samples, render_sample
from tests.conftest import LIBRARY


def clause_ids() -> list[str]:
    return sorted(p.name for p in (LIBRARY / "clauses").iterdir() if p.is_dir())


@pytest.mark.parametrize("clause_id", clause_ids())
def test_sample_matches_reviewed_text(renderer: Renderer, library: Library, clause_id: str) -> None:
    clause = library.clause(clause_id)
    assert clause is not None and clause.expected is not None
    samples, problems = load_samples(library)
    assert problems == []
    actual = render_sample(renderer, clause, samples)
    if actual != clause.expected:
        pytest.fail("rendu différent du texte relu :\n"
                    + golden_diff(clause.expected, actual, clause.folder / "expected.fr.txt"))


def test_a_drifted_sample_is_caught(renderer: Renderer, library: Library) -> None:
    clause = library.clause("insertion-condition-execution")
    assert clause is not None and clause.expected is not None
    samples, _ = load_samples(library)
    actual = render_sample(renderer, clause, samples)
    drifted = clause.expected.replace("206 heures", "207 heures")
    assert drifted != actual
    assert "-| 1 | Entretien des parcs, jardins et cimetières | 207 heures |" in golden_diff(
        drifted, actual, clause.folder)
