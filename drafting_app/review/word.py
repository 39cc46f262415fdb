"""Small python-docx helpers shared by the review documents (comparison, review pack)."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import docx
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from drafting_app.files.atomic import atomic_write_bytes
from drafting_app.review.clause_files import ReviewError

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# w:settings children that come after w:trackRevisions (ECMA-376 schema order)
_AFTER_TRACK_REVISIONS = frozenset(qn(tag) for tag in (
    "w:doNotTrackMoves", "w:doNotTrackFormatting", "w:documentProtection",
    "w:autoFormatOverride", "w:styleLockTheme", "w:styleLockQFSet", "w:defaultTabStop",
    "w:autoHyphenation", "w:consecutiveHyphenLimit", "w:hyphenationZone", "w:doNotHyphenateCaps",
    "w:showEnvelope", "w:summaryLength", "w:clickAndTypeStyle", "w:defaultTableStyle",
    "w:evenAndOddHeaders", "w:bookFoldRevPrinting", "w:bookFoldPrinting",
    "w:bookFoldPrintingSheets", "w:drawingGridHorizontalSpacing",
    "w:drawingGridVerticalSpacing", "w:displayHorizontalDrawingGridEvery",
    "w:displayVerticalDrawingGridEvery", "w:doNotUseMarginsForDrawingGridOrigin",
    "w:drawingGridHorizontalOrigin", "w:drawingGridVerticalOrigin", "w:doNotShadeFormData",
    "w:noPunctuationKerning", "w:characterSpacingControl", "w:printTwoOnOne",
    "w:strictFirstAndLastChars", "w:noLineBreaksAfter", "w:noLineBreaksBefore",
    "w:savePreviewPicture", "w:doNotValidateAgainstSchema", "w:saveInvalidXml",
    "w:ignoreMixedContent", "w:alwaysShowPlaceholderText", "w:doNotDemarcateInvalidXml",
    "w:saveXmlDataOnly", "w:useXSLTWhenSaving", "w:saveThroughXslt", "w:showXMLTags",
    "w:alwaysMergeEmptyNamespace", "w:updateFields", "w:hdrShapeDefaults", "w:footnotePr",
    "w:endnotePr", "w:compat", "w:docVars", "w:rsids", "m:mathPr", "w:attachedSchema",
    "w:themeFontLang", "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats",
    "w:doNotAutoCompressPictures", "w:forceUpgrade", "w:captions", "w:readModeInkLockDown",
    "w:smartTagType", "w:shapeDefaults", "w:doNotEmbedSmartTags", "w:decimalSymbol",
    "w:listSeparator"))


def clean(text: str) -> str:
    """Text without the characters an XML file cannot hold."""
    return _XML_INVALID.sub("", text)


def new_document(*, landscape: bool = False) -> WordDocument:
    """An empty A4 document in French, portrait or landscape, with readable margins."""
    word = docx.Document()
    section = word.sections[0]
    width, height = Cm(21), Cm(29.7)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        width, height = height, width
    section.page_width, section.page_height = width, height
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.8))
    normal = word.styles["Normal"]
    normal.font.size = Pt(10.5)
    for lang in word.styles.element.iter(qn("w:lang")):
        lang.set(qn("w:val"), "fr-FR")
    return word


def track_revisions(word: WordDocument) -> None:
    """Turn on « suivi des modifications »: the reader's own edits become revisions too."""
    settings = word.settings.element
    if settings.find(qn("w:trackRevisions")) is not None:
        return
    element = OxmlElement("w:trackRevisions")
    successor = next((child for child in settings if child.tag in _AFTER_TRACK_REVISIONS), None)
    if successor is None:
        settings.append(element)
    else:
        successor.addprevious(element)


def text_run(text: str, *, deleted: bool = False, bold: bool = False,
             italic: bool = False, grey: bool = False) -> Any:
    """A `w:r` holding `text` (`w:delText` inside a deletion); newlines become line breaks."""
    run = OxmlElement("w:r")
    if bold or italic or grey:
        r_pr = OxmlElement("w:rPr")
        if bold:
            r_pr.append(OxmlElement("w:b"))
        if italic:
            r_pr.append(OxmlElement("w:i"))
        if grey:
            r_pr.append(OxmlElement("w:color", {qn("w:val"): "6B6B6B"}))
        run.append(r_pr)
    for index, piece in enumerate(clean(text).split("\n")):
        if index:
            run.append(OxmlElement("w:br"))
        if piece:
            element = OxmlElement("w:delText" if deleted else "w:t")
            element.set(qn("xml:space"), "preserve")
            element.text = piece
            run.append(element)
    return run


def save(word: WordDocument, out: Path) -> None:
    """Write the document atomically; ReviewError in French when it cannot be written."""
    if out.is_dir():
        raise ReviewError([f"« {out} » est un dossier : indiquez un nom de fichier .docx"])
    if not out.parent.is_dir():
        raise ReviewError([f"le dossier « {out.parent} » n’existe pas : créez-le d’abord"])
    buffer = io.BytesIO()
    word.save(buffer)
    try:
        atomic_write_bytes(out, buffer.getvalue())
    except OSError as exc:
        raise ReviewError([f"impossible d’écrire « {out} » : {exc.strerror or exc}"]) from None
