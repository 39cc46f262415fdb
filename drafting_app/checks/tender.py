"""Checks of a tender dossier: procedure, criteria, execution conditions, lots and CCAG."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from drafting_app.advisers.contracting_mode import Mode, advise, is_answered
from drafting_app.checks.context import Context, finding, lot_numbers
from drafting_app.checks.findings import Finding, Severity
from drafting_app.checks.legal_data import LegalData, Threshold
from drafting_app.documents.facts import ConditionCategories, resolve_facts
from drafting_app.dossier.model import (
    FORMALISED_PROCEDURES,
    BuyerKind,
    ContractKind,
    CriterionKind,
    Dossier,
    Lot,
    Procedure,
)

#: the clause a contract entrusting a public service needs (loi n° 2021-1109, art. 1er)
LAICITE_CLAUSE = "service-public-laicite-neutralite"


def eu_threshold(legal: LegalData, dossier: Dossier) -> Threshold | None:
    """The EU threshold; the central authorities' one for a State body on their list."""
    tender = dossier.tender
    assert tender is not None
    buyer = dossier.buyer
    if buyer.kind is BuyerKind.STATE_PUBLIC_BODY and buyer.central_government_authority:
        central = legal.threshold("seuil_europeen_ep_central", tender.launch_date,
                                  tender.contract_kind, buyer.kind)
        if central is not None:
            return central
    return legal.threshold("seuil_europeen", tender.launch_date, tender.contract_kind,
                           buyer.kind)


def _eu_threshold(ctx: Context) -> Threshold | None:
    return eu_threshold(ctx.legal, ctx.dossier)


def condition_categories(legal: LegalData) -> ConditionCategories:
    """The clause categories that make execution conditions, as the dated data lists them."""
    return ConditionCategories(frozenset(legal.detection.social_categories),
                               frozenset(legal.detection.environment_categories))


def social_condition_due(legal: LegalData, dossier: Dossier) -> bool:
    """Whether L2112-2-1 requires a social execution condition on every lot: launched once the
    rule is in force, at or above the EU threshold (estimated value, renewals included)."""
    tender = dossier.tender
    if tender is None or tender.social_condition.strip():
        return False
    rule = legal.rule("condition_execution_sociale", tender.launch_date)
    threshold = eu_threshold(legal, dossier)
    return rule is not None and threshold is not None and (
        tender.estimated_value() >= threshold.value)


def estimated_value_text(ctx: Context) -> str:
    """`250 000,00 € HT`, or how renewals and options make up the estimated value (R2121-1)."""
    tender = ctx.tender
    text = f"{ctx.money(tender.estimated_value())} HT"
    if tender.renewals and tender.lots:
        text += (f", soit {ctx.money(tender.total_amount())} HT par période sur "
                 f"{tender.renewals + 1} périodes, reconductions comprises")
    if tender.options_amount:
        text += f", dont {ctx.money(tender.options_amount)} HT d’options"
    return text


def check_amount_known(ctx: Context) -> Iterator[Finding]:
    """The estimated amount is known: at least one lot (the whole contract) with its amount."""
    rule = ctx.legal.rule("procedure_formalisee", ctx.day)
    if ctx.tender.lots or rule is None:
        return
    yield finding(
        "MONTANT_NON_RENSEIGNE", Severity.WARNING,
        "Aucun lot n’est saisi : le montant estimé du marché est inconnu et les seuils ne "
        "peuvent pas être vérifiés. Saisissez au moins un lot (le marché entier s’il n’est pas "
        "alloti) avec son montant estimé HT.",
        rule, "tender.lots",
    )


def check_no_advertising_threshold(ctx: Context) -> Iterator[Finding]:
    """A contract without advertising or competition stays under the R2122-8 threshold."""
    tender = ctx.tender
    if tender.procedure is not Procedure.NO_ADVERTISING:
        return
    # an innovative purchase (a chosen clause citing R2122-9-1) has its own threshold
    innovative = any(s.cites("CCP", "R2122-9-1") for s in ctx.selected)
    threshold = ctx.legal.threshold(
        "achat_innovant" if innovative else "dispense_procedure", tender.launch_date,
        tender.contract_kind, ctx.dossier.buyer.kind
    )
    if threshold is None:
        yield finding(
            "SEUIL_NON_CONNU", Severity.WARNING,
            "Aucun seuil de dispense de procédure n’est enregistré pour cette date de lancement "
            f"({ctx.date(tender.launch_date)}) : à vérifier.",
            ctx.legal.reference_of("dispense_procedure"), "tender.launch_date",
        )
        return
    total = tender.estimated_value()
    if total >= threshold.value:
        yield finding(
            "DISPENSE_AU_DELA_DU_SEUIL", Severity.ERROR,
            f"La valeur estimée ({estimated_value_text(ctx)}) atteint le {threshold.label} en "
            f"vigueur le {ctx.date(tender.launch_date)} ({ctx.value(threshold)}) : une "
            "procédure de publicité et de mise en concurrence est nécessaire.",
            threshold, "tender.procedure",
        )


def check_central_authority(ctx: Context) -> Iterator[Finding]:
    """A State body may be a central authority (lower EU threshold): ask when it matters."""
    tender = ctx.tender
    buyer = ctx.dossier.buyer
    if buyer.kind is not BuyerKind.STATE_PUBLIC_BODY or buyer.central_government_authority:
        return
    central = ctx.legal.threshold("seuil_europeen_ep_central", tender.launch_date,
                                  tender.contract_kind, buyer.kind)
    other = _eu_threshold(ctx)
    value = tender.estimated_value()
    if central is None or other is None or not central.value <= value < other.value:
        return
    yield finding(
        "SEUIL_AUTORITE_CENTRALE", Severity.WARNING,
        f"La valeur estimée ({estimated_value_text(ctx)}) est sous le {other.label} "
        f"({ctx.value(other)}) mais atteint celui des autorités publiques centrales "
        f"({ctx.value(central)}) : si l’établissement figure sur la liste des autorités "
        "publiques centrales, cochez-le dans l’acheteur ; une procédure formalisée est alors "
        "nécessaire.",
        central, "buyer.central_government_authority",
    )


def check_adapted_publicity(ctx: Context) -> Iterator[Finding]:
    """A procédure adaptée from 90 000 € HT is advertised in the BOAMP or a JAL (R2131-12)."""
    tender = ctx.tender
    if tender.procedure is not Procedure.ADAPTED:
        return
    threshold = ctx.legal.threshold("publicite_procedure_adaptee", tender.launch_date,
                                    tender.contract_kind, ctx.dossier.buyer.kind)
    if threshold is None or tender.estimated_value() < threshold.value:
        return
    yield finding(
        "PUBLICITE_BOAMP_JAL", Severity.INFO,
        f"La valeur estimée ({estimated_value_text(ctx)}) atteint {ctx.value(threshold)} : "
        "l’avis de la procédure adaptée est publié au Bulletin officiel des annonces des "
        "marchés publics ou dans un journal habilité à recevoir des annonces légales, et sur "
        "le profil d’acheteur.",
        threshold, "tender.procedure",
    )


def check_essential_data(ctx: Context) -> Iterator[Finding]:
    """From 40 000 € HT the contract's essential data are published (R2196-1)."""
    tender = ctx.tender
    threshold = ctx.legal.threshold("donnees_essentielles_marche", tender.launch_date,
                                    tender.contract_kind, ctx.dossier.buyer.kind)
    if threshold is None or tender.estimated_value() < threshold.value:
        return
    yield finding(
        "DONNEES_ESSENTIELLES_MARCHE", Severity.INFO,
        f"La valeur estimée ({estimated_value_text(ctx)}) atteint {ctx.value(threshold)} : "
        "après la notification, publiez les données essentielles du marché.",
        threshold, "tender.lots",
    )


def check_eu_threshold_known(ctx: Context) -> Iterator[Finding]:
    """The EU threshold for this buyer, contract and date is in the data, or we say so."""
    tender = ctx.tender
    if not tender.lots or _eu_threshold(ctx) is not None:
        return
    yield finding(
        "SEUIL_EUROPEEN_NON_CONNU", Severity.WARNING,
        "Aucun seuil européen n’est enregistré pour ce type d’acheteur et de marché à la date "
        f"de lancement ({ctx.date(tender.launch_date)}) : le choix de la procédure et "
        "l’obligation de condition d’exécution sociale ne peuvent pas être vérifiés ; à "
        "vérifier.",
        ctx.legal.reference_of("seuil_europeen"), "buyer.kind",
    )


def check_procedure_for_amount(ctx: Context) -> Iterator[Finding]:
    """At or above the EU threshold, a formalised procedure (except social services)."""
    tender = ctx.tender
    threshold = _eu_threshold(ctx)
    total = tender.estimated_value()
    if tender.procedure is not Procedure.ADAPTED or threshold is None or total < threshold.value:
        return
    amount = estimated_value_text(ctx)
    if tender.social_services and tender.contract_kind is ContractKind.SERVICES:
        rule = ctx.legal.rule("services_sociaux_procedure_adaptee", tender.launch_date)
        if rule is not None:
            yield finding(
                "SERVICES_SOCIAUX_PROCEDURE_ADAPTEE", Severity.INFO,
                f"La valeur estimée ({amount}) atteint le {threshold.label} "
                f"({ctx.value(threshold)}), mais les services sociaux et autres services "
                "spécifiques peuvent être passés en procédure adaptée quel que soit leur "
                "montant : vérifiez que toutes les prestations figurent dans l’avis annexé au "
                "CCP.",
                rule, "tender.social_services",
            )
        social = ctx.legal.threshold("seuil_services_sociaux", tender.launch_date,
                                     tender.contract_kind, ctx.dossier.buyer.kind)
        if social is not None and total >= social.value:
            yield finding(
                "SERVICES_SOCIAUX_SEUIL_EUROPEEN", Severity.WARNING,
                f"La valeur estimée ({amount}) atteint le {social.label} "
                f"({ctx.value(social)}) : la procédure reste adaptée, mais des règles de "
                "publicité européennes s’appliquent.",
                social, "tender.procedure",
            )
        return
    yield finding(
        "PROCEDURE_FORMALISEE_REQUISE", Severity.ERROR,
        f"La valeur estimée du marché ({amount}, tous lots confondus) atteint le "
        f"{threshold.label} en vigueur le {ctx.date(tender.launch_date)} "
        f"({ctx.value(threshold)}) : la procédure adaptée n’est plus possible. Choisissez une "
        "procédure formalisée (appel d’offres, procédure avec négociation ou dialogue "
        "compétitif selon le cas), sauf s’il s’agit de services sociaux et autres services "
        "spécifiques (article R2123-1).",
        threshold, "tender.procedure",
    )


# --------------------------------------------------------------------------- criteria


def check_criteria_present(ctx: Context) -> Iterator[Finding]:
    """A consultation states its award criteria."""
    tender = ctx.tender
    rule = ctx.legal.rule("ponderation_criteres", tender.launch_date)
    if rule is None or tender.procedure is Procedure.NO_ADVERTISING or tender.criteria:
        return
    yield finding(
        "CRITERES_ABSENTS", Severity.WARNING,
        "Aucun critère d’attribution n’est saisi : les documents de la consultation doivent "
        "indiquer les critères et leurs modalités de mise en œuvre.",
        rule, "tender.criteria",
    )


def check_environmental_criterion(ctx: Context) -> Iterator[Finding]:
    """From 21 August 2026 a criterion covers the environment; price alone is no longer allowed."""
    tender = ctx.tender
    rule = ctx.legal.rule("critere_environnemental", tender.launch_date)
    if rule is None or tender.procedure is Procedure.NO_ADVERTISING or not tender.criteria:
        return
    kinds = {criterion.kind for criterion in tender.criteria}
    if len(tender.criteria) == 1 and kinds == {CriterionKind.COST}:
        single = ctx.legal.rule("critere_cout_unique", tender.launch_date) or rule
        yield finding(
            "CRITERE_COUT_UNIQUE", Severity.INFO,
            "Le critère unique du coût est admis s’il est déterminé selon une approche globale "
            "(coût du cycle de vie, par exemple) et intègre les caractéristiques "
            "environnementales de l’offre : décrivez-les dans le critère.",
            single, "tender.criteria[0].description",
        )
        return
    if CriterionKind.ENVIRONMENTAL not in kinds:
        yield finding(
            "CRITERE_ENVIRONNEMENTAL_MANQUANT", Severity.ERROR,
            "Pour une consultation lancée à partir du "
            f"{ctx.date(rule.start)}, il faut {rule.label}. Ajoutez un critère "
            "environnemental (ou un critère unique du coût intégrant l’environnement).",
            rule, "tender.criteria",
        )
    if kinds == {CriterionKind.PRICE}:
        yield finding(
            "CRITERE_PRIX_SEUL", Severity.ERROR,
            "Le prix ne peut plus être le critère unique d’attribution : ajoutez au moins un "
            "critère environnemental, ou retenez un critère unique du coût.",
            rule, "tender.criteria",
        )


def check_weights(ctx: Context) -> Iterator[Finding]:
    """In formalised procedures the criteria are weighted and the weights add up to 100 %."""
    tender = ctx.tender
    rule = ctx.legal.rule("ponderation_criteres", tender.launch_date)
    if rule is None or tender.procedure not in FORMALISED_PROCEDURES or not tender.criteria:
        return
    weights = [criterion.weight for criterion in tender.criteria]
    if any(weight is None for weight in weights):
        yield finding(
            "PONDERATION_MANQUANTE", Severity.WARNING,
            "En procédure formalisée, les critères sont pondérés ; s’il est objectivement "
            "impossible de les pondérer, indiquez leur ordre décroissant d’importance "
            "(article R2152-12) et justifiez-le.",
            rule, "tender.criteria",
        )
        return
    total = sum((w for w in weights if w is not None), Decimal(0))
    if total != 100:
        yield finding(
            "PONDERATION_TOTAL", Severity.ERROR,
            f"La somme des pondérations fait {ctx.formats.number(total)} % au lieu de 100 % : "
            "corrigez les poids des critères.",
            rule, "tender.criteria",
        )


def check_subcriteria(ctx: Context) -> Iterator[Finding]:
    """Sub-criteria weights are disclosed (formalised procedures) and add up."""
    tender = ctx.tender
    rule = ctx.legal.rule("ponderation_sous_criteres", tender.launch_date)
    if rule is None or tender.procedure is Procedure.NO_ADVERTISING:
        return
    for index, criterion in enumerate(tender.criteria):
        if not criterion.subcriteria:
            continue
        where = f"tender.criteria[{index}].subcriteria"
        weights = [sub.weight for sub in criterion.subcriteria]
        if any(weight is None for weight in weights):
            if tender.procedure in FORMALISED_PROCEDURES:
                yield finding(
                    "SOUS_CRITERES_NON_PONDERES", Severity.WARNING,
                    f"Les sous-critères du critère « {criterion.name} » ne sont pas tous "
                    "pondérés : leur pondération doit être communiquée aux candidats lorsqu’elle "
                    "peut influencer la préparation des offres ; indiquez-la.",
                    rule, where,
                )
            continue
        total = sum((w for w in weights if w is not None), Decimal(0))
        targets = {Decimal(100)} | ({criterion.weight} if criterion.weight is not None else set())
        if total not in targets:
            expected = " ou ".join(f"{ctx.formats.number(t)} points" for t in sorted(targets))
            yield finding(
                "SOUS_CRITERES_TOTAL", Severity.ERROR,
                f"Les sous-critères du critère « {criterion.name} » totalisent "
                f"{ctx.formats.number(total)} points au lieu de {expected} : corrigez leurs "
                "poids.",
                rule, where,
            )


# --------------------------------------------------------------------------- conditions


def check_environmental_condition(ctx: Context) -> Iterator[Finding]:
    """From 22 August 2026 every contract has an environmental execution condition."""
    tender = ctx.tender
    rule = ctx.legal.rule("condition_execution_environnementale", tender.launch_date)
    if rule is None:
        return
    clauses = ctx.execution_conditions(ctx.legal.detection.environment_categories)
    if clauses or tender.environmental_condition.strip():
        return
    yield finding(
        "CONDITION_ENVIRONNEMENTALE_MANQUANTE", Severity.ERROR,
        f"Pour une consultation lancée à partir du {ctx.date(rule.start)}, il faut des "
        f"{rule.label}. Choisissez une clause environnementale parmi les conditions "
        "d’exécution du CCAP, ou décrivez la condition prévue ailleurs (CCTP).",
        rule, "tender.environmental_condition",
    )


def check_social_condition(ctx: Context) -> Iterator[Finding]:
    """From 22 August 2026, at or above EU thresholds, each lot has a social condition or a reason.

    The lot a finding concerns is named: a clause chosen for some lots covers those lots only.
    """
    tender = ctx.tender
    rule = ctx.legal.rule("condition_execution_sociale", tender.launch_date)
    threshold = _eu_threshold(ctx)
    if rule is None or threshold is None or not social_condition_due(ctx.legal, ctx.dossier):
        return
    # the lots the pieces print as bound by a social condition: one reading for both
    facts = resolve_facts(ctx.library, ctx.dossier, categories=condition_categories(ctx.legal))
    covered = {lot.number for lot in facts.lots if lot.social_conditions}
    missing = [(index, lot) for index, lot in enumerate(tender.lots)
               if lot.number not in covered]
    if not missing:
        return
    exception = ctx.legal.rule("exception_condition_sociale", tender.launch_date) or rule
    reason = tender.social_condition_exception.strip()
    if reason:
        yield finding(
            "CONDITION_SOCIALE_EXCEPTION", Severity.INFO,
            f"Le marché atteint le {threshold.label} et "
            f"{_lots_without(tender.lots, [lot for _, lot in missing])} de condition "
            f"d’exécution sociale, pour le motif suivant : « {reason} ». Les exceptions sont "
            "strictement encadrées : vérifiez que ce motif entre dans un cas prévu et "
            "conservez-le au dossier.",
            exception, "tender.social_condition_exception",
        )
        return
    for index, lot in missing:
        where = f"tender.lots[{index}].social_condition_exception"
        lot_reason = lot.social_condition_exception.strip()
        if lot_reason:
            yield finding(
                "CONDITION_SOCIALE_EXCEPTION", Severity.INFO,
                f"Le lot n° {lot.number} « {lot.title} » ne prévoit pas de condition "
                f"d’exécution sociale, pour le motif suivant : « {lot_reason} ». Les exceptions "
                "sont strictement encadrées : vérifiez que ce motif entre dans un cas prévu et "
                "conservez-le au dossier.",
                exception, where,
            )
            continue
        yield finding(
            "CONDITION_SOCIALE_MANQUANTE", Severity.ERROR,
            f"Le lot n° {lot.number} « {lot.title} » n’a pas de condition d’exécution "
            f"sociale. La valeur estimée du marché ({estimated_value_text(ctx)}) atteint le "
            f"{threshold.label} ({ctx.value(threshold)}) : pour une consultation lancée à "
            f"partir du {ctx.date(rule.start)}, il faut des {rule.label}. Choisissez pour ce "
            "lot une clause sociale ou d’insertion parmi les conditions d’exécution du CCAP, "
            "ou indiquez le motif qui permet de s’en dispenser pour ce lot.",
            rule, where,
        )


def _lots_without(lots: tuple[Lot, ...], missing: list[Lot]) -> str:
    """`ne prévoit pas`, or `le lot n° 3 ne prévoit pas` when only some lots lack it."""
    if len(missing) == len(lots):
        return "ne prévoit pas"
    verb = "ne prévoient pas" if len(missing) > 1 else "ne prévoit pas"
    return f"{lot_numbers(missing, 'le')} {verb}"


def check_public_service_laicite(ctx: Context) -> Iterator[Finding]:
    """A contract entrusting a public service states equality, laïcité and neutrality."""
    tender = ctx.tender
    rule = ctx.legal.rule("laicite_service_public", tender.launch_date)
    if rule is None or not tender.public_service_entrusted:
        return
    text, article = rule.reference.text, rule.reference.article
    if any(s.cites(text, article) and s.placed_in("ccap") for s in ctx.selected):
        return
    proposed = ctx.library.clause(LAICITE_CLAUSE)
    name = f"« {proposed.meta.title} » ({LAICITE_CLAUSE})" if proposed else "adaptée"
    yield finding(
        "LAICITE_SERVICE_PUBLIC", Severity.ERROR,
        "Le marché confie l’exécution d’un service public : le titulaire doit assurer "
        "l’égalité des usagers, la laïcité et la neutralité, et le contrat doit le rappeler "
        "et préciser le contrôle de l’acheteur et les sanctions. Ajoutez au CCAP la clause "
        f"{name}.",
        rule, "tender.public_service_entrusted",
    )


# --------------------------------------------------------------------------- lots and CCAG


def check_lots(ctx: Context) -> Iterator[Finding]:
    """A contract is split into lots, or the dossier records why not."""
    tender = ctx.tender
    rule = ctx.legal.rule("allotissement", tender.launch_date)
    if rule is None or len(tender.lots) > 1 or tender.no_lots_reason.strip():
        return
    yield finding(
        "ALLOTISSEMENT_NON_MOTIVE", Severity.WARNING,
        "Le marché n’est pas alloti : indiquez le motif (impossibilité d’identifier des "
        "prestations distinctes, ou l’un des cas prévus à l’article L2113-11).",
        rule, "tender.no_lots_reason",
    )


def check_ccag(ctx: Context) -> Iterator[Finding]:
    """The CCAG fits the kind of contract, and clauses cite articles of that CCAG."""
    tender = ctx.tender
    rule = ctx.legal.rule("ccag_reference", tender.launch_date)
    if rule is None:
        return
    ccag = tender.ccag.value
    if ctx.legal.ccag_fits(tender.ccag, tender.contract_kind) is False:
        yield finding(
            "CCAG_INADAPTE", Severity.WARNING,
            f"Le {ccag} n’est pas écrit pour les marchés de {tender.contract_kind.value} : "
            "vérifiez le CCAG auquel le marché se réfère.",
            rule, "tender.ccag",
        )
    for selected in ctx.selected:
        cited = [r for r in selected.clause.meta.references if r.text.startswith("CCAG-")]
        if not cited or any(r.text == ccag for r in cited):
            continue  # a clause citing each CCAG's article keeps the one of this contract
        articles = ", ".join(f"l’article {r.article} du {r.text}" for r in cited)
        yield finding(
            "CCAG_ARTICLE_AUTRE_CCAG", Severity.WARNING,
            f"La clause « {selected.title} » cite {articles}, alors que le marché se réfère "
            f"au {ccag} : vérifiez l’article correspondant du CCAG retenu et adaptez la "
            "rédaction.",
            rule, f"{selected.field}.id",
        )


def check_ccag_derogations(ctx: Context) -> Iterator[Finding]:
    """Derogations to the CCAG are listed; say which clauses make them."""
    tender = ctx.tender
    rule = ctx.legal.rule("ccag_derogations", tender.launch_date)
    derogating = [s for s in ctx.selected if s.clause.meta.derogates]
    if rule is None or not derogating:
        return
    titles = ", ".join(f"« {s.title} »" for s in derogating)
    count = sum(len(s.clause.meta.derogates) for s in derogating)
    yield finding(
        "CCAG_DEROGATIONS", Severity.INFO,
        f"{count} dérogation(s) au {tender.ccag.value}, par les clauses {titles} : le CCAP "
        "les récapitule dans son dernier article ; vérifiez que chacune est voulue.",
        rule, "clauses",
    )


def check_contracting_mode(ctx: Context) -> Iterator[Finding]:
    """When the qualification answers point to a subsidy, say so on a tender dossier."""
    answers = ctx.dossier.advisor
    rule = ctx.legal.rule("subvention_hors_ccp", ctx.day)
    if rule is None or not is_answered(answers):
        return
    advice = advise(answers, ctx.legal, ctx.day)
    if advice.mode in (Mode.SUBSIDY, Mode.CPO, Mode.SIEG):
        yield finding(
            "MODE_CONSEILLE_DIFFERENT", Severity.INFO,
            f"D’après les réponses à l’assistant, le mode de contractualisation conseillé est : "
            f"{advice.title}. Vérifiez qu’un marché public est bien le bon outil.",
            rule, "advisor",
        )
