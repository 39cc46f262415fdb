"""The references index (`legal/references.toml`): every article the library may cite, backed
by the facts file, and the check that clauses cite only those, with an honest status."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from drafting_app.files.problems import Problem
from drafting_app.files.toml_files import locate, read_toml_file, validate_file
from drafting_app.wording.model import (
    ClauseStatus,
    ReferenceEntry,
    ReferenceIndex,
    ReferenceStatus,
)

REFERENCES_FILE = "legal/references.toml"


def load_references(path: Path, problems: list[Problem]) -> ReferenceIndex | None:
    """The references file, merged with any `references.d/*.toml` beside it."""
    entries: list[ReferenceEntry] = []
    extra = sorted((path.parent / "references.d").glob("*.toml"))
    for file in [path, *extra]:
        read = read_toml_file(file, problems)
        if read is None:
            return None
        index = validate_file(ReferenceIndex, read[0], read[1], file, problems)
        if index is None:
            return None
        entries.extend(index.references)
    return ReferenceIndex(references=tuple(entries))


def reference_problems(
    items: Iterable[tuple[Path, bool, ClauseStatus, str, tuple[tuple[str, str], ...]]],
    index: ReferenceIndex,
) -> list[Problem]:
    """Every legal reference is backed by the facts file, and a clause's status agrees with its
    references' standing; over (metadata file, is a clause, status, what is left to verify,
    (text, article) of each reference)."""
    standings: dict[tuple[str, str], ReferenceStatus] = {}
    for entry in reversed(index.references):  # the first entry naming an article wins
        for article in entry.articles:
            standings[(entry.text, article)] = entry.status
    problems = []
    for meta_path, is_clause, status, to_check, references in items:
        if is_clause:
            problems.extend(_status_problems(meta_path, status, to_check, references,
                                             standings))
        for position, (text_name, article) in enumerate(references):
            standing = standings.get((text_name, article))
            if standing is ReferenceStatus.VERIFIED or (
                standing is ReferenceStatus.TO_CHECK and status is ClauseStatus.TO_CHECK
            ):
                continue
            # only a problem needs its line: read the file then, not on every load
            text = meta_path.read_text(encoding="utf-8")
            line = locate(text, ("references", position, "article"))
            label = f"{text_name} art. {article}" if article else text_name
            if standing is None:
                problems.append(Problem(meta_path, line, (
                    f"référence « {label} » absente de {REFERENCES_FILE} : le "
                    "fichier de faits juridiques ne l’établit pas ; vérifiez le texte et "
                    "l’article, ou faites d’abord établir ce fait")))
            else:
                problems.append(Problem(meta_path, line, (
                    f"la référence « {label} » est à vérifier : le statut doit "
                    "être « à vérifier » et la note dire ce qu’il faut vérifier")))
    return problems


def _status_problems(
    meta_path: Path, status: ClauseStatus, to_check: str, references: tuple[tuple[str, str], ...],
    standings: dict[tuple[str, str], ReferenceStatus],
) -> list[Problem]:
    """A clause is « à vérifier » exactly when it says what is left to verify (`to_check`).

    A reference marked « à vérifier » requires that status (see `check_references`); a clause
    « à vérifier » whose references are all verified must name the unverified fact it rests on,
    and a clause that names one cannot claim another status.
    """
    unverified = [f"{text} art. {article}" if article else text for text, article in references
                  if standings.get((text, article)) is ReferenceStatus.TO_CHECK]
    if status is ClauseStatus.TO_CHECK and not to_check:
        if unverified:
            why = f"sa référence « {unverified[0]} » est à vérifier"
        else:
            why = "toutes ses références sont vérifiées"
        message = (f"statut « à vérifier » sans point à vérifier ({why}) : dites dans "
                   "to_check quel fait reste à établir, ou, s’il est établi, passez la clause "
                   "« à valider »")
    elif status is not ClauseStatus.TO_CHECK and to_check:
        message = (f"statut « {status.value} » alors que to_check signale un point à "
                   "vérifier : le statut doit être « à vérifier » tant que ce point est ouvert ; "
                   "une fois le fait établi, videz to_check")
    else:
        return []
    return [Problem(meta_path, locate(meta_path.read_text(encoding="utf-8"), ("status",)),
                    message)]
