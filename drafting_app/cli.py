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
from drafting_app.dossier import DossierError, load_dossier
from drafting_app.library import CLAUSE_EXPECTED, Clause, Library, Problem, load_library
from drafting_app.model import Dossier
from drafting_app.paths import default_layout, shipped_library
from drafting_app.render import Formats, Renderer, RenderError, make_environment
from drafting_app.samples import check_samples, load_samples, render_sample
from drafting_app.search import search_clauses

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
    from drafting_app.export_docx import (  # heavy: python-docx
        ExportError,
        LayoutError,
        RemovedCharactersWarning,
        load_layout,
    )
    from drafting_app.generate import generate

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
        session.say(f"  fondement : {reference.label()} (vérifié le "
                    f"{session.formats.date_long(reference.checked)})")
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
    _, legal_problems = load_legal_data(library.root)
    all_problems = problems + sample_problems + legal_problems + check_samples(renderer, samples)
    _print_problems(session, all_problems)
    if all_problems:
        session.say(f"{len(all_problems)} problème(s) dans la bibliothèque {library.root}.")
        return EXIT_FINDINGS
    session.say(f"Bibliothèque valide : {len(library.clauses)} clauses, "
                f"{len(library.documents)} modèles de documents ({library.root}).")
    _print_counts(session, library)
    return EXIT_OK


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
    from drafting_app.export_docx import LayoutError, check_layout

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


# --------------------------------------------------------------------------- parser


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
    return parser


def _usage(parser: FrenchParser) -> int:
    parser.print_help(sys.stderr)
    return EXIT_BAD_INPUT


def open_app() -> int:
    """Start the desktop application (the only path that imports Qt)."""
    from drafting_app.ui.app import run

    return run(sys.argv[:1])


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `clausier` command."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments:
        return open_app()
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
