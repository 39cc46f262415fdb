"""Where a clause is used: the saved dossiers of a folder that chose it, and which version."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from drafting_app.dossier.model import Dossier
from drafting_app.dossier.storage import DossierError, read_dossier_data, validate_dossier
from drafting_app.wording.library import Library


@dataclass(frozen=True)
class Usage:
    """One dossier that uses the clause, with the version it recorded."""

    path: Path
    title: str
    version: int | None
    current_version: int | None

    @property
    def outdated(self) -> bool:
        """Whether the clause changed since the dossier was drafted (or the version is unknown)."""
        return self.current_version is not None and self.version != self.current_version

    def describe(self) -> str:
        """One French line for the legal service."""
        if self.version is None:
            state = "version non enregistrée (dossier antérieur au suivi des versions)"
        else:
            state = f"version {self.version}"
        if self.current_version is None:
            advice = "la clause n’existe plus dans la bibliothèque"
        elif self.version == self.current_version:
            advice = "à jour"
        else:
            advice = f"version en vigueur : {self.current_version}, à signaler à l’acheteur"
        return f"{self.path} — « {self.title} » : {state} ; {advice}"


@dataclass(frozen=True)
class UsageReport:
    """The dossiers using a clause, and the dossier files that could not be read."""

    clause_id: str
    usages: tuple[Usage, ...]
    unreadable: tuple[tuple[Path, tuple[str, ...]], ...]
    scanned: int


def _dossier_files(folder: Path) -> Iterator[Path]:
    """JSON files under `folder`, hidden folders (.git, .venv…) skipped."""
    for path in sorted(folder.rglob("*.json")):
        if not any(part.startswith(".") for part in path.relative_to(folder).parts):
            yield path


def where_used(clause_id: str, folder: Path, current_version: int | None) -> UsageReport:
    """Every saved dossier under `folder` (recursively) that chose the clause."""
    usages: list[Usage] = []
    unreadable: list[tuple[Path, tuple[str, ...]]] = []
    scanned = 0
    for path in _dossier_files(folder):
        try:  # size-limited, regular files only, any JSON
            data = read_dossier_data(path)
        except DossierError as exc:
            scanned += 1
            unreadable.append((path, tuple(exc.problems)))
            continue
        if not (isinstance(data, dict) and "schema_version" in data):
            continue  # a readable JSON file of another kind: skipped silently
        scanned += 1
        try:
            dossier = validate_dossier(data, path)
        except DossierError as exc:
            unreadable.append((path, tuple(exc.problems)))
            continue
        for chosen in dossier.clauses:
            if chosen.id == clause_id:
                usages.append(Usage(path, dossier.title, chosen.version, current_version))
    return UsageReport(clause_id, tuple(usages), tuple(unreadable), scanned)


def stamp_versions(dossier: Dossier, library: Library) -> Dossier:
    """The dossier with each chosen clause's current library version recorded (before saving)."""
    chosen = tuple(
        c.model_copy(update={"version": library.clauses[c.id].meta.version})
        if c.id in library.clauses else c
        for c in dossier.clauses
    )
    return dossier.model_copy(update={"clauses": chosen})
