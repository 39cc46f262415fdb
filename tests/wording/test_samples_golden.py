"""Every clause of the shipped library renders its sample exactly as its reviewed text says."""

from __future__ import annotations

import pytest

from drafting_app.wording.library import Library
from drafting_app.wording.render import Renderer
from drafting_app.wording.samples import golden_diff, load_samples, render_sample
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


def test_alternative_values_take_the_other_branches(renderer: Renderer, library: Library) -> None:
    from drafting_app.documents.text import blocks_to_text
    from drafting_app.dossier.model import ChosenClause

    clause = library.clause("commerce-equitable-label")
    assert clause is not None
    samples, _ = load_samples(library)
    dossier = samples.for_clause(clause)
    assert dossier is not None
    chosen = ChosenClause(id=clause.id, values={
        "produits": ["bananes"], "preuve": "label accepté comme moyen de preuve",
        "environnement": False})
    text = blocks_to_text(renderer.render_clause(clause, dossier, chosen))
    assert "- bananes." in text
    assert "par tout moyen\u202f; la détention d’un label de commerce équitable ou de tout" in text
    assert "5. les produits sont tracés jusqu’aux organisations de producteurs." in text
    assert "biodiversité" not in text

    reserved = library.clause("lot-reserve-siae")
    assert reserved is not None and dossier.tender is not None
    both = ChosenClause(id=reserved.id, lots=(1, 2))
    text = blocks_to_text(renderer.render_clause(reserved, dossier, both))
    assert "les lots suivants sont réservés" in text
    assert "- lot n°\u00a01\u00a0: Entretien des parcs, jardins et cimetières\u202f;" in text
    assert "pour ces lots" in text
