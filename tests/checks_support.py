"""Dossiers and helpers for the legal-check tests: a clean tender and subsidy to vary."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import re
from types import MappingProxyType
from typing import Any

from drafting_app.checks import Finding, LegalData, run_checks
from drafting_app.checks.legal_data import cite, load_reference_index
from drafting_app.dossier.model import Dossier
from drafting_app.wording.library import Clause, Library, load_library
from drafting_app.wording.model import LegalReference
from drafting_app.wording.render import Formats, make_environment
from tests.conftest import LIBRARY

BUYER: dict[str, Any] = {
    "name": "Commune de Saint-Aubin-sur-Loire",
    "kind": "commune",
    "address": {"street": "1 place de la Mairie", "postcode": "49170",
                "city": "Saint-Aubin-sur-Loire"},
    "siret": "21490001200011",
    "signatory": {"name": "Mme Claire Moreau", "title": "Maire"},
    "operating_expenditure_over_60m": False,
}

#: a tender that checks with information only, on 7 December 2026
TENDER: dict[str, Any] = {
    "schema_version": 1,
    "kind": "marche_public",
    "title": "Entretien des espaces verts 2027-2029",
    "buyer": BUYER,
    "tender": {
        "object": "Entretien des espaces verts de la commune",
        "reference": "2026-EV-014",
        "contract_kind": "services",
        "procedure": "procedure_adaptee",
        "launch_date": "2026-12-07",
        "duration_months": 36,
        "ccag": "CCAG-FCS",
        "lots": [
            {"number": 1, "title": "Parcs et cimetières", "estimated_amount": "126000.00"},
            {"number": 2, "title": "Cours d’écoles", "estimated_amount": "48000.00",
             "reservation": "siae"},
        ],
        "criteria": [
            {"name": "Prix", "kind": "prix", "weight": "40"},
            {"name": "Valeur technique", "kind": "technique", "weight": "30"},
            {"name": "Environnement", "kind": "environnemental", "weight": "20"},
            {"name": "Insertion", "kind": "social", "weight": "10"},
        ],
        "advance_rate": "5",
    },
    "clauses": [
        {"id": "insertion-condition-execution", "lots": [1], "values": {
            "part_main_oeuvre": "70", "taux_insertion": "7", "cout_horaire": "30",
            "facilitateur": "Maison de l’emploi", "penalite_horaire": "45"}},
        {"id": "lot-reserve-siae", "lots": [2], "values": {}},
        {"id": "condition-environnementale-dechets-verts", "lots": [], "values": {
            "taux_valorisation": "90", "penalite_journaliere": "150"}},
    ],
}

#: an annual convention of 35 000 € starting on 1 January 2027
SUBSIDY: dict[str, Any] = {
    "schema_version": 1,
    "kind": "convention_annuelle",
    "title": "Subvention 2027 – La Fabrique solidaire",
    "buyer": {**BUYER, "name": "Département de Maine-et-Loire", "kind": "departement",
              "siret": "22490001700019"},
    "subsidy": {
        "association": {
            "name": "La Fabrique solidaire", "siret": "82345678900010", "rna": "W491012345",
            "address": {"street": "12 rue des Ateliers", "postcode": "49000", "city": "Angers"},
            "representative": {"name": "Mme Inès Barbier", "title": "Présidente"},
        },
        "project_title": "Ateliers de réparation",
        "start_date": "2027-01-01",
        "duration_years": 1,
        "annual_amount": "35000.00",
        "reference": "DEP49-ESS-2027-031",
        "objectives": [{"title": "Réparer plutôt que jeter", "indicators": [
            {"name": "Objets réparés", "target": "1 500 par an"}]}],
    },
    "clauses": [{"id": "convention-contrat-engagement-republicain", "values": {}}],
}


def load_test_library() -> Library:
    """The shipped library; clauses with problems are left out, the others are usable."""
    library, _ = load_library(LIBRARY, make_environment(Formats()))
    return library


def dossier(base: dict[str, Any], part: str | None = None, **changes: Any) -> Dossier:
    """A copy of a base dossier with fields of one part (or of the top level) changed."""
    data = copy.deepcopy(base)
    target = data[part] if part else data
    for key, value in changes.items():
        target[key] = value
    return Dossier.model_validate(data)


def tender(**changes: Any) -> Dossier:
    """The clean tender with some `tender` fields changed."""
    return dossier(TENDER, "tender", **changes)


def subsidy(**changes: Any) -> Dossier:
    """The clean subsidy with some `subsidy` fields changed."""
    return dossier(SUBSIDY, "subsidy", **changes)


def with_top(base: Dossier, **changes: Any) -> Dossier:
    """A dossier with top-level parts replaced (buyer, clauses, advisor, kind), validated."""
    data = base.model_dump(mode="json")
    data.update(changes)
    return Dossier.model_validate(data)


def buyer(base: Dossier, **changes: Any) -> Dossier:
    """A dossier with buyer fields changed."""
    return with_top(base, buyer={**base.buyer.model_dump(mode="json"), **changes})


def lots(*amounts: str | int, **fields: Any) -> list[dict[str, Any]]:
    """Lots numbered from 1 with these amounts (HT) and the same extra fields."""
    return [{"number": i, "title": f"Lot {i}", "estimated_amount": str(amount), **fields}
            for i, amount in enumerate(amounts, start=1)]


def findings(d: Dossier, library: Library, legal: LegalData) -> list[Finding]:
    """Every finding of a dossier."""
    return run_checks(d, library, legal)


def codes(d: Dossier, library: Library, legal: LegalData) -> set[str]:
    """The codes of a dossier's findings."""
    return {f.code for f in run_checks(d, library, legal)}


def one(d: Dossier, library: Library, legal: LegalData, code: str) -> Finding:
    """The single finding with this code (fails when there is none or several)."""
    found = [f for f in run_checks(d, library, legal) if f.code == code]
    assert len(found) == 1, f"{code}: {[f.code for f in run_checks(d, library, legal)]}"
    return found[0]


def altered(library: Library, clause_id: str, text: str | None = None, **meta: Any) -> Library:
    """The library with one clause's wording or metadata changed (a real clause, edited)."""
    clause = library.clause(clause_id)
    assert clause is not None, clause_id
    new_meta = clause.meta.model_copy(update=meta)
    changed: Clause = dataclasses.replace(
        clause, meta=new_meta, text=clause.text if text is None else text)
    return dataclasses.replace(
        library, clauses=MappingProxyType({**library.clauses, clause_id: changed}))


def without_documents(library: Library) -> Library:
    """The library with no document skeleton (checks then read the chosen clauses only)."""
    return dataclasses.replace(library, documents=MappingProxyType({}))


def backed_citations() -> set[str]:
    """Every citation the references files back, as findings print them."""
    index = load_reference_index(LIBRARY)
    assert index is not None
    checked = dt.date(2026, 11, 23)
    return {cite(LegalReference(text=entry.text, article=article, checked=checked))
            for entry in index.references for article in entry.articles}


_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def resolves(d: Dossier, path: str) -> bool:
    """Whether a finding's field path names a field of the dossier (`tender.lots[1].x`)."""
    current: Any = d.model_dump(mode="json")
    steps = _STEP.findall(path)
    for position, (key, index) in enumerate(steps):
        last = position == len(steps) - 1
        if index:
            if not isinstance(current, list) or int(index) >= len(current):
                return False
            current = current[int(index)]
        elif isinstance(current, dict) and key in current:
            current = current[key]
        else:
            # only a clause value not given yet (`values.taux_insertion`) may be absent
            return last and isinstance(current, dict)
    return True
