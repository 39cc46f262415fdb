"""A clause's wording as a lawyer reads it: French placeholders and notes in place of Jinja.

The wording is translated from the template's syntax tree (`env.parse`), never by string
replacement. Each value becomes a placeholder named by its French label (« [taux de l’avance,
en pourcentage] »), each condition a short note before the text it governs (« [Si plusieurs
lots :] … [Sinon :] … [Fin] »), each loop one sample line (« [Pour chaque lot concerné :] »).
The result is made of the same format-neutral blocks as a rendered clause; placeholders and
notes are kept apart from the wording inside the runs' text by private-use marks, so that the
Word writers can highlight them and the comparison can treat each as one word.
"""

from __future__ import annotations

import datetime as dt
import re
import typing
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import Enum
from types import NoneType, UnionType
from typing import Any

from jinja2 import TemplateSyntaxError, nodes
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel

from drafting_app.documents.blocks import Block, Heading, ListItem, Paragraph, Table, plain_text
from drafting_app.documents.text import blocks_to_text
from drafting_app.dossier.model import Buyer, Ccag, Dossier, Lot, Subsidy, Tender
from drafting_app.dossier.vocabulary import label_of
from drafting_app.review.field_labels import (
    MODEL_NOUNS,
    MONEY,
    PERCENT,
    field_label,
    path_label,
)
from drafting_app.wording.library import prepare_source
from drafting_app.wording.markup import french_typography, parse_markup, value_token
from drafting_app.wording.model import ClauseMeta, Variable, VariableType
from drafting_app.wording.render import Formats

VALUE_MARK = "\ue010"
NOTE_MARK = "\ue011"
END_MARK = "\ue012"
#: a placeholder or a note inside a run's text: its mark, then its text, then END_MARK
ANNOTATION = re.compile(f"([{VALUE_MARK}{NOTE_MARK}])([^{VALUE_MARK}{NOTE_MARK}{END_MARK}]*)"
                        f"{END_MARK}")
_TOKEN = re.compile("\ue000(\\d+)\ue001")
_UNIT_PREFIX = re.compile(r"^(\s*(?:-\s+|\d+\.\s+|\|\s*|>\s*|#+\s+)?)")
_LIST_OR_ROW = re.compile(r"^\s*(?:-\s|\d+\.\s|\|)")
_TABLE_RULE = re.compile(r"^\|(\s*:?-{3,}:?\s*\|)+\s*$")
_PUNCTUATION = re.compile(r"^[\s.,;:!?)(]*(?:et|ou)?[\s.,;:!?)(]*$")
_SHORT_BRANCH = 3

FIN_CONDITION = "Fin de la condition"
FIN_LOOP = "Fin de la répétition"
FIN_INLINE = "Fin"
ELSE = "Sinon"
NONE_LEFT = "S’il n’y en a aucun"
LIST_ELEMENT = "élément de la liste"

#: how a Jinja filter changes what a placeholder says
FILTER_SUFFIXES = {
    "money": ", en euros",
    "amount_in_words": ", en lettres",
    "words": ", en lettres",
    "percent": ", en pourcentage",
    "date_short": ", en chiffres",
    "time": ", heure",
    "label": ", en toutes lettres",
    "number": "",
    "date_long": "",
    "lower_first": "",
    "list": "",
}
_UNITS = {"money": ("€", "euro"), "percent": ("%", "pourcent")}
_TYPE_KINDS = {
    VariableType.TEXT: "text", VariableType.LONG_TEXT: "text", VariableType.INTEGER: "number",
    VariableType.DECIMAL: "number", VariableType.MONEY: "money", VariableType.PERCENT: "percent",
    VariableType.DATE: "date", VariableType.BOOLEAN: "bool", VariableType.CHOICE: "choice",
    VariableType.LIST: "list",
}
_VARIABLE_KINDS = {
    VariableType.TEXT: "texte", VariableType.LONG_TEXT: "texte long",
    VariableType.INTEGER: "nombre entier", VariableType.DECIMAL: "nombre",
    VariableType.MONEY: "montant en euros", VariableType.PERCENT: "pourcentage",
    VariableType.DATE: "date", VariableType.BOOLEAN: "oui ou non",
    VariableType.CHOICE: "choix", VariableType.LIST: "liste de textes",
}
_NUMERIC = frozenset({"number", "money", "percent", "count"})
_VERBS_NUMBER = {"eq": "vaut", "ne": "ne vaut pas", "gt": "dépasse", "gteq": "atteint ou dépasse",
                 "lt": "n’atteint pas", "lteq": "ne dépasse pas"}
_VERBS_TEXT = {"eq": "est", "ne": "n’est pas", "gt": "dépasse", "gteq": "atteint ou dépasse",
               "lt": "n’atteint pas", "lteq": "ne dépasse pas"}
_VERBS_YEAR = {"eq": "est", "ne": "n’est pas", "gt": "est postérieure à",
               "gteq": "est au plus tôt", "lt": "est antérieure à", "lteq": "est au plus tard"}
_INVERSE = {"eq": "ne", "ne": "eq", "gt": "lteq", "lteq": "gt", "lt": "gteq", "gteq": "lt",
            "in": "notin", "notin": "in"}
_LOT_COUNTS = {("gt", 1): "plusieurs lots", ("gteq", 2): "plusieurs lots",
               ("eq", 1): "un seul lot", ("eq", 0): "aucun lot", ("lt", 1): "aucun lot",
               ("lteq", 0): "aucun lot", ("lteq", 1): "un lot au plus", ("lt", 2): "un lot au plus",
               ("ne", 1): "aucun lot ou plusieurs lots", ("gteq", 1): "au moins un lot",
               ("gt", 0): "au moins un lot", ("ne", 0): "au moins un lot"}
_OPERATORS = {nodes.Add: "+", nodes.Sub: "−", nodes.Mul: "×", nodes.Div: "÷",
              nodes.FloorDiv: "÷", nodes.Mod: "modulo", nodes.Pow: "puissance"}
#: a loop element as the sample line shows it: neither the first nor the last
_SAMPLE_LOOP = {"index": 2, "index0": 1, "revindex": 3, "revindex0": 2, "first": False,
                "last": False, "length": 4}


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
    return ANNOTATION.sub(lambda m: m.group(2), text)


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
                     formats: Formats | None = None) -> ReadableWording:
    """The readable wording of a clause's text, with its metadata's labels."""
    try:
        ast = env.parse(prepare_source(text))
    except TemplateSyntaxError as exc:
        return ReadableWording((), (f"ligne {exc.lineno} : erreur de syntaxe Jinja : "
                                    f"{exc.message}",))
    translator = _Translator(meta.variables, formats or Formats())
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
        body = re.sub(r"(\ue000(\d+)\ue001) +([.,)])", glue, body)
        body = re.sub(r"(\() +(\ue000)", r"\1\2", body)
        lines.append(line[:indent] + body.rstrip(" "))
    return "\n".join(lines)


# --------------------------------------------------------------------------- meanings


@dataclass(frozen=True)
class Meaning:
    """What an expression stands for, in French."""

    text: str
    kind: str = "text"  # text number money percent date datetime year bool choice enum list
    #                     model lots count loop formula
    quoted: bool = True  # a label: between « » in notes and formulas
    origin: str = "dossier"  # "clause": a value the buyer gives for this clause
    model: type[BaseModel] | None = None  # of an object, or of a list's elements
    of: str = ""  # an object as owner: « du lot »; for a list, of its elements
    item: str = ""  # one element of a list: « lot concerné »
    element: str = "text"  # the kind of a list's elements when they are not objects
    enum: type[Enum] | None = None
    choices: tuple[str, ...] = ()
    suffix: str = ""  # what the filters add: « , en lettres »
    counted: str = ""  # for a count: what is counted (« lots » for the clause's lots)


@dataclass
class _Loop:
    """A loop being translated: its element noun, for notes on the first or last one."""

    item: str


@dataclass
class _Scope:
    """Names a template binds itself: loop targets and `set` values."""

    loop_vars: dict[str, Meaning] = field(default_factory=dict)
    assigned: dict[str, nodes.Node] = field(default_factory=dict)


def lower_first(text: str) -> str:
    """A label inside a sentence: lower-case first letter, unless it starts an acronym."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def _unwrap(annotation: Any) -> Any:
    """A field's type without Optional and Annotated."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, UnionType):
            args = [a for a in typing.get_args(annotation) if a is not NoneType]
            annotation = args[0] if len(args) == 1 else str
        else:
            return annotation


def _attribute_type(model: type[BaseModel], name: str) -> Any:
    """The type of a model's field, property or method result; None when it has none."""
    if name in model.model_fields:
        return _unwrap(model.model_fields[name].annotation)
    member = getattr(model, name, None)
    function = member.fget if isinstance(member, property) else member
    if callable(function):
        hints = typing.get_type_hints(function)
        return _unwrap(hints.get("return"))
    return None


def _is_model(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, BaseModel)


class _Translator:
    """Walks a clause's syntax tree and writes readable markup, notes and placeholders apart."""

    def __init__(self, variables: Sequence[Variable], formats: Formats) -> None:
        self.variables = {v.name: v for v in variables}
        self.formats = formats
        self.annotations: list[tuple[str, str]] = []
        self.problems: list[str] = []
        self.scope = _Scope()
        self.loops: list[_Loop] = []

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
        for kind, signs in _UNITS.items():
            if suffix.startswith(FILTER_SUFFIXES["money" if kind == "money" else "percent"]) \
                    and any(sign in text.lower() for sign in signs):
                suffix = suffix.replace(FILTER_SUFFIXES["money" if kind == "money"
                                                        else "percent"], "", 1)
        return text + suffix

    def unknown(self, what: str, node: nodes.Node) -> Meaning:
        """A construct the translation does not know: reported, shown as such."""
        self.problems.append(f"ligne {node.lineno} : {what} non traduit")
        return Meaning("valeur non traduite", quoted=False)

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
                notes.append(f"{_si(condition)} :")
            else:
                notes.append(f"{ELSE}, {lower_first(_si(condition))} :")
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
        self.loops.append(_Loop(item))
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

    # ------------------------------------------------------------------ expressions

    def meaning(self, node: nodes.Node) -> Meaning:
        """What an expression stands for."""
        if isinstance(node, nodes.Name):
            return self.name(node)
        if isinstance(node, nodes.Getattr):
            return self.attribute(self.meaning(node.node), node.attr, node)
        if isinstance(node, nodes.Getitem):
            base = self.meaning(node.node)
            if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                return self.attribute(base, node.arg.value, node)
            if base.kind in ("list", "lots"):
                return self.element(base)
            return self.unknown("accès à un élément", node)
        if isinstance(node, nodes.Filter):
            return self.filtered(node)
        if isinstance(node, nodes.Const):
            return Meaning(self.constant(node.value, None), _const_kind(node.value), quoted=False)
        if isinstance(node, nodes.List | nodes.Tuple):
            return Meaning(", ".join(self.constant(getattr(i, "value", None), None)
                                     for i in node.items), quoted=False)
        if isinstance(node, nodes.Or):
            right = node.right
            if isinstance(right, nodes.List) and not right.items:
                return self.meaning(node.left)  # `liste or []`
            return Meaning(self.condition(node), "bool", quoted=False)
        if isinstance(node, nodes.And):
            return Meaning(self.condition(node), "bool", quoted=False)
        if isinstance(node, nodes.BinExpr):
            return self.formula(node)
        if isinstance(node, nodes.Neg):
            return Meaning(f"−{self.operand(self.meaning(node.node))}", "number", quoted=False)
        if isinstance(node, nodes.CondExpr):
            first = self.meaning(node.expr1)
            second = (self.meaning(node.expr2) if node.expr2 is not None
                      else Meaning("rien", quoted=False))
            text = (f"{self.operand(first)} {lower_first(_si(self.condition(node.test)))}, "
                    f"sinon {self.operand(second)}")
            return Meaning(text, first.kind, quoted=False, model=first.model, item=first.item,
                           of=first.of, element=first.element)
        if isinstance(node, nodes.Not | nodes.Compare | nodes.Test):
            return Meaning(self.condition(node), "bool", quoted=False)
        if isinstance(node, nodes.Call):
            return self.call(node)
        return self.unknown(f"expression « {type(node).__name__} »", node)

    def name(self, node: nodes.Name) -> Meaning:
        """A name: a clause variable, the dossier, the clause's lots, a loop or a `set`."""
        name = node.name
        if name in self.scope.loop_vars:
            return self.scope.loop_vars[name]
        if name in self.scope.assigned:
            return self.meaning(self.scope.assigned[name])
        if name == "loop":
            item = self.loops[-1].item if self.loops else "élément"
            return Meaning(item, "loop", quoted=False, item=item)
        if name in self.variables:
            return self.variable(self.variables[name])
        if name == "lots":
            return Meaning("lots concernés", "lots", quoted=False, model=Lot, of="du lot",
                           item="lot concerné")
        models: dict[str, type[BaseModel]] = {
            "buyer": Buyer, "tender": Tender, "subsidy": Subsidy, "dossier": Dossier}
        if name in models:
            noun = MODEL_NOUNS[models[name]]
            return Meaning(noun.noun, "model", quoted=False, model=models[name], of=noun.of)
        return self.unknown(f"nom « {name} »", node)

    def variable(self, variable: Variable) -> Meaning:
        """A value the buyer gives for the clause, named by its label."""
        kind = _TYPE_KINDS[variable.type]
        label = variable.label
        if kind == "list":
            return Meaning(label, "list", origin="clause",
                           item=f"élément de « {lower_first(label)} »")
        return Meaning(label, kind, origin="clause", choices=variable.choices)

    def element(self, collection: Meaning) -> Meaning:
        """One element of a list (a loop's element, or `liste[0]`)."""
        if collection.model is not None:
            return Meaning(collection.item or MODEL_NOUNS[collection.model].noun, "model",
                           quoted=False, model=collection.model,
                           of=collection.of or MODEL_NOUNS[collection.model].of)
        if collection.origin == "clause":
            return Meaning(LIST_ELEMENT, collection.element, quoted=False, origin="clause")
        return Meaning(collection.item or f"élément de {self.ref(collection)}",
                       collection.element, quoted=False)

    def attribute(self, base: Meaning, attr: str, node: nodes.Node) -> Meaning:
        """A field of an object of the dossier, or the code of a coded value."""
        if base.kind == "enum" and attr in ("value", "name"):
            return base
        if base.kind in ("date", "datetime") and attr in ("year", "month", "day"):
            unit = {"year": "année", "month": "mois", "day": "jour"}[attr]
            kind = "year" if attr == "year" else "number"
            article = "l’" if unit[0] in "aeiouy" else "le "
            return Meaning(f"{article}{unit} de {self.ref(base)}", kind, quoted=False)
        if base.kind == "loop":
            return self.loop_attribute(base, attr, node)
        if base.model is None or base.kind != "model":
            return self.unknown(f"attribut « {attr} »", node)
        label = field_label(base.model, attr)
        python_type = _attribute_type(base.model, attr)
        if label is None or python_type is None:
            return self.unknown(f"champ « {attr} »", node)
        text = label.text.format(de=base.of)
        origin = typing.get_origin(python_type)
        if origin is tuple:
            element_type = _unwrap(typing.get_args(python_type)[0])
            item = label.item.format(de=base.of) if label.item else ""
            if _is_model(element_type):
                return Meaning(text, "list", model=element_type, item=item,
                               of=MODEL_NOUNS[element_type].of)
            return Meaning(text, "list", item=item,
                           element=label.kind or _python_kind(element_type))
        if _is_model(python_type):
            return Meaning(text, "model", model=python_type, of=f"({text})")
        if isinstance(python_type, type) and issubclass(python_type, Enum):
            return Meaning(text, "enum", enum=python_type)
        return Meaning(text, label.kind or _python_kind(python_type))

    def loop_attribute(self, base: Meaning, attr: str, node: nodes.Node) -> Meaning:
        """`loop.index` and friends, as values."""
        texts = {"index": "rang dans la liste", "index0": "rang dans la liste",
                 "revindex": "rang en partant de la fin", "revindex0": "rang en partant de la fin",
                 "length": f"nombre de « {base.item} »"}
        return Meaning(texts.get(attr, attr), "loop", quoted=False, item=base.item, counted=attr)

    def filtered(self, node: nodes.Filter) -> Meaning:
        """A filter: formatting adds to the placeholder; length, sum and selections change it."""
        assert node.node is not None
        base = self.meaning(node.node)
        name = node.name
        if name in FILTER_SUFFIXES:
            return replace(base, suffix=base.suffix + FILTER_SUFFIXES[name])
        if name == "length":
            if base.kind == "lots":
                return Meaning("nombre de lots concernés", "count", quoted=False, counted="lots")
            if base.kind == "list" and base.item and base.origin != "clause":
                return Meaning(f"nombre de {base.text}", "count", quoted=False)
            return Meaning(f"nombre d’éléments de {self.ref(base)}", "count", quoted=False)
        if name == "sum":
            kind = base.element if base.element in _NUMERIC else "number"
            return Meaning(f"total de {self.ref(base)}", kind, quoted=False)
        if name in ("selectattr", "rejectattr"):
            return self.selection(base, node)
        if name in ("first", "last"):
            return self.element(base)
        return self.unknown(f"filtre « {name} »", node)

    def selection(self, base: Meaning, node: nodes.Filter) -> Meaning:
        """`selectattr("kind", "equalto", "social")`: the list with a qualifier."""
        args = [a.value for a in node.args if isinstance(a, nodes.Const)]
        if not args or base.model is None or len(args) != len(node.args):
            return self.unknown(f"filtre « {node.name} »", node)
        attr = str(args[0]).split(".")[0]
        label = field_label(base.model, attr)
        python_type = _attribute_type(base.model, attr)
        if label is None:
            return self.unknown(f"champ « {attr} »", node)
        bare = label.text.replace(" {de}", "").replace("{de}", "").strip()
        if len(args) >= 3 and args[1] in ("equalto", "eq", "=="):
            value = args[2]
            shown = value
            if isinstance(python_type, type) and issubclass(python_type, Enum):
                try:
                    shown = _enum_text(python_type(value))
                except ValueError:
                    shown = str(value)
            keep = node.name == "selectattr"
            qualifier = f" ({bare} : {shown})" if keep else f" ({bare} autre que {shown})"
        elif len(args) == 1:
            qualifier = f" (avec {bare})" if node.name == "selectattr" else f" (sans {bare})"
        else:
            return self.unknown(f"filtre « {node.name} »", node)
        return replace(base, text=_qualify(base.text, qualifier),
                       item=_qualify(base.item or MODEL_NOUNS[base.model].noun, qualifier),
                       of=_qualify(base.of or MODEL_NOUNS[base.model].of, qualifier))

    def call(self, node: nodes.Call) -> Meaning:
        """`insertion_hours(…)` and the dossier's computed amounts."""
        if isinstance(node.node, nodes.Name) and node.node.name == "insertion_hours":
            args = [self.ref(self.meaning(a)) for a in node.args]
            listed = ", ".join(args[:-1]) + (f" et {args[-1]}" if len(args) > 1 else "")
            return Meaning(f"nombre d’heures d’insertion calculé d’après {listed}", "number",
                           quoted=False)
        if isinstance(node.node, nodes.Getattr) and not node.args:
            return self.meaning(node.node)
        return self.unknown("appel de fonction", node)

    def formula(self, node: nodes.BinExpr) -> Meaning:
        """Arithmetic: « montant estimé du lot » × « multiple »."""
        sign = _OPERATORS.get(type(node), "?")
        left, right = self.meaning(node.left), self.meaning(node.right)
        kind = left.kind if left.kind in _NUMERIC else right.kind
        same = isinstance(node.left, nodes.Add | nodes.Mul) and type(node.left) is type(node)
        first = left.text if same else self.operand(left)
        text = f"{first} {sign} {self.operand(right)}"
        return Meaning(text, kind if kind in _NUMERIC else "number", quoted=False,
                       counted="formula")

    def operand(self, meaning: Meaning) -> str:
        """A meaning inside a formula: a label quoted, a formula in brackets."""
        if meaning.counted == "formula" or " si " in meaning.text or " s’il " in meaning.text:
            return f"({meaning.text})"
        return self.ref(meaning)

    def ref(self, meaning: Meaning) -> str:
        """A meaning named in a note: a label between « »."""
        if meaning.quoted:
            inner = re.sub(r"«\s*", "“", re.sub(r"\s*»", "”", lower_first(meaning.text)))
            return f"« {inner} »"
        return meaning.text

    def constant(self, value: Any, against: Meaning | None) -> str:
        """A constant as a note shows it, formatted like the value it is compared with."""
        if value is None:
            return "vide"
        if isinstance(value, bool):
            return "oui" if value else "non"
        if isinstance(value, str):
            if against is not None and against.enum is not None:
                try:
                    return f"« {_enum_text(against.enum(value))} »"
                except ValueError:
                    pass
            return f"« {value} »"
        if isinstance(value, int | float | Decimal):
            kind = against.kind if against is not None else "number"
            if kind == "year":
                return str(value)
            if kind == "percent":
                return self.formats.percent(value)
            if kind == "money":
                amount = Decimal(str(value))
                if amount == amount.to_integral_value():
                    return f"{self.formats.number(amount)} €"
                return self.formats.money(amount)
            return self.formats.number(value)
        if isinstance(value, list | tuple):
            return ", ".join(self.constant(v, against) for v in value)
        return f"« {value} »"

    # ------------------------------------------------------------------ conditions

    def condition(self, node: nodes.Node, negate: bool = False) -> str:
        """A test as a French proposition (without « Si »)."""
        if isinstance(node, nodes.Name) and node.name in self.scope.assigned:
            return self.condition(self.scope.assigned[node.name], negate)
        if isinstance(node, nodes.Not):
            return self.condition(node.node, not negate)
        if isinstance(node, nodes.And | nodes.Or):
            return self.junction(node, negate)
        if isinstance(node, nodes.Compare):
            return self.comparison(node, negate)
        if isinstance(node, nodes.Test):
            return self.test(node, negate)
        return self.truth(self.meaning(node), negate)

    def junction(self, node: nodes.And | nodes.Or, negate: bool) -> str:
        """`a and b`, `a or b`: the booleans of a clause read as the buyer's choices."""
        kind = type(node)
        operands: list[nodes.Node] = []

        def flatten(current: nodes.Node) -> None:
            if type(current) is kind:
                assert isinstance(current, nodes.And | nodes.Or)
                flatten(current.left)
                flatten(current.right)
            else:
                operands.append(current)

        flatten(node)
        is_or = kind is nodes.Or
        meanings = [self.meaning(o) if isinstance(o, nodes.Name) else None for o in operands]
        if all(m is not None and m.kind == "bool" and m.origin == "clause" for m in meanings):
            labels = ", ".join(self.ref(m) for m in meanings if m is not None)
            if is_or and not negate:
                return f"l’acheteur retient au moins l’un de ces choix : {labels}"
            if is_or:
                return f"l’acheteur ne retient aucun de ces choix : {labels}"
            if not negate:
                return f"l’acheteur retient chacun de ces choix : {labels}"
            return f"l’acheteur ne retient pas tous ces choix : {labels}"
        # De Morgan: « ni A ni B » is « non A et non B »
        joined_by_or = is_or != negate
        parts = []
        for operand in operands:
            text = self.condition(operand, negate)
            inner = isinstance(operand, nodes.And | nodes.Or) or " ou " in text or " et " in text
            parts.append(f"({text})" if inner and len(operands) > 1 else text)
        return (" ou " if joined_by_or else " et ").join(parts)

    def comparison(self, node: nodes.Compare, negate: bool) -> str:
        """`a == b`, `a > 3`, `"x" in choix`."""
        if len(node.ops) != 1:
            self.problems.append(f"ligne {node.lineno} : comparaison en chaîne non traduite")
            return "condition non traduite"
        operation = node.ops[0]
        op = _INVERSE[operation.op] if negate else operation.op
        left_node, right_node = node.expr, operation.expr
        if op in ("in", "notin"):
            return self.membership(left_node, right_node, op == "in")
        left = self.meaning(left_node)
        if isinstance(right_node, nodes.Const) and left.kind == "count" and left.counted == "lots":
            value = right_node.value
            if (op, value) in _LOT_COUNTS:
                return _LOT_COUNTS[op, value]
        if left.kind == "loop" and isinstance(right_node, nodes.Const):
            text = self.loop_comparison(left, op, right_node.value)
            if text is not None:
                return text
        right = (Meaning(self.constant(right_node.value, left), quoted=False)
                 if isinstance(right_node, nodes.Const) else self.meaning(right_node))
        verbs = (_VERBS_YEAR if left.kind == "year"
                 else _VERBS_NUMBER if left.kind in _NUMERIC else _VERBS_TEXT)
        subject = self.ref(left)
        if left.kind == "count" and not left.quoted:
            subject = "le " + subject
        return f"{subject} {verbs[op]} {self.operand(right)}"

    def membership(self, needle_node: nodes.Node, haystack_node: nodes.Node,
                   inside: bool) -> str:
        """`"(L2113-12)" in categorie` or `buyer.kind.value in [...]`."""
        if isinstance(needle_node, nodes.Const) and isinstance(needle_node.value, str):
            haystack = self.meaning(haystack_node)
            matching = [c for c in haystack.choices if needle_node.value in c]
            if matching:
                shown = ", ".join(f"« {c} »" for c in matching)
                if len(matching) == 1:
                    return f"{self.ref(haystack)} {'est' if inside else 'n’est pas'} {shown}"
                return (f"{self.ref(haystack)} {'est' if inside else 'n’est'} "
                        f"{'l’un de' if inside else 'aucun de'} : {shown}")
            verb = "contient" if inside else "ne contient pas"
            return f"{self.ref(haystack)} {verb} « {needle_node.value} »"
        needle = self.meaning(needle_node)
        if isinstance(haystack_node, nodes.List | nodes.Tuple):
            values = [getattr(i, "value", None) for i in haystack_node.items]
            shown = ", ".join(self.constant(v, needle) for v in values)
            return (f"{self.ref(needle)} {'est' if inside else 'n’est'} "
                    f"{'l’un de' if inside else 'aucun de'} : {shown}")
        haystack = self.meaning(haystack_node)
        verb = "figure dans" if inside else "ne figure pas dans"
        return f"{self.ref(needle)} {verb} {self.ref(haystack)}"

    def loop_comparison(self, loop: Meaning, op: str, value: Any) -> str | None:
        """`loop.length == 1`, `loop.revindex == 2`, as words about the loop's elements."""
        item = loop.item
        if loop.counted == "length":
            texts = {("eq", 1): f"il n’y a qu’un {item}", ("gt", 1): f"il y a plus d’un {item}",
                     ("gteq", 2): f"il y a plus d’un {item}",
                     ("ne", 1): f"il y a plus d’un {item}",
                     ("lteq", 1): f"il n’y a qu’un {item}"}
            return texts.get((op, value))
        if loop.counted in ("revindex", "revindex0"):
            last = 1 if loop.counted == "revindex" else 0
            if op in ("eq", "ne") and value in (last, last + 1):
                which = "dernier" if value == last else "avant-dernier"
                return (f"c’est le {which} {item}" if op == "eq"
                        else f"ce n’est pas le {which} {item}")
        if loop.counted in ("index", "index0") and op in ("eq", "ne"):
            first = 1 if loop.counted == "index" else 0
            if value == first:
                return (f"c’est le premier {item}" if op == "eq"
                        else f"ce n’est pas le premier {item}")
        return None

    def test(self, node: nodes.Test, negate: bool) -> str:
        """`x is none`, `x is defined`."""
        subject = self.meaning(node.node)
        if node.name in ("none", "undefined"):
            return self.truth(subject, not negate)
        if node.name in ("defined",):
            return self.truth(subject, negate)
        self.problems.append(f"ligne {node.lineno} : test « {node.name} » non traduit")
        return "condition non traduite"

    def truth(self, meaning: Meaning, negate: bool) -> str:
        """Whether a value is set, true, or has elements, in words."""
        if meaning.kind == "loop":
            if meaning.counted in ("first", "last"):
                which = "premier" if meaning.counted == "first" else "dernier"
                return (f"ce n’est pas le {which} {meaning.item}" if negate
                        else f"c’est le {which} {meaning.item}")
            return "condition non traduite"
        if meaning.kind == "bool" and not meaning.quoted:
            return f"il est faux que {meaning.text}" if negate else meaning.text
        if meaning.kind == "bool" and meaning.origin == "clause":
            verb = "ne retient pas" if negate else "retient"
            return f"l’acheteur {verb} {self.ref(meaning)}"
        if meaning.kind == "bool":
            verb = "n’indique pas" if negate else "indique"
            return f"le dossier {verb} {self.ref(meaning)}"
        if meaning.kind == "lots":
            return "le marché n’est pas alloti" if negate else "le marché est alloti"
        if meaning.kind == "list" and meaning.origin == "clause":
            return f"la liste {self.ref(meaning)} {'est vide' if negate else 'n’est pas vide'}"
        if meaning.kind == "list":
            item = meaning.item or f"élément de {self.ref(meaning)}"
            return f"il n’y a aucun {item}" if negate else f"il y a au moins un {item}"
        if meaning.kind in _NUMERIC and not meaning.quoted:
            return f"{meaning.text} {'vaut' if negate else 'ne vaut pas'} zéro"
        return f"{self.ref(meaning)} {'n’est pas renseigné' if negate else 'est renseigné'}"


# --------------------------------------------------------------------------- helpers


def _qualify(text: str, qualifier: str) -> str:
    """`critères (nature : x)` and ` (sans sous-critères)` → `critères (nature : x ; sans …)`."""
    if text.endswith(")") and qualifier.startswith(" ("):
        return text[:-1] + " ; " + qualifier[2:]
    return text + qualifier


def _si(condition: str) -> str:
    """« Si » before a proposition, elided before « il »: « S’il y a… »."""
    if condition.startswith(("il ", "ils ")):
        return "S’" + condition
    return "Si " + condition


def _units(text: str) -> bool:
    """Whether a branch is one line, or only list items or table rows."""
    lines = [line for line in text.split("\n") if line.strip()]
    return len(lines) <= 1 or all(_LIST_OR_ROW.match(line) for line in lines)


def _const_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float | Decimal):
        return "number"
    return "text"


def _python_kind(python_type: Any) -> str:
    """The kind of a dossier field from its Python type."""
    if python_type is bool:
        return "bool"
    if python_type is dt.datetime:
        return "datetime"
    if python_type is dt.date:
        return "date"
    if python_type in (int, float, Decimal):
        return "number"
    return "text"


def _enum_text(member: Enum) -> str:
    """A coded value as a note names it: a CCAG by its short name, others by their label."""
    if isinstance(member, Ccag):
        return member.value
    return label_of(member)


def iter_annotations(text: str) -> Iterator[tuple[str, str]]:
    """The placeholders and notes of a marked text, as (kind, text)."""
    for piece, kind in spans(text):
        if kind != "text":
            yield kind, piece


__all__ = [
    "ANNOTATION", "END_MARK", "FILTER_SUFFIXES", "MONEY", "NOTE_MARK", "PERCENT", "VALUE_MARK",
    "Meaning", "ReadableWording", "iter_annotations", "lower_first", "plain", "readable_wording",
    "spans",
]
