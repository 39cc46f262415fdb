"""Review decisions: the allowed status changes, recorded in the clause's own `clause.toml`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from drafting_app.review.clause_files import (
    ClauseFiles,
    ReviewError,
    append_history,
    parse_meta,
    read_clause_files,
    set_top_level_key,
    toml_string,
)
from drafting_app.review.shared import SaveResult, list_conflicts, save_files
from drafting_app.review.versions import list_versions, snapshot, version_folder, wording_of
from drafting_app.wording.library import CLAUSE_META
from drafting_app.wording.model import ClauseStatus, ReferenceIndex, ReferenceStatus, ReviewEntry

S = ClauseStatus

#: the decisions a reviewer may take from each status (the same status: a comment only)
TRANSITIONS: Mapping[ClauseStatus, frozenset[ClauseStatus]] = MappingProxyType({
    S.DRAFT: frozenset({S.DRAFT, S.TO_REVIEW, S.OBSOLETE}),
    S.TO_CHECK: frozenset({S.TO_CHECK, S.TO_REVIEW, S.DRAFT, S.OBSOLETE}),
    S.TO_REVIEW: frozenset({S.TO_REVIEW, S.VALIDATED, S.DRAFT, S.TO_CHECK, S.OBSOLETE}),
    S.VALIDATED: frozenset({S.VALIDATED, S.TO_REVIEW, S.OBSOLETE}),
    S.OBSOLETE: frozenset({S.OBSOLETE, S.DRAFT, S.TO_REVIEW}),
})


def decision_problems(
    opened: ClauseFiles, decision: ClauseStatus, references: ReferenceIndex | None
) -> list[str]:
    """Why `decision` cannot be taken on this clause now (empty: it can)."""
    status = opened.meta.status
    problems = []
    if decision not in TRANSITIONS[status]:
        allowed = ", ".join(f"« {s.value} »" for s in sorted(TRANSITIONS[status]) if s != status)
        problems.append(f"une clause « {status.value} » ne peut pas passer à « {decision.value} » "
                        f"(décisions possibles : {allowed})")
    if references is not None and decision in (S.VALIDATED, S.TO_REVIEW):
        for reference in opened.meta.references:
            if references.status_of(reference.text, reference.article) is not (
                    ReferenceStatus.VERIFIED):
                problems.append(f"la référence « {reference.label()} » n’est pas vérifiée dans "
                                "le fichier de faits juridiques : la clause reste « à vérifier »")
    frozen = version_folder(opened.folder, opened.meta.version)
    if decision is S.VALIDATED and frozen.is_dir():
        try:
            changed = wording_of(read_clause_files(frozen)) != wording_of(opened)
        except ReviewError:
            changed = True
        if changed:
            problems.append(f"le texte a changé depuis la validation de la version "
                            f"{opened.meta.version} : faites-en d’abord une nouvelle version")
    return problems


def review_files(
    opened: ClauseFiles,
    decision: ClauseStatus,
    who: str,
    today: dt.date,
    comment: str = "",
    references: ReferenceIndex | None = None,
) -> dict[str, bytes]:
    """The files to write to record a decision; a validation also freezes the version."""
    if not who.strip():
        raise ReviewError(["indiquez le nom du relecteur"])
    problems = decision_problems(opened, decision, references)
    if problems:
        raise ReviewError([f"clause « {opened.id} » : {p}" for p in problems])
    path = opened.folder / CLAUSE_META
    entry = ReviewEntry(who=who.strip(), when=today, decision=decision, comment=comment.strip(),
                        version=opened.meta.version)
    meta_text = set_top_level_key(opened.meta_text, "status", toml_string(decision.value), path)
    meta_text = append_history(meta_text, entry)
    parse_meta(meta_text, path)
    files = {CLAUSE_META: meta_text.encode("utf-8")}
    if decision is S.VALIDATED:
        files.update(snapshot(opened, meta_text))
    return files


def record_review(
    opened: ClauseFiles,
    decision: ClauseStatus,
    who: str,
    now: dt.datetime,
    comment: str = "",
    references: ReferenceIndex | None = None,
) -> SaveResult:
    """Record a reviewer's decision on the clause as opened (conflict-safe)."""
    files = review_files(opened, decision, who, now.date(), comment, references)
    return save_files(opened.folder, opened.fingerprint, files, who, now)


def last_decision(opened: ClauseFiles) -> ReviewEntry | None:
    """The latest entry of the clause's history."""
    return opened.meta.history[-1] if opened.meta.history else None


def describe_history(folder: Path, origin: str = "") -> list[str]:
    """A clause's versions, review history and pending conflicts, as French lines."""
    opened = read_clause_files(folder)
    meta = opened.meta
    lines = [f"{meta.title} ({meta.id})",
             f"Version courante : {meta.version} — statut : {meta.status.value}"
             + (f" — {origin}" if origin else "")]
    readable = []
    for version in list_versions(folder):
        day = version.validated_on
        state = "courante" if version.current else (
            f"validée le {day.strftime('%d/%m/%Y')}" if day else "archivée")
        readable.append(f"{version.number} ({state})")
    lines.append("Versions lisibles : " + ", ".join(readable))
    lines.append("Historique :" if meta.history else "Historique : aucune décision enregistrée.")
    for entry in meta.history:
        comment = f" — {entry.comment}" if entry.comment else ""
        lines.append(f"  {entry.when.strftime('%d/%m/%Y')}  version {entry.version}  "
                     f"{entry.decision.value:<10}  {entry.who}{comment}")
    for copy in list_conflicts(folder):
        lines.append(f"Conflit en attente : {copy}")
    return lines
