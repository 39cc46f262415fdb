"""Pydantic models of the clause library's files: clause metadata and document skeletons."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field, StringConstraints, field_validator, model_validator

from drafting_app.dossier.model import DossierKind
from drafting_app.dossier.types import Identifier, NonEmpty, Strict


class ClauseStatus(StrEnum):
    """Review status of a clause (design.md)."""

    DRAFT = "brouillon"
    TO_CHECK = "à vérifier"  # rests on a legal fact that is not verified yet
    TO_REVIEW = "à valider"
    VALIDATED = "validé"
    OBSOLETE = "obsolète"


class Piece(StrEnum):
    """Documents a clause can belong in."""

    RC = "rc"
    CCAP = "ccap"
    AE = "ae"
    CCTP = "cctp"
    AVIS = "avis"
    ANNEXE_SOCIALE = "annexe_sociale"
    STAFF = "personnel_repris"
    MEMOIRE = "memoire"
    CONVENTION = "convention"
    CPO = "cpo"


class VariableType(StrEnum):
    """Types a clause variable can take; each maps to a form widget and a validator."""

    TEXT = "texte"
    LONG_TEXT = "texte_long"
    INTEGER = "entier"
    DECIMAL = "decimal"
    MONEY = "montant"
    PERCENT = "pourcentage"
    DATE = "date"
    BOOLEAN = "booleen"
    CHOICE = "choix"
    LIST = "liste"


# --------------------------------------------------------------------------- clause files


class LegalReference(Strict):
    """An article of a legal text, with the date the reference was last checked."""

    article: str = ""
    text: NonEmpty
    checked: dt.date
    note: str = ""

    def label(self) -> str:
        """The reference as cited in documents and findings, e.g. `CCP art. L2112-2`."""
        return f"{self.text} art. {self.article}" if self.article else self.text


class ReferenceStatus(StrEnum):
    """How well the facts file backs a legal reference."""

    VERIFIED = "vérifié"
    TO_CHECK = "à vérifier"


class ReferenceEntry(Strict):
    """Articles of one text that the facts file backs, with their standing."""

    text: NonEmpty
    status: ReferenceStatus
    facts: NonEmpty
    articles: tuple[str, ...] = Field(min_length=1)


class ReferenceIndex(Strict):
    """The references file: every legal reference the library may cite."""

    references: tuple[ReferenceEntry, ...]

    def status_of(self, text: str, article: str) -> ReferenceStatus | None:
        """The standing of a reference, or None when the facts file does not back it."""
        for entry in self.references:
            if entry.text == text and article in entry.articles:
                return entry.status
        return None


class Placement(Strict):
    """Where a clause goes: a document and a part of it (a skeleton slot)."""

    piece: Piece
    part: Identifier


#: the largest number a clause value may hold, whatever its variable's bounds (10^15: a
#: million billion euros), so that printing it in words or as a figure stays instant
VALUE_LIMIT = Decimal(10) ** 15
Bound = Annotated[Decimal, Field(ge=-VALUE_LIMIT, le=VALUE_LIMIT)]


class Variable(Strict):
    """A typed value the buyer fills in for a clause."""

    name: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
    type: VariableType
    label: NonEmpty
    help: str = ""
    default: Any = None
    min: Bound | None = None
    max: Bound | None = None
    choices: tuple[NonEmpty, ...] = ()
    required: bool = True
    # a dossier field (e.g. `tender.advance_rate`) whose value the variable takes when the
    # buyer leaves it empty, so that one figure is typed once for every piece and every check
    dossier_field: str = ""

    @model_validator(mode="after")
    def _choices_only_for_choice(self) -> Variable:
        if self.type is VariableType.CHOICE and not self.choices:
            raise ValueError("une variable de type « choix » doit lister ses choix (choices)")
        if self.type is not VariableType.CHOICE and self.choices:
            raise ValueError("seule une variable de type « choix » peut avoir des choix")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min est supérieur à max")
        return self


class ReviewEntry(Strict):
    """One review decision recorded in a clause's own file."""

    who: NonEmpty
    when: dt.date
    decision: ClauseStatus
    comment: str = ""
    version: int = Field(ge=1)


class ClauseMeta(Strict):
    """The metadata file (`clause.toml`) of a clause folder."""

    id: Identifier
    title: NonEmpty
    category: Identifier
    version: int = Field(ge=1)
    status: ClauseStatus
    placements: tuple[Placement, ...] = Field(min_length=1)
    references: tuple[LegalReference, ...] = ()
    no_reference_reason: str = ""
    # what a legal service must still verify; filled exactly when the status is « à vérifier »
    to_check: str = ""
    variables: tuple[Variable, ...] = ()
    note: NonEmpty
    summary: str = ""
    derogates: tuple[NonEmpty, ...] = ()
    keywords: tuple[str, ...] = ()
    history: tuple[ReviewEntry, ...] = ()

    @field_validator("title")
    @classmethod
    def _typographic_apostrophe(cls, title: str) -> str:
        return title.replace("'", "’")

    @model_validator(mode="after")
    def _legal_basis(self) -> ClauseMeta:
        if (not self.references and not self.no_reference_reason.strip()
                and self.status is not ClauseStatus.TO_CHECK):
            raise ValueError(
                "une clause sans fondement juridique ([[references]]) doit dire pourquoi "
                "(no_reference_reason) ou avoir le statut « à vérifier »")
        return self

    @field_validator("variables")
    @classmethod
    def _unique_names(cls, variables: tuple[Variable, ...]) -> tuple[Variable, ...]:
        seen: set[str] = set()
        for variable in variables:
            if variable.name in seen:
                raise ValueError(f"la variable « {variable.name} » est déclarée deux fois")
            seen.add(variable.name)
        return variables


class DocumentMeta(Strict):
    """The metadata file (`document.toml`) of a document skeleton."""

    id: Identifier
    piece: Piece
    title: NonEmpty
    short_title: NonEmpty
    kinds: tuple[DossierKind, ...] = Field(min_length=1)
    filename: NonEmpty
    version: int = Field(ge=1)
    status: ClauseStatus
    references: tuple[LegalReference, ...] = ()
    note: str = ""
    # place of the piece among the dossier's documents (RC first, then AE, CCAP…)
    order: int = Field(default=100, ge=0)
    # one document per lot when the tender has lots (the acte d'engagement)
    per_lot: bool = False
    # a Jinja expression: the piece exists only when it is true (empty: always)
    when: str = ""
    # lines added under the title on the cover (procedure, deadline…), a small Jinja template
    cover: str = ""

    @field_validator("title", "short_title")
    @classmethod
    def _typographic_apostrophe(cls, title: str) -> str:
        return title.replace("'", "’")

    @field_validator("filename")
    @classmethod
    def _safe_filename(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9_-]+", value):
            raise ValueError("le nom de fichier ne peut contenir que lettres, chiffres, - et _")
        return value

    @field_validator("when")
    @classmethod
    def _expression_only(cls, value: str) -> str:
        if "{{" in value or "{%" in value:
            raise ValueError("« when » est une expression (has_clauses('annexe_sociale', "
                             "'engagement')), sans {{ }} ni {% %}")
        return value
