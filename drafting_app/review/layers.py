"""Library layers: built-in clauses, the organisation's shared folder, the user's own clauses.

Each layer is a folder with a `clauses/` sub-folder in the library format. The built-in layer
is a whole library (skeletons, legal data, samples) loaded by `load_library`; the other layers
only add clauses, checked against the built-in references and skeletons. For one id the
highest layer wins: the user's clause over the organisation's, the organisation's over the
built-in one; every clause keeps the layer it comes from, and the ones it hides are listed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType

from jinja2.sandbox import SandboxedEnvironment

from drafting_app.files.problems import Problem
from drafting_app.review.clause_files import (
    ReviewError,
    append_history,
    read_clause_files,
    set_top_level_key,
    toml_string,
)
from drafting_app.review.shared import ReadOnlyError, SaveResult, is_writable, save_files
from drafting_app.wording.library import (
    CLAUSE_EXPECTED,
    CLAUSE_META,
    CLAUSE_SAMPLE,
    CLAUSE_TEXT,
    Clause,
    Library,
    check_placements,
    check_references,
    load_clause,
    load_library,
)
from drafting_app.wording.model import ClauseStatus, ReviewEntry


class LayerKind(StrEnum):
    """Where a clause comes from."""

    BUILTIN = "intégrée"
    ORGANISATION = "organisation"
    USER = "personnelle"


LAYER_LABELS: Mapping[LayerKind, str] = MappingProxyType({
    LayerKind.BUILTIN: "bibliothèque intégrée",
    LayerKind.ORGANISATION: "bibliothèque de l’organisation",
    LayerKind.USER: "mes clauses",
})


@dataclass(frozen=True)
class Layer:
    """One layer: its kind, its folder, and whether this user may only read it."""

    kind: LayerKind
    root: Path
    read_only: bool = False

    @property
    def label(self) -> str:
        """The layer's name as a buyer reads it."""
        return LAYER_LABELS[self.kind]

    @property
    def clauses_dir(self) -> Path:
        """The folder holding one sub-folder per clause."""
        return self.root / "clauses"

    def can_write(self) -> bool:
        """Whether this user may save into the layer (declared and actual rights)."""
        return not self.read_only and is_writable(self.clauses_dir)

    def ensure_writable(self) -> None:
        """Raise ReadOnlyError, in French, when this user may not save into the layer."""
        if self.read_only:
            raise ReadOnlyError([f"{self.root} : la {self.label} est en lecture seule pour "
                                 "vous : seul le service juridique y enregistre ; copiez la "
                                 "clause dans vos propres clauses pour l’adapter"])


@dataclass(frozen=True)
class LayeredLibrary:
    """The merged library, where each clause comes from, and the problems of every layer."""

    library: Library
    layers: tuple[Layer, ...]
    origins: Mapping[str, Layer]
    shadowed: Mapping[str, tuple[Layer, ...]]
    problems: tuple[Problem, ...]

    def origin(self, clause_id: str) -> Layer | None:
        """The layer the clause in use comes from."""
        return self.origins.get(clause_id)

    def layer(self, kind: LayerKind) -> Layer | None:
        """The layer of this kind, if configured."""
        return next((layer for layer in self.layers if layer.kind is kind), None)


def load_layers(env: SandboxedEnvironment, layers: Sequence[Layer]) -> LayeredLibrary:
    """Load the built-in layer (first) and the clause layers above it, then merge them."""
    if not layers or layers[0].kind is not LayerKind.BUILTIN:
        raise ValueError("the first layer must be the built-in library")
    base, problems = load_library(layers[0].root, env)
    clauses: dict[str, Clause] = dict(base.clauses)
    origins: dict[str, Layer] = dict.fromkeys(base.clauses, layers[0])
    shadowed: dict[str, list[Layer]] = {}
    for layer in layers[1:]:
        found = _load_clause_layer(layer, env, problems)
        if base.references is not None:
            problems.extend(check_references(found, base.references))
        problems.extend(check_placements(found, base.documents.values(), env))
        for clause in found:
            if clause.id in origins:
                shadowed.setdefault(clause.id, []).append(origins[clause.id])
            clauses[clause.id] = clause
            origins[clause.id] = layer
    library = Library(base.root, MappingProxyType(clauses), base.documents, base.samples,
                      base.references)
    return LayeredLibrary(
        library, tuple(layers), MappingProxyType(origins),
        MappingProxyType({k: tuple(v) for k, v in shadowed.items()}), tuple(problems))


def _load_clause_layer(
    layer: Layer, env: SandboxedEnvironment, problems: list[Problem]
) -> list[Clause]:
    if not layer.root.is_dir():
        if layer.kind is LayerKind.ORGANISATION:
            problems.append(Problem(layer.root, None, (
                f"{layer.label} introuvable : le lecteur réseau est-il connecté ? Les clauses "
                "des autres bibliothèques restent disponibles")))
        return []
    if not layer.clauses_dir.is_dir():
        if layer.kind is LayerKind.ORGANISATION:
            problems.append(Problem(layer.clauses_dir, None, (
                f"dossier « clauses » manquant dans la {layer.label} : chaque clause y est un "
                "sous-dossier clauses/<identifiant>/")))
        return []
    found = []
    for folder in sorted(p for p in layer.clauses_dir.iterdir()
                         if p.is_dir() and not p.name.startswith(".")):
        clause = load_clause(folder, env, problems)
        if clause is not None:
            found.append(clause)
    return found


def copy_clause(
    clause: Clause, target: Layer, who: str, now: dt.datetime, source: Layer | None = None
) -> SaveResult:
    """Copy a clause into a layer (a buyer adapting it in « mes clauses »), as a draft."""
    target.ensure_writable()
    folder = target.clauses_dir / clause.id
    if folder.exists():
        raise ReviewError([f"{folder} : une clause « {clause.id} » existe déjà dans la "
                           f"{target.label}"])
    opened = read_clause_files(clause.folder)
    path = folder / CLAUSE_META
    origin = f" de la {source.label}" if source else ""
    # a clause resting on an unverified fact stays « à vérifier »; any other copy is a draft
    status = (ClauseStatus.TO_CHECK if opened.meta.status is ClauseStatus.TO_CHECK
              else ClauseStatus.DRAFT)
    entry = ReviewEntry(
        who=who, when=now.date(), decision=status, version=opened.meta.version,
        comment=(f"copie de la clause{origin} (version {opened.meta.version}, "
                 f"{opened.meta.status.value}) : à adapter"))
    meta_text = set_top_level_key(opened.meta_text, "status", toml_string(status.value), path)
    meta_text = append_history(meta_text, entry)
    files = {CLAUSE_META: meta_text.encode("utf-8"), CLAUSE_TEXT: opened.text.encode("utf-8")}
    for name in (CLAUSE_SAMPLE, CLAUSE_EXPECTED):
        if (clause.folder / name).exists():
            files[name] = (clause.folder / name).read_bytes()
    return save_files(folder, None, files, who, now)
