"""The `clausier` command: no argument opens the app; subcommands run headless, without Qt."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, TextIO

from drafting_app import __version__
from drafting_app.checks import Severity, load_legal_data, run_checks
from drafting_app.dossier.model import Dossier
from drafting_app.dossier.storage import DossierError, load_dossier
from drafting_app.files.problems import Problem
from drafting_app.paths import default_layout, shipped_library
from drafting_app.wording.library import CLAUSE_EXPECTED, Clause, Library, load_library
from drafting_app.wording.model import ReferenceStatus
from drafting_app.wording.render import Formats, Renderer, RenderError, make_environment
from drafting_app.wording.samples import check_samples, load_samples, render_sample
from drafting_app.wording.search import search_clauses

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2

SEVERITY_FR = {Severity.ERROR: "erreur", Severity.WARNING: "attention", Severity.INFO: "info"}

_ARGPARSE_FR = (
    (r"the following arguments are required: (.*)", r"arguments obligatoires manquants : \1"),
    (r"unrecognized arguments: (.*)", r"arguments non reconnus : \1"),
    (r"argument (.*?): invalid choice: (.*?) \(choose from (.*)\)",
     r"argument \1 : choix invalide \2 (choix possibles : \3)"),
    (r"argument (.*?): expected one argument", r"argument \1 : une valeur est attendue"),
)


class FrenchParser(argparse.ArgumentParser):
    """argparse with its messages and headings in French."""

    def format_help(self) -> str:
        text = super().format_help()
        for english, french in (("usage:", "utilisation :"), ("options:", "options :"),
                                ("positional arguments:", "arguments :"),
                                ("show this help message and exit", "affiche cette aide")):
            text = text.replace(english, french)
        return text

    def format_usage(self) -> str:
        return super().format_usage().replace("usage:", "utilisation :")

    def error(self, message: str) -> NoReturn:
        for pattern, replacement in _ARGPARSE_FR:
            message = re.sub(pattern, replacement, message)
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"{self.prog} : erreur : {message}\n")


@dataclass
class Session:
    """What a command works with, built once from the command line and passed down."""

    library_dir: Path
    out: TextIO
    err: TextIO
    formats: Formats
    _loaded: tuple[Library, list[Problem], Renderer] | None = None

    def load(self) -> tuple[Library, list[Problem], Renderer]:
        """The library, its problems, and a renderer over it (loaded once)."""
        if self._loaded is None:
            env = make_environment(self.formats)
            library, problems = load_library(self.library_dir, env)
            self._loaded = (library, problems, Renderer(library, env))
        return self._loaded

    def say(self, text: str = "") -> None:
        """Print a line for the user."""
        print(text, file=self.out)

    def warn(self, text: str) -> None:
        """Print a line on the error stream."""
        print(text, file=self.err)


def _print_problems(session: Session, problems: Sequence[Problem]) -> None:
    for problem in problems:
        session.warn(str(problem))


def _read_dossier(session: Session, path: Path) -> Dossier | None:
    try:
        return load_dossier(path)
    except DossierError as exc:
        session.warn(f"Dossier illisible : {exc.path}")
        for problem in exc.problems:
            session.warn(f"  - {problem}")
        return None


def _library_or_fail(session: Session) -> tuple[Library, Renderer] | None:
    library, problems, renderer = session.load()
    if problems:
        session.warn(f"La bibliothèque de clauses {library.root} a {len(problems)} problème(s) ; "
                     "lancez « clausier library check » :")
        _print_problems(session, problems[:10])
        return None
    return library, renderer


# --------------------------------------------------------------------------- commands


def cmd_generate(session: Session, args: argparse.Namespace) -> int:
    """Write every document of a dossier."""
    dossier = _read_dossier(session, args.dossier)
    if dossier is None:
        return EXIT_BAD_INPUT
    loaded = _library_or_fail(session)
    if loaded is None:
        return EXIT_FINDINGS
    library, renderer = loaded
    from drafting_app.documents.docx import (
        ExportError,
        LayoutError,
        RemovedCharactersWarning,
        load_layout,
    )
    from drafting_app.documents.generate import generate

    try:
        layout = load_layout(args.layout or default_layout())
    except LayoutError as exc:
        for problem in exc.problems:
            session.warn(problem)
        return EXIT_BAD_INPUT
    legal, legal_problems = load_legal_data(library.root)
    errors = [f for f in run_checks(dossier, library, legal) if f.severity is Severity.ERROR]
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", RemovedCharactersWarning)
            written = generate(renderer, dossier, args.out, layout)
    except RenderError as exc:
        session.warn("Les documents n’ont pas pu être produits :")
        _print_problems(session, exc.problems)
        return EXIT_FINDINGS
    except ExportError as exc:
        session.warn("Les documents n’ont pas pu être écrits :")
        for problem in exc.problems:
            session.warn(f"  - {problem}")
        return EXIT_BAD_INPUT
    except OSError as exc:
        session.warn(f"Écriture impossible dans {args.out} : {exc.strerror or exc}")
        return EXIT_BAD_INPUT
    for item in written:
        session.say(str(item.path))
    for warning in caught:
        session.warn(f"Attention : {warning.message}")
    if errors or legal_problems:
        session.warn(f"{len(errors)} point(s) bloquant(s) dans le dossier : lancez « clausier "
                     f"check {args.dossier} » pour le détail.")
    return EXIT_OK


def cmd_check(session: Session, args: argparse.Namespace) -> int:
    """List the legal findings of a dossier."""
    dossier = _read_dossier(session, args.dossier)
    if dossier is None:
        return EXIT_BAD_INPUT
    library, library_problems, _ = session.load()
    legal, legal_problems = load_legal_data(library.root)
    findings = run_checks(dossier, library, legal)
    if args.format == "json":
        session.say(json.dumps({"findings": [f.as_dict() for f in findings]},
                               ensure_ascii=False, indent=2))
    else:
        if not findings:
            session.say("Aucun constat : le dossier ne soulève pas de point de vigilance.")
        for finding in findings:
            reference = f" ({finding.reference})" if finding.reference else ""
            session.say(f"[{SEVERITY_FR[finding.severity]}] {finding.code}{reference}")
            session.say(f"    {finding.message}")
            session.say(f"    champ : {finding.field}")
    _print_problems(session, library_problems + legal_problems)
    has_error = any(f.severity is Severity.ERROR for f in findings)
    return EXIT_FINDINGS if has_error or library_problems or legal_problems else EXIT_OK


def _clause_summary(clause: Clause) -> dict[str, Any]:
    meta = clause.meta
    return {
        "id": meta.id,
        "title": meta.title,
        "category": meta.category,
        "status": meta.status.value,
        "version": meta.version,
        "placements": [f"{p.piece.value}/{p.part}" for p in meta.placements],
        "references": [r.label() for r in meta.references],
    }


def _print_clause_rows(session: Session, clauses: Sequence[Clause], fmt: str) -> None:
    if fmt == "json":
        session.say(json.dumps([_clause_summary(c) for c in clauses], ensure_ascii=False,
                               indent=2))
        return
    for clause in clauses:
        meta = clause.meta
        session.say(f"{meta.id:<42} {meta.status.value:<10} {meta.category:<16} {meta.title}")


def cmd_clauses_list(session: Session, args: argparse.Namespace) -> int:
    """List the clauses of the library."""
    library, problems, _ = session.load()
    clauses = sorted(library.clauses.values(), key=lambda c: (c.meta.category, c.id))
    if args.category:
        clauses = [c for c in clauses if c.meta.category == args.category]
    _print_clause_rows(session, clauses, args.format)
    if problems:
        session.warn(f"{len(problems)} problème(s) dans la bibliothèque : clausier library check")
    return EXIT_OK


def cmd_clauses_search(session: Session, args: argparse.Namespace) -> int:
    """Search clauses, accent- and case-insensitively."""
    library, _, _ = session.load()
    found = search_clauses(library, args.query)
    _print_clause_rows(session, found, args.format)
    if not found and args.format != "json":
        session.warn(f"Aucune clause ne correspond à « {args.query} ».")
    return EXIT_OK


def cmd_clauses_show(session: Session, args: argparse.Namespace) -> int:
    """Show a clause: metadata, legal basis, note to the buyer, variables, sample rendering."""
    library, _, renderer = session.load()
    clause = library.clause(args.id)
    if clause is None:
        session.warn(f"Clause inconnue : « {args.id} ». Cherchez-la avec « clausier clauses "
                     "search MOT ».")
        return EXIT_BAD_INPUT
    samples, _ = load_samples(library)
    try:
        rendering = render_sample(renderer, clause, samples)
    except RenderError as exc:
        rendering = "(rendu impossible : " + "; ".join(str(p) for p in exc.problems) + ")"
    meta = clause.meta
    if args.format == "json":
        data = meta.model_dump(mode="json")
        data["text"] = clause.text
        data["sample_rendering"] = rendering
        session.say(json.dumps(data, ensure_ascii=False, indent=2))
        return EXIT_OK
    session.say(f"{meta.title}")
    session.say(f"  identifiant : {meta.id} — version {meta.version} — statut : "
                f"{meta.status.value} — catégorie : {meta.category}")
    session.say("  place : " + ", ".join(f"{p.piece.value.upper()} / {p.part}"
                                         for p in meta.placements))
    for reference in meta.references:
        standing = (library.references.status_of(reference.text, reference.article)
                    if library.references else None)
        checked = session.formats.date_long(reference.checked)
        state = (f"à vérifier ; relevé le {checked}" if standing is ReferenceStatus.TO_CHECK
                 else f"vérifié le {checked}")
        session.say(f"  fondement : {reference.label()} ({state})")
    session.say("")
    session.say("Note à l’acheteur :")
    session.say("  " + meta.note.strip().replace("\n", "\n  "))
    if meta.variables:
        session.say("")
        session.say("Variables :")
        for variable in meta.variables:
            session.say(f"  {variable.name} ({variable.type.value}) — {variable.label}")
    session.say("")
    session.say("Rendu de l’exemple :")
    session.say(rendering)
    return EXIT_OK


def cmd_library_check(session: Session, args: argparse.Namespace) -> int:
    """Validate a clause library: files, variables, markup, samples, reviewed renderings."""
    if args.dir is not None:
        session.library_dir = args.dir
    library, problems, renderer = session.load()
    samples, sample_problems = load_samples(library)
    legal, legal_problems = load_legal_data(library.root)
    all_problems = problems + sample_problems + legal_problems + check_samples(renderer, samples)
    all_problems += _review_problems(library, legal)
    _print_problems(session, all_problems)
    if all_problems:
        session.say(f"{len(all_problems)} problème(s) dans la bibliothèque {library.root}.")
        return EXIT_FINDINGS
    session.say(f"Bibliothèque valide : {len(library.clauses)} clauses, "
                f"{len(library.documents)} modèles de documents ({library.root}).")
    _print_counts(session, library)
    return EXIT_OK


def _review_problems(library: Library, legal: Any) -> list[Problem]:
    """Stale references (repealed texts, superseded thresholds) and frozen versions edited."""
    import datetime as dt

    from drafting_app.review.stale import find_stale_references
    from drafting_app.review.versions import check_versions

    stale = find_stale_references(library, legal, dt.date.today())
    return [s.problem() for s in stale] + check_versions(library.clauses.values())


def _print_counts(session: Session, library: Library) -> None:
    categories = Counter(c.meta.category for c in library.clauses.values())
    statuses = Counter(c.meta.status.value for c in library.clauses.values())
    session.say("Par catégorie : " + ", ".join(f"{k} {v}" for k, v in sorted(categories.items())))
    session.say("Par statut : " + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())))
    to_check = sorted(c.id for c in library.clauses.values()
                      if c.meta.status.value == "à vérifier")
    if to_check:
        session.say("À vérifier : " + ", ".join(to_check))


def cmd_library_golden(session: Session, args: argparse.Namespace) -> int:
    """Render clause samples; with --write, store them as the texts to review."""
    if args.dir is not None:
        session.library_dir = args.dir
    library, _, renderer = session.load()
    samples, problems = load_samples(library)
    _print_problems(session, problems)
    ids = args.ids or sorted(library.clauses)
    status = EXIT_OK
    for clause_id in ids:
        clause = library.clause(clause_id)
        if clause is None:
            session.warn(f"Clause « {clause_id} » inconnue ou invalide : clausier library check")
            status = EXIT_FINDINGS
            continue
        try:
            text = render_sample(renderer, clause, samples)
        except RenderError as exc:
            _print_problems(session, exc.problems)
            status = EXIT_FINDINGS
            continue
        if args.write:
            (clause.folder / CLAUSE_EXPECTED).write_text(text, encoding="utf-8")
            session.say(f"écrit : {clause.folder / CLAUSE_EXPECTED} (à relire)")
        else:
            session.say(f"--- {clause.id}")
            session.say(text)
    return status


def cmd_schema(session: Session, args: argparse.Namespace) -> int:
    """Print the dossier's JSON Schema."""
    session.say(json.dumps(Dossier.model_json_schema(), ensure_ascii=False, indent=2))
    return EXIT_OK


def cmd_templates_check(session: Session, args: argparse.Namespace) -> int:
    """Say which required styles a Word layout lacks."""
    from drafting_app.documents.docx import LayoutError, check_layout

    try:
        missing = check_layout(args.file)
    except LayoutError as exc:
        for problem in exc.problems:
            session.warn(problem)
        return EXIT_BAD_INPUT
    for message in missing:
        session.say(message)
    if missing:
        return EXIT_FINDINGS
    session.say(f"Mise en page complète : {args.file}")
    return EXIT_OK


# --------------------------------------------------------------------------- legal review


def _review_layers(session: Session, args: argparse.Namespace) -> Any:
    """The built-in library with the organisation's and the user's clauses on top."""
    from drafting_app.review.layers import Layer, LayerKind, load_layers

    layers = [Layer(LayerKind.BUILTIN, session.library_dir)]
    if getattr(args, "organisation", None) is not None:
        layers.append(Layer(LayerKind.ORGANISATION, args.organisation))
    if getattr(args, "mes_clauses", None) is not None:
        layers.append(Layer(LayerKind.USER, args.mes_clauses))
    return load_layers(make_environment(session.formats), layers)


def _review_clause(session: Session, args: argparse.Namespace) -> tuple[Any, Clause] | None:
    layered = _review_layers(session, args)
    clause = layered.library.clause(args.id)
    if clause is None:
        session.warn(f"Clause inconnue ou invalide : « {args.id} ». Cherchez-la avec « clausier "
                     "clauses search MOT » ou lancez « clausier library check ».")
        return None
    return layered, clause


def _review_failed(session: Session, problems: Sequence[str]) -> int:
    for problem in problems:
        session.warn(problem)
    return EXIT_BAD_INPUT


def cmd_clauses_history(session: Session, args: argparse.Namespace) -> int:
    """Show a clause's versions, review history and pending conflicts."""
    from drafting_app.review.clause_files import ReviewError
    from drafting_app.review.history import describe_history

    found = _review_clause(session, args)
    if found is None:
        return EXIT_BAD_INPUT
    layered, clause = found
    try:
        lines = describe_history(clause.folder, layered.origin(clause.id).label)
    except ReviewError as exc:
        return _review_failed(session, exc.problems)
    for line in lines:
        session.say(line)
    return EXIT_OK


def cmd_clauses_diff(session: Session, args: argparse.Namespace) -> int:
    """Compare two versions of a clause, word by word (with --out: Word tracked changes)."""
    from drafting_app.review.clause_files import ReviewError
    from drafting_app.review.diff import compare_clause, comparison_text
    from drafting_app.review.diff_docx import write_comparison_docx
    from drafting_app.review.versions import list_versions

    found = _review_clause(session, args)
    if found is None:
        return EXIT_BAD_INPUT
    _, clause = found
    try:
        numbers = [v.number for v in list_versions(clause.folder)]
        new = args.to if args.to is not None else numbers[-1]
        older = [n for n in numbers if n < new]
        old = args.from_ if args.from_ is not None else (older[-1] if older else new)
        comparison = compare_clause(clause.folder, old, new)
        if args.out is not None:
            write_comparison_docx(comparison, args.out)
    except ReviewError as exc:
        return _review_failed(session, exc.problems)
    if args.out is not None:
        session.say(str(args.out))
    else:
        session.say(comparison_text(comparison).rstrip("\n"))
    return EXIT_OK


def cmd_clauses_new_version(session: Session, args: argparse.Namespace) -> int:
    """Make a validated clause edited by hand version n + 1, to be validated again."""
    import datetime as dt

    from drafting_app.review.clause_files import ReviewError, read_clause_files
    from drafting_app.review.shared import SaveOutcome, save_files
    from drafting_app.review.versions import new_version_files

    found = _review_clause(session, args)
    if found is None:
        return EXIT_BAD_INPUT
    now = dt.datetime.now()
    try:
        opened = read_clause_files(found[1].folder)
        result = save_files(opened.folder, opened.fingerprint,
                            new_version_files(opened, args.who, now.date()), args.who, now)
    except ReviewError as exc:
        return _review_failed(session, exc.problems)
    if result.outcome is SaveOutcome.CONFLICT:
        session.warn(result.message)
        return EXIT_FINDINGS
    session.say(f"Clause « {opened.id} » : version {opened.meta.version + 1} créée, statut "
                "« à valider » ; la version validée reste lisible (clausier clauses history).")
    return EXIT_OK


def cmd_review_export(session: Session, args: argparse.Namespace) -> int:
    """Write the review pack of the selected clauses (.docx with a column for decisions)."""
    import datetime as dt

    from drafting_app.review.clause_files import ReviewError
    from drafting_app.review.pack import export_pack, parse_status, select_clauses

    layered = _review_layers(session, args)
    clauses = list(layered.library.clauses.values())
    status = None
    if args.status is not None:
        status = parse_status(args.status)
        if status is None:
            return _review_failed(session, [
                f"Statut inconnu : « {args.status} » (statuts : brouillon, à vérifier, "
                "à valider, validé, obsolète)."])
    categories = sorted({c.meta.category for c in clauses})
    if args.category is not None and args.category not in categories:
        return _review_failed(session, [f"Catégorie inconnue : « {args.category} » "
                                        f"(catégories : {', '.join(categories)})."])
    chosen = select_clauses(clauses, args.category, status)
    selection = ", ".join(part for part in (
        f"catégorie « {args.category} »" if args.category else "",
        f"statut « {status.value} »" if status else "") if part)
    origins = {c.id: layered.origin(c.id).label for c in chosen}
    try:
        export_pack(chosen, args.out, dt.date.today(), origins, selection,
                    layered.library.references)
    except ReviewError as exc:
        return _review_failed(session, exc.problems)
    if layered.problems:
        session.warn(f"{len(layered.problems)} problème(s) dans la bibliothèque : les clauses "
                     "invalides ne sont pas exportées (clausier library check).")
    session.say(f"{args.out} : {len(chosen)} clause(s) à relire.")
    return EXIT_OK


def cmd_review_import(session: Session, args: argparse.Namespace) -> int:
    """Record the decisions of a filled-in review pack; report every row that does not match."""
    import datetime as dt

    from drafting_app.review.clause_files import ReviewError
    from drafting_app.review.pack import import_pack

    layered = _review_layers(session, args)
    folders = {c.id: c.folder for c in layered.library.clauses.values()}
    try:
        report = import_pack(args.pack, folders, dt.datetime.now(), args.who,
                             layered.library.references, dry_run=args.dry_run)
    except ReviewError as exc:
        return _review_failed(session, exc.problems)
    session.say(f"Relecteur : {report.reviewer}" + (" (essai à blanc : rien n’est enregistré)"
                                                     if args.dry_run else ""))
    for clause_id, status, _ in report.recorded:
        session.say(f"  {status.value:<10} {clause_id}")
    for note in report.notes:
        session.say(f"  {note}")
    for issue in report.issues:
        session.warn(f"Non reporté : {issue}")
    session.say(f"{len(report.recorded)} décision(s) enregistrée(s), {report.blank} ligne(s) "
                f"sans décision, {len(report.issues)} ligne(s) à reprendre.")
    return EXIT_FINDINGS if report.issues else EXIT_OK


def cmd_library_where_used(session: Session, args: argparse.Namespace) -> int:
    """List the saved dossiers of a folder that use a clause, and which version."""
    from drafting_app.review.where_used import where_used

    if not args.dossiers.is_dir():
        session.warn(f"Dossier introuvable : {args.dossiers}")
        return EXIT_BAD_INPUT
    clause = _review_layers(session, args).library.clause(args.id)
    current = clause.meta.version if clause is not None else None
    if clause is None:
        session.warn(f"La clause « {args.id} » n’est pas (ou plus) dans la bibliothèque.")
    report = where_used(args.id, args.dossiers, current)
    for usage in report.usages:
        session.say(usage.describe())
    for path, problems in report.unreadable:
        session.warn(f"Dossier illisible : {path} ({'; '.join(problems)})")
    outdated = sum(usage.outdated for usage in report.usages)
    session.say(f"{len(report.usages)} dossier(s) sur {report.scanned} utilisent « {args.id} »"
                + (f" (version en vigueur : {current})" if current else "")
                + f", dont {outdated} à informer d’une nouvelle version.")
    return EXIT_OK


def _add_review_commands(add: Any, sub: Any, clauses_sub: Any, library_sub: Any) -> None:
    """The legal-review subcommands: history, diff, new-version, review packs, where-used."""

    def layers(command: FrenchParser) -> None:
        command.add_argument("--organisation", type=Path, default=None, metavar="DOSSIER",
                             help="bibliothèque partagée de l’organisation (dossier)")
        command.add_argument("--mes-clauses", dest="mes_clauses", type=Path, default=None,
                             metavar="DOSSIER",
                             help="dossier de vos propres clauses")

    history = add("history", cmd_clauses_history,
                  "affiche les versions et l’historique de relecture d’une clause", clauses_sub)
    history.add_argument("id", help="identifiant de la clause")
    layers(history)
    diff = add("diff", cmd_clauses_diff,
               "compare deux versions d’une clause mot à mot (--out : Word avec révisions)",
               clauses_sub)
    diff.add_argument("id", help="identifiant de la clause")
    diff.add_argument("--from", dest="from_", type=int, default=None, metavar="V1",
                      help="version d’origine (par défaut : la précédente)")
    diff.add_argument("--to", type=int, default=None, metavar="V2",
                      help="version comparée (par défaut : la version courante)")
    diff.add_argument("--out", type=Path, default=None,
                      help="fichier .docx à écrire, avec les différences en révisions")
    layers(diff)
    new_version = add("new-version", cmd_clauses_new_version,
                      "fait d’une clause validée modifiée à la main une nouvelle version à "
                      "valider", clauses_sub)
    new_version.add_argument("id", help="identifiant de la clause")
    new_version.add_argument("--who", required=True, help="votre nom (auteur de la version)")
    layers(new_version)

    review: FrenchParser = add("review", lambda s, a: _usage(review),
                               "relecture juridique des clauses", sub)
    review_sub = review.add_subparsers(dest="action", metavar="ACTION",
                                       parser_class=FrenchParser)
    export = add("export", cmd_review_export,
                 "écrit un dossier de relecture Word (une ligne par clause, une colonne pour "
                 "la décision)", review_sub)
    export.add_argument("--category", default=None, help="ne garder qu’une catégorie")
    export.add_argument("--status", default=None, help="ne garder qu’un statut (« à valider »…)")
    export.add_argument("--out", type=Path, required=True, help="fichier .docx à écrire")
    layers(export)
    imported = add("import", cmd_review_import,
                   "enregistre les décisions d’un dossier de relecture rempli", review_sub)
    imported.add_argument("pack", type=Path, help="dossier de relecture rempli (.docx)")
    imported.add_argument("--who", default=None,
                          help="nom du relecteur (par défaut : celui écrit dans le dossier)")
    imported.add_argument("--dry-run", dest="dry_run", action="store_true",
                          help="vérifie sans rien enregistrer")
    layers(imported)

    where = add("where-used", cmd_library_where_used,
                "liste les dossiers enregistrés qui utilisent une clause, et leur version",
                library_sub)
    where.add_argument("id", help="identifiant de la clause")
    where.add_argument("--dossiers", type=Path, required=True,
                       help="dossier où chercher les dossiers enregistrés (.json)")
    layers(where)


# --------------------------------------------------------------------------- parser


# --------------------------------------------------------------------------- advisor, insertion

#: command-line option of each advisor question (the answer fields of the dossier)
_ADVISOR_OPTIONS = {
    "initiative": "--initiative",
    "authority_defines_need": "--besoin-defini",
    "price_for_service_received": "--prix",
    "public_service_mission": "--mission-service-public",
    "multi_year": "--pluriannuel",
}


def cmd_advise(session: Session, args: argparse.Namespace) -> int:
    """Recommend a contracting mode from the qualification answers; save them with --enregistrer."""
    import datetime as dt

    from drafting_app.advisers.contracting_mode import advise
    from drafting_app.dossier.model import AdvisorAnswers
    from drafting_app.dossier.storage import save_dossier

    dossier = _read_dossier(session, args.dossier) if args.dossier else None
    if args.dossier and dossier is None:
        return EXIT_BAD_INPUT
    if args.enregistrer and dossier is None:
        session.warn("--enregistrer demande un fichier dossier : clausier advise DOSSIER.json …")
        return EXIT_BAD_INPUT
    given = {field: getattr(args, field) for field in _ADVISOR_OPTIONS
             if getattr(args, field) is not None}
    base = dossier.advisor if dossier is not None else AdvisorAnswers()
    answers = AdvisorAnswers.model_validate({
        **base.model_dump(), **{k: (v == "oui" if k != "initiative" else v)
                                for k, v in given.items()}})
    legal, legal_problems = load_legal_data(session.library_dir)
    _print_problems(session, legal_problems)
    day = dt.date.today()
    if dossier is not None and dossier.tender is not None:
        day = dossier.tender.launch_date
    elif dossier is not None and dossier.subsidy is not None:
        day = dossier.subsidy.start_date
    advice = advise(answers, legal, day)
    if args.format == "json":
        session.say(json.dumps({"answers": answers.model_dump(mode="json"),
                                "advice": advice.as_dict()}, ensure_ascii=False, indent=2))
    else:
        session.say(f"Conseil : {advice.title}")
        session.say("Pourquoi :")
        for reason in advice.reasons:
            session.say(f"  - {reason.text}" + (f" ({reason.reference})" if reason.reference
                                                 else ""))
        if advice.cautions:
            session.say("Points d’attention :")
            for caution in advice.cautions:
                session.say(f"  - {caution}")
        if advice.unanswered:
            session.say("Questions sans réponse :")
            for question in advice.unanswered:
                choices = "|".join(value for value, _ in question.choices)
                session.say(f"  - {question.text} ({_ADVISOR_OPTIONS[question.field]} "
                            f"{choices})")
    if args.enregistrer and dossier is not None:
        try:
            save_dossier(dossier.model_copy(update={"advisor": answers}), args.dossier)
        except OSError as exc:
            session.warn(f"Écriture impossible dans {args.dossier} : {exc.strerror or exc}")
            return EXIT_BAD_INPUT
        session.say(f"Réponses enregistrées dans {args.dossier}.")
    return EXIT_FINDINGS if legal_problems else EXIT_OK


def _decimal_option(session: Session, name: str, raw: str | None) -> Any:
    """A number given on the command line (`12 500,50`), or None; False when malformed."""
    from drafting_app.wording.values import parse_number

    if raw is None:
        return None
    value = parse_number(raw)
    if value is None:
        session.warn(f"{name} : « {raw} » n’est pas un nombre")
        return False
    if value <= 0:
        session.warn(f"{name} : un nombre positif est attendu")
        return False
    return value


def cmd_insertion(session: Session, args: argparse.Namespace) -> int:
    """Compute insertion hours per lot (or for an amount); write them into the insertion clause."""
    from drafting_app.advisers.insertion import (
        Inputs,
        InsertionError,
        compute,
        dossier_hours,
        labour_share_of,
        with_clause_values,
    )
    from drafting_app.checks.legal_data import load_insertion_data
    from drafting_app.dossier.storage import save_dossier

    data, problems = load_insertion_data(session.library_dir)
    _print_problems(session, problems)
    if data is None or problems:
        return EXIT_FINDINGS
    if args.metiers:
        for trade in data.trades:
            session.say(f"{trade.id:<24} {session.formats.percent(trade.labour_share):>6}  "
                        f"{trade.label}")
        rate_text = session.formats.percent(data.defaults.insertion_rate)
        session.say(f"Par défaut : taux d’insertion {rate_text}, coût horaire "
                    f"{session.formats.money(data.defaults.hourly_cost)} HT.")
        return EXIT_OK
    amount = _decimal_option(session, "--montant", args.montant)
    rate = _decimal_option(session, "--taux", args.taux)
    cost = _decimal_option(session, "--cout-horaire", args.cout_horaire)
    if False in (amount, rate, cost):
        return EXIT_BAD_INPUT
    try:
        share = labour_share_of(data, args.metier) if args.metier else None
        lot_shares = {}
        for item in args.lot:
            number, _, trade = item.partition("=")
            if not number.strip().isdigit() or not trade:
                raise InsertionError([f"--lot {item} : écrivez --lot NUMÉRO=métier ou part "
                                      "(par exemple --lot 2=maconnerie)"])
            lot_shares[int(number)] = labour_share_of(data, trade.strip())
        if amount is not None:
            if share is None:
                raise InsertionError(["indiquez la part de main-d’œuvre : --metier MÉTIER ou "
                                      "--metier 50 (clausier insertion --metiers pour la liste)"])
            results = [compute(amount, Inputs(share, rate or data.defaults.insertion_rate,
                                              cost or data.defaults.hourly_cost))]
            dossier = None
        elif args.dossier is not None:
            dossier = _read_dossier(session, args.dossier)
            if dossier is None:
                return EXIT_BAD_INPUT
            library, _, _ = session.load()
            results = dossier_hours(dossier, library, data, share, lot_shares, rate, cost)
        else:
            raise InsertionError(["indiquez un dossier (clausier insertion DOSSIER.json) ou un "
                                  "montant (--montant 1000000 --metier maconnerie)"])
        if args.enregistrer:
            if dossier is None or args.dossier is None:
                raise InsertionError(["--enregistrer demande un fichier dossier"])
            inputs = {r.inputs for r in results}
            if len(inputs) != 1:
                raise InsertionError(["les lots ont des parts de main-d’œuvre différentes : la "
                                      "clause d’insertion n’en admet qu’une ; calculez et "
                                      "enregistrez les lots de même métier ensemble"])
            updated = with_clause_values(dossier, library, inputs.pop(),
                                         [r.number for r in results if r.number is not None])
    except InsertionError as exc:
        for problem in exc.problems:
            session.warn(f"Calcul impossible : {problem}.")
        return EXIT_BAD_INPUT
    if args.format == "json":
        session.say(json.dumps([r.as_dict() for r in results], ensure_ascii=False, indent=2))
    else:
        f = session.formats
        for r in results:
            name = f"Lot {r.number} – {r.title} : " if r.number is not None else ""
            session.say(f"{name}{f.money(r.amount)} HT × {f.percent(r.inputs.labour_share)} × "
                        f"{f.percent(r.inputs.insertion_rate)} ÷ {f.money(r.inputs.hourly_cost)}"
                        f"/h = {f.number(r.hours)} heures d’insertion")
        defaults = data.defaults
        if any(not defaults.insertion_rate_min <= r.inputs.insertion_rate
               <= defaults.insertion_rate_max for r in results):
            session.say(f"Attention : taux hors de la fourchette usuelle "
                        f"({f.percent(defaults.insertion_rate_min)} à "
                        f"{f.percent(defaults.insertion_rate_max)}).")
        if defaults.hourly_cost_to_check and any(
                r.inputs.hourly_cost == defaults.hourly_cost for r in results):
            session.say(f"Coût horaire : {defaults.hourly_cost_to_check}.")
    if args.enregistrer and args.dossier is not None:
        try:
            save_dossier(updated, args.dossier)
        except OSError as exc:
            session.warn(f"Écriture impossible dans {args.dossier} : {exc.strerror or exc}")
            return EXIT_BAD_INPUT
        session.say(f"Valeurs de la clause d’insertion enregistrées dans {args.dossier}.")
    return EXIT_OK


def _add_legal_commands(add: Any, fmt: Callable[[FrenchParser], None]) -> None:
    """The contracting-mode advisor and the insertion-hours calculator."""
    advise = add("advise", cmd_advise,
                 "conseille un mode de contractualisation (subvention, CPO, marché, SIEG)")
    advise.add_argument("dossier", nargs="?", type=Path, default=None,
                        help="fichier dossier (.json) dont reprendre et compléter les réponses")
    advise.add_argument("--initiative", dest="initiative",
                        choices=("association", "collectivite", "co_construction"),
                        help="qui est à l’initiative du projet")
    for field, option, help_text in (
            ("authority_defines_need", "--besoin-defini",
             "la collectivité définit-elle elle-même le besoin ?"),
            ("price_for_service_received", "--prix",
             "paie-t-elle un prix pour une prestation qu’elle reçoit ?"),
            ("public_service_mission", "--mission-service-public",
             "s’agit-il de confier une mission de service public ?"),
            ("multi_year", "--pluriannuel", "le soutien porte-t-il sur plusieurs années ?")):
        advise.add_argument(option, dest=field, choices=("oui", "non"), help=help_text)
    advise.add_argument("--enregistrer", action="store_true",
                        help="enregistre les réponses dans le dossier")
    fmt(advise)
    insertion = add("insertion", cmd_insertion,
                    "calcule les heures d’insertion par lot (montant × part de main-d’œuvre × "
                    "taux ÷ coût horaire)")
    insertion.add_argument("dossier", nargs="?", type=Path, default=None,
                           help="fichier dossier (.json) : calcul pour ses lots")
    insertion.add_argument("--montant", default=None, help="montant HT, sans dossier")
    insertion.add_argument("--metier", default=None,
                           help="métier (voir --metiers) ou part de main-d’œuvre en %%")
    insertion.add_argument("--lot", action="append", default=[], metavar="N=MÉTIER",
                           help="métier ou part d’un lot (répétable)")
    insertion.add_argument("--taux", default=None, help="taux d’insertion en %%")
    insertion.add_argument("--cout-horaire", dest="cout_horaire", default=None,
                           help="coût horaire chargé en € HT")
    insertion.add_argument("--metiers", action="store_true",
                           help="liste les métiers et leur part de main-d’œuvre")
    insertion.add_argument("--enregistrer", action="store_true",
                           help="écrit part, taux et coût dans la clause d’insertion du dossier")
    fmt(insertion)


def build_parser() -> FrenchParser:
    """The command line's grammar."""
    parser = FrenchParser(
        prog="clausier",
        description="Clausier : rédaction de marchés publics responsables et de conventions "
        "de subvention. Sans argument, ouvre l’application.",
    )
    parser.add_argument("--version", action="version", version=f"clausier {__version__}",
                        help="affiche la version")
    parser.add_argument("--library", type=Path, default=None,
                        help="dossier de bibliothèque de clauses (par défaut : celle fournie)")
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE", parser_class=FrenchParser)

    def add(name: str, handler: Callable[[Session, argparse.Namespace], int], help_text: str,
            parent: Any = sub) -> FrenchParser:
        command: FrenchParser = parent.add_parser(name, help=help_text, description=help_text)
        command.set_defaults(handler=handler)
        return command

    def fmt(command: FrenchParser) -> None:
        command.add_argument("--format", choices=("texte", "json"), default="texte",
                             help="format de sortie")

    generate = add("generate", cmd_generate, "produit les documents Word d’un dossier")
    generate.add_argument("dossier", type=Path, help="fichier dossier (.json)")
    generate.add_argument("--out", type=Path, required=True, help="dossier de sortie")
    generate.add_argument("--layout", type=Path, default=None,
                          help="mise en page Word (.docx) à utiliser")

    check = add("check", cmd_check, "vérifie un dossier au regard du droit en vigueur")
    check.add_argument("dossier", type=Path, help="fichier dossier (.json)")
    fmt(check)

    clauses = add("clauses", lambda s, a: _usage(clauses), "consulte la bibliothèque de clauses")
    clauses_sub = clauses.add_subparsers(dest="action", metavar="ACTION",
                                         parser_class=FrenchParser)
    listing = add("list", cmd_clauses_list, "liste les clauses", clauses_sub)
    listing.add_argument("--category", default=None, help="ne garder qu’une catégorie")
    fmt(listing)
    search = add("search", cmd_clauses_search, "cherche une clause (sans accents ni casse)",
                 clauses_sub)
    search.add_argument("query", help="mots recherchés")
    fmt(search)
    show = add("show", cmd_clauses_show, "affiche une clause et son rendu d’exemple", clauses_sub)
    show.add_argument("id", help="identifiant de la clause")
    fmt(show)

    library = add("library", lambda s, a: _usage(library), "vérifie la bibliothèque")
    library_sub = library.add_subparsers(dest="action", metavar="ACTION",
                                         parser_class=FrenchParser)
    library_check = add("check", cmd_library_check, "contrôle toute la bibliothèque",
                        library_sub)
    library_check.add_argument("dir", nargs="?", type=Path, default=None,
                               help="dossier de bibliothèque (par défaut : celle fournie)")
    golden = add("golden", cmd_library_golden,
                 "rend les exemples des clauses (avec --write : enregistre le texte à relire)",
                 library_sub)
    golden.add_argument("ids", nargs="*", help="clauses à rendre (toutes par défaut)")
    golden.add_argument("--write", action="store_true", help="écrit expected.fr.txt")
    golden.add_argument("--dir", type=Path, default=None, help="dossier de bibliothèque")

    add("schema", cmd_schema, "affiche le schéma JSON du dossier")

    templates = add("templates", lambda s, a: _usage(templates), "mises en page Word")
    templates_sub = templates.add_subparsers(dest="action", metavar="ACTION",
                                             parser_class=FrenchParser)
    templates_check = add("check", cmd_templates_check,
                          "indique les styles requis absents d’une mise en page", templates_sub)
    templates_check.add_argument("file", type=Path, help="fichier .docx")
    _add_review_commands(add, sub, clauses_sub, library_sub)
    _add_legal_commands(add, fmt)
    return parser


def _usage(parser: FrenchParser) -> int:
    parser.print_help(sys.stderr)
    return EXIT_BAD_INPUT


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `clausier` command."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments:
        from drafting_app.entry import main as entry_main

        return entry_main([])
    parser = build_parser()
    namespace = parser.parse_args(arguments)
    if getattr(namespace, "handler", None) is None:
        parser.print_help(sys.stderr)
        return EXIT_BAD_INPUT
    session = Session(
        library_dir=namespace.library or shipped_library(),
        out=sys.stdout,
        err=sys.stderr,
        formats=Formats(),
    )
    handler: Callable[[Session, argparse.Namespace], int] = namespace.handler
    try:
        return handler(session, namespace)
    except BrokenPipeError:
        # the reader went away (`clausier clauses list | head`): stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        session.warn("Interrompu.")
        return 130


if __name__ == "__main__":
    sys.exit(main())
