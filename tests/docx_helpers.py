"""Shared test helpers: a sample document, reopen a .docx, convert it to PDF with LibreOffice."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
from docx.document import Document as WordDocument
from docx.oxml.ns import qn

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
)

REPO = Path(__file__).resolve().parent.parent
DEFAULT_LAYOUT = REPO / "templates_docx" / "default.docx"

# User text that must come out byte for byte: XML specials, typographic quotes and
# apostrophe, markup-looking text, U+202F (Babel's thousands separator) and U+00A0.
ESCAPING = "Dupont & Fils <SARL> «\u202fl’été\u202f» **x** {{ y }} 1\u202f234,56\u00a0€"
ESCAPING_WORDS = ("Dupont", "&", "Fils", "<SARL>", "l’été", "**x**", "{{", "}}", "234,56", "€")

SOFFICE_TIMEOUT = 180


def runs(text: str, *, bold: bool = False, italic: bool = False) -> Inline:
    """One run of text."""
    return (Run(text, bold=bold, italic=italic),)


def sample_info() -> DocumentInfo:
    """The information of the sample document."""
    return DocumentInfo(
        title="Cahier des clauses administratives particulières",
        subject="Marché public de travaux",
        author="Service de la commande publique",
        reference="2026-TRX-014",
        buyer="Commune de Saint-Exemple",
        subtitle="Réhabilitation thermique de l’école Jules-Ferry",
        keywords=("CCAP", "travaux", "2026-TRX-014"),
    )


def price_rows(count: int) -> tuple[tuple[Inline, ...], ...]:
    """Rows of a price table."""
    return tuple(
        (runs(f"{n}"), runs(f"Prestation de test numéro {n}"), runs(f"{n}\u202f000,00\u00a0€"))
        for n in range(1, count + 1)
    )


def sample_document() -> Document:
    """A document with every block kind, used by the .docx and LibreOffice tests."""
    blocks = (
        TableOfContents(),
        PageBreak(),
        Heading(1, runs("Préambule"), numbered=False),
        Paragraph(runs("Le présent cahier fixe les clauses administratives du marché.")),
        Heading(1, runs("Objet et forme du marché")),
        Heading(2, runs("Objet du marché")),
        Paragraph(
            (
                Run("Titulaire pressenti : "),
                Run(ESCAPING, bold=True),
                Run(", en ", italic=False),
                Run("groupement solidaire", italic=True),
                Run(".\nDeuxième ligne du même paragraphe."),
            )
        ),
        Paragraph(
            runs("Note de rédaction : supprimer ce paragraphe si le marché n’est pas alloti."),
            style="note",
        ),
        Heading(2, runs("Décomposition en lots")),
        ListItem(runs("Lot 1 : gros œuvre"), ordered=False, level=0, list_id=1),
        ListItem(runs("façades et menuiseries"), ordered=False, level=1, list_id=1),
        ListItem(runs("Lot 2 : chauffage et ventilation"), ordered=False, level=0, list_id=1),
        Heading(3, runs("Pièces constitutives")),
        ListItem(runs("l’acte d’engagement"), ordered=True, level=0, list_id=2),
        ListItem(runs("annexe financière"), ordered=True, level=1, list_id=2),
        ListItem(runs("le présent CCAP"), ordered=True, level=0, list_id=2),
        ListItem(runs("le CCTP"), ordered=True, level=0, list_id=2),
        Paragraph(runs("En cas de contradiction, les pièces prévalent dans l’ordre suivant :")),
        ListItem(runs("les pièces particulières"), ordered=True, level=0, list_id=3),
        ListItem(runs("les pièces générales"), ordered=True, level=0, list_id=3),
        Heading(1, runs("Prix et règlement")),
        Paragraph(runs("Les prix sont fermes et définitifs.")),
        Table(
            header=(runs("Lot"), runs("Désignation"), runs("Montant HT")),
            rows=(
                (runs("1"), runs("Gros œuvre"), runs("1\u202f234,56\u00a0€")),
                (runs("2"), runs(ESCAPING), runs("12\u202f500,00\u00a0€")),
            ),
        ),
        PageBreak(),
        Heading(1, runs("Bordereau des prix unitaires")),
        Table(
            header=(runs("N°"), runs("Désignation"), runs("Prix unitaire HT")),
            rows=price_rows(45),
        ),
    )
    return Document(info=sample_info(), blocks=blocks)


@dataclass(frozen=True)
class Para:
    """A body paragraph of a reopened .docx: its text and style name."""

    text: str
    style: str


def reopen(path: Path) -> WordDocument:
    """Open a .docx with python-docx."""
    return docx.Document(str(path))


def body_paragraphs(path: Path) -> list[Para]:
    """The body's paragraphs (not those in tables), in order, with their style names."""
    word = reopen(path)
    return [Para(p.text, p.style.name if p.style is not None else "") for p in word.paragraphs]


def part_xml(path: Path, name: str) -> str:
    """The XML text of one part of a .docx (`word/document.xml`…)."""
    with zipfile.ZipFile(path) as archive:
        return archive.read(name).decode("utf-8")


def instr_texts(element: Any) -> list[str]:
    """Field instructions found under an lxml element."""
    return [(node.text or "").strip() for node in element.iter(qn("w:instrText"))]


def soffice() -> str | None:
    """The LibreOffice executable, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(docx_path: Path, outdir: Path) -> Path:
    """Convert with LibreOffice headless (own profile); fail unless a non-empty PDF appears."""
    executable = soffice()
    if executable is None:
        raise RuntimeError("LibreOffice (soffice) est introuvable")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="clausier-lo-") as profile:
        result = subprocess.run(
            [
                executable,
                "--headless",
                "--norestore",
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--convert-to",
                "pdf",
                "--outdir",
                str(outdir),
                str(docx_path),
            ],
            capture_output=True,
            text=True,
            timeout=SOFFICE_TIMEOUT,
            env={**os.environ, "HOME": profile},
            check=False,
        )
    pdf = outdir / (docx_path.stem + ".pdf")
    # soffice exits 0 even when the conversion failed: the PDF itself is the evidence.
    if result.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
        raise AssertionError(
            f"conversion LibreOffice échouée (code {result.returncode})\n"
            f"stdout: {result.stdout}\nstderr: {result.stderr}"
        )
    return pdf


def pdf_text(pdf: Path, *, first: int | None = None, last: int | None = None) -> str:
    """The text of a PDF (pages `first`..`last`, 1-based) via pdftotext, layout kept."""
    command = ["pdftotext", "-layout", "-enc", "UTF-8"]
    if first is not None:
        command += ["-f", str(first)]
    if last is not None:
        command += ["-l", str(last)]
    result = subprocess.run(
        [*command, str(pdf), "-"], capture_output=True, text=True, check=True, timeout=60
    )
    return result.stdout


def pdf_pages(pdf: Path) -> int:
    """The number of pages of a PDF, via pdfinfo."""
    result = subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True, timeout=60
    )
    for line in result.stdout.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    raise AssertionError(f"pdfinfo ne donne pas le nombre de pages : {result.stdout}")


def pdf_fonts(pdf: Path) -> set[str]:
    """Names of the fonts embedded in a PDF (subset prefix removed), via pdffonts."""
    result = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True, timeout=60
    )
    names = set()
    for line in result.stdout.splitlines()[2:]:
        name = line.split()[0] if line.split() else ""
        names.add(name.split("+", 1)[-1])
    return names


def rewrite_part(source: Path, target: Path, name: str, change: Callable[[str], str]) -> Path:
    """Copy a .docx, passing the XML of part `name` through `change`."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == name:
                data = change(data.decode("utf-8")).encode("utf-8")
            dst.writestr(item, data)
    return target
