"""Données essentielles: the notified contracts in the national DECP 2.0.3 JSON format.

One `marche` per awarded lot (a contract without lots: one for the contract), for contracts
whose awarded amount reaches the publication threshold (CCP R2196-1, legal data
`donnees_essentielles_marche`). A contract that lacks a datum the format requires is not
exported: it is named with the missing fields, never exported half-filled. The document is
validated against the official schema (shipped next to this module) before it is returned.

What the dossier cannot know is written as follows, and said in the CLI's help: technique and
modalité d'exécution « Sans objet » (the dossier has no framework agreement or purchase orders),
`marcheInnovant` false, nature « Marché », the place of execution is `award.execution_place`
or else the buyer's postcode, and `dureeMois` includes the renewals, as the format asks.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from drafting_app.checks.legal_data import LegalData
from drafting_app.dossier.award import PriceKind
from drafting_app.dossier.model import Ccag, PriceForm, Procedure
from drafting_app.followup.records import ContractRecord, LotRecord

SCHEMA_PATH = Path(__file__).with_name("schema_decp_v2.0.3.json")
THRESHOLD_ID = "donnees_essentielles_marche"
ID_MAX = 16
OBJECT_MAX = 1000

CCAG = {
    Ccag.WORKS.value: "Travaux",
    Ccag.SUPPLIES_SERVICES.value: "Fournitures courantes et services",
    Ccag.INTELLECTUAL.value: "Prestations intellectuelles",
    Ccag.ICT.value: "Techniques de l'information et de la communication",
    Ccag.INDUSTRIAL.value: "Marchés industriels",
    Ccag.PROJECT_MANAGEMENT.value: "Maitrise d'œuvre",
}
PROCEDURES = {
    Procedure.ADAPTED.value: "Procédure adaptée",
    Procedure.OPEN_TENDER.value: "Appel d'offres ouvert",
    Procedure.RESTRICTED_TENDER.value: "Appel d'offres restreint",
    Procedure.NEGOTIATED.value: "Procédure avec négociation",
    Procedure.NO_ADVERTISING.value: "Marché passé sans publicité ni mise en concurrence préalable",
    Procedure.COMPETITIVE_DIALOGUE.value: "Dialogue compétitif",
}
PRICE_TYPES = {
    PriceForm.FIRM.value: "Définitif ferme",
    PriceForm.ADJUSTABLE.value: "Définitif actualisable",
    PriceForm.REVISABLE.value: "Définitif révisable",
}
PRICE_FORMS = {PriceKind.UNIT.value: "Unitaire", PriceKind.LUMP_SUM.value: "Forfaitaire",
               PriceKind.MIXED.value: "Mixte"}
GROUPINGS = {"conjoint": "Conjoint", "solidaire": "Solidaire"}


class DecpError(Exception):
    """The export does not match the official schema (a defect, reported in French)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Incomplete:
    """A contract left out because the format needs data its dossier lacks."""

    path: str
    reference: str
    missing: tuple[str, ...]


@dataclass(frozen=True)
class DecpExport:
    """The DECP document and what was exported, left out, or below the threshold."""

    document: dict[str, Any]
    exported: tuple[str, ...]
    incomplete: tuple[Incomplete, ...]
    below_threshold: tuple[str, ...]
    threshold_note: str = ""


@cache
def official_schema() -> dict[str, Any]:
    """The DECP 2.0.3 JSON schema (139bercy/format-commande-publique)."""
    data: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return data


def schema_problems(document: dict[str, Any], schema: dict[str, Any] | None = None) -> list[str]:
    """Where a document breaks the schema, one French line per error (empty: valid)."""
    from jsonschema import Draft7Validator

    validator = Draft7Validator(schema or official_schema())
    return [f"« {'/'.join(str(p) for p in error.absolute_path) or 'document'} » : "
            f"{error.message}" for error in sorted(validator.iter_errors(document), key=str)]


def _amount(value: Decimal) -> int | float:
    """A JSON number for an amount (integers stay integers)."""
    return int(value) if value == value.to_integral_value() else float(value)


def _lot_entry(record: ContractRecord, lot: LotRecord, lot_id: str, published: dt.date,
               ) -> tuple[dict[str, Any] | None, list[str]]:
    where = f"lot {lot.number} : " if lot.number is not None else ""
    missing: list[str] = []
    if len(lot_id) > ID_MAX:
        missing.append(f"{where}identifiant « {lot_id} » trop long ({len(lot_id)} caractères, "
                       f"{ID_MAX} au plus) : raccourcissez « tender.reference »")
    if not lot.cpv:
        missing.append(f"{where}code CPV manquant (« tender.lots.cpv_codes »)")
    if lot.offers is None:
        missing.append(f"{where}nombre d’offres reçues manquant "
                       "(« award.lots.offers_received »)")
    if lot.subcontracting is None:
        missing.append(f"{where}sous-traitance déclarée non renseignée "
                       "(« award.lots.subcontracting_declared »)")
    if len(lot.holders) > 1 and lot.grouping is None:
        missing.append(f"{where}type de groupement des cotitulaires manquant "
                       "(« award.lots.grouping »)")
    for holder in lot.holders:
        if not holder.siret:
            missing.append(f"{where}SIRET du titulaire « {holder.name} » manquant "
                           "(« award.lots.holders.siret »)")
    if lot.awarded is None or lot.awarded < 1:
        missing.append(f"{where}montant attribué manquant (« award.lots.amount »)")
    if missing:
        return None, missing
    assert lot.awarded is not None and lot.offers is not None
    objet = record.object if lot.number is None else f"{record.object} – lot {lot.number} : " \
        f"{lot.title}"
    entry: dict[str, Any] = {
        "id": lot_id,
        "acheteur": {"id": record.buyer_siret},
        "nature": "Marché",
        "objet": objet[:OBJECT_MAX],
        "codeCPV": lot.cpv,
        "techniques": {"technique": ["Sans objet"]},
        "modalitesExecution": {"modaliteExecution": ["Sans objet"]},
        "marcheInnovant": False,
        "ccag": CCAG.get(record.ccag or "", "Pas de CCAG"),
        "offresRecues": lot.offers,
        "attributionAvance": bool(record.advance_rate),
        "typeGroupementOperateurs": (GROUPINGS[lot.grouping] if lot.grouping and
                                     len(lot.holders) > 1 else "Pas de groupement"),
        "sousTraitanceDeclaree": lot.subcontracting,
        "procedure": PROCEDURES[record.procedure or ""],
        "lieuExecution": {"code": record.execution_place or record.buyer_postcode,
                          "typeCode": "Code postal"},
        "dureeMois": record.duration_months,
        "dateNotification": record.notification.isoformat() if record.notification else "",
        "datePublicationDonnees": published.isoformat(),
        "montant": _amount(lot.awarded),
        "typesPrix": {"typePrix": [PRICE_TYPES[record.price_form or ""]]},
        "formePrix": PRICE_FORMS[record.price_kind or ""],
        "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": h.siret}}
                       for h in lot.holders],
        "considerationsSociales": {"considerationSociale": list(record.social)},
        "considerationsEnvironnementales": {
            "considerationEnvironnementale": list(record.environmental)},
    }
    if record.advance_rate:
        entry["tauxAvance"] = float(record.advance_rate / 100)
    return entry, []


def export_decp(records: Sequence[ContractRecord], year: int, legal: LegalData,
                published: dt.date, duplicates: Sequence[str] = ()) -> DecpExport:
    """The contracts notified in `year`, as a validated DECP 2.0.3 document."""
    entries: list[dict[str, Any]] = []
    exported: list[str] = []
    incomplete: list[Incomplete] = []
    below: list[str] = []
    notes: set[str] = set()
    twins = set(duplicates)
    for record in sorted(records, key=lambda r: (r.notification or dt.date.min, r.reference)):
        if not (record.is_tender and record.notification and record.notification.year == year):
            continue
        threshold = legal.threshold(THRESHOLD_ID, record.notification)
        if threshold is None:
            notes.add("pas de seuil de publication en vigueur à la date de notification (format "
                      "applicable aux marchés notifiés à partir du 1er janvier 2024)")
            below.append(record.reference)
            continue
        if record.awarded < threshold.value:
            below.append(record.reference)
            continue
        missing: list[str] = []
        if record.reference in twins:
            missing.append("référence portée par un autre dossier du registre "
                           "(« tender.reference ») : les identifiants doivent être uniques")
        if record.price_kind is None:
            missing.append("forme du prix manquante (« award.price_kind » : unitaire, "
                           "forfaitaire ou mixte)")
        awarded = [lot for lot in record.lots if lot.awarded is not None]
        if not awarded:
            missing.append("aucun lot attribué (« award.lots »)")
        candidates = []
        for lot in awarded:
            lot_id = record.reference if len(record.lots) <= 1 else \
                f"{record.reference}-L{lot.number}"
            entry, lot_missing = _lot_entry(record, lot, lot_id, published)
            missing.extend(lot_missing)
            if entry is not None:
                candidates.append(entry)
        if missing:
            incomplete.append(Incomplete(record.path, record.reference, tuple(missing)))
            continue
        entries.extend(candidates)
        exported.append(record.reference)
    document = {"marches": {"marche": entries}}
    problems = schema_problems(document)
    if problems:
        raise DecpError(problems)
    return DecpExport(document, tuple(exported), tuple(incomplete), tuple(below),
                      " ; ".join(sorted(notes)))


def decp_json(export: DecpExport) -> str:
    """The document as the file is written (UTF-8, readable)."""
    return json.dumps(export.document, ensure_ascii=False, indent=2) + "\n"
