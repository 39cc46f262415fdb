"""Jinja wordings checked and compiled in one parse: syntax, names, filters, markup, slots."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from jinja2 import TemplateError, TemplateSyntaxError, nodes
from jinja2.sandbox import SandboxedEnvironment

from drafting_app.files.problems import Problem
from drafting_app.wording.markup import (
    STATEMENT_MARK,
    parse_markup,
    value_token,
    without_surrogates,
)

#: the metadata file that declares a clause's variables (named in messages)
CLAUSE_META = "clause.toml"

#: functions the renderer provides to every template
TEMPLATE_FUNCTIONS = frozenset(
    {"clauses", "has_clause", "has_clauses", "standard_clause", "clauses_also_in",
     "insertion_hours", "range", "chosen_clause_ids", "derogations", "current_lot", "pieces",
     "has_piece", "subsidy_years", "subsidy_total", "seuil"}
)
#: the part of a piece where the clauses it always prints (`standard_clause`) are placed
STANDARD_PART = "standard"


_STATEMENT_LINE = re.compile(r"^[ \t]*(?:\{%(?:(?!%\}).)*%\}[ \t]*)+\n", re.M)


def prepare_source(source: str) -> str:
    """Make a line holding only statements (`{% for … %}`) vanish when rendered.

    Jinja's `trim_blocks` would also eat the newline after a tag that ends a line of text
    (`… défavorisés{% endif %}`), gluing two paragraphs together; this only touches lines
    made of statements alone. The newline is kept inside a comment so line numbers stay true.
    """
    source = without_surrogates(source)  # the value sentinels never stand in wording
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

    source = without_surrogates(source)
    text = re.sub(r"\{#.*?#\}", blank, source, flags=re.S)
    text = re.sub(r"\{%.*?%\}", lambda m: STATEMENT_MARK + blank(m), text, flags=re.S)
    text = re.sub(r"\{\{.*?\}\}", lambda m: value_token(0) + blank(m), text, flags=re.S)
    branch = re.compile(r"^\s*\{%-?\s*(else|elif)\b")
    kept: list[str] = []
    origin: list[int] = []
    source_lines = source.split("\n")
    for number, line in enumerate(text.split("\n"), start=1):
        if STATEMENT_MARK in line and not line.replace(STATEMENT_MARK, "").strip():
            # another branch starts: what precedes it never stands next to what follows
            if number <= len(source_lines) and branch.match(source_lines[number - 1]):
                kept.append("")
                origin.append(number)
            continue
        kept.append(line.replace(STATEMENT_MARK, ""))
        origin.append(number)
    return "\n".join(kept), origin


@dataclass(frozen=True)
class CheckedTemplate:
    """What checking a wording found: the names it reads (first line of each), the Python
    source Jinja compiled it to, and the slots it fills with `clauses(piece, part)`."""

    names: dict[str, int]
    code: str | None
    slots: frozenset[tuple[str, str]]


def check_and_compile(
    env: SandboxedEnvironment,
    source: str,
    path: Path,
    declared: set[str],
    context: frozenset[str],
    problems: list[Problem],
) -> CheckedTemplate | None:
    """Check Jinja syntax, declared/used variables and markup, keeping the parse: the template
    compiled, the names it reads (with their first line) and its slots; None on a syntax
    error."""
    try:
        ast = env.parse(prepare_source(source), name=path.name, filename=str(path))
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
    slots = frozenset(template_slots(ast))
    try:
        code: str | None = env._generate(ast, path.name, str(path))
    except TemplateError:  # an unknown filter or test, reported above
        code = None
    return CheckedTemplate(used, code, slots)


def template_slots(ast: nodes.Template) -> Iterator[tuple[str, str]]:
    """The (piece, part) of each `clauses(…)` / `has_clauses(…)` call with literal arguments,
    and ("", "standard") when the skeleton prints a `standard_clause(…)`: the clauses it always
    prints go in its own piece's « standard » part (see `skeleton_slots`)."""
    for call in ast.find_all(nodes.Call):
        if (isinstance(call.node, nodes.Name) and call.node.name in ("clauses", "has_clauses")
                and len(call.args) >= 2
                and all(isinstance(a, nodes.Const) for a in call.args[:2])):
            yield (str(call.args[0].value), str(call.args[1].value))  # type: ignore[attr-defined]
        elif isinstance(call.node, nodes.Name) and call.node.name == "standard_clause":
            yield ("", STANDARD_PART)
