"""Dated legal data (thresholds, rates, rules, code lists), read and validated from TOML files.

A legal service edits `clause_library/legal/donnees_juridiques.toml` without touching code; this
module checks it like the clause library (every problem with its file and line) and answers
"which value is in force on this day, for this kind of contract and buyer".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from drafting_app.dossier.model import BuyerKind, Ccag, ContractKind, Reservation
from drafting_app.dossier.types import Identifier, NonEmpty, Strict
from drafting_app.files.problems import Problem
from drafting_app.files.toml_files import locate, read_toml_file, validate_file
from drafting_app.wording.model import LegalReference, ReferenceIndex, ReferenceStatus
from drafting_app.wording.references import REFERENCES_FILE, load_references

LEGAL_DATA_FILE = "legal/donnees_juridiques.toml"
INSERTION_DATA_FILE = "legal/parts_main_oeuvre.toml"


Unit = Literal["€ HT", "€", "%", "jours", "mois", "ans", "fois"]

#: every threshold id the checks read; an id outside this set is a typo in the data file
THRESHOLD_IDS = frozenset({
    "dispense_procedure", "seuil_europeen", "seuil_europeen_ep_central",
    "seuil_services_sociaux", "publicite_procedure_adaptee", "donnees_essentielles_marche",
    "part_pme_marche_global", "sieg_compensation_annuelle_max", "sieg_duree_mandat_max",
    "sieg_report_surcompensation", "achat_innovant",
    "part_travailleurs_reserve", "duree_max_reservation_ess", "delai_reattribution_ess",
    "chiffre_affaires_max", "avance_seuil_montant", "avance_seuil_duree", "avance_taux_min",
    "avance_taux_min_pme", "retenue_garantie_max", "retenue_garantie_max_pme",
    "delai_paiement_max", "revision_prix_duree",
    "convention_subvention", "cpo_duree_recommandee", "de_minimis_plafond",
    "de_minimis_sieg_plafond", "de_minimis_periode", "donnees_essentielles_subvention",
    "comptes_annuels_association",
})
#: every rule id the checks and the advisor read
RULE_IDS = frozenset({
    "critere_environnemental", "critere_cout_unique", "ponderation_criteres",
    "ponderation_sous_criteres", "condition_execution_environnementale",
    "condition_execution_sociale", "exception_condition_sociale", "allotissement",
    "reservation_publicite", "reservation_detenus_non_cumulable", "reservation_ess",
    "label_equivalent", "label_caracteristiques", "revision_prix", "ccag_reference",
    "ccag_derogations", "services_sociaux_procedure_adaptee", "procedure_formalisee",
    "definition_subvention", "subvention_hors_ccp", "contrat_engagement_republicain",
    "compte_rendu_financier", "mandat_sieg", "sieg_exemption", "modele_cpo",
    "reservation_detenus", "laicite_service_public", "de_minimis_octroi",
})
#: every code list id the checks read
LIST_IDS = frozenset({"cpv_reservation_ess"})


class Dated(Strict):
    """An entry in force from `start` to `end` (inclusive), backed by a legal reference."""

    id: Identifier
    label: NonEmpty
    start: dt.date
    end: dt.date | None = None
    reference: LegalReference
    # other texts the finding cites with the main reference (the rule the user must read)
    also: tuple[LegalReference, ...] = ()
    source: NonEmpty
    verified: bool = True
    to_check: str = ""

    @field_validator("label", "to_check")
    @classmethod
    def _apostrophes(cls, value: str) -> str:
        return value.replace("'", "\u2019")

    @model_validator(mode="after")
    def _dates_and_caveat(self) -> Dated:
        if self.end is not None and self.end < self.start:
            raise ValueError("la date de fin (end) précède la date d’entrée en vigueur (start)")
        if not self.verified and not self.to_check.strip():
            raise ValueError("une donnée non vérifiée (verified = false) doit dire ce qu’il "
                             "faut vérifier (to_check)")
        if self.verified and self.to_check.strip():
            raise ValueError("« to_check » n’a de sens que pour une donnée non vérifiée "
                             "(verified = false)")
        return self

    def in_force(self, day: dt.date) -> bool:
        """Whether the entry applies to a consultation launched (or a grant made) on `day`."""
        return self.start <= day and (self.end is None or day <= self.end)

    def caveat(self) -> str:
        """The sentence a finding adds when the entry rests on an unverified fact."""
        if self.verified:
            return ""
        return f" À vérifier : {self.to_check.strip().rstrip('.')}."

    def cite(self) -> str:
        """The reference as a finding prints it, with the texts it goes with."""
        return " ; ".join(cite(r) for r in (self.reference, *self.also))


class Threshold(Dated):
    """A value (amount HT, rate, duration…) for some kinds of contract or buyer."""

    value: Decimal = Field(ge=0)
    unit: Unit = "€ HT"
    contract_kinds: tuple[ContractKind, ...] = ()
    buyer_kinds: tuple[BuyerKind, ...] = ()
    # None: any buyer; true/false: only buyers whose operating expenditure is above 60 M€ / not
    large_buyer: bool | None = None

    @property
    def amount(self) -> Decimal:
        """The value, named as an amount (thresholds in € HT)."""
        return self.value


class Rule(Dated):
    """An obligation that applies to consultations launched from `start` (until `end`)."""


class CodeList(Dated):
    """A dated list of codes (CPV); an item `AAAAAAAA..BBBBBBBB` is an inclusive range."""

    items: tuple[NonEmpty, ...] = Field(min_length=1)

    def contains(self, code: str) -> bool:
        """Whether a CPV code (check digit ignored) is on the list."""
        number = code.split("-")[0]
        for item in self.items:
            low, _, high = item.partition("..")
            if (high and low <= number <= high) or number == low:
                return True
        return False


class ReservationKind(Strict):
    """Which CCP articles a clause cites when it reserves a lot for this kind of operator."""

    kind: Reservation
    label: NonEmpty
    articles: tuple[NonEmpty, ...] = Field(min_length=1)

    @field_validator("label")
    @classmethod
    def _apostrophes(cls, value: str) -> str:
        return value.replace("'", "\u2019")


class CcagScope(Strict):
    """The kinds of contract a CCAG is written for."""

    ccag: Ccag
    contract_kinds: tuple[ContractKind, ...] = Field(min_length=1)


class Detection(Strict):
    """How the checks recognise chosen clauses (by category or by the articles they cite)."""

    environment_categories: tuple[Identifier, ...] = ()
    social_categories: tuple[Identifier, ...] = ()
    label_articles: tuple[NonEmpty, ...] = ()


class LegalDataFile(Strict):
    """The whole data file."""

    thresholds: tuple[Threshold, ...] = ()
    rules: tuple[Rule, ...] = ()
    lists: tuple[CodeList, ...] = ()
    reservations: tuple[ReservationKind, ...] = ()
    ccag: tuple[CcagScope, ...] = ()
    detection: Detection = Field(default_factory=Detection)


Percent = Annotated[Decimal, Field(gt=0, le=100)]


class Trade(Strict):
    """A trade and the usual share of labour in the amount of its lots (insertion hours)."""

    id: Identifier
    label: NonEmpty
    labour_share: Percent = Field(alias="part_main_oeuvre")
    source: NonEmpty
    verified: bool = True
    to_check: str = ""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True,
                              populate_by_name=True)


class InsertionDefaults(Strict):
    """Default values of the insertion-hours calculator."""

    hourly_cost: Decimal = Field(alias="cout_horaire", gt=0)
    hourly_cost_to_check: str = Field(default="", alias="cout_horaire_a_verifier")
    insertion_rate: Percent = Field(alias="taux_insertion")
    insertion_rate_min: Percent = Field(alias="taux_insertion_min")
    insertion_rate_max: Percent = Field(alias="taux_insertion_max")
    source: NonEmpty

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True,
                              populate_by_name=True)

    @model_validator(mode="after")
    def _range(self) -> InsertionDefaults:
        if self.insertion_rate_min > self.insertion_rate_max:
            raise ValueError("taux_insertion_min est supérieur à taux_insertion_max")
        return self


class InsertionData(Strict):
    """The trades file: defaults and typical labour shares."""

    defaults: InsertionDefaults = Field(alias="parametres")
    trades: tuple[Trade, ...] = Field(alias="metiers", min_length=1)

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True,
                              populate_by_name=True)

    def trade(self, trade_id: str) -> Trade | None:
        """The trade with this id, or None."""
        for item in self.trades:
            if item.id == trade_id:
                return item
        return None


def cite(reference: LegalReference) -> str:
    """`CCP art. R2122-8`, `CCP, annexe 2`, or the text alone when no article is given."""
    if not reference.article:
        return reference.text
    if reference.article.startswith("annexe"):
        return f"{reference.text}, {reference.article}"
    return f"{reference.text} art. {reference.article}"


@dataclass(frozen=True)
class LegalData:
    """Query the dated data: the value in force on a given day."""

    thresholds: Sequence[Threshold]
    rules: Sequence[Rule]
    lists: Sequence[CodeList] = ()
    reservations: Sequence[ReservationKind] = ()
    ccag_scopes: Sequence[CcagScope] = ()
    detection: Detection = field(default_factory=Detection)

    def threshold(
        self,
        threshold_id: str,
        day: dt.date,
        contract_kind: ContractKind | None = None,
        buyer_kind: BuyerKind | None = None,
        large_buyer: bool | None = None,
    ) -> Threshold | None:
        """The threshold of this id in force on `day` for this kind of contract and buyer."""
        for item in self.thresholds:
            if item.id != threshold_id or not item.in_force(day):
                continue
            if item.contract_kinds and contract_kind not in item.contract_kinds:
                continue
            if item.buyer_kinds and buyer_kind not in item.buyer_kinds:
                continue
            if item.large_buyer is not None and item.large_buyer is not large_buyer:
                continue
            return item
        return None

    def rule(self, rule_id: str, day: dt.date) -> Rule | None:
        """The rule of this id if it applies to a consultation launched on `day`."""
        for item in self.rules:
            if item.id == rule_id and item.in_force(day):
                return item
        return None

    def code_list(self, list_id: str, day: dt.date) -> CodeList | None:
        """The code list of this id in force on `day`."""
        for item in self.lists:
            if item.id == list_id and item.in_force(day):
                return item
        return None

    def reference_of(self, entry_id: str) -> str:
        """The reference of any entry with this id, whatever its dates (for "unknown" notes)."""
        entries: list[Dated] = [*self.thresholds, *self.rules, *self.lists]
        for item in entries:
            if item.id == entry_id:
                return item.cite()
        return ""

    def reservation_kinds(self, articles: Iterable[str]) -> set[Reservation]:
        """The reservations that citing these CCP articles makes (L2113-12 + L2113-13: both)."""
        cited = set(articles)
        kinds = {k.kind for k in self.reservations if cited & set(k.articles)}
        if Reservation.BOTH in kinds or {Reservation.DISABLED, Reservation.INSERTION} <= kinds:
            kinds -= {Reservation.DISABLED, Reservation.INSERTION}
            kinds.add(Reservation.BOTH)
        return kinds

    def reservation_label(self, kind: Reservation) -> str:
        """The French wording of a kind of reservation."""
        for item in self.reservations:
            if item.kind is kind:
                return item.label
        return kind.value

    def ccag_fits(self, ccag: Ccag, contract_kind: ContractKind) -> bool | None:
        """Whether a CCAG is written for this kind of contract (None: the data does not say)."""
        for item in self.ccag_scopes:
            if item.ccag is ccag:
                return contract_kind in item.contract_kinds
        return None


# --------------------------------------------------------------------------- reading files


def load_reference_index(library_root: Path) -> ReferenceIndex | None:
    """The references file and `references.d/*.toml`; None when one of them is unusable."""
    ignored: list[Problem] = []  # `clausier library check` reports these files itself
    return load_references(library_root / REFERENCES_FILE, ignored)


def load_legal_data(library_root: Path) -> tuple[LegalData, list[Problem]]:
    """Read the library's legal data file; problems are collected with their line."""
    path = library_root / LEGAL_DATA_FILE
    problems: list[Problem] = []
    empty = LegalData((), ())
    read = read_toml_file(path, problems)
    if read is None:
        if problems and problems[0].message == "fichier manquant":
            problems[0] = Problem(path, None, "fichier de données juridiques manquant")
        return empty, problems
    data, text = read
    parsed = validate_file(LegalDataFile, data, text, path, problems)
    if parsed is None:
        return empty, problems
    problems.extend(_check_ids(parsed, text, path))
    problems.extend(_check_overlaps(parsed, text, path))
    index = load_reference_index(library_root)
    if index is not None:
        problems.extend(_check_references(parsed, index, text, path))
    _, insertion_problems = load_insertion_data(library_root)
    problems.extend(insertion_problems)
    legal = LegalData(parsed.thresholds, parsed.rules, parsed.lists, parsed.reservations,
                      parsed.ccag, parsed.detection)
    return legal, problems


def load_insertion_data(library_root: Path) -> tuple[InsertionData | None, list[Problem]]:
    """Read the trades file of the insertion-hours calculator; problems with their line."""
    path = library_root / INSERTION_DATA_FILE
    problems: list[Problem] = []
    read = read_toml_file(path, problems)
    if read is None:
        return None, problems
    parsed = validate_file(InsertionData, read[0], read[1], path, problems)
    if parsed is None:
        return None, problems
    seen: set[str] = set()
    for index, trade in enumerate(parsed.trades):
        line = locate(read[1], ("metiers", index, "id"))
        if trade.id in seen:
            problems.append(Problem(path, line, f"métier « {trade.id} » défini deux fois"))
        seen.add(trade.id)
        if trade.verified == bool(trade.to_check.strip()):
            problems.append(Problem(path, line, (
                f"métier « {trade.id} » : to_check se remplit si et seulement si "
                "verified = false")))
    return parsed, problems


Section = Literal["thresholds", "rules", "lists"]


def _entries(parsed: LegalDataFile) -> Iterable[tuple[Section, int, Dated]]:
    sections: tuple[tuple[Section, Sequence[Dated]], ...] = (
        ("thresholds", parsed.thresholds), ("rules", parsed.rules), ("lists", parsed.lists))
    for name, items in sections:
        for index, entry in enumerate(items):
            yield name, index, entry


def _check_ids(parsed: LegalDataFile, text: str, path: Path) -> list[Problem]:
    """Ids are those the checks read, and each one the checks read is present."""
    known: dict[Section, frozenset[str]] = {
        "thresholds": THRESHOLD_IDS, "rules": RULE_IDS, "lists": LIST_IDS}
    problems = []
    present: dict[Section, set[str]] = {name: set() for name in known}
    for section, index, item in _entries(parsed):
        present[section].add(item.id)
        if item.id not in known[section]:
            problems.append(Problem(path, locate(text, (section, index, "id")), (
                f"identifiant « {item.id} » inconnu des vérifications dans [[{section}]] : "
                f"corrigez-le (identifiants attendus : {', '.join(sorted(known[section]))})")))
    for section, ids in known.items():
        for missing in sorted(ids - present[section]):
            problems.append(Problem(path, None, (
                f"[[{section}]] « {missing} » manquant : les vérifications en ont besoin ; "
                "rétablissez l’entrée")))
    return problems


def _check_overlaps(parsed: LegalDataFile, text: str, path: Path) -> list[Problem]:
    """Two values of one threshold never apply to the same day, contract and buyer."""
    problems = []
    seen: list[tuple[int, Threshold]] = []
    for index, item in enumerate(parsed.thresholds):
        for other_index, other in seen:
            if other.id == item.id and _overlap(other, item):
                other_line = locate(text, ("thresholds", other_index, "id"))
                problems.append(Problem(path, locate(text, ("thresholds", index, "id")), (
                    f"seuil « {item.id} » : cette valeur et celle de la ligne {other_line} sont "
                    "en vigueur le même jour pour les mêmes contrats et acheteurs ; corrigez les "
                    "dates (start, end) ou les champs contract_kinds / buyer_kinds / "
                    "large_buyer")))
        seen.append((index, item))
    dated: tuple[tuple[Section, Sequence[Dated]], ...] = (
        ("rules", parsed.rules), ("lists", parsed.lists))
    for section, items in dated:
        for index, entry in enumerate(items):
            for previous_index, previous in enumerate(items[:index]):
                if previous.id == entry.id and _dates_overlap(previous, entry):
                    other_line = locate(text, (section, previous_index, "id"))
                    problems.append(Problem(path, locate(text, (section, index, "id")), (
                        f"« {entry.id} » : cette entrée et celle de la ligne {other_line} sont "
                        "en vigueur le même jour ; corrigez les dates (start, end)")))
    return problems


def _dates_overlap(a: Dated, b: Dated) -> bool:
    far = dt.date.max
    return a.start <= (b.end or far) and b.start <= (a.end or far)


def _overlap(a: Threshold, b: Threshold) -> bool:
    kinds = not a.contract_kinds or not b.contract_kinds or bool(
        set(a.contract_kinds) & set(b.contract_kinds))
    buyers = not a.buyer_kinds or not b.buyer_kinds or bool(
        set(a.buyer_kinds) & set(b.buyer_kinds))
    large = a.large_buyer is None or b.large_buyer is None or a.large_buyer is b.large_buyer
    return kinds and buyers and large and _dates_overlap(a, b)


def _check_references(
    parsed: LegalDataFile, index: ReferenceIndex, text: str, path: Path
) -> list[Problem]:
    """Every reference is backed by the facts file; one marked "à vérifier" is flagged so."""
    problems = []
    for section, position, item in _entries(parsed):
        for key, reference in [("reference", item.reference), *(("also", r) for r in item.also)]:
            standing = index.status_of(reference.text, reference.article)
            if standing is None:
                line = locate(text, (section, position, key))  # found only to name a problem
                problems.append(Problem(path, line, (
                    f"référence « {cite(reference)} » absente de {REFERENCES_FILE} : le fichier "
                    "de faits juridiques ne l’établit pas ; corrigez le texte ou l’article")))
            elif standing is ReferenceStatus.TO_CHECK and item.verified:
                line = locate(text, (section, position, key))
                problems.append(Problem(path, line, (
                    f"la référence « {cite(reference)} » est à vérifier : indiquez verified = "
                    "false et dites dans to_check ce qu’il faut vérifier")))
    for position, kind in enumerate(parsed.reservations):
        for article in kind.articles:
            if index.status_of("CCP", article) is None:
                problems.append(Problem(path, locate(text, ("reservations", position,
                                                            "articles")), (
                    f"article « {article} » du CCP absent de {REFERENCES_FILE}")))
    for article in parsed.detection.label_articles:
        if index.status_of("CCP", article) is None:
            problems.append(Problem(path, locate(text, ("detection", "label_articles")), (
                f"article « {article} » du CCP absent de {REFERENCES_FILE}")))
    return problems
