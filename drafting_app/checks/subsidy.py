"""Checks of a subsidy dossier (loi n° 2000-321, art. 9-1 to 10-1; EU State-aid rules)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from drafting_app.advisers.contracting_mode import MODE_KINDS, Mode, advise, is_answered
from drafting_app.checks.context import Context, finding
from drafting_app.checks.findings import Finding, Severity
from drafting_app.dossier.model import BudgetLine, DossierKind, Subsidy
from drafting_app.wording.search import fold


def yearly_amounts(subsidy: Subsidy) -> list[Decimal]:
    """The cash amount of each year covered (CPO amounts, or the annual amount every year)."""
    if subsidy.yearly_amounts:
        return list(subsidy.yearly_amounts)
    return [subsidy.annual_amount] * subsidy.duration_years


def check_convention_threshold(ctx: Context) -> Iterator[Finding]:
    """Say whether the written convention is mandatory (above 23 000 € a year, in kind too)."""
    subsidy = ctx.subsidy
    threshold = ctx.legal.threshold("convention_subvention", subsidy.start_date)
    if threshold is None:
        return
    per_year = max(yearly_amounts(subsidy)) + subsidy.in_kind_value
    in_kind = " avantages en nature compris" if subsidy.in_kind_value else ""
    if per_year > threshold.value:
        yield finding(
            "CONVENTION_OBLIGATOIRE", Severity.INFO,
            f"La subvention annuelle ({ctx.money(per_year)}{in_kind}) dépasse "
            f"{ctx.value(threshold)} : la convention est obligatoire et doit préciser l’objet, le "
            "montant, les modalités de versement et les conditions d’utilisation.",
            threshold, "subsidy.annual_amount",
        )
    else:
        yield finding(
            "CONVENTION_FACULTATIVE", Severity.INFO,
            f"La subvention annuelle ne dépasse pas {ctx.value(threshold)} : la convention "
            "n’est pas obligatoire, mais elle reste recommandée.",
            threshold, "subsidy.annual_amount",
        )


def check_duration(ctx: Context) -> Iterator[Finding]:
    """A CPO lasts several years, four at most as recommended; an annual convention one year."""
    subsidy = ctx.subsidy
    recommended = ctx.legal.threshold("cpo_duree_recommandee", subsidy.start_date)
    if recommended is None:
        return
    years = subsidy.duration_years
    if ctx.dossier.kind is DossierKind.CPO and years > recommended.value:
        yield finding(
            "CPO_DUREE", Severity.WARNING,
            f"La convention pluriannuelle couvre {years} ans : la durée recommandée est de "
            f"{ctx.value(recommended)} au plus ; réduisez-la ou justifiez-la.",
            recommended, "subsidy.duration_years",
        )
    elif ctx.dossier.kind is DossierKind.CPO and years < 2:
        yield finding(
            "CPO_UNE_ANNEE", Severity.INFO,
            "La convention pluriannuelle ne couvre qu’une année : choisissez plutôt une "
            "convention annuelle, ou portez la durée à plusieurs années.",
            recommended, "subsidy.duration_years",
        )
    elif ctx.dossier.kind is DossierKind.ANNUAL_CONVENTION and years > 1:
        yield finding(
            "CONVENTION_ANNUELLE_PLURIANNUELLE", Severity.INFO,
            f"La convention annuelle couvre {years} ans : pour un soutien sur plusieurs années, "
            f"préférez une convention pluriannuelle d’objectifs ({ctx.value(recommended)} au "
            "plus).",
            recommended, "kind",
        )
    amounts = subsidy.yearly_amounts
    if amounts and len(amounts) != years:
        yield finding(
            "MONTANTS_ANNUELS_INCOHERENTS", Severity.WARNING,
            f"{len(amounts)} montant(s) annuel(s) pour une convention de {years} an(s) : "
            "indiquez un montant par année couverte.",
            recommended, "subsidy.yearly_amounts",
        )


def _convention_wording(ctx: Context) -> str | None:
    """The wording of the convention's skeletons and chosen clauses (None: no skeleton)."""
    skeletons = ctx.library.documents_for(ctx.dossier.kind)
    if not skeletons:
        return None
    texts = [s.text for s in skeletons] + [s.clause.text for s in ctx.selected]
    return fold("\n".join(texts))


def check_republican_commitment(ctx: Context) -> Iterator[Finding]:
    """The convention recalls the contrat d'engagement républicain (art. 10-1)."""
    rule = ctx.legal.rule("contrat_engagement_republicain", ctx.subsidy.start_date)
    if rule is None:
        return
    article = rule.reference.article
    if any(s.cites(rule.reference.text, article) for s in ctx.selected):
        return
    wording = _convention_wording(ctx)
    if wording is not None and "engagement republicain" in wording:
        return
    yield finding(
        "CER_NON_RAPPELE", Severity.WARNING,
        "La convention ne rappelle pas le contrat d’engagement républicain souscrit par "
        "l’association : choisissez la clause qui le rappelle et prévoit le retrait de la "
        "subvention au prorata en cas de manquement.",
        rule, "clauses",
    )


def check_financial_report(ctx: Context) -> Iterator[Finding]:
    """The convention asks for the compte rendu financier within six months."""
    rule = ctx.legal.rule("compte_rendu_financier", ctx.subsidy.start_date)
    wording = _convention_wording(ctx)
    if rule is None or wording is None or "compte rendu financier" in wording:
        return
    yield finding(
        "COMPTE_RENDU_FINANCIER_ABSENT", Severity.WARNING,
        f"La convention ne demande pas de compte rendu financier : prévoyez un {rule.label}.",
        rule, "clauses",
    )


def check_de_minimis(ctx: Context) -> Iterator[Finding]:
    """The aid declared over three years plus this subsidy stays under the de minimis cap.

    Every year of the convention counts at its signature, when the right to the aid is
    conferred, not year by year.
    """
    subsidy = ctx.subsidy
    day = subsidy.start_date
    cap = ctx.legal.threshold("de_minimis_sieg_plafond" if subsidy.sieg else "de_minimis_plafond",
                              day)
    period = ctx.legal.threshold("de_minimis_periode", day)
    if cap is None or period is None:
        if subsidy.de_minimis_declared:
            yield finding(
                "DE_MINIMIS_NON_CONNU", Severity.WARNING,
                "Aucun plafond de minimis n’est enregistré pour la date de début de la "
                "convention : à vérifier.",
                ctx.legal.reference_of("de_minimis_plafond"), "subsidy.de_minimis_declared",
            )
        return
    amounts = yearly_amounts(subsidy)
    this = sum(amounts, Decimal(0))
    total = subsidy.de_minimis_declared + this
    declared = subsidy.de_minimis_declared
    timing = ctx.legal.rule("de_minimis_octroi", day)
    years = ("l’année" if len(amounts) == 1
             else f"les {len(amounts)} années, comptées à la signature")
    summary = (f"Les aides de minimis déclarées par l’association ({ctx.money(declared)}) et "
               f"cette subvention ({ctx.money(this)} pour {years}) totalisent "
               f"{ctx.money(total)}")
    caveat = timing.caveat() if timing is not None and len(amounts) > 1 else ""
    if total > cap.value:
        yield finding(
            "DE_MINIMIS_PLAFOND_DEPASSE", Severity.WARNING,
            f"{summary}, au-delà du {cap.label} ({ctx.value(cap)}) : si l’activité financée est "
            "économique, la subvention ne peut pas être accordée au titre du règlement de "
            f"minimis ; étudiez un mandat SIEG avec votre service juridique.{caveat}",
            cap, "subsidy.de_minimis_declared",
        )
        return
    if declared:
        yield finding(
            "DE_MINIMIS_SOUS_PLAFOND", Severity.INFO,
            f"{summary}, sous le {cap.label} ({ctx.value(cap)}) : si la subvention est accordée "
            "au titre du règlement de minimis, indiquez-le dans la convention et conservez la "
            f"déclaration de l’association.{caveat}",
            cap, "subsidy.de_minimis_declared",
        )
    lines = other_public_funding(ctx)
    counted = min(subsidy.duration_years, int(period.value))
    others = sum((line.amount for line in lines), Decimal(0)) * counted
    if lines and total + others > cap.value:
        named = ", ".join(f"« {line.label} »" for line in lines)
        yield finding(
            "DE_MINIMIS_AUTRES_FINANCEURS", Severity.WARNING,
            f"Le budget prévisionnel fait apparaître d’autres financements publics ({named}, "
            f"soit {ctx.money(others)} sur {counted} an{'s' if counted > 1 else ''}). S’ils sont "
            f"eux aussi accordés comme aides de minimis, le total sur {ctx.value(period)} "
            f"({ctx.money(total + others)}) dépasse le {cap.label} ({ctx.value(cap)}) : "
            "demandez à chaque financeur le régime de son aide et à l’association une "
            "déclaration à jour.",
            cap, "subsidy.budget",
        )


#: words of a budget line that name a public funder (folded: no accents, lower case)
_PUBLIC_FUNDER = re.compile(
    r"\b(etat|region|departement|commune|communes|communaute|communautes|metropole|"
    r"intercommunal\w*|agglomeration|europeen\w*|europe|fse|feder|caf|ars|ministere|"
    r"prefecture|dreets|france travail|agence|subvention|subventions|public|publique)\b")


def other_public_funding(ctx: Context) -> list[BudgetLine]:
    """Income lines of the budget that look like public aid from another funder."""
    subsidy = ctx.subsidy
    own = fold(ctx.dossier.buyer.name)
    first = yearly_amounts(subsidy)[0]
    lines = [line for line in subsidy.budget
             if line.kind == "produit" and _PUBLIC_FUNDER.search(fold(line.label))]
    others = [line for line in lines if own not in fold(line.label)]
    if len(others) == len(lines):  # the grantor's own line, when it does not name it
        same = [line for line in others if line.amount == first]
        others = [line for line in others if line not in same[:1]]
    return others


def check_sieg_limits(ctx: Context) -> Iterator[Finding]:
    """A SIEG compensation above 15 M€ a year is exempted only for a social service."""
    subsidy = ctx.subsidy
    if not subsidy.sieg:
        return
    day = subsidy.start_date
    yearly = ctx.legal.threshold("sieg_compensation_annuelle_max", day)
    if yearly is not None and max(yearly_amounts(subsidy)) > yearly.value:
        yield finding(
            "SIEG_COMPENSATION_ANNUELLE", Severity.WARNING,
            f"La compensation annuelle dépasse {ctx.value(yearly)} : elle n’est exemptée de "
            "notification que pour un service social (santé, garde d’enfants, insertion "
            "professionnelle, logement social, inclusion des personnes vulnérables) ; sinon, "
            "consultez votre service juridique avant d’accorder l’aide.",
            yearly, "subsidy.annual_amount",
        )


def check_sieg_mandate(ctx: Context) -> Iterator[Finding]:
    """A SIEG compensation comes with a mandate holding the contents Decision 2012/21 lists."""
    subsidy = ctx.subsidy
    rule = ctx.legal.rule("mandat_sieg", subsidy.start_date)
    if not subsidy.sieg or rule is None:
        return
    text = rule.reference.text
    present = [s for s in ctx.selected if s.cites(text, rule.reference.article)
               or any(s.placed_in(piece, "aides_etat") for piece in ("convention", "cpo"))]
    if present:
        yield finding(
            "MANDAT_SIEG_CONTENU", Severity.INFO,
            f"Vérifiez que le mandat précise : {rule.label}.",
            rule, "clauses",
        )
        return
    yield finding(
        "MANDAT_SIEG_INCOMPLET", Severity.WARNING,
        "La subvention compense un service d’intérêt économique général : la convention doit "
        f"valoir mandat et préciser : {rule.label}. Choisissez les clauses « aides d’État » "
        "correspondantes.",
        rule, "clauses",
    )


def check_essential_data(ctx: Context) -> Iterator[Finding]:
    """Above 23 000 € the convention's essential data are published."""
    subsidy = ctx.subsidy
    threshold = ctx.legal.threshold("donnees_essentielles_subvention", subsidy.start_date)
    if threshold is None:
        return
    per_year = max(yearly_amounts(subsidy)) + subsidy.in_kind_value
    if per_year > threshold.value:
        yield finding(
            "DONNEES_ESSENTIELLES_SUBVENTION", Severity.INFO,
            f"La subvention dépasse {ctx.value(threshold)} par an : publiez les données "
            "essentielles de la convention (attributaire, objet, montant, dates de versement…) "
            "dans les trois mois suivant sa signature, sur votre site ou sur data.gouv.fr.",
            threshold, "subsidy.annual_amount",
        )


def check_association_accounts(ctx: Context) -> Iterator[Finding]:
    """Above 153 000 € a year the association publishes certified accounts."""
    subsidy = ctx.subsidy
    threshold = ctx.legal.threshold("comptes_annuels_association", subsidy.start_date)
    if threshold is None or max(yearly_amounts(subsidy)) <= threshold.value:
        return
    yield finding(
        "COMPTES_ANNUELS_ASSOCIATION", Severity.INFO,
        f"La subvention dépasse à elle seule {ctx.value(threshold)} par an : l’association doit "
        "établir des comptes annuels, désigner un commissaire aux comptes et publier ses "
        "comptes ; rappelez-le dans la convention.",
        threshold, "subsidy.annual_amount",
    )


def check_contracting_mode(ctx: Context) -> Iterator[Finding]:
    """The qualification answers fit a subsidy; a service for the authority's needs does not."""
    answers = ctx.dossier.advisor
    rule = ctx.legal.rule("definition_subvention", ctx.day)
    if rule is None:
        return
    if not is_answered(answers):
        yield finding(
            "QUALIFICATION_A_FAIRE", Severity.INFO,
            "Le mode de contractualisation n’a pas été qualifié : répondez aux questions de "
            "l’assistant (clausier advise) pour confirmer qu’il s’agit bien d’une subvention.",
            rule, "advisor",
        )
        return
    advice = advise(answers, ctx.legal, ctx.day)
    if advice.mode is Mode.PUBLIC_CONTRACT:
        yield finding(
            "REQUALIFICATION_MARCHE", Severity.WARNING,
            "D’après les réponses à l’assistant, la collectivité commande une prestation pour "
            "ses propres besoins : ce n’est pas une subvention mais un marché public, passé "
            "selon le code de la commande publique. Revoyez le montage avec votre service "
            "juridique.",
            rule, "advisor",
        )
    elif advice.mode is Mode.SIEG and not ctx.subsidy.sieg:
        yield finding(
            "MANDAT_SIEG_SUGGERE", Severity.INFO,
            "D’après les réponses à l’assistant, il s’agit de confier une mission de service "
            "d’intérêt économique général : cochez « SIEG » et complétez la convention en "
            "mandat.",
            rule, "subsidy.sieg",
        )
    elif advice.mode is Mode.UNDECIDED:
        yield finding(
            "QUALIFICATION_INCERTAINE", Severity.WARNING,
            "D’après les réponses à l’assistant, le montage doit être analysé : "
            + " ".join(advice.cautions or (r.text for r in advice.reasons)),
            rule, "advisor",
        )
    elif ctx.dossier.kind not in _kinds_for(advice.mode, answers.multi_year):
        yield finding(
            "MODE_CONSEILLE_DIFFERENT", Severity.INFO,
            f"L’assistant conseille : {advice.title}.",
            rule, "kind",
        )


def _kinds_for(mode: Mode, multi_year: bool | None) -> set[DossierKind]:
    """The dossier kinds that fit a recommendation (either convention while the length is open)."""
    kind = MODE_KINDS[mode]
    kinds = {kind} if kind is not None else set(DossierKind)
    if mode is Mode.SUBSIDY and multi_year is None:
        kinds.add(DossierKind.CPO)
    if mode is Mode.SIEG:
        kinds.add(DossierKind.ANNUAL_CONVENTION)
    return kinds


SUBSIDY_CHECKS = (
    check_contracting_mode,
    check_convention_threshold,
    check_duration,
    check_republican_commitment,
    check_financial_report,
    check_de_minimis,
    check_sieg_mandate,
    check_sieg_limits,
    check_essential_data,
    check_association_accounts,
)
