"""Sample renderings: every clause rendered with its sample values, compared with its review."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from drafting_app.documents.text import blocks_to_text
from drafting_app.dossier.model import Dossier, DossierKind
from drafting_app.dossier.storage import DossierError, load_dossier
from drafting_app.files.problems import Problem
from drafting_app.wording.library import CLAUSE_EXPECTED, Clause, Library
from drafting_app.wording.render import Renderer, RenderError


@dataclass(frozen=True)
class SampleDossiers:
    """The sample dossiers a library renders its samples with."""

    by_kind: dict[DossierKind, Dossier]

    def for_clause(self, clause: Clause) -> Dossier | None:
        """The sample dossier that suits a clause's documents."""
        return self.by_kind.get(clause.sample_kind())


def load_samples(library: Library) -> tuple[SampleDossiers, list[Problem]]:
    """Read the library's sample dossiers."""
    problems: list[Problem] = []
    found: dict[DossierKind, Dossier] = {}
    for kind, path in library.samples.items():
        try:
            found[kind] = load_dossier(path)
        except DossierError as exc:
            problems.extend(Problem(path, None, message) for message in exc.problems)
    return SampleDossiers(found), problems


def render_sample(renderer: Renderer, clause: Clause, samples: SampleDossiers) -> str:
    """A clause's sample values rendered to text, as its reviewed file should read."""
    dossier = samples.for_clause(clause)
    if dossier is None:
        raise RenderError([Problem(clause.folder, None, "aucun dossier d’exemple pour ce type "
                                   "de clause")])
    return blocks_to_text(renderer.render_clause(clause, dossier))


def golden_diff(expected: str, actual: str, path: Path) -> str:
    """A readable unified diff between the reviewed text and the rendering."""
    return "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            fromfile=f"{path} (relu)",
            tofile="rendu actuel",
        )
    )


def check_samples(renderer: Renderer, samples: SampleDossiers) -> list[Problem]:
    """Render every clause's sample and every skeleton; report failures and drifted texts."""
    problems: list[Problem] = []
    for clause in renderer.library.clauses.values():
        try:
            actual = render_sample(renderer, clause, samples)
        except RenderError as exc:
            problems.extend(exc.problems)
            continue
        if clause.expected is not None and clause.expected != actual:
            problems.append(
                Problem(
                    clause.folder / CLAUSE_EXPECTED,
                    None,
                    "le rendu de l’exemple ne correspond plus au texte relu :\n"
                    + golden_diff(clause.expected, actual, clause.folder / CLAUSE_EXPECTED),
                )
            )
    for kind, dossier in samples.by_kind.items():
        for skeleton in renderer.library.documents_for(kind):
            try:
                renderer.render_document(skeleton, dossier)
            except RenderError as exc:
                problems.extend(exc.problems)
    return problems
