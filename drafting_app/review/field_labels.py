"""French names of the dossier's fields as a reviewer reads them in a clause's wording.

The readable wording of a clause names every dossier field it reads (« [objet du marché] »,
« [numéro du lot] »). The UI has its own labels for its forms (`ui/field_specs.py`, short and
written for an input box); these are noun phrases for running text. `{de}` in a label is the
owner of the field as the clause names it (« du lot », « du critère d’attribution (nature :
performance sociale) »). A test checks that every field of every dossier model has a label here,
so that no Python name ever reaches a reviewer.
"""

from __future__ import annotations

import datetime as dt
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType, NoneType, UnionType
from typing import Any

from pydantic import BaseModel

from drafting_app.dossier.award import Award, ExecutionYear, Holder, LotAward, PaymentMade
from drafting_app.dossier.model import (
    Address,
    AdvisorAnswers,
    Association,
    BudgetLine,
    Buyer,
    ChosenClause,
    Criterion,
    Dossier,
    Indicator,
    Lot,
    Objective,
    Payment,
    Person,
    PriceLine,
    StaffLine,
    SubCriterion,
    Subsidy,
    Tender,
)

#: how a value is shown or compared: kinds a label may force (a Decimal is money or a percent)
MONEY = "money"
PERCENT = "percent"


@dataclass(frozen=True)
class FieldLabel:
    """The French name of a field; `item` names one element of a list field."""

    text: str
    kind: str = ""  # MONEY or PERCENT for a Decimal; otherwise read from the field's type
    item: str = ""


@dataclass(frozen=True)
class ModelNoun:
    """How a clause names an object of the dossier: « lot », and its owner form « du lot »."""

    noun: str
    of: str


MODEL_NOUNS: Mapping[type[BaseModel], ModelNoun] = MappingProxyType({
    Dossier: ModelNoun("dossier", "du dossier"),
    Buyer: ModelNoun("acheteur", "de l’acheteur"),
    Tender: ModelNoun("marché", "du marché"),
    Subsidy: ModelNoun("subvention", "de la subvention"),
    Lot: ModelNoun("lot", "du lot"),
    Criterion: ModelNoun("critère d’attribution", "du critère d’attribution"),
    SubCriterion: ModelNoun("sous-critère", "du sous-critère"),
    Objective: ModelNoun("objectif", "de l’objectif"),
    Indicator: ModelNoun("indicateur", "de l’indicateur"),
    Payment: ModelNoun("versement", "du versement"),
    BudgetLine: ModelNoun("poste du budget", "du poste du budget"),
    Association: ModelNoun("association", "de l’association"),
    Address: ModelNoun("adresse", "de l’adresse"),
    Person: ModelNoun("personne", "de la personne"),
    AdvisorAnswers: ModelNoun("qualification du besoin", "de la qualification du besoin"),
    ChosenClause: ModelNoun("clause choisie", "de la clause choisie"),
    Award: ModelNoun("attribution et exécution", "de l’attribution"),
    LotAward: ModelNoun("attribution du lot", "de l’attribution du lot"),
    Holder: ModelNoun("titulaire", "du titulaire"),
    ExecutionYear: ModelNoun("année d’exécution", "de l’année d’exécution"),
    PaymentMade: ModelNoun("versement effectué", "du versement effectué"),
    PriceLine: ModelNoun("ligne du bordereau des prix", "de la ligne du bordereau des prix"),
    StaffLine: ModelNoun("poste à reprendre", "du poste à reprendre"),
})

L = FieldLabel

FIELD_LABELS: Mapping[str, FieldLabel] = MappingProxyType({
    # dossier
    "Dossier.schema_version": L("version du format du dossier"),
    "Dossier.kind": L("type de dossier"),
    "Dossier.title": L("titre du dossier"),
    "Dossier.buyer": L("acheteur"),
    "Dossier.tender": L("marché"),
    "Dossier.subsidy": L("subvention"),
    "Dossier.clauses": L("clauses choisies", item="clause choisie"),
    "Dossier.advisor": L("qualification du besoin"),
    "Dossier.reference": L("référence du dossier"),
    # a postal address, a person who signs
    "Address.street": L("numéro et voie {de}"),
    "Address.postcode": L("code postal {de}"),
    "Address.city": L("commune {de}"),
    "Person.name": L("nom {de}"),
    "Person.title": L("qualité {de}"),
    # buyer
    "Buyer.name": L("nom de l’acheteur"),
    "Buyer.kind": L("type d’acheteur"),
    "Buyer.address": L("adresse de l’acheteur"),
    "Buyer.siret": L("SIRET de l’acheteur"),
    "Buyer.signatory": L("signataire pour l’acheteur"),
    "Buyer.operating_expenditure_over_60m": L(
        "dépenses de fonctionnement de l’acheteur supérieures à 60 millions d’euros"),
    "Buyer.accountant": L("comptable public assignataire"),
    "Buyer.population": L("nombre d’habitants de la commune"),
    "Buyer.central_government_authority": L(
        "établissement public national de l’État compté parmi les autorités centrales"),
    # tender
    "Tender.object": L("objet du marché"),
    "Tender.reference": L("référence de la consultation"),
    "Tender.contract_kind": L("type de marché"),
    "Tender.procedure": L("procédure"),
    "Tender.launch_date": L("date de lancement de la consultation"),
    "Tender.duration_months": L("durée du marché, en mois"),
    "Tender.ccag": L("CCAG de référence"),
    "Tender.lots": L("lots du marché", item="lot du marché"),
    "Tender.no_lots_reason": L("motif de non-allotissement"),
    "Tender.criteria": L("critères d’attribution", item="critère d’attribution"),
    "Tender.social_condition_exception": L("motif d’absence de condition d’exécution sociale"),
    "Tender.offers_deadline": L("date limite de remise des offres"),
    "Tender.buyer_profile_url": L("adresse du profil d’acheteur"),
    "Tender.variants_allowed": L("variantes autorisées"),
    "Tender.offers_validity_days": L("délai de validité des offres, en jours"),
    "Tender.renewals": L("nombre de reconductions"),
    "Tender.social_services": L("services sociaux et autres services spécifiques"),
    "Tender.price_form": L("forme du prix"),
    "Tender.price_index": L("index de révision ou d’actualisation des prix"),
    "Tender.advance_rate": L("taux de l’avance", PERCENT),
    "Tender.guarantee_retention_rate": L("taux de la retenue de garantie", PERCENT),
    "Tender.payment_days": L("délai de paiement, en jours"),
    "Tender.minimum_turnover": L("chiffre d’affaires minimal exigé", MONEY),
    "Tender.ess_previous_award_within_3_years": L(
        "marché réservé à l’ESS déjà attribué au même opérateur depuis moins de trois ans"),
    "Tender.advance_rate_sme": L("taux de l’avance pour les PME", PERCENT),
    "Tender.guarantee_retention_rate_sme": L("taux de la retenue de garantie pour les PME",
                                             PERCENT),
    "Tender.price_exposed_to_markets": L(
        "prix exposés à des aléas majeurs ou aux cours mondiaux des matières premières"),
    "Tender.environmental_condition": L(
        "condition d’exécution environnementale prévue hors des clauses choisies"),
    "Tender.social_condition": L("condition d’exécution sociale prévue hors des clauses choisies"),
    "Tender.total_amount": L("montant estimé de l’ensemble du marché", MONEY),
    "Tender.options_amount": L("montant estimé des options", MONEY),
    "Tender.estimated_value": L(
        "valeur estimée du marché, toutes options et reconductions comprises", MONEY),
    "Tender.public_service_entrusted": L("le marché confie l’exécution d’un service public"),
    "Tender.contract_form": L("forme du marché (marché ordinaire ou accord-cadre)"),
    "Tender.penalty_regime": L("régime des pénalités"),
    "Tender.budget_imputation": L("imputation budgétaire"),
    "Tender.site_visit": L("visite des lieux"),
    "Tender.site_visit_details": L("modalités de la visite des lieux"),
    "Tender.backup_copy_address": L("adresse d’envoi de la copie de sauvegarde"),
    "Tender.offer_language": L("langue de rédaction des offres"),
    "Tender.currency": L("monnaie du marché"),
    "Tender.review_body": L("instance chargée des procédures de recours"),
    "Tender.review_body_address": L("adresse de l’instance chargée des procédures de recours"),
    "Tender.purchase_family": L("famille d’achat"),
    "Tender.school_catering": L("restauration scolaire"),
    "Tender.groupement_rows": L("nombre de lignes prévues pour les membres d’un groupement"),
    # lots, criteria
    "Lot.number": L("numéro {de}"),
    "Lot.title": L("intitulé {de}"),
    "Lot.estimated_amount": L("montant estimé {de}", MONEY),
    "Lot.description": L("description {de}"),
    "Lot.reservation": L("réservation {de}"),
    "Lot.cpv_codes": L("codes CPV {de}", item="code CPV {de}"),
    "Lot.minimum": L("minimum {de}", MONEY),
    "Lot.maximum": L("maximum {de}", MONEY),
    "Lot.bounds_unit": L("unité du minimum et du maximum {de}"),
    "Lot.pricing": L("forme des prix {de}"),
    "Lot.price_lines": L("lignes du bordereau des prix {de}",
                         item="ligne du bordereau des prix {de}"),
    "Lot.staff_to_take_over": L("personnel à reprendre {de}", item="poste à reprendre {de}"),
    "PriceLine.label": L("désignation {de}"),
    "PriceLine.unit": L("unité {de}"),
    "PriceLine.quantity": L("quantité estimée {de}"),
    "PriceLine.reference": L("numéro de prix {de}"),
    "StaffLine.qualification": L("qualification {de}"),
    "StaffLine.level": L("niveau ou coefficient {de}"),
    "StaffLine.contract": L("nature du contrat {de}"),
    "StaffLine.monthly_hours": L("heures mensuelles {de}"),
    "StaffLine.seniority": L("ancienneté {de}"),
    "StaffLine.site": L("site d’affectation {de}"),
    "Lot.social_condition_exception": L(
        "motif d’absence de condition d’exécution sociale {de}"),
    "Criterion.name": L("nom {de}"),
    "Criterion.kind": L("nature {de}"),
    "Criterion.weight": L("pondération {de}", PERCENT),
    "Criterion.description": L("modalités d’appréciation {de}"),
    "Criterion.subcriteria": L("sous-critères {de}", item="sous-critère {de}"),
    "SubCriterion.name": L("nom {de}"),
    "SubCriterion.weight": L("points {de}"),
    # subsidy
    "Subsidy.association": L("association"),
    "Subsidy.project_title": L("intitulé du projet"),
    "Subsidy.project_description": L("description du projet"),
    "Subsidy.start_date": L("date de début de la convention"),
    "Subsidy.duration_years": L("durée de la convention, en années"),
    "Subsidy.annual_amount": L("montant annuel de la subvention", MONEY),
    "Subsidy.objectives": L("objectifs du projet", item="objectif du projet"),
    "Subsidy.payments": L("échéancier de versement", item="versement de l’échéancier"),
    "Subsidy.reference": L("référence de la convention"),
    "Subsidy.yearly_amounts": L("montants annuels de la subvention", MONEY,
                                item="montant annuel de la subvention"),
    "Subsidy.in_kind_value": L("valeur annuelle des contributions en nature", MONEY),
    "Subsidy.budget": L("budget prévisionnel du projet", item="poste du budget prévisionnel"),
    "Subsidy.steering_committee": L("comité de pilotage"),
    "Subsidy.surplus_allowed": L("l’association peut conserver un excédent raisonnable"),
    "Subsidy.sieg": L("mandat de service d’intérêt économique général (SIEG)"),
    "Subsidy.de_minimis_declared": L("aides de minimis déjà reçues sur trois ans", MONEY),
    "Subsidy.end_date": L("date de fin de la convention"),
    "Subsidy.total_amount": L("montant total de la subvention sur la durée de la convention",
                              MONEY),
    "Association.name": L("nom de l’association"),
    "Association.siret": L("SIRET de l’association"),
    "Association.rna": L("numéro RNA de l’association"),
    "Association.address": L("adresse de l’association"),
    "Association.representative": L("représentant légal de l’association"),
    "Association.object": L("objet statutaire de l’association"),
    "Objective.title": L("intitulé {de}"),
    "Objective.description": L("description {de}"),
    "Objective.indicators": L("indicateurs {de}", item="indicateur {de}"),
    "Indicator.name": L("nom {de}"),
    "Indicator.target": L("cible {de}"),
    "Payment.label": L("libellé {de}"),
    "Payment.amount": L("montant {de}", MONEY),
    "Payment.due": L("échéance {de}"),
    "BudgetLine.label": L("libellé {de}"),
    "BudgetLine.amount": L("montant {de}", MONEY),
    "BudgetLine.kind": L("nature {de} (charge ou produit)"),
    # the contracting-mode qualification, the chosen clauses
    "AdvisorAnswers.initiative": L("initiative du projet"),
    "AdvisorAnswers.authority_defines_need": L("la collectivité définit elle-même le besoin"),
    "AdvisorAnswers.price_for_service_received": L(
        "la somme versée rémunère un service rendu à la collectivité"),
    "AdvisorAnswers.public_service_mission": L(
        "le projet relève d’une mission de service public"),
    "AdvisorAnswers.multi_year": L("le soutien couvre plusieurs années"),
    "ChosenClause.id": L("identifiant {de}"),
    "ChosenClause.values": L("valeurs {de}"),
    "ChosenClause.lots": L("lots {de}", item="lot {de}"),
    "ChosenClause.version": L("version {de}"),
    # award and execution (follow-up of the contract or convention)
    "Dossier.award": L("attribution et exécution"),
    "Award.notification_date": L("date de notification"),
    "Award.service": L("service acheteur"),
    "Award.end_date": L("date de fin d’exécution"),
    "Award.execution_place": L("lieu principal d’exécution (code postal)"),
    "Award.price_kind": L("forme du prix retenue"),
    "Award.lots": L("attributions des lots", item="attribution d’un lot"),
    "Award.execution": L("bilans annuels d’exécution", item="bilan annuel d’exécution"),
    "Award.payments": L("versements effectués", item="versement effectué"),
    "Award.evaluation": L("évaluation de la convention"),
    "LotAward.lot": L("numéro du lot attribué"),
    "LotAward.holders": L("titulaires {de}", item="titulaire {de}"),
    "LotAward.amount": L("montant attribué", MONEY),
    "LotAward.offers_received": L("nombre d’offres reçues"),
    "LotAward.grouping": L("forme du groupement des titulaires"),
    "LotAward.subcontracting_declared": L("sous-traitance déclarée"),
    "Holder.name": L("nom {de}"),
    "Holder.siret": L("SIRET {de}"),
    "Holder.kind": L("catégorie {de}"),
    "Holder.amount": L("part du montant {de}", MONEY),
    "ExecutionYear.year": L("année"),
    "ExecutionYear.amount_spent": L("montant exécuté dans l’année", MONEY),
    "ExecutionYear.insertion_hours": L("heures d’insertion réalisées dans l’année"),
    "ExecutionYear.fair_trade_amount": L("achats issus du commerce équitable dans l’année",
                                         MONEY),
    "ExecutionYear.egalim_amount": L("achats de produits EGAlim dans l’année", MONEY),
    "ExecutionYear.comment": L("commentaire sur l’année"),
    "PaymentMade.date": L("date {de}"),
    "PaymentMade.amount": L("montant {de}", MONEY),
    "PaymentMade.label": L("libellé {de}"),
})


def field_label(model: type[BaseModel], name: str) -> FieldLabel | None:
    """The French name of a field (or property) of a dossier model, None when it has none."""
    return FIELD_LABELS.get(f"{model.__name__}.{name}")


def path_label(path: str) -> str | None:
    """The French name of a dotted dossier path (`tender.advance_rate`), None when unknown."""
    current: Any = Dossier
    label: FieldLabel | None = None
    for part in path.split("."):
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        label = field_label(current, part)
        if part not in current.model_fields or label is None:
            return None
        annotation = current.model_fields[part].annotation
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        current = args[0] if args and typing.get_origin(annotation) is not tuple else annotation
    if label is None:
        return None
    return label.text.replace(" {de}", "").replace("{de}", "")


def unwrap_type(annotation: Any) -> Any:
    """A field's type without Optional and Annotated."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, UnionType):
            args = [a for a in typing.get_args(annotation) if a is not NoneType]
            annotation = args[0] if len(args) == 1 else str
        else:
            return annotation


def field_type(model: type[BaseModel], name: str) -> Any:
    """The type of a model's field, property or method result; None when it has none."""
    if name in model.model_fields:
        return unwrap_type(model.model_fields[name].annotation)
    member = getattr(model, name, None)
    function = member.fget if isinstance(member, property) else member
    if callable(function):
        hints = typing.get_type_hints(function)
        return unwrap_type(hints.get("return"))
    return None


def is_model(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, BaseModel)


def python_kind(python_type: Any) -> str:
    """The kind of a dossier field from its Python type."""
    if python_type is bool:
        return "bool"
    if python_type is dt.datetime:
        return "datetime"
    if python_type is dt.date:
        return "date"
    if python_type in (int, float, Decimal):
        return "number"
    return "text"
