"""What a dossier counts as: its social and environmental considerations, in the DECP categories.

This module is the one place that says when a contract has a social or an environmental
consideration; the indicators, the report and the données essentielles export all read it.

- « Marché réservé »: a lot is reserved (CCP L2113-12 to L2113-15; `Lot.reservation`).
- « Clause sociale »: a chosen clause of a social category (legal data, `[detection]
  social_categories`) placed in the CCAP's execution conditions or in the social annex, or a
  social execution condition described in the dossier (`tender.social_condition`).
- « Critère social »: an award criterion of kind « social ».
- « Clause environnementale »: a chosen clause of an environmental category (`[detection]
  environment_categories`) placed in the CCAP's execution conditions or in the CCTP, or an
  environmental condition described in the dossier (`tender.environmental_condition`).
- « Critère environnemental »: an award criterion of kind « environnemental ».
Fair trade and EGAlim purchases are counted by their own indicators, from the execution data.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from drafting_app.checks.legal_data import (
    InsertionData,
    LegalData,
    load_insertion_data,
    load_legal_data,
)
from drafting_app.dossier.model import CriterionKind, Dossier
from drafting_app.files.problems import Problem
from drafting_app.wording.library import Library, load_library
from drafting_app.wording.render import Formats, Renderer, make_environment

SOCIAL_CLAUSE = "Clause sociale"
SOCIAL_CRITERION = "Critère social"
RESERVED = "Marché réservé"
NO_SOCIAL = "Pas de considération sociale"
ENVIRONMENTAL_CLAUSE = "Clause environnementale"
ENVIRONMENTAL_CRITERION = "Critère environnemental"
NO_ENVIRONMENTAL = "Pas de considération environnementale"

#: where a clause must be placed to be a contractual clause rather than a notice or a criterion
_SOCIAL_PLACES = frozenset({("ccap", "execution"), ("annexe_sociale", None)})
_ENVIRONMENTAL_PLACES = frozenset({("ccap", "execution"), ("cctp", None)})


@dataclass(frozen=True)
class ClauseFacts:
    """What the follow-up needs to know of a library clause."""

    category: str
    places: frozenset[tuple[str, str]]


@dataclass(frozen=True)
class Context:
    """The library and legal data the follow-up reads dossiers with; `fingerprint` changes when
    anything that the derived figures depend on changes (the register index is then rebuilt)."""

    library: Library
    legal: LegalData
    insertion: InsertionData | None
    clauses: Mapping[str, ClauseFacts]
    social_categories: frozenset[str]
    environment_categories: frozenset[str]
    fingerprint: str


def build_context(library: Library, legal: LegalData,
                  insertion: InsertionData | None) -> Context:
    """A follow-up context over an already loaded library."""
    clauses = {
        clause_id: ClauseFacts(
            clause.meta.category,
            frozenset((p.piece, p.part) for p in clause.meta.placements))
        for clause_id, clause in library.clauses.items()
    }
    social = frozenset(legal.detection.social_categories)
    environment = frozenset(legal.detection.environment_categories)
    summary = {
        "clauses": {k: [v.category, sorted(v.places)] for k, v in sorted(clauses.items())},
        "social": sorted(social), "environment": sorted(environment),
        "insertion": insertion.model_dump(mode="json") if insertion is not None else None,
        "variables": {k: [v.model_dump(mode="json") for v in c.meta.variables]
                      for k, c in sorted(library.clauses.items())
                      if k.startswith("insertion")},
    }
    digest = hashlib.sha256(json.dumps(summary, sort_keys=True, default=str).encode()).hexdigest()
    return Context(library, legal, insertion, clauses, social, environment, digest[:16])


def load_context(
    library_dir: Path, loaded: tuple[Library, list[Problem], Renderer] | None = None
) -> tuple[Context, list[Problem]]:
    """Load the library and its legal data, unless `loaded` already holds the library, its
    problems and its renderer (whose legal data is then read once, shared with the pieces);
    problems are those of the files read."""
    if loaded is None:
        library, problems = load_library(library_dir, make_environment(Formats()))
        legal, legal_problems = load_legal_data(library_dir)
    else:
        library, problems, renderer = loaded
        legal, legal_problems = renderer.legal_data.with_problems()
    insertion, insertion_problems = load_insertion_data(library_dir)
    return (build_context(library, legal, insertion),
            [*problems, *legal_problems, *insertion_problems])


def _placed(facts: ClauseFacts, places: frozenset[tuple[str, str | None]]) -> bool:
    return any((piece, part) in places or (piece, None) in places
               for piece, part in facts.places)


def social_considerations(dossier: Dossier, context: Context) -> tuple[str, ...]:
    """The DECP social considerations of a tender (« Pas de considération sociale » if none)."""
    tender = dossier.tender
    if tender is None:
        return ()
    found: list[str] = []
    if any(_is_category(chosen.id, context, context.social_categories, _SOCIAL_PLACES)
           for chosen in dossier.clauses) or tender.social_condition.strip():
        found.append(SOCIAL_CLAUSE)
    if any(c.kind is CriterionKind.SOCIAL for c in tender.criteria):
        found.append(SOCIAL_CRITERION)
    if any(lot.reservation is not None for lot in tender.lots):
        found.append(RESERVED)
    return tuple(found) or (NO_SOCIAL,)


def environmental_considerations(dossier: Dossier, context: Context) -> tuple[str, ...]:
    """The DECP environmental considerations of a tender (or « Pas de considération … »)."""
    tender = dossier.tender
    if tender is None:
        return ()
    found: list[str] = []
    if any(_is_category(chosen.id, context, context.environment_categories,
                        _ENVIRONMENTAL_PLACES) for chosen in dossier.clauses) \
            or tender.environmental_condition.strip():
        found.append(ENVIRONMENTAL_CLAUSE)
    if any(c.kind is CriterionKind.ENVIRONMENTAL for c in tender.criteria):
        found.append(ENVIRONMENTAL_CRITERION)
    return tuple(found) or (NO_ENVIRONMENTAL,)


def _is_category(clause_id: str, context: Context, categories: frozenset[str],
                 places: frozenset[tuple[str, str | None]]) -> bool:
    facts = context.clauses.get(clause_id)
    return facts is not None and facts.category in categories and _placed(facts, places)


def has_social(considerations: tuple[str, ...]) -> bool:
    """Whether a list of social considerations holds at least one."""
    return any(c != NO_SOCIAL for c in considerations)


def has_environmental(considerations: tuple[str, ...]) -> bool:
    """Whether a list of environmental considerations holds at least one."""
    return any(c != NO_ENVIRONMENTAL for c in considerations)
