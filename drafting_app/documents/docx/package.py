"""Around the body: header and footer tags, properties, language, settings, the atomic save."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

from docx.document import Document as WordDocument
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from docx.parts.hdrftr import FooterPart, HeaderPart
from docx.shared import Twips
from docx.styles.style import ParagraphStyle
from docx.text.paragraph import Paragraph as WordParagraph

from drafting_app.documents.blocks import (
    DocumentInfo,
)
from drafting_app.documents.docx.characters import Text, one_line, own_texts
from drafting_app.documents.docx.errors import ExportError
from drafting_app.documents.docx.fields import field
from drafting_app.documents.docx.tables import text_width

# Header/footer tags a layout may contain, and the DocumentInfo field each one shows.
TAG_FIELDS: Mapping[str, str] = MappingProxyType(
    {
        "acheteur": "buyer",
        "référence": "reference",
        "reference": "reference",
        "titre": "title",
        "objet": "subtitle",
        "sujet": "subject",
        "auteur": "author",
    }
)

TAG = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")

# w:settings children that must come after w:updateFields (ECMA-376 schema order).
_AFTER_UPDATE_FIELDS = (
    "w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat", "w:docVars", "w:rsids",
    "m:mathPr", "w:attachedSchema", "w:themeFontLang", "w:clrSchemeMapping",
    "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures", "w:forceUpgrade",
    "w:captions", "w:readModeInkLockDown", "w:smartTagType", "sl:schemaLibrary",
    "w:shapeDefaults", "w:doNotEmbedSmartTags", "w:decimalSymbol", "w:listSeparator",
)  # fmt: skip


def tag_key(name: str) -> str:
    return name.strip().casefold()


def header_footer_parts(word: WordDocument) -> Iterator[HeaderPart | FooterPart]:
    for part in word.part.package.iter_parts():
        if isinstance(part, HeaderPart | FooterPart):
            yield part


def fill_headers_and_footers(
    word: WordDocument, info: DocumentInfo, styles: Mapping[str, ParagraphStyle | None], text: Text
) -> None:
    """Replace the layout's tags; give a layout without header or footer the house ones."""
    for part in header_footer_parts(word):
        for paragraph in part.element.iter(qn("w:p")):
            _replace_tags(paragraph, info, text)
    section = word.sections[0]
    width = text_width(word)
    if section.header.is_linked_to_previous and section.footer.is_linked_to_previous:
        # The house header/footer stay off the title page, as in the default layout.
        section.different_first_page_header_footer = True
    if section.header.is_linked_to_previous:
        paragraph = section.header.paragraphs[0]
        _prepare_bar(paragraph, styles.get("header"), width)
        paragraph.add_run(text.clean(info.buyer) + "\t" + text.clean(info.reference))
    if section.footer.is_linked_to_previous:
        paragraph = section.footer.paragraphs[0]
        _prepare_bar(paragraph, styles.get("footer"), width)
        paragraph.add_run(text.clean(info.title) + "\tPage ")
        field(paragraph, "PAGE", "1")
        paragraph.add_run(" / ")
        field(paragraph, "NUMPAGES", "1")


def _prepare_bar(paragraph: WordParagraph, style: ParagraphStyle | None, width: Any) -> None:
    """Style a header/footer line: text on the left, a right tab stop at the text's edge."""
    if style is not None:
        paragraph.style = style
    right_tab_at(paragraph, style, width)


def right_tab_at(paragraph: WordParagraph, style: ParagraphStyle | None, width: Any) -> None:
    """The paragraph's only tab stop a right one at `width` (its style's others cleared)."""
    tabs = paragraph.paragraph_format.tab_stops
    for position in _style_tab_positions(style):
        if position != width.twips:
            tabs.add_tab_stop(Twips(position), WD_TAB_ALIGNMENT.CLEAR)
    tabs.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)


def _style_tab_positions(style: ParagraphStyle | None) -> list[int]:
    """Positions (twips) of the tab stops a paragraph style defines or inherits."""
    positions: list[int] = []
    seen: set[str] = set()
    while style is not None and style.style_id not in seen:
        seen.add(style.style_id)
        for tab in style.element.iter(qn("w:tab")):
            if tab.get(qn("w:val")) != "clear":
                positions.append(int(tab.get(qn("w:pos"), "0")))
        style = style.base_style
    return positions


def _replace_tags(paragraph: Any, info: DocumentInfo, text: Text) -> None:
    """Replace {{tags}} in one paragraph, even when Word split a tag across several runs."""
    texts = own_texts(paragraph)
    contents = [t.text or "" for t in texts]
    starts = []
    offset = 0
    for content in contents:
        starts.append(offset)
        offset += len(content)
    full = "".join(contents)
    for match in reversed(list(TAG.finditer(full))):
        field = TAG_FIELDS.get(tag_key(match.group(1)))
        if field is None:
            continue  # reported by check_layout; left as typed
        value = text.clean(str(getattr(info, field))).replace("\n", " ")
        first = max(i for i, s in enumerate(starts) if s <= match.start())
        last = max(i for i, s in enumerate(starts) if s < match.end())
        for index in range(first, last + 1):
            current = contents[index]
            begin = max(match.start() - starts[index], 0)
            end = min(match.end() - starts[index], len(current))
            head = current[:begin]
            tail = current[end:]
            contents[index] = head + (value if index == first else "") + tail
    for t, content in zip(texts, contents, strict=True):
        if t.text != content:
            t.text = content
            t.set(qn("xml:space"), "preserve")


#: the longest text a core property of a Word file may hold
MAX_PROPERTY_LENGTH = 255


def property_text(text: str) -> str:
    """A text as a document property holds it: one line, at most 255 characters (« … »)."""
    line = one_line(text)
    if len(line) <= MAX_PROPERTY_LENGTH:
        return line
    return line[:MAX_PROPERTY_LENGTH - 1].rstrip() + "…"


def set_properties(word: WordDocument, info: DocumentInfo) -> None:
    """Title, subject, author, keywords, language and dates of the file."""
    properties = word.core_properties
    now = datetime.now(UTC).replace(microsecond=0)
    # the same user text as in the body: made fit for XML (the body's cleaning reports it),
    # and shortened to what Word allows in a property (the title page keeps the whole text)
    properties.title = property_text(info.title)
    properties.subject = property_text(info.subject)
    properties.author = property_text(info.author)
    properties.last_modified_by = property_text(info.author)
    properties.keywords = property_text(", ".join(info.keywords))
    properties.language = "fr-FR"
    properties.created = now
    properties.modified = now
    properties.revision = 1


def set_french(word: WordDocument) -> None:
    """French (fr-FR) as the language of the default run properties and of every style."""
    styles = word.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    r_pr_default = defaults.find(qn("w:rPrDefault"))
    if r_pr_default is None:
        r_pr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, r_pr_default)
    r_pr = r_pr_default.find(qn("w:rPr"))
    if r_pr is None:
        r_pr = OxmlElement("w:rPr")
        r_pr_default.append(r_pr)
    if r_pr.find(qn("w:lang")) is None:
        lang = OxmlElement("w:lang")
        successor = next(
            (r_pr.find(qn(tag)) for tag in ("w:eastAsianLayout", "w:specVanish", "w:oMath")
             if r_pr.find(qn(tag)) is not None),
            None,
        )  # fmt: skip
        if successor is None:
            r_pr.append(lang)
        else:
            successor.addprevious(lang)
    for lang in styles.iter(qn("w:lang")):
        lang.set(qn("w:val"), "fr-FR")


def keep_manual_breaks_unstretched(word: WordDocument) -> None:
    """A justified line that ends with a manual line break keeps normal word spacing.

    Check-box lines (`□ …`) and addresses are written as one paragraph with line breaks;
    without this compatibility option Word and LibreOffice stretch each of those lines.
    """
    settings = word.settings.element
    compat = settings.find(qn("w:compat"))
    if compat is None:
        compat = OxmlElement("w:compat")
        successor = next(
            (child for child in settings
             if child.tag in {qn(t) for t in _AFTER_UPDATE_FIELDS[4:]}),
            None,
        )  # fmt: skip
        if successor is None:
            settings.append(compat)
        else:
            successor.addprevious(compat)
    if compat.find(qn("w:doNotExpandShiftReturn")) is not None:
        return
    earlier = {qn(t) for t in ("w:spaceForUL", "w:balanceSingleByteDoubleByteWidth",
                               "w:doNotLeaveBackslashAlone", "w:ulTrailSpace")}
    option = OxmlElement("w:doNotExpandShiftReturn")
    following = next((child for child in compat if child.tag not in earlier), None)
    if following is None:
        compat.append(option)
    else:
        following.addprevious(option)


def set_update_fields(word: WordDocument) -> None:
    """Ask Word to refresh fields (the table of contents) when it opens the file."""
    settings = word.settings.element
    existing = settings.find(qn("w:updateFields"))
    if existing is None:
        existing = OxmlElement("w:updateFields")
        successor = next(
            (child for child in settings if child.tag in {qn(t) for t in _AFTER_UPDATE_FIELDS}),
            None,
        )
        if successor is None:
            settings.append(existing)
        else:
            successor.addprevious(existing)
    existing.set(qn("w:val"), "true")


def save_atomically(word: WordDocument, out: Path) -> None:
    """Save to a temporary file next to `out`, then rename it over `out`."""
    if out.is_dir():
        raise ExportError([f"« {out} » est un dossier : indiquez un nom de fichier .docx."])
    if not out.parent.is_dir():
        raise ExportError([f"Le dossier « {out.parent} » n’existe pas : créez-le d’abord."])
    temporary = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(temporary, "xb") as stream:
            word.save(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, out)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise ExportError(
            [f"Impossible d’écrire « {out} » : {error.strerror or error}."]
        ) from error
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
