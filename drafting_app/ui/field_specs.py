"""What the guided form shows for each dossier field, read from the pydantic model.

The widget of a field follows from its type in `drafting_app.model`, so a field added there
appears in the form without new widget code. This module only adds what a type cannot say:
the French label, the help text with its legal references, where the field goes (which step,
column or detail of a table) and when it is relevant.
"""

from __future__ import annotations

import datetime as dt
import types
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum, StrEnum
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from drafting_app.dossier.award import Grouping, HolderKind, PriceKind
from drafting_app.dossier.model import (
    BuyerKind,
    Ccag,
    ContractKind,
    CriterionKind,
    Dossier,
    DossierKind,
    Initiative,
    PriceForm,
    Procedure,
    Reservation,
)
from drafting_app.dossier.vocabulary import label_of
from drafting_app.ui.draft import FieldPath, get_in
from drafting_app.ui.i18n import Tr
from drafting_app.wording.model import Piece


class Kind(StrEnum):
    """Which editor a field gets."""

    TEXT = "text"
    LONG_TEXT = "long_text"
    INT = "int"
    YEAR = "year"  # an int shown without a thousands space: 2027
    DECIMAL = "decimal"
    MONEY = "money"
    PERCENT = "percent"
    DATE = "date"
    DATETIME = "datetime"
    BOOL = "bool"
    TRIBOOL = "tribool"
    CHOICE = "choice"
    GROUP = "group"
    TABLE = "table"
    LIST = "list"
    HIDDEN = "hidden"


@dataclass(frozen=True)
class FieldSpec:
    """A model field as the form sees it."""

    name: str
    kind: Kind
    required: bool
    optional: bool
    default: Any = None
    choices: tuple[Any, ...] = ()
    model: type[BaseModel] | None = None
    item_kind: Kind | None = None
    ge: Decimal | None = None
    le: Decimal | None = None
    places: int | None = None
    title: str = ""
    description: str = ""


def _constraints(metadata: list[Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for item in metadata:
        for key in ("ge", "le", "decimal_places", "min_length", "pattern"):
            value = getattr(item, key, None)
            if value is not None and key not in found:
                found[key] = value
        inner = getattr(item, "metadata", None)
        if isinstance(inner, list):
            for key, value in _constraints(inner).items():
                found.setdefault(key, value)
    return found


def _unwrap(annotation: Any) -> tuple[Any, bool, list[Any]]:
    """(core type, accepts None, constraint metadata) of an annotation."""
    optional = False
    metadata: list[Any] = []
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            args = get_args(annotation)
            annotation = args[0]
            metadata.extend(args[1:])
        elif origin in (Union, types.UnionType):
            members = [a for a in get_args(annotation) if a is not type(None)]
            optional = optional or len(members) < len(get_args(annotation))
            if len(members) != 1:
                return Any, optional, metadata
            annotation = members[0]
        else:
            return annotation, optional, metadata


def _scalar_kind(core: Any, constraints: Mapping[str, Any], optional: bool) -> Kind:
    if core is bool:
        return Kind.TRIBOOL if optional else Kind.BOOL
    if core is int:
        return Kind.INT
    if core is Decimal:
        if constraints.get("decimal_places") == 2:
            return Kind.MONEY
        if constraints.get("le") == 100:
            return Kind.PERCENT
        return Kind.DECIMAL
    if core is dt.datetime:
        return Kind.DATETIME
    if core is dt.date:
        return Kind.DATE
    if core is str:
        return Kind.TEXT
    if isinstance(core, type) and issubclass(core, Enum):
        return Kind.CHOICE
    if get_origin(core) is Literal:
        return Kind.CHOICE
    return Kind.HIDDEN


def _choices(core: Any) -> tuple[Any, ...]:
    if isinstance(core, type) and issubclass(core, Enum):
        return tuple(core)
    if get_origin(core) is Literal:
        return get_args(core)
    return ()


def describe_field(name: str, info: FieldInfo) -> FieldSpec:
    """The form's view of one pydantic field."""
    core, optional, metadata = _unwrap(info.annotation)
    constraints = _constraints([*info.metadata, *metadata])
    model: type[BaseModel] | None = None
    item_kind: Kind | None = None
    if isinstance(core, type) and issubclass(core, BaseModel):
        kind = Kind.GROUP
        model = core
    elif get_origin(core) is tuple and get_args(core)[1:] == (Ellipsis,):
        item, _item_optional, item_metadata = _unwrap(get_args(core)[0])
        if isinstance(item, type) and issubclass(item, BaseModel):
            kind, model = Kind.TABLE, item
        else:
            kind = Kind.LIST
            item_constraints = _constraints(item_metadata)
            item_kind = _scalar_kind(item, item_constraints, False)
            constraints = {**item_constraints, **constraints}
    else:
        kind = _scalar_kind(core, constraints, optional)
    default = None if info.is_required() else info.get_default(call_default_factory=True)

    def decimal_or_none(value: Any) -> Decimal | None:
        return None if value is None else Decimal(str(value))

    return FieldSpec(
        name=name,
        kind=kind,
        required=info.is_required(),
        optional=optional,
        default=default,
        choices=_choices(core),
        model=model,
        item_kind=item_kind,
        ge=decimal_or_none(constraints.get("ge")),
        le=decimal_or_none(constraints.get("le")),
        places=constraints.get("decimal_places"),
        title=info.title or "",
        description=info.description or "",
    )


def model_specs(model: type[BaseModel]) -> list[FieldSpec]:
    """Every field of a model, in declaration order."""
    return [describe_field(name, info) for name, info in model.model_fields.items()]


def spec_at(path: FieldPath, root: type[BaseModel] = Dossier) -> FieldSpec | None:
    """The spec of the field at a path (list indices skipped), or None."""
    model: type[BaseModel] | None = root
    spec: FieldSpec | None = None
    for part in path:
        if isinstance(part, int):
            continue
        if model is None or part not in model.model_fields:
            return None
        spec = describe_field(part, model.model_fields[part])
        model = spec.model
    return spec


# --------------------------------------------------------------------------- French texts


Ref = tuple[str, str]  # (text, article) exactly as in clause_library/legal/references.toml
CCP = "CCP"
LOI_2000 = "loi n° 2000-321 du 12 avril 2000"


@dataclass(frozen=True)
class FieldText:
    """The French face of a field: label, help with legal references, how it is shown."""

    label: str
    help: str = ""
    refs: tuple[Ref, ...] = ()
    kind: Kind | None = None  # overrides the kind the type gives
    hint: str = ""  # what a well-formed value looks like (pattern errors)
    placeholder: str = ""
    detail: bool = False  # in a table: edited below the table rather than in a column
    width: int = 0  # in a table: column width in characters (0: fit the header)
    hidden: bool = False
    add_label: str = ""  # a table's add button: « Ajouter un lot »
    options: str = ""  # choices read from the dossier: TENDER_LOTS (the tender's lots)


TENDER_LOTS = "tender_lots"  # FieldText.options: choose one of the tender's lot numbers


def field_texts(_: Tr, kind: DossierKind | None = None) -> dict[str, FieldText]:
    """Labels, help and references of the dossier fields, keyed by field pattern.

    A subsidy dossier speaks of the « collectivité », not of a buyer (`subsidy_texts`).
    """
    texts = tender_texts(_)
    if kind is not None and kind is not DossierKind.TENDER:
        texts.update(subsidy_texts(_))
    return texts


def subsidy_texts(_: Tr) -> dict[str, FieldText]:
    """What a convention says differently: the collectivité grants, it does not buy."""
    t = FieldText
    return {
        "title": t(_("Titre du dossier"),
                   _("Le nom sous lequel vous retrouverez ce dossier dans Clausier."),
                   placeholder=_("ex. : Soutien 2027 à l’épicerie solidaire")),
        "buyer": t(_("Collectivité")),
        "buyer.name": t(_("Nom de la collectivité"),
                        _("Telle qu’elle figure en tête de la convention."),
                        placeholder=_("ex. : Département de Maine-et-Loire")),
        "buyer.kind": t(_("Type de collectivité"),
                        _("Précisé en tête de la convention, avec le nom de la collectivité.")),
        "buyer.address": t(_("Adresse de la collectivité")),
        "buyer.siret": t(_("SIRET de la collectivité"),
                         _("14 chiffres ; les espaces sont acceptés. Il figure dans les données "
                           "essentielles de la convention."),
                         hint=_("14 chiffres")),
        "buyer.signatory": t(_("Signataire pour la collectivité")),
        "buyer.signatory.name": t(_("Nom du signataire"),
                                  placeholder=_("ex. : M. Jean Martin")),
        "buyer.signatory.title": t(_("Qualité du signataire"),
                                   placeholder=_("ex. : Président du conseil départemental")),
        # follow-up of the convention
        "award": t(_("Versements et évaluation")),
        "award.notification_date": t(
            _("Date de notification de la convention"),
            _("À remplir une fois la convention signée et notifiée à l’association : elle est "
              "alors comptée dans le Suivi (SPASER) de l’année de cette date.")),
        "award.service": t(_("Service gestionnaire"),
                           _("Le service qui suit la convention : le Suivi peut compter par "
                             "service."), placeholder=_("ex. : Mission ESS")),
        "award.end_date": t(_("Date de fin de la convention"),
                            _("Laissez vide : la fin se déduit de la date de début et de la "
                              "durée.")),
    }


def tender_texts(_: Tr) -> dict[str, FieldText]:
    """Labels, help and references of the dossier fields as a public buyer reads them."""
    t = FieldText
    return {
        "schema_version": t("", hidden=True),
        "kind": t("", hidden=True),
        "clauses": t("", hidden=True),
        # award and execution: filled once the contract is notified (followup/ reads them)
        "award": t(_("Attribution et exécution")),
        "award.notification_date": t(
            _("Date de notification du marché"),
            _("À remplir une fois le marché notifié : il est alors compté dans les indicateurs "
              "du SPASER de l’année de cette date et dans les données essentielles."),
            ((CCP, "L2111-3"), (CCP, "R2196-1"))),
        "award.service": t(_("Service acheteur"),
                           _("Le service qui suit le marché : le Suivi peut compter par "
                             "service."), placeholder=_("ex. : Direction des espaces verts")),
        "award.end_date": t(_("Date de fin d’exécution"),
                            _("Laissez vide : la fin se déduit de la notification et de la "
                              "durée, reconductions comprises. Elle sert à repérer les "
                              "renouvellements à anticiper.")),
        "award.execution_place": t(
            _("Lieu principal d’exécution (code postal)"),
            _("Laissez vide : le code postal de l’acheteur est repris dans les données "
              "essentielles."), hint=_("5 caractères, par exemple 49170"),
            placeholder=_("ex. : 49170")),
        "award.price_kind": t(_("Forme du prix retenue"),
                              _("Prix unitaires, forfaitaires ou mixtes : une donnée essentielle "
                                "du marché.")),
        "award.lots": t(
            _("Lots attribués"),
            _("Pour chaque lot : le lot, le montant attribué et le nombre d’offres reçues ; "
              "sélectionnez la ligne pour saisir le ou les titulaires. Un marché sans lots a "
              "une seule attribution, pour le marché entier."),
            add_label=_("Ajouter une attribution")),
        "award.lots[].lot": t(_("Lot"), _("Le lot attribué, parmi les lots du marché."),
                              width=30, options=TENDER_LOTS),
        "award.lots[].amount": t(_("Montant attribué (€ HT)"),
                                 _("Montant HT attribué pour ce lot, au titulaire ou au "
                                   "groupement."), width=14),
        "award.lots[].offers_received": t(_("Offres reçues"),
                                          _("Nombre d’offres reçues pour ce lot : une donnée "
                                            "essentielle du marché."), width=8),
        "award.lots[].holders": t(
            _("Titulaires"),
            _("Le titulaire du lot ; pour un groupement, chaque membre avec sa part : les parts "
              "additionnées font le montant attribué."), add_label=_("Ajouter un titulaire")),
        "award.lots[].holders[].name": t(_("Raison sociale"), width=30),
        "award.lots[].holders[].siret": t(_("SIRET"), _("14 chiffres ; les espaces sont acceptés."),
                                          hint=_("14 chiffres"), width=16),
        "award.lots[].holders[].kind": t(
            _("Catégorie"),
            _("Les montants attribués sont comptés par catégorie dans le bilan du SPASER."),
            (("code du travail", "L5132-4"), ("code du travail", "L5213-13"),
             ("code de l'action sociale et des familles", "L344-2"),
             ("loi n° 2014-856 du 31 juillet 2014", "1er")), width=18),
        "award.lots[].holders[].amount": t(_("Part (€ HT)"),
                                           _("Pour un groupement seulement : la part de ce "
                                             "titulaire."), width=10),
        "award.lots[].grouping": t(_("Forme du groupement"),
                                   _("Conjoint ou solidaire : une donnée essentielle du marché "
                                     "attribué à un groupement."), detail=True),
        "award.lots[].subcontracting_declared": t(
            _("Sous-traitance déclarée à l’attribution"),
            _("Une donnée essentielle du marché."), detail=True),
        "award.execution": t(
            _("Exécution, année par année"),
            _("Une ligne par année civile, d’après les bilans du titulaire et du facilitateur "
              "de la clause d’insertion : ces chiffres font le réalisé du bilan annuel du "
              "SPASER."), ((CCP, "D2111-3"),), add_label=_("Ajouter une année")),
        "award.execution[].year": t(_("Année"), kind=Kind.YEAR, width=6),
        "award.execution[].amount_spent": t(_("Exécuté (€ HT)"),
                                            _("Montant HT payé au titre du marché dans "
                                              "l’année."), width=12),
        "award.execution[].insertion_hours": t(
            _("Heures d’insertion"),
            _("Heures d’insertion réalisées dans l’année, telles que le facilitateur les "
              "compte."), kind=Kind.DECIMAL, width=10),
        "award.execution[].fair_trade_amount": t(
            _("Équitable (€ HT)"),
            _("Achats de produits issus du commerce équitable dans l’année."),
            (("loi n° 2005-882 du 2 août 2005", "60"),), width=12),
        "award.execution[].egalim_amount": t(
            _("EGAlim (€ HT)"),
            _("Achats de produits durables et de qualité comptés par la loi EGAlim dans "
              "l’année (restauration collective)."),
            (("code rural et de la pêche maritime", "L230-5-1"),), width=12),
        "award.execution[].comment": t(_("Commentaire sur l’année"),
                                       _("Ce que le bilan de l’année retient : difficultés, "
                                         "publics accompagnés, sorties vers l’emploi…"),
                                       kind=Kind.LONG_TEXT, detail=True),
        "award.payments": t(
            _("Versements effectués"),
            _("Chaque versement effectivement payé à l’association, à sa date : le Suivi compte "
              "les versements de l’année."), add_label=_("Ajouter un versement")),
        "award.payments[].date": t(_("Date"), width=14),
        "award.payments[].amount": t(_("Montant (€)"), width=14),
        "award.payments[].label": t(_("Libellé"), width=30),
        "award.evaluation": t(
            _("Évaluation"),
            _("Ce que le projet a réalisé au regard de ses objectifs et de ses indicateurs, "
              "d’après le compte rendu de l’association."), ((LOI_2000, "10"),),
            kind=Kind.LONG_TEXT),
        "title": t(_("Titre du dossier"),
                   _("Le nom sous lequel vous retrouverez ce dossier dans Clausier."),
                   placeholder=_("ex. : Entretien des espaces verts 2027-2029")),
        # buyer
        "buyer": t(_("Acheteur")),
        "buyer.name": t(_("Nom de l’acheteur"),
                        _("Tel qu’il figure en tête des documents et dans leurs propriétés."),
                        placeholder=_("ex. : Commune de Saint-Aubin-sur-Loire")),
        "buyer.kind": t(_("Type d’acheteur"),
                        _("Il détermine les seuils européens applicables et le délai de paiement "
                          "réglementaire."),
                        ((CCP, "R2192-10"), (CCP, "R2192-11"))),
        "buyer.address": t(_("Adresse")),
        "buyer.address.street": t(_("Numéro et voie")),
        "buyer.address.postcode": t(_("Code postal"), hint=_("5 chiffres")),
        "buyer.address.city": t(_("Commune")),
        "buyer.siret": t(_("SIRET"), _("14 chiffres ; les espaces sont acceptés."),
                         hint=_("14 chiffres")),
        "buyer.signatory": t(_("Signataire")),
        "buyer.signatory.name": t(_("Nom du signataire"), placeholder=_("ex. : Mme Claire Moreau")),
        "buyer.signatory.title": t(_("Qualité du signataire"), placeholder=_("ex. : Maire")),
        "buyer.operating_expenditure_over_60m": t(
            _("Dépenses de fonctionnement supérieures à 60 millions d’euros"),
            _("Pour ces acheteurs, l’avance due aux PME a un taux minimal plus élevé et la "
              "retenue de garantie demandée aux PME est plafonnée plus bas."),
            ((CCP, "R2191-7"), ("décret n° 2024-1251 du 30 décembre 2024", ""))),
        "buyer.central_government_authority": t(
            _("Établissement public de l’État inscrit parmi les autorités publiques centrales"),
            _("Pour un établissement public national de l’État figurant sur la liste des "
              "autorités publiques centrales (annexe 2 du code), le seuil européen des "
              "fournitures et services est plus bas ; la liste reste à vérifier.")),
        # tender: object and procedure
        "tender": t(_("Marché")),
        "tender.object": t(_("Objet du marché"),
                           _("Décrivez précisément le besoin : l’objet figure en tête de chaque "
                             "pièce."), kind=Kind.LONG_TEXT),
        "tender.reference": t(_("Référence de la consultation"),
                              _("Reprise dans l’en-tête des pièces et dans le nom des fichiers."),
                              placeholder=_("ex. : 2026-EV-014")),
        "tender.contract_kind": t(_("Type de marché"),
                                  _("Travaux, fournitures ou services : les seuils de procédure "
                                    "et le CCAG en dépendent.")),
        "tender.procedure": t(_("Procédure"),
                              _("Les seuils en vigueur à la date de lancement sont vérifiés "
                                "dans le panneau des constats."),
                              ((CCP, "R2122-8"),)),
        "tender.launch_date": t(_("Date de lancement de la consultation"),
                                _("Date d’envoi de l’avis ou de lancement : les règles vérifiées "
                                  "sont celles en vigueur ce jour-là.")),
        "tender.duration_months": t(_("Durée du marché (mois)"),
                                    _("Durée d’une période d’exécution, hors reconductions.")),
        "tender.ccag": t(_("CCAG de référence"),
                         _("Le marché s’y réfère expressément ; les dérogations sont listées dans "
                           "le dernier article du CCAP."),
                         ((CCP, "R2112-2"),
                          ("arrêtés du 30 mars 2021 portant approbation des CCAG", ""))),
        "tender.offers_deadline": t(_("Date limite de remise des offres"),
                                    _("Jour et heure, par exemple 15/01/2027 12:00.")),
        "tender.buyer_profile_url": t(_("Adresse du profil d’acheteur"),
                                      _("Les documents de la consultation y sont mis à disposition "
                                        "gratuitement."), ((CCP, "R2132-2"),),
                                      placeholder="https://"),
        "tender.variants_allowed": t(_("Variantes autorisées")),
        "tender.offers_validity_days": t(_("Délai de validité des offres (jours)")),
        "tender.renewals": t(_("Nombre de reconductions"),
                             _("0 si le marché n’est pas reconductible. Les seuils comparent la "
                               "valeur estimée, toutes reconductions comprises."),
                             ((CCP, "R2121-1"),)),
        "tender.options_amount": t(
            _("Montant des options (€ HT)"),
            _("Tranches optionnelles et prestations supplémentaires éventuelles, sur toute la "
              "durée : elles s’ajoutent à la valeur estimée qui se compare aux seuils."),
            ((CCP, "R2121-1"),)),
        "tender.public_service_entrusted": t(
            _("Le marché confie l’exécution d’un service public"),
            _("Accueil périscolaire, transport scolaire, accueil d’usagers… : le contrat "
              "rappelle l’égalité des usagers, la laïcité et la neutralité, avec le contrôle et "
              "les sanctions ; la clause correspondante est alors proposée."),
            (("loi n° 2021-1109 du 24 août 2021", "1er"),)),
        "tender.social_services": t(
            _("Services sociaux et autres services spécifiques"),
            _("Services de la liste de l’avis annexé au code : ils peuvent être achetés en "
              "procédure adaptée quel que soit leur montant."), ((CCP, "R2123-1"),)),
        # lots
        "tender.lots": t(_("Lots"),
                         _("Le marché est alloti, sauf si son objet ne permet pas d’identifier des "
                           "prestations distinctes."), ((CCP, "L2113-10"),),
                         add_label=_("Ajouter un lot")),
        "tender.lots[].number": t(_("N°"), width=4),
        "tender.lots[].title": t(_("Intitulé du lot"), width=30),
        "tender.lots[].estimated_amount": t(
            _("Montant par période (€ HT)"),
            _("Pour une période d’exécution, hors reconductions : Clausier le multiplie par le "
              "nombre de périodes (reconductions comprises) et ajoute les options pour comparer "
              "la valeur estimée aux seuils."), ((CCP, "R2121-1"),), width=14),
        "tender.lots[].description": t(_("Description du lot"), kind=Kind.LONG_TEXT, detail=True),
        "tender.lots[].reservation": t(
            _("Réservation"),
            _("Un lot réservé l’est à des opérateurs employant au moins la part minimale de "
              "travailleurs visés ; la réservation est annoncée dans l’avis."),
            ((CCP, "L2113-12"), (CCP, "L2113-13"), (CCP, "L2113-14"), (CCP, "L2113-15"),
             (CCP, "R2113-7")), width=22),
        "tender.lots[].cpv_codes": t(
            _("Codes CPV"),
            _("Séparés par des virgules. Pour une réservation à l’ESS, les services doivent "
              "figurer dans la liste des services sociaux et autres services spécifiques."),
            ((CCP, "L2113-15"),), hint=_("8 chiffres, éventuellement suivis de -chiffre"),
            detail=True),
        "tender.lots[].minimum": t(
            _("Minimum de l’accord-cadre"),
            _("Pour toute la durée, reconductions comprises ; en € HT, ou dans l’unité "
              "indiquée ci-dessous."), detail=True),
        "tender.lots[].maximum": t(
            _("Maximum de l’accord-cadre"),
            _("Obligatoire pour un accord-cadre, pour toute la durée, reconductions comprises ; "
              "en € HT, ou dans l’unité indiquée ci-dessous."), ((CCP, "R2162-4"),),
            detail=True),
        "tender.lots[].bounds_unit": t(
            _("Unité du minimum et du maximum"),
            _("Laissez vide pour des montants en € HT ; sinon l’unité de quantité (repas, "
              "heures…)."), detail=True),
        "tender.lots[].pricing": t(_("Forme des prix du lot"), detail=True),
        "tender.lots[].price_lines": t(
            _("Lignes du cadre de prix"),
            _("Chaque ligne du bordereau (ou de la décomposition) que les candidats chiffrent : "
              "désignation, unité, quantité estimée."), detail=True,
            add_label=_("Ajouter une ligne")),
        "tender.lots[].staff_to_take_over": t(
            _("Personnel à reprendre"),
            _("Les postes du titulaire sortant, sans nom : ils forment la liste jointe au "
              "dossier de la consultation."), detail=True, add_label=_("Ajouter un poste")),
        "tender.no_lots_reason": t(
            _("Motif de non-allotissement"),
            _("Obligatoire quand le marché n’est pas divisé en lots : impossibilité d’identifier "
              "des prestations distinctes, ou l’un des cas de l’article L2113-11."),
            ((CCP, "L2113-10"), (CCP, "L2113-11")), kind=Kind.LONG_TEXT),
        "tender.ess_previous_award_within_3_years": t(
            _("Un marché réservé à l’ESS pour les mêmes services a déjà été attribué au même "
              "opérateur au cours des 3 dernières années"),
            _("Un tel opérateur ne peut pas obtenir un nouveau marché réservé pour les mêmes "
              "services ; le marché réservé dure au plus 3 ans."),
            ((CCP, "L2113-15"), ("directive 2014/24/UE", "77"))),
        # criteria
        "tender.criteria": t(
            _("Critères d’attribution"),
            _("Au moins un critère environnemental ; le prix ne peut plus être le critère unique. "
              "En procédure formalisée, les critères sont pondérés."),
            ((CCP, "L2152-7"), (CCP, "R2152-7"), (CCP, "R2152-11")),
            add_label=_("Ajouter un critère")),
        "tender.criteria[].name": t(_("Critère"), width=30),
        "tender.criteria[].kind": t(_("Nature"), width=18),
        "tender.criteria[].weight": t(_("Pondération (%)"), width=10),
        "tender.criteria[].description": t(_("Modalités d’appréciation"), kind=Kind.LONG_TEXT,
                                           detail=True),
        "tender.criteria[].subcriteria": t(
            _("Sous-critères"),
            _("Leur pondération est communiquée quand elle peut influencer la préparation des "
              "offres."), detail=True, add_label=_("Ajouter un sous-critère")),
        "tender.criteria[].subcriteria[].name": t(_("Sous-critère"), width=30),
        "tender.criteria[].subcriteria[].weight": t(_("Points"), width=8),
        "tender.lots[].social_condition_exception": t(
            _("Motif d’absence de condition sociale pour ce lot"),
            _("À remplir si le marché atteint les seuils européens et que ce lot n’a pas de "
              "condition d’exécution sociale ou relative à l’emploi : indiquez pourquoi."),
            ((CCP, "L2112-2-1"),), kind=Kind.LONG_TEXT, detail=True),
        "tender.social_condition_exception": t(
            _("Motif d’absence de condition d’exécution sociale"),
            _("À remplir si le marché atteint les seuils européens sans comporter de condition "
              "d’exécution sociale ou relative à l’emploi : indiquez pourquoi."),
            ((CCP, "L2112-2-1"),), kind=Kind.LONG_TEXT),
        "tender.environmental_condition": t(
            _("Condition d’exécution environnementale prévue hors des clauses choisies"),
            _("Si une condition environnementale figure ailleurs (dans le CCTP, par exemple), "
              "décrivez-la : la nouvelle rédaction de l’article L2112-2 la rend obligatoire."),
            ((CCP, "L2112-2"), ("loi n° 2021-1104 du 22 août 2021", "35")), kind=Kind.LONG_TEXT),
        "tender.social_condition": t(
            _("Condition d’exécution sociale prévue hors des clauses choisies"),
            _("Décrivez-la si elle figure ailleurs que dans les clauses choisies ; au-delà des "
              "seuils européens, une condition sociale ou relative à l’emploi est requise."),
            ((CCP, "L2112-2-1"),), kind=Kind.LONG_TEXT),
        # price and payment
        "tender.price_form": t(
            _("Forme du prix"),
            _("Une clause de révision est obligatoire en cas d’aléas économiques majeurs, ou pour "
              "un marché de plus de 3 mois dépendant de matières premières cotées."),
            ((CCP, "R2112-13"), (CCP, "R2112-14"))),
        "tender.price_exposed_to_markets": t(
            _("Prix exposés à des aléas majeurs ou aux cours mondiaux des matières premières"),
            _("Une clause de révision des prix est alors obligatoire."),
            ((CCP, "R2112-13"), (CCP, "R2112-14"))),
        "tender.price_index": t(_("Index de révision ou d’actualisation"),
                                _("Au moins un index officiel, par exemple un index de l’INSEE."),
                                ((CCP, "R2112-14"),)),
        "tender.advance_rate": t(
            _("Taux de l’avance (%)"),
            _("L’avance est obligatoire au-delà d’un montant et d’une durée fixés par le code ; "
              "son taux minimal dépend de l’acheteur et de la taille du titulaire."),
            ((CCP, "R2191-3"), (CCP, "R2191-7"))),
        "tender.advance_rate_sme": t(
            _("Taux de l’avance pour les PME (%)"),
            _("Laissez vide s’il est le même que le taux général ; le code fixe un taux minimal "
              "plus élevé pour les PME."), ((CCP, "R2191-7"),)),
        "tender.guarantee_retention_rate_sme": t(
            _("Taux de la retenue de garantie pour les PME (%)"),
            _("Laissez vide s’il est le même que le taux général ; il est plafonné plus bas pour "
              "les PME quand l’acheteur dépense plus de 60 millions d’euros par an."),
            (("décret n° 2024-1251 du 30 décembre 2024", ""),)),
        "tender.guarantee_retention_rate": t(
            _("Taux de la retenue de garantie (%)"),
            _("Elle peut être remplacée par une garantie à première demande ou une caution "
              "personnelle et solidaire."), ((CCP, "R2191-32"), (CCP, "R2191-33"))),
        "tender.payment_days": t(_("Délai de paiement (jours)"),
                                 _("Laissez vide pour appliquer le délai réglementaire de votre "
                                   "type d’acheteur."), ((CCP, "R2192-10"), (CCP, "R2192-11"))),
        "tender.minimum_turnover": t(_("Chiffre d’affaires minimal exigé (€ HT)"),
                                     _("Plafonné par le code à un multiple de la valeur estimée, "
                                       "sauf justification."), ((CCP, "R2142-7"),)),
        # subsidy
        "subsidy": t(_("Subvention")),
        "subsidy.association": t(_("Association")),
        "subsidy.association.name": t(_("Nom de l’association")),
        "subsidy.association.siret": t(_("SIRET"), _("14 chiffres ; les espaces sont acceptés."),
                                       hint=_("14 chiffres")),
        "subsidy.association.rna": t(_("Numéro RNA"), _("W suivi de 9 chiffres."),
                                     hint=_("W suivi de 9 chiffres")),
        "subsidy.association.address": t(_("Adresse")),
        "subsidy.association.address.street": t(_("Numéro et voie")),
        "subsidy.association.address.postcode": t(_("Code postal"), hint=_("5 chiffres")),
        "subsidy.association.address.city": t(_("Commune")),
        "subsidy.association.representative": t(_("Représentant légal")),
        "subsidy.association.representative.name": t(_("Nom du représentant")),
        "subsidy.association.representative.title": t(_("Qualité"),
                                                      placeholder=_("ex. : Présidente")),
        "subsidy.association.object": t(_("Objet statutaire"), kind=Kind.LONG_TEXT),
        "subsidy.project_title": t(_("Intitulé du projet"),
                                   _("Le projet est initié, défini et mis en œuvre par "
                                     "l’association."), ((LOI_2000, "9-1"),)),
        "subsidy.project_description": t(_("Description du projet"), kind=Kind.LONG_TEXT),
        "subsidy.start_date": t(_("Date de début")),
        "subsidy.duration_years": t(
            _("Durée (années)"),
            _("Une convention pluriannuelle d’objectifs dure en principe jusqu’à 4 ans."),
            (("circulaire du Premier ministre n° 5811/SG du 29 septembre 2015", ""),)),
        "subsidy.annual_amount": t(
            _("Montant annuel de la subvention (€)"),
            _("Au-delà du seuil fixé par décret, une convention écrite est obligatoire ; les "
              "contributions en nature valorisées comptent."),
            ((LOI_2000, "10"), ("décret n° 2001-495 du 6 juin 2001", "1er"))),
        "subsidy.reference": t(_("Référence de la convention"),
                               placeholder=_("ex. : DEP49-ESS-2027-031")),
        "subsidy.yearly_amounts": t(
            _("Montants de chaque année (€)"),
            _("Séparés par des points-virgules, sous réserve du vote du budget ; vide : le "
              "montant annuel chaque année."),
            (("circulaire du Premier ministre n° 5811/SG du 29 septembre 2015", ""),)),
        "subsidy.in_kind_value": t(_("Valeur des contributions en nature (€)"),
                                   _("Locaux, matériel, personnel mis à disposition."),
                                   ((LOI_2000, "10"),)),
        "subsidy.objectives": t(_("Objectifs"),
                                _("Chaque objectif avec ses indicateurs : ils fondent "
                                  "l’évaluation prévue par la convention."), ((LOI_2000, "10"),),
                                add_label=_("Ajouter un objectif")),
        "subsidy.objectives[].title": t(_("Objectif"), width=40),
        "subsidy.objectives[].description": t(_("Description"), kind=Kind.LONG_TEXT, detail=True),
        "subsidy.objectives[].indicators": t(_("Indicateurs"), detail=True,
                                             add_label=_("Ajouter un indicateur")),
        "subsidy.objectives[].indicators[].name": t(_("Indicateur"), width=30),
        "subsidy.objectives[].indicators[].target": t(_("Cible"), width=24),
        "subsidy.payments": t(_("Échéancier de versement"),
                              _("Sauf stipulation contraire, la subvention est versée dans les "
                                "60 jours de la notification de la décision."),
                              (("loi n° 2021-875 du 1er juillet 2021", "2"),),
                              add_label=_("Ajouter un versement")),
        "subsidy.payments[].label": t(_("Versement"), width=16),
        "subsidy.payments[].amount": t(_("Montant (€)"), width=14),
        "subsidy.payments[].due": t(_("Échéance"), width=30),
        "subsidy.budget": t(_("Budget prévisionnel du projet"),
                            add_label=_("Ajouter un poste")),
        "subsidy.budget[].label": t(_("Poste"), width=30),
        "subsidy.budget[].amount": t(_("Montant (€)"), width=14),
        "subsidy.budget[].kind": t(_("Charge ou produit"), width=12),
        "subsidy.steering_committee": t(_("Comité de pilotage"),
                                        _("Un comité réunissant la collectivité et l’association "
                                          "suit le projet et son évaluation.")),
        "subsidy.surplus_allowed": t(_("L’association peut conserver un excédent raisonnable"),
                                     refs=((LOI_2000, "10"),)),
        "subsidy.sieg": t(_("Mandat de service d’intérêt économique général (SIEG)"),
                          _("La convention vaut alors mandat ; la compensation ne doit pas "
                            "dépasser le coût net du service."),
                          (("décision 2012/21/UE", ""),)),
        "subsidy.de_minimis_declared": t(
            _("Aides de minimis déjà reçues sur 3 ans (€)"),
            _("Montant déclaré par l’association, pour vérifier le plafond de minimis."),
            (("règlement (UE) 2023/2831", ""),)),
        # advisor
        "advisor": t(_("Subvention ou marché public ?"),
                     _("Une subvention finance un projet initié, défini et mis en œuvre par "
                       "l’association ; si la collectivité définit le besoin et rémunère une "
                       "prestation, c’est un marché public."),
                     ((LOI_2000, "9-1"), (CCP, "L1100-1"))),
        "advisor.initiative": t(_("Qui est à l’initiative du projet ?")),
        "advisor.authority_defines_need": t(
            _("La collectivité définit-elle elle-même le besoin ?")),
        "advisor.price_for_service_received": t(
            _("La somme versée rémunère-t-elle un service rendu à la collectivité ?")),
        "advisor.multi_year": t(
            _("Le soutien couvre-t-il plusieurs années ?"),
            _("Si oui, une convention pluriannuelle d’objectifs (CPO) convient mieux."),
            (("circulaire du Premier ministre n° 5811/SG du 29 septembre 2015", ""),)),
        "advisor.public_service_mission": t(
            _("Le projet relève-t-il d’une mission de service public confiée à l’association ?")),
    }


def choice_labels(_: Tr) -> dict[Any, str]:
    """Short French labels of coded values for lists and combo boxes (see `choice_label`).

    Two enumerations may code different things with the same text (`siae`: a reserved lot,
    a kind of holder; `autre`): the labels are keyed by the value's type as well.
    """
    pairs: list[tuple[Any, str]] = [
        (ContractKind.WORKS, _("Travaux")),
        (ContractKind.SUPPLIES, _("Fournitures")),
        (ContractKind.SERVICES, _("Services")),
        (Procedure.NO_ADVERTISING, _("Sans publicité ni mise en concurrence")),
        (Procedure.ADAPTED, _("Procédure adaptée (MAPA)")),
        (Procedure.OPEN_TENDER, _("Appel d’offres ouvert")),
        (Procedure.RESTRICTED_TENDER, _("Appel d’offres restreint")),
        (Procedure.NEGOTIATED, _("Procédure avec négociation")),
        (Procedure.COMPETITIVE_DIALOGUE, _("Dialogue compétitif")),
        (Ccag.WORKS, _("CCAG-Travaux — travaux")),
        (Ccag.SUPPLIES_SERVICES, _("CCAG-FCS — fournitures courantes et services")),
        (Ccag.INTELLECTUAL, _("CCAG-PI — prestations intellectuelles")),
        (Ccag.ICT, _("CCAG-TIC — techniques de l’information et de la communication")),
        (Ccag.INDUSTRIAL, _("CCAG-MI — marchés industriels")),
        (Ccag.PROJECT_MANAGEMENT, _("CCAG-MOE — maîtrise d’œuvre")),
        (CriterionKind.PRICE, _("Prix")),
        (CriterionKind.COST, _("Coût (cycle de vie)")),
        (CriterionKind.TECHNICAL, _("Valeur technique")),
        (CriterionKind.ENVIRONMENTAL, _("Environnemental")),
        (CriterionKind.SOCIAL, _("Social")),
        (CriterionKind.OTHER, _("Autre")),
        (BuyerKind.OTHER, _("Autre pouvoir adjudicateur")),
        (Reservation.DISABLED, _("EA et ESAT (L2113-12)")),
        (Reservation.INSERTION, _("SIAE (L2113-13)")),
        (Reservation.BOTH, _("EA, ESAT et SIAE (L2113-14)")),
        (Reservation.PRISON, _("Travail des détenus (L2113-13-1)")),
        (Reservation.ESS, _("Entreprises de l’ESS (L2113-15)")),
        (PriceForm.FIRM, _("Ferme")),
        (PriceForm.ADJUSTABLE, _("Actualisable")),
        (PriceForm.REVISABLE, _("Révisable")),
        (Initiative.ASSOCIATION, _("L’association")),
        (Initiative.AUTHORITY, _("La collectivité")),
        (Initiative.JOINT, _("Co-construction")),
        (DossierKind.TENDER, _("Marché public")),
        (DossierKind.ANNUAL_CONVENTION, _("Convention annuelle d’objectifs")),
        (DossierKind.CPO, _("Convention pluriannuelle d’objectifs (CPO)")),
        ("charge", _("Charge")),
        ("produit", _("Produit")),
        (HolderKind.SIAE, _("SIAE")),
        (HolderKind.ADAPTED, _("Entreprise adaptée")),
        (HolderKind.ESAT, _("ESAT")),
        (HolderKind.OTHER_ESS, _("Autre ESS")),
        (HolderKind.SME, _("PME")),
        (HolderKind.OTHER, _("Autre")),
        (Grouping.JOINT, _("Conjoint")),
        (Grouping.SEVERAL, _("Solidaire")),
        (PriceKind.UNIT, _("Prix unitaires")),
        (PriceKind.LUMP_SUM, _("Prix forfaitaires")),
        (PriceKind.MIXED, _("Prix mixtes")),
    ]
    return {_label_key(value): label for value, label in pairs}


def _label_key(value: Any) -> Any:
    return (type(value), value.value) if isinstance(value, Enum) else value


def choice_label(value: Any, labels: Mapping[Any, str]) -> str:
    """The label of a coded value: the UI's short one, else the documents' one, capitalised."""
    key = _label_key(value)
    if key in labels:
        return labels[key]
    text = label_of(value)
    return text[:1].upper() + text[1:]


def piece_labels(_: Tr) -> dict[Piece, str]:
    """The documents a clause can go in, as the clause browser's filter names them."""
    return {
        Piece.RC: _("Règlement de la consultation"),
        Piece.CCAP: _("CCAP"),
        Piece.AE: _("Acte d’engagement"),
        Piece.CCTP: _("CCTP"),
        Piece.AVIS: _("Avis de publicité"),
        Piece.ANNEXE_SOCIALE: _("Annexe sociale"),
        Piece.MEMOIRE: _("Cadre de mémoire technique"),
        Piece.CONVENTION: _("Convention annuelle"),
        Piece.CPO: _("Convention pluriannuelle (CPO)"),
    }


def category_labels(_: Tr) -> dict[str, str]:
    """French names of the clause categories the library uses today."""
    return {
        "insertion": _("Insertion"),
        "environnement": _("Environnement"),
        "commerce-equitable": _("Commerce équitable"),
        "marches-reserves": _("Marchés réservés"),
        "subventions": _("Subventions"),
        "acces-pme": _("Accès des PME"),
        "eco-conditionnalite": _("Éco-conditionnalité"),
        "alimentation": _("Alimentation"),
        "economie-circulaire": _("Économie circulaire"),
        "aides-etat": _("Aides d’État"),
        "prix": _("Prix et paiement"),
        "sous-traitance": _("Sous-traitance"),
    }


def humanise(identifier: str) -> str:
    """A readable name for an identifier nobody labelled yet: `cpv_codes` → `Cpv codes`."""
    text = identifier.replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:]


def text_for(path: FieldPath, texts: Mapping[str, FieldText], spec: FieldSpec) -> FieldText:
    """The text of a field: its entry in `texts`, else what the model itself says."""
    from drafting_app.ui.draft import pattern_of

    found = texts.get(pattern_of(path))
    if found is not None:
        return found
    return FieldText(spec.title or humanise(spec.name), spec.description)


# --------------------------------------------------------------------------- steps


@dataclass(frozen=True)
class Step:
    """One page of the guided form: its fields (dotted paths; `x.*`: the rest of x)."""

    key: str
    title: str
    intro: str
    entries: tuple[str, ...] = ()
    special: str = ""  # "clauses" or "documents": a page of its own
    short: str = ""  # the name in the list of steps, when the title is too long for it

    @property
    def nav_title(self) -> str:
        """The name of the step in the list of steps."""
        return self.short or self.title


AWARD = "award"
AWARD_TENDER = ("award.notification_date", "award.service", "award.end_date",
                "award.execution_place", "award.price_kind", "award.lots", "award.execution")
AWARD_SUBSIDY = ("award.notification_date", "award.service", "award.end_date",
                 "award.payments", "award.evaluation")


def steps_for(kind: DossierKind, _: Tr) -> list[Step]:
    """The steps of the guided form for a kind of dossier."""
    if kind is DossierKind.TENDER:
        return [
            Step("buyer", _("Acheteur"),
                 _("Qui achète : ces informations figurent en tête de chaque pièce."),
                 ("title", "buyer", "*")),
            Step("object", _("Objet et procédure"),
                 _("Ce que vous achetez, comment et quand : la date de lancement fixe les règles "
                   "applicables."),
                 ("tender.object", "tender.reference", "tender.contract_kind", "tender.procedure",
                  "tender.ccag", "tender.launch_date", "tender.duration_months", "tender.renewals",
                  "tender.offers_deadline", "tender.buyer_profile_url", "tender.variants_allowed",
                  "tender.social_services", "tender.*")),
            Step("lots", _("Lots"),
                 _("Un lot par ensemble de prestations distinctes ; un lot peut être réservé à "
                   "des structures d’insertion, d’emploi de personnes handicapées ou de l’ESS."),
                 ("tender.lots", "tender.no_lots_reason",
                  "tender.ess_previous_award_within_3_years")),
            Step("clauses", _("Clauses"),
                 _("Cherchez les clauses responsables dans la bibliothèque, renseignez leurs "
                   "valeurs et ajoutez-les au dossier."),
                 ("tender.environmental_condition", "tender.social_condition",
                  "tender.social_condition_exception"), special="clauses"),
            Step("criteria", _("Critères"),
                 _("Les critères d’attribution et leur pondération, tels que le règlement de la "
                   "consultation les annoncera."),
                 ("tender.criteria",)),
            Step("price", _("Prix et paiement"),
                 _("Forme du prix, avance, retenue de garantie et délai de paiement."),
                 ("tender.price_form", "tender.price_exposed_to_markets", "tender.price_index",
                  "tender.advance_rate", "tender.advance_rate_sme",
                  "tender.guarantee_retention_rate", "tender.guarantee_retention_rate_sme",
                  "tender.payment_days", "tender.minimum_turnover")),
            Step("award", _("Attribution et exécution"),
                 _("À remplir une fois le marché notifié : les titulaires et le montant de "
                   "chaque lot, puis, année après année, ce que l’exécution a réalisé. Ces "
                   "données alimentent le Suivi (SPASER) et les données essentielles ; tant que "
                   "rien n’est saisi, cette étape reste facultative."),
                 AWARD_TENDER, short=_("Attribution et suivi")),
            Step("documents", _("Documents"),
                 _("Choisissez les pièces à produire et le dossier où les écrire."),
                 special="documents"),
        ]
    return [
        Step("buyer", _("Collectivité"),
             _("La collectivité qui accorde la subvention et signe la convention."),
             ("title", "buyer", "*")),
        Step("association", _("Association"),
             _("L’association bénéficiaire, telle qu’elle figure au répertoire national des "
               "associations."),
             ("subsidy.association",)),
        Step("project", _("Projet"),
             _("Le projet que la subvention soutient, sa durée et sa qualification."),
             ("subsidy.project_title", "subsidy.project_description", "subsidy.reference",
              "subsidy.start_date", "subsidy.duration_years", "subsidy.steering_committee",
              "subsidy.*", "advisor")),
        Step("money", _("Financement"),
             _("Montant, versements, budget prévisionnel et aides d’État."),
             ("subsidy.annual_amount", "subsidy.yearly_amounts", "subsidy.in_kind_value",
              "subsidy.payments", "subsidy.budget", "subsidy.surplus_allowed", "subsidy.sieg",
              "subsidy.de_minimis_declared")),
        Step("objectives", _("Objectifs et évaluation"),
             _("Les objectifs du projet et les indicateurs qui permettront de l’évaluer."),
             ("subsidy.objectives",)),
        Step("clauses", _("Clauses"),
             _("Cherchez les clauses de la bibliothèque, renseignez leurs valeurs et ajoutez-les "
               "à la convention."), special="clauses"),
        Step("award", _("Versements et évaluation"),
             _("À remplir une fois la convention signée : les versements effectués et "
               "l’évaluation du projet. Ces données alimentent le Suivi (SPASER) ; tant que rien "
               "n’est saisi, cette étape reste facultative."),
             AWARD_SUBSIDY),
        Step("documents", _("Documents"),
             _("Choisissez les pièces à produire et le dossier où les écrire."),
             special="documents"),
    ]


def expand_entries(
    step: Step, steps: list[Step], kind: DossierKind, texts: Mapping[str, FieldText]
) -> Iterator[tuple[FieldPath, FieldSpec]]:
    """The fields of a step, `x.*` replaced by the fields of x that no step names."""
    named = {entry for s in steps for entry in s.entries if not entry.endswith("*")}
    hidden_parts = {"subsidy", "advisor"} if kind is DossierKind.TENDER else {"tender"}
    for entry in step.entries:
        if entry.endswith("*"):
            prefix = entry[:-1].rstrip(".")
            path: FieldPath = tuple(prefix.split(".")) if prefix else ()
            parent = spec_at(path) if path else None
            model = parent.model if parent is not None else (Dossier if not path else None)
            if model is None:
                continue
            for spec in model_specs(model):
                dotted = ".".join((*prefix.split("."), spec.name)) if prefix else spec.name
                if dotted in named or dotted in hidden_parts:
                    continue
                if any(entry.startswith(dotted + ".") for entry in named):
                    continue  # its fields are placed one by one elsewhere
                if texts.get(dotted, FieldText("")).hidden:
                    continue
                yield (*path, spec.name), spec
        else:
            path = tuple(entry.split("."))
            found = spec_at(path)
            if found is not None:
                yield path, found


# --------------------------------------------------------------------------- relevance


def is_relevant(path: FieldPath, draft: Mapping[str, Any]) -> bool:
    """Whether a field matters for the dossier as it stands (otherwise the form hides it)."""
    from drafting_app.ui.draft import pattern_of

    pattern = pattern_of(path)
    tender = draft.get("tender") or {}
    if not isinstance(tender, dict):
        tender = {}
    lots = tender.get("lots") or []
    procedure = tender.get("procedure")
    if pattern == "tender.no_lots_reason":
        return len(lots) <= 1
    if pattern == "tender.price_index":
        return tender.get("price_form") not in (None, PriceForm.FIRM.value)
    if pattern in ("tender.offers_deadline", "tender.buyer_profile_url"):
        return procedure != Procedure.NO_ADVERTISING.value
    if pattern.startswith("tender.ess_"):
        return any(isinstance(lot, dict) and lot.get("reservation") == Reservation.ESS.value
                   for lot in lots)
    if pattern.startswith("tender.lots[].reservation_"):
        # options of a reserved lot: only once the lot is reserved
        return get_in(draft, (*path[:-1], "reservation")) is not None
    if pattern == "award.lots[].grouping":  # co-holders only
        holders = get_in(draft, (*path[:-1], "holders"))
        return isinstance(holders, list) and len(holders) > 1
    if pattern == "subsidy.yearly_amounts":
        return draft.get("kind") == DossierKind.CPO.value
    if pattern == "buyer.operating_expenditure_over_60m":
        return draft.get("kind") == DossierKind.TENDER.value
    if pattern == "buyer.central_government_authority":
        return (draft.get("kind") == DossierKind.TENDER.value
                and get_in(draft, ("buyer", "kind")) == BuyerKind.STATE_PUBLIC_BODY.value)
    return True


def _blank(value: Any) -> bool:
    return value is None or value == [] or value == {} or (
        isinstance(value, str) and not value.strip())


def drop_blank_award(draft: dict[str, Any]) -> None:
    """An award section with nothing typed in it is no award at all: it becomes None.

    The section stays optional until the contract is notified: fields emptied again, or a
    choice put back to « non renseigné », must not leave an `award` the model would refuse.
    A row added to one of its tables counts as started.
    """
    award = draft.get(AWARD)
    if isinstance(award, dict) and all(_blank(value) for value in award.values()):
        draft[AWARD] = None


@dataclass
class ReferenceLabels:
    """How a help text cites its references, with the standing the references file gives."""

    to_check: set[Ref] = field(default_factory=set)

    def cite(self, refs: tuple[Ref, ...], _: Tr) -> str:
        """`CCP art. L2113-10 ; CCP art. L2113-11 (à vérifier)`."""
        out = []
        for text, article in refs:
            label = f"{text} art. {article}" if article else text
            if (text, article) in self.to_check:
                label += " " + _("(à vérifier)")
            out.append(label)
        return " ; ".join(out)
