"""The review pack: clauses exported to Word for a reviewer, and the decisions brought back.

The pack is a landscape .docx: a small table for the reviewer's name, then one row per clause
with four columns — the clause (identifier, version, status, fingerprint: do not edit), what
to review (title, legal basis, note to the buyer, wording, variables), the decision and the
reviewer's comment. `import_pack` reads it back (Word or LibreOffice, tracked changes or
not), checks every row against the library as it is now, records the decisions that still
apply and reports in French every row that does not match.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docx
from docx.document import Document as WordDocument
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from drafting_app.review.clause_files import ClauseFiles, ReviewError, read_clause_files
from drafting_app.review.history import record_review, review_files
from drafting_app.review.shared import SaveOutcome, SaveResult
from drafting_app.review.stale import fold
from drafting_app.review.word import clean, new_document, save, text_run
from drafting_app.wording.library import Clause
from drafting_app.wording.model import ClauseStatus, ReferenceIndex, ReferenceStatus

PACK_SUBJECT = "Dossier de relecture Clausier"
REVIEWER_LABEL = "Relecteur"
HEADERS = ("Clause", "Contenu à relire", "Décision", "Commentaire du relecteur")
COLUMN_WIDTHS = (Cm(4.2), Cm(13.6), Cm(3.0), Cm(5.3))
_JINJA = re.compile(r"(\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\})", re.S)

#: what a reviewer may write in the « Décision » column (folded: no accents, lower case)
DECISION_WORDS: Mapping[str, ClauseStatus] = {
    "valide": ClauseStatus.VALIDATED,
    "validee": ClauseStatus.VALIDATED,
    "approuve": ClauseStatus.VALIDATED,
    "approuvee": ClauseStatus.VALIDATED,
    "a revoir": ClauseStatus.DRAFT,
    "a modifier": ClauseStatus.DRAFT,
    "a reprendre": ClauseStatus.DRAFT,
    "refuse": ClauseStatus.DRAFT,
    "refusee": ClauseStatus.DRAFT,
    "brouillon": ClauseStatus.DRAFT,
    "obsolete": ClauseStatus.OBSOLETE,
    "a retirer": ClauseStatus.OBSOLETE,
    "a valider": ClauseStatus.TO_REVIEW,
    "a verifier": ClauseStatus.TO_CHECK,
}
INSTRUCTIONS = (
    "Pour chaque clause, écrivez dans la colonne « Décision » : « validé », « à revoir » "
    "(la clause retourne en rédaction : dites quoi changer dans le commentaire) ou "
    "« obsolète » ; laissez la case vide pour ne rien décider. Un commentaire sans décision "
    "est gardé dans l’historique de la clause. Ne modifiez pas la colonne « Clause » : elle "
    "identifie la version relue. Indiquez votre nom ci-dessous, puis rapportez les décisions "
    "avec « clausier review import " + "<fichier>.docx »."
)


# --------------------------------------------------------------------------- export


def select_clauses(
    clauses: Sequence[Clause], category: str | None = None, status: ClauseStatus | None = None
) -> list[Clause]:
    """The clauses of a category and/or a status, ordered by category then id."""
    chosen = [c for c in clauses
              if (category is None or c.meta.category == category)
              and (status is None or c.meta.status is status)]
    return sorted(chosen, key=lambda c: (c.meta.category, c.id))


def parse_status(text: str) -> ClauseStatus | None:
    """A status typed by a user, accents and case ignored; None when unknown."""
    folded = fold(text.strip())
    return next((s for s in ClauseStatus if fold(s.value) == folded), None)


def _cell_paragraph(cell: Any, text: str = "", *, bold: bool = False, italic: bool = False,
                    grey: bool = False, size: float | None = None) -> Any:
    fresh = len(cell.paragraphs) == 1 and not cell.paragraphs[0].runs
    paragraph = cell.paragraphs[0] if fresh else cell.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(2)
    if text:
        run = paragraph.add_run(clean(text))
        run.bold = bold
        run.italic = italic
        if size:
            run.font.size = Pt(size)
        if grey:
            run.font.color.rgb = docx.shared.RGBColor(0x6B, 0x6B, 0x6B)
    return paragraph


def _wording_paragraph(cell: Any, line: str) -> None:
    """A line of the clause's text, Jinja tags (variables, conditions) in grey."""
    paragraph = _cell_paragraph(cell)
    for piece in _JINJA.split(line):
        if piece:
            paragraph._p.append(text_run(piece, grey=bool(_JINJA.fullmatch(piece))))


def _set_widths(table: Any, widths: Sequence[Any]) -> None:
    """Fixed column widths: the grid (LibreOffice reads it) and every cell (Word reads these)."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def pack_document(
    clauses: Sequence[Clause],
    today: dt.date,
    origins: Mapping[str, str] | None = None,
    selection: str = "",
    references: ReferenceIndex | None = None,
) -> WordDocument:
    """The review pack of some clauses as a python-docx document (not saved)."""
    word = new_document(landscape=True)
    word.add_heading("Dossier de relecture des clauses", level=0)
    summary = f"Exporté le {today.strftime('%d/%m/%Y')} — {len(clauses)} clause(s)"
    word.add_paragraph(summary + (f" — {selection}" if selection else ""))
    word.add_paragraph().add_run(INSTRUCTIONS).italic = True
    reviewer = word.add_table(rows=2, cols=2)
    reviewer.style = "Table Grid"
    reviewer.rows[0].cells[0].paragraphs[0].add_run(REVIEWER_LABEL).bold = True
    reviewer.rows[1].cells[0].paragraphs[0].add_run("Date de relecture").bold = True
    _set_widths(reviewer, (Cm(5), Cm(10)))
    word.add_paragraph()
    table = word.add_table(rows=1, cols=len(HEADERS))
    table.style = "Table Grid"
    header = table.rows[0]
    header._tr.get_or_add_trPr().append(docx.oxml.OxmlElement("w:tblHeader"))
    for cell, title in zip(header.cells, HEADERS, strict=True):
        cell.paragraphs[0].add_run(title).bold = True
    for clause in clauses:
        opened = read_clause_files(clause.folder)
        _clause_row(table.add_row().cells, opened, (origins or {}).get(clause.id), references)
    _set_widths(table, COLUMN_WIDTHS)
    props = word.core_properties
    props.title = "Dossier de relecture des clauses"
    props.subject = PACK_SUBJECT
    props.keywords = "clausier relecture"
    props.language = "fr-FR"
    return word


def _clause_row(cells: Any, opened: ClauseFiles, origin: str | None,
                references: ReferenceIndex | None) -> None:
    meta = opened.meta
    ident, content = cells[0], cells[1]
    _cell_paragraph(ident, meta.id, bold=True)
    _cell_paragraph(ident, f"version {meta.version}")
    _cell_paragraph(ident, f"statut : {meta.status.value}")
    _cell_paragraph(ident, f"catégorie : {meta.category}")
    if origin:
        _cell_paragraph(ident, f"provenance : {origin}")
    _cell_paragraph(ident, f"empreinte : {opened.fingerprint}", grey=True, size=8)
    _cell_paragraph(content, meta.title, bold=True)
    _cell_paragraph(content, "Fondement juridique", bold=True)
    if not meta.references:
        _cell_paragraph(content, "(aucune référence citée)", italic=True)
    for reference in meta.references:
        note = f" — {reference.note}" if reference.note else ""
        checked = reference.checked.strftime("%d/%m/%Y")
        standing = (references.status_of(reference.text, reference.article)
                    if references is not None else ReferenceStatus.VERIFIED)
        state = (f"vérifié le {checked}" if standing is ReferenceStatus.VERIFIED
                 else f"à vérifier ; relevé le {checked}")
        _cell_paragraph(content, f"{reference.label()} ({state}){note}")
    _cell_paragraph(content, "Note à l’acheteur", bold=True)
    for paragraph in re.split(r"\n\s*\n", meta.note.strip()):
        _cell_paragraph(content, " ".join(paragraph.split()))
    _cell_paragraph(content, "Texte de la clause", bold=True)
    for line in opened.text.splitlines():
        if line.strip():
            _wording_paragraph(content, line)
    if meta.variables:
        _cell_paragraph(content, "Variables (saisies par l’acheteur)", bold=True)
        for variable in meta.variables:
            _cell_paragraph(content, f"{variable.name} ({variable.type.value}) — {variable.label}")


def export_pack(
    clauses: Sequence[Clause],
    out: Path,
    today: dt.date,
    origins: Mapping[str, str] | None = None,
    selection: str = "",
    references: ReferenceIndex | None = None,
) -> None:
    """Write the review pack of some clauses, atomically."""
    if not clauses:
        raise ReviewError(["aucune clause ne correspond à la sélection : rien à exporter"])
    save(pack_document(clauses, today, origins, selection, references), out)


# --------------------------------------------------------------------------- import


@dataclass(frozen=True)
class PackRow:
    """One clause row of a filled-in pack."""

    row: int
    clause_id: str
    version: int | None
    fingerprint: str | None
    decision: str
    comment: str


@dataclass(frozen=True)
class Pack:
    """What a filled-in pack holds."""

    reviewer: str
    rows: tuple[PackRow, ...]


@dataclass
class ImportReport:
    """What an import did: decisions recorded, rows that did not match, rows left blank."""

    reviewer: str
    recorded: list[tuple[str, ClauseStatus, SaveResult]] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    blank: int = 0


def _element_text(element: Any) -> str:
    """The visible text of a table cell: every paragraph, insertions in, deletions out."""
    lines = []
    for paragraph in element.iter(qn("w:p")):
        parts = []
        for node in paragraph.iter(qn("w:t"), qn("w:tab"), qn("w:br")):
            if any(a.tag in (qn("w:del"), qn("w:moveFrom")) for a in node.iterancestors()):
                continue
            if node.tag == qn("w:t"):
                parts.append(node.text or "")
            else:
                parts.append("\n" if node.tag == qn("w:br") else " ")
        lines.append("".join(parts))
    return "\n".join(lines).strip()


def _cells(row: Any) -> list[str]:
    return [_element_text(tc) for tc in row._tr.iterchildren(qn("w:tc"))]


#: what a review pack may weigh, and hold once unpacked (a pack of 200 clauses: about 1 MB)
MAX_PACK_BYTES = 50 * 1024 * 1024
MAX_PACK_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_PACK_ENTRIES = 5_000


def check_pack_sizes(path: Path) -> None:
    """Refuse, before anything is decompressed, a pack too large once unpacked (a zip bomb).

    The sizes the archive declares bound what reading it can produce (zipfile stops at the
    declared size), so they are checked from its table of contents alone.
    """
    megabytes = 1024 * 1024
    size = path.stat().st_size
    if size > MAX_PACK_BYTES:
        raise ReviewError([f"{path} : fichier trop volumineux ({size // megabytes} Mo ; au plus "
                           f"{MAX_PACK_BYTES // megabytes} Mo) pour un dossier de relecture"])
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ReviewError([f"{path} : archive Word abîmée : réenregistrez le document depuis "
                           "Word ou LibreOffice"]) from None
    if len(entries) > MAX_PACK_ENTRIES:
        raise ReviewError([f"{path} : {len(entries)} éléments dans l’archive (au plus "
                           f"{MAX_PACK_ENTRIES}) : ce n’est pas un dossier de relecture"])
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > MAX_PACK_UNPACKED_BYTES:
        raise ReviewError([
            f"{path} : refusé sans être ouvert : il occuperait {unpacked // megabytes} Mo une "
            f"fois décompressé (au plus {MAX_PACK_UNPACKED_BYTES // megabytes} Mo) ; un vrai "
            "dossier de relecture en occupe quelques-uns : fichier piégé ou corrompu"])


def read_pack(path: Path) -> Pack:
    """Read a filled-in review pack; ReviewError (French) when it is not one."""
    if not path.is_file():
        raise ReviewError([f"{path} : fichier introuvable" if not path.exists() else
                           f"{path} : ce n’est pas un fichier ordinaire"])
    if not zipfile.is_zipfile(path):
        raise ReviewError([f"{path} : ce n’est pas un fichier Word .docx"])
    check_pack_sizes(path)
    try:
        word = docx.Document(str(path))
    except Exception:  # python-docx, zipfile and lxml raise many kinds of errors
        raise ReviewError([f"{path} : document Word illisible (fichier abîmé, ou d’un autre "
                           "format enregistré sous le nom .docx) : réenregistrez-le depuis "
                           "Word ou LibreOffice"]) from None
    reviewer = ""
    main = None
    for table in word.tables:
        rows = table.rows
        if not rows:
            continue
        first = _cells(rows[0])
        if first and fold(first[0]) == fold(REVIEWER_LABEL) and len(first) > 1:
            reviewer = first[1].strip()
        if tuple(fold(c) for c in first[:len(HEADERS)]) == tuple(fold(h) for h in HEADERS):
            main = table
    if main is None:
        raise ReviewError([f"{path} : ce n’est pas un dossier de relecture Clausier (tableau "
                           f"« {' | '.join(HEADERS)} » introuvable) : exportez-le avec "
                           "« clausier review export »"])
    found = []
    for number, row in enumerate(main.rows[1:], start=1):
        cells = _cells(row)
        if len(cells) < len(HEADERS):
            raise ReviewError([f"{path} : ligne {number} du tableau : il manque des colonnes"])
        ident = cells[0].splitlines()
        clause_id = ident[0].strip() if ident else ""
        version = re.search(r"version\s+(\d+)", cells[0])
        stamp = re.search(r"empreinte\s*:\s*([0-9a-f]{8,})", cells[0])
        found.append(PackRow(number, clause_id, int(version.group(1)) if version else None,
                             stamp.group(1) if stamp else None, cells[2].strip(),
                             cells[3].strip()))
    return Pack(reviewer, tuple(found))


def parse_decision(text: str) -> ClauseStatus | None:
    """The status a decision cell asks for; None when blank; ValueError when unknown."""
    folded = re.sub(r"[\s.!;:,]+$", "", " ".join(fold(text).split()))
    folded = folded.strip("«» \"'")
    if not folded:
        return None
    if folded in DECISION_WORDS:
        return DECISION_WORDS[folded]
    raise ValueError(folded)


def import_pack(
    path: Path,
    folders: Mapping[str, Path],
    now: dt.datetime,
    who: str | None = None,
    references: ReferenceIndex | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Record the decisions of a filled-in pack; every row that does not match is reported."""
    pack = read_pack(path)
    reviewer = (who or "").strip() or pack.reviewer
    if not reviewer:
        raise ReviewError([f"{path} : indiquez le relecteur : remplissez la case "
                           f"« {REVIEWER_LABEL} » en tête du dossier, ou utilisez --who NOM"])
    report = ImportReport(reviewer)
    seen: dict[str, int] = {}
    for row in pack.rows:
        where = f"ligne {row.row} du tableau (clause « {row.clause_id or '?'} »)"
        try:
            decision = parse_decision(row.decision)
        except ValueError:
            report.issues.append(
                f"{where} : décision « {row.decision} » inconnue : écrivez « validé », "
                "« à revoir » ou « obsolète », ou laissez la case vide")
            continue
        if decision is None and not row.comment:
            report.blank += 1
            continue
        if not row.clause_id or row.clause_id not in folders:
            report.issues.append(f"{where} : clause inconnue dans la bibliothèque (supprimée, "
                                 "renommée, ou invalide : voir « clausier library check »)")
            continue
        if row.clause_id in seen:
            report.issues.append(f"{where} : la clause figure déjà ligne {seen[row.clause_id]} : "
                                 "seule la première décision est prise en compte")
            continue
        seen[row.clause_id] = row.row
        try:
            opened = read_clause_files(folders[row.clause_id])
        except ReviewError as exc:
            report.issues.extend(f"{where} : {p}" for p in exc.problems)
            continue
        mismatch = _mismatch(row, opened, reviewer, decision)
        if mismatch is not None:
            (report.notes if mismatch.startswith("décision déjà") else report.issues).append(
                f"{where} : {mismatch}")
            continue
        status = decision or opened.meta.status
        try:
            if dry_run:
                review_files(opened, status, reviewer, now.date(), row.comment, references)
                result = SaveResult(SaveOutcome.UNCHANGED, opened.folder, "essai à blanc")
            else:
                result = record_review(opened, status, reviewer, now, row.comment, references)
        except ReviewError as exc:
            report.issues.extend(f"{where} : {p.removeprefix(f'clause « {opened.id} » : ')}"
                                 for p in exc.problems)
            continue
        if result.outcome is SaveOutcome.CONFLICT:
            report.issues.append(f"{where} : {result.message}")
            continue
        report.recorded.append((row.clause_id, status, result))
    return report


def _mismatch(row: PackRow, opened: ClauseFiles, reviewer: str,
              decision: ClauseStatus | None) -> str | None:
    """Why the row no longer applies to the clause as it is now (None: it applies)."""
    meta = opened.meta
    if row.version is None:
        return ("la colonne « Clause » a été modifiée (numéro de version illisible) : décision "
                "non reportée ; exportez un nouveau dossier de relecture")
    if row.version != meta.version:
        return (f"la clause est passée de la version {row.version} (relue) à la version "
                f"{meta.version} depuis l’export : décision non reportée ; relisez la nouvelle "
                "version (« clausier clauses diff "
                f"{meta.id} --from {row.version} --to {meta.version} »)")
    if row.fingerprint is not None and row.fingerprint != opened.fingerprint:
        last = meta.history[-1] if meta.history else None
        if (last is not None and last.who == reviewer and last.comment == row.comment
                and last.decision is (decision or last.decision) and last.version == row.version):
            return "décision déjà enregistrée lors d’un import précédent : rien à faire"
        return (f"la clause a été modifiée depuis l’export (version {meta.version}, statut "
                f"actuel « {meta.status.value} ») : décision non reportée ; exportez un nouveau "
                "dossier de relecture")
    return None
