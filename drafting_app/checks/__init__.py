"""Legal checks: small pure functions from a dossier to findings, run in a fixed order."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from drafting_app.checks import completeness, contract_form, money, reserved, subsidy, tender
from drafting_app.checks.context import Context
from drafting_app.checks.findings import Finding, Severity
from drafting_app.checks.generation import REFUSED_BY_GENERATE, check_generation
from drafting_app.checks.legal_data import LegalData, load_legal_data
from drafting_app.dossier.model import Dossier
from drafting_app.wording.library import Library
from drafting_app.wording.render import Renderer
from drafting_app.wording.values import coerce_values, dossier_value, with_dossier_defaults

__all__ = [
    "REFUSED_BY_GENERATE",
    "SUBSIDY_CHECKS",
    "TENDER_CHECKS",
    "Context",
    "Finding",
    "LegalData",
    "Severity",
    "load_legal_data",
    "run_checks",
]

Check = Callable[[Context], Iterator[Finding]]

TENDER_CHECKS: tuple[Check, ...] = (
    tender.check_amount_known,
    tender.check_no_advertising_threshold,
    tender.check_eu_threshold_known,
    tender.check_central_authority,
    tender.check_procedure_for_amount,
    tender.check_adapted_publicity,
    tender.check_essential_data,
    tender.check_criteria_present,
    tender.check_environmental_criterion,
    tender.check_weights,
    tender.check_subcriteria,
    tender.check_environmental_condition,
    tender.check_social_condition,
    tender.check_public_service_laicite,
    tender.check_lots,
    reserved.check_reservations,
    reserved.check_ess_reservation,
    reserved.check_labels,
    money.check_minimum_turnover,
    money.check_advance,
    money.check_guarantee_retention,
    money.check_payment_days,
    money.check_price_revision,
    tender.check_ccag,
    tender.check_ccag_derogations,
    tender.check_contracting_mode,
    *contract_form.CONTRACT_FORM_CHECKS,
    *completeness.TENDER_CHECKS,
)

SUBSIDY_CHECKS: tuple[Check, ...] = (
    *subsidy.SUBSIDY_CHECKS, contract_form.check_payment_events, *completeness.SUBSIDY_CHECKS,
)


def check_chosen_clauses(dossier: Dossier, library: Library) -> Iterator[Finding]:
    """Every chosen clause exists, fits the dossier, has valid values and a known status."""
    for index, chosen in enumerate(dossier.clauses):
        clause = library.clause(chosen.id)
        where = f"clauses[{index}]"
        if clause is None:
            yield Finding(
                "CLAUSE_INCONNUE", Severity.ERROR,
                f"La clause « {chosen.id} » n’existe pas dans la bibliothèque : retirez-la du "
                "dossier ou vérifiez son identifiant (clausier clauses search).",
                "", f"{where}.id",
            )
            continue
        raw = with_dossier_defaults(clause.meta.variables, chosen.values, dossier)
        values, problems = coerce_values(clause.meta.variables, raw)
        for variable in clause.meta.variables:
            field = variable.dossier_field
            given = dossier_value(dossier, field) if field else None
            if (given is not None and variable.name in chosen.values
                    and variable.name in values and values[variable.name] != given):
                yield Finding(
                    "VALEUR_DIVERGENTE", Severity.WARNING,
                    f"Clause « {clause.meta.title} » : « {variable.label} » vaut "
                    f"{values[variable.name]} dans la clause et {given} dans le dossier "
                    f"({field}) : les pièces et les vérifications doivent dire la même chose ; "
                    "videz la valeur de la clause pour reprendre celle du dossier.",
                    "", f"{where}.values.{variable.name}",
                )
        labels = {variable.name: variable.label for variable in clause.meta.variables}
        for problem in problems:
            yield Finding(
                "VALEUR_CLAUSE", Severity.ERROR,
                f"Clause « {clause.meta.title} », « {labels.get(problem.name, problem.name)} » : "
                f"{problem.message.rstrip('.')}.",
                "", f"{where}.values.{problem.name}",
            )
        if dossier.tender is not None:
            numbers = {lot.number for lot in dossier.tender.lots}
            for lot in chosen.lots:
                if lot not in numbers:
                    yield Finding(
                        "LOT_INCONNU", Severity.ERROR,
                        f"La clause « {clause.meta.title} » vise le lot {lot}, qui n’existe pas.",
                        "", f"{where}.lots",
                    )
        if clause.meta.status.value != "validé":
            yield Finding(
                "CLAUSE_NON_VALIDEE", Severity.INFO,
                f"La clause « {clause.meta.title} » est au statut « {clause.meta.status.value} » : "
                "faites relire sa rédaction par votre service juridique avant publication.",
                "", f"{where}.id",
            )


def run_checks(dossier: Dossier, library: Library, legal: LegalData,
               renderer: Renderer | None = None) -> list[Finding]:
    """Every finding for a dossier: errors first, then warnings, then information.

    With the `renderer` documents are made with, the chosen clauses and the pieces are also
    rendered, and what `generate` would refuse is reported (REFUSED_BY_GENERATE).
    """
    checks = TENDER_CHECKS if dossier.tender is not None else SUBSIDY_CHECKS
    context = Context(dossier, legal, library)
    findings = list(check_chosen_clauses(dossier, library))
    if renderer is not None:
        findings.extend(check_generation(dossier, library, renderer))
    for check in checks:
        findings.extend(check(context))
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    return sorted(findings, key=lambda f: order[f.severity])
