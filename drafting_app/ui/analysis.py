"""What the side panels show for a draft: validation, legal findings, the preview of a piece.

`analyse` is pure: it runs on the worker with a copy of the draft and returns plain data.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from drafting_app.checks import Finding, run_checks
from drafting_app.documents.html import blocks_to_html
from drafting_app.dossier.model import Dossier
from drafting_app.ui.core import Core
from drafting_app.ui.draft import (
    DraftProblem,
    FieldPath,
    get_in,
    validate_draft,
    with_placeholders,
)
from drafting_app.ui.french_input import impossible_date
from drafting_app.ui.i18n import Tr
from drafting_app.wording.markup import french_typography
from drafting_app.wording.render import RenderError


@dataclass(frozen=True)
class Analysis:
    """The outcome of analysing one state of the draft."""

    dossier: Dossier | None  # the complete dossier, when nothing is missing or wrong
    problems: tuple[DraftProblem, ...]
    findings: tuple[Finding, ...]
    checked: bool  # whether the legal checks could run
    piece: str  # the piece previewed
    preview_html: str
    preview_ok: bool


def _preview(core: Core, dossier: Dossier, piece: str, _: Tr) -> tuple[str, bool]:
    skeletons = core.library.documents_for(dossier.kind)
    skeleton = next((s for s in skeletons if s.id == piece), skeletons[0] if skeletons else None)
    if skeleton is None:
        return "<p>" + html.escape(_("Aucune pièce n’est encore prévue pour ce type de dossier "
                                     "dans la bibliothèque.")) + "</p>", False
    try:
        document = core.renderer.render_document(skeleton, dossier)
    except RenderError as exc:
        items = "".join(f"<li>{html.escape(p.message)}</li>" for p in exc.problems)
        return ("<p><b>" + html.escape(_("Cette pièce ne peut pas encore être rendue :"))
                + f"</b></p><ul>{items}</ul>"), False
    info = document.info
    head = (
        f"<h1>{html.escape(french_typography(info.title))}</h1>"
        f"<p><b>{html.escape(info.subtitle)}</b><br>"
        f"{html.escape(info.buyer)} — {html.escape(info.reference)}</p><hr>"
    )
    return head + blocks_to_html(document.blocks), True


DATE_KINDS = frozenset({"date_type", "date_parsing", "date_from_datetime_parsing",
                        "date_from_datetime_inexact"})
DATETIME_KINDS = frozenset({"datetime_type", "datetime_parsing", "datetime_from_date_parsing",
                            "datetime_object_invalid"})


def _reworded(problem: DraftProblem, hint: Callable[[FieldPath], str], typed: Any,
              _: Tr) -> DraftProblem:
    """A validation problem as the form says it: dates as jj/mm/aaaa, patterns by example."""
    message = problem.message
    if problem.missing:
        message = _("à renseigner")
    elif problem.kind in DATE_KINDS | DATETIME_KINDS:
        if isinstance(typed, str) and impossible_date(typed):
            message = _("date invalide : ce jour n’existe pas (jj/mm/aaaa)")
        elif problem.kind in DATE_KINDS:
            message = _("date invalide : écrivez-la jj/mm/aaaa, par exemple 23/11/2026")
        else:
            message = _("date et heure invalides : écrivez jj/mm/aaaa hh:mm, par exemple "
                        "15/01/2027 12:00")
    elif problem.kind == "string_pattern_mismatch" and hint(problem.path):
        message = _("format attendu : {hint}").format(hint=hint(problem.path))
    return DraftProblem(problem.path, message, problem.missing, problem.kind)


def analyse(
    core: Core,
    draft: Mapping[str, Any],
    piece: str,
    placeholder: Callable[[FieldPath], str | None],
    describe: Callable[[FieldPath], str],
    hint: Callable[[FieldPath], str],
    _: Tr,
) -> Analysis:
    """Validate the draft, run the legal checks and render the previewed piece."""
    dossier, problems = validate_draft(draft)
    problems = [_reworded(p, hint, get_in(draft, p.path), _) for p in problems]
    candidate = dossier
    if dossier is None:
        # empty text fields read « [label] » so that the rest can already be checked and shown
        candidate, _still = validate_draft(with_placeholders(draft, problems, placeholder))
    findings: list[Finding] = []
    if candidate is not None:
        findings = run_checks(candidate, core.library, core.legal, core.renderer)
        preview, ok = _preview(core, candidate, piece, _)
    else:
        blocking = [describe(p.path) for p in problems if p.path and placeholder(p.path) is None]
        names = "".join(f"<li>{html.escape(name)}</li>" for name in dict.fromkeys(blocking))
        preview = ("<p>" + html.escape(_("L’aperçu apparaîtra dès que ces champs seront "
                                         "renseignés :")) + f"</p><ul>{names}</ul>")
        ok = False
    return Analysis(
        dossier=dossier,
        problems=tuple(problems),
        findings=tuple(findings),
        checked=candidate is not None,
        piece=piece,
        preview_html=preview,
        preview_ok=ok,
    )
