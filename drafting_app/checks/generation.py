"""What `generate` would refuse, as blocking findings: a chosen clause or a piece that cannot
be rendered (a wrong value, a template error, a limit of the sandbox)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from drafting_app.checks.findings import Finding, Severity
from drafting_app.dossier.model import Dossier
from drafting_app.files.problems import Problem
from drafting_app.wording.library import Library
from drafting_app.wording.markup import french_typography
from drafting_app.wording.render import Renderer, RenderError
from drafting_app.wording.values import coerce_values, with_dossier_defaults

#: the codes of findings that stop `generate` (nothing is written)
CLAUSE_CANNOT_RENDER = "CLAUSE_IMPOSSIBLE_A_RENDRE"
PIECE_CANNOT_RENDER = "PIECE_IMPOSSIBLE_A_PRODUIRE"
#: findings of `check_chosen_clauses` that also stop `generate`
REFUSED_BY_GENERATE = frozenset({CLAUSE_CANNOT_RENDER, PIECE_CANNOT_RENDER, "CLAUSE_INCONNUE",
                                 "VALEUR_CLAUSE"})


def _where(problem: Problem, library_root: Path) -> str:
    """The file (relative to the library) and line of a problem, for a message."""
    path = problem.path
    try:
        shown = str(path.relative_to(library_root))
    except ValueError:
        shown = str(path)
    return f"{shown}, ligne {problem.line}" if problem.line else shown


def check_generation(dossier: Dossier, library: Library,
                     renderer: Renderer) -> Iterator[Finding]:
    """Render every chosen clause, then every piece, as `generate` does; report what fails.

    A clause that is unknown or has a wrong value is reported by `check_chosen_clauses`
    (CLAUSE_INCONNUE, VALEUR_CLAUSE) and is not rendered here.
    """
    failed: set[str] = set()  # the clauses already reported, here or by check_chosen_clauses
    for index, chosen in enumerate(dossier.clauses):
        clause = library.clause(chosen.id)
        if clause is None:
            continue
        raw = with_dossier_defaults(clause.meta.variables, chosen.values, dossier)
        if coerce_values(clause.meta.variables, raw)[1]:
            failed.add(clause.id)
            continue
        try:
            renderer.clause_markup(clause, dossier, chosen, [])
        except RenderError as exc:
            failed.add(clause.id)
            for problem in exc.problems[:3]:
                yield Finding(
                    CLAUSE_CANNOT_RENDER, Severity.ERROR,
                    f"La clause « {clause.meta.title} » ne peut pas être rédigée pour ce "
                    f"dossier : {problem.message} ({_where(problem, library.root)}). Les "
                    "documents ne seront pas produits : corrigez ses valeurs ou retirez-la, "
                    "et signalez-le au gestionnaire de la bibliothèque.",
                    "", f"clauses[{index}]")
    try:
        planned = renderer.documents(dossier)
    except RenderError as exc:
        yield from _piece_findings("", exc, library.root)
        return
    for skeleton, lot in planned:
        try:
            renderer.render_document(skeleton, dossier, lot)
        except RenderError as exc:
            if exc.clause_id in failed:
                continue  # the clause at fault is already reported
            title = french_typography(skeleton.meta.title)
            if lot is not None:
                title += f" (lot n°\u00a0{lot.number})"
            yield from _piece_findings(title, exc, library.root)


def _piece_findings(title: str, exc: RenderError, root: Path) -> Iterator[Finding]:
    what = f"La pièce « {title} »" if title else "La liste des pièces"
    for problem in exc.problems[:3]:
        yield Finding(
            PIECE_CANNOT_RENDER, Severity.ERROR,
            f"{what} ne peut pas être produite : {problem.message} "
            f"({_where(problem, root)}). Les documents ne seront pas produits : vérifiez le "
            "dossier et signalez-le au gestionnaire de la bibliothèque.",
            "", "")
