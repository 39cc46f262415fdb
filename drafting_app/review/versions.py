"""Clause versions: a validated version is frozen in `versions/<n>/`; editing it makes n + 1.

The top of a clause folder always holds the current version (the only files the library
loader reads). When a version is validated, its `clause.toml` and `text.fr.md` are copied to
`versions/<n>/` and never rewritten. Editing a clause whose current version is frozen (validated
now or once) writes the edit as version n + 1, status « à valider », with a history entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from drafting_app.files.problems import Problem
from drafting_app.review.clause_files import (
    CONFLICTS_DIR,
    VERSIONS_DIR,
    ClauseFiles,
    ReviewError,
    append_history,
    parse_meta,
    read_clause_files,
    set_top_level_key,
    toml_string,
)
from drafting_app.review.shared import SaveResult, list_conflicts, save_files
from drafting_app.wording.library import CLAUSE_META, CLAUSE_TEXT, Clause
from drafting_app.wording.model import ClauseMeta, ClauseStatus, ReviewEntry


@dataclass(frozen=True)
class ClauseVersion:
    """One readable version of a clause: its metadata and wording."""

    number: int
    meta: ClauseMeta
    text: str
    current: bool
    folder: Path

    @property
    def validated_on(self) -> dt.date | None:
        """The date this version was last validated, from its history."""
        days = [e.when for e in self.meta.history
                if e.version == self.number and e.decision is ClauseStatus.VALIDATED]
        return max(days) if days else None


def version_folder(folder: Path, number: int) -> Path:
    """Where the frozen files of version `number` are kept."""
    return folder / VERSIONS_DIR / str(number)


def archived_numbers(folder: Path) -> list[int]:
    """The version numbers frozen under `versions/`, in order."""
    parent = folder / VERSIONS_DIR
    if not parent.is_dir():
        return []
    return sorted(int(p.name) for p in parent.iterdir() if p.is_dir() and p.name.isdigit())


def list_versions(folder: Path) -> list[ClauseVersion]:
    """Every readable version of a clause, oldest first; the current one last."""
    current = read_clause_files(folder)
    versions = [_archived(folder, n) for n in archived_numbers(folder)
                if n != current.meta.version]
    versions.append(ClauseVersion(current.meta.version, current.meta, current.text, True, folder))
    return versions


def read_version(folder: Path, number: int) -> ClauseVersion:
    """One version of a clause; ReviewError naming the versions that exist."""
    current = read_clause_files(folder)
    if number == current.meta.version:
        return ClauseVersion(number, current.meta, current.text, True, folder)
    if number in archived_numbers(folder):
        return _archived(folder, number)
    known = ", ".join(str(v.number) for v in list_versions(folder))
    raise ReviewError([f"{folder} : la version {number} de la clause « {current.id} » "
                       f"n’existe pas (versions disponibles : {known})"])


def _archived(folder: Path, number: int) -> ClauseVersion:
    files = read_clause_files(version_folder(folder, number))
    if files.meta.version != number:
        raise ReviewError([f"{files.folder / CLAUSE_META} : ce dossier garde la version "
                           f"{number} mais son fichier indique la version {files.meta.version}"])
    return ClauseVersion(number, files.meta, files.text, False, files.folder)


def is_frozen(opened: ClauseFiles) -> bool:
    """Whether the current version was validated (now or before): its text must not change."""
    return (opened.meta.status is ClauseStatus.VALIDATED
            or version_folder(opened.folder, opened.meta.version).is_dir())


def snapshot(opened: ClauseFiles, meta_text: str | None = None) -> dict[str, bytes]:
    """The files that freeze the current version under `versions/<n>/`."""
    base = f"{VERSIONS_DIR}/{opened.meta.version}"
    return {
        f"{base}/{CLAUSE_META}": (meta_text or opened.meta_text).encode("utf-8"),
        f"{base}/{CLAUSE_TEXT}": opened.text.encode("utf-8"),
    }


def bump_version(meta_text: str, meta: ClauseMeta, path: Path, who: str, today: dt.date,
                 comment: str) -> str:
    """The metadata of version n + 1: status « à valider » and a history entry."""
    version = meta.version + 1
    text = set_top_level_key(meta_text, "version", str(version), path)
    text = set_top_level_key(text, "status", toml_string(ClauseStatus.TO_REVIEW.value), path)
    entry = ReviewEntry(who=who, when=today, decision=ClauseStatus.TO_REVIEW, comment=comment,
                        version=version)
    text = append_history(text, entry)
    parse_meta(text, path)
    return text


def edit_files(
    opened: ClauseFiles,
    who: str,
    today: dt.date,
    *,
    text: str | None = None,
    meta_text: str | None = None,
) -> dict[str, bytes]:
    """The files to write for an edit of the wording and/or the metadata of an opened clause."""
    if not who.strip():
        raise ReviewError(["indiquez qui modifie la clause (nom de l’auteur)"])
    new_text = opened.text if text is None else text
    new_meta_text = opened.meta_text if meta_text is None else meta_text
    if new_text == opened.text and new_meta_text == opened.meta_text:
        return {}
    path = opened.folder / CLAUSE_META
    new_meta = parse_meta(new_meta_text, path)
    before = opened.meta
    changed = [label for label, same in (
        ("l’identifiant", new_meta.id == before.id),
        ("le statut", new_meta.status is before.status),
        ("la version", new_meta.version == before.version),
        ("l’historique", new_meta.history == before.history)) if not same]
    if changed:
        raise ReviewError([f"{path} : {', '.join(changed)} ne se modifie pas à la main : le "
                           "statut change par une décision de relecture, la version et "
                           "l’historique sont tenus par Clausier"])
    files: dict[str, bytes] = {}
    if is_frozen(opened):
        files.update(snapshot(opened))
        new_meta_text = bump_version(
            new_meta_text, before, path, who.strip(), today,
            f"nouvelle version : la version {before.version}, validée, est gardée dans "
            f"{VERSIONS_DIR}/{before.version}/")
    files[CLAUSE_TEXT] = new_text.encode("utf-8")
    files[CLAUSE_META] = new_meta_text.encode("utf-8")
    return files


def save_edit(
    opened: ClauseFiles,
    who: str,
    now: dt.datetime,
    *,
    text: str | None = None,
    meta_text: str | None = None,
) -> SaveResult:
    """Save an edit made on `opened`; a conflict copy keeps it if someone saved meanwhile."""
    files = edit_files(opened, who, now.date(), text=text, meta_text=meta_text)
    return save_files(opened.folder, opened.fingerprint, files, who, now)


def new_version_files(opened: ClauseFiles, who: str, today: dt.date) -> dict[str, bytes]:
    """Turn a frozen version edited by hand (in a text editor) into version n + 1."""
    frozen = version_folder(opened.folder, opened.meta.version)
    if not frozen.is_dir():
        raise ReviewError([f"{opened.folder} : la version {opened.meta.version} n’a jamais été "
                           "validée : modifiez-la directement, sans nouvelle version"])
    kept = read_clause_files(frozen)
    if wording_of(kept) == wording_of(opened):
        raise ReviewError([f"{opened.folder} : le texte n’a pas changé depuis la validation de "
                           f"la version {opened.meta.version} : rien à faire"])
    path = opened.folder / CLAUSE_META
    meta_text = bump_version(opened.meta_text, opened.meta, path, who.strip(), today,
                             f"nouvelle version : texte modifié après la validation de la "
                             f"version {opened.meta.version}")
    return {CLAUSE_META: meta_text.encode("utf-8")}


def wording_of(files: ClauseFiles) -> tuple[object, ...]:
    """What a validation approves: the text, the title, the legal basis and the variables."""
    meta = files.meta
    return files.text, meta.title, meta.references, meta.variables


def check_versions(clauses: Iterable[Clause]) -> list[Problem]:
    """Frozen versions readable and untouched; conflict copies waiting to be resolved."""
    problems: list[Problem] = []
    for clause in clauses:
        folder = clause.folder
        parent = folder / VERSIONS_DIR
        if parent.is_dir():
            for entry in sorted(parent.iterdir()):
                if not (entry.is_dir() and entry.name.isdigit()):
                    problems.append(Problem(entry, None, "élément inattendu dans versions/ : "
                                            "chaque version est un dossier numéroté (1, 2…)"))
                elif int(entry.name) > clause.meta.version:
                    problems.append(Problem(entry, None, (
                        f"version {entry.name} postérieure à la version courante "
                        f"{clause.meta.version} indiquée dans {CLAUSE_META}")))
                else:
                    try:
                        _archived(folder, int(entry.name))
                    except ReviewError as exc:
                        problems.extend(Problem(entry, None, p) for p in exc.problems)
        frozen = version_folder(folder, clause.meta.version)
        if frozen.is_dir():
            try:
                drifted = wording_of(read_clause_files(frozen)) != wording_of(
                    read_clause_files(folder))
            except ReviewError:
                drifted = False  # unreadable files are reported above or by the loader
            if drifted:
                problems.append(Problem(folder / CLAUSE_TEXT, None, (
                    f"la version {clause.meta.version} a été validée puis modifiée "
                    f"directement : remettez le texte validé ({VERSIONS_DIR}/"
                    f"{clause.meta.version}/) ou faites-en une nouvelle version à valider : "
                    f"clausier clauses new-version {clause.id} --who NOM")))
        for copy in list_conflicts(folder):
            problems.append(Problem(copy, None, (
                f"conflit d’enregistrement non résolu ({CONFLICTS_DIR}/{copy.name}) : "
                "comparez cette copie avec la clause, reportez ce qui doit l’être, puis "
                "supprimez la copie")))
    return problems
