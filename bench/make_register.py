"""Build a sample register: N dossiers made from the shipped examples, awarded and executed.

Run by hand: `python bench/make_register.py OUT [--count 48] [--seed 7] [--with-errors]`.
Each dossier copies one of the six examples with its own reference, dates (launch 2025 to
2028), amounts, holders (SIAE, EA, ESAT, other ESS, SME, other) and execution years; some keep
their social or environmental clauses and criteria, others lose them, so that every indicator
has something to count. The same seed gives the same register. `--with-errors` adds an
unreadable dossier and a second dossier with an existing reference, as a real folder has.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import random
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from drafting_app.dossier.model import Dossier
from drafting_app.dossier.storage import save_dossier

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
TENDERS = ("marche_espaces_verts", "marche_nettoyage_departement",
           "marche_restauration_collective")
SUBSIDIES = ("convention_tiers_lieu", "cpo_region_accompagnement_ess",
             "convention_annuelle_epicerie_solidaire")
SERVICES = ("Direction de l’éducation", "Direction des bâtiments", "Direction de l’environnement",
            "Direction de la solidarité")
#: fictional operators: name, kind
HOLDERS = (
    ("Régie de quartier du Layon", "siae"), ("Jardins de Cocagne angevins", "siae"),
    ("Tremplin Travail Anjou", "siae"), ("ESAT Les Ateliers du Val", "esat"),
    ("Entreprise adaptée Handi-Services 49", "entreprise_adaptee"),
    ("SCOP Paysages et Territoires", "autre_ess"), ("Coopérative Restau’Solidaire", "autre_ess"),
    ("Espaces Verts Martin SARL", "pme"), ("Propreté de l’Ouest SAS", "pme"),
    ("Saveurs d’Anjou Traiteur", "pme"), ("Bâti-Loire Construction", "pme"),
    ("Groupe Multiservices France", "autre"), ("Nationale Restauration SA", "autre"),
)
FOLDERS = {"Direction de l’éducation": "education", "Direction des bâtiments": "batiments",
           "Direction de l’environnement": "environnement",
           "Direction de la solidarité": "solidarite"}
_CORE: list[Any] = []  # the library and insertion data, loaded once by build_register
ASSOCIATIONS = ("Tiers-lieu La Fabrique", "Épicerie solidaire du Saumurois",
                "Réseau ESS Centre", "Atelier vélo solidaire", "Ressourcerie de la Loire")


def _siret(rng: random.Random) -> str:
    """A fictional 14-digit SIRET whose Luhn checksum is right."""
    digits = [rng.randint(0, 9) for _ in range(13)]
    for last in range(10):
        candidate = [*digits, last]
        total = 0
        for index, digit in enumerate(reversed(candidate)):
            doubled = digit * 2 if index % 2 else digit
            total += doubled - 9 if doubled > 9 else doubled
        if total % 10 == 0:
            return "".join(map(str, candidate))
    raise AssertionError("unreachable")


def _money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    return data


def _tender(rng: random.Random, index: int, base: dict[str, Any], year: int,
            holder_sirets: dict[str, str], buyer: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(base)
    data["buyer"] = copy.deepcopy(buyer)
    tender = data["tender"]
    tender["reference"] = f"M{year % 100:02d}-{index:04d}"
    service = rng.choice(SERVICES)
    data["title"] = f"{data['title']} – {service.split(' ', 2)[-1]} n° {index}"
    launch = dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(0, 330))
    tender["launch_date"] = launch.isoformat()
    tender.pop("offers_deadline", None)
    tender["duration_months"] = rng.choice((12, 12, 24, 36, 48))
    tender["renewals"] = rng.choice((0, 0, 1, 2))
    factor = Decimal(rng.randint(40, 300)) / 100
    for lot in tender["lots"]:
        lot["estimated_amount"] = _money(Decimal(lot["estimated_amount"]) * factor)
    # about a third of the contracts lose their social side, a fifth their environmental one
    if rng.random() < 0.35:
        data["clauses"] = [c for c in data["clauses"]
                           if not c["id"].startswith(("insertion-", "reserve-", "lot-reserve"))]
        tender["criteria"] = _reweight([c for c in tender["criteria"] if c["kind"] != "social"])
        tender["social_condition"] = ""
        for lot in tender["lots"]:
            lot.pop("reservation", None)
    if rng.random() < 0.2:
        data["clauses"] = [c for c in data["clauses"] if not c["id"].startswith("env-")]
        tender["criteria"] = _reweight([c for c in tender["criteria"]
                                        if c["kind"] != "environnemental"])
        tender["environmental_condition"] = ""
    for lot in tender["lots"]:
        if "reservation" not in lot and rng.random() < 0.12:
            lot["reservation"] = "ea_esat"
    if rng.random() < 0.15:
        return data  # launched, not notified yet
    notification = launch + dt.timedelta(days=rng.randint(55, 120))
    lots = []
    for lot in tender["lots"]:
        reservation = lot.get("reservation")
        if reservation == "siae":
            pool = [h for h in HOLDERS if h[1] == "siae"]
        elif reservation in ("ea_esat", "ea_esat_siae"):
            pool = [h for h in HOLDERS if h[1] in ("esat", "entreprise_adaptee")]
        else:
            pool = list(HOLDERS)
        name, kind = rng.choice(pool)
        awarded = (Decimal(lot["estimated_amount"]) * Decimal(rng.randint(82, 104)) / 100)
        lots.append({
            "lot": lot["number"], "amount": _money(awarded),
            "offers_received": rng.randint(1, 8),
            "subcontracting_declared": rng.random() < 0.3,
            "holders": [{"name": name, "siret": holder_sirets[name], "kind": kind}],
        })
    total_months = tender["duration_months"] * (1 + tender["renewals"])
    execution = []
    planned = _planned_hours(data)
    food = "restauration" in base["title"].lower()
    awarded_total = sum((Decimal(lot["amount"]) for lot in lots), Decimal(0))
    per_year = awarded_total * 12 / total_months
    end = _add_months(notification, total_months) - dt.timedelta(days=1)
    for exec_year in range(notification.year, min(end.year, 2027) + 1):
        spent = per_year * Decimal(rng.randint(70, 110)) / 100
        row: dict[str, Any] = {"year": exec_year, "amount_spent": _money(spent)}
        first = max(notification, dt.date(exec_year, 1, 1))
        last = min(end, dt.date(exec_year, 12, 31))
        fraction = Decimal(max((last - first).days + 1, 0)) / Decimal(365)
        spent = spent * fraction
        row["amount_spent"] = _money(spent)
        if planned and rng.random() < 0.9:
            yearly = Decimal(planned) * 12 / total_months * fraction
            row["insertion_hours"] = str((yearly * Decimal(rng.randint(55, 125)) / 100)
                                         .quantize(Decimal(1)))
        if food:
            row["egalim_amount"] = _money(spent * Decimal(rng.randint(35, 62)) / 100)
            row["fair_trade_amount"] = _money(spent * Decimal(rng.randint(2, 9)) / 100)
        if rng.random() < 0.3:
            row["comment"] = "Bilan transmis par le facilitateur des clauses sociales."
        execution.append(row)
    data["award"] = {
        "notification_date": notification.isoformat(), "service": service,
        "price_kind": rng.choice(("unitaire", "forfaitaire", "mixte")),
        "lots": lots, "execution": execution,
    }
    return data


def _add_months(day: dt.date, months: int) -> dt.date:
    from drafting_app.followup.records import add_months

    return add_months(day, months)


def _planned_hours(data: dict[str, Any]) -> int:
    """The insertion hours the dossier's clause imposes (0 without an insertion clause)."""
    from drafting_app.advisers.insertion import InsertionError, dossier_hours

    library, insertion = _CORE
    try:
        lots = dossier_hours(Dossier.model_validate(data), library, insertion)
    except InsertionError:
        return 0
    return sum(lot.hours for lot in lots) if any(
        c["id"].startswith("insertion-") for c in data["clauses"]) else 0


def _reweight(criteria: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Criteria weights scaled back to 100 after one is removed."""
    weights = [Decimal(c["weight"]) for c in criteria if c.get("weight") is not None]
    total = sum(weights, Decimal(0))
    if not weights or total == 100:
        return criteria
    out = []
    running = Decimal(0)
    for position, criterion in enumerate(criteria):
        criterion = dict(criterion, subcriteria=[])
        if position == len(criteria) - 1:
            criterion["weight"] = str(100 - running)
        else:
            value = (Decimal(criterion["weight"]) * 100 / total).quantize(Decimal(1))
            criterion["weight"] = str(value)
            running += value
        out.append(criterion)
    return out


def _subsidy(rng: random.Random, index: int, base: dict[str, Any], year: int,
             buyer: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(base)
    data["buyer"] = copy.deepcopy(buyer)
    subsidy = data["subsidy"]
    subsidy["reference"] = f"S{year % 100:02d}-{index:04d}"
    name = rng.choice(ASSOCIATIONS)
    subsidy["association"]["name"] = name
    data["title"] = f"{data['title']} – {name} n° {index}"
    start = dt.date(year, rng.choice((1, 1, 3, 9)), 1)
    subsidy["start_date"] = start.isoformat()
    factor = Decimal(rng.randint(50, 200)) / 100
    annual = Decimal(subsidy["annual_amount"]) * factor
    subsidy["annual_amount"] = _money(annual)
    if subsidy.get("yearly_amounts"):
        subsidy["yearly_amounts"] = [_money(annual) for _ in subsidy["yearly_amounts"]]
    for payment in subsidy.get("payments", []):
        payment["amount"] = _money(Decimal(payment["amount"]) * factor)
    if rng.random() < 0.15:
        return data
    signed = start - dt.timedelta(days=rng.randint(5, 40))
    payments = []
    for offset in range(subsidy["duration_years"]):
        paid_year = start.year + offset
        if paid_year > 2027:
            break
        payments.append({"date": dt.date(paid_year, 3, 15).isoformat(),
                         "amount": _money(annual * Decimal("0.6")), "label": "Avance"})
        if paid_year < 2027:
            payments.append({"date": dt.date(paid_year, 11, 20).isoformat(),
                             "amount": _money(annual * Decimal("0.4")), "label": "Solde"})
    data["award"] = {
        "notification_date": signed.isoformat(), "service": "Direction de la solidarité",
        "payments": payments,
        "evaluation": "Objectifs atteints pour l’essentiel ; bilan partagé en comité de suivi."
        if start.year < 2027 else "",
    }
    return data


def build_register(out: Path, count: int = 48, seed: int = 7, with_errors: bool = False,
                   ) -> list[Path]:
    """Write `count` sample dossiers into `out` (created); returns their paths."""
    from drafting_app.checks.legal_data import load_insertion_data
    from drafting_app.paths import shipped_library
    from drafting_app.wording.library import load_library
    from drafting_app.wording.render import Formats, make_environment

    library, _problems = load_library(shipped_library(), make_environment(Formats()))
    insertion, _problems = load_insertion_data(shipped_library())
    _CORE[:] = [library, insertion]
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    buyer = _load("convention_tiers_lieu")["buyer"]
    bases = {name: _load(name) for name in (*TENDERS, *SUBSIDIES)}
    holder_sirets = {name: _siret(rng) for name, _kind in HOLDERS}
    association_sirets = {name: _siret(rng) for name in ASSOCIATIONS}
    written = []
    for index in range(1, count + 1):
        year = rng.choice((2025, 2026, 2026, 2027, 2027, 2027, 2028))
        if rng.random() < 0.75:
            name = rng.choice(TENDERS)
            data = _tender(rng, index, bases[name], year, holder_sirets, buyer)
        else:
            name = rng.choice(SUBSIDIES)
            data = _subsidy(rng, index, bases[name], year, buyer)
            data["subsidy"]["association"]["siret"] = association_sirets[
                data["subsidy"]["association"]["name"]]
        dossier = Dossier.model_validate(data)
        folder = out / (FOLDERS[dossier.award.service] if dossier.award else "en_cours")
        folder.mkdir(exist_ok=True)
        path = folder / f"{index:04d}_{name}.json"
        save_dossier(dossier, path)
        written.append(path)
    if with_errors:
        broken = out / "casse.json"
        broken.write_text('{"schema_version": 2, "kind": "marche_public", "title": ',
                          encoding="utf-8")
        twin = json.loads(written[0].read_text(encoding="utf-8"))
        twin["title"] = twin["title"] + " (copie)"
        (out / "copie_du_premier.json").write_text(json.dumps(twin, ensure_ascii=False),
                                                   encoding="utf-8")
    (out / "objectifs.toml").write_text(
        "# Objectifs du SPASER (parts en %, montants en euros HT, heures)\n"
        "[objectifs]\npart_sociale_nombre = 60\npart_environnementale_nombre = 80\n"
        "heures_realisees = 8000\nlots_reserves = 4\nmontant_siae = 250000\n"
        "part_egalim = 50\npart_commerce_equitable = 5\n", encoding="utf-8")
    return written


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=48)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--with-errors", action="store_true")
    args = parser.parse_args(argv)
    paths = build_register(args.out, args.count, args.seed, args.with_errors)
    print(f"{len(paths)} dossiers écrits dans {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
