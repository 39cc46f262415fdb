"""French wording of the dossier's coded values, as documents print them."""

from __future__ import annotations

from enum import Enum
from types import MappingProxyType
from typing import Any

from drafting_app.dossier.model import (
    BuyerKind,
    Ccag,
    ContractForm,
    ContractKind,
    CriterionKind,
    DossierKind,
    PenaltyRegime,
    Pricing,
    Procedure,
    PurchaseFamily,
    SiteVisit,
)

#: each enumeration's labels apart: its values are strings, and « autre » of one would
#: otherwise replace « autre » of another in a single mapping
_GROUPS: tuple[dict[Any, str], ...] = ({
    DossierKind.TENDER: "marché public",
    DossierKind.ANNUAL_CONVENTION: "convention annuelle d’objectifs",
    DossierKind.CPO: "convention pluriannuelle d’objectifs",
}, {
    BuyerKind.COMMUNE: "commune",
    BuyerKind.EPCI: "établissement public de coopération intercommunale",
    BuyerKind.DEPARTEMENT: "département",
    BuyerKind.REGION: "région",
    BuyerKind.LOCAL_PUBLIC_BODY: "établissement public local",
    BuyerKind.STATE: "État",
    BuyerKind.STATE_PUBLIC_BODY: "établissement public de l’État",
    BuyerKind.HEALTH_PUBLIC_BODY: "établissement public de santé",
    BuyerKind.PUBLIC_COMPANY: "entreprise publique",
    BuyerKind.OTHER: "autre pouvoir adjudicateur",
}, {
    ContractKind.WORKS: "travaux",
    ContractKind.SUPPLIES: "fournitures",
    ContractKind.SERVICES: "services",
}, {
    Procedure.NO_ADVERTISING: "marché passé sans publicité ni mise en concurrence préalables",
    Procedure.ADAPTED: "procédure adaptée",
    Procedure.OPEN_TENDER: "appel d’offres ouvert",
    Procedure.RESTRICTED_TENDER: "appel d’offres restreint",
    Procedure.NEGOTIATED: "procédure avec négociation",
    Procedure.COMPETITIVE_DIALOGUE: "dialogue compétitif",
}, {
    Ccag.WORKS: "cahier des clauses administratives générales applicables aux marchés "
    "publics de travaux (CCAG-Travaux)",
    Ccag.SUPPLIES_SERVICES: "cahier des clauses administratives générales applicables aux "
    "marchés publics de fournitures courantes et de services (CCAG-FCS)",
    Ccag.INTELLECTUAL: "cahier des clauses administratives générales applicables aux "
    "marchés publics de prestations intellectuelles (CCAG-PI)",
    Ccag.ICT: "cahier des clauses administratives générales applicables aux marchés "
    "publics de techniques de l’information et de la communication (CCAG-TIC)",
    Ccag.INDUSTRIAL: "cahier des clauses administratives générales applicables aux "
    "marchés publics industriels (CCAG-MI)",
    Ccag.PROJECT_MANAGEMENT: "cahier des clauses administratives générales applicables aux "
    "marchés publics de maîtrise d’œuvre (CCAG-MOE)",
}, {
    CriterionKind.PRICE: "prix",
    CriterionKind.COST: "coût",
    CriterionKind.TECHNICAL: "valeur technique",
    CriterionKind.ENVIRONMENTAL: "performance environnementale",
    CriterionKind.SOCIAL: "performance sociale",
    CriterionKind.OTHER: "autre critère",
}, {
    ContractForm.ORDINARY: "marché ordinaire",
    ContractForm.PURCHASE_ORDERS: "accord-cadre à bons de commande",
    ContractForm.SUBSEQUENT_CONTRACTS: "accord-cadre à marchés subséquents",
    ContractForm.MIXED: "accord-cadre mixte",
}, {
    Pricing.UNIT: "prix unitaires",
    Pricing.LUMP_SUM: "prix global et forfaitaire",
    Pricing.MIXED: "prix mixtes",
}, {
    PenaltyRegime.CCAG: "régime du CCAG",
    PenaltyRegime.NO_EXEMPTION: "sans exonération (dérogation)",
    PenaltyRegime.NO_EXEMPTION_NO_CAP: "sans exonération ni plafond (dérogation)",
}, {
    SiteVisit.NONE: "aucune",
    SiteVisit.OPTIONAL: "facultative",
    SiteVisit.MANDATORY: "obligatoire",
}, {
    PurchaseFamily.CATERING: "restauration collective",
    PurchaseFamily.CLEANING: "propreté",
    PurchaseFamily.GREEN_SPACES: "espaces verts",
    PurchaseFamily.OTHER: "autre",
})

LABELS: MappingProxyType[tuple[type[Enum], Enum], str] = MappingProxyType(
    {(type(code), code): label for group in _GROUPS for code, label in group.items()})


def label_of(value: Any) -> str:
    """The French label of a coded value; other values print as they are."""
    if isinstance(value, Enum):
        return LABELS.get((type(value), value), str(value.value))
    return str(value)
