"""The review pack: clauses exported to Word on the house layout for a legal service to review.

The pack is written on the house layout, landscape. Its first page says how to fill it in and
holds a small table for the reviewer's name; a list of the clauses follows. Then each clause
has its own pages: identification, legal basis, note to the buyer, the values the buyer gives,
then side by side the wording a lawyer reads without knowing Jinja (every variant, placeholders
and conditions in French) and the same clause rendered with example values — or, in the pack of
one dossier, rendered with that dossier's values — and last a small decision table: the clause
(identifier, version, status, fingerprint: do not edit), the decision and the reviewer's
comment. The decisions come back with `pack_import.import_pack`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
from docx.shared import Cm, Length, Pt

from drafting_app.documents.blocks import Block, DocumentInfo, Heading
from drafting_app.documents.docx.errors import LayoutError
from drafting_app.documents.docx.layout import Layout, load_layout
from drafting_app.dossier.model import ChosenClause, Dossier, DossierKind
from drafting_app.dossier.storage import DossierError, load_dossier
from drafting_app.paths import default_layout
from drafting_app.review.clause_files import ClauseFiles, ReviewError, read_clause_files
from drafting_app.review.pack_import import (
    DECISION_HEADERS,
    DECISION_WORDS,
    HEADERS,
    PACK_SUBJECT,
    REVIEWER_LABEL,
    ImportReport,
    Pack,
    PackRow,
    import_pack,
    parse_decision,
    read_pack,
)
from drafting_app.review.readable import (
    END_MARK,
    NOTE_MARK,
    VALUE_MARK,
    describe_variable,
    readable_wording,
)
from drafting_app.review.stale import fold
from drafting_app.review.word import HouseDocument, repeat_header, set_widths
from drafting_app.wording.library import Clause, Library
from drafting_app.wording.markup import french_typography
from drafting_app.wording.model import (
    ClauseStatus,
    ReferenceIndex,
    ReferenceStatus,
    Variable,
    VariableType,
)
from drafting_app.wording.render import Formats, Renderer, RenderError, make_environment
from drafting_app.wording.samples import SampleDossiers
from drafting_app.wording.thresholds import threshold_labels

PACK_TITLE = "Dossier de relecture des clauses"
DECISION_WIDTHS = (Cm(7.0), Cm(5.0), Cm(12.7))

INSTRUCTIONS = (
    "Pour chaque clause, écrivez dans la case « Décision » qui termine sa fiche : « validé », "
    "« à revoir » (la clause retourne en rédaction : dites quoi changer dans le commentaire) "
    "ou « obsolète » ; laissez la case vide pour ne rien décider. Un commentaire sans décision "
    "est gardé dans l’historique de la clause. Ne modifiez pas la case « Clause » : elle "
    "identifie la version relue. Indiquez votre nom ci-dessous, puis rapportez les décisions "
    "avec « clausier review import " + "<fichier>.docx »."
)
LEGEND = (
    ("Comment lire la rédaction", ""),
    ("", "La colonne de gauche donne la rédaction de la clause telle que la bibliothèque la "
         "conserve, avec toutes ses variantes ; la colonne de droite, la même clause rédigée "
         "pour un dossier."),
    (VALUE_MARK + "[taux de l’avance, en pourcentage]" + END_MARK,
     " : une valeur saisie par l’acheteur pour la clause, ou tirée du dossier, désignée par "
     "son libellé ; « en lettres », « en euros » ou « en pourcentage » disent comment elle "
     "est écrite."),
    (NOTE_MARK + "[Si plusieurs lots :]" + END_MARK + " … " + NOTE_MARK + "[Sinon :]"
     + END_MARK + " … " + NOTE_MARK + "[Fin]" + END_MARK,
     " : un passage qui ne figure que dans le cas indiqué. Placée en tête d’un paragraphe, "
     "d’un élément de liste ou d’une ligne de tableau, la note vaut pour ce seul paragraphe, "
     "cet élément ou cette ligne ; sinon le passage va jusqu’à « [Fin de la condition] »."),
    (NOTE_MARK + "[Pour chaque lot concerné :]" + END_MARK,
     " : une ligne écrite une fois pour chaque lot (ou chaque élément d’une liste) ; « lots "
     "concernés » désigne les lots pour lesquels l’acheteur choisit la clause, ou tous les "
     "lots du marché."),
    ("", "La ponctuation d’une liste est celle du cas où tous ses éléments figurent. Les "
         "notes commençant par « À compléter » ou « À corriger » s’adressent à l’acheteur et "
         "disparaissent quand le dossier est complet."),
)
# --------------------------------------------------------------------------- export


@dataclass(frozen=True)
class PackSetup:
    """What a pack is written with besides its clauses: library, layout, organisation."""

    library: Library | None = None  # its sample dossiers render the examples
    layout: Layout | None = None  # None: the house layout shipped with Clausier
    organisation: str = ""  # shown at the top of the title page and in the header
    formats: Formats = field(default_factory=Formats)


@dataclass(frozen=True)
class PackEntry:
    """One clause of a pack; in the pack of a dossier, with the dossier's choice."""

    clause: Clause
    origin: str | None = None
    chosen: ChosenClause | None = None


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


def dossier_entries(dossier: Dossier, library: Library,
                    origins: Mapping[str, str] | None = None) -> list[PackEntry]:
    """Exactly the clauses a dossier uses, in its order; ReviewError naming unknown ones."""
    missing = [c.id for c in dossier.clauses if library.clause(c.id) is None]
    if missing:
        raise ReviewError([
            f"le dossier utilise {len(missing)} clause(s) absente(s) de la bibliothèque ou "
            f"invalide(s) : {', '.join(missing)} ; corrigez la bibliothèque (clausier library "
            "check) ou retirez-les du dossier"])
    entries = []
    for chosen in dossier.clauses:
        clause = library.clause(chosen.id)
        assert clause is not None
        entries.append(PackEntry(clause, (origins or {}).get(clause.id), chosen))
    return entries


def export_pack(
    clauses: Sequence[Clause],
    out: Path,
    today: dt.date,
    origins: Mapping[str, str] | None = None,
    selection: str = "",
    references: ReferenceIndex | None = None,
    setup: PackSetup | None = None,
) -> None:
    """Write the review pack of some clauses, atomically."""
    if not clauses:
        raise ReviewError(["aucune clause ne correspond à la sélection : rien à exporter"])
    entries = [PackEntry(c, (origins or {}).get(c.id)) for c in clauses]
    _PackWriter(entries, today, references, setup or PackSetup(), None, selection).write(out)


def export_dossier_pack(
    dossier: Dossier,
    library: Library,
    out: Path,
    today: dt.date,
    origins: Mapping[str, str] | None = None,
    setup: PackSetup | None = None,
) -> list[PackEntry]:
    """Write the review pack of the clauses a dossier uses, with its values; its entries."""
    entries = dossier_entries(dossier, library, origins)
    if not entries:
        raise ReviewError(["le dossier n’utilise aucune clause : rien à exporter"])
    base = setup or PackSetup()
    setup = PackSetup(base.library or library, base.layout,
                      base.organisation or dossier.buyer.name, base.formats)
    _PackWriter(entries, today, library.references, setup, dossier, "").write(out)
    return entries


def _sample_dossiers(library: Library | None, clauses: Sequence[Clause]) -> SampleDossiers:
    """The sample dossiers of the library (or of the library the clauses come from)."""
    paths: dict[DossierKind, Path] = dict(library.samples) if library is not None else {}
    if not paths and clauses:
        root = clauses[0].folder.parent.parent / "samples"
        for kind, name in ((DossierKind.TENDER, "marche_public.json"),
                           (DossierKind.ANNUAL_CONVENTION, "subvention.json")):
            if (root / name).exists():
                paths[kind] = root / name
    found: dict[DossierKind, Dossier] = {}
    for kind, path in paths.items():
        try:
            found[kind] = load_dossier(path)
        except DossierError:
            continue
    return SampleDossiers(found)


class _PackWriter:
    """Writes one pack: title page, list of clauses, then one section per clause."""

    def __init__(self, entries: Sequence[PackEntry], today: dt.date,
                 references: ReferenceIndex | None, setup: PackSetup, dossier: Dossier | None,
                 selection: str) -> None:
        self.entries = entries
        self.today = today
        self.references = references
        self.setup = setup
        self.dossier = dossier
        self.selection = selection
        self.formats = setup.formats
        self.env = make_environment(self.formats)
        clauses = [e.clause for e in entries]
        empty = Library(clauses[0].folder.parent.parent, {}, {})
        self.renderer = Renderer(setup.library or empty, self.env)
        self.thresholds = threshold_labels(self.renderer.legal_data())  # read once, shared
        self.samples = _sample_dossiers(setup.library, clauses)

    def write(self, out: Path) -> None:
        """Build the pack and save it atomically."""
        try:
            layout = self.setup.layout or load_layout(default_layout())
        except LayoutError as exc:
            raise ReviewError(list(exc.problems)) from None
        dossier = self.dossier
        if dossier is not None:
            subtitle = dossier.title
            reference = dossier.reference
        else:
            subtitle = "Bibliothèque de clauses" + (f" — {self.selection}" if self.selection
                                                    else "")
            reference = f"relecture du {self.formats.date_long(self.today)}"
        organisation = self.setup.organisation or "Clausier"
        info = DocumentInfo(title=PACK_TITLE, subject=PACK_SUBJECT, author=organisation,
                            reference=reference, buyer=organisation, subtitle=subtitle,
                            keywords=("clausier", "relecture"))
        house = HouseDocument.open(layout, info, landscape=True)
        self.house = house
        self.title_page(info)
        self.clause_list()
        for number, entry in enumerate(self.entries, start=1):
            self.clause_section(number, entry)
        properties = house.word.core_properties
        properties.keywords = "clausier relecture"
        house.save(out)

    # ------------------------------------------------------------------ first pages

    def title_page(self, info: DocumentInfo) -> None:
        house = self.house
        word = house.word
        house.paragraph(word, "title_buyer", info.buyer)
        title = house.paragraph(word, "title", PACK_TITLE)
        title.paragraph_format.space_before = Pt(18)
        title.paragraph_format.space_after = Pt(12)
        house.paragraph(word, "subtitle", info.subtitle).paragraph_format.space_after = Pt(6)
        when = self.formats.date_long(self.today)
        count = len(self.entries)
        line = f"Exporté le {when} — {count} clause{'s' if count > 1 else ''}"
        if self.dossier is not None:
            line = f"Référence : {self.dossier.reference} — " + line
        reference = house.paragraph(word, "title_reference", line)
        reference.paragraph_format.space_before = Pt(0)
        reference.paragraph_format.space_after = Pt(18)
        if self.dossier is not None:
            house.paragraph(word, "body", french_typography(
                "Ce dossier rassemble exactement les clauses que le dossier « "
                f"{self.dossier.title} » utilise, rédigées avec ses valeurs, pour que le "
                "service juridique approuve la consultation avant sa publication."))
        house.paragraph(word, "body", french_typography(INSTRUCTIONS), italic=True)
        reviewer = house.table(2, (Cm(5), Cm(12)))
        reviewer.rows[0].cells[0].paragraphs[0].add_run(REVIEWER_LABEL).bold = True
        reviewer.rows[1].cells[0].paragraphs[0].add_run("Date de relecture").bold = True
        house.page_break()
        for marked, text in LEGEND:
            if not text:
                house.heading(marked, 1)
                continue
            paragraph = house.paragraph(word, "body")
            house.marked(paragraph, marked)
            paragraph.add_run(french_typography(text))

    def clause_list(self) -> None:
        house = self.house
        house.heading("Clauses de ce dossier", 1)
        widths = (Cm(1.2), Cm(12.3), Cm(6.2), Cm(1.8), Cm(3.2))
        table = house.table(len(self.entries) + 1, widths)
        repeat_header(table)
        heads = ("N°", "Clause", "Identifiant", "Version", "Statut")
        for cell, text in zip(table.rows[0].cells, heads, strict=True):
            house.cell_paragraph(cell, text, bold=True)
        for number, (entry, row) in enumerate(zip(self.entries, table.rows[1:], strict=True),
                                              start=1):
            meta = entry.clause.meta
            values = (str(number), french_typography(meta.title), meta.id, str(meta.version),
                      meta.status.value)
            for cell, text in zip(row.cells, values, strict=True):
                house.cell_paragraph(cell, text)
        house.page_break()

    # ------------------------------------------------------------------ one clause

    def clause_section(self, number: int, entry: PackEntry) -> None:
        house = self.house
        word = house.word
        opened = read_clause_files(entry.clause.folder)
        meta = opened.meta
        if number > 1:
            house.page_break()
        house.heading(f"Clause {number} – {french_typography(meta.title)}", 1)
        facts = [meta.id, f"version {meta.version}", f"statut : {meta.status.value}",
                 f"catégorie : {meta.category}"]
        if entry.origin:
            facts.append(f"provenance : {entry.origin}")
        house.paragraph(word, "body", " · ".join(facts), grey=True, size=9)
        if entry.chosen is not None:
            self.dossier_facts(entry)
        self.legal_basis(opened)
        house.heading("Note à l’acheteur", 2)
        for paragraph in re.split(r"\n\s*\n", meta.note.strip()):
            house.paragraph(word, "body", french_typography(" ".join(paragraph.split())))
        if meta.variables:
            self.variables(entry, meta.variables)
        self.wordings(entry, opened)
        self.decision_table(opened, entry.origin)

    def dossier_facts(self, entry: PackEntry) -> None:
        assert entry.chosen is not None and self.dossier is not None
        chosen = entry.chosen
        meta = entry.clause.meta
        lines = []
        tender = self.dossier.tender
        if tender is not None and tender.lots:
            numbers = sorted(chosen.lots) if chosen.lots else [lot.number for lot in tender.lots]
            listed = ", ".join(str(n) for n in numbers[:-1])
            listed = f"{listed} et {numbers[-1]}" if listed else str(numbers[-1])
            scope = "tous les lots" if not chosen.lots else (
                f"lot{'s' if len(numbers) > 1 else ''} n° {listed}")
            lines.append(f"Retenue pour : {scope}.")
        if chosen.version is not None and chosen.version != meta.version:
            lines.append(f"Le dossier a été rédigé avec la version {chosen.version} de la "
                         f"clause ; la bibliothèque en est à la version {meta.version} : c’est "
                         "cette version qui est relue ici.")
        for line in lines:
            self.house.paragraph(self.house.word, "body", french_typography(line), bold=True)

    def legal_basis(self, opened: ClauseFiles) -> None:
        house = self.house
        meta = opened.meta
        house.heading("Fondement juridique", 2)
        if not meta.references:
            reason = meta.no_reference_reason.strip() or "aucune référence citée"
            house.paragraph(house.word, "body", french_typography(reason), italic=True)
        for reference in meta.references:
            note = f" — {reference.note}" if reference.note else ""
            checked = reference.checked.strftime("%d/%m/%Y")
            standing = (self.references.status_of(reference.text, reference.article)
                        if self.references is not None else ReferenceStatus.VERIFIED)
            state = (f"vérifié le {checked}" if standing is ReferenceStatus.VERIFIED
                     else f"à vérifier ; relevé le {checked}")
            paragraph = house.paragraph(house.word, "body")
            paragraph.paragraph_format.left_indent = Cm(0.6)
            paragraph.paragraph_format.first_line_indent = -Cm(0.6)
            paragraph.paragraph_format.space_after = Pt(2)
            paragraph.add_run("•\t")
            paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(0.6))
            paragraph.add_run(f"{reference.label()} ").bold = True
            paragraph.add_run(f"({state}){french_typography(note)}")

    def variables(self, entry: PackEntry, variables: Sequence[Variable]) -> None:
        house = self.house
        dossier = self.dossier
        house.heading("Valeurs données par l’acheteur", 2)
        third = "Valeur retenue dans ce dossier" if dossier is not None else "Valeur d’exemple"
        widths = (Cm(9.5), Cm(8.2), Cm(7.0))
        table = house.table(len(variables) + 1, widths)
        repeat_header(table)
        for cell, text in zip(table.rows[0].cells, ("Libellé", "Nature", third), strict=True):
            house.cell_paragraph(cell, text, bold=True)
        given = dict(entry.chosen.values) if entry.chosen is not None else \
            dict(entry.clause.sample_values)
        for variable, row in zip(variables, table.rows[1:], strict=True):
            house.cell_paragraph(row.cells[0], french_typography(variable.label))
            house.cell_paragraph(row.cells[1], describe_variable(variable, self.formats))
            house.cell_paragraph(row.cells[2], self.shown_value(variable, given, dossier))

    def shown_value(self, variable: Variable, given: Mapping[str, Any],
                    dossier: Dossier | None) -> str:
        if variable.name in given:
            return self.display(variable, given[variable.name])
        if dossier is not None and variable.dossier_field:
            from drafting_app.wording.values import dossier_value

            value = dossier_value(dossier, variable.dossier_field)
            if value is not None:
                return self.display(variable, value) + " (repris du dossier)"
        if variable.default is not None:
            return self.display(variable, variable.default) + " (par défaut)"
        return "—"

    def display(self, variable: Variable, value: Any) -> str:
        """A value as the buyer would read it."""
        from drafting_app.wording.values import coerce_value

        typed, problem = coerce_value(variable, value)
        if problem is not None or typed is None:
            return str(value)
        if isinstance(typed, bool):
            return "oui" if typed else "non"
        if variable.type is VariableType.PERCENT:
            return self.formats.percent(typed)
        if variable.type is VariableType.MONEY:
            return self.formats.money(typed)
        if isinstance(typed, int | Decimal):
            return self.formats.number(typed)
        if isinstance(typed, dt.date):
            return self.formats.date_long(typed)
        if isinstance(typed, tuple):
            return " ; ".join(typed) if typed else "(liste vide)"
        return str(typed)

    def wordings(self, entry: PackEntry, opened: ClauseFiles) -> None:
        house = self.house
        house.heading("Rédaction", 2)
        readable = readable_wording(opened.meta, opened.text, self.env, self.formats,
                                    self.thresholds)
        rendered, where = self.rendering(entry, opened)
        width = house.width()
        half = Length(int(width) // 2)
        table = house.table(2, (half, Length(int(width) - int(half))))
        repeat_header(table)
        left_title = "Rédaction à relire : toutes les variantes"
        house.cell_paragraph(table.rows[0].cells[0], left_title, bold=True)
        house.cell_paragraph(table.rows[0].cells[1], where, bold=True)
        left, right = table.rows[1].cells
        if readable.problems:
            house.cell_paragraph(left, "Passages non traduits : " + " ; ".join(
                readable.problems), italic=True)
        house.blocks(left, readable.blocks)
        if isinstance(rendered, str):
            house.cell_paragraph(right, rendered, italic=True)
        else:
            house.blocks(right, rendered)

    def rendering(self, entry: PackEntry, opened: ClauseFiles
                  ) -> tuple[tuple[Block, ...] | str, str]:
        """The clause rendered for the right-hand column, and that column's title."""
        clause = Clause(opened.meta, opened.text, entry.clause.folder,
                        entry.clause.sample_values, entry.clause.expected,
                        entry.clause.sample_lots)
        if self.dossier is not None and entry.chosen is not None:
            dossier: Dossier | None = self.dossier
            title = "Rédaction retenue pour ce dossier, avec ses valeurs"
            chosen = entry.chosen
        else:
            dossier = self.samples.for_clause(clause)
            title = "Exemple : la clause rédigée avec ses valeurs d’exemple"
            if dossier is not None:
                title += f" pour le dossier « {dossier.title} »"
            chosen = ChosenClause(id=clause.id, values=dict(clause.sample_values),
                                  lots=clause.sample_lots)
        if dossier is None:
            return "Aucun dossier d’exemple pour ce type de clause.", title
        try:
            blocks = Renderer(self.renderer.library, self.env).render_clause(
                clause, dossier, chosen)
        except RenderError as exc:
            problems = " ; ".join(p.message for p in exc.problems)
            return f"Rédaction impossible avec ces valeurs : {problems}", title
        return _unplaced(blocks, clause.meta.title), french_typography(title)

    def decision_table(self, opened: ClauseFiles, origin: str | None) -> None:
        house = self.house
        paragraph = house.paragraph(house.word, "body")
        paragraph.paragraph_format.keep_with_next = True
        paragraph.paragraph_format.space_before = Pt(8)
        paragraph.add_run("Décision du service juridique").bold = True
        table = house.table(2, DECISION_WIDTHS)
        for cell, text in zip(table.rows[0].cells, DECISION_HEADERS, strict=True):
            house.cell_paragraph(cell, text, bold=True)
            cell.paragraphs[0].paragraph_format.keep_with_next = True
        table.rows[0]._tr.get_or_add_trPr().append(docx.oxml.OxmlElement("w:cantSplit"))
        row = table.rows[1]
        row._tr.get_or_add_trPr().append(docx.oxml.OxmlElement("w:cantSplit"))
        row.height = Cm(2.2)
        ident = row.cells[0]
        meta = opened.meta
        house.cell_paragraph(ident, meta.id, bold=True)
        house.cell_paragraph(ident, f"version {meta.version}")
        house.cell_paragraph(ident, f"statut : {meta.status.value}")
        if origin:
            house.cell_paragraph(ident, f"provenance : {origin}")
        house.cell_paragraph(ident, f"empreinte : {opened.fingerprint}", grey=True, size=8)
        set_widths(table, DECISION_WIDTHS)


def _unplaced(blocks: Sequence[Block], title: str) -> tuple[Block, ...]:
    """A rendered clause without its own title, its sub-articles one level up."""
    out: list[Block] = []
    for index, block in enumerate(blocks):
        if index == 0 and isinstance(block, Heading) and block.level == 1:
            continue
        if isinstance(block, Heading) and block.level > 1:
            out.append(Heading(block.level - 1, block.runs, block.numbered))
        else:
            out.append(block)
    return tuple(out)


__all__ = [
    "DECISION_HEADERS", "DECISION_WORDS", "HEADERS", "PACK_SUBJECT", "PACK_TITLE", "REVIEWER_LABEL",
    "ImportReport", "Pack", "PackEntry", "PackRow", "PackSetup", "dossier_entries",
    "export_dossier_pack", "export_pack", "import_pack", "parse_decision", "parse_status",
    "read_pack", "select_clauses",
]
