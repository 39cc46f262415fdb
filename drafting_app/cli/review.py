"""Legal review commands: clause history, comparison, new version, review packs, where-used."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from drafting_app.cli.output import (
    EXIT_BAD_INPUT,
    EXIT_FINDINGS,
    EXIT_OK,
    FrenchParser,
    Groups,
    Session,
    read_dossier,
    usage,
)
from drafting_app.wording.library import Clause
from drafting_app.wording.render import make_environment


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


def _layout(session: Session, args: argparse.Namespace) -> Any:
    """The Word layout chosen with --layout (None: the house layout), or False after saying
    in French what is wrong with it."""
    from drafting_app.documents.docx import LayoutError, load_layout

    if getattr(args, "layout", None) is None:
        return None
    try:
        return load_layout(args.layout)
    except LayoutError as exc:
        for problem in exc.problems:
            session.warn(problem)
        return False


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
    layered, clause = found
    layout = _layout(session, args)
    if layout is False:
        return EXIT_BAD_INPUT
    try:
        numbers = [v.number for v in list_versions(clause.folder)]
        new = args.to if args.to is not None else numbers[-1]
        older = [n for n in numbers if n < new]
        old = args.from_ if args.from_ is not None else (older[-1] if older else new)
        comparison = compare_clause(clause.folder, old, new,
                                    layered.library if args.renderings else None)
        if args.out is not None:
            write_comparison_docx(comparison, args.out, layout=layout or None,
                                  organisation=args.organisme or "")
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
    """Write a review pack: the selected clauses, or exactly those of one dossier (.docx)."""
    import datetime as dt

    from drafting_app.review.clause_files import ReviewError
    from drafting_app.review.pack import (
        PackSetup,
        export_dossier_pack,
        export_pack,
        parse_status,
        select_clauses,
    )

    layered = _review_layers(session, args)
    clauses = list(layered.library.clauses.values())
    layout = _layout(session, args)
    if layout is False:
        return EXIT_BAD_INPUT
    setup = PackSetup(library=layered.library, layout=layout, organisation=args.organisme or "",
                      formats=session.formats)
    if args.dossier is not None:
        if args.category is not None or args.status is not None:
            return _review_failed(session, [
                "--dossier exporte exactement les clauses du dossier : n’y ajoutez ni "
                "--category ni --status."])
        dossier = read_dossier(session, args.dossier)
        if dossier is None:
            return EXIT_BAD_INPUT
        origins = {c.id: layered.origin(c.id).label for c in clauses
                   if layered.origin(c.id) is not None}
        try:
            entries = export_dossier_pack(dossier, layered.library, args.out, dt.date.today(),
                                          origins, setup)
        except ReviewError as exc:
            return _review_failed(session, exc.problems)
        session.say(f"{args.out} : {len(entries)} clause(s) du dossier « {dossier.title} » "
                    "à relire.")
        return EXIT_OK
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
                    layered.library.references, setup)
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
    for found in report.usages:
        session.say(found.describe())
    for path, problems in report.unreadable:
        session.warn(f"Dossier illisible : {path} ({'; '.join(problems)})")
    outdated = sum(usage.outdated for usage in report.usages)
    session.say(f"{len(report.usages)} dossier(s) sur {report.scanned} utilisent « {args.id} »"
                + (f" (version en vigueur : {current})" if current else "")
                + f", dont {outdated} à informer d’une nouvelle version.")
    # an unreadable dossier may use the clause too: the answer is incomplete
    return EXIT_BAD_INPUT if report.unreadable else EXIT_OK


def register(groups: Groups) -> None:
    """The legal-review subcommands: history, diff, new-version, review packs, where-used."""
    add, sub, clauses_sub, library_sub = groups.add, groups.commands, groups.clauses, groups.library

    def layers(command: FrenchParser) -> None:
        command.add_argument("--organisation", type=Path, default=None, metavar="DOSSIER",
                             help="bibliothèque partagée de l’organisation (dossier)")
        command.add_argument("--mes-clauses", dest="mes_clauses", type=Path, default=None,
                             metavar="DOSSIER",
                             help="dossier de vos propres clauses")

    def house(command: FrenchParser) -> None:
        command.add_argument("--layout", type=Path, default=None, metavar="MISEENPAGE.docx",
                             help="mise en page Word (par défaut : celle de Clausier)")
        command.add_argument("--organisme", default=None, metavar="NOM",
                             help="nom de l’organisation, en en-tête des pages")

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
    diff.add_argument("--rendus", dest="renderings", action="store_true",
                      help="compare aussi la clause rédigée avec ses valeurs d’exemple")
    house(diff)
    layers(diff)
    new_version = add("new-version", cmd_clauses_new_version,
                      "fait d’une clause validée modifiée à la main une nouvelle version à "
                      "valider", clauses_sub)
    new_version.add_argument("id", help="identifiant de la clause")
    new_version.add_argument("--who", required=True, help="votre nom (auteur de la version)")
    layers(new_version)

    review: FrenchParser = add("review", lambda s, a: usage(review),
                               "relecture juridique des clauses", sub)
    review_sub = review.add_subparsers(dest="action", metavar="ACTION",
                                       parser_class=FrenchParser)
    export = add("export", cmd_review_export,
                 "écrit un dossier de relecture Word (une fiche par clause, la rédaction en "
                 "clair, une case pour la décision)", review_sub)
    export.add_argument("--category", default=None, help="ne garder qu’une catégorie")
    export.add_argument("--status", default=None, help="ne garder qu’un statut (« à valider »…)")
    export.add_argument("--dossier", type=Path, default=None, metavar="DOSSIER.json",
                        help="exactement les clauses de ce dossier, rédigées avec ses valeurs")
    export.add_argument("--out", type=Path, required=True, help="fichier .docx à écrire")
    house(export)
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
