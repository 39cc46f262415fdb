"""Load clause_library/ (clauses, document skeletons, samples) into an immutable Library.

Loading never stops at the first problem: every problem is collected with its file and line.
"""

from __future__ import annotations

import dataclasses
import marshal
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from jinja2 import TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel

from drafting_app.dossier.model import Dossier, DossierKind
from drafting_app.files.problems import Problem
from drafting_app.files.toml_files import locate, read_text, read_toml_file, validate_file
from drafting_app.wording.cache import LibraryCache, Row, fingerprint
from drafting_app.wording.index import ClauseEntry, LazyClauses
from drafting_app.wording.model import (
    ClauseMeta,
    DocumentMeta,
    Piece,
    ReferenceIndex,
)
from drafting_app.wording.references import (
    REFERENCES_FILE,
    load_references,
    reference_problems,
)
from drafting_app.wording.templates import (
    check_and_compile,
    template_slots,
)
from drafting_app.wording.values import coerce_values, field_path_exists

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")
ItemT = TypeVar("ItemT", "Clause | None", "Skeleton | None")

CLAUSE_META = "clause.toml"
CLAUSE_TEXT = "text.fr.md"
CLAUSE_SAMPLE = "sample.toml"
CLAUSE_EXPECTED = "expected.fr.txt"
DOCUMENT_META = "document.toml"

#: names every clause may use without declaring them (the dossier, and the clause's lots)
CLAUSE_CONTEXT = frozenset({"dossier", "buyer", "tender", "subsidy", "lots", "facts"})
#: names every document skeleton may use
DOCUMENT_CONTEXT = frozenset({"dossier", "buyer", "tender", "subsidy", "document", "facts"})


class LibraryError(Exception):
    """Raised when a library cannot be used; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Clause:
    """One clause: its metadata, its wording, its sample values and reviewed rendering."""

    meta: ClauseMeta
    text: str
    folder: Path
    sample_values: Mapping[str, Any]
    expected: str | None
    sample_lots: tuple[int, ...] = ()
    #: the wording compiled by Jinja, kept from the check so that rendering never parses it
    #: again: Python source, or (from the cache) marshalled bytecode; None: compiled when
    #: first rendered
    code: str | bytes | None = field(default=None, compare=False, repr=False)

    @property
    def id(self) -> str:
        """The clause's identifier."""
        return self.meta.id

    @property
    def text_path(self) -> Path:
        """The wording file, for messages."""
        return self.folder / CLAUSE_TEXT

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # for the cache: a mapping proxy cannot be pickled, the dict behind it can
        return (_clause, (self.meta, self.text, self.folder, dict(self.sample_values),
                          self.expected, self.sample_lots, self.code))

    def sample_kind(self) -> DossierKind:
        """Which sample dossier renders this clause's sample: subsidy pieces or tender pieces."""
        subsidy = {Piece.CONVENTION, Piece.CPO}
        if all(p.piece in subsidy for p in self.meta.placements):
            return DossierKind.ANNUAL_CONVENTION
        return DossierKind.TENDER


def _clause(
    meta: ClauseMeta, text: str, folder: Path, sample_values: dict[str, Any],
    expected: str | None, sample_lots: tuple[int, ...], code: str | None,
) -> Clause:
    return Clause(meta, text, folder, MappingProxyType(sample_values), expected, sample_lots,
                  code)


@dataclass(frozen=True)
class Skeleton:
    """A document skeleton: the wording and order of one piece (CCAP, RC, convention…)."""

    meta: DocumentMeta
    text: str
    folder: Path
    code: str | bytes | None = field(default=None, compare=False, repr=False)
    #: the (piece, part) slots it fills with `clauses(piece, part)`; None: not computed
    slots: frozenset[tuple[str, str]] | None = field(default=None, compare=False, repr=False)

    @property
    def id(self) -> str:
        """The skeleton's identifier."""
        return self.meta.id

    @property
    def text_path(self) -> Path:
        """The wording file, for messages."""
        return self.folder / CLAUSE_TEXT


@dataclass(frozen=True)
class Library:
    """Everything loaded from a clause library folder; immutable once built."""

    root: Path
    clauses: Mapping[str, Clause]
    documents: Mapping[str, Skeleton]
    samples: Mapping[DossierKind, Path] = field(default_factory=lambda: MappingProxyType({}))
    references: ReferenceIndex | None = None
    _derived: dict[str, Any] = field(default_factory=dict, init=False, compare=False,
                                     repr=False)

    def derived(self, key: str, make: Callable[[], T]) -> T:
        """What `make` builds from this (immutable) library, built once: the index, the
        search index."""
        if key not in self._derived:
            self._derived[key] = make()
        return self._derived[key]  # type: ignore[no-any-return]

    @property
    def index(self) -> Mapping[str, ClauseEntry]:
        """The compact index of the clauses (what lists, filters and search read)."""
        entries = getattr(self.clauses, "entries", None)
        if entries is not None:
            return entries  # type: ignore[no-any-return]
        return self.derived("index", lambda: MappingProxyType(
            {clause_id: ClauseEntry.of(clause) for clause_id, clause in self.clauses.items()}))

    def clause(self, clause_id: str) -> Clause | None:
        """The clause with this id, or None."""
        return self.clauses.get(clause_id)

    def documents_for(self, kind: DossierKind) -> list[Skeleton]:
        """The skeletons that a dossier of this kind generates, in a stable order."""
        return sorted(
            (s for s in self.documents.values() if kind in s.meta.kinds), key=lambda s: s.id
        )


# --------------------------------------------------------------------------- loading


def load_clause(
    folder: Path, env: SandboxedEnvironment, problems: list[Problem]
) -> Clause | None:
    """Load and check one clause folder; append every problem; None when unusable."""
    before = len(problems)
    meta_path = folder / CLAUSE_META
    meta: ClauseMeta | None = None
    read = read_toml_file(meta_path, problems)
    if read is not None:
        meta = validate_file(ClauseMeta, read[0], read[1], meta_path, problems)
        if meta is not None and meta.id != folder.name:
            problems.append(
                Problem(
                    meta_path,
                    locate(read[1], ("id",)),
                    f"l’identifiant « {meta.id} » doit être le nom du dossier « {folder.name} »",
                )
            )
    text = read_text(folder / CLAUSE_TEXT, problems)
    sample_path = folder / CLAUSE_SAMPLE
    sample = read_toml_file(sample_path, problems)
    sample_values: dict[str, Any] = {}
    sample_lots: tuple[int, ...] = ()
    code: str | None = None
    if sample is not None:
        unknown = set(sample[0]) - {"values", "lots"}
        for key in sorted(unknown):
            problems.append(
                Problem(sample_path, locate(sample[1], (key,)), f"clé inconnue « {key} »")
            )
        raw_lots = sample[0].get("lots", [])
        if isinstance(raw_lots, list) and all(isinstance(n, int) for n in raw_lots):
            sample_lots = tuple(raw_lots)
        else:
            problems.append(Problem(sample_path, locate(sample[1], ("lots",)),
                                    "« lots » doit être une liste de numéros de lots"))
        raw_values = sample[0].get("values", {})
        if isinstance(raw_values, dict):
            sample_values = raw_values
        else:
            problems.append(Problem(sample_path, locate(sample[1], ("values",)),
                                    "« values » doit être une table [values]"))
    expected_path = folder / CLAUSE_EXPECTED
    expected = (read_text(expected_path, problems)
                if expected_path.exists() or expected_path.is_symlink() else None)
    if meta is not None and text is not None:
        declared = {v.name for v in meta.variables}
        checked = check_and_compile(env, text, folder / CLAUSE_TEXT, declared, CLAUSE_CONTEXT,
                                    problems)
        code = None if checked is None else checked.code
        used = declared if checked is None else set(checked.names)
        for variable in meta.variables:
            if variable.name not in used:
                problems.append(
                    Problem(
                        meta_path,
                        locate(read[1], ("variables", meta.variables.index(variable), "name"))
                        if read
                        else None,
                        f"la variable « {variable.name} » est déclarée mais le texte ne "
                        "l’utilise pas : supprimez-la ou utilisez-la",
                    )
                )
        for position, variable in enumerate(meta.variables):
            if variable.dossier_field and not field_path_exists(Dossier, variable.dossier_field):
                problems.append(Problem(
                    meta_path,
                    locate(read[1], ("variables", position, "dossier_field")) if read else None,
                    f"champ du dossier inconnu « {variable.dossier_field} » pour la variable "
                    f"« {variable.name} » (exemple : tender.advance_rate)"))
        if sample is not None:
            _, value_problems = coerce_values(meta.variables, sample_values)
            for value_problem in value_problems:
                problems.append(
                    Problem(
                        sample_path,
                        locate(sample[1], ("values", value_problem.name)),
                        f"valeur d’exemple « {value_problem.name} » : {value_problem.message}",
                    )
                )
    usable = meta is not None and text is not None and len(problems) == before
    if expected is None:
        # still usable, so that its sample can be rendered for review; but the library is
        # not valid until a reviewed text is stored
        problems.append(
            Problem(
                expected_path,
                None,
                "rendu relu manquant : lancez « clausier library golden --write "
                f"{folder.name} », relisez le texte produit, puis gardez-le",
            )
        )
    if not usable or meta is None or text is None:
        return None
    return Clause(meta, text, folder, MappingProxyType(sample_values), expected, sample_lots,
                  code)


def load_skeleton(
    folder: Path, env: SandboxedEnvironment, problems: list[Problem]
) -> Skeleton | None:
    """Load and check one document skeleton folder."""
    before = len(problems)
    meta_path = folder / DOCUMENT_META
    read = read_toml_file(meta_path, problems)
    meta = validate_file(DocumentMeta, read[0], read[1], meta_path, problems) if read else None
    if meta is not None and read is not None and meta.id != folder.name:
        problems.append(Problem(meta_path, locate(read[1], ("id",)),
                                f"l’identifiant « {meta.id} » doit être le nom du dossier"))
    text = read_text(folder / CLAUSE_TEXT, problems)
    checked = None
    if text is not None:
        checked = check_and_compile(env, text, folder / CLAUSE_TEXT, set(), DOCUMENT_CONTEXT,
                                    problems)
    if meta is None or text is None or len(problems) > before:
        return None
    if checked is None:
        return Skeleton(meta, text, folder)
    return Skeleton(meta, text, folder, checked.code, checked.slots)


CLAUSE_FILES = (CLAUSE_META, CLAUSE_TEXT, CLAUSE_SAMPLE, CLAUSE_EXPECTED)
_WRITE_EVERY = 500
DOCUMENT_FILES = (DOCUMENT_META, CLAUSE_TEXT)


def load_library(
    root: Path, env: SandboxedEnvironment, cache: LibraryCache | None = None
) -> tuple[Library, list[Problem]]:
    """Load a library folder; the Library holds every usable clause, the list every problem.

    With a `cache`, a folder whose files have not changed since it was last checked is not
    checked again, and its clause is read from the cache when first opened; without one,
    every file is read and checked (`clausier library check`).
    """
    problems: list[Problem] = []
    if not root.is_dir():
        problems.append(Problem(root, None, "dossier de bibliothèque introuvable"))
        return Library(root, MappingProxyType({}), MappingProxyType({})), problems
    clauses: Mapping[str, Clause]
    documents: dict[str, Skeleton] = {}
    if cache is None:
        loaded: dict[str, Clause] = {}
        for folder in _folders(root / "clauses", problems):
            clause = load_clause(folder, env, problems)
            if clause is not None:
                loaded[clause.id] = clause
        for folder in _folders(root / "documents", problems):
            skeleton = load_skeleton(folder, env, problems)
            if skeleton is not None:
                documents[skeleton.id] = skeleton
        clauses = MappingProxyType(loaded)
        entries: Iterable[ClauseEntry] = (ClauseEntry.of(c) for c in loaded.values())
    else:
        lazy, documents = _load_cached(root, env, cache, problems)
        clauses = lazy
        entries = lazy.entries.values()
    samples: dict[DossierKind, Path] = {}
    for kind, name in ((DossierKind.TENDER, "marche_public.json"),
                       (DossierKind.ANNUAL_CONVENTION, "subvention.json")):
        path = root / "samples" / name
        if path.exists():
            samples[kind] = path
        elif clauses:
            problems.append(Problem(path, None, "dossier d’exemple manquant pour les rendus relus"))
    references = load_references(root / REFERENCES_FILE, problems)
    entry_list = list(entries)
    if references is not None:
        problems.extend(reference_problems(
            [*((Path(e.path) / CLAUSE_META, True, e.status, e.to_check, e.references)
               for e in entry_list),
             *((s.folder / DOCUMENT_META, False, s.meta.status, "",
                tuple((r.text, r.article) for r in s.meta.references))
               for s in documents.values())],
            references))
    problems.extend(_placement_problems(
        ((e.path, e.placements) for e in entry_list), documents.values(), env))
    return (
        Library(root, clauses, MappingProxyType(documents), MappingProxyType(samples),
                references),
        problems,
    )


def _load_cached(
    root: Path, env: SandboxedEnvironment, cache: LibraryCache, problems: list[Problem]
) -> tuple[LazyClauses, dict[str, Skeleton]]:
    """Clauses and skeletons through the cache: unchanged folders are not checked again."""
    rows = cache.read()
    current: dict[tuple[str, str], Row] = {}
    changed: list[tuple[str, str, str, Any, Any, Any]] = []
    entries: dict[str, ClauseEntry] = {}
    prints: dict[str, str] = {}
    # clauses checked in this load, until the cache holds them (a small library keeps them)
    fresh: dict[str, Clause] = {}
    clauses_dir = root / "clauses"
    for name in _folder_names(clauses_dir, problems):
        folder = f"{clauses_dir}{os.sep}{name}"
        print_ = fingerprint(folder, CLAUSE_FILES)
        key = ("clause", name)
        row = rows.get(key)
        if row is not None and row[0] == print_:
            current[key] = row
            if row[1]:
                problems.extend(row[1])
            if row[2] is not None:
                entry = ClauseEntry.from_state(row[2])
                entries[entry.id] = entry
                prints[entry.id] = print_
            continue
        own: list[Problem] = []
        clause = load_clause(Path(folder), env, own)
        problems.extend(own)
        state = None
        if clause is not None:
            entry = ClauseEntry.of(clause)
            entries[entry.id] = entry
            prints[entry.id] = print_
            fresh[entry.id] = clause
            state = entry.state()
        current[key] = (print_, own or None, state)
        changed.append(("clause", name, print_, own or None, state, _bytecode(clause)))
        if len(changed) >= _WRITE_EVERY:  # 10 000 new clauses are not all held in memory
            cache.write(changed, [])
            changed = []
            fresh.clear()
    documents: dict[str, Skeleton] = {}
    documents_dir = root / "documents"
    for name in _folder_names(documents_dir, problems):
        folder = f"{documents_dir}{os.sep}{name}"
        print_ = fingerprint(folder, DOCUMENT_FILES)
        key = ("document", name)
        row = rows.get(key)
        skeleton = None
        if row is not None and row[0] == print_:
            skeleton = cache.item("document", name, print_)
        if isinstance(skeleton, Skeleton):
            current[key] = row  # type: ignore[assignment]
            problems.extend(row[1] or ())  # type: ignore[index]
        else:
            own = []
            skeleton = load_skeleton(Path(folder), env, own)
            problems.extend(own)
            current[key] = (print_, own or None, None)
            changed.append(("document", name, print_, own or None, None, _bytecode(skeleton)))
        if skeleton is not None:
            documents[skeleton.id] = skeleton
    gone = [key for key in rows if key not in current]
    if changed or gone or not cache.snapshot_read:
        cache.write(changed, gone)
        cache.write_snapshot(current)

    def load(entry: ClauseEntry) -> Clause | None:
        known = fresh.pop(entry.id, None)
        if known is not None:
            return known
        cached = cache.item("clause", entry.folder.name, prints[entry.id])
        if isinstance(cached, Clause):
            return cached
        # the cache lost it, or the files changed since: read them (the check ran at load)
        return load_clause(entry.folder, env, [])

    return LazyClauses(entries, load), documents


def check_references(
    items: Iterable[Clause | Skeleton], index: ReferenceIndex
) -> list[Problem]:
    """Every legal reference is backed by the facts file; one marked [U] flags its clause."""
    return reference_problems(
        [(item.folder / (CLAUSE_META if isinstance(item, Clause) else DOCUMENT_META),
          isinstance(item, Clause), item.meta.status,
          item.meta.to_check.strip() if isinstance(item, Clause) else "",
          tuple((r.text, r.article) for r in item.meta.references))
         for item in items],
        index,
    )


Slot = tuple[str, str]


def skeleton_slots(env: SandboxedEnvironment, skeletons: Iterable[Skeleton]) -> set[Slot]:
    """The (piece, part) slots that skeletons fill with `clauses(piece, part)`."""
    slots: set[Slot] = set()
    for skeleton in skeletons:
        found: Iterable[Slot]
        if skeleton.slots is not None:
            found = skeleton.slots
        else:
            try:
                found = list(template_slots(env.parse(skeleton.text)))
            except TemplateSyntaxError:
                continue
        # ("", part): a part of the skeleton's own piece (its standard clauses)
        slots.update((piece or skeleton.meta.piece.value, part) for piece, part in found)
    return slots


def check_placements(
    clauses: Iterable[Clause], skeletons: Iterable[Skeleton], env: SandboxedEnvironment
) -> list[Problem]:
    """A clause placed in a piece that has a skeleton names a slot that skeleton fills."""
    return _placement_problems(
        ((c.folder, tuple((p.piece, p.part) for p in c.meta.placements)) for c in clauses),
        skeletons, env)


def _placement_problems(
    clauses: Iterable[tuple[str | Path, tuple[tuple[Piece, str], ...]]],
    skeletons: Iterable[Skeleton],
    env: SandboxedEnvironment,
) -> list[Problem]:
    """`check_placements` over (clause folder, (piece, part) of each placement)."""
    skeleton_list = list(skeletons)
    pieces = {s.meta.piece.value for s in skeleton_list}
    slots = skeleton_slots(env, skeleton_list)
    problems = []
    for folder, placements in clauses:
        for piece_enum, part in placements:
            piece = piece_enum.value
            if piece in pieces and (piece, part) not in slots:
                known = ", ".join(sorted(p_part for p, p_part in slots if p == piece))
                problems.append(Problem(Path(folder) / CLAUSE_META, None, (
                    f"emplacement « {piece}/{part} » inconnu : aucun modèle de "
                    f"document ne l’insère (emplacements de « {piece} » : {known})")))
    return problems


def _folders(parent: Path, problems: list[Problem]) -> list[Path]:
    if not parent.is_dir():
        problems.append(Problem(parent, None, "dossier manquant dans la bibliothèque"))
        return []
    return sorted(p for p in parent.iterdir() if p.is_dir() and not p.name.startswith("."))


def _bytecode(item: ItemT) -> ItemT:
    """The item with its compiled template as marshalled bytecode (what the cache keeps)."""
    if item is None or not isinstance(item.code, str):
        return item
    code = compile(item.code, str(item.text_path), "exec")
    return dataclasses.replace(item, code=marshal.dumps(code))


def _folder_names(parent: Path, problems: list[Problem]) -> list[str]:
    """`_folders`, as names: no Path (nor stat) for each of 10 000 folders."""
    try:
        with os.scandir(parent) as found:
            return sorted(e.name for e in found
                          if not e.name.startswith(".") and e.is_dir())
    except OSError:
        problems.append(Problem(parent, None, "dossier manquant dans la bibliothèque"))
        return []
