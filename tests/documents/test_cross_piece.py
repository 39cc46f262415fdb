"""Every fact printed in several pieces says the same thing in each (issue #13, point 1).

Each example, and variants of it that a buyer could make in the app, is rendered; the facts
each piece prints (lots, capacities, reservations, criteria, durations, renewals, advance,
variants, deadlines, bounds, insertion hours) are read back from the text and compared.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from drafting_app.documents.generate import render_pieces
from drafting_app.documents.text import blocks_to_text
from drafting_app.dossier.model import Dossier
from drafting_app.dossier.storage import load_dossier
from drafting_app.wording.render import Renderer
from tests.conftest import EXAMPLES

TENDERS = sorted(EXAMPLES.glob("marche_*.json"))


def normal(text: str) -> str:
    """Text with its no-break spaces and hyphens made plain."""
    return (text.replace("\u202f", " ").replace("\u00a0", " ").replace("\u2011", "-"))


def texts(renderer: Renderer, dossier: Dossier) -> dict[str, str]:
    """Each piece's text by its file stem without the reference (`RC`, `AE_lot2`…)."""
    out = {}
    for item in render_pieces(renderer, dossier):
        out[item.skeleton + (f"_lot{item.lot}" if item.lot else "")] = normal(
            blocks_to_text(item.document.blocks))
    return out


def section(text: str, title: str) -> str:
    """The article (level 1) whose heading contains `title`, up to the next article."""
    chunks = re.split(r"\n(?=# )", "\n" + text)
    found = [c for c in chunks if c.startswith("# ") and title in c.splitlines()[0]]
    assert found, f"article « {title} » introuvable"
    return found[0]


def rows(text: str, header: str) -> list[list[str]]:
    """The rows of the first table whose header starts with `header`."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| " + header))
    out = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        out.append([cell.strip() for cell in line.strip("|").split("|")])
    return out


def money(text: str) -> Decimal:
    return Decimal(re.sub(r"[^\d,]", "", text).replace(",", "."))


# --------------------------------------------------------------------------- what each piece says


def lots_in(piece: str) -> dict[int, tuple[str, Decimal]]:
    table = rows(piece, "Lot | Intitulé | Montant estimé")
    return {int(r[0]): (r[1], money(r[2])) for r in table if r[0].isdigit()}


def reserved_in_table(piece: str) -> set[int]:
    table = rows(piece, "Lot | Intitulé | Montant estimé")
    if "Réservation" not in next(line for line in piece.splitlines()
                                  if line.startswith("| Lot | Intitulé | Montant estimé")):
        return set()
    return {int(r[0]) for r in table if r[0].isdigit() and r[3] != "non"}


def bounds_in(piece: str) -> dict[int, tuple[str, str]]:
    if "| Lot | Minimum | Maximum |" not in piece:
        return {}
    return {int(r[0]): (r[1], r[2]) for r in rows(piece, "Lot | Minimum | Maximum")}


def duration_in(piece: str) -> tuple[int, int]:
    months = re.search(r"durée de (\d+) mois", piece)
    assert months, "durée absente"
    renewals = re.search(r"(?:reconduit|reconductible) (une|deux|trois|quatre|cinq) fois", piece)
    words = {"une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5}
    return int(months.group(1)), words[renewals.group(1)] if renewals else 0


def rc_turnover(rc: str, lot_numbers: list[int]) -> dict[int, Decimal | None]:
    participation = section(rc, "Conditions de participation")
    if "| Lot | Intitulé | Chiffre d’affaires annuel minimal" in participation:
        table = rows(participation, "Lot | Intitulé | Chiffre d’affaires")
        return {int(r[0]): money(r[2]) for r in table}
    single = re.search(r"chiffre d’affaires annuel d’au moins ([\d ,]+) €", participation)
    if single:
        return dict.fromkeys(lot_numbers, money(single.group(1)))
    return dict.fromkeys(lot_numbers)


def avis_turnover(avis: str, lot_numbers: list[int]) -> dict[int, Decimal | None]:
    participation = section(avis, "Conditions de participation")
    if "| Lot | Chiffre d’affaires annuel minimal" in participation:
        table = rows(participation, "Lot | Chiffre d’affaires")
        return {int(r[0]): None if r[1] == "aucun" else money(r[1]) for r in table}
    single = re.search(r"Chiffre d’affaires annuel minimal exigé : ([\d ,]+) €", participation)
    if single:
        return dict.fromkeys(lot_numbers, money(single.group(1)))
    assert "Aucun niveau minimal" in participation
    return dict.fromkeys(lot_numbers)


def criteria_in(piece: str, header: str) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in rows(piece, header)]


def deadline_in(piece: str) -> str | None:
    found = re.search(r"(\d{1,2}(?:er)? \w+ \d{4}) à (\d+ h \d{2})", piece)
    return f"{found.group(1)} {found.group(2)}" if found else None


def validity_in(piece: str) -> str:
    found = re.search(r"pendant ([\w -]+?) jours|délai de ([\w -]+?) jours à compter de la date "
                      r"limite|validité des offres : ([\w -]+?) jours", piece)
    assert found, "délai de validité absent"
    return next(g for g in found.groups() if g)


def advance_rate_in(piece: str) -> str | None:
    found = re.search(r"avance (?:est égal à|au taux de) (\d+ %)", piece)
    return found.group(1) if found else None


def hours_in(piece: str) -> dict[int, str]:
    lines = [line for line in piece.splitlines() if line.startswith("| ") and "heures |" in line]
    out = {}
    for line in lines:
        cells = [c.strip() for c in line.strip("|").split("|")]
        if cells[0].isdigit():
            out[int(cells[0])] = next(c for c in cells[1:] if c.endswith("heures"))
    return out


# --------------------------------------------------------------------------- the comparison


def compare(renderer: Renderer, dossier: Dossier) -> list[str]:
    """Every disagreement between pieces of a tender dossier, in French."""
    pieces = texts(renderer, dossier)
    tender = dossier.tender
    assert tender is not None
    numbers = sorted(lot.number for lot in tender.lots)
    rc, ccap, avis = pieces["rc"], pieces["ccap"], pieces["avis"]
    aes = {n: pieces[f"ae_lot{n}"] for n in numbers} if len(numbers) > 1 else {
        numbers[0]: pieces["ae"]}
    problems: list[str] = []

    def same(what: str, values: dict[str, Any]) -> None:
        distinct = {repr(v) for v in values.values()}
        if len(distinct) > 1:
            problems.append(f"{what} : " + " ; ".join(f"{k} = {v}" for k, v in values.items()))

    if len(numbers) > 1:
        same("lots", {"RC": lots_in(rc), "CCAP": lots_in(ccap), "avis": {
            n: (t, a) for n, (t, a) in lots_in(avis).items()}})
        same("réservations", {"RC": reserved_in_table(rc), "CCAP": reserved_in_table(ccap),
                              "avis": {int(n) for n in re.findall(r"Le lot n° (\d+) est réservé",
                                                                  avis)} or set(
                                  int(n) for n in re.findall(r"lot n° (\d+) « [^»]+ » est réservé",
                                                             avis))})
        for number, ae in aes.items():
            title = lots_in(rc)[number][0]
            if f"lot n° {number} : {title}" not in ae:
                problems.append(f"AE du lot {number} : intitulé absent")
            if (number in reserved_in_table(rc)) != ("réservé" in section(
                    ae, "Objet de l’acte d’engagement")):
                problems.append(f"AE du lot {number} : réservation différente du RC")
    same("capacités", {"RC": rc_turnover(rc, numbers), "avis": avis_turnover(avis, numbers)})
    judged = section(rc, "Jugement des offres")
    same("critères", {"RC": criteria_in(judged, "Critère | Pondération"),
                      "avis": criteria_in(avis, "Critère | Pondération")})
    memoire_titles = re.findall(r"^# Article \d+ – (.+?)(?: \(\d+ %\))?$", pieces["memoire"], re.M)
    scored = [name for name, _ in criteria_in(avis, "Critère | Pondération")
              if name not in ("Prix", "Prix des prestations")]
    if [t for t in memoire_titles if t != "Mode d’emploi"][:len(scored)] != scored:
        problems.append(f"cadre de mémoire : {memoire_titles} au lieu de {scored}")
    durations = {"RC": duration_in(section(rc, "Durée")), "CCAP": duration_in(ccap),
                 "avis": duration_in(avis)}
    durations.update({f"AE lot {n}": duration_in(ae) for n, ae in aes.items()})
    same("durée et reconductions", durations)
    same("variantes", {"RC": "ne sont pas autorisées" not in section(rc, "Variantes"),
                       "avis": "Variantes : autorisées" in avis})
    same("date limite", {"RC": deadline_in(section(rc, "Conditions d’envoi")),
                         "avis": deadline_in(section(avis, "Remise des offres"))})
    validities = {"RC": validity_in(rc), "avis": validity_in(avis)}
    validities.update({f"AE lot {n}": validity_in(ae) for n, ae in aes.items()})
    same("validité des offres", validities)
    if tender.is_framework:
        bounds = {"RC": bounds_in(rc), "CCAP": bounds_in(ccap), "avis": bounds_in(avis)}
        for number, ae in aes.items():
            maximum = re.search(r"un maximum de (.+?), pour toute sa durée", ae)
            if maximum is None or maximum.group(1) != bounds_in(ccap)[number][1]:
                problems.append(f"AE du lot {number} : maximum différent du CCAP")
        same("minimum et maximum", bounds)
    ccap_rate = advance_rate_in(section(ccap, "Prix et règlement"))
    for number, ae in aes.items():
        # the AE's own article, or the clause that replaces it (« Déclarations relatives à … »)
        ae_rate = advance_rate_in(section(ae, "relatives à l’avance" if "relatives à l’avance"
                                          in ae else "Avance"))
        if ae_rate is not None and ae_rate != ccap_rate:
            problems.append(f"AE du lot {number} : avance {ae_rate}, CCAP {ccap_rate}")
        lot = next(lot for lot in tender.lots if lot.number == number)
        if ae_rate is not None and lot.estimated_amount <= 50000 and "sans seuil" not in ccap \
                and "également l’avance lorsque" not in ccap:
            problems.append(f"AE du lot {number} : avance promise sous le seuil du CCAP")
    if "annexe_sociale" in pieces:
        same("heures d’insertion", {"CCAP": hours_in(section(ccap, "Conditions d’exécution")),
                                   "annexe": hours_in(pieces["annexe_sociale"])})
    reference = tender.reference
    for name, text in pieces.items():
        if reference not in text and name.startswith(("ae", "rc", "ccap", "cctp", "annexe")):
            problems.append(f"{name} : référence {reference} absente")
    return problems


# --------------------------------------------------------------------------- variants


def tender_changed(dossier: Dossier, **changes: Any) -> Dossier:
    data = dossier.model_dump(mode="json")
    data["tender"].update(changes)
    return Dossier.model_validate(data)


def without_clause(dossier: Dossier, clause_id: str) -> Dossier:
    return dossier.model_copy(update={"clauses": tuple(
        c for c in dossier.clauses if c.id != clause_id)})


VARIANTS: dict[str, Callable[[Dossier], Dossier]] = {
    "tel quel": lambda d: d,
    "chiffre d’affaires au dossier, sans la clause": lambda d: tender_changed(
        without_clause(d, "pme-chiffre-affaires-minimal"), minimum_turnover="40000.00"),
    "variantes, 90 jours, sans reconduction": lambda d: tender_changed(
        d, variants_allowed=True, offers_validity_days=90, renewals=0),
    "marché ordinaire, sans la clause d’avance": lambda d: tender_changed(
        without_clause(without_clause(d, "pme-avance"), "pme-avance-acte-engagement"),
        contract_form="marche_ordinaire", advance_rate="5"),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("example", TENDERS, ids=lambda p: p.stem)
def test_pieces_agree_on_every_shared_fact(renderer: Renderer, example: Path,
                                           variant: str) -> None:
    dossier = VARIANTS[variant](load_dossier(example))
    assert compare(renderer, dossier) == []


def test_the_comparison_sees_a_contradiction(renderer: Renderer) -> None:
    """The test would fail on a contradiction: an avis that drops the RC's turnover."""
    dossier = load_dossier(EXAMPLES / "marche_nettoyage_departement.json")
    pieces = texts(renderer, dossier)
    numbers = [1, 2, 3]
    rc = rc_turnover(pieces["rc"], numbers)
    assert rc == {1: Decimal("390000.00"), 2: Decimal("210000.00"), 3: Decimal("48000.00")}
    broken = pieces["avis"].replace("Chiffre d’affaires annuel minimal exigé, par lot",
                                    "Aucun niveau minimal de capacité financière n’est exigé")
    broken = re.sub(r"\| Lot \| Chiffre.*?\n\n", "", broken, flags=re.S)
    assert avis_turnover(broken, numbers) != rc


@pytest.mark.parametrize("variant", ["as_is", "no_equality_clause", "adapted_procedure",
                                     "lot_reason", "below_threshold"])
def test_the_ccap_and_the_check_name_the_same_lots_without_a_social_condition(
        renderer: Renderer, variant: str) -> None:
    """L2112-2-1: the CCAP's « À compléter » note and `clausier check` read the same lots."""
    from drafting_app.checks import load_legal_data, run_checks

    dossier = load_dossier(EXAMPLES / "marche_restauration_collective.json")
    tender = dossier.tender
    assert tender is not None
    clauses = dossier.clauses
    if variant != "as_is":
        clauses = tuple(c for c in clauses if c.id != "egalite-non-discrimination-execution")
    update: dict[str, Any] = {}
    if variant == "adapted_procedure":
        update["procedure"] = "procedure_adaptee"
    if variant == "lot_reason":
        lots = list(tender.lots)
        lots[1] = lots[1].model_copy(update={"social_condition_exception": "motif consigné"})
        update["lots"] = tuple(lots)
    if variant == "below_threshold":
        update["renewals"] = 0
        update["lots"] = tuple(lot.model_copy(update={"estimated_amount": Decimal(20000)})
                               for lot in tender.lots)
    dossier = Dossier.model_validate({
        **dossier.model_dump(), "clauses": [c.model_dump() for c in clauses],
        "tender": {**tender.model_dump(), **update}})
    legal, _ = load_legal_data(renderer.library.root)
    assert legal is not None
    flagged = sorted(
        int(re.search(r"lots\[(\d+)\]", f.field).group(1)) + 1  # type: ignore[union-attr]
        for f in run_checks(dossier, renderer.library, legal)
        if f.code == "CONDITION_SOCIALE_MANQUANTE")
    ccap = texts(Renderer(renderer.library, renderer.env), dossier)["ccap"]
    note = re.search(r"À compléter : aucune condition d’exécution sociale ne s’applique "
                     r"(?:au lot n° (\d+)|aux lots n° ([\d, ]+))", ccap)
    printed = [] if note is None else sorted(
        int(n) for n in (note.group(1) or note.group(2)).replace(" ", "").split(","))
    expected = {"as_is": [], "no_equality_clause": [2, 3], "adapted_procedure": [2, 3],
                "lot_reason": [3], "below_threshold": []}[variant]
    assert flagged == expected
    assert printed == expected
