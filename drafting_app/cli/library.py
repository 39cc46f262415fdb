"""Clause library commands: list, search and show clauses; check the library; render samples."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Sequence
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
from drafting_app.files.problems import Problem
from drafting_app.wording.library import CLAUSE_EXPECTED, Clause, Library
from drafting_app.wording.model import ReferenceStatus
from drafting_app.wording.render import RenderError
from drafting_app.wording.samples import check_samples, load_samples, render_sample
from drafting_app.wording.search import search_clauses


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
    if meta.to_check:
        session.say(f"  point à vérifier : {meta.to_check}")
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
    session.cache_dir = None  # every file is checked again, whatever the cache says
    library, problems, renderer = session.load()
    samples, sample_problems = load_samples(library)
    legal, legal_problems = renderer.legal_data.with_problems()  # read once, for the samples too
    all_problems = problems + sample_problems + legal_problems + check_samples(renderer, samples)
    all_problems += _review_problems(library, legal)
    print_problems(session, all_problems)
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
    session.cache_dir = None  # the texts to review come from fully checked files
    library, _, renderer = session.load()
    samples, problems = load_samples(library)
    print_problems(session, problems)
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
            print_problems(session, exc.problems)
            status = EXIT_FINDINGS
            continue
        if args.write:
            (clause.folder / CLAUSE_EXPECTED).write_text(text, encoding="utf-8")
            session.say(f"écrit : {clause.folder / CLAUSE_EXPECTED} (à relire)")
        else:
            session.say(f"--- {clause.id}")
            session.say(text)
    return status


def register(groups: Groups) -> None:
    """clauses list|search|show, library check|golden."""
    add = groups.add
    listing = add("list", cmd_clauses_list, "liste les clauses", groups.clauses)
    listing.add_argument("--category", default=None, help="ne garder qu’une catégorie")
    add_format(listing)
    search = add("search", cmd_clauses_search, "cherche une clause (sans accents ni casse)",
                 groups.clauses)
    search.add_argument("query", help="mots recherchés")
    add_format(search)
    show = add("show", cmd_clauses_show, "affiche une clause et son rendu d’exemple",
               groups.clauses)
    show.add_argument("id", help="identifiant de la clause")
    add_format(show)

    library_check = add("check", cmd_library_check, "contrôle toute la bibliothèque",
                        groups.library)
    library_check.add_argument("dir", nargs="?", type=Path, default=None,
                               help="dossier de bibliothèque (par défaut : celle fournie)")
    golden = add("golden", cmd_library_golden,
                 "rend les exemples des clauses (avec --write : enregistre le texte à relire)",
                 groups.library)
    golden.add_argument("ids", nargs="*", help="clauses à rendre (toutes par défaut)")
    golden.add_argument("--write", action="store_true", help="écrit expected.fr.txt")
    golden.add_argument("--dir", type=Path, default=None, help="dossier de bibliothèque")
