"""What every command shares: exit codes, the French parser, the session, messages."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, Protocol, TextIO

from drafting_app.checks import Severity
from drafting_app.dossier.model import Dossier
from drafting_app.dossier.storage import DossierError, load_dossier
from drafting_app.files.problems import Problem
from drafting_app.wording.cache import LibraryCache
from drafting_app.wording.library import Library, load_library
from drafting_app.wording.render import Formats, Renderer, make_environment

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
    (r"argument (.*?): expected at least one argument",
     r"argument \1 : une valeur au moins est attendue"),
    (r"argument (.*?): expected at most one argument",
     r"argument \1 : une valeur au plus est attendue"),
    (r"argument (.*?): expected (\d+) arguments", r"argument \1 : \2 valeurs sont attendues"),
    (r"argument (.*?): invalid int value: (.*)",
     r"argument \1 : nombre entier attendu, pas \2"),
    (r"argument (.*?): invalid float value: (.*)", r"argument \1 : nombre attendu, pas \2"),
    (r"argument (.*?): invalid (\w+) value: (.*)", r"argument \1 : valeur incorrecte \3"),
    (r"argument (.*?): not allowed with argument (.*)",
     r"argument \1 : impossible avec l’argument \2"),
    (r"argument (.*?): ignored explicit argument (.*)",
     r"argument \1 : valeur \2 inattendue"),
    (r"ambiguous option: (.*?) could match (.*)",
     r"option ambiguë : \1 peut désigner \2"),
    (r"one of the arguments (.*) is required", r"un des arguments \1 est obligatoire"),
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
    #: where checked clauses and compiled templates are kept between runs; None: check all
    cache_dir: Path | None = None
    _loaded: tuple[Library, list[Problem], Renderer] | None = None

    def load(self) -> tuple[Library, list[Problem], Renderer]:
        """The library, its problems, and a renderer over it (loaded once)."""
        if self._loaded is None:
            env = make_environment(self.formats)
            cache = (None if self.cache_dir is None
                     else LibraryCache(self.cache_dir, self.library_dir))
            library, problems = load_library(self.library_dir, env, cache)
            self._loaded = (library, problems, Renderer(library, env))
        return self._loaded

    def say(self, text: str = "") -> None:
        """Print a line for the user."""
        print(text, file=self.out)

    def warn(self, text: str) -> None:
        """Print a line on the error stream."""
        print(text, file=self.err)


def print_problems(session: Session, problems: Sequence[Problem]) -> None:
    """Each problem on the error stream, with its file and line."""
    for problem in problems:
        session.warn(str(problem))


def read_dossier(session: Session, path: Path) -> Dossier | None:
    """The dossier at `path`, or None after saying in French what is wrong with it."""
    try:
        return load_dossier(path)
    except DossierError as exc:
        session.warn(f"Dossier illisible : {exc.path}")
        for problem in exc.problems:
            session.warn(f"  - {problem}")
        return None


def library_or_fail(session: Session) -> tuple[Library, Renderer] | None:
    """The library and its renderer, or None after listing the library's problems."""
    library, problems, renderer = session.load()
    if problems:
        session.warn(f"La bibliothèque de clauses {library.root} a {len(problems)} problème(s) ; "
                     "lancez « clausier library check » :")
        print_problems(session, problems[:10])
        return None
    return library, renderer


Handler = Callable[[Session, argparse.Namespace], int]


class Adder(Protocol):
    """Adds a subcommand with its handler and help to a group (the top level by default)."""

    def __call__(self, name: str, handler: Handler, help_text: str,
                 parent: Any = ...) -> FrenchParser: ...


def add_format(command: FrenchParser) -> None:
    """The --format option of commands that can print JSON."""
    command.add_argument("--format", choices=("texte", "json"), default="texte",
                         help="format de sortie")


def usage(parser: FrenchParser) -> int:
    """A command group given without its action: its help, and exit 2."""
    parser.print_help(sys.stderr)
    return EXIT_BAD_INPUT


@dataclass(frozen=True)
class Groups:
    """The parser's command groups, where each command module adds its own subcommands."""

    add: Adder
    commands: Any
    clauses: Any
    library: Any
