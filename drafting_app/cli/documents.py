"""Document commands: generate the pieces, check a dossier, the dossier schema, Word layouts."""

from __future__ import annotations

import argparse
import json
import warnings
from pathlib import Path

from drafting_app.checks import Severity, load_legal_data, run_checks
from drafting_app.cli.output import (
    EXIT_BAD_INPUT,
    EXIT_FINDINGS,
    EXIT_OK,
    SEVERITY_FR,
    Adder,
    FrenchParser,
    Session,
    add_format,
    library_or_fail,
    print_problems,
    read_dossier,
    usage,
)
from drafting_app.dossier.model import Dossier
from drafting_app.paths import default_layout
from drafting_app.wording.render import RenderError


def cmd_generate(session: Session, args: argparse.Namespace) -> int:
    """Write every document of a dossier."""
    dossier = read_dossier(session, args.dossier)
    if dossier is None:
        return EXIT_BAD_INPUT
    loaded = library_or_fail(session)
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
            written = generate(renderer, dossier, args.out, layout,
                               page_numbers=not args.sans_pagination)
    except RenderError as exc:
        session.warn("Les documents n’ont pas pu être produits :")
        print_problems(session, exc.problems)
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
    dossier = read_dossier(session, args.dossier)
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
    print_problems(session, library_problems + legal_problems)
    has_error = any(f.severity is Severity.ERROR for f in findings)
    return EXIT_FINDINGS if has_error or library_problems or legal_problems else EXIT_OK


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


def register(add: Adder) -> None:
    """generate, check, schema and templates check."""
    generate = add("generate", cmd_generate,
                   "produit les documents Word et les cadres de prix (tableur) d’un dossier")
    generate.add_argument("dossier", type=Path, help="fichier dossier (.json)")
    generate.add_argument("--out", type=Path, required=True, help="dossier de sortie")
    generate.add_argument("--layout", type=Path, default=None,
                          help="mise en page Word (.docx) à utiliser")
    generate.add_argument("--sans-pagination", action="store_true",
                          help="ne pas numéroter les pages des sommaires avec LibreOffice")

    check = add("check", cmd_check, "vérifie un dossier au regard du droit en vigueur")
    check.add_argument("dossier", type=Path, help="fichier dossier (.json)")
    add_format(check)

    add("schema", cmd_schema, "affiche le schéma JSON du dossier")

    templates: FrenchParser = add("templates", lambda s, a: usage(templates),
                                  "mises en page Word")
    templates_sub = templates.add_subparsers(dest="action", metavar="ACTION",
                                             parser_class=FrenchParser)
    templates_check = add("check", cmd_templates_check,
                          "indique les styles requis absents d’une mise en page", templates_sub)
    templates_check.add_argument("file", type=Path, help="fichier .docx")
