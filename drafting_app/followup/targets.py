"""The SPASER's own objectives, read from `objectifs.toml`, a small file the buyer edits.

```toml
# Objectifs du SPASER (parts en %, montants en euros HT, heures)
[objectifs]
part_sociale_nombre = 30
heures_realisees = 12000

[annees.2027]            # un objectif propre à une année remplace celui de [objectifs]
heures_realisees = 15000
```
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator

from drafting_app.dossier.types import Strict
from drafting_app.files.problems import Problem
from drafting_app.files.toml_files import locate, read_toml_file, validate_file
from drafting_app.followup.indicators import INDICATOR_IDS

TARGETS_FILE = "objectifs.toml"

Value = Annotated[Decimal, Field(ge=0)]


class TargetsFile(Strict):
    """The objectives file."""

    objectifs: dict[str, Value] = Field(default_factory=dict)
    annees: dict[int, dict[str, Value]] = Field(default_factory=dict)

    @field_validator("objectifs")
    @classmethod
    def _known(cls, values: dict[str, Decimal]) -> dict[str, Decimal]:
        unknown = sorted(set(values) - INDICATOR_IDS)
        if unknown:
            raise ValueError(f"indicateur inconnu « {unknown[0]} » (identifiants : "
                             f"{', '.join(sorted(INDICATOR_IDS))})")
        return values

    def for_year(self, year: int | None) -> dict[str, Decimal]:
        """The objectives that apply to a year (its own ones over the general ones)."""
        found = dict(self.objectifs)
        if year is not None:
            found.update(self.annees.get(year, {}))
        return found


def read_targets(path: Path) -> tuple[TargetsFile, list[Problem]]:
    """The objectives file; a missing file means no objective, a bad one is reported."""
    if not path.exists():
        return TargetsFile(), []
    problems: list[Problem] = []
    read = read_toml_file(path, problems)
    if read is None:
        return TargetsFile(), problems
    data, text = read
    parsed = validate_file(TargetsFile, data, text, path, problems)
    if parsed is None:
        return TargetsFile(), problems
    for year, values in parsed.annees.items():
        for key in sorted(set(values) - INDICATOR_IDS):
            problems.append(Problem(path, locate(text, ("annees", str(year), key)),
                                    f"« annees.{year}.{key} » : indicateur inconnu"))
    return parsed, problems
