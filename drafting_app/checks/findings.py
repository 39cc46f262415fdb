"""A finding: what the law requires of this dossier, why, and where to look."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum


class Severity(StrEnum):
    """How serious a finding is; `error` makes `clausier check` exit with 1."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    """One result of a legal check."""

    code: str
    severity: Severity
    message: str
    reference: str
    field: str

    def as_dict(self) -> dict[str, str]:
        """The finding as JSON-ready data."""
        data = asdict(self)
        data["severity"] = self.severity.value
        return data
