"""French names of the shared facts (`facts.…` in a template) as a reviewer reads them.

The facts of a dossier (`documents/facts.py`) are resolved once and printed by several pieces
and clauses: `facts.advance.sme_rate_differs`, `facts.lot(lot.number).minimum_text`. Like the
dossier's fields (`field_labels`), each has a noun phrase for running text, or, for a yes-or-no
fact, the proposition it states and its negation. A test checks that every field, property and
method of every facts class has a name here. `member_label` and `noun_of` look a name up in
either table.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from drafting_app.documents.facts import (
    Advance,
    ClauseToValidate,
    Condition,
    CriterionItem,
    CriterionOutline,
    Facts,
    LotFacts,
)
from drafting_app.review.field_labels import (
    MODEL_NOUNS,
    MONEY,
    PERCENT,
    FieldLabel,
    ModelNoun,
    field_label,
)

#: the name a template gives the facts
FACTS_NAME = "facts"

FACT_NOUNS: Mapping[type[Any], ModelNoun] = MappingProxyType({
    Facts: ModelNoun("données communes du dossier", "du dossier"),
    LotFacts: ModelNoun("lot", "du lot"),
    Advance: ModelNoun("avance", "de l’avance"),
    CriterionOutline: ModelNoun("critère d’attribution", "du critère d’attribution"),
    CriterionItem: ModelNoun("sous-critère ou élément d’appréciation",
                             "du sous-critère ou de l’élément d’appréciation"),
    Condition: ModelNoun("condition d’exécution", "de la condition d’exécution"),
    ClauseToValidate: ModelNoun("clause non encore validée", "de la clause non encore validée"),
})

L = FieldLabel

FACT_LABELS: Mapping[str, FieldLabel] = MappingProxyType({
    # the whole dossier
    "Facts.lots": L("lots du marché", item="lot du marché"),
    "Facts.turnover_required": L(
        "un chiffre d’affaires minimal est exigé des candidats",
        negation="aucun chiffre d’affaires minimal n’est exigé des candidats"),
    "Facts.advance": L("avance"),
    "Facts.criteria": L("critères d’attribution", item="critère d’attribution"),
    "Facts.conditions": L("conditions d’exécution sociales et environnementales",
                          item="condition d’exécution", feminine=True),
    "Facts.to_validate": L("clauses non encore validées par le service juridique",
                           item="clause non encore validée", feminine=True),
    "Facts.reference": L("référence du dossier"),
    "Facts.social_condition_due": L(
        "une condition d’exécution sociale est obligatoire pour chaque lot",
        negation="une condition d’exécution sociale n’est pas obligatoire pour chaque lot"),
    "Facts.purchase_family": L("famille d’achat"),
    "Facts.contract_form": L("forme du marché (marché ordinaire ou accord-cadre), en toutes "
                             "lettres"),
    "Facts.fair_trade_counted": L(
        "les produits du commerce équitable sont comptés parmi les produits durables et de "
        "qualité",
        negation="les produits du commerce équitable ne sont pas comptés parmi les produits "
        "durables et de qualité"),
    "Facts.plastics_from": L("date à compter de laquelle les contenants en plastique sont "
                             "interdits en restauration scolaire"),
    "Facts.small_commune": L(
        "la date plus tardive accordée aux petites communes s’applique",
        negation="la date plus tardive accordée aux petites communes ne s’applique pas"),
    "Facts.payment_days": L("délai de versement de chaque échéance, en jours"),
    "Facts.to_validate_by_status": L(
        "clauses non encore validées, regroupées par statut",
        item="statut de validation", parts=(
            L("statut de validation"),
            L("intitulés des clauses de ce statut", item="intitulé de clause"))),
    "Facts.lot": L("lot", key="number"),
    "Facts.lots_without_social_condition": L("lots sans condition d’exécution sociale",
                                             item="lot sans condition d’exécution sociale"),
    "Facts.any_minimum": L("un minimum est fixé pour au moins un lot",
                           negation="aucun minimum n’est fixé"),
    "Facts.lots_without_maximum": L("lots sans maximum", item="lot sans maximum"),
    # one lot
    "LotFacts.number": L("numéro {de}"),
    "LotFacts.title": L("intitulé {de}"),
    "LotFacts.amount": L("montant estimé {de}", MONEY),
    "LotFacts.reservation": L("réservation {de}"),
    "LotFacts.reservation_text": L("bénéficiaires de la réservation {de}, en toutes lettres"),
    "LotFacts.minimum_turnover": L("chiffre d’affaires minimal exigé {de}", MONEY),
    "LotFacts.pricing": L("forme des prix {de}"),
    "LotFacts.price_schedule": L("cadre de prix {de}"),
    "LotFacts.minimum": L("minimum {de}"),
    "LotFacts.maximum": L("maximum {de}"),
    "LotFacts.bounds_unit": L("unité du minimum et du maximum {de}"),
    "LotFacts.minimum_text": L("minimum {de} (montant HT, quantité ou « sans minimum »)"),
    "LotFacts.maximum_text": L("maximum {de} (montant HT ou quantité)"),
    "LotFacts.advance_due": L("l’avance est versée au titulaire {de}",
                              negation="l’avance n’est pas versée au titulaire {de}"),
    "LotFacts.social_conditions": L("conditions d’exécution sociales {de}",
                                    item="condition d’exécution sociale {de}", feminine=True),
    "LotFacts.social_exception": L("motif d’absence de condition d’exécution sociale {de}"),
    "LotFacts.environmental_conditions": L("conditions d’exécution environnementales {de}",
                                           item="condition d’exécution environnementale {de}",
                                           feminine=True),
    "LotFacts.insertion_hours": L("heures d’insertion {de} sur la durée maximale"),
    "LotFacts.insertion_hours_per_period": L("heures d’insertion {de} par période d’exécution"),
    "LotFacts.bounds_in_value": L(
        "le minimum et le maximum {de} sont des montants en euros HT",
        negation="le minimum et le maximum {de} sont des quantités"),
    # the advance
    "Advance.rate": L("taux de l’avance", PERCENT),
    "Advance.sme_rate": L("taux de l’avance pour les PME", PERCENT),
    "Advance.without_threshold": L(
        "l’avance est versée quel que soit le montant du marché",
        negation="l’avance n’est versée qu’au-delà du seuil de montant"),
    "Advance.threshold": L("montant initial au-delà duquel l’avance est due", MONEY),
    "Advance.sme_rate_differs": L(
        "le taux de l’avance pour les PME dépasse le taux général",
        negation="le taux de l’avance pour les PME ne dépasse pas le taux général"),
    # criteria and what a bidder answers for each
    "CriterionOutline.name": L("nom {de}"),
    "CriterionOutline.kind": L("nature {de}"),
    "CriterionOutline.weight": L("pondération {de}", PERCENT),
    "CriterionOutline.description": L("modalités d’appréciation {de}"),
    "CriterionOutline.items": L("sous-critères ou éléments d’appréciation {de}",
                                item="sous-critère ou élément d’appréciation {de}"),
    "CriterionOutline.items_are_elements": L(
        "le critère se décompose en éléments d’appréciation",
        negation="le critère ne se décompose pas en éléments d’appréciation"),
    "CriterionItem.name": L("nom {de}"),
    "CriterionItem.weight": L("points {de}"),
    # execution conditions, clauses to validate
    "Condition.title": L("intitulé {de}"),
    "Condition.lots": L("numéros des lots {de}", item="numéro de lot {de}"),
    "ClauseToValidate.id": L("identifiant {de}"),
    "ClauseToValidate.title": L("intitulé {de}"),
    "ClauseToValidate.status": L("statut {de}"),
})


def member_label(model: type[Any], name: str) -> FieldLabel | None:
    """The French name of a field, property or method of a dossier model or a facts class."""
    if model in FACT_NOUNS:
        return FACT_LABELS.get(f"{model.__name__}.{name}")
    return field_label(model, name)


def noun_of(model: type[Any]) -> ModelNoun:
    """How a clause names an object of the dossier or of its facts."""
    return FACT_NOUNS.get(model) or MODEL_NOUNS[model]
