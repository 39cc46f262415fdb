"""Decisions brought back from a filled-in review pack, checked against the library as it is now.

`import_pack` reads the pack (Word or LibreOffice, tracked changes or not): the decision table
that ends each clause's pages, or the one big table of the packs written before the readable
wording. It checks every decision against the clause as it is now (version, fingerprint),
records the decisions that still apply and reports in French every one that does not.
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
from docx.oxml.ns import qn

from drafting_app.review.clause_files import ClauseFiles, ReviewError, read_clause_files
from drafting_app.review.history import record_review, review_files
from drafting_app.review.shared import SaveOutcome, SaveResult
from drafting_app.review.stale import fold
from drafting_app.wording.model import ClauseStatus, ReferenceIndex

PACK_SUBJECT = "Dossier de relecture Clausier"
REVIEWER_LABEL = "Relecteur"
#: the one big table of the packs written before the readable wording (still read back)
HEADERS = ("Clause", "Contenu à relire", "Décision", "Commentaire du relecteur")
#: the decision table that ends each clause's pages
DECISION_HEADERS = ("Clause", "Décision", "Commentaire du relecteur")
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


#: what a review pack may weigh, and hold once unpacked (a pack of 200 clauses: a few MB)
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
    """Read a filled-in review pack; ReviewError (French) when it is not one.

    The decisions are read from every decision table (one per clause), in order; a pack of an
    earlier version, with one big table, is read the same way.
    """
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
    found: list[PackRow] = []
    tables = 0
    for table in word.tables:
        rows = table.rows
        if not rows:
            continue
        first = _cells(rows[0])
        if first and fold(first[0]) == fold(REVIEWER_LABEL) and len(first) > 1:
            reviewer = first[1].strip()
        columns = _decision_columns(first)
        if columns is None:
            continue
        tables += 1
        for row in rows[1:]:
            cells = _cells(row)
            number = len(found) + 1
            if len(cells) <= max(columns):
                raise ReviewError([f"{path} : fiche {number} : il manque des colonnes au "
                                   "tableau de décision"])
            ident_text = cells[columns[0]]
            ident = ident_text.splitlines()
            clause_id = ident[0].strip() if ident else ""
            version = re.search(r"version\s+(\d+)", ident_text)
            stamp = re.search(r"empreinte\s*:\s*([0-9a-f]{8,})", ident_text)
            found.append(PackRow(number, clause_id,
                                 int(version.group(1)) if version else None,
                                 stamp.group(1) if stamp else None,
                                 cells[columns[1]].strip(), cells[columns[2]].strip()))
    if not tables:
        raise ReviewError([f"{path} : ce n’est pas un dossier de relecture Clausier (tableau "
                           f"« {' | '.join(DECISION_HEADERS)} » introuvable) : exportez-le avec "
                           "« clausier review export »"])
    return Pack(reviewer, tuple(found))


def _decision_columns(header: Sequence[str]) -> tuple[int, int, int] | None:
    """Where the clause, the decision and the comment are in a decision table's header."""
    folded = [fold(cell) for cell in header]
    wanted = [fold(name) for name in DECISION_HEADERS]
    if not folded or folded[0] != wanted[0] or not all(name in folded for name in wanted):
        return None
    return folded.index(wanted[0]), folded.index(wanted[1]), folded.index(wanted[2])


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
        where = f"fiche {row.row} (clause « {row.clause_id or '?'} »)"
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
            report.issues.append(f"{where} : la clause figure déjà fiche {seen[row.clause_id]} : "
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
