"""Document commands: generate the pieces, check a dossier, the dossier schema, Word layouts."""

from __future__ import annotations

import argparse
import json
import warnings
from pathlib import Path

from drafting_app.checks import REFUSED_BY_GENERATE, Severity, run_checks
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
from drafting_app.files.messages import french_os_error
from drafting_app.paths import default_layout
from drafting_app.wording.render import RenderError


def cmd_generate(session: Session, args: argparse.Namespace) -> int:
    """Write every document of a dossier, as a whole set; nothing when it cannot be generated.

    Exit 1, nothing written, when `generate` cannot produce the set as the dossier asks
    (unknown clause, wrong value, a piece that cannot be rendered); with legal findings only,
    the documents are written for review and the findings announced (exit 0, as before).
    """
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
    legal, legal_problems = renderer.legal_data.with_problems()  # read once, for both
    findings = run_checks(dossier, library, legal, renderer)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    refused = [f for f in errors if f.code in REFUSED_BY_GENERATE]
    if refused:
        session.warn(f"Les documents n’ont pas pu être produits (rien n’a été écrit dans "
                     f"{args.out}) :")
        for finding in refused:
            where = f" (champ : {finding.field})" if finding.field else ""
            session.warn(f"  - {finding.message}{where}")
        return EXIT_FINDINGS
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
        session.warn(f"Écriture impossible dans {args.out} : {french_os_error(exc)} ; les "
                     "documents déjà présents sont restés tels quels")
        return EXIT_BAD_INPUT
    for item in written:
        session.say(str(item.path))
    for item in written:
        if item.kept_edit is not None:
            session.warn(f"Attention : {item.path.name} avait été modifié depuis sa production "
                         f"par Clausier ; votre version est gardée sous « {item.kept_edit.name} ».")
    for warning in caught:
        session.warn(f"Attention : {warning.message}")
    if errors or legal_problems:
        session.warn(f"{len(errors)} point(s) bloquant(s) dans le dossier : les documents sont "
                     f"écrits pour relecture, mais lancez « clausier check {args.dossier} » et "
                     "corrigez-les avant publication.")
    return EXIT_OK


def cmd_check(session: Session, args: argparse.Namespace) -> int:
    """List the legal findings of a dossier."""
    dossier = read_dossier(session, args.dossier)
    if dossier is None:
        return EXIT_BAD_INPUT
    library, library_problems, renderer = session.load()
    legal, legal_problems = renderer.legal_data.with_problems()  # read once, for both
    findings = run_checks(dossier, library, legal, renderer)
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
