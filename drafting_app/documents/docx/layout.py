"""The Word layout: the .docx a piece is written on, its styles.toml, and what it lacks."""

from __future__ import annotations

import tomllib
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, cast

import docx
from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import XmlPart
from docx.oxml.ns import qn
from docx.styles.style import ParagraphStyle

from drafting_app.documents.blocks import (
    Document,
    Heading,
    ListItem,
    Paragraph,
    Table,
)
from drafting_app.documents.docx.characters import paragraph_text
from drafting_app.documents.docx.errors import LayoutError
from drafting_app.documents.docx.numbering import style_level
from drafting_app.documents.docx.package import TAG, TAG_FIELDS, header_footer_parts, tag_key

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
KIND_LABELS: Mapping[str, str] = MappingProxyType(
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


def open_word(path: Path) -> WordDocument:
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
        word = open_word(path)
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
    numbering = numbering_element(word)
    for kind, name in styles.items():
        problems.extend(_style_problems(path, kind, name, styles_element, numbering))
    for part in header_footer_parts(word):
        for paragraph in part.element.iter(qn("w:p")):
            for match in TAG.finditer(paragraph_text(paragraph)):
                if tag_key(match.group(1)) not in TAG_FIELDS:
                    known = ", ".join(
                        "{{" + tag + "}}" for tag in TAG_FIELDS if tag != "reference"
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
    label = f"« {name} » ({KIND_LABELS[kind]}, clé {kind} de styles.toml)"
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
        level = style_level(styles_element, numbering, element)
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


def numbering_element(word: WordDocument) -> Any:
    """The w:numbering element of the layout, or None when it has no numbering part."""
    try:
        return cast(XmlPart, word.part.part_related_by(RT.NUMBERING)).element
    except KeyError:
        return None


def check_blocks(document: Document, layout: Layout) -> list[str]:
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


def resolve_styles(word: WordDocument, layout: Layout) -> dict[str, ParagraphStyle | None]:
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
                f"pour {KIND_LABELS.get(kind, kind)} : lancez « clausier templates check »."
            )
        resolved[kind] = style
    if problems:
        raise LayoutError(problems)
    return resolved
