"""What a clause's expressions stand for (`Meaning`), and the fields and selections they name.

`phrases` says each expression of a clause in French; this module holds what it works with:
the `Meaning` of an expression, a field of the dossier or of its shared facts named by its label
(`typed`), a selection of a list's elements (`selected`, `mapped`) and the small French helpers
(« Si » or « S’il », an initial in lower case, a coded value's label). What cannot be said raises
`Untranslated`, which `phrases` reports « non traduit ».
"""

from __future__ import annotations

import re
import typing
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import Enum
from typing import Any

from jinja2 import nodes

from drafting_app.dossier.model import Ccag
from drafting_app.dossier.vocabulary import label_of
from drafting_app.review.fact_labels import member_label, noun_of
from drafting_app.review.field_labels import (
    FieldLabel,
    field_type,
    is_model,
    python_kind,
    unwrap_type,
)

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
#: how `join` joins a list's elements into one text
JOINED = ", à la suite"
#: `selectattr` tests that keep the elements whose field has one of some values, or not
_EQUAL_TESTS = frozenset({"equalto", "eq", "==", "sameas"})
_UNEQUAL_TESTS = frozenset({"ne", "!="})
_BRACKETED = re.compile(r"\([^()]*\)|«[^«»]*»")


class Untranslated(Exception):
    """A construct the readable wording does not know; `what` names it in French."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


@dataclass(frozen=True)
class Pick:
    """What `selectattr` / `rejectattr` keep of a list's elements, for one of their fields."""

    attr: str
    label: str  # the field's name without its owner: « forme des prix »
    present: bool | None = None  # kept only when set (True) or only when empty (False)
    allowed: tuple[str, ...] | None = None  # kept only with one of these values
    excluded: tuple[str, ...] = ()  # never kept with one of these values
    enum: type[Enum] | None = None


@dataclass(frozen=True)
class Meaning:
    """What an expression stands for, in French."""

    text: str
    kind: str = "text"  # text number money percent date datetime year bool choice enum list
    #                     model lots count loop formula
    quoted: bool = True  # a label: between « » in notes and formulas
    origin: str = "dossier"  # "clause": a value the buyer gives for this clause
    model: type[Any] | None = None  # of an object, or of a list's elements
    of: str = ""  # an object as owner: « du lot »; for a list, of its elements
    item: str = ""  # one element of a list: « lot concerné »
    element: str = "text"  # the kind of a list's elements when they are not objects
    enum: type[Enum] | None = None
    choices: tuple[str, ...] = ()
    suffix: str = ""  # what the filters add: « , en lettres »
    counted: str = ""  # for a count: what is counted (« lots » for the clause's lots)
    negation: str = ""  # a proposition (kind bool, not quoted): what it says when false
    feminine: bool = False  # the gender of `item`
    #: a number compared with a constant, in words: (operator, constant, proposition)
    readings: tuple[tuple[str, int, str], ...] = ()
    parts: tuple[Meaning, ...] = ()  # the members of a list's elements when they are pairs
    #: a selection (`selectattr`): the list it selects from, what it keeps and how it says it
    whole: Meaning | None = None
    picks: tuple[Pick, ...] = ()
    selected: str = ""


@dataclass
class LoopFrame:
    """A loop being translated: its element noun, for notes on the first or last one."""

    item: str


# --------------------------------------------------------------------------- fields


def typed(label: FieldLabel, python_type: Any, of: str) -> Meaning:
    """A field of a known type named by its label; `of` is its owner (« du lot »)."""
    text = label.text.format(de=of)
    if label.negation:
        return Meaning(text, "bool", quoted=False, negation=label.negation.format(de=of))
    if typing.get_origin(python_type) is tuple:
        element_type = unwrap_type(typing.get_args(python_type)[0])
        item = label.item.format(de=of) if label.item else ""
        if is_model(element_type):
            return Meaning(text, "list", model=element_type, item=item,
                           of=noun_of(element_type).of, readings=label.readings,
                           feminine=label.feminine)
        parts: tuple[Meaning, ...] = ()
        members = typing.get_args(element_type)
        if label.parts and typing.get_origin(element_type) is tuple and len(members) == len(
                label.parts):
            parts = tuple(_part(part, unwrap_type(member), of)
                          for part, member in zip(label.parts, members, strict=True))
        return Meaning(text, "list", item=item, parts=parts, readings=label.readings,
                       element=label.kind or python_kind(element_type), feminine=label.feminine)
    if is_model(python_type):
        return Meaning(text, "model", model=python_type, of=f"({text})")
    if isinstance(python_type, type) and issubclass(python_type, Enum):
        return Meaning(text, "enum", enum=python_type)
    return Meaning(text, label.kind or python_kind(python_type), readings=label.readings)


def _part(label: FieldLabel, python_type: Any, of: str) -> Meaning:
    """One member of a pair a loop unpacks (`for status, titles in …`)."""
    if is_model(python_type):
        return Meaning(label.text.format(de=of), "model", quoted=False, model=python_type,
                       of=noun_of(python_type).of)
    return replace(typed(label, python_type, of), quoted=False)


def field_of(model: type[Any], attr: str) -> tuple[FieldLabel, Any]:
    """The label and type of a field (or property, or method) of a model or a facts class."""
    label = member_label(model, attr)
    python_type = field_type(model, attr)
    if label is None or python_type is None:
        raise Untranslated(f"champ « {attr} »")
    return label, python_type


def bare(label: FieldLabel) -> str:
    """A field's name without its owner: « forme des prix »."""
    return label.text.replace(" {de}", "").replace("{de}", "").strip()


# --------------------------------------------------------------------------- selections


def mapped(base: Meaning, node: nodes.Filter) -> Meaning:
    """`map(attribute="number")`: one field of each element of a list of objects."""
    attribute = next((k.value for k in node.kwargs if k.key == "attribute"), None)
    if (base.model is None or node.args or len(node.kwargs) != 1
            or not isinstance(attribute, nodes.Const) or not isinstance(attribute.value, str)):
        raise Untranslated("filtre « map »")
    label, python_type = field_of(base.model, attribute.value.split(".")[0])
    noun = noun_of(base.model)
    one = typed(label, python_type, base.of or noun.of)
    each = typed(label, python_type, f"de chaque {base.item or noun.noun}")
    return Meaning(each.text, "list", item=one.text, element=one.kind, enum=one.enum)


def selected(base: Meaning, node: nodes.Filter) -> Meaning:
    """`selectattr("kind", "equalto", "social")`: the list with a qualifier.

    Selections in a row add up: `selectattr("pricing.value", "in", [A, B])` then
    `rejectattr("pricing.value", "equalto", B)` keeps the elements priced A. A selection of
    the clause's lots is a list of lots (« il y a au moins un lot concerné (avec minimum) »).
    """
    args = [constant(a) for a in node.args]
    if (not args or base.model is None or node.kwargs or any(a is NOT_CONSTANT for a in args)
            or not isinstance(args[0], str)):
        raise Untranslated(f"filtre « {node.name} »")
    attr = args[0].split(".")[0]
    label, python_type = field_of(base.model, attr)
    keep = node.name == "selectattr"
    enum = python_type if isinstance(python_type, type) and issubclass(python_type,
                                                                        Enum) else None
    pick = Pick(attr, bare(label), enum=enum)
    if len(args) == 1:
        pick = replace(pick, present=keep)
    elif len(args) == 3 and args[1] in _EQUAL_TESTS | _UNEQUAL_TESTS | {"in"}:
        values = tuple(str(v) for v in (args[2] if isinstance(args[2], list) else [args[2]]))
        if keep == (args[1] not in _UNEQUAL_TESTS):
            pick = replace(pick, allowed=values)
        else:
            pick = replace(pick, excluded=values)
    else:
        raise Untranslated(f"filtre « {node.name} »")
    whole = base.whole or base
    picks = _merge_picks(base.picks, pick)
    qualifier = " (" + " ; ".join(_pick_text(p) for p in picks) + ")"
    noun = noun_of(base.model)
    return replace(whole, kind="list" if whole.kind == "lots" else whole.kind,
                   text=qualify(whole.text, qualifier),
                   item=qualify(whole.item or noun.noun, qualifier),
                   of=qualify(whole.of or noun.of, qualifier),
                   whole=whole, picks=picks, selected=qualifier, readings=())


def _merge_picks(picks: tuple[Pick, ...], new: Pick) -> tuple[Pick, ...]:
    """Selections in a row: the conditions on one field add up."""
    for index, old in enumerate(picks):
        if old.attr != new.attr:
            continue
        present = new.present if old.present is None else old.present
        allowed = old.allowed if new.allowed is None else (
            new.allowed if old.allowed is None
            else tuple(v for v in old.allowed if v in new.allowed))
        excluded = old.excluded + tuple(v for v in new.excluded if v not in old.excluded)
        if allowed is not None:
            allowed, excluded = tuple(v for v in allowed if v not in excluded), ()
        merged = replace(old, present=present, allowed=allowed, excluded=excluded)
        return (*picks[:index], merged, *picks[index + 1:])
    return (*picks, new)


def _pick_text(pick: Pick) -> str:
    """What a selection keeps, in words: « forme des prix : prix unitaires ou prix mixtes »."""

    def shown(value: str) -> str:
        if pick.enum is not None:
            try:
                return enum_text(pick.enum(value))
            except ValueError:
                pass
        return value

    texts = []
    if pick.present is not None:
        texts.append(f"{'avec' if pick.present else 'sans'} {pick.label}")
    if pick.allowed is not None:
        texts.append(f"{pick.label} : "
                     + (" ou ".join(shown(v) for v in pick.allowed) or "aucune valeur"))
    elif len(pick.excluded) == 1:
        texts.append(f"{pick.label} autre que {shown(pick.excluded[0])}")
    elif pick.excluded:
        texts.append(f"{pick.label} : " + ", ".join(f"ni {shown(v)}" for v in pick.excluded))
    return " ; ".join(texts)


# --------------------------------------------------------------------------- helpers

NOT_CONSTANT = object()


def constant(node: nodes.Node) -> Any:
    """The value of a constant, or of a list of constants; `NOT_CONSTANT` otherwise."""
    if isinstance(node, nodes.Const):
        return node.value
    if isinstance(node, nodes.List | nodes.Tuple) and all(
            isinstance(item, nodes.Const) for item in node.items):
        return [item.value for item in node.items if isinstance(item, nodes.Const)]
    return NOT_CONSTANT


def reading(readings: Sequence[tuple[str, int, str]], op: str, value: Any) -> str | None:
    """The words a label gives for a comparison of its number with a constant, if any."""
    return next((text for o, v, text in readings
                 if o == op and v == value and not isinstance(value, bool)), None)


def qualify(text: str, qualifier: str) -> str:
    """`critères (nature : x)` and ` (sans sous-critères)` → `critères (nature : x ; sans …)`."""
    if text.endswith(")") and qualifier.startswith(" ("):
        return text[:-1] + " ; " + qualifier[2:]
    return text + qualifier


def outside_brackets(text: str) -> str:
    """A proposition without what it says between brackets or quotes (« … », ( … ))."""
    while True:
        shorter = _BRACKETED.sub("", text)
        if shorter == text:
            return text
        text = shorter


def lower_first(text: str) -> str:
    """A label inside a sentence: lower-case first letter, unless it starts an acronym."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def if_clause(condition: str) -> str:
    """« Si » before a proposition, elided before « il »: « S’il y a… »."""
    if condition.startswith(("il ", "ils ")):
        return "S’" + condition
    return "Si " + condition


def const_kind(value: Any) -> str:
    """The kind of a constant of the template: bool, number or text."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float | Decimal):
        return "number"
    return "text"


def enum_text(member: Enum) -> str:
    """A coded value as a note names it: a CCAG by its short name, others by their label."""
    if isinstance(member, Ccag):
        return member.value
    return label_of(member)
