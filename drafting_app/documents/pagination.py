"""Finishing saved .docx files: sommaire page numbers from one LibreOffice layout, and typography.

The Word writer leaves the table of contents as a field whose cached result lists the headings
without page numbers, and asks Word to refresh it on opening (a prompt at every opening). Here
the saved files are converted to PDF once by LibreOffice, when it is installed; the page of each
heading is read from the PDF's outline and written into the cached result, and the refresh
request is removed. Without LibreOffice the sommaire keeps its headings and a visible note saying
how to add the page numbers, and Word no longer prompts either.

The same pass keeps a paragraph that announces what follows (« … la formule suivante : ») on the
page of what follows, leaves room to sign in every row of a signature table, and writes the
hyphens of legal and consultation references (L2112-2-1, 2027-RC-003) as Word's non-breaking
hyphens, so that no line breaks inside them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
import uuid
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCUMENT = "word/document.xml"
SETTINGS = "word/settings.xml"
PLACEHOLDER = "00"  # as wide as a real page number, so that the layout does not move
UPDATE_NOTE = (
    "Numéros de page à mettre à jour : dans Word, clic droit sur le sommaire puis « Mettre à "
    "jour les champs » ; dans LibreOffice, Outils, « Mettre à jour », « Tout mettre à jour »."
)
SOFFICE_NAMES = ("soffice", "libreoffice")
TIMEOUT = 300  # seconds for one LibreOffice run over a whole set of pieces


def w(tag: str) -> str:
    """A WordprocessingML tag in Clark notation."""
    return f"{{{W}}}{tag}"


@dataclass(frozen=True)
class Paginated:
    """What happened to the sommaire of each file: page numbers written, or the note left."""

    numbered: tuple[Path, ...]
    noted: tuple[Path, ...]


def find_soffice() -> str | None:
    """The LibreOffice executable on the PATH, or None."""
    for name in SOFFICE_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def finish_documents(
    paths: Sequence[Path], *, page_numbers: bool = True, soffice: str | None = None
) -> Paginated:
    """Finish each .docx: sommaire page numbers (or the note), no prompt, typography."""
    documents = [path for path in paths if path.suffix == ".docx"]
    with_toc = [path for path in documents if _toc_paragraphs(_read(path, DOCUMENT)) is not None]
    pages: dict[Path, Layout] = {}
    executable = (soffice or find_soffice()) if page_numbers else None
    if with_toc and executable:
        pages = _layout_pages(with_toc, executable)
    numbered: list[Path] = []
    noted: list[Path] = []
    for path in documents:
        found = pages.get(path)
        _rewrite(path, found)
        if path in with_toc:
            (numbered if found is not None else noted).append(path)
    return Paginated(tuple(numbered), tuple(noted))


# --------------------------------------------------------------------------- the field


def _read(path: Path, member: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(member)


def _toc_paragraphs(document: bytes) -> list[Any] | None:
    """The paragraphs of the table of contents' cached result, or None without one."""
    root = etree.fromstring(document)
    return _entries(root)


def _entry_texts(document: bytes) -> list[str]:
    """The texts of the sommaire's entries that stay in it (articles and sub-articles)."""
    root = etree.fromstring(document)
    paragraphs = _entries(root)
    if paragraphs is None:
        return []
    return [_text(p) for p in _two_levels(root, paragraphs) if _text(p).strip()]


def _entries(root: Any) -> list[Any] | None:
    instruction = next((node for node in root.iter(w("instrText"))
                        if re.match(r"\s*TOC\b", node.text or "")), None)
    if instruction is None:
        return None
    first = next(node for node in instruction.iterancestors(w("p")))
    paragraphs = [first]
    current = first
    while not _ends_field(current):
        current = current.getnext()
        while current is not None and current.tag != w("p"):
            current = current.getnext()
        if current is None:
            return None
        paragraphs.append(current)
    return paragraphs


def _ends_field(paragraph: Any) -> bool:
    return any(node.get(w("fldCharType")) == "end" for node in paragraph.iter(w("fldChar")))


def _text(paragraph: Any) -> str:
    return "".join(node.text or "" for node in paragraph.iter(w("t")))


def _run(text: str | None = None, *, tab: bool = False, italic: bool = False) -> Any:
    run = etree.Element(w("r"))
    if italic:
        properties = etree.SubElement(run, w("rPr"))
        etree.SubElement(properties, w("i"))
    if tab:
        etree.SubElement(run, w("tab"))
    if text is not None:
        node = etree.SubElement(run, w("t"))
        node.text = text
    return run


def _end_run(paragraph: Any) -> Any | None:
    for run in paragraph.iter(w("r")):
        if any(c.get(w("fldCharType")) == "end" for c in run.iter(w("fldChar"))):
            return run
    return None


def _number_entries(document: bytes, numbers: Sequence[str] | None) -> bytes:
    """The document with each entry followed by a tab and its page (or the update note)."""
    root = etree.fromstring(document)
    paragraphs = _entries(root)
    if paragraphs is None:
        return document
    for fld in root.iter(w("fldChar")):
        fld.attrib.pop(w("dirty"), None)  # Word would refresh (and prompt) on opening
    paragraphs = _two_levels(root, paragraphs)
    entries = [p for p in paragraphs if _text(p).strip()]
    last = paragraphs[-1]
    end = _end_run(last)
    if numbers is not None and len(numbers) == len(entries):
        for paragraph, number in zip(entries, numbers, strict=True):
            runs = [_run(tab=True), _run(number)]
            anchor = _end_run(paragraph) if paragraph is last else None
            for run in runs:
                if anchor is not None:
                    anchor.addprevious(run)
                else:
                    paragraph.append(run)
    elif end is not None:
        note = etree.Element(w("p"))
        properties = last.find(w("pPr"))
        if properties is not None:
            note_properties = etree.SubElement(note, w("pPr"))
            style = properties.find(w("pStyle"))
            if style is not None:
                note_properties.append(etree.fromstring(etree.tostring(style)))
        note.append(_run(UPDATE_NOTE, italic=True))
        end.getparent().remove(end)
        note.append(end)
        last.addnext(note)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


_DEEP_ENTRY = re.compile(r"(?i)^toc ?[3-9]$")


def _two_levels(root: Any, paragraphs: list[Any]) -> list[Any]:
    """The sommaire keeps articles and sub-articles: one page, not a second one nearly empty."""
    for instruction in root.iter(w("instrText")):
        if re.match(r"\s*TOC\b", instruction.text or ""):
            instruction.text = re.sub(r'\\o "1-\d"', '\\\\o "1-2"', instruction.text)
    kept = [paragraphs[0]]
    for paragraph in paragraphs[1:]:
        style = paragraph.find(f"{w('pPr')}/{w('pStyle')}")
        if style is not None and _DEEP_ENTRY.match(style.get(w("val"), "")):
            end = _end_run(paragraph)
            if end is not None:
                end.getparent().remove(end)
                kept[-1].append(end)
            paragraph.getparent().remove(paragraph)
        else:
            kept.append(paragraph)
    return kept


def _without_update_prompt(settings: bytes) -> bytes:
    root = etree.fromstring(settings)
    for node in list(root.iter(w("updateFields"))):
        node.getparent().remove(node)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def _replace_members(path: Path, target: Path, replacements: dict[str, bytes]) -> None:
    """Copy the package `path` to `target` with some members replaced, atomically."""
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with zipfile.ZipFile(path) as source, \
                zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as out:
            for item in source.infolist():
                data = replacements.get(item.filename)
                out.writestr(item, data if data is not None else source.read(item.filename))
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def _finished(document: bytes, numbers: Sequence[str] | None, joined: bool) -> bytes:
    """The document with its sommaire numbered (or noted), typography, and the break joined."""
    root_bytes = _typography(_number_entries(document, numbers))
    if not joined:
        return root_bytes
    root = etree.fromstring(root_bytes)
    paragraphs = _entries(root)
    if paragraphs:
        following = paragraphs[-1].getnext()
        while following is not None and following.tag != w("p"):
            following = following.getnext()
        if following is not None:
            for node in list(following.iter(w("pageBreakBefore"))):
                node.getparent().remove(node)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def _rewrite(path: Path, layout: Layout | None) -> None:
    numbers = None if layout is None else [str(page) for page in layout.pages]
    document = _finished(_read(path, DOCUMENT), numbers, layout is not None and layout.joined)
    replacements = {DOCUMENT: document}
    with zipfile.ZipFile(path) as archive:
        if SETTINGS in archive.namelist():
            replacements[SETTINGS] = _without_update_prompt(archive.read(SETTINGS))
    _replace_members(path, path, replacements)


# --------------------------------------------------------------------------- typography

#: a legal article (L2112-2-1, R2162-4) or a reference made of letters and figures (2027-RC-003)
_REFERENCE = re.compile(r"\b(?:[LRD]\d{4}(?:[-\u2011]\d+)+|\d{4}(?:[-\u2011][A-Z0-9]+)+"
                        r"|[A-Z0-9]+(?:[-\u2011][A-Z0-9]*\d[A-Z0-9]*)+)\b")


def _typography(document: bytes) -> bytes:
    """Announcing paragraphs kept with what follows; references without line breaks."""
    root = etree.fromstring(document)
    body = root.find(w("body"))
    if body is not None:
        for paragraph in body.iter(w("p")):
            text = _text(paragraph).rstrip()
            following = paragraph.getnext()
            if text.endswith(":") and following is not None and following.tag == w("p"):
                properties = paragraph.find(w("pPr"))
                if properties is None:
                    properties = etree.Element(w("pPr"))
                    paragraph.insert(0, properties)
                if properties.find(w("keepNext")) is None:
                    keep = etree.Element(w("keepNext"))
                    style = properties.find(w("pStyle"))
                    if style is not None:
                        style.addnext(keep)
                    else:
                        properties.insert(0, keep)
    for table in root.iter(w("tbl")):
        _room_to_sign(table)
    for node in list(root.iter(w("t"))):
        text = node.text or ""
        marked = _REFERENCE.sub(lambda m: m.group(0).replace("-", "\u2011"), text)
        if "\u2011" in marked:
            _split_hyphens(node, marked)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


SIGNATURE_HEIGHT = "1417"  # twips: 2.5 cm to sign in, as the writer gives an empty last row


def _room_to_sign(table: Any) -> None:
    """Every row of a table whose last column is « Signature » leaves room to sign."""
    rows = table.findall(w("tr"))
    if not rows:
        return
    header = rows[0].findall(w("tc"))
    if not header or "".join(t.text or "" for t in header[-1].iter(w("t"))).strip() != "Signature":
        return
    for row in rows[1:]:
        properties = row.find(w("trPr"))
        if properties is None:
            properties = etree.Element(w("trPr"))
            exceptions = row.find(w("tblPrEx"))
            if exceptions is not None:
                exceptions.addnext(properties)
            else:
                row.insert(0, properties)
        if properties.find(w("trHeight")) is None:
            height = etree.SubElement(properties, w("trHeight"))
            height.set(w("val"), SIGNATURE_HEIGHT)
            height.set(w("hRule"), "atLeast")


def _split_hyphens(node: Any, text: str) -> None:
    """Write each U+2011 of a text node as a w:noBreakHyphen element of its run."""
    pieces = text.split("\u2011")
    node.text = pieces[0]
    node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    anchor = node
    for piece in pieces[1:]:
        hyphen = etree.Element(w("noBreakHyphen"))
        anchor.addnext(hyphen)
        anchor = hyphen
        if piece:
            following = etree.Element(w("t"))
            following.text = piece
            following.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            anchor.addnext(following)
            anchor = following


# --------------------------------------------------------------------------- the layout


#: a sommaire whose first article starts later than this page ran over onto another page
FIRST_ARTICLE_PAGE = 3


def _layout_pages(paths: Sequence[Path], soffice: str) -> dict[Path, Layout]:
    """Each file's heading pages as LibreOffice lays it out (files it could not lay out: none).

    When the sommaire runs over onto a second page, the first article follows it on that page
    instead of leaving it nearly empty: the file is laid out again without that page break.
    """
    found = {path: Layout(pages, False) for path, pages in _run_layout(paths, soffice, set())}
    over = {path for path, layout in found.items() if layout.pages[0] > FIRST_ARTICLE_PAGE}
    if over:
        for path, pages in _run_layout(sorted(over), soffice, over):
            found[path] = Layout(pages, True)
    return found


@dataclass(frozen=True)
class Layout:
    """Where a file's headings fall, and whether its first article follows the sommaire."""

    pages: list[int]
    joined: bool


def _run_layout(
    paths: Sequence[Path], soffice: str, joined: set[Path]
) -> list[tuple[Path, list[int]]]:
    """One LibreOffice run over copies of `paths` (numbers as placeholders): heading pages."""
    from pypdf import PdfReader  # only when LibreOffice is there to make a PDF

    found: list[tuple[Path, list[int]]] = []
    with tempfile.TemporaryDirectory(prefix="clausier-pages-") as folder:
        work = Path(folder)
        copies: dict[Path, Path] = {}
        for index, path in enumerate(paths):
            copy = work / f"p{index}.docx"
            count = len(_entry_texts(_read(path, DOCUMENT)))
            _replace_members(path, copy, {DOCUMENT: _finished(
                _read(path, DOCUMENT), [PLACEHOLDER] * count, path in joined)})
            copies[path] = copy
        profile = (work / "profile").as_uri()
        command = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                   "--convert-to", "pdf", "--outdir", str(work / "pdf"),
                   *(str(c) for c in copies.values())]
        try:
            subprocess.run(command, capture_output=True, timeout=TIMEOUT, check=False)
        except (OSError, subprocess.SubprocessError):
            return found
        for path, copy in copies.items():
            pdf = work / "pdf" / f"{copy.stem}.pdf"
            if not pdf.is_file():
                continue
            headings = [_normal(text) for text in _entry_texts(_read(path, DOCUMENT))]
            try:
                outline = _outline(PdfReader(pdf))
            except Exception:  # a PDF we cannot read only costs the page numbers
                continue
            pages = _match(headings, outline)
            if pages:
                found.append((path, pages))
    return found


def _outline(reader: Any) -> list[tuple[str, int]]:
    """The PDF's bookmarks in order: normalised title and page number (from 1)."""
    out: list[tuple[str, int]] = []

    def walk(items: Any) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                out.append((_normal(str(item.title)), reader.get_destination_page_number(item) + 1))

    walk(reader.outline)
    return out


def _match(headings: Sequence[str], outline: Sequence[tuple[str, int]]) -> list[int] | None:
    """The page of each heading, the outline read in order; None if one is not found."""
    pages = []
    position = 0
    for heading in headings:
        while position < len(outline) and outline[position][0] != heading:
            position += 1
        if position == len(outline):
            return None
        pages.append(outline[position][1])
        position += 1
    return pages


def _normal(text: str) -> str:
    """Text compared without its kinds of spaces and hyphens."""
    text = unicodedata.normalize("NFC", text).replace("\u2011", "-")
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " ")).strip()
