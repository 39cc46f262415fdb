"""Follow-up commands: SPASER indicators, yearly report, renewals ahead, DECP export."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from drafting_app.cli.output import (
    EXIT_BAD_INPUT,
    EXIT_FINDINGS,
    EXIT_OK,
    Groups,
    Session,
    add_format,
    print_problems,
)
from drafting_app.files.messages import french_os_error


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"date attendue au format AAAA-MM-JJ : « {text} »"
                                         ) from None


def _open(session: Session, args: argparse.Namespace) -> tuple[Any, Any] | None:
    """The follow-up context and the register, or None after saying what is wrong."""
    from drafting_app.followup.considerations import load_context
    from drafting_app.followup.register import default_index_path, open_register

    folder: Path = args.registre
    if not folder.is_dir():
        session.warn(f"Registre introuvable : {folder} n’est pas un dossier. Indiquez le dossier "
                     "qui contient vos dossiers Clausier (.json).")
        return None
    context, problems = load_context(session.library_dir, session.load())  # the user's cache
    if problems:
        session.warn(f"La bibliothèque de clauses a {len(problems)} problème(s) ; lancez "
                     "« clausier library check » :")
        print_problems(session, problems[:10])
        return None
    index = args.index
    if index is None:
        from drafting_app.wording.cache import default_cache_dir

        index = default_index_path(session.cache_dir or default_cache_dir(), folder)
    register = open_register(folder, context, index)
    if register.index_note:
        session.warn(f"Index du registre : {register.index_note}.")
    return context, register


def _report_register(session: Session, register: Any) -> bool:
    """List unreadable dossiers and duplicate references; True when there were some."""
    for item in register.unreadable:
        session.warn(f"Dossier illisible, non compté : {item.path}")
        for problem in item.problems:
            session.warn(f"  - {problem}")
    for twin in register.duplicates:
        session.warn(f"Référence {twin.reference} portée par plusieurs dossiers : "
                     f"{', '.join(twin.paths)}")
    return bool(register.unreadable or register.duplicates)


def _targets(session: Session, args: argparse.Namespace) -> dict[str, Decimal] | None:
    from drafting_app.followup.targets import TARGETS_FILE, read_targets

    path = args.objectifs or args.registre / TARGETS_FILE
    if args.objectifs is not None and not path.exists():
        session.warn(f"Fichier d’objectifs introuvable : {path}")
        return None
    targets, problems = read_targets(path)
    if problems:
        session.warn("Fichier d’objectifs incorrect :")
        print_problems(session, problems)
        return None
    return targets.for_year(args.year)


def cmd_indicators(session: Session, args: argparse.Namespace) -> int:
    """Print the SPASER indicators of a register for a year (or their definitions)."""
    from drafting_app.followup.indicators import INDICATORS, Scope, compute_all
    from drafting_app.followup.report import figure_text

    if args.liste or args.registre is None:
        for item in INDICATORS:
            session.say(f"{item.id:<30} {item.label}")
            session.say(f"{'':<30} {item.definition}")
        return EXIT_OK if args.liste else EXIT_BAD_INPUT
    opened = _open(session, args)
    targets = _targets(session, args) if opened is not None else None
    if opened is None or targets is None:
        return EXIT_BAD_INPUT
    _context, register = opened
    flawed = _report_register(session, register)
    figures = compute_all(register.records, Scope(args.year, args.service), targets)
    if args.format == "json":
        session.say(json.dumps([{
            "id": f.id, "label": f.label, "unit": f.unit.value,
            "value": None if f.value is None else str(f.value),
            "target": None if f.target is None else str(f.target),
            "numerator": None if f.numerator is None else str(f.numerator),
            "denominator": None if f.denominator is None else str(f.denominator),
            "breakdown": [[label, str(value)] for label, value in f.breakdown],
            "sources": list(f.sources), "note": f.note} for f in figures],
            ensure_ascii=False, indent=2))
        return EXIT_FINDINGS if flawed else EXIT_OK
    session.say(f"Indicateurs SPASER – {Scope(args.year, args.service).label()} "
                f"({len(register.records)} dossier(s) lus dans {register.folder})")
    for figure in figures:
        target = (f" (objectif {figure_text(figure, session.formats, figure.target)})"
                  if figure.target is not None else "")
        session.say(f"  {figure.label} : {figure_text(figure, session.formats)}{target}")
        for label, value in figure.breakdown:
            session.say(f"      {label} : {session.formats.number(value)}")
        if figure.note:
            session.say(f"      à compléter : {figure.note}")
        if args.detail == figure.id:
            for source in figure.sources:
                session.say(f"      · {source}")
    return EXIT_FINDINGS if flawed else EXIT_OK


def cmd_report(session: Session, args: argparse.Namespace) -> int:
    """Write the yearly SPASER review (Word, or the spreadsheet with --format xlsx)."""
    from drafting_app.documents.docx import ExportError, load_layout
    from drafting_app.followup.bilan import build_bilan
    from drafting_app.followup.indicators import Scope
    from drafting_app.paths import default_layout

    opened = _open(session, args)
    targets = _targets(session, args) if opened is not None else None
    if opened is None or targets is None:
        return EXIT_BAD_INPUT
    _context, register = opened
    flawed = _report_register(session, register)
    bilan = build_bilan(register, Scope(args.year, args.service), targets,
                        args.date or dt.date.today())
    out: Path = args.out
    try:
        if args.format == "xlsx":
            from drafting_app.followup.spreadsheet import write_spreadsheet

            write_spreadsheet(bilan, out)
        else:
            from drafting_app.followup.report import write_report

            layout = load_layout(args.layout or default_layout())
            buyers = sorted({r.buyer for r in register.records})
            write_report(bilan, out, layout, session.formats,
                         buyers[0] if len(buyers) == 1 else "")
    except ExportError as exc:
        for problem in exc.problems:
            session.warn(f"Mise en page inutilisable : {problem}")
        return EXIT_BAD_INPUT
    except OSError as exc:
        session.warn(f"Écriture impossible dans {out} : {french_os_error(exc)}")
        return EXIT_BAD_INPUT
    session.say(f"Bilan écrit : {out} ({len(bilan.counted)} dossier(s) comptés)")
    return EXIT_FINDINGS if flawed else EXIT_OK


def cmd_renewals(session: Session, args: argparse.Namespace) -> int:
    """List the contracts ending within the next months, with what their renewal could do."""
    from drafting_app.followup.renewals import renewals_ahead

    opened = _open(session, args)
    if opened is None:
        return EXIT_BAD_INPUT
    _context, register = opened
    flawed = _report_register(session, register)
    today = args.date or dt.date.today()
    found = renewals_ahead(register.records, today, args.mois)
    f = session.formats
    if not found:
        session.say(f"Aucun marché ne prend fin dans les {args.mois} mois suivant le "
                    f"{f.date_long(today)}.")
    for renewal in found:
        session.say(f"{renewal.record.label}")
        session.say(f"  fin le {f.date_long(renewal.end)} – {renewal.family} – "
                    f"{f.money(renewal.amount)} HT")
        for suggestion in renewal.suggestions:
            session.say(f"  · {suggestion}")
        if renewal.known_operators:
            session.say(f"  structures connues : {', '.join(renewal.known_operators)}")
    return EXIT_FINDINGS if flawed else EXIT_OK


def cmd_decp(session: Session, args: argparse.Namespace) -> int:
    """Export the contracts notified in a year as données essentielles (DECP 2.0.3)."""
    from drafting_app.files.atomic import atomic_write_bytes
    from drafting_app.followup.decp import DecpError, decp_json, export_decp

    opened = _open(session, args)
    if opened is None:
        return EXIT_BAD_INPUT
    context, register = opened
    flawed = _report_register(session, register)
    try:
        export = export_decp(register.records, args.year, context.legal,
                             args.publication or dt.date.today(),
                             [twin.reference for twin in register.duplicates])
    except DecpError as exc:
        session.warn("L’export ne respecte pas le schéma officiel (défaut de Clausier, "
                     "signalez-le) :")
        for problem in exc.problems[:20]:
            session.warn(f"  - {problem}")
        return EXIT_BAD_INPUT
    for item in export.incomplete:
        session.warn(f"Non exporté, données manquantes : {item.reference} ({item.path})")
        for missing in item.missing:
            session.warn(f"  - {missing}")
    if export.threshold_note:
        session.warn(f"Non exporté : {export.threshold_note}.")
    try:
        atomic_write_bytes(args.out, decp_json(export).encode("utf-8"))
    except OSError as exc:
        session.warn(f"Écriture impossible dans {args.out} : {french_os_error(exc)}")
        return EXIT_BAD_INPUT
    count = len(export.document["marches"]["marche"])
    session.say(f"{args.out} : {count} marché(s) ou lot(s) de {len(export.exported)} marché(s) "
                f"notifié(s) en {args.year}, conformes au schéma DECP 2.0.3.")
    if export.below_threshold:
        session.say(f"Sous le seuil de publication, non exportés : "
                    f"{', '.join(export.below_threshold)}.")
    return EXIT_FINDINGS if (flawed or export.incomplete) else EXIT_OK


def _register_arguments(command: Any, optional: bool = False) -> None:
    command.add_argument("registre", type=Path, nargs="?" if optional else None,
                         metavar="REGISTRE", help="dossier qui contient les dossiers Clausier")
    command.add_argument("--index", type=Path, default=None,
                         help="fichier d’index SQLite (par défaut : dans le cache de "
                         "l’utilisateur)")


def register(groups: Groups) -> None:
    """Add `clausier spaser …` and `clausier decp` to the parser."""
    add = groups.add
    spaser_parser = add("spaser", lambda s, a: EXIT_BAD_INPUT,
                        "suivi du SPASER : indicateurs, bilan annuel, renouvellements")
    spaser = spaser_parser.add_subparsers(dest="action", metavar="ACTION",
                                          parser_class=type(spaser_parser))
    spaser_parser.set_defaults(handler=lambda s, a: _usage(spaser_parser))

    report = add("report", cmd_report, "écrit le bilan annuel du SPASER (Word ou tableur)",
                 spaser)
    _register_arguments(report)
    report.add_argument("--year", type=int, required=True, help="année du bilan")
    report.add_argument("--out", type=Path, required=True, help="fichier à écrire")
    report.add_argument("--format", choices=("docx", "xlsx"), default="docx",
                        help="Word (par défaut) ou tableur")
    report.add_argument("--service", default=None, help="limiter à un service acheteur")
    report.add_argument("--objectifs", type=Path, default=None,
                        help="fichier d’objectifs (par défaut : REGISTRE/objectifs.toml)")
    report.add_argument("--layout", type=Path, default=None, help="mise en page Word")
    report.add_argument("--date", type=_day, default=None,
                        help="date du bilan (renouvellements à partir de cette date)")

    indicators = add("indicators", cmd_indicators, "affiche les indicateurs du SPASER", spaser)
    _register_arguments(indicators, optional=True)
    indicators.add_argument("--year", type=int, default=None,
                            help="année (par défaut : toutes)")
    indicators.add_argument("--service", default=None, help="limiter à un service acheteur")
    indicators.add_argument("--objectifs", type=Path, default=None,
                            help="fichier d’objectifs (par défaut : REGISTRE/objectifs.toml)")
    indicators.add_argument("--detail", default=None, metavar="INDICATEUR",
                            help="liste les dossiers comptés par cet indicateur")
    indicators.add_argument("--liste", action="store_true",
                            help="liste les indicateurs et leur définition")
    add_format(indicators)

    renewals = add("renewals", cmd_renewals,
                   "liste les marchés qui prennent fin dans les prochains mois", spaser)
    _register_arguments(renewals)
    renewals.add_argument("--date", type=_day, default=None, help="à partir de cette date")
    renewals.add_argument("--mois", type=int, default=18, help="horizon en mois (18)")

    decp = add("decp", cmd_decp, "exporte les données essentielles des marchés notifiés "
               "(format DECP 2.0.3)")
    _register_arguments(decp)
    decp.add_argument("--year", type=int, required=True, help="année de notification")
    decp.add_argument("--out", type=Path, required=True, help="fichier JSON à écrire")
    decp.add_argument("--publication", type=_day, default=None,
                      help="date de publication des données (par défaut : aujourd’hui)")


def _usage(parser: Any) -> int:
    from drafting_app.cli.output import usage

    return usage(parser)
