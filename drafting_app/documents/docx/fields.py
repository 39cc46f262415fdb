"""Word fields (the table of contents) and small XML element helpers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from docx.text.paragraph import Paragraph as WordParagraph

TOC_TITLE = "Sommaire"

TOC_INSTRUCTION = ' TOC \\o "1-3" \\h \\z \\u '

TOC_PLACEHOLDER = (
    "Le sommaire se met à jour à l’ouverture du document "
    "(sinon : clic droit, « Mettre à jour les champs »)."
)


def set_child(parent: Any, tag: str, attributes: Mapping[str, str]) -> None:
    """Set the attributes of `parent`'s child `tag`, creating it if needed."""
    child = parent.find(qn(tag))
    if child is None:  # python-docx writes both tblW and tblLook, in schema order
        child = OxmlElement(tag)
        parent.append(child)
    for key in list(child.attrib):
        del child.attrib[key]
    for key, value in attributes.items():
        child.set(qn(key), value)


def fld_char(kind: str) -> Any:
    run = OxmlElement("w:r")
    run.append(OxmlElement("w:fldChar", {qn("w:fldCharType"): kind}))
    return run


def instr_text(instruction: str) -> Any:
    run = OxmlElement("w:r")
    instr = OxmlElement("w:instrText", {qn("xml:space"): "preserve"})
    instr.text = instruction
    run.append(instr)
    return run


def field(paragraph: WordParagraph, instruction: str, placeholder: str) -> None:
    """A complex field (PAGE, NUMPAGES…) with a cached result, at the end of `paragraph`."""
    p = paragraph._p
    p.append(fld_char("begin"))
    p.append(instr_text(f" {instruction} "))
    p.append(fld_char("separate"))
    paragraph.add_run(placeholder)
    p.append(fld_char("end"))
