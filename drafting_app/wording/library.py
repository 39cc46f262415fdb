"""Load clause_library/ (clauses, document skeletons, samples) into an immutable Library.

Loading never stops at the first problem: every problem is collected with its file and line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from jinja2 import TemplateSyntaxError, nodes
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel

from drafting_app.dossier.model import Dossier, DossierKind
from drafting_app.files.problems import Problem
from drafting_app.files.toml_files import locate, read_text, read_toml_file, validate_file
from drafting_app.wording.markup import parse_markup, value_token
from drafting_app.wording.model import (
    ClauseMeta,
    ClauseStatus,
    DocumentMeta,
    Piece,
    ReferenceEntry,
    ReferenceIndex,
    ReferenceStatus,
)
from drafting_app.wording.values import coerce_values, field_path_exists

M = TypeVar("M", bound=BaseModel)

CLAUSE_META = "clause.toml"
CLAUSE_TEXT = "text.fr.md"
CLAUSE_SAMPLE = "sample.toml"
CLAUSE_EXPECTED = "expected.fr.txt"
DOCUMENT_META = "document.toml"
REFERENCES_FILE = "legal/references.toml"

#: names every clause may use without declaring them (the dossier, and the clause's lots)
CLAUSE_CONTEXT = frozenset({"dossier", "buyer", "tender", "subsidy", "lots", "facts"})
#: names every document skeleton may use
DOCUMENT_CONTEXT = frozenset({"dossier", "buyer", "tender", "subsidy", "document", "facts"})
#: the part of a piece where the clauses it always prints (`standard_clause`) are placed
STANDARD_PART = "standard"
#: functions the renderer provides to every template
TEMPLATE_FUNCTIONS = frozenset(
    {"clauses", "has_clause", "has_clauses", "standard_clause", "clauses_also_in",
     "insertion_hours", "range", "chosen_clause_ids", "derogations", "current_lot", "pieces",
     "has_piece", "subsidy_years", "subsidy_total", "seuil"}
)


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

    @property
    def id(self) -> str:
        """The clause's identifier."""
        return self.meta.id

    @property
    def text_path(self) -> Path:
        """The wording file, for messages."""
        return self.folder / CLAUSE_TEXT

    def sample_kind(self) -> DossierKind:
        """Which sample dossier renders this clause's sample: subsidy pieces or tender pieces."""
        subsidy = {Piece.CONVENTION, Piece.CPO}
        if all(p.piece in subsidy for p in self.meta.placements):
            return DossierKind.ANNUAL_CONVENTION
        return DossierKind.TENDER


@dataclass(frozen=True)
class Skeleton:
    """A document skeleton: the wording and order of one piece (CCAP, RC, convention…)."""

    meta: DocumentMeta
    text: str
    folder: Path

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

    def clause(self, clause_id: str) -> Clause | None:
        """The clause with this id, or None."""
        return self.clauses.get(clause_id)

    def documents_for(self, kind: DossierKind) -> list[Skeleton]:
        """The skeletons that a dossier of this kind generates, in a stable order."""
        return sorted(
            (s for s in self.documents.values() if kind in s.meta.kinds), key=lambda s: s.id
        )


# --------------------------------------------------------------------------- template analysis

_STATEMENT_LINE = re.compile(r"^[ \t]*(?:\{%(?:(?!%\}).)*%\}[ \t]*)+\n", re.M)


def prepare_source(source: str) -> str:
    """Make a line holding only statements (`{% for … %}`) vanish when rendered.

    Jinja's `trim_blocks` would also eat the newline after a tag that ends a line of text
    (`… défavorisés{% endif %}`), gluing two paragraphs together; this only touches lines
    made of statements alone. The newline is kept inside a comment so line numbers stay true.
    """
    return _STATEMENT_LINE.sub(lambda m: m.group(0)[:-1] + "{#\n#}", source)



def _assigned_names(ast: nodes.Template) -> set[str]:
    """Names a template binds itself: loop targets, `set`, macro and call-block arguments."""
    bound = {"loop", "caller", "varargs", "kwargs"}
    for node in ast.find_all((nodes.For, nodes.Assign, nodes.AssignBlock, nodes.With,
                              nodes.Macro, nodes.CallBlock)):
        targets: list[nodes.Node] = []
        if isinstance(node, nodes.For | nodes.Assign | nodes.AssignBlock):
            targets.append(node.target)
        if isinstance(node, nodes.With):
            targets.extend(node.targets)
        if isinstance(node, nodes.Macro | nodes.CallBlock):
            targets.extend(node.args)
        if isinstance(node, nodes.Macro):
            bound.add(node.name)
        for target in targets:
            if isinstance(target, nodes.Name):
                bound.add(target.name)
            bound.update(n.name for n in target.find_all(nodes.Name))
    return bound


def names_read(ast: nodes.Template) -> dict[str, int]:
    """Names a parsed template reads from its context, each with the first line reading it."""
    bound = _assigned_names(ast)
    found: dict[str, int] = {}
    for name in ast.find_all(nodes.Name):
        if name.ctx == "load" and name.name not in bound and name.name not in found:
            found[name.name] = name.lineno
    return found


def unknown_filters(env: SandboxedEnvironment, ast: nodes.Template) -> list[tuple[str, int]]:
    """Filters and tests a template uses that the environment does not provide."""
    unknown = []
    for node in ast.find_all((nodes.Filter, nodes.Test)):
        known = env.filters if isinstance(node, nodes.Filter) else env.tests
        if node.name not in known:
            kind = "filtre" if isinstance(node, nodes.Filter) else "test"
            unknown.append((f"{kind} « {node.name} »", node.lineno))
    return unknown


def neutralise_jinja(source: str) -> tuple[str, list[int]]:
    """The wording with Jinja tags removed, and the source line of each remaining line.

    Values become a token; a line holding only a statement (`{% for %}`) disappears, as it
    does when rendering, so that a loop inside a table or a list stays one block.
    """

    def blank(match: re.Match[str]) -> str:
        return "\n" * match.group(0).count("\n")

    text = re.sub(r"\{#.*?#\}", blank, source, flags=re.S)
    text = re.sub(r"\{%.*?%\}", lambda m: "\ue002" + blank(m), text, flags=re.S)
    text = re.sub(r"\{\{.*?\}\}", lambda m: value_token(0) + blank(m), text, flags=re.S)
    branch = re.compile(r"^\s*\{%-?\s*(else|elif)\b")
    kept: list[str] = []
    origin: list[int] = []
    source_lines = source.split("\n")
    for number, line in enumerate(text.split("\n"), start=1):
        if "\ue002" in line and not line.replace("\ue002", "").strip():
            # another branch starts: what precedes it never stands next to what follows
            if number <= len(source_lines) and branch.match(source_lines[number - 1]):
                kept.append("")
                origin.append(number)
            continue
        kept.append(line.replace("\ue002", ""))
        origin.append(number)
    return "\n".join(kept), origin


def check_template(
    env: SandboxedEnvironment,
    source: str,
    path: Path,
    declared: set[str],
    context: frozenset[str],
    problems: list[Problem],
) -> dict[str, int] | None:
    """Check Jinja syntax, declared/used variables and markup.

    Returns the names the template reads (with their first line), None on a syntax error.
    """
    try:
        ast = env.parse(prepare_source(source))
    except TemplateSyntaxError as exc:
        problems.append(Problem(path, exc.lineno, f"erreur de syntaxe Jinja : {exc.message}"))
        return None
    used = names_read(ast)
    for what, line in unknown_filters(env, ast):
        problems.append(Problem(path, line, f"{what} inconnu : corrigez son nom (voir "
                                "clause_library/README.md, « Variables et filtres »)"))
    allowed = declared | context | TEMPLATE_FUNCTIONS
    for name, line in sorted(used.items(), key=lambda item: item[1]):
        if name not in allowed:
            problems.append(
                Problem(
                    path,
                    line,
                    f"la variable « {name} » est utilisée mais n’est pas déclarée dans "
                    f"{CLAUSE_META} : déclarez-la ([[variables]]) ou corrigez son nom",
                )
            )
    neutral, origin = neutralise_jinja(source)
    _, markup_problems = parse_markup(neutral, ["x"])
    for markup_problem in markup_problems:
        source_line = (
            origin[markup_problem.line - 1] if markup_problem.line <= len(origin) else None
        )
        problems.append(Problem(path, source_line, markup_problem.message))
    return used


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
    expected = expected_path.read_text(encoding="utf-8") if expected_path.exists() else None
    if meta is not None and text is not None:
        declared = {v.name for v in meta.variables}
        names = check_template(env, text, folder / CLAUSE_TEXT, declared, CLAUSE_CONTEXT,
                               problems)
        used = declared if names is None else set(names)
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
    return Clause(meta, text, folder, MappingProxyType(sample_values), expected, sample_lots)


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
    if text is not None:
        check_template(env, text, folder / CLAUSE_TEXT, set(), DOCUMENT_CONTEXT, problems)
    if meta is None or text is None or len(problems) > before:
        return None
    return Skeleton(meta, text, folder)


def load_library(root: Path, env: SandboxedEnvironment) -> tuple[Library, list[Problem]]:
    """Load a library folder; the Library holds every usable clause, the list every problem."""
    problems: list[Problem] = []
    if not root.is_dir():
        problems.append(Problem(root, None, "dossier de bibliothèque introuvable"))
        return Library(root, MappingProxyType({}), MappingProxyType({})), problems
    clauses: dict[str, Clause] = {}
    for folder in _folders(root / "clauses", problems):
        clause = load_clause(folder, env, problems)
        if clause is not None:
            clauses[clause.id] = clause
    documents: dict[str, Skeleton] = {}
    for folder in _folders(root / "documents", problems):
        skeleton = load_skeleton(folder, env, problems)
        if skeleton is not None:
            documents[skeleton.id] = skeleton
    samples: dict[DossierKind, Path] = {}
    for kind, name in ((DossierKind.TENDER, "marche_public.json"),
                       (DossierKind.ANNUAL_CONVENTION, "subvention.json")):
        path = root / "samples" / name
        if path.exists():
            samples[kind] = path
        elif clauses:
            problems.append(Problem(path, None, "dossier d’exemple manquant pour les rendus relus"))
    references = load_references(root / REFERENCES_FILE, problems)
    if references is not None:
        problems.extend(check_references([*clauses.values(), *documents.values()], references))
    problems.extend(check_placements(clauses.values(), documents.values(), env))
    return (
        Library(root, MappingProxyType(clauses), MappingProxyType(documents),
                MappingProxyType(samples), references),
        problems,
    )


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


def check_references(
    items: Iterable[Clause | Skeleton], index: ReferenceIndex
) -> list[Problem]:
    """Every legal reference is backed by the facts file; one marked [U] flags its clause."""
    problems = []
    for item in items:
        meta_path = item.folder / (CLAUSE_META if isinstance(item, Clause) else DOCUMENT_META)
        if isinstance(item, Clause):
            problems.extend(check_status(item, index))
        for position, reference in enumerate(item.meta.references):
            standing = index.status_of(reference.text, reference.article)
            if standing is ReferenceStatus.VERIFIED or (
                standing is ReferenceStatus.TO_CHECK
                and item.meta.status is ClauseStatus.TO_CHECK
            ):
                continue
            # only a problem needs its line: read the file then, not on every load
            text = meta_path.read_text(encoding="utf-8")
            line = locate(text, ("references", position, "article"))
            if standing is None:
                problems.append(Problem(meta_path, line, (
                    f"référence « {reference.label()} » absente de {REFERENCES_FILE} : le "
                    "fichier de faits juridiques ne l’établit pas ; vérifiez le texte et "
                    "l’article, ou faites d’abord établir ce fait")))
            else:
                problems.append(Problem(meta_path, line, (
                    f"la référence « {reference.label()} » est à vérifier : le statut doit "
                    "être « à vérifier » et la note dire ce qu’il faut vérifier")))
    return problems


def check_status(clause: Clause, index: ReferenceIndex) -> list[Problem]:
    """A clause is « à vérifier » exactly when it says what is left to verify (`to_check`).

    A reference marked « à vérifier » requires that status (see `check_references`); a clause
    « à vérifier » whose references are all verified must name the unverified fact it rests on,
    and a clause that names one cannot claim another status.
    """
    meta = clause.meta
    open_point = meta.to_check.strip()
    unverified = [r.label() for r in meta.references
                  if index.status_of(r.text, r.article) is ReferenceStatus.TO_CHECK]
    if meta.status is ClauseStatus.TO_CHECK and not open_point:
        if unverified:
            why = f"sa référence « {unverified[0]} » est à vérifier"
        else:
            why = "toutes ses références sont vérifiées"
        message = (f"statut « à vérifier » sans point à vérifier ({why}) : dites dans "
                   "to_check quel fait reste à établir, ou, s’il est établi, passez la clause "
                   "« à valider »")
    elif meta.status is not ClauseStatus.TO_CHECK and open_point:
        message = (f"statut « {meta.status.value} » alors que to_check signale un point à "
                   "vérifier : le statut doit être « à vérifier » tant que ce point est ouvert ; "
                   "une fois le fait établi, videz to_check")
    else:
        return []
    meta_path = clause.folder / CLAUSE_META
    return [Problem(meta_path, locate(meta_path.read_text(encoding="utf-8"), ("status",)),
                    message)]


Slot = tuple[str, str]


def skeleton_slots(env: SandboxedEnvironment, skeletons: Iterable[Skeleton]) -> set[Slot]:
    """The (piece, part) slots that skeletons fill with `clauses(piece, part)`."""
    slots: set[Slot] = set()
    for skeleton in skeletons:
        try:
            ast = env.parse(skeleton.text)
        except TemplateSyntaxError:
            continue
        for call in ast.find_all(nodes.Call):
            if (isinstance(call.node, nodes.Name) and call.node.name in ("clauses", "has_clauses")
                    and len(call.args) >= 2
                    and all(isinstance(a, nodes.Const) for a in call.args[:2])):
                slots.add((str(call.args[0].value), str(call.args[1].value)))  # type: ignore[attr-defined]
            elif isinstance(call.node, nodes.Name) and call.node.name == "standard_clause":
                # a clause the skeleton always prints goes in its piece's « standard » part
                slots.add((skeleton.meta.piece.value, STANDARD_PART))
    return slots


def check_placements(
    clauses: Iterable[Clause], skeletons: Iterable[Skeleton], env: SandboxedEnvironment
) -> list[Problem]:
    """A clause placed in a piece that has a skeleton names a slot that skeleton fills."""
    skeleton_list = list(skeletons)
    pieces = {s.meta.piece.value for s in skeleton_list}
    slots = skeleton_slots(env, skeleton_list)
    problems = []
    for clause in clauses:
        for placement in clause.meta.placements:
            piece = placement.piece.value
            if piece in pieces and (piece, placement.part) not in slots:
                known = ", ".join(sorted(part for p, part in slots if p == piece))
                problems.append(Problem(clause.folder / CLAUSE_META, None, (
                    f"emplacement « {piece}/{placement.part} » inconnu : aucun modèle de "
                    f"document ne l’insère (emplacements de « {piece} » : {known})")))
    return problems


def _folders(parent: Path, problems: list[Problem]) -> list[Path]:
    if not parent.is_dir():
        problems.append(Problem(parent, None, "dossier manquant dans la bibliothèque"))
        return []
    return sorted(p for p in parent.iterdir() if p.is_dir() and not p.name.startswith("."))
