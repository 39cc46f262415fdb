"""Contracting-mode advisor: from a few answers, subsidy, CPO, public contract or SIEG mandate.

The qualification follows art. 9-1 of loi n° 2000-321 (a subsidy funds a project the body
initiates, defines and carries out, never a service meeting the authority's own needs) and the
CCP, which leaves such subsidies out of its scope (L1100-1). Every reason cites the dated legal
data, so that a legal service sees the article it rests on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from drafting_app.dossier.model import AdvisorAnswers, DossierKind, Initiative
from drafting_app.wording.render import Formats

if TYPE_CHECKING:
    from drafting_app.checks.legal_data import Dated, LegalData


class Mode(StrEnum):
    """The contracting modes the advisor can recommend."""

    SUBSIDY = "subvention"
    CPO = "cpo"
    PUBLIC_CONTRACT = "marche_public"
    SIEG = "mandat_sieg"
    UNDECIDED = "a_analyser"


MODE_LABELS: MappingProxyType[Mode, str] = MappingProxyType({
    Mode.SUBSIDY: "subvention, avec une convention annuelle d’objectifs",
    Mode.CPO: "subvention pluriannuelle, avec une convention pluriannuelle d’objectifs (CPO)",
    Mode.PUBLIC_CONTRACT: "marché public",
    Mode.SIEG: "mandat de service d’intérêt économique général (SIEG)",
    Mode.UNDECIDED: "montage à analyser avec le service juridique",
})

#: the dossier kind that drafts each mode (a SIEG mandate is a convention with SIEG clauses)
MODE_KINDS: MappingProxyType[Mode, DossierKind | None] = MappingProxyType({
    Mode.SUBSIDY: DossierKind.ANNUAL_CONVENTION,
    Mode.CPO: DossierKind.CPO,
    Mode.PUBLIC_CONTRACT: DossierKind.TENDER,
    Mode.SIEG: DossierKind.CPO,
    Mode.UNDECIDED: None,
})


@dataclass(frozen=True)
class Question:
    """One question of the qualification: the answer field, its wording and its help."""

    field: str
    text: str
    help: str
    choices: tuple[tuple[str, str], ...] = (("oui", "Oui"), ("non", "Non"))


QUESTIONS: tuple[Question, ...] = (
    Question(
        "initiative", "Qui est à l’initiative du projet ?",
        "Une subvention finance un projet que l’association a conçu ; la co-construction reste "
        "possible si l’association garde la main sur son projet.",
        (("association", "L’association"), ("collectivite", "La collectivité"),
         ("co_construction", "Les deux, en co-construction")),
    ),
    Question(
        "authority_defines_need",
        "La collectivité définit-elle elle-même le besoin (contenu, quantités, cahier des "
        "charges) ?",
        "Si la collectivité écrit le cahier des charges d’une prestation qu’elle attend, il "
        "s’agit en principe d’une commande.",
    ),
    Question(
        "price_for_service_received",
        "La collectivité paie-t-elle un prix en contrepartie d’une prestation qu’elle reçoit ?",
        "Une contrepartie directe (un service rendu à la collectivité, pour ses besoins) fait "
        "de la somme versée un prix, non une subvention.",
    ),
    Question(
        "public_service_mission",
        "S’agit-il de confier une mission de service public (d’intérêt économique général) ?",
        "Par exemple un service d’insertion, d’accueil ou de soin que la collectivité veut voir "
        "assuré sur son territoire, avec des obligations précises et une compensation.",
    ),
    Question(
        "multi_year",
        "Le soutien porte-t-il sur plusieurs années ?",
        "Une convention pluriannuelle d’objectifs (jusqu’à quatre ans) sécurise le projet de "
        "l’association.",
    ),
)


@dataclass(frozen=True)
class Reason:
    """One reason for the recommendation, with the article it rests on."""

    text: str
    reference: str


@dataclass(frozen=True)
class Advice:
    """The advisor's recommendation, its reasons, its cautions and the questions left open."""

    mode: Mode
    reasons: tuple[Reason, ...]
    cautions: tuple[str, ...] = ()
    unanswered: tuple[Question, ...] = ()

    @property
    def title(self) -> str:
        """The recommended mode in French."""
        return MODE_LABELS[self.mode]

    @property
    def dossier_kind(self) -> DossierKind | None:
        """The kind of dossier that drafts the recommended mode."""
        return MODE_KINDS[self.mode]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "mode": self.mode.value,
            "title": self.title,
            "reasons": [{"text": r.text, "reference": r.reference} for r in self.reasons],
            "cautions": list(self.cautions),
            "unanswered": [q.field for q in self.unanswered],
        }


def is_answered(answers: AdvisorAnswers) -> bool:
    """Whether any question has been answered."""
    return any(getattr(answers, q.field) is not None for q in QUESTIONS)


class _Reasons:
    """Collects reasons, each citing the data entry in force on the day.

    A text may hold `{value}` (a threshold's value in French) and `{label}` (the entry's label).
    """

    def __init__(self, legal: LegalData, day: dt.date) -> None:
        self.legal = legal
        self.day = day
        self.formats = Formats()
        self.items: list[Reason] = []

    def add(self, text: str, entry_id: str, threshold: bool = False) -> None:
        entry: Dated | None
        value = ""
        if threshold:
            found = self.legal.threshold(entry_id, self.day)
            if found is not None:
                amount = found.value
                value = (self.formats.money(amount) if found.unit.startswith("€")
                         else f"{self.formats.number(amount)} {found.unit}")
            entry = found
        else:
            entry = self.legal.rule(entry_id, self.day)
        if entry is None:
            # the data does not cover this day: keep the reason, without a figure
            wording = text.format(value="le seuil en vigueur", label="règle à vérifier")
            self.items.append(Reason(wording, self.legal.reference_of(entry_id)))
            return
        wording = text.format(value=value, label=entry.label)
        self.items.append(Reason(wording + entry.caveat(), entry.cite()))


def advise(answers: AdvisorAnswers, legal: LegalData, day: dt.date) -> Advice:
    """Recommend a contracting mode from the qualification answers, with its reasons."""
    reasons = _Reasons(legal, day)
    unanswered = tuple(q for q in QUESTIONS if getattr(answers, q.field) is None)
    defines = answers.authority_defines_need
    price = answers.price_for_service_received
    mission = answers.public_service_mission
    initiative = answers.initiative
    if price is True:
        reasons.add("La collectivité paie un prix en contrepartie d’une prestation qu’elle "
                    "reçoit : une subvention ne peut pas financer une prestation individualisée "
                    "répondant à ses propres besoins.", "definition_subvention")
        if defines is True:
            reasons.add("Elle définit elle-même le besoin : c’est une commande.",
                        "definition_subvention")
        reasons.add("Le contrat relève donc du code de la commande publique, qui n’écarte que "
                    "les subventions au sens de l’article 9-1 de la loi n° 2000-321.",
                    "subvention_hors_ccp")
        cautions = ("Un marché réservé (SIAE, entreprises adaptées, ESS) ou une clause "
                    "d’insertion permet de garder la place des structures de l’ESS.",)
        return Advice(Mode.PUBLIC_CONTRACT, tuple(reasons.items), cautions,
                      _still_useful(unanswered, Mode.PUBLIC_CONTRACT))
    if mission is True:
        reasons.add("Il s’agit de confier une mission de service d’intérêt économique général : "
                    "la convention vaut mandat et fixe les obligations de service public et la "
                    "compensation.", "mandat_sieg")
        reasons.add("Régime de la compensation : {label}.", "sieg_exemption")
        cautions = ("Le mandat peut prendre la forme d’une convention pluriannuelle d’objectifs "
                    "dans sa version SIEG ; faites relire le mandat par le service juridique.",)
        return Advice(Mode.SIEG, tuple(reasons.items), cautions,
                      _still_useful(unanswered, Mode.SIEG))
    if defines is True:
        if initiative is Initiative.AUTHORITY:
            reasons.add("La collectivité est à l’initiative du projet et en définit le besoin : "
                        "le projet n’est pas initié ni défini par l’association, condition de "
                        "la subvention.", "definition_subvention")
            reasons.add("Le contrat relève du code de la commande publique.",
                        "subvention_hors_ccp")
            return Advice(Mode.PUBLIC_CONTRACT, tuple(reasons.items), (),
                          _still_useful(unanswered, Mode.PUBLIC_CONTRACT))
        reasons.add("La collectivité définit le besoin : une subvention suppose que "
                    "l’association définisse et porte elle-même son projet.",
                    "definition_subvention")
        cautions = ("Revoyez la répartition des rôles : si la collectivité attend une prestation "
                    "pour ses besoins, passez un marché ; si l’association porte son projet, "
                    "laissez-lui le définir.",)
        return Advice(Mode.UNDECIDED, tuple(reasons.items), cautions, unanswered)
    decisive = [q for q in unanswered if q.field != "multi_year"]
    if decisive:
        reasons.add("Répondez aux questions restantes pour qualifier le montage.",
                    "definition_subvention")
        return Advice(Mode.UNDECIDED, tuple(reasons.items), (), unanswered)
    cautions_list: list[str] = []
    if initiative is Initiative.AUTHORITY:
        cautions_list.append(
            "L’initiative vient de la collectivité : la subvention reste possible si "
            "l’association définit et porte son propre projet (appel à projets aux objectifs "
            "larges, par exemple), sans contrepartie pour la collectivité.")
        reasons.add("La collectivité ne définit pas le besoin et ne paie pas de prestation : "
                    "elle soutient un projet d’intérêt général que l’association définit et "
                    "met en œuvre.", "definition_subvention")
    elif initiative is Initiative.JOINT:
        reasons.add("Le projet est co-construit, mais l’association le définit et le porte, "
                    "sans contrepartie pour la collectivité : c’est une subvention.",
                    "definition_subvention")
    else:
        reasons.add("L’association est à l’initiative d’un projet d’intérêt général qu’elle "
                    "définit et met en œuvre, sans contrepartie pour la collectivité : c’est "
                    "une subvention.", "definition_subvention")
    reasons.add("Une convention écrite est obligatoire si la subvention dépasse {value} par an "
                "(avantages en nature compris).", "convention_subvention", threshold=True)
    if answers.multi_year is True:
        reasons.add("Le soutien porte sur plusieurs années : une convention pluriannuelle "
                    "d’objectifs, d’une durée recommandée de {value} au plus, sécurise le "
                    "projet.", "cpo_duree_recommandee", threshold=True)
        return Advice(Mode.CPO, tuple(reasons.items), tuple(cautions_list), ())
    return Advice(Mode.SUBSIDY, tuple(reasons.items), tuple(cautions_list), unanswered)


def _still_useful(unanswered: tuple[Question, ...], mode: Mode) -> tuple[Question, ...]:
    """Questions that could still change or refine a recommendation already reached."""
    if mode is Mode.PUBLIC_CONTRACT:
        return ()
    return tuple(q for q in unanswered if q.field == "price_for_service_received")
