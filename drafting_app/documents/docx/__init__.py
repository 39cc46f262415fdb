"""Blocks to .docx on a Word layout: real numbering, TOC field, header/footer, properties."""

from __future__ import annotations

import os
import re
import tomllib
import uuid
import warnings
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any, cast

import docx
from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import XmlPart
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from docx.parts.hdrftr import FooterPart, HeaderPart
from docx.shared import Cm, Length, Pt, Twips
from docx.styles.style import ParagraphStyle
from docx.text.paragraph import Paragraph as WordParagraph

from drafting_app.documents.blocks import (
    Document,
    DocumentInfo,
    Heading,
    Inline,
    ListItem,
    PageBreak,
    Paragraph,
    Run,
    Table,
    TableOfContents,
    plain_text,
)

DEFAULT_STYLES: Mapping[str, str] = MappingProxyType(
    {
        "title_buyer": "Acheteur (page de titre)",
        "title": "Title",
        "subtitle": "Subtitle",
        "title_reference": "Référence (page de titre)",
        "toc_heading": "TOC Heading",
        "toc1": "toc 1",
        "toc2": "toc 2",
        "toc3": "toc 3",
        "heading1": "Heading 1",
        "heading2": "Heading 2",
        "heading3": "Heading 3",
        "body": "Body Text",
        "note": "Note de rédaction",
        "list_bullet": "List Bullet",
        "list_number": "List Number",
        "table": "Tableau Clausier",
        "table_text": "Texte de tableau",
        "header": "Header",
        "footer": "Footer",
    }
)
"""Block kinds -> Word style names, used for every key a layout's styles.toml leaves out."""

# Kinds whose style may be missing from a layout: the exporter then uses the Normal style.
_OPTIONAL_KINDS = frozenset({"toc1", "toc2", "toc3", "header", "footer"})

# What each kind is for, to name it in French messages.
_KIND_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "title_buyer": "acheteur sur la page de titre",
        "title": "titre du document",
        "subtitle": "sous-titre (objet)",
        "title_reference": "référence sur la page de titre",
        "toc_heading": "titre du sommaire",
        "toc1": "sommaire, niveau 1",
        "toc2": "sommaire, niveau 2",
        "toc3": "sommaire, niveau 3",
        "heading1": "articles (titres de niveau 1)",
        "heading2": "titres de niveau 2",
        "heading3": "titres de niveau 3",
        "body": "texte courant",
        "note": "notes de rédaction",
        "list_bullet": "listes à puces",
        "list_number": "listes numérotées",
        "table": "tableaux",
        "table_text": "texte des tableaux",
        "header": "en-tête",
        "footer": "pied de page",
    }
)

TOC_TITLE = "Sommaire"
TOC_INSTRUCTION = ' TOC \\o "1-3" \\h \\z \\u '
TOC_PLACEHOLDER = (
    "Le sommaire se met à jour à l’ouverture du document "
    "(sinon : clic droit, « Mettre à jour les champs »)."
)
REFERENCE_LABEL = "Référence\u00a0: "

# Header/footer tags a layout may contain, and the DocumentInfo field each one shows.
_TAG_FIELDS: Mapping[str, str] = MappingProxyType(
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
_NUMERIC = re.compile(r"^[-+−–]?\s*[\d\s\u00a0\u202f.,]*\d[\d\s\u00a0\u202f.,]*\s*[%€$£]?\s*$")
_TAG = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")

# Characters XML 1.0 cannot hold at all: removed, and reported with a warning.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# w:settings children that must come after w:updateFields (ECMA-376 schema order).
_AFTER_UPDATE_FIELDS = (
    "w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat", "w:docVars", "w:rsids",
    "m:mathPr", "w:attachedSchema", "w:themeFontLang", "w:clrSchemeMapping",
    "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures", "w:forceUpgrade",
    "w:captions", "w:readModeInkLockDown", "w:smartTagType", "sl:schemaLibrary",
    "w:shapeDefaults", "w:doNotEmbedSmartTags", "w:decimalSymbol", "w:listSeparator",
)  # fmt: skip


AFTER_TABLE = Pt(8)
# Heights of empty table rows: space to write in, and the space for a signature.
WRITING_ROW = Cm(1)
# A table of at most this many rows (header included) is kept on one page.
KEEP_TOGETHER_ROWS = 15
# Table text is 10 pt: the width of an average character, and a cell's margins (EMU).
_CHARACTER = int(Cm(0.2))
_CELL_PADDING = int(Cm(0.45))
SIGNATURE_ROW = Cm(2.5)


class ExportError(Exception):
    """The document could not be exported; `problems` are messages in French."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


class LayoutError(ExportError):
    """The Word layout (.docx and its styles.toml) is missing, unreadable or incomplete."""


class RemovedCharactersWarning(UserWarning):
    """Characters that a Word file cannot hold were removed from the text."""


@dataclass(frozen=True)
class Layout:
    """A Word layout: the .docx giving the page design, and block kinds -> its style names."""

    path: Path
    styles: Mapping[str, str]


def load_layout(path: Path) -> Layout:
    """Read a layout .docx and the styles.toml next to it; raise LayoutError if unusable."""
    styles, problems = _inspect_layout(path)
    if problems:
        raise LayoutError(problems)
    return Layout(path=path, styles=MappingProxyType(styles))


def check_layout(path: Path) -> list[str]:
    """What a layout lacks (styles, numbering…), in French; LayoutError if it cannot be read."""
    return _inspect_layout(path, raise_unreadable=True)[1]


def export_docx(document: Document, out: Path, layout: Layout) -> None:
    """Write `document` as a .docx on `layout`, atomically (temp file, then os.replace)."""
    problems = _check_blocks(document, layout)
    if problems:
        raise ExportError(problems)
    word = _open_word(layout.path)
    styles = _resolve_styles(word, layout)
    text = _Text()
    _clear_body(word)
    writer = _BodyWriter(word, styles, text)
    writer.prepare_toc(document.blocks)
    writer.title_page(document.info)
    for block in document.blocks:
        writer.block(block)
    _fill_headers_and_footers(word, document.info, styles, text)
    _set_properties(word, document.info)
    _set_french(word)
    _keep_manual_breaks_unstretched(word)
    if any(isinstance(block, TableOfContents) for block in document.blocks):
        _set_update_fields(word)
    if text.removed:
        warnings.warn(text.removed_message(), RemovedCharactersWarning, stacklevel=2)
    _save_atomically(word, out)


# --- layout -------------------------------------------------------------------------------------


def _open_word(path: Path) -> WordDocument:
    """The layout as a python-docx Document; every failure becomes a LayoutError."""
    where = f"La mise en page « {path} »"
    if not path.exists():
        raise LayoutError(
            [f"{where} est introuvable : vérifiez le chemin ou choisissez une autre mise en page."]
        )
    if path.is_dir():
        raise LayoutError([f"{where} est un dossier : indiquez le fichier .docx lui-même."])
    try:
        with path.open("rb"):
            pass
    except OSError as error:
        raise LayoutError(
            [f"{where} ne peut pas être lue ({error.strerror}) : vérifiez les droits du fichier."]
        ) from error
    if not zipfile.is_zipfile(path):
        raise LayoutError(
            [
                f"{where} n’est pas un fichier Word .docx (fichier endommagé ou d’un autre "
                "format) : ouvrez-la dans Word ou LibreOffice et enregistrez-la au format .docx."
            ]
        )
    try:
        return docx.Document(str(path))
    except ValueError as error:
        if "content type" in str(error):
            raise LayoutError(
                [
                    f"{where} n’est pas un document .docx (modèle .dotx ou .docm ?) : "
                    "ouvrez-la dans Word ou LibreOffice et enregistrez-la au format .docx."
                ]
            ) from error
        raise _corrupt(where, error) from error
    except Exception as error:  # python-docx, zipfile and lxml raise many kinds of errors
        raise _corrupt(where, error) from error


def _corrupt(where: str, error: Exception) -> LayoutError:
    detail = str(error) or type(error).__name__
    return LayoutError(
        [
            f"{where} est endommagée et ne peut pas être ouverte ({detail}) : "
            "ouvrez-la dans Word ou LibreOffice et enregistrez-la à nouveau au format .docx."
        ]
    )


def _inspect_layout(
    path: Path, *, raise_unreadable: bool = False
) -> tuple[dict[str, str], list[str]]:
    """The style mapping of a layout and every problem found in it, collected, not stopped at."""
    styles, problems = _read_styles_toml(path.parent / "styles.toml")
    try:
        word = _open_word(path)
    except LayoutError as error:
        if raise_unreadable:
            raise LayoutError(error.problems + problems) from error
        return styles, error.problems + problems
    try:
        styles_element = cast(XmlPart, word.part.part_related_by(RT.STYLES)).element
    except KeyError:
        return styles, [
            *problems,
            f"La mise en page « {path} » n’a aucun style : utilisez "
            "un .docx enregistré par Word ou LibreOffice.",
        ]
    numbering = _numbering_element(word)
    for kind, name in styles.items():
        problems.extend(_style_problems(path, kind, name, styles_element, numbering))
    for part in _header_footer_parts(word):
        for paragraph in part.element.iter(qn("w:p")):
            for match in _TAG.finditer(_paragraph_text(paragraph)):
                if _tag_key(match.group(1)) not in _TAG_FIELDS:
                    known = ", ".join(
                        "{{" + tag + "}}" for tag in _TAG_FIELDS if tag != "reference"
                    )
                    problems.append(
                        f"L’en-tête ou le pied de page de « {path} » contient la balise inconnue "
                        f"{match.group(0)} : balises possibles : {known}."
                    )
    return styles, problems


def _read_styles_toml(path: Path) -> tuple[dict[str, str], list[str]]:
    """DEFAULT_STYLES overridden by the [styles] table of `path`, if that file exists."""
    styles = dict(DEFAULT_STYLES)
    if not path.exists():
        return styles, []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        return styles, [f"« {path} » ne peut pas être lu ({error}) : vérifiez le fichier."]
    except tomllib.TOMLDecodeError as error:
        return styles, [f"« {path} » n’est pas un fichier TOML valide ({error}) : corrigez-le."]
    problems = [
        f"« {path} » : section [{key}] inconnue ; seule la section [styles] est lue."
        for key in data
        if key != "styles"
    ]
    table = data.get("styles", {})
    if not isinstance(table, dict):
        return styles, [*problems, f"« {path} » : « styles » doit être une section [styles]."]
    for kind, name in table.items():
        if kind not in DEFAULT_STYLES:
            known = ", ".join(DEFAULT_STYLES)
            problems.append(f"« {path} » : clé inconnue « {kind} » ; clés possibles : {known}.")
        elif not isinstance(name, str) or not name.strip():
            problems.append(f"« {path} » : la clé « {kind} » doit être un nom de style (texte).")
        else:
            styles[kind] = name
    return styles, problems


def _style_problems(
    path: Path, kind: str, name: str, styles_element: Any, numbering: Any
) -> list[str]:
    label = f"« {name} » ({_KIND_LABELS[kind]}, clé {kind} de styles.toml)"
    element = _find_style(styles_element, name)
    if element is None:
        if kind in _OPTIONAL_KINDS:
            return []
        return [
            f"La mise en page « {path} » n’a pas de style {label} : ajoutez ce style dans Word "
            "ou indiquez un autre nom dans styles.toml."
        ]
    wanted = "table" if kind == "table" else "paragraph"
    if element.get(qn("w:type"), "paragraph") != wanted:
        what = "de tableau" if wanted == "table" else "de paragraphe"
        return [f"Dans « {path} », le style {label} n’est pas un style {what}."]
    if kind in ("heading1", "heading2", "heading3", "list_bullet", "list_number"):
        level = _style_level(styles_element, numbering, element)
        if level is None:
            what = (
                "une liste à plusieurs niveaux (Article 1 –, 1.1, 1.1.1)"
                if kind.startswith("heading")
                else "une liste à puces"
                if kind == "list_bullet"
                else "une liste numérotée"
            )
            return [
                f"Dans « {path} », le style {label} n’a pas de numérotation automatique : "
                f"associez-le dans Word à {what} (la numérotation ne s’écrit pas dans le texte)."
            ]
        is_bullet = level.fmt == "bullet"
        if kind == "list_bullet" and not is_bullet:
            return [f"Dans « {path} », le style {label} est numéroté au lieu d’avoir des puces."]
        if kind != "list_bullet" and is_bullet:
            return [f"Dans « {path} », le style {label} a des puces au lieu d’être numéroté."]
    return []


def _find_style(styles_element: Any, name: str) -> Any:
    """The w:style element named `name` (case-insensitive, as Word compares), or None."""
    wanted = name.casefold()
    for element in styles_element.iterchildren(qn("w:style")):
        name_element = element.find(qn("w:name"))
        if name_element is not None and name_element.get(qn("w:val"), "").casefold() == wanted:
            return element
    return None


def _numbering_element(word: WordDocument) -> Any:
    """The w:numbering element of the layout, or None when it has no numbering part."""
    try:
        return cast(XmlPart, word.part.part_related_by(RT.NUMBERING)).element
    except KeyError:
        return None


# --- numbering ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Level:
    """One level of a Word list: where it points to and how its number reads."""

    num_id: int
    abstract_id: str
    ilvl: int
    start: int
    fmt: str
    text: str
    suffix: str


def _style_level(styles_element: Any, numbering: Any, style: Any) -> _Level | None:
    """The list level a paragraph style is bound to (following basedOn), or None."""
    seen: set[str] = set()
    num_id: int | None = None
    ilvl: int | None = None
    while style is not None and style.get(qn("w:styleId"), "") not in seen:
        seen.add(style.get(qn("w:styleId"), ""))
        num_pr = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        if num_pr is not None:
            if num_id is None:
                num_id = _int_val(num_pr.find(qn("w:numId")))
            if ilvl is None:
                ilvl = _int_val(num_pr.find(qn("w:ilvl")))
        if num_id is not None:
            break
        based_on = style.find(qn("w:basedOn"))
        if based_on is None:
            break
        style = _style_by_id(styles_element, based_on.get(qn("w:val")))
    if not num_id:
        return None
    return _list_level(styles_element, numbering, num_id, ilvl or 0)


def _list_level(styles_element: Any, numbering: Any, num_id: int, ilvl: int) -> _Level | None:
    """Level `ilvl` of list `num_id` as numbering.xml defines it, or None if undefined."""
    abstract_id = _num_abstract_id(numbering, num_id)
    if abstract_id is None:
        return None
    lvl = _abstract_lvl(styles_element, numbering, abstract_id, ilvl)
    if lvl is None:
        return None
    text = lvl.find(qn("w:lvlText"))
    suffix = lvl.find(qn("w:suff"))
    fmt = lvl.find(qn("w:numFmt"))
    start = _int_val(lvl.find(qn("w:start")))
    return _Level(
        num_id=num_id,
        abstract_id=abstract_id,
        ilvl=ilvl,
        start=0 if start is None else start,
        fmt="decimal" if fmt is None else fmt.get(qn("w:val"), "decimal"),
        text="" if text is None else text.get(qn("w:val"), ""),
        suffix="tab" if suffix is None else suffix.get(qn("w:val"), "tab"),
    )


def _num_abstract_id(numbering: Any, num_id: int) -> str | None:
    """The abstract list a w:num points to, or None."""
    if numbering is None:
        return None
    for num in numbering.iterchildren(qn("w:num")):
        if num.get(qn("w:numId")) == str(num_id):
            abstract = num.find(qn("w:abstractNumId"))
            return None if abstract is None else abstract.get(qn("w:val"))
    return None


def _abstract_lvl(styles_element: Any, numbering: Any, abstract_id: str, ilvl: int) -> Any:
    """The w:lvl element `ilvl` of abstract list `abstract_id`, or None.

    Word often defines a multilevel list through a list style: the abstract list then only
    holds a w:numStyleLink to that style, whose own numbering leads to the real levels.
    """
    for _hop in range(4):
        abstract = next(
            (a for a in numbering.iterchildren(qn("w:abstractNum"))
             if a.get(qn("w:abstractNumId")) == abstract_id),
            None,
        )  # fmt: skip
        if abstract is None:
            return None
        for lvl in abstract.iterchildren(qn("w:lvl")):
            if lvl.get(qn("w:ilvl")) == str(ilvl):
                return lvl
        link = abstract.find(qn("w:numStyleLink"))
        list_style = None if link is None else _style_by_id(styles_element, link.get(qn("w:val")))
        num_pr = None if list_style is None else list_style.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        num_id = None if num_pr is None else _int_val(num_pr.find(qn("w:numId")))
        linked = None if num_id is None else _num_abstract_id(numbering, num_id)
        if linked is None:
            return None
        abstract_id = linked
    return None


def _style_by_id(styles_element: Any, style_id: str | None) -> Any:
    """The w:style element with this styleId, or None."""
    return next(
        (s for s in styles_element.iterchildren(qn("w:style"))
         if s.get(qn("w:styleId")) == style_id),
        None,
    )  # fmt: skip


def _int_val(element: Any) -> int | None:
    if element is None:
        return None
    try:
        return int(element.get(qn("w:val"), ""))
    except ValueError:
        return None


def _format_number(value: int, fmt: str) -> str:
    """A list counter as Word shows it for the usual number formats."""
    if fmt in ("none", "bullet"):
        return ""
    if fmt in ("upperRoman", "lowerRoman"):
        roman = _roman(value)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt in ("upperLetter", "lowerLetter"):
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1) if value > 0 else ""
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt == "decimalZero":
        return f"{value:02d}"
    return str(value)


def _roman(value: int) -> str:
    numerals = (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    )  # fmt: skip
    out = []
    for amount, numeral in numerals:
        count, value = divmod(value, amount)
        out.append(numeral * count)
    return "".join(out)


class _HeadingNumbers:
    """The numbers Word will show on headings, for the table of contents' cached entries."""

    def __init__(
        self, styles_element: Any, numbering: Any, levels: Mapping[int, _Level | None]
    ) -> None:
        self._styles_element = styles_element
        self._numbering = numbering
        self._levels = levels
        self._counters: dict[str, dict[int, int]] = {}

    def next(self, heading: Heading) -> str:
        """The number label of `heading` with its separator, or "" when not numbered."""
        level = self._levels.get(heading.level)
        if level is None or not heading.numbered:
            return ""
        counters = self._counters.setdefault(level.abstract_id, {})
        counters[level.ilvl] = counters.get(level.ilvl, level.start - 1) + 1
        for deeper in [ilvl for ilvl in counters if ilvl > level.ilvl]:
            del counters[deeper]

        def replace(match: re.Match[str]) -> str:
            ilvl = int(match.group(1)) - 1
            defined = _list_level(self._styles_element, self._numbering, level.num_id, ilvl)
            start = defined.start if defined else 1
            return _format_number(counters.get(ilvl, start), defined.fmt if defined else "decimal")

        label = re.sub(r"%([1-9])", replace, level.text)
        return label + ("" if level.suffix == "nothing" or not label else " ")


# --- text ---------------------------------------------------------------------------------------


class _Text:
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


def _one_line(text: str) -> str:
    """`text` fit for XML on one line (for TOC entries and headers); nothing is recorded."""
    return " ".join(_XML_INVALID.sub("", text).split("\n")).replace("\r", " ")


def _paragraph_text(paragraph: Any) -> str:
    return "".join(t.text or "" for t in _own_texts(paragraph))


def _own_texts(paragraph: Any) -> list[Any]:
    """The w:t of `paragraph` itself, not those of paragraphs nested in it (text boxes)."""
    return [
        t for t in paragraph.iter(qn("w:t")) if next(t.iterancestors(qn("w:p")), None) is paragraph
    ]


def _tag_key(name: str) -> str:
    return name.strip().casefold()


# --- body ---------------------------------------------------------------------------------------


def _check_blocks(document: Document, layout: Layout) -> list[str]:
    """Problems in the blocks themselves, all of them, before anything is written."""
    problems = []
    for index, block in enumerate(document.blocks, start=1):
        where = f"Bloc {index}"
        if isinstance(block, Heading) and block.level not in (1, 2, 3):
            problems.append(f"{where} : niveau de titre {block.level} impossible (1 à 3).")
        elif isinstance(block, ListItem) and not 0 <= block.level <= 8:
            problems.append(f"{where} : niveau de liste {block.level} impossible (0 à 8).")
        elif isinstance(block, Paragraph) and (
            block.style not in layout.styles or block.style == "table"
        ):
            problems.append(
                f"{where} : style de paragraphe « {block.style} » inconnu de la mise en page "
                f"« {layout.path} » : ajoutez-le à styles.toml."
            )
        elif isinstance(block, Table):
            if not block.header:
                problems.append(f"{where} : tableau sans colonne.")
            for number, row in enumerate(block.rows, start=1):
                if len(row) != len(block.header):
                    problems.append(
                        f"{where} : la ligne {number} du tableau a {len(row)} cellule(s) "
                        f"au lieu de {len(block.header)}."
                    )
    return problems


def _resolve_styles(word: WordDocument, layout: Layout) -> dict[str, ParagraphStyle | None]:
    """Block kind -> python-docx style of the layout (None: optional style left out)."""
    resolved: dict[str, ParagraphStyle | None] = {}
    problems = []
    by_name: dict[tuple[str, WD_STYLE_TYPE], ParagraphStyle] = {}
    for style in word.styles:
        if not isinstance(style, ParagraphStyle):  # table styles are ParagraphStyle too
            continue
        for name in (style.element.name_val or "", style.name or ""):
            by_name.setdefault((name.casefold(), style.type), style)
    for kind, name in layout.styles.items():
        wanted = WD_STYLE_TYPE.TABLE if kind == "table" else WD_STYLE_TYPE.PARAGRAPH
        style = by_name.get((name.casefold(), wanted))
        if style is None and kind not in _OPTIONAL_KINDS:
            problems.append(
                f"La mise en page « {layout.path} » n’a pas de style « {name} » utilisable "
                f"pour {_KIND_LABELS.get(kind, kind)} : lancez « clausier templates check »."
            )
        resolved[kind] = style
    if problems:
        raise LayoutError(problems)
    return resolved


def _clear_body(word: WordDocument) -> None:
    """Remove the layout's body content, keeping the final section properties."""
    body = word.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


class _BodyWriter:
    """Appends blocks to the body, in order, with the layout's styles and numbering."""

    def __init__(
        self, word: WordDocument, styles: Mapping[str, ParagraphStyle | None], text: _Text
    ) -> None:
        self._word = word
        self._styles = styles
        self._text = text
        self._numbering = _numbering_element(word)
        styles_element = word.styles.element
        self._heading_levels: dict[int, _Level | None] = {}
        for level in (1, 2, 3):
            style = styles[f"heading{level}"]
            if style is not None:
                self._heading_levels[level] = _style_level(
                    styles_element, self._numbering, style.element
                )
        self._list_styles = {
            ordered: styles["list_number" if ordered else "list_bullet"]
            for ordered in (False, True)
        }
        self._page_break_pending = False
        self._last_was_table = False
        self._last_paragraph: WordParagraph | None = None
        self._ordered_nums: dict[tuple[int, int], int] = {}
        self._list_segments: dict[int, int] = {}
        self._toc_entries: list[tuple[int, str]] = []

    # Blocks

    def title_page(self, info: DocumentInfo) -> None:
        """Buyer, title, subtitle and reference, then a page break."""
        if info.buyer:
            self._paragraph("title_buyer", (Run(info.buyer),))
        self._paragraph("title", (Run(info.title),))
        if info.subtitle:
            self._paragraph("subtitle", (Run(info.subtitle),))
        if info.reference:
            self._paragraph("title_reference", (Run(REFERENCE_LABEL + info.reference),))
        self._page_break_pending = True

    def block(self, block: object) -> None:
        """Append one block."""
        if isinstance(block, Heading):
            self._heading(block)
        elif isinstance(block, Paragraph):
            self._paragraph(block.style, block.runs)
        elif isinstance(block, ListItem):
            self._list_item(block)
        elif isinstance(block, Table):
            self._table(block)
        elif isinstance(block, PageBreak):
            self._page_break_pending = True
        elif isinstance(block, TableOfContents):
            self._table_of_contents()
        else:  # pragma: no cover - Block is a closed union
            raise TypeError(f"bloc inconnu : {block!r}")

    def prepare_toc(self, blocks: tuple[object, ...]) -> None:
        """Compute the cached TOC entries (number and text of every heading)."""
        numbers = _HeadingNumbers(self._word.styles.element, self._numbering, self._heading_levels)
        self._toc_entries = [
            (block.level, numbers.next(block) + _one_line(plain_text(block.runs)))
            for block in blocks
            if isinstance(block, Heading)
        ]

    def _heading(self, heading: Heading) -> None:
        paragraph = self._paragraph(f"heading{heading.level}", heading.runs)
        if not heading.numbered:
            _set_num_pr(paragraph, num_id=0, ilvl=None)

    def _list_item(self, item: ListItem) -> None:
        introduction = self._last_paragraph
        if introduction is not None and introduction.text.rstrip().endswith(":"):
            # "… les modalités suivantes :" stays on the page of the list's first item
            introduction.paragraph_format.keep_with_next = True
        style = self._list_styles[item.ordered]
        level = (
            _style_level(self._word.styles.element, self._numbering, style.element)
            if style is not None
            else None
        )
        if level is None:
            kind = "list_number" if item.ordered else "list_bullet"
            raise LayoutError(
                [f"Le style des {_KIND_LABELS[kind]} de la mise en page n’a pas de numérotation "
                 "automatique : lancez « clausier templates check »."]
            )  # fmt: skip
        if not item.ordered and item.level == 0:
            # A new bulleted parent: ordered sub-items below it count again from 1.
            self._list_segments[item.list_id] = self._list_segments.get(item.list_id, 0) + 1
        num_id = level.num_id
        if item.ordered:
            key = (item.list_id, self._list_segments.get(item.list_id, 0))
            if key not in self._ordered_nums:
                self._ordered_nums[key] = self._restarted_num(level.abstract_id)
            num_id = self._ordered_nums[key]
        paragraph = self._paragraph("list_number" if item.ordered else "list_bullet", item.runs)
        _set_num_pr(paragraph, num_id=num_id, ilvl=item.level)

    def _restarted_num(self, abstract_id: str) -> int:
        """A new w:num on the list definition, every level starting again from its start."""
        numbering = self._numbering
        used = [int(n.get(qn("w:numId"), "0")) for n in numbering.iterchildren(qn("w:num"))]
        num_id = max(used, default=0) + 1
        num = OxmlElement("w:num", {qn("w:numId"): str(num_id)})
        num.append(OxmlElement("w:abstractNumId", {qn("w:val"): abstract_id}))
        for ilvl in range(9):
            override = OxmlElement("w:lvlOverride", {qn("w:ilvl"): str(ilvl)})
            lvl = _abstract_lvl(self._word.styles.element, numbering, abstract_id, ilvl)
            value = (_int_val(lvl.find(qn("w:start"))) if lvl is not None else None) or 1
            override.append(OxmlElement("w:startOverride", {qn("w:val"): str(value)}))
            num.append(override)
        # w:num elements follow every w:abstractNum and precede w:numIdMacAtCleanup.
        cleanup = numbering.find(qn("w:numIdMacAtCleanup"))
        if cleanup is not None:
            cleanup.addprevious(num)
        else:
            numbering.append(num)
        return num_id

    def _table(self, table: Table) -> None:
        introduction = self._last_paragraph
        signature = bool(table.rows) and not any(plain_text(c).strip() for c in table.rows[-1])
        if (introduction is not None and not self._page_break_pending
                and (signature or introduction.text.rstrip().endswith(":"))):
            # "… comme suit :" belongs on the same page as the table it introduces, and
            # "Fait à …, le …" on the same page as the signatures.
            introduction.paragraph_format.keep_with_next = True
        if self._page_break_pending:
            # A table cannot carry "page break before": a tiny empty paragraph does.
            spacer = self._paragraph("body", ())
            spacer.paragraph_format.space_after = Pt(0)
            spacer.paragraph_format.line_spacing = Pt(1)
        elif self._last_was_table:
            # Two adjacent tables would merge into one: keep an empty paragraph between them.
            self._paragraph("body", ())
        rows = (table.header, *table.rows)
        word_table = self._word.add_table(rows=len(rows), cols=len(table.header))
        widths = _column_widths(table, _text_width(self._word))
        numeric = _numeric_columns(table)
        for column, width in zip(word_table.columns, widths, strict=True):
            column.width = width
        word_table.style = self._styles["table"]
        tbl_pr = word_table._tbl.tblPr
        _set_child(tbl_pr, "w:tblW", {"w:type": "pct", "w:w": "5000"})
        _set_child(
            tbl_pr,
            "w:tblLook",
            {"w:val": "0620", "w:firstRow": "1", "w:lastRow": "0", "w:firstColumn": "0",
             "w:lastColumn": "0", "w:noHBand": "1", "w:noVBand": "1"},
        )  # fmt: skip
        for row_index, (cells, word_row) in enumerate(zip(rows, word_table.rows, strict=True)):
            tr_pr = word_row._tr.get_or_add_trPr()
            tr_pr.append(OxmlElement("w:cantSplit"))
            if row_index == 0:
                tr_pr.append(OxmlElement("w:tblHeader"))
            elif not any(plain_text(cell).strip() for cell in cells):
                # An empty row is room to write in: a signature when it ends the table.
                last = row_index == len(rows) - 1
                word_row.height = SIGNATURE_ROW if last else WRITING_ROW
                word_row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
            keep_together = len(rows) <= KEEP_TOGETHER_ROWS and row_index < len(rows) - 1
            for column, (runs, cell) in enumerate(zip(cells, word_row.cells, strict=True)):
                cell.width = widths[column]
                paragraph = cell.paragraphs[0]
                self._style(paragraph, "table_text")
                if numeric[column]:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                if keep_together:
                    # a short table stays on one page: each row keeps with the next
                    paragraph.paragraph_format.keep_with_next = True
                self._runs(paragraph, runs, bold=row_index == 0)
        self._last_was_table = True
        self._last_paragraph = None

    def _table_of_contents(self) -> None:
        heading = self._paragraph("toc_heading", (Run(TOC_TITLE),))
        _set_num_pr(heading, num_id=0, ilvl=None)
        # The field's cached result lists the headings (without page numbers), so that a
        # reader that does not refresh fields still shows a useful table of contents.
        entries = self._toc_entries or [(0, TOC_PLACEHOLDER)]
        paragraph = None
        for index, (level, text) in enumerate(entries):
            paragraph = self._word.add_paragraph()
            self._style(paragraph, f"toc{level}" if level else "body")
            if index == 0:
                begin = _fld_char("begin")
                begin[0].set(qn("w:dirty"), "true")
                paragraph._p.append(begin)
                paragraph._p.append(_instr_text(TOC_INSTRUCTION))
                paragraph._p.append(_fld_char("separate"))
            paragraph.add_run(text)
        assert paragraph is not None
        paragraph._p.append(_fld_char("end"))
        self._last_was_table = False

    # Paragraphs and runs

    def _paragraph(self, kind: str, runs: Inline) -> WordParagraph:
        paragraph = self._word.add_paragraph()
        self._style(paragraph, kind)
        if self._page_break_pending:
            paragraph.paragraph_format.page_break_before = True
            self._page_break_pending = False
        elif self._last_was_table and runs:
            # Word puts no space under a table: give the text that follows room to breathe.
            paragraph.paragraph_format.space_before = AFTER_TABLE
        self._runs(paragraph, runs)
        self._last_was_table = False
        self._last_paragraph = paragraph
        return paragraph

    def _style(self, paragraph: WordParagraph, kind: str) -> None:
        style = self._styles.get(kind)
        if style is not None:
            paragraph.style = style

    def _runs(self, paragraph: WordParagraph, runs: Inline, *, bold: bool = False) -> None:
        for run in runs:
            word_run = paragraph.add_run(self._text.clean(run.text))
            if run.bold or bold:
                word_run.bold = True
            if run.italic:
                word_run.italic = True


def _text_width(word: WordDocument) -> Length:
    """The width between the margins of the (last) section; 16 cm when the layout is silent."""
    section = word.sections[-1]
    if section.page_width is None or section.left_margin is None or section.right_margin is None:
        return Twips(9072)
    return Length(section.page_width - section.left_margin - section.right_margin)


def _column_widths(table: Table, total: Length) -> list[Length]:
    """Column widths from their content: no word is ever cut, the rest shared by need.

    Each column gets at least the width of its longest word (a "N°" or "Total" column stays
    narrow but readable); the width left is shared in proportion to what each column would
    need to hold its longest cell on one line.
    """
    smallest: list[int] = []
    wanted: list[int] = []
    for column in range(len(table.header)):
        texts = [plain_text(row[column]) for row in (table.header, *table.rows)]
        longest_word = max((len(word) for text in texts for word in text.split()), default=1)
        longest_cell = max((len(text) for text in texts), default=1)
        if table.rows and not any(text.strip() for text in texts[1:]):
            longest_cell = max(longest_cell, 30)  # an empty column is filled in by hand
        smallest.append(_CELL_PADDING + longest_word * _CHARACTER)
        wanted.append(_CELL_PADDING + min(max(longest_cell, longest_word), 60) * _CHARACTER)
    room = int(total)
    if sum(smallest) >= room:
        shares = [room * width // sum(smallest) for width in smallest]
    elif sum(wanted) <= room:
        shares = [room * width // sum(wanted) for width in wanted]
    else:
        spare = room - sum(smallest)
        extra = [want - least for want, least in zip(wanted, smallest, strict=True)]
        shares = [
            least + spare * more // max(sum(extra), 1)
            for least, more in zip(smallest, extra, strict=True)
        ]
    widths = [Length(share) for share in shares]
    widths[-1] = Length(room - sum(widths[:-1]))
    return widths


def _numeric_columns(table: Table) -> list[bool]:
    """Columns whose cells are all numbers or amounts: they are right-aligned."""
    return [
        bool(table.rows) and all(_NUMERIC.match(plain_text(row[column])) for row in table.rows)
        for column in range(len(table.header))
    ]


def _set_num_pr(paragraph: WordParagraph, *, num_id: int, ilvl: int | None) -> None:
    """Direct numbering on a paragraph; numId 0 switches the style's numbering off."""
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    if ilvl is not None:
        num_pr.get_or_add_ilvl().val = ilvl
    num_pr.get_or_add_numId().val = num_id


def _set_child(parent: Any, tag: str, attributes: Mapping[str, str]) -> None:
    """Set the attributes of `parent`'s child `tag`, creating it if needed."""
    child = parent.find(qn(tag))
    if child is None:  # python-docx writes both tblW and tblLook, in schema order
        child = OxmlElement(tag)
        parent.append(child)
    for key in list(child.attrib):
        del child.attrib[key]
    for key, value in attributes.items():
        child.set(qn(key), value)


def _fld_char(kind: str) -> Any:
    run = OxmlElement("w:r")
    run.append(OxmlElement("w:fldChar", {qn("w:fldCharType"): kind}))
    return run


def _instr_text(instruction: str) -> Any:
    run = OxmlElement("w:r")
    instr = OxmlElement("w:instrText", {qn("xml:space"): "preserve"})
    instr.text = instruction
    run.append(instr)
    return run


def _field(paragraph: WordParagraph, instruction: str, placeholder: str) -> None:
    """A complex field (PAGE, NUMPAGES…) with a cached result, at the end of `paragraph`."""
    p = paragraph._p
    p.append(_fld_char("begin"))
    p.append(_instr_text(f" {instruction} "))
    p.append(_fld_char("separate"))
    paragraph.add_run(placeholder)
    p.append(_fld_char("end"))


# --- header and footer --------------------------------------------------------------------------


def _header_footer_parts(word: WordDocument) -> Iterator[HeaderPart | FooterPart]:
    for part in word.part.package.iter_parts():
        if isinstance(part, HeaderPart | FooterPart):
            yield part


def _fill_headers_and_footers(
    word: WordDocument, info: DocumentInfo, styles: Mapping[str, ParagraphStyle | None], text: _Text
) -> None:
    """Replace the layout's tags; give a layout without header or footer the house ones."""
    for part in _header_footer_parts(word):
        for paragraph in part.element.iter(qn("w:p")):
            _replace_tags(paragraph, info, text)
    section = word.sections[0]
    width = _text_width(word)
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
        _field(paragraph, "PAGE", "1")
        paragraph.add_run(" / ")
        _field(paragraph, "NUMPAGES", "1")


def _prepare_bar(paragraph: WordParagraph, style: ParagraphStyle | None, width: Any) -> None:
    """Style a header/footer line: text on the left, a right tab stop at the text's edge."""
    if style is not None:
        paragraph.style = style
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


def _replace_tags(paragraph: Any, info: DocumentInfo, text: _Text) -> None:
    """Replace {{tags}} in one paragraph, even when Word split a tag across several runs."""
    texts = _own_texts(paragraph)
    contents = [t.text or "" for t in texts]
    starts = []
    offset = 0
    for content in contents:
        starts.append(offset)
        offset += len(content)
    full = "".join(contents)
    for match in reversed(list(_TAG.finditer(full))):
        field = _TAG_FIELDS.get(_tag_key(match.group(1)))
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


# --- package ------------------------------------------------------------------------------------


def _set_properties(word: WordDocument, info: DocumentInfo) -> None:
    """Title, subject, author, keywords, language and dates of the file."""
    properties = word.core_properties
    now = datetime.now(UTC).replace(microsecond=0)
    # the same user text as in the body: made fit for XML (the body's cleaning reports it)
    properties.title = _one_line(info.title)
    properties.subject = _one_line(info.subject)
    properties.author = _one_line(info.author)
    properties.last_modified_by = _one_line(info.author)
    properties.keywords = _one_line(", ".join(info.keywords))
    properties.language = "fr-FR"
    properties.created = now
    properties.modified = now
    properties.revision = 1


def _set_french(word: WordDocument) -> None:
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


def _keep_manual_breaks_unstretched(word: WordDocument) -> None:
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


def _set_update_fields(word: WordDocument) -> None:
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


def _save_atomically(word: WordDocument, out: Path) -> None:
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
