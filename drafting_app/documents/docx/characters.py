"""Text as Word can hold it: characters XML refuses removed, one-line texts."""

from __future__ import annotations

import re
from typing import Any

from docx.oxml.ns import qn

# Characters XML 1.0 cannot hold at all: removed, and reported with a warning.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class RemovedCharactersWarning(UserWarning):
    """Characters that a Word file cannot hold were removed from the text."""


class Text:
    """Makes user text fit for XML, keeping track of what had to be removed."""

    def __init__(self) -> None:
        self.removed: list[str] = []

    def clean(self, text: str) -> str:
        """`text` without XML-invalid characters; CR and CRLF become line breaks (LF)."""
        if _XML_INVALID.search(text):
            self.removed.extend(f"U+{ord(c):04X}" for c in _XML_INVALID.findall(text))
            text = _XML_INVALID.sub("", text)
        return text.replace("\r\n", "\n").replace("\r", "\n")

    def removed_message(self) -> str:
        """A French message naming the removed characters."""
        codes = sorted(set(self.removed))
        return (
            f"{len(self.removed)} caractère(s) de contrôle impossible(s) à enregistrer dans un "
            f"fichier Word ont été retirés du texte ({', '.join(codes)}) : "
            "vérifiez le texte source."
        )


def one_line(text: str) -> str:
    """`text` fit for XML on one line (for TOC entries and headers); nothing is recorded."""
    return " ".join(_XML_INVALID.sub("", text).split("\n")).replace("\r", " ")


def paragraph_text(paragraph: Any) -> str:
    return "".join(t.text or "" for t in own_texts(paragraph))


def own_texts(paragraph: Any) -> list[Any]:
    """The w:t of `paragraph` itself, not those of paragraphs nested in it (text boxes)."""
    return [
        t for t in paragraph.iter(qn("w:t")) if next(t.iterancestors(qn("w:p")), None) is paragraph
    ]
