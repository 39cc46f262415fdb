"""The `clausier` command's parser and dispatch; each command group adds its own subcommands.

The console script is `drafting_app.entry.main`: with no argument it opens the app, otherwise it
calls `main` here, which never imports Qt.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from drafting_app import __version__
from drafting_app.cli import advisers, documents, followup, library, review
from drafting_app.cli.output import (
    EXIT_BAD_INPUT,
    EXIT_FINDINGS,
    EXIT_OK,
    FrenchParser,
    Groups,
    Handler,
    Session,
    usage,
)
from drafting_app.paths import shipped_library
from drafting_app.wording.cache import default_cache_dir
from drafting_app.wording.render import Formats

__all__ = ["EXIT_BAD_INPUT", "EXIT_FINDINGS", "EXIT_OK", "build_parser", "main"]


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

    def add(name: str, handler: Handler, help_text: str, parent: Any = sub) -> FrenchParser:
        command: FrenchParser = parent.add_parser(name, help=help_text, description=help_text)
        command.set_defaults(handler=handler)
        return command

    def group(name: str, help_text: str) -> Any:
        command: FrenchParser = add(name, lambda s, a: usage(command), help_text)
        return command.add_subparsers(dest="action", metavar="ACTION", parser_class=FrenchParser)

    # the order of the calls is the order of `clausier --help`
    documents.register(add)
    groups = Groups(add=add, commands=sub,
                    clauses=group("clauses", "consulte la bibliothèque de clauses"),
                    library=group("library", "vérifie la bibliothèque"))
    library.register(groups)
    review.register(groups)
    advisers.register(add)
    followup.register(groups)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one headless command; exit code 0, 1 (findings) or 2 (bad input)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not arguments:
        return usage(parser)
    namespace = parser.parse_args(arguments)
    if getattr(namespace, "handler", None) is None:
        return usage(parser)
    session = Session(
        library_dir=namespace.library or shipped_library(),
        out=sys.stdout,
        err=sys.stderr,
        formats=Formats(),
        cache_dir=default_cache_dir(),
    )
    handler: Handler = namespace.handler
    try:
        _clean_after_crash(session, namespace)
        return handler(session, namespace)
    except BrokenPipeError:
        # the reader went away (`clausier clauses list | head`): stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        session.warn("Interrompu.")
        return 130
    except (RecursionError, MemoryError):
        session.warn(f"{UNEXPECTED} : données trop grandes ou trop imbriquées pour être "
                     "traitées ; vérifiez les fichiers donnés à la commande.")
        return EXIT_BAD_INPUT
    except Exception as exc:
        # a bug of Clausier, not of the user's files: said in French, without a traceback
        session.warn(f"{UNEXPECTED} ({type(exc).__name__}) : la commande n’a pas pu aboutir ; "
                     "signalez-le avec les fichiers utilisés.")
        return EXIT_BAD_INPUT


#: the start of the message of an error Clausier did not foresee (the fuzzing tests look for it)
UNEXPECTED = "Erreur inattendue de Clausier"


#: what an `--out` names when it is a file (a report, a data export), not a folder of pieces
OUTPUT_FILES = frozenset({".docx", ".xlsx", ".json", ".csv", ".html", ".txt", ".md"})


def _clean_after_crash(session: Session, namespace: Any) -> None:
    """Remove what programs killed mid-save left in the folders this command works on."""
    from drafting_app.review.shared import clean_after_crash

    libraries = [session.library_dir] + [
        folder for folder in (getattr(namespace, name, None)
                              for name in ("organisation", "mes_clauses", "dir"))
        if isinstance(folder, Path)]
    folders = []
    out = getattr(namespace, "out", None)
    if isinstance(out, Path):
        folders.append(out.parent if out.suffix.lower() in OUTPUT_FILES else out)
    dossier = getattr(namespace, "dossier", None)
    if isinstance(dossier, Path):
        folders.append(dossier.parent)
    clean_after_crash(libraries, folders)


if __name__ == "__main__":
    sys.exit(main())
