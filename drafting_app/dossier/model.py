"""The dossier file's pydantic model: buyer, tender or subsidy, chosen clauses, award."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from drafting_app.dossier.award import Award
from drafting_app.dossier.types import Amount, Identifier, NonEmpty, Rna, Siret, Strict

SCHEMA_VERSION: Literal[2] = 2
"""Schema 2 adds the optional award and execution section (`Dossier.award`); a schema 1 dossier
is a valid schema 2 dossier once its version is raised (see `dossier.storage.migrate`)."""

# --------------------------------------------------------------------------- dossier


class DossierKind(StrEnum):
    """What the dossier produces."""

    TENDER = "marche_public"
    ANNUAL_CONVENTION = "convention_annuelle"
    CPO = "cpo"


class BuyerKind(StrEnum):
    """Kind of public body; it drives EU thresholds and payment deadlines."""

    COMMUNE = "commune"
    EPCI = "epci"
    DEPARTEMENT = "departement"
    REGION = "region"
    LOCAL_PUBLIC_BODY = "etablissement_public_local"
    STATE = "etat"
    STATE_PUBLIC_BODY = "etablissement_public_etat"
    HEALTH_PUBLIC_BODY = "etablissement_public_sante"
    PUBLIC_COMPANY = "entreprise_publique"
    OTHER = "autre"


class ContractKind(StrEnum):
    """Kind of public contract (CCP L1111-2 to L1111-4)."""

    WORKS = "travaux"
    SUPPLIES = "fournitures"
    SERVICES = "services"


class Procedure(StrEnum):
    """Award procedures."""

    NO_ADVERTISING = "sans_publicite_ni_mise_en_concurrence"
    ADAPTED = "procedure_adaptee"
    OPEN_TENDER = "appel_offres_ouvert"
    RESTRICTED_TENDER = "appel_offres_restreint"
    NEGOTIATED = "procedure_avec_negociation"
    COMPETITIVE_DIALOGUE = "dialogue_competitif"


FORMALISED_PROCEDURES = frozenset(
    {
        Procedure.OPEN_TENDER,
        Procedure.RESTRICTED_TENDER,
        Procedure.NEGOTIATED,
        Procedure.COMPETITIVE_DIALOGUE,
    }
)


class Ccag(StrEnum):
    """The six CCAG approved by the arrêtés of 30 March 2021."""

    WORKS = "CCAG-Travaux"
    SUPPLIES_SERVICES = "CCAG-FCS"
    INTELLECTUAL = "CCAG-PI"
    ICT = "CCAG-TIC"
    INDUSTRIAL = "CCAG-MI"
    PROJECT_MANAGEMENT = "CCAG-MOE"


class CriterionKind(StrEnum):
    """What an award criterion measures."""

    PRICE = "prix"
    COST = "cout"
    TECHNICAL = "technique"
    ENVIRONMENTAL = "environnemental"
    SOCIAL = "social"
    OTHER = "autre"


class Reservation(StrEnum):
    """Reserved contracts and lots (CCP L2113-12 to L2113-15)."""

    DISABLED = "ea_esat"  # L2113-12: entreprises adaptées, ESAT
    INSERTION = "siae"  # L2113-13: structures d'insertion par l'activité économique
    BOTH = "ea_esat_siae"  # L2113-14: both together
    PRISON = "detenus"  # L2113-13-1: work by detainees
    ESS = "ess"  # L2113-15: ESS enterprises, eligible services only


class PriceForm(StrEnum):
    """How prices move during the contract."""

    FIRM = "ferme"
    ADJUSTABLE = "actualisable"
    REVISABLE = "revisable"


class ContractForm(StrEnum):
    """The form of the contract: an ordinary contract or a framework agreement (accord-cadre)."""

    ORDINARY = "marche_ordinaire"
    PURCHASE_ORDERS = "accord_cadre_bons_de_commande"
    SUBSEQUENT_CONTRACTS = "accord_cadre_marches_subsequents"
    MIXED = "accord_cadre_mixte"


FRAMEWORK_FORMS = frozenset(
    {ContractForm.PURCHASE_ORDERS, ContractForm.SUBSEQUENT_CONTRACTS, ContractForm.MIXED}
)


class Pricing(StrEnum):
    """How a lot's prices are set: unit prices (BPU and DQE), a lump sum (DPGF), or both."""

    UNIT = "prix_unitaires"
    LUMP_SUM = "prix_global_forfaitaire"
    MIXED = "prix_mixtes"


class PenaltyRegime(StrEnum):
    """The CCAG 2021 rules on small and capped penalties: applied, or derogated from."""

    CCAG = "ccag"
    NO_EXEMPTION = "sans_exoneration"
    NO_EXEMPTION_NO_CAP = "sans_exoneration_ni_plafond"


class SiteVisit(StrEnum):
    """Whether bidders visit the sites before bidding."""

    NONE = "aucune"
    OPTIONAL = "facultative"
    MANDATORY = "obligatoire"


class PurchaseFamily(StrEnum):
    """A family of purchases whose technical specifications have usual chapters."""

    CATERING = "restauration_collective"
    CLEANING = "proprete"
    GREEN_SPACES = "espaces_verts"
    OTHER = "autre"


class Initiative(StrEnum):
    """Who initiated the project (contracting-mode advisor)."""

    ASSOCIATION = "association"
    AUTHORITY = "collectivite"
    JOINT = "co_construction"


class Address(Strict):
    """A postal address."""

    street: NonEmpty
    postcode: Annotated[str, StringConstraints(pattern=r"^\d{5}$")]
    city: NonEmpty

    def one_line(self) -> str:
        """The address on one line, as in a document heading."""
        return f"{self.street}, {self.postcode} {self.city}"


class Person(Strict):
    """Someone who signs: name and capacity."""

    name: NonEmpty
    title: NonEmpty


class Buyer(Strict):
    """The public body that buys or grants."""

    name: NonEmpty
    kind: BuyerKind
    address: Address
    siret: Siret
    signatory: Person
    # a national public body of the State listed among the central government authorities
    # (annexe 2 of the CCP): the lower EU threshold applies to its supplies and services
    central_government_authority: bool = False
    operating_expenditure_over_60m: bool = False
    # the public accountant who pays (comptable public assignataire), printed in the AE
    accountant: str = ""
    # inhabitants of a commune (some sector rules start later for small communes)
    population: int | None = Field(default=None, ge=0)


class PriceLine(Strict):
    """A line of a lot's price schedule (BPU and DQE, or DPGF): what is priced, in what unit."""

    label: NonEmpty
    unit: NonEmpty
    # the estimated quantity over the lot's whole duration (DQE), or the quantity of a DPGF line
    quantity: Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=3)] | None = None
    # the line's number in the schedule; empty: numbered in order (1, 2, 3…)
    reference: str = ""


class StaffLine(Strict):
    """A post held by staff of the outgoing contractor that the new one takes over."""

    qualification: NonEmpty
    level: str = ""
    contract: str = "CDI"
    monthly_hours: Annotated[Decimal, Field(ge=0, le=300)]
    seniority: str = ""
    site: str = ""


class Lot(Strict):
    """A lot of a tender, with its estimated amount excluding VAT."""

    number: int = Field(ge=1)
    title: NonEmpty
    estimated_amount: Amount
    description: str = ""
    # why this lot has no social execution condition (L2112-2-1), when it has none
    social_condition_exception: str = ""
    reservation: Reservation | None = None
    cpv_codes: tuple[Annotated[str, StringConstraints(pattern=r"^\d{8}(-\d)?$")], ...] = ()
    # framework agreement: minimum and maximum over the whole duration, in € HT or, when
    # `bounds_unit` names a unit (« repas »), in that quantity
    minimum: Amount | None = None
    maximum: Amount | None = None
    bounds_unit: str = ""
    pricing: Pricing = Pricing.UNIT
    price_lines: tuple[PriceLine, ...] = ()
    # posts of the outgoing contractor's staff taken over (cleaning), listed in the DCE
    staff_to_take_over: tuple[StaffLine, ...] = ()


class SubCriterion(Strict):
    """A sub-criterion and its weight within its criterion (in points of the criterion)."""

    name: NonEmpty
    weight: Annotated[Decimal, Field(ge=0, le=100)] | None = None


class Criterion(Strict):
    """An award criterion with its weight in percent (None: order of importance)."""

    name: NonEmpty
    kind: CriterionKind
    weight: Annotated[Decimal, Field(ge=0, le=100)] | None = None
    description: str = ""
    subcriteria: tuple[SubCriterion, ...] = ()


class Tender(Strict):
    """The parts of a dossier that a public contract needs."""

    object: NonEmpty
    reference: NonEmpty
    contract_kind: ContractKind
    procedure: Procedure
    launch_date: dt.date
    duration_months: int = Field(ge=1, le=120)
    ccag: Ccag
    lots: tuple[Lot, ...] = ()
    no_lots_reason: str = ""
    criteria: tuple[Criterion, ...] = ()
    social_condition_exception: str = ""
    # consultation
    offers_deadline: dt.datetime | None = None
    buyer_profile_url: str = ""
    variants_allowed: bool = False
    # how long bidders stay bound by their offer (RC and AE write the same figure)
    offers_validity_days: int = Field(default=120, ge=1, le=365)
    renewals: int = Field(default=0, ge=0, le=10)
    # options (tranches optionnelles, prestations supplémentaires) over the whole duration, HT
    options_amount: Amount = Decimal(0)
    social_services: bool = False
    # the contract entrusts the execution of a public service (loi n° 2021-1109, art. 1)
    public_service_entrusted: bool = False
    # money
    price_form: PriceForm = PriceForm.FIRM
    price_index: str = ""
    advance_rate: Annotated[Decimal, Field(ge=0, le=100)] | None = None
    guarantee_retention_rate: Annotated[Decimal, Field(ge=0, le=100)] | None = None
    payment_days: int | None = Field(default=None, ge=1, le=90)
    minimum_turnover: Amount | None = None
    # reserved contracts (L2113-15): an ESS-reserved award to the same operator within 3 years
    ess_previous_award_within_3_years: bool = False
    # legal checks: SME rates when they differ from the general ones (None: the general rate)
    advance_rate_sme: Annotated[Decimal, Field(ge=0, le=100)] | None = None
    guarantee_retention_rate_sme: Annotated[Decimal, Field(ge=0, le=100)] | None = None
    # prices exposed to major hazards or world-market raw materials (R2112-13/14): revisable
    price_exposed_to_markets: bool = False
    # execution conditions written outside the chosen clauses (e.g. in the CCTP), described
    environmental_condition: str = ""
    social_condition: str = ""
    # form of the contract (accord-cadre or not) and the CCAG penalty rules it keeps
    contract_form: ContractForm = ContractForm.ORDINARY
    penalty_regime: PenaltyRegime = PenaltyRegime.CCAG
    # the budget line the expense is charged to (imputation budgétaire), printed in the AE
    budget_imputation: str = ""
    # how offers are made: site visit, backup copy, language and currency, review body
    site_visit: SiteVisit = SiteVisit.NONE
    site_visit_details: str = ""
    backup_copy_address: str = ""
    offer_language: NonEmpty = "français"
    currency: NonEmpty = "euro"
    review_body: str = ""
    review_body_address: str = ""
    # technical chapters of the CCTP, and sector rules (school catering)
    purchase_family: PurchaseFamily | None = None
    school_catering: bool = False
    # rows for the members of a groupement in the AE tables (signature, accounts, shares)
    groupement_rows: int = Field(default=3, ge=1, le=10)

    @field_validator("lots")
    @classmethod
    def _lot_numbers(cls, lots: tuple[Lot, ...]) -> tuple[Lot, ...]:
        numbers = [lot.number for lot in lots]
        if len(set(numbers)) != len(numbers):
            raise ValueError("deux lots portent le même numéro")
        return lots

    def estimated_value(self) -> Decimal:
        """The value thresholds compare: every period, renewals and options included (HT)."""
        return self.total_amount() * (self.renewals + 1) + self.options_amount

    def total_amount(self) -> Decimal:
        """The amount of one period of the contract, all lots added (HT, renewals excluded)."""
        return sum((lot.estimated_amount for lot in self.lots), Decimal(0))

    @property
    def is_framework(self) -> bool:
        """Whether the contract is an accord-cadre (with purchase orders or subsequent ones)."""
        return self.contract_form in FRAMEWORK_FORMS

    @property
    def periods(self) -> int:
        """Periods of execution: the first one and each renewal."""
        return self.renewals + 1

    @property
    def total_months(self) -> int:
        """The longest duration, every renewal included."""
        return self.duration_months * self.periods


class Association(Strict):
    """The association that receives a subsidy."""

    name: NonEmpty
    siret: Siret
    rna: Rna
    address: Address
    representative: Person
    object: str = ""


class Indicator(Strict):
    """How an objective is measured."""

    name: NonEmpty
    target: NonEmpty


class Objective(Strict):
    """An objective of the subsidised project, with its indicators."""

    title: NonEmpty
    description: str = ""
    indicators: tuple[Indicator, ...] = ()


class Payment(Strict):
    """One instalment of a subsidy."""

    label: NonEmpty
    amount: Amount
    due: NonEmpty


class BudgetLine(Strict):
    """A line of the project's provisional budget (annexed to the convention)."""

    label: NonEmpty
    amount: Amount
    kind: Literal["charge", "produit"] = "charge"


class Subsidy(Strict):
    """The parts of a dossier that a subsidy convention needs."""

    association: Association
    project_title: NonEmpty
    project_description: str = ""
    start_date: dt.date
    duration_years: int = Field(ge=1, le=10)
    annual_amount: Amount
    objectives: tuple[Objective, ...] = ()
    payments: tuple[Payment, ...] = ()
    reference: NonEmpty
    # the amount of each year for a CPO (subject to the budget vote); empty: annual_amount each year
    yearly_amounts: tuple[Amount, ...] = ()
    in_kind_value: Amount = Decimal(0)
    budget: tuple[BudgetLine, ...] = ()
    steering_committee: bool = False
    surplus_allowed: bool = True
    # State aid: SIEG entrustment, and the de minimis aid the association declares (3 years)
    sieg: bool = False
    de_minimis_declared: Amount = Decimal(0)

    def total_amount(self) -> Decimal:
        """The subsidy over the whole convention."""
        return self.annual_amount * self.duration_years

    @property
    def end_date(self) -> dt.date:
        """The last day the convention covers (inclusive)."""
        start = self.start_date
        year = start.year + self.duration_years
        day = min(start.day, 28) if start.month == 2 else start.day
        return start.replace(year=year, day=day) - dt.timedelta(days=1)


class AdvisorAnswers(Strict):
    """The contracting-mode qualification, saved with the dossier."""

    initiative: Initiative | None = None
    authority_defines_need: bool | None = None
    price_for_service_received: bool | None = None
    public_service_mission: bool | None = None
    # the support covers several years (a CPO rather than an annual convention)
    multi_year: bool | None = None


class ChosenClause(Strict):
    """A clause of the library chosen for this dossier, with the buyer's values."""

    id: Identifier
    values: dict[str, Any] = Field(default_factory=dict)
    lots: tuple[int, ...] = ()
    # the clause version the dossier was drafted with (None: not recorded, older dossiers)
    version: int | None = Field(default=None, ge=1)


class Dossier(Strict):
    """The user's case: everything needed to generate its documents."""

    schema_version: Literal[2] = SCHEMA_VERSION
    kind: DossierKind
    title: NonEmpty
    buyer: Buyer
    tender: Tender | None = None
    subsidy: Subsidy | None = None
    clauses: tuple[ChosenClause, ...] = ()
    advisor: AdvisorAnswers = Field(default_factory=AdvisorAnswers)
    award: Award | None = None

    @field_validator("schema_version", mode="before")
    @classmethod
    def _schema_1_is_schema_2(cls, version: Any) -> Any:
        # code and tests that build a dossier in memory may still write schema 1: it has no
        # field that schema 2 lacks (files go through dossier.storage.migrate)
        return SCHEMA_VERSION if version == 1 and not isinstance(version, bool) else version

    @model_validator(mode="after")
    def _parts_match_kind(self) -> Dossier:
        if self.kind is DossierKind.TENDER:
            if self.tender is None:
                raise ValueError("un dossier de marché public doit avoir une partie « tender »")
            if self.subsidy is not None:
                raise ValueError("un dossier de marché public n’a pas de partie « subsidy »")
        else:
            if self.subsidy is None:
                raise ValueError("un dossier de subvention doit avoir une partie « subsidy »")
            if self.tender is not None:
                raise ValueError("un dossier de subvention n’a pas de partie « tender »")
        return self

    @field_validator("clauses")
    @classmethod
    def _unique_clauses(cls, clauses: tuple[ChosenClause, ...]) -> tuple[ChosenClause, ...]:
        ids = [clause.id for clause in clauses]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"clause choisie deux fois : {', '.join(duplicates)}")
        return clauses

    @property
    def reference(self) -> str:
        """The reference printed in headers: the tender's or the convention's."""
        if self.tender is not None:
            return self.tender.reference
        assert self.subsidy is not None
        return self.subsidy.reference


    @model_validator(mode="after")
    def _award_matches_parts(self) -> Dossier:
        award = self.award
        if award is None:
            return self
        if self.tender is None:
            if award.lots:
                raise ValueError("« award.lots » : une convention n’a pas de lots attribués")
            return self
        numbers = {lot.number for lot in self.tender.lots}
        for index, lot_award in enumerate(award.lots):
            if lot_award.lot is None and numbers:
                raise ValueError(f"« award.lots[{index}].lot » : indiquez le numéro du lot")
            if lot_award.lot is not None and lot_award.lot not in numbers:
                raise ValueError(f"« award.lots[{index}].lot » : le lot n° {lot_award.lot} "
                                 "n’existe pas dans le marché")
        if award.payments:
            raise ValueError("« award.payments » : les versements concernent une convention")
        return self
