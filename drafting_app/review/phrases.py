"""Jinja expressions of a clause in French: values named by their labels, tests as propositions.

`Phrases` reads one expression of a clause's syntax tree (a name, a field of the dossier, a
filter, a comparison…) and says it in French: « taux de l’avance, en pourcentage », « plusieurs
lots », « l’acheteur retient « option » ». The readable wording (`readable`) builds on it.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import Enum
from typing import Any

from jinja2 import nodes
from pydantic import BaseModel

from drafting_app.dossier.model import Buyer, Ccag, Dossier, Lot, Subsidy, Tender
from drafting_app.dossier.vocabulary import label_of
from drafting_app.review.field_labels import (
    MODEL_NOUNS,
    field_label,
    field_type,
    is_model,
    python_kind,
    unwrap_type,
)
from drafting_app.wording.model import Variable, VariableType
from drafting_app.wording.render import Formats

LIST_ELEMENT = "élément de la liste"
#: how a Jinja filter changes what a placeholder says
FILTER_SUFFIXES = {
    "money": ", en euros",
    "euros": ", en euros",
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
UNITS = {"money": ("€", "euro"), "percent": ("%", "pourcent")}
_TYPE_KINDS = {
    VariableType.TEXT: "text", VariableType.LONG_TEXT: "text", VariableType.INTEGER: "number",
    VariableType.DECIMAL: "number", VariableType.MONEY: "money", VariableType.PERCENT: "percent",
    VariableType.DATE: "date", VariableType.BOOLEAN: "bool", VariableType.CHOICE: "choice",
    VariableType.LIST: "list",
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
class LoopFrame:
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


class Phrases:
    """Says the expressions of one clause in French; collects what it cannot say."""

    def __init__(self, variables: Sequence[Variable], formats: Formats,
                 thresholds: Mapping[str, tuple[str, str]] | None = None) -> None:
        self.variables = {v.name: v for v in variables}
        self.formats = formats
        # threshold id -> (label, unit) of the dated legal data, for `seuil("…")`
        self.thresholds = thresholds or {}
        self.problems: list[str] = []
        self.scope = _Scope()
        self.loops: list[LoopFrame] = []

    def unknown(self, what: str, node: nodes.Node) -> Meaning:
        """A construct the translation does not know: reported, shown as such."""
        self.problems.append(f"ligne {node.lineno} : {what} non traduit")
        return Meaning("valeur non traduite", quoted=False)

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
            text = (f"{self.operand(first)} {lower_first(if_clause(self.condition(node.test)))}, "
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
        python_type = field_type(base.model, attr)
        if label is None or python_type is None:
            return self.unknown(f"champ « {attr} »", node)
        text = label.text.format(de=base.of)
        origin = typing.get_origin(python_type)
        if origin is tuple:
            element_type = unwrap_type(typing.get_args(python_type)[0])
            item = label.item.format(de=base.of) if label.item else ""
            if is_model(element_type):
                return Meaning(text, "list", model=element_type, item=item,
                               of=MODEL_NOUNS[element_type].of)
            return Meaning(text, "list", item=item,
                           element=label.kind or python_kind(element_type))
        if is_model(python_type):
            return Meaning(text, "model", model=python_type, of=f"({text})")
        if isinstance(python_type, type) and issubclass(python_type, Enum):
            return Meaning(text, "enum", enum=python_type)
        return Meaning(text, label.kind or python_kind(python_type))

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
        python_type = field_type(base.model, attr)
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
        if (isinstance(node.node, nodes.Getattr) and node.node.attr in ("endswith", "startswith")
                and len(node.args) == 1 and isinstance(node.args[0], nodes.Const)):
            verb = "se termine" if node.node.attr == "endswith" else "commence"
            subject = self.ref(self.meaning(node.node.node))
            return Meaning(f"{subject} {verb} par « {node.args[0].value} »", "bool",
                           quoted=False)
        if (isinstance(node.node, nodes.Name) and node.node.name == "seuil" and node.args
                and isinstance(node.args[0], nodes.Const)):
            return self.threshold(str(node.args[0].value))
        return self.unknown("appel de fonction", node)

    def threshold(self, threshold_id: str) -> Meaning:
        """`seuil("avance_seuil_montant")`: the dated value, named by its label."""
        label, unit = self.thresholds.get(
            threshold_id, ("seuil fixé par les données juridiques", "€ HT"))
        kind = "percent" if unit == "%" else "money" if "€" in unit else "number"
        return Meaning(f"{label} (valeur en vigueur à la date du dossier)", kind, quoted=False)

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


def if_clause(condition: str) -> str:
    """« Si » before a proposition, elided before « il »: « S’il y a… »."""
    if condition.startswith(("il ", "ils ")):
        return "S’" + condition
    return "Si " + condition


def _const_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float | Decimal):
        return "number"
    return "text"


def _enum_text(member: Enum) -> str:
    """A coded value as a note names it: a CCAG by its short name, others by their label."""
    if isinstance(member, Ccag):
        return member.value
    return label_of(member)


