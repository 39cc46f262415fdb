"""Checks of a subsidy dossier (loi n° 2000-321, art. 9-1 and 10)."""

from __future__ import annotations

from collections.abc import Iterator

from drafting_app.checks.findings import Finding, Severity
from drafting_app.checks.legal_data import LegalData
from drafting_app.model import Dossier
from drafting_app.render import Formats

FORMATS = Formats()


def check_convention_threshold(dossier: Dossier, legal: LegalData) -> Iterator[Finding]:
    """Say whether the written convention is mandatory (above 23 000 € a year)."""
    subsidy = dossier.subsidy
    assert subsidy is not None
    threshold = legal.threshold("convention_subvention", subsidy.start_date)
    if threshold is None:
        return
    if subsidy.annual_amount > threshold.amount:
        yield Finding(
            "CONVENTION_OBLIGATOIRE", Severity.INFO,
            f"La subvention annuelle ({FORMATS.money(subsidy.annual_amount)}) dépasse "
            f"{FORMATS.money(threshold.amount)} : la convention est obligatoire et doit préciser "
            "l’objet, le montant, les modalités de versement et les conditions d’utilisation.",
            threshold.reference.label(), "subsidy.annual_amount",
        )
    else:
        yield Finding(
            "CONVENTION_FACULTATIVE", Severity.INFO,
            f"La subvention annuelle ne dépasse pas {FORMATS.money(threshold.amount)} : la "
            "convention n’est pas obligatoire, mais elle reste recommandée.",
            threshold.reference.label(), "subsidy.annual_amount",
        )


SUBSIDY_CHECKS = (check_convention_threshold,)
