"""The indicators of a 48-dossier register, recomputed independently from the JSON files.

The recomputation below reads the dossier files with `json` and the library's clause files
with `tomllib`: it shares no code with drafting_app.followup, so a wrong derivation there
shows up as a difference here.
"""

from __future__ import annotations

import json
import shutil
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from drafting_app.followup.considerations import Context
from drafting_app.followup.indicators import INDICATORS, Scope, compute_all
from drafting_app.followup.register import open_register
from drafting_app.followup.targets import read_targets
from tests.conftest import LIBRARY

D = Decimal


def dossiers(folder: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_text("utf-8")) for p in sorted(folder.rglob("*.json"))]


def clause_facts() -> dict[str, tuple[str, set[tuple[str, str]]]]:
    facts = {}
    for path in (LIBRARY / "clauses").glob("*/clause.toml"):
        data = tomllib.loads(path.read_text("utf-8"))
        facts[data["id"]] = (data["category"], {(p["piece"], p["part"])
                                                for p in data["placements"]})
    return facts


def detection() -> dict[str, list[str]]:
    data = tomllib.loads((LIBRARY / "legal" / "donnees_juridiques.toml").read_text("utf-8"))
    return data["detection"]  # type: ignore[no-any-return]


def notified(d: dict[str, Any], year: int) -> bool:
    award = d.get("award")
    return award is not None and award["notification_date"].startswith(str(year))


def is_social(d: dict[str, Any], facts: dict[str, Any], categories: list[str]) -> bool:
    tender = d["tender"]
    for chosen in d["clauses"]:
        category, places = facts[chosen["id"]]
        if category in categories and any(
                (piece, part) == ("ccap", "execution") or piece == "annexe_sociale"
                for piece, part in places):
            return True
    return (bool(tender.get("social_condition", "").strip())
            or any(c["kind"] == "social" for c in tender["criteria"])
            or any(lot.get("reservation") for lot in tender["lots"]))


def is_environmental(d: dict[str, Any], facts: dict[str, Any], categories: list[str]) -> bool:
    tender = d["tender"]
    for chosen in d["clauses"]:
        category, places = facts[chosen["id"]]
        if category in categories and any(
                (piece, part) == ("ccap", "execution") or piece == "cctp"
                for piece, part in places):
            return True
    return (bool(tender.get("environmental_condition", "").strip())
            or any(c["kind"] == "environnemental" for c in tender["criteria"]))


def pct(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    return None if denominator == 0 else (numerator * 100 / denominator).quantize(D("0.1"))


def expected(folder: Path, year: int) -> dict[str, Decimal | None]:
    """Every indicator but the planned hours, from the files alone."""
    files = dossiers(folder)
    facts, found = clause_facts(), detection()
    tenders = [d for d in files if d["kind"] == "marche_public"]
    year_tenders = [d for d in tenders if notified(d, year)]

    def awarded(d: dict[str, Any]) -> Decimal:
        return sum((D(lot["amount"]) for lot in d["award"]["lots"]), D(0))

    social = [d for d in year_tenders if is_social(d, facts, found["social_categories"])]
    environmental = [d for d in year_tenders
                     if is_environmental(d, facts, found["environment_categories"])]
    total = sum((awarded(d) for d in year_tenders), D(0))
    by_kind: dict[str, Decimal] = {}
    for d in year_tenders:
        for lot in d["award"]["lots"]:
            holders = lot["holders"]
            for holder in holders:
                amount = D(lot["amount"]) if len(holders) == 1 else D(holder["amount"])
                by_kind[holder["kind"]] = by_kind.get(holder["kind"], D(0)) + amount
    rows = [row for d in tenders if d.get("award") for row in d["award"]["execution"]
            if row["year"] == year]
    hours = [D(row["insertion_hours"]) for row in rows if row.get("insertion_hours")]

    def spent_share(key: str) -> Decimal | None:
        used = [row for row in rows if row.get(key) is not None and row.get("amount_spent")]
        return pct(sum((D(r[key]) for r in used), D(0)),
                   sum((D(r["amount_spent"]) for r in used), D(0)))

    subsidies = [d for d in files if d["kind"] != "marche_public"]
    signed = [d for d in subsidies if notified(d, year)]
    paid = [D(p["amount"]) for d in subsidies if d.get("award")
            for p in d["award"]["payments"] if p["date"].startswith(str(year))]
    return {
        "marches_notifies": D(len(year_tenders)),
        "montant_notifie": total,
        "part_sociale_nombre": pct(D(len(social)), D(len(year_tenders))),
        "part_sociale_montant": pct(sum((awarded(d) for d in social), D(0)), total),
        "part_environnementale_nombre": pct(D(len(environmental)), D(len(year_tenders))),
        "part_environnementale_montant": pct(sum((awarded(d) for d in environmental), D(0)),
                                             total),
        "heures_realisees": sum(hours, D(0)) if hours else None,
        "lots_reserves": D(sum(1 for d in year_tenders for lot in d["tender"]["lots"]
                               if lot.get("reservation"))),
        "montant_siae": by_kind.get("siae", D(0)),
        "montant_ea_esat": by_kind.get("entreprise_adaptee", D(0)) + by_kind.get("esat", D(0)),
        "montant_autre_ess": by_kind.get("autre_ess", D(0)),
        "montant_pme": by_kind.get("pme", D(0)),
        "part_commerce_equitable": spent_share("fair_trade_amount"),
        "part_egalim": spent_share("egalim_amount"),
        "conventions_signees": D(len(signed)),
        "montant_conventions": sum((D(d["subsidy"]["annual_amount"])
                                    * d["subsidy"]["duration_years"] for d in signed), D(0)),
        "subventions_versees": sum(paid, D(0)),
    }


@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_indicators_match_an_independent_recomputation(
        sample_register: Path, context: Context, tmp_path: Path, year: int) -> None:
    register = open_register(sample_register, context, tmp_path / "index.sqlite")
    assert len(register.records) == 48
    assert register.unreadable == () and register.duplicates == ()
    figures = {f.id: f.value for f in compute_all(register.records, Scope(year))}
    wanted = expected(sample_register, year)
    assert set(figures) - set(wanted) == {"heures_prevues"}
    for key, value in wanted.items():
        assert figures[key] == value, key
    # the register has something to count in every indicator
    assert figures["marches_notifies"] and figures["montant_siae"] is not None


def test_the_register_is_varied_enough(sample_register: Path) -> None:
    files = dossiers(sample_register)
    assert len(files) >= 40
    kinds = {h["kind"] for d in files if d.get("award") for lot in d["award"].get("lots", [])
             for h in lot["holders"]}
    assert kinds >= {"siae", "esat", "entreprise_adaptee", "autre_ess", "pme", "autre"}
    years = {d["award"]["notification_date"][:4] for d in files if d.get("award")}
    assert len(years) >= 3
    assert any(not d.get("award") for d in files)  # some are not notified yet
    assert {d["kind"] for d in files} == {"marche_public", "convention_annuelle", "cpo"}


def test_every_figure_names_the_files_it_counts(sample_register: Path,
                                                context: Context) -> None:
    register = open_register(sample_register, context)
    for figure in compute_all(register.records, Scope(2027)):
        for source in figure.sources:
            assert (sample_register / source).is_file()
    figure = next(f for f in compute_all(register.records, Scope(2027))
                  if f.id == "marches_notifies")
    assert len(figure.sources) == figure.value


def test_planned_hours_follow_the_clause_formula(context: Context, tmp_path: Path) -> None:
    shutil.copy(LIBRARY.parent / "examples" / "marche_espaces_verts.json", tmp_path / "a.json")
    data = json.loads((tmp_path / "a.json").read_text("utf-8"))
    data["award"] = {"notification_date": "2027-01-01", "lots": []}
    data["tender"]["duration_months"] = 12
    data["tender"]["renewals"] = 0
    (tmp_path / "a.json").write_text(json.dumps(data), "utf-8")
    register = open_register(tmp_path, context)
    (record,) = register.records
    chosen = next(c for c in data["clauses"] if c["id"] == "insertion-condition-execution")
    values = chosen["values"]
    lots = [lot for lot in data["tender"]["lots"]
            if not chosen.get("lots") or lot["number"] in chosen["lots"]]
    hours = sum(int(D(lot["estimated_amount"]) * D(values["part_main_oeuvre"]) / 100
                    * D(values["taux_insertion"]) / 100 / D(values["cout_horaire"]) + D("0.5"))
                for lot in lots)
    assert record.planned_hours == hours
    figure = next(f for f in compute_all(register.records, Scope(2027))
                  if f.id == "heures_prevues")
    assert figure.value == hours  # the whole contract runs in 2027


def test_unreadable_dossier_is_listed_and_left_out(sample_register: Path, context: Context,
                                                   tmp_path: Path) -> None:
    folder = tmp_path / "registre"
    shutil.copytree(sample_register, folder)
    before = compute_all(open_register(folder, context).records, Scope(2027))
    broken = json.loads(next(folder.rglob("*marche*.json")).read_text("utf-8"))
    broken["award"]["lots"][0]["amount"] = "beaucoup"
    (folder / "faux.json").write_text(json.dumps(broken, ensure_ascii=False), "utf-8")
    register = open_register(folder, context)
    (item,) = register.unreadable
    assert item.path == "faux.json"
    assert any("award.lots[0].amount" in p for p in item.problems)
    assert compute_all(register.records, Scope(2027)) == before  # not counted, not as zero


def test_duplicate_references_are_reported(sample_register: Path, context: Context,
                                           tmp_path: Path) -> None:
    folder = tmp_path / "registre"
    shutil.copytree(sample_register, folder)
    first = next(folder.rglob("*.json"))
    shutil.copy(first, folder / "copie.json")
    register = open_register(folder, context)
    (twin,) = register.duplicates
    assert set(twin.paths) == {"copie.json", first.relative_to(folder).as_posix()}


def test_objectives_file(tmp_path: Path) -> None:
    path = tmp_path / "objectifs.toml"
    path.write_text("[objectifs]\npart_sociale_nombre = 30\n\n[annees.2027]\n"
                    "part_sociale_nombre = 40\n", "utf-8")
    targets, problems = read_targets(path)
    assert problems == []
    assert targets.for_year(2026) == {"part_sociale_nombre": D(30)}
    assert targets.for_year(2027) == {"part_sociale_nombre": D(40)}
    path.write_text("[objectifs]\nheures = 30\n", "utf-8")
    _targets, problems = read_targets(path)
    assert problems[0].line == 1  # the [objectifs] table
    assert "indicateur inconnu « heures »" in problems[0].message


def test_each_indicator_is_defined_once() -> None:
    ids = [item.id for item in INDICATORS]
    assert len(ids) == len(set(ids))
    assert all(item.definition.endswith(".") for item in INDICATORS)
