"""What the Word writer raises: French problems, for the CLI to print and the app to show."""

from __future__ import annotations


class ExportError(Exception):
    """The document could not be exported; `problems` are messages in French."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


class LayoutError(ExportError):
    """The Word layout (.docx and its styles.toml) is missing, unreadable or incomplete."""
