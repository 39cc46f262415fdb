"""The strict base of every file model and the value types the dossier files share."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
)


class Strict(BaseModel):
    """Base of every file model: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")]
NonEmpty = Annotated[str, StringConstraints(min_length=1)]
Amount = Annotated[
    Decimal,
    Field(ge=0, max_digits=14, decimal_places=2),
    PlainSerializer(lambda d: str(d), return_type=str, when_used="json"),
]
Siret = Annotated[str, StringConstraints(pattern=r"^\d{14}$")]
Rna = Annotated[str, StringConstraints(pattern=r"^W\d{9}$")]
