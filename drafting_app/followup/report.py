"""The « Bilan annuel du SPASER » in Word: house layout, tables, charts, contracts counted.

The text goes through the project's Word writer (`documents.docx.export_docx`, the house
layout with its title page, contents, header and footer); each chart is a marked paragraph
that python-docx then replaces with the image, and the file is saved atomically.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from drafting_app.documents.blocks import (
    Block,
    Document,
    DocumentInfo,
    Heading,
    ListItem,
    Paragraph,
    Run,
    Table,
    TableOfContents,
)
from drafting_app.documents.docx import Layout, export_docx
from drafting_app.files.atomic import atomic_write_bytes
from drafting_app.followup import charts
from drafting_app.followup.bilan import Bilan
from drafting_app.followup.considerations import NO_ENVIRONMENTAL, NO_SOCIAL
from drafting_app.followup.indicators import INDICATORS, Figure, Unit
from drafting_app.followup.records import ContractRecord
from drafting_app.wording.render import Formats

CHART_MARKER = "[[graphique:{}]]"
KIND_LABELS = {"marche_public": "marché", "convention_annuelle": "convention annuelle",
               "cpo": "CPO"}
_CHART_WIDTH_CM = 16.0


def figure_text(figure: Figure, formats: Formats, value: Decimal | None = None) -> str:
    """A figure's value as the report writes it (`53,8 %`, `12 500,00 €`, `1 200 h`)."""
    value = figure.value if value is None else value
    if value is None:
        return "sans objet"
    if figure.unit is Unit.SHARE:
        return formats.percent(value)
    if figure.unit is Unit.MONEY:
        return formats.money(value)
    if figure.unit is Unit.HOURS:
        return f"{formats.number(value.quantize(Decimal(1)))}\u00a0h"
    return formats.number(value)


def reached_text(figure: Figure) -> str:
    """« atteint », « non atteint » or « – »."""
    reached = figure.reached()
    return "–" if reached is None else ("atteint" if reached else "non atteint")


def _p(text: str, style: str = "body") -> Paragraph:
    return Paragraph((Run(text),), style)


def _h(text: str, level: int = 1) -> Heading:
    return Heading(level, (Run(text),), numbered=False)


def _cells(*texts: str) -> tuple[tuple[Run, ...], ...]:
    return tuple((Run(text),) for text in texts)


def _bold_cells(*texts: str) -> tuple[tuple[Run, ...], ...]:
    return tuple((Run(text, bold=True),) for text in texts)


_SHORT = {"Clause sociale": "clause", "Critère social": "critère", "Marché réservé": "réservé",
          "Clause environnementale": "clause", "Critère environnemental": "critère"}


def _considerations(record: ContractRecord) -> str:
    """`sociales : clause, réservé ; environnementales : critère` (or « aucune »)."""
    social = [_SHORT[c] for c in record.social if c != NO_SOCIAL]
    environmental = [_SHORT[c] for c in record.environmental if c != NO_ENVIRONMENTAL]
    parts = []
    if social:
        parts.append("sociales : " + ", ".join(social))
    if environmental:
        parts.append("environnementales : " + ", ".join(environmental))
    return " ; ".join(parts) or "aucune"


def _target_text(figure: Figure, formats: Formats) -> str:
    if figure.target is None:
        return "–"
    return f"{figure_text(figure, formats, figure.target)} – {reached_text(figure)}"


def _holder_totals(records: Sequence[ContractRecord]) -> list[tuple[str, str, Decimal]]:
    """Holders of the records with their kind and total amount, largest first."""
    from drafting_app.followup.bilan import HOLDER_LABELS

    totals: dict[tuple[str, str], Decimal] = {}
    for record in records:
        for lot in record.lots:
            for holder in lot.holders:
                key = (holder.name, HOLDER_LABELS.get(holder.kind, holder.kind))
                totals[key] = totals.get(key, Decimal(0)) + holder.amount
    return sorted(((n, k, a) for (n, k), a in totals.items()), key=lambda t: (-t[2], t[0]))


def report_blocks(bilan: Bilan, formats: Formats) -> tuple[list[Block], dict[str, charts.Chart]]:
    """The report's blocks and its charts (keyed by marker name)."""
    scope = bilan.scope
    f = formats
    year_label = str(scope.year) if scope.year is not None else "toutes années"
    register = bilan.register
    tenders = [r for r in bilan.counted if r.is_tender]
    conventions = [r for r in bilan.counted if not r.is_tender]
    blocks: list[Block] = [TableOfContents()]
    pictures: dict[str, charts.Chart] = {}

    def chart(name: str, drawn: charts.Chart, number: int) -> None:
        pictures[name] = drawn
        blocks.append(_p(CHART_MARKER.format(name)))
        blocks.append(_p(f"Figure {number} – {drawn.title}.", "note"))

    blocks += [
        _h("Synthèse"),
        _p(f"Ce bilan rend compte de la mise en œuvre du schéma de promotion des achats "
           f"socialement et écologiquement responsables (SPASER, CCP art. L2111-3 et D2111-3) "
           f"pour {scope.label()}. Il porte sur {len(tenders)} marché(s) notifié(s) et "
           f"{len(conventions)} convention(s) de subvention signée(s), tels qu’enregistrés dans "
           f"le registre des dossiers Clausier."),
        _p(f"Registre : {register.folder} ({len(register.records)} dossier(s) lus). Bilan "
           f"établi le {f.date_long(bilan.today)}. Chaque chiffre est calculé à partir des "
           "dossiers eux-mêmes ; la liste des marchés comptés figure en fin de document."),
    ]
    if register.unreadable or register.duplicates:
        blocks.append(_p(f"Attention : {len(register.unreadable)} dossier(s) illisible(s) ne "
                         f"sont pas comptés et {len(register.duplicates)} référence(s) sont "
                         "portées par plusieurs dossiers ; voyez « Points d’attention ».", "note"))
    blocks.append(_p("Les indicateurs de l’année, rapprochés des objectifs du SPASER :"))
    rows = tuple(_cells(fig.label, figure_text(fig, f), _target_text(fig, f))
                 for fig in bilan.figures)
    blocks.append(Table(_bold_cells("Indicateur", "Valeur", "Objectif"), rows))

    # social and environmental considerations
    blocks.append(_h("Considérations sociales et environnementales"))
    social_n, social_a = bilan.figure("part_sociale_nombre"), bilan.figure("part_sociale_montant")
    env_n = bilan.figure("part_environnementale_nombre")
    env_a = bilan.figure("part_environnementale_montant")
    blocks.append(_p(
        f"{figure_text(social_n, f)} des marchés notifiés ({f.number(social_n.numerator or 0)} "
        f"sur {f.number(social_n.denominator or 0)}) comportent une clause sociale, un critère "
        f"social ou un lot réservé, soit {figure_text(social_a, f)} du montant attribué. "
        f"{figure_text(env_n, f)} comportent une clause ou un critère environnemental "
        f"({figure_text(env_a, f)} du montant)."))
    chart("parts", charts.shares_by_year(
        [(p.year, p.social_share, p.environmental_share) for p in bilan.history], f), 1)

    # insertion
    blocks.append(_h("Insertion professionnelle"))
    planned, done = bilan.figure("heures_prevues"), bilan.figure("heures_realisees")
    blocks.append(_p(
        f"Heures d’insertion prévues par les clauses des marchés en cours : "
        f"{figure_text(planned, f)} ; heures réalisées selon les bilans du facilitateur : "
        f"{figure_text(done, f)}."))
    for note in (planned.note, done.note):
        if note:
            blocks.append(_p(f"À compléter : {note}.", "note"))
    chart("heures", charts.hours_by_year(
        [(p.year, p.hours_planned, p.hours_done) for p in bilan.history], f), 2)

    # holders and reserved contracts
    blocks.append(_h("Titulaires et marchés réservés"))
    reserved = bilan.figure("lots_reserves")
    blocks.append(_p(f"Lots réservés dans les marchés notifiés : {figure_text(reserved, f)}."))
    if reserved.breakdown:
        blocks.append(Table(_bold_cells("Type de réservation", "Lots"),
                            tuple(_cells(label, f.number(n)) for label, n in reserved.breakdown)))
    chart("titulaires", charts.amounts_by_kind(bilan.by_holder_kind, f, year_label), 3)

    # fair trade and EGAlim
    blocks.append(_h("Commerce équitable et alimentation durable"))
    for indicator_id in ("part_commerce_equitable", "part_egalim"):
        fig = bilan.figure(indicator_id)
        detail = (f" ({f.money(fig.numerator or 0)} sur {f.money(fig.denominator or 0)} "
                  "exécutés)" if fig.value is not None else "")
        blocks.append(_p(f"{fig.label} : {figure_text(fig, f)}{detail}."))
        if fig.note:
            blocks.append(_p(f"À compléter : {fig.note}.", "note"))

    # subsidies
    blocks.append(_h("Subventions aux associations"))
    blocks.append(_p(
        f"Conventions signées : {figure_text(bilan.figure('conventions_signees'), f)}, pour "
        f"{figure_text(bilan.figure('montant_conventions'), f)} ; subventions versées dans la "
        f"période : {figure_text(bilan.figure('subventions_versees'), f)}."))
    if conventions:
        blocks.append(Table(
            _bold_cells("Référence", "Association", "Type", "Signature", "Montant"),
            tuple(_cells(r.reference, r.beneficiary, KIND_LABELS.get(r.kind, r.kind),
                         f.date_long(r.notification) if r.notification else "–",
                         f.money(r.estimated)) for r in conventions)))

    # renewals
    blocks.append(_h("Renouvellements à anticiper"))
    if bilan.renewals:
        blocks.append(_p(f"Marchés qui prennent fin dans les 18 mois suivant le "
                         f"{f.date_long(bilan.today)} :"))
        blocks.append(Table(
            _bold_cells("Marché", "Fin", "Famille", "Montant"),
            tuple(_cells(r.record.label, f.date_long(r.end), r.family, f.money(r.amount))
                  for r in bilan.renewals)))
        blocks.append(_p("Pistes pour la prochaine consultation :"))
        for renewal in bilan.renewals:
            blocks.append(ListItem((Run(f"{renewal.record.reference} : ", bold=True),
                                    Run(" ; ".join(renewal.suggestions) or "–")), False, 0, 3))
        known = sorted({name for r in bilan.renewals for name in r.known_operators})
        if known:
            blocks.append(_p("Structures inclusives déjà titulaires dans ces familles d’achat : "
                             + ", ".join(known) + "."))
    else:
        blocks.append(_p("Aucun marché du registre ne prend fin dans les 18 prochains mois."))

    # attention points
    blocks.append(_h("Points d’attention"))
    points = 0
    for item in register.unreadable:
        blocks.append(ListItem((Run(f"{item.path} : illisible, non compté — "
                                    + " ; ".join(item.problems)),), False, 0, 1))
        points += 1
    for twin in register.duplicates:
        blocks.append(ListItem((Run(f"La référence {twin.reference} est portée par plusieurs "
                                    f"dossiers : {', '.join(twin.paths)}."),), False, 0, 1))
        points += 1
    for fig in bilan.figures:
        if fig.note:
            blocks.append(ListItem((Run(f"{fig.label} : {fig.note}."),), False, 0, 1))
            points += 1
    if not points:
        blocks.append(_p("Aucun : tous les dossiers du registre ont été lus."))

    # contracts counted
    blocks.append(_h("Liste des marchés comptés"))
    if tenders:
        blocks.append(Table(
            _bold_cells("Marché", "Notification", "Montant attribué", "Considérations"),
            tuple(_cells(r.label, f.date_long(r.notification) if r.notification else "–",
                         f.money(r.awarded), _considerations(r)) for r in tenders)))
        holders = _holder_totals(tenders)
        if holders:
            blocks.append(_p("Titulaires de ces marchés :"))
            blocks.append(Table(_bold_cells("Titulaire", "Type", "Montant attribué"),
                                tuple(_cells(name, kind, f.money(amount))
                                      for name, kind, amount in holders)))
    else:
        blocks.append(_p("Aucun marché notifié dans la période."))

    # definitions
    blocks.append(_h("Définition des indicateurs"))
    for definition in INDICATORS:
        blocks.append(ListItem((Run(f"{definition.label} : ", bold=True),
                                Run(definition.definition)), False, 0, 2))
    blocks.append(_p("Objectifs : fichier objectifs.toml du registre. Les catégories sociales et "
                     "environnementales sont celles des données essentielles de la commande "
                     "publique (format des arrêtés du 22 décembre 2022).", "note"))
    return blocks, pictures


def write_report(bilan: Bilan, out: Path, layout: Layout, formats: Formats,
                 buyer: str = "") -> None:
    """Write the Word report (atomically): the house layout, then the charts in place."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    blocks, pictures = report_blocks(bilan, formats)
    year = bilan.scope.year
    info = DocumentInfo(
        title="Bilan annuel du SPASER",
        subject="Schéma de promotion des achats socialement et écologiquement responsables",
        author=buyer or "Clausier",
        reference=f"SPASER {year}" if year is not None else "SPASER",
        buyer=buyer,
        subtitle=(f"Année {year}" if year is not None else "Toutes années")
        + (f" – {bilan.scope.service}" if bilan.scope.service else ""),
        keywords=("SPASER", "achats responsables", "bilan"),
    )
    draft = out.with_name(f".{out.name}.brouillon.docx")
    try:
        export_docx(Document(info, tuple(blocks)), draft, layout)
        word = docx.Document(str(draft))
    finally:
        draft.unlink(missing_ok=True)
    _place_charts(word, pictures, Cm(_CHART_WIDTH_CM), WD_ALIGN_PARAGRAPH.CENTER)
    for table in word.tables:
        _widen_amounts(table)
    buffer = io.BytesIO()
    word.save(buffer)
    atomic_write_bytes(out, buffer.getvalue())


def _place_charts(word: object, pictures: dict[str, charts.Chart], width: object,
                  centre: object) -> None:
    paragraphs: Sequence[object] = word.paragraphs  # type: ignore[attr-defined]
    for paragraph in paragraphs:
        text: str = paragraph.text  # type: ignore[attr-defined]
        for name, drawn in pictures.items():
            if text.strip() == CHART_MARKER.format(name):
                for run in list(paragraph.runs):  # type: ignore[attr-defined]
                    run._element.getparent().remove(run._element)
                paragraph.add_run().add_picture(  # type: ignore[attr-defined]
                    io.BytesIO(drawn.png), width=width)
                paragraph.alignment = centre  # type: ignore[attr-defined]
                paragraph.paragraph_format.keep_with_next = True  # type: ignore[attr-defined]


_AMOUNT = re.compile(r"^[\d\s\u00a0\u202f.,]+(\u00a0?[€%h])?$")
_TWIPS_PER_CHARACTER = 115  # about 0.2 cm at the table text size
_PADDING_TWIPS = 260


def _widen_amounts(table: Any) -> None:
    """Give amount columns room for a whole amount on one line, taken from the widest column.

    The house writer sizes columns by their longest word and counts `12 500,00 €` as three
    words; a report's tables of amounts need each amount whole.
    """
    from docx.oxml.ns import qn

    grid = table._tbl.tblGrid
    columns = grid.findall(qn("w:gridCol"))
    rows = table.rows
    if len(rows) < 2 or not columns:
        return
    widths = [int(column.get(qn("w:w"))) for column in columns]
    for index in range(len(widths)):
        texts = [row.cells[index].text.strip() for row in list(rows)[1:]
                 if index < len(row.cells)]
        if not texts or not all(_AMOUNT.match(text) for text in texts if text and text != "–"):
            continue
        need = _PADDING_TWIPS + _TWIPS_PER_CHARACTER * max(len(text) for text in texts)
        widest = max(range(len(widths)), key=lambda i: widths[i])
        missing = need - widths[index]
        if missing <= 0 or widest == index or widths[widest] - missing < 1500:
            continue
        widths[index] += missing
        widths[widest] -= missing
    for column, width in zip(columns, widths, strict=True):
        column.set(qn("w:w"), str(width))
    for row in rows:
        for index, cell in enumerate(row.cells):
            if index < len(widths):
                tc_pr = cell._tc.get_or_add_tcPr()
                tc_w = tc_pr.find(qn("w:tcW"))
                if tc_w is None:
                    tc_w = tc_pr.makeelement(qn("w:tcW"), {})
                    tc_pr.append(tc_w)
                tc_w.set(qn("w:w"), str(widths[index]))
                tc_w.set(qn("w:type"), "dxa")
