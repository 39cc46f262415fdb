"""A clause's wording as a lawyer reads it: French placeholders and notes in place of Jinja.

The wording is translated from the template's syntax tree (`env.parse`), never by string
replacement: this module walks the statements (text, conditions, loops), `phrases` says each
expression in French. Each value becomes a placeholder named by its French label (« [taux de
l’avance, en pourcentage] »), each condition a short note before the text it governs (« [Si
plusieurs lots :] … [Sinon :] … [Fin] »), each loop one sample line (« [Pour chaque lot
concerné :] »).
The result is made of the same format-neutral blocks as a rendered clause; placeholders and
notes are kept apart from the wording inside the runs' text by private-use marks, so that the
Word writers can highlight them and the comparison can treat each as one word.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from jinja2 import TemplateSyntaxError, nodes
from jinja2.sandbox import SandboxedEnvironment

from drafting_app.documents.blocks import Block, Heading, ListItem, Paragraph, Table, plain_text
from drafting_app.documents.text import blocks_to_text
from drafting_app.review.field_labels import MONEY, PERCENT, path_label
from drafting_app.review.phrases import (
    FILTER_SUFFIXES,
    LIST_ELEMENT,
    UNITS,
    LoopFrame,
    Meaning,
    Phrases,
    if_clause,
    lower_first,
)
from drafting_app.wording.markup import (
    VALUE_CLOSE,
    VALUE_OPEN,
    french_typography,
    parse_markup,
    value_token,
)
from drafting_app.wording.model import ClauseMeta, Variable, VariableType
from drafting_app.wording.render import Formats
from drafting_app.wording.templates import prepare_source

VALUE_MARK = "\ue010"
NOTE_MARK = "\ue011"
END_MARK = "\ue012"
#: a placeholder or a note inside a run's text: its mark, then its text, then END_MARK
ANNOTATION = re.compile(f"([{VALUE_MARK}{NOTE_MARK}])([^{VALUE_MARK}{NOTE_MARK}{END_MARK}]*)"
                        f"{END_MARK}")
_TOKEN = re.compile(f"{VALUE_OPEN}(\\d+){VALUE_CLOSE}")
_MARKS = re.compile(f"[{VALUE_MARK}{NOTE_MARK}{END_MARK}]")
_UNIT_PREFIX = re.compile(r"^(\s*(?:-\s+|\d+\.\s+|\|\s*|>\s*|#+\s+)?)")
_LIST_OR_ROW = re.compile(r"^\s*(?:-\s|\d+\.\s|\|)")
_TABLE_RULE = re.compile(r"^\|(\s*:?-{3,}:?\s*\|)+\s*$")
_PUNCTUATION = re.compile(r"^[\s.,;:!?)(]*(?:et|ou)?[\s.,;:!?)(]*$")
_SHORT_BRANCH = 3
#: a loop element as the sample line shows it: neither the first nor the last
_SAMPLE_LOOP = {"index": 2, "index0": 1, "revindex": 3, "revindex0": 2, "first": False,
                "last": False, "length": 4}
_VARIABLE_KINDS = {
    VariableType.TEXT: "texte", VariableType.LONG_TEXT: "texte long",
    VariableType.INTEGER: "nombre entier", VariableType.DECIMAL: "nombre",
    VariableType.MONEY: "montant en euros", VariableType.PERCENT: "pourcentage",
    VariableType.DATE: "date", VariableType.BOOLEAN: "oui ou non",
    VariableType.CHOICE: "choix", VariableType.LIST: "liste de textes",
}

FIN_CONDITION = "Fin de la condition"
FIN_LOOP = "Fin de la répétition"
FIN_INLINE = "Fin"
ELSE = "Sinon"
NONE_LEFT = "S’il n’y en a aucun"

# --------------------------------------------------------------------------- result


@dataclass(frozen=True)
class ReadableWording:
    """A clause's wording for reviewers, as blocks; `problems` lists what was not translated."""

    blocks: tuple[Block, ...]
    problems: tuple[str, ...] = ()

    def marked_text(self) -> str:
        """The wording as text, placeholders and notes still marked (for comparisons)."""
        return blocks_to_text(self.blocks)

    def text(self) -> str:
        """The wording as plain text, placeholders and notes in square brackets."""
        return plain(self.marked_text())


def wording_lines(blocks: Sequence[Block]) -> str:
    """The wording one block a line, for comparisons: `# ` before a heading, `- ` or `1. `
    before a list item, `> ` before a note, a table row as `| a | b |`; no article numbers.
    """
    lines: list[str] = []
    counters: dict[int, int] = {}
    for block in blocks:
        if isinstance(block, Heading):
            lines.append("#" * block.level + " " + plain_text(block.runs))
        elif isinstance(block, Paragraph):
            text = plain_text(block.runs)
            lines.append(("> " if block.style == "note" else "") + text)
        elif isinstance(block, ListItem):
            if block.ordered:
                counters[block.list_id] = counters.get(block.list_id, 0) + 1
                mark = f"{counters[block.list_id]}."
            else:
                mark = "-"
            lines.append("  " * block.level + f"{mark} {plain_text(block.runs)}")
        elif isinstance(block, Table):
            for row in (block.header, *block.rows):
                lines.append("| " + " | ".join(plain_text(cell) for cell in row) + " |")
    return "\n".join(line.replace("\n", " ") for line in lines) + ("\n" if lines else "")


def describe_variable(variable: Variable, formats: Formats) -> str:
    """What the buyer gives for a variable, in French: kind, bounds, choices, default."""
    parts = [_VARIABLE_KINDS[variable.type]]
    unit = {VariableType.PERCENT: "\u00a0%", VariableType.MONEY: "\u00a0€"}.get(variable.type, "")
    if variable.min is not None and variable.max is not None:
        parts.append(f"de {formats.number(variable.min)}{unit} à "
                     f"{formats.number(variable.max)}{unit}")
    elif variable.min is not None:
        parts.append(f"au moins {formats.number(variable.min)}{unit}")
    elif variable.max is not None:
        parts.append(f"au plus {formats.number(variable.max)}{unit}")
    text = ", ".join(parts)
    if variable.choices:
        text += "\u00a0: " + " ; ".join(f"«\u00a0{c}\u00a0»" for c in variable.choices)
    if variable.default is not None:
        shown = variable.default
        if isinstance(shown, bool):
            shown = "oui" if shown else "non"
        elif isinstance(shown, list | tuple):
            shown = " ; ".join(str(v) for v in shown)
        text += f" (par défaut\u00a0: {shown}{unit if not isinstance(shown, str) else ''})"
    if not variable.required:
        text += " ; facultative"
    if variable.dossier_field:
        label = path_label(variable.dossier_field) or "un champ du dossier"
        text += f" ; laissée vide, elle reprend «\u00a0{label}\u00a0» du dossier"
    return text


def plain(text: str) -> str:
    """Text without the marks around placeholders and notes (their brackets stay)."""
    return _MARKS.sub("", text)


def pieces(text: str, kind: str = "text") -> tuple[list[tuple[str, str]], str]:
    """Text cut into (piece, kind) pairs, starting inside `kind`; and the kind at its end.

    Unlike `spans`, a piece of a comparison may open a note and leave it to the next piece
    to close it.
    """
    out: list[tuple[str, str]] = []
    current: list[str] = []
    for char in text:
        if char in (VALUE_MARK, NOTE_MARK, END_MARK):
            if current:
                out.append(("".join(current), kind))
                current = []
            kind = {VALUE_MARK: "value", NOTE_MARK: "note", END_MARK: "text"}[char]
        else:
            current.append(char)
    if current:
        out.append(("".join(current), kind))
    return out, kind


def spans(text: str) -> list[tuple[str, str]]:
    """Text cut into (piece, kind) pairs: kind is `text`, `value` or `note`."""
    out: list[tuple[str, str]] = []
    position = 0
    for match in ANNOTATION.finditer(text):
        if match.start() > position:
            out.append((text[position:match.start()], "text"))
        out.append((match.group(2), "value" if match.group(1) == VALUE_MARK else "note"))
        position = match.end()
    if position < len(text):
        out.append((text[position:], "text"))
    return out


def readable_wording(meta: ClauseMeta, text: str, env: SandboxedEnvironment,
                     formats: Formats | None = None,
                     thresholds: Mapping[str, tuple[str, str]] | None = None) -> ReadableWording:
    """The readable wording of a clause's text, with its metadata's labels.

    `thresholds` names the dated thresholds a clause reads with `seuil(…)` (id -> label, unit).
    """
    try:
        ast = env.parse(prepare_source(text))
    except TemplateSyntaxError as exc:
        return ReadableWording((), (f"ligne {exc.lineno} : erreur de syntaxe Jinja : "
                                    f"{exc.message}",))
    translator = _Translator(meta.variables, formats or Formats(), thresholds)
    markup = translator.body(ast.body, "")
    glued = {index for index, (mark, content) in enumerate(translator.annotations)
             if mark == VALUE_MARK or content == f"[{FIN_INLINE}]"}
    markup = _tidy(markup, glued)
    values = [mark + french_typography(content) + END_MARK
              for mark, content in translator.annotations]
    blocks, markup_problems = parse_markup(markup, values)
    problems = [*translator.problems,
                *(f"balisage, ligne {p.line} : {p.message}" for p in markup_problems)]
    return ReadableWording(blocks, tuple(dict.fromkeys(problems)))


def _tidy(markup: str, glued: set[int]) -> str:
    """One space between words; none before a closing sign after a placeholder or « [Fin] »."""

    def glue(match: re.Match[str]) -> str:
        return match.group(1) + (match.group(3) if int(match.group(2)) in glued
                                 else " " + match.group(3))

    lines = []
    for line in markup.split("\n"):
        indent = len(line) - len(line.lstrip(" "))
        body = re.sub(r" {2,}", " ", line[indent:])
        body = re.sub(f"({VALUE_OPEN}(\\d+){VALUE_CLOSE}) +([.,)])", glue, body)
        body = re.sub(f"(\\() +({VALUE_OPEN})", r"\1\2", body)
        lines.append(line[:indent] + body.rstrip(" "))
    return "\n".join(lines)


class _Translator(Phrases):
    """Walks a clause's syntax tree and writes readable markup, notes and placeholders apart."""

    def __init__(self, variables: Sequence[Variable], formats: Formats,
                 thresholds: Mapping[str, tuple[str, str]] | None = None) -> None:
        super().__init__(variables, formats, thresholds)
        self.annotations: list[tuple[str, str]] = []

    # ------------------------------------------------------------------ annotations

    def note(self, text: str) -> str:
        """A note token: « [Si plusieurs lots :] »."""
        self.annotations.append((NOTE_MARK, f"[{text}]"))
        return value_token(len(self.annotations) - 1)

    def placeholder(self, meaning: Meaning) -> str:
        """A placeholder token: « [montant de l’avance, en lettres] »."""
        self.annotations.append((VALUE_MARK, f"[{self.value_text(meaning)}]"))
        return value_token(len(self.annotations) - 1)

    def value_text(self, meaning: Meaning) -> str:
        """What a placeholder says, brackets aside."""
        text = lower_first(meaning.text) if meaning.quoted else meaning.text
        suffix = meaning.suffix
        for kind, signs in UNITS.items():
            if suffix.startswith(FILTER_SUFFIXES["money" if kind == "money" else "percent"]) \
                    and any(sign in text.lower() for sign in signs):
                suffix = suffix.replace(FILTER_SUFFIXES["money" if kind == "money"
                                                        else "percent"], "", 1)
        return text + suffix

    # ------------------------------------------------------------------ statements

    def body(self, body: Sequence[nodes.Node], before: str) -> str:
        """Markup for a list of statements; `before` is what precedes them in the output."""
        out = ""
        for node in body:
            out += self.statement(node, before + out)
        return out

    def statement(self, node: nodes.Node, before: str) -> str:
        """Markup for one statement."""
        if isinstance(node, nodes.Output):
            parts = []
            for child in node.nodes:
                if isinstance(child, nodes.TemplateData):
                    parts.append(child.data)
                else:
                    parts.append(self.placeholder(self.meaning(child)))
            return "".join(parts)
        if isinstance(node, nodes.If):
            return self.if_statement(node, before)
        if isinstance(node, nodes.For):
            return self.for_statement(node, before)
        if isinstance(node, nodes.Assign) and isinstance(node.target, nodes.Name):
            self.scope.assigned[node.target.name] = node.node
            return ""
        what = type(node).__name__
        self.problems.append(f"ligne {node.lineno} : instruction « {what} » non traduite")
        return self.note("passage non traduit")

    def if_statement(self, node: nodes.If, before: str) -> str:
        """A condition: notes before each branch, or the branch a sample loop line takes."""
        branches: list[tuple[nodes.Node | None, Sequence[nodes.Node]]] = [(node.test, node.body)]
        branches += [(e.test, e.body) for e in node.elif_]
        if node.else_:
            branches.append((None, node.else_))
        rendered = [(test, self.body(body, before)) for test, body in branches]
        if all(self._about_loop(t) for t, _ in rendered if t is not None) and self.loops and all(
                _PUNCTUATION.match(text) for _, text in rendered):
            # punctuation of a list (« ; » between items, « . » after the last): the sample
            # line is a middle element
            for test, text in rendered:
                if test is None or self._sample_truth(test):
                    return text
            return ""
        conditions = [self.condition(t) if t is not None else None for t, _ in rendered]
        at_start = not before or before.endswith("\n")
        block = at_start and all(not t or t.endswith("\n") for _, t in rendered)
        if not block and all(not _TOKEN.search(t) for _, t in rendered):
            if all(_PUNCTUATION.match(t) for _, t in rendered):
                # punctuation that depends on what follows (« ; » or « . » after an item that
                # may be the last): the wording shows the case where everything is written
                return rendered[0][1]
            if all(len(t.strip()) <= _SHORT_BRANCH for _, t in rendered):
                return self._short_alternative(conditions, [t for _, t in rendered])
        notes = []
        for index, condition in enumerate(conditions):
            if condition is None:
                notes.append(f"{ELSE} :")
            elif index == 0:
                notes.append(f"{if_clause(condition)} :")
            else:
                notes.append(f"{ELSE}, {lower_first(if_clause(condition))} :")
        parts = list(zip(notes, (t for _, t in rendered), strict=True))
        if block:
            return self._block(parts, FIN_CONDITION, before)
        return self._inline(parts)

    def _short_alternative(self, conditions: list[str | None], texts: list[str]) -> str:
        """Branches of a few letters (« s », « : ») as one note: [« s » si plusieurs lots]."""
        parts = []
        for condition, text in zip(conditions, texts, strict=True):
            shown = f"« {text.strip()} »" if text.strip() else "rien"
            parts.append(f"{shown} si {condition}" if condition else f"sinon {shown}")
        return " " + self.note(" ; ".join(parts)) + " "

    def for_statement(self, node: nodes.For, before: str) -> str:
        """A loop: one sample line, « [Pour chaque lot concerné :] » before it."""
        iterable = self.meaning(node.iter)
        item = iterable.item or f"élément de {self.ref(iterable)}"
        element = self.element(iterable)
        saved = dict(self.scope.loop_vars)
        if isinstance(node.target, nodes.Name):
            self.scope.loop_vars[node.target.name] = element
        else:
            self.unknown("boucle sur plusieurs noms", node)
        note = f"Pour chaque {item}"
        if node.test is not None:
            note += f" tel que {self.condition(node.test)}"
        note += " :"
        self.loops.append(LoopFrame(item))
        try:
            body = self.body(node.body, before)
        finally:
            self.loops.pop()
        self.scope.loop_vars = saved
        otherwise = self.body(node.else_, before) if node.else_ else ""
        at_start = not before or before.endswith("\n")
        if at_start and body.endswith("\n") and (not otherwise or otherwise.endswith("\n")):
            parts = [(note, body)] + ([(NONE_LEFT + " :", otherwise)] if otherwise else [])
            return self._block(parts, FIN_LOOP, before)
        compact = self._compact_loop(body, item)
        if compact is not None and not otherwise:
            return compact
        parts = [(note, body)] + ([(NONE_LEFT + " :", otherwise)] if otherwise else [])
        return self._inline(parts)

    def _compact_loop(self, body: str, item: str) -> str | None:
        """A loop writing one value between commas: a single placeholder."""
        tokens = _TOKEN.findall(body)
        if len(tokens) != 1:
            return None
        mark, content = self.annotations[int(tokens[0])]
        if mark != VALUE_MARK or not _PUNCTUATION.match(self._literal(body)):
            return None
        if content == f"[{LIST_ELEMENT}]" and item.startswith("élément de "):
            shown = f"éléments de {item.removeprefix('élément de ')}, à la suite"
        else:
            shown = f"{content[1:-1]}, pour chaque {item}"
        self.annotations.append((VALUE_MARK, f"[{shown}]"))
        return value_token(len(self.annotations) - 1)

    @staticmethod
    def _literal(text: str) -> str:
        return _TOKEN.sub("", text)

    def _inline(self, parts: list[tuple[str, str]]) -> str:
        out = [" "]
        for note, text in parts:
            out.append(self.note(note) + " " + text.strip() + " ")
        out.append(self.note(FIN_INLINE) + " ")
        return "".join(out)

    def _block(self, parts: list[tuple[str, str]], end: str, before: str) -> str:
        """Branches that are whole lines: a note before each, an end note after them.

        A branch of one line (or of list items, or of table rows) carries its note at the head
        of each of its lines, so that a list or a table is not cut in two; longer branches are
        framed by notes in paragraphs of their own.
        """
        bodies = [(note, text.strip("\n")) for note, text in parts]
        lines = [line for _, text in bodies for line in text.split("\n") if line.strip()]
        if not lines:
            return ""
        one_line = all(len([ln for ln in t.split("\n") if ln.strip()]) <= 1 for _, t in bodies)
        single = one_line or (len(bodies) == 1 and _units(bodies[0][1]))
        if single:
            rows = all(_LIST_OR_ROW.match(line) for line in lines)
            out = []
            for note, text in bodies:
                for line in text.split("\n"):
                    if line.strip() and not _TABLE_RULE.match(line.strip()):
                        prefix = _UNIT_PREFIX.match(line)
                        head = prefix.group(1) if prefix else ""
                        out.append(head + self.note(note) + " " + line[len(head):])
                    elif line.strip():
                        out.append(line)
            if rows:
                trailing = max(len(text) - len(text.rstrip("\n")) for _, text in parts)
                return "\n".join(out) + "\n" * max(trailing, 1)
            lead = "" if not before or before.endswith("\n\n") else "\n"
            return lead + "\n\n".join(out) + "\n\n"
        out = ["" if not before or before.endswith("\n\n") else "\n"]
        for note, text in bodies:
            out.append(self.note(note) + "\n\n")
            if text.strip():
                out.append(text + "\n\n")
        out.append(self.note(end) + "\n\n")
        return "".join(out)

    # ------------------------------------------------------------------ loops

    def _about_loop(self, node: nodes.Node) -> bool:
        names = {n.name for n in node.find_all(nodes.Name)}
        if isinstance(node, nodes.Name):
            names.add(node.name)
        return names == {"loop"}

    def _sample_truth(self, node: nodes.Node) -> bool:
        return bool(self._sample_value(node))

    def _sample_value(self, node: nodes.Node) -> Any:
        """A condition on `loop` for the sample line: a middle element of several."""
        if isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name):
            return _SAMPLE_LOOP.get(node.attr)
        if isinstance(node, nodes.Const):
            return node.value
        if isinstance(node, nodes.Not):
            return not self._sample_value(node.node)
        if isinstance(node, nodes.And):
            return self._sample_value(node.left) and self._sample_value(node.right)
        if isinstance(node, nodes.Or):
            return self._sample_value(node.left) or self._sample_value(node.right)
        if isinstance(node, nodes.Compare) and len(node.ops) == 1:
            left, right = self._sample_value(node.expr), self._sample_value(node.ops[0].expr)
            compare: dict[str, Callable[[Any, Any], bool]] = {
                "eq": lambda a, b: bool(a == b), "ne": lambda a, b: bool(a != b),
                "gt": lambda a, b: bool(a > b), "gteq": lambda a, b: bool(a >= b),
                "lt": lambda a, b: bool(a < b), "lteq": lambda a, b: bool(a <= b)}
            if node.ops[0].op in compare:
                return compare[node.ops[0].op](left, right)
        return False


# --------------------------------------------------------------------------- helpers


def _units(text: str) -> bool:
    """Whether a branch is one line, or only list items or table rows."""
    lines = [line for line in text.split("\n") if line.strip()]
    return len(lines) <= 1 or all(_LIST_OR_ROW.match(line) for line in lines)


def iter_annotations(text: str) -> Iterator[tuple[str, str]]:
    """The placeholders and notes of a marked text, as (kind, text)."""
    for piece, kind in spans(text):
        if kind != "text":
            yield kind, piece


__all__ = [
    "ANNOTATION", "END_MARK", "FILTER_SUFFIXES", "MONEY", "NOTE_MARK", "PERCENT", "VALUE_MARK",
    "Meaning", "ReadableWording", "iter_annotations", "lower_first", "pieces", "plain",
    "readable_wording", "spans",
]
