"""The dossier being edited as plain JSON data, addressed by field paths, and its validation.

The form edits a draft that may be incomplete; only a complete draft becomes a `Dossier`.
Paths are tuples (`("tender", "lots", 1, "title")`) written `tender.lots[1].title` in
findings and messages, as the core writes them.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from drafting_app.dossier.model import SCHEMA_VERSION, Dossier, DossierKind
from drafting_app.files.messages import french_error
from drafting_app.wording.library import Library

FieldPath = tuple[str | int, ...]
MISSING_KINDS = frozenset({"missing", "string_too_short"})
OWN_MESSAGES = frozenset({"value_error", "assertion_error"})  # the model's own French


class DraftHolder:
    """The draft being edited, shared by every part of the form (replaced when a file opens)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data


def path_text(path: Iterable[str | int]) -> str:
    """`("tender", "lots", 1, "title")` → `tender.lots[1].title`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def parse_path(text: str) -> FieldPath:
    """`tender.lots[1].title` → `("tender", "lots", 1, "title")`; unreadable parts are dropped."""
    parts: list[str | int] = []
    for name, index in re.findall(r"([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]", text):
        parts.append(int(index) if index else name)
    return tuple(parts)


def pattern_of(path: FieldPath) -> str:
    """The path with list indices blanked, as field texts are keyed: `tender.lots[].title`."""
    return path_text("[]" if isinstance(p, int) else p for p in path).replace(".[]", "[]")


def get_in(data: Any, path: FieldPath, default: Any = None) -> Any:
    """The value at `path`, or `default` when a part is missing."""
    current = data
    for part in path:
        if isinstance(part, int):
            if not isinstance(current, list) or not 0 <= part < len(current):
                return default
            current = current[part]
        else:
            if not isinstance(current, dict) or part not in current:
                return default
            current = current[part]
    return current


def set_in(data: dict[str, Any], path: FieldPath, value: Any) -> None:
    """Set the value at `path`, creating the tables on the way."""
    current: Any = data
    for part, following in itertools.pairwise(path):
        if isinstance(current, list):
            assert isinstance(part, int)
            current = current[part]
            continue
        child = current.get(part)
        if not isinstance(child, dict | list):
            child = [] if isinstance(following, int) else {}
            current[part] = child
        current = child
    last = path[-1]
    if isinstance(current, list):
        assert isinstance(last, int)
        current[last] = value
    else:
        current[last] = value


def delete_in(data: dict[str, Any], path: FieldPath) -> None:
    """Remove the key at `path` (a missing key is not an error)."""
    parent = get_in(data, path[:-1])
    if isinstance(parent, dict):
        parent.pop(path[-1], None)


def new_draft(kind: DossierKind, today: dt.date) -> dict[str, Any]:
    """The draft of a new dossier of this kind, with the values a user would rarely change."""
    draft: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "kind": kind.value,
        "title": "",
        "buyer": {"address": {}, "signatory": {}},
        "tender": None,
        "subsidy": None,
        "clauses": [],
    }
    if kind is DossierKind.TENDER:
        draft["tender"] = {
            "launch_date": today.isoformat(),
            "duration_months": 12,
            "lots": [],
            "criteria": [],
        }
    else:
        start = dt.date(today.year + 1, 1, 1)
        draft["subsidy"] = {
            "association": {"address": {}, "representative": {}},
            "start_date": start.isoformat(),
            "duration_years": 1 if kind is DossierKind.ANNUAL_CONVENTION else 3,
            "objectives": [],
            "payments": [],
        }
    return draft


def dossier_draft(dossier: Dossier) -> dict[str, Any]:
    """A complete dossier as an editable draft."""
    data: dict[str, Any] = dossier.model_dump(mode="json")
    return data


def clone(draft: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy a worker can read while the user keeps typing."""
    return copy.deepcopy(dict(draft))


@dataclass(frozen=True)
class DraftProblem:
    """Something the draft lacks or gets wrong: where, what, and whether it is only missing."""

    path: FieldPath
    message: str
    missing: bool
    kind: str = ""  # pydantic's error type


def validate_draft(draft: Mapping[str, Any]) -> tuple[Dossier | None, list[DraftProblem]]:
    """The dossier when the draft is complete; otherwise every problem with its path."""
    try:
        return Dossier.model_validate(dict(draft)), []
    except ValidationError as exc:
        problems = []
        for item in exc.errors(include_url=False):
            path = tuple(item["loc"])
            kind = str(item["type"])
            message = french_error(kind, str(item["msg"]), item.get("ctx") or {})
            if message == str(item["msg"]) and kind not in OWN_MESSAGES:
                message = "valeur incorrecte"  # a pydantic sentence nobody translated yet
            problems.append(DraftProblem(path, message, kind in MISSING_KINDS, kind))
        return None, problems


def with_placeholders(
    draft: Mapping[str, Any],
    problems: Iterable[DraftProblem],
    placeholder: Callable[[FieldPath], str | None],
) -> dict[str, Any]:
    """A copy of the draft whose empty text fields read `[label]`, so a preview can be shown."""
    filled = clone(draft)
    for problem in problems:
        if not problem.missing or not problem.path:
            continue
        text = placeholder(problem.path)
        if text is not None:
            set_in(filled, problem.path, text)
    return filled


def stamp_draft_versions(draft: dict[str, Any], library: Library) -> None:
    """Record in the draft the library version of each chosen clause (before saving it)."""
    clauses = draft.get("clauses")
    for entry in clauses if isinstance(clauses, list) else []:
        if isinstance(entry, dict) and entry.get("id") in library.clauses:
            entry["version"] = library.clauses[str(entry["id"])].meta.version


def loose_draft(data: Any) -> dict[str, Any] | None:
    """A dossier file's data when it is a JSON table with a known kind, even if incomplete."""
    if not isinstance(data, dict) or data.get("kind") not in {k.value for k in DossierKind}:
        return None
    return data


def draft_json(draft: Mapping[str, Any]) -> str:
    """The JSON text an incomplete draft is saved as (same shape as a dossier file)."""
    return json.dumps(draft, ensure_ascii=False, indent=2) + "\n"
