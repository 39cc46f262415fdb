"""The pieces of a dossier: which exist, one AE per lot, the same value everywhere, slots."""

from __future__ import annotations

import re
import shutil
import tomllib
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from drafting_app.documents.generate import Rendered, file_stem, render_pieces
from drafting_app.documents.text import blocks_to_text
from drafting_app.dossier.model import ChosenClause, Dossier, Reservation
from drafting_app.dossier.storage import load_dossier
from drafting_app.wording.library import load_library, skeleton_slots
from drafting_app.wording.render import Formats, Renderer, RenderError, lot_scope, make_environment
from tests.conftest import EXAMPLES, LIBRARY, ROOT

CATERING = EXAMPLES / "marche_restauration_collective.json"
CLEANING = EXAMPLES / "marche_nettoyage_departement.json"
GREEN_SPACES = EXAMPLES / "marche_espaces_verts.json"
CPO = EXAMPLES / "cpo_region_accompagnement_ess.json"
ANNUAL = EXAMPLES / "convention_annuelle_epicerie_solidaire.json"

# the pieces each example produces, in order (file stem without the reference)
EXPECTED_PIECES = {
    "marche_restauration_collective": [
        "RC", "AE_lot1", "AE_lot2", "AE_lot3", "AE_lot4", "CCAP", "Annexe_clause_sociale",
        "CCTP", "Cadre_memoire_technique", "Elements_avis_publicite",
    ],
    "marche_nettoyage_departement": [
        "RC", "AE_lot1", "AE_lot2", "AE_lot3", "CCAP", "Annexe_clause_sociale",
        "Liste_personnel_repris", "CCTP", "Cadre_memoire_technique", "Elements_avis_publicite",
    ],
    "marche_espaces_verts": [
        "RC", "AE_lot1", "AE_lot2", "CCAP", "Annexe_clause_sociale", "CCTP",
        "Cadre_memoire_technique", "Elements_avis_publicite",
    ],
    "cpo_region_accompagnement_ess": ["CPO"],
    "convention_annuelle_epicerie_solidaire": ["Convention_annuelle"],
    "convention_tiers_lieu": ["Convention_annuelle"],
}


def pieces(renderer: Renderer, dossier: Dossier) -> dict[str, str]:
    """Each piece's text, by file stem without the reference; no-break spaces made plain."""
    suffix = "_" + file_stem("", dossier, None).lstrip("_")
    return {
        item.stem.removesuffix(suffix): plain_spaces(blocks_to_text(item.document.blocks))
        for item in render_pieces(renderer, dossier)
    }


def plain_spaces(text: str) -> str:
    """The text with its no-break spaces (French typography) as ordinary spaces."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def changed(dossier: Dossier, **tender: Any) -> Dossier:
    """The dossier with some tender fields changed, validated again."""
    data = dossier.model_dump()
    data["tender"].update(tender)
    return Dossier.model_validate(data)


def without(dossier: Dossier, *prefixes: str) -> Dossier:
    """The dossier without the clauses whose id starts with one of `prefixes`."""
    kept = tuple(c for c in dossier.clauses if not c.id.startswith(prefixes))
    return dossier.model_copy(update={"clauses": kept})


def article(text: str, title: str) -> str:
    """The text of the level-1 article (or annex) whose heading contains `title`."""
    chunks = re.split(r"\n(?=# )", "\n" + text)
    found = [c for c in chunks if c.startswith("# ") and title in c.splitlines()[0]]
    assert found, f"article « {title} » introuvable"
    return found[0]


def table_rows(text: str, header: str) -> list[list[str]]:
    """The body rows of the first table whose header row starts with `header`."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| " + header))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split(" | ")])
    return rows


# --------------------------------------------------------------------------- which pieces


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.stem)
def test_each_example_produces_its_pieces_in_order(renderer: Renderer, example: Path) -> None:
    dossier = load_dossier(example)
    assert list(pieces(renderer, dossier)) == EXPECTED_PIECES[example.stem]


def test_no_insertion_clause_no_social_annex(renderer: Renderer) -> None:
    dossier = load_dossier(CATERING)
    assert "Annexe_clause_sociale" in pieces(renderer, dossier)
    texts = pieces(renderer, without(dossier, "insertion-"))
    assert "Annexe_clause_sociale" not in texts
    assert "annexe au CCAP" not in texts["RC"]
    assert "annexe « clause sociale »" not in texts["CCAP"]
    with_annex = pieces(renderer, dossier)
    assert "annexe au CCAP – Clause sociale d’insertion ;" in with_annex["RC"]
    assert "et son annexe « clause sociale »" in with_annex["CCAP"]


def test_one_acte_engagement_per_lot_each_about_its_lot(renderer: Renderer) -> None:
    dossier = load_dossier(CATERING)
    texts = pieces(renderer, dossier)
    assert dossier.tender is not None
    for lot in dossier.tender.lots:
        ae = texts[f"AE_lot{lot.number}"]
        assert f"Il concerne le **lot n° {lot.number} : {lot.title}**" in ae
        others = [o for o in dossier.tender.lots if o.number != lot.number]
        assert all(f"lot n° {o.number} :" not in ae for o in others)
    # only the reserved lot's AE carries the attestation of the reserved-lot clause
    assert "Attestation du candidat à un marché réservé" in texts["AE_lot4"]
    assert "Ce lot est réservé aux structures d’insertion" in texts["AE_lot4"]
    for number in (1, 2, 3):  # the « projet » notice names every clause still to validate
        body = texts[f"AE_lot{number}"].split("\n\n", 1)[1]
        assert "marché réservé" not in body


def test_ae_title_page_names_the_lot(renderer: Renderer) -> None:
    items = render_pieces(renderer, load_dossier(CATERING))
    ae = next(i for i in items if i.stem.startswith("AE_lot4"))
    assert ae.lot == 4
    assert ae.document.info.title == "Acte d’engagement – Lot n°\u00a04"
    assert ae.document.info.subtitle.endswith(
        "\nLot n°\u00a04\u00a0: Goûters et pique-niques des accueils de loisirs")


def test_reserved_lot_without_ae_clause_still_gets_an_attestation(renderer: Renderer) -> None:
    dossier = without(load_dossier(CATERING), "reserve-ae-")
    ae = pieces(renderer, dossier)["AE_lot4"]
    assert "## 3.4 Attestation relative au lot réservé" in ae
    assert "est d’au moins 50 %, conformément à l’article R2113-7" in ae


def test_a_single_lot_is_not_allotted_and_has_one_ae(renderer: Renderer) -> None:
    dossier = load_dossier(CLEANING)
    assert dossier.tender is not None
    lot = dossier.tender.lots[0].model_copy(update={"reservation": Reservation.DISABLED})
    single = without(changed(dossier, lots=[lot.model_dump()],
                             no_lots_reason="les sites forment un ensemble indissociable."),
                     "pme-allotissement", "insertion-")
    texts = pieces(renderer, single)
    assert [stem for stem in texts if stem.startswith("AE")] == ["AE"]
    assert "Il concerne l’ensemble du marché, qui n’est pas alloti." in texts["AE"]
    rc = texts["RC"]
    assert "Le marché n’est pas alloti, en application de l’article L2113-11" in rc
    assert "les sites forment un ensemble indissociable." in rc
    assert "Le marché est un marché réservé" in rc
    assert "- acte d’engagement ;" in rc
    assert "(un par lot)" not in rc


# --------------------------------------------------------------------------- same values


@pytest.mark.parametrize("example", [CATERING, CLEANING, GREEN_SPACES], ids=lambda p: p.stem)
def test_rc_ccap_ae_and_avis_state_the_same_values(renderer: Renderer, example: Path) -> None:
    dossier = load_dossier(example)
    tender = dossier.tender
    assert tender is not None
    texts = pieces(renderer, dossier)
    rc, ccap, avis = texts["RC"], texts["CCAP"], texts["Elements_avis_publicite"]
    # the lots, their amounts and their reservation: one table, the same in RC and CCAP
    rc_lots = table_rows(article(rc, "Décomposition en lots"), "Lot |")
    ccap_lots = table_rows(article(ccap, "Objet et forme du marché"), "Lot |")
    assert rc_lots == ccap_lots
    assert [row[0] for row in rc_lots[:-1]] == [str(lot.number) for lot in tender.lots]
    avis_lots = table_rows(avis, "Lot |")
    assert [row[2] for row in avis_lots] == [row[2] for row in rc_lots[:-1]]
    # duration and validity of offers
    duration = f"pour une durée de {tender.duration_months} mois à compter de sa notification"
    for text in (rc, ccap, *[t for stem, t in texts.items() if stem.startswith("AE")]):
        assert duration in text
    validity = "cent vingt jours" if tender.offers_validity_days == 120 else "cent cinquante jours"
    assert f"pendant {validity} à compter de la date limite" in rc
    assert f"dans un délai de {validity} à compter de la date limite" in texts[
        next(stem for stem in texts if stem.startswith("AE"))]
    assert f"Délai de validité des offres : {validity}" in avis
    # the deadline, written once from the dossier
    if tender.offers_deadline is not None:
        assert "12 h 00" in rc and "12 h 00" in avis
    # the criteria and their weights
    rc_criteria = table_rows(rc, "Critère | Pondération")
    assert rc_criteria == table_rows(avis, "Critère | Pondération")


def test_validity_period_comes_from_the_dossier(renderer: Renderer) -> None:
    dossier = changed(load_dossier(CATERING), offers_validity_days=90)
    texts = pieces(renderer, dossier)
    assert "restent engagés par leur offre pendant quatre-vingt-dix jours" in texts["RC"]
    assert "dans un délai de quatre-vingt-dix jours" in texts["AE_lot1"]


def test_advance_rate_of_the_dossier_when_no_advance_clause(renderer: Renderer) -> None:
    dossier = without(changed(load_dossier(CLEANING), advance_rate=Decimal("12")), "pme-avance")
    texts = pieces(renderer, dossier)
    assert "Le montant de l’avance est égal à 12 % du montant initial" in texts["CCAP"]
    assert "versement d’une avance au taux de 12 %" in texts["AE_lot1"]
    assert "□ renoncer au bénéfice de l’avance." in texts["AE_lot1"]


def test_lot_specific_articles_say_which_lots_they_bind(renderer: Renderer) -> None:
    ccap = pieces(renderer, load_dossier(CATERING))["CCAP"]
    assert re.search(r"^## [\d.]+ Action d’insertion professionnelle – lot n° 1$", ccap, re.M)
    assert "Restauration collective : produits équitables et objectifs EGAlim – lot n° 3" in ccap
    # a clause chosen for every lot binds them all: no scope
    assert re.search(r"^## [\d.]+ Conditions d’exécution environnementales$", ccap, re.M)


def test_lot_scope_wording() -> None:
    dossier = load_dossier(CLEANING)
    assert lot_scope(dossier, ChosenClause(id="x", lots=(1, 2))) == " – lots n° 1 et 2"
    assert lot_scope(dossier, ChosenClause(id="x", lots=(3,))) == " – lot n° 3"
    assert lot_scope(dossier, ChosenClause(id="x", lots=(1, 2, 3))) == ""
    assert lot_scope(dossier, ChosenClause(id="x")) == ""


def test_ccap_defaults_give_way_to_the_chosen_clauses(renderer: Renderer) -> None:
    dossier = load_dossier(CATERING)
    ccap = pieces(renderer, dossier)["CCAP"]
    assert ccap.count("Avance\n") == 1  # the clause's article, not also the default one
    assert "## 3.2 Variation des prix" not in ccap
    bare = pieces(renderer, without(dossier, "pme-"))["CCAP"]
    assert "## 3.2 Variation des prix" in bare
    assert "## 3.3 Avance" in bare
    assert "Le montant de l’avance est égal à 10 % du montant initial" in bare
    assert "payées dans un délai global de trente jours" in bare


# --------------------------------------------------------------------------- subsidies


def test_cpo_states_each_year_and_the_total(renderer: Renderer) -> None:
    text = pieces(renderer, load_dossier(CPO))["CPO"]
    schedule = table_rows(article(text, "Annexe 4"), "Année | Période")
    assert schedule == [
        ["1", "du 01/01/2027 au 31/12/2027", "90 000,00 €"],
        ["2", "du 01/01/2028 au 31/12/2028", "95 000,00 €"],
        ["3", "du 01/01/2029 au 31/12/2029", "95 000,00 €"],
    ]
    assert "La convention est conclue pour trois ans." in text
    assert "# Article 8 – Comité de pilotage partenarial" in text
    for annex in ("Programme d’actions", "Budget prévisionnel annuel du projet",
                  "Indicateurs et modalités d’évaluation", "Échéancier de versement"):
        assert f"– {annex}\n" in text


def test_cpo_defaults_without_clauses(renderer: Renderer) -> None:
    dossier = load_dossier(CPO).model_copy(update={"clauses": ()})
    text = pieces(renderer, dossier)["CPO"]
    montant = article(text, "Montant de la subvention")
    assert "soit 280 000,00 € (deux cent quatre-vingt mille euros) au total" in montant
    assert re.search(r"^# Article \d+ – Comité de pilotage$", text, re.M)  # from the dossier
    assert "Au plus tard six mois avant le terme de la convention" in text
    assert "du tribunal administratif territorialement compétent" in text
    no_committee = dossier.model_copy(update={"subsidy": dossier.subsidy.model_copy(  # type: ignore[union-attr]
        update={"steering_committee": False})})
    assert "Comité de pilotage" not in pieces(renderer, no_committee)["CPO"]


def test_annual_convention_budget_and_schedule(renderer: Renderer) -> None:
    text = pieces(renderer, load_dossier(ANNUAL))["Convention_annuelle"]
    budget = article(text, "Annexe 2")
    assert "| **Total des charges** | **70 000,00 €** |" in budget
    assert "| **Total des produits** | **70 000,00 €** |" in budget
    assert "n’est pas équilibré" not in budget
    schedule = article(text, "Annexe 4")
    assert "| **Total** | **30 000,00 €** |  |" in schedule
    assert "# Signatures\n" in text  # not a numbered article


def test_unbalanced_budget_is_flagged_to_the_drafter(renderer: Renderer) -> None:
    dossier = load_dossier(ANNUAL)
    assert dossier.subsidy is not None
    budget = dossier.subsidy.budget[:-1]
    data = dossier.model_dump()
    data["subsidy"]["budget"] = [line.model_dump() for line in budget]
    text = pieces(renderer, Dossier.model_validate(data))["Convention_annuelle"]
    assert "> Le budget prévisionnel n’est pas équilibré" in article(text, "Annexe 2")


# --------------------------------------------------------------------------- clause order


def sections(text: str) -> Counter[str]:
    """The articles and sub-articles of a text, numbers removed, as a multiset."""
    unnumbered = re.sub(r"^(#+) (Article \d+ –|\d+(\.\d+)*) ", r"\1 ", text, flags=re.M)
    return Counter(re.split(r"\n(?=##? )", unnumbered))


@pytest.mark.parametrize("example", [CATERING, CPO], ids=lambda p: p.stem)
def test_reordering_clauses_changes_only_the_order(renderer: Renderer, example: Path) -> None:
    dossier = load_dossier(example)
    reordered = dossier.model_copy(update={"clauses": tuple(reversed(dossier.clauses))})
    before, after = pieces(renderer, dossier), pieces(renderer, reordered)
    assert before.keys() == after.keys()
    for stem in before:
        assert sections(before[stem]) == sections(after[stem]), stem


def test_removing_a_clause_removes_only_its_article(renderer: Renderer) -> None:
    dossier = load_dossier(CATERING)
    removed = without(dossier, "env-condition-execution")
    before, after = sections(pieces(renderer, dossier)["CCAP"]), \
        sections(pieces(renderer, removed)["CCAP"])
    gone = before - after
    # the article's own text changes too: its table of the conditions binding each lot
    # and the « projet » notice no longer names the removed clause
    intro = "# Conditions d’exécution\n"
    notice = "> **Projet"
    assert gone and all("environnementales" in s or s.startswith(("### ", intro, notice))
                        for s in gone)
    assert all(s.startswith((intro, notice)) for s in after - before)


# --------------------------------------------------------------------------- skeletons


def readme_slots() -> set[tuple[str, str]]:
    """The (piece, part) pairs of the table « Emplacements » of clause_library/README.md."""
    lines = (LIBRARY / "README.md").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| pièce (`piece`)"))
    slots = set()
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        cells = line.split("|")
        if len(cells) < 3 or "`" not in cells[1]:
            continue
        names = re.findall(r"`([a-z_]+)`", cells[1])
        parts = re.findall(r"`([a-z_]+)`", cells[2])
        slots |= {(piece, part) for piece in names for part in parts}
    return slots


def test_every_slot_of_the_readme_is_filled_by_its_skeleton(renderer: Renderer) -> None:
    wanted = readme_slots()
    assert ("ccap", "prix") in wanted and ("cpo", "gouvernance") in wanted
    filled = skeleton_slots(renderer.env, renderer.library.documents.values())
    assert wanted - filled == set()


def test_skeletons_cite_only_the_articles_they_declare(renderer: Renderer) -> None:
    cited = re.compile(r"\b(?:articles?|art\.)\s+((?:[LRD]\d{4}-\d+(?:-\d+)?(?:,\s*|\s+et\s+)?)+)")
    for skeleton in renderer.library.documents.values():
        declared = {r.article for r in skeleton.meta.references}
        found = set()
        for match in cited.finditer(skeleton.text):
            found |= set(re.findall(r"[LRD]\d{4}-\d+(?:-\d+)?", match.group(1)))
        assert found <= declared, f"{skeleton.id} : {sorted(found - declared)}"


def test_clause_ids_named_by_skeletons_exist(renderer: Renderer) -> None:
    for skeleton in renderer.library.documents.values():
        for clause_id in re.findall(r"has_clause\(\"([^\"]+)\"\)", skeleton.text):
            assert renderer.library.clause(clause_id) is not None, (skeleton.id, clause_id)


def test_every_skeleton_renders_for_the_samples(renderer: Renderer) -> None:
    for name in ("marche_public.json", "subvention.json"):
        dossier = load_dossier(LIBRARY / "samples" / name)
        for skeleton, lot in renderer.documents(dossier):
            assert renderer.render_document(skeleton, dossier, lot).blocks


def copy_library(tmp_path: Path) -> Path:
    target = tmp_path / "clause_library"
    shutil.copytree(LIBRARY, target)
    return target


def renderer_for(root: Path) -> tuple[Renderer, list[str]]:
    env = make_environment(Formats())
    library, problems = load_library(root, env)
    return Renderer(library, env), [str(p) for p in problems]


def test_derogations_article_is_built_from_the_chosen_clauses(tmp_path: Path) -> None:
    root = copy_library(tmp_path)
    meta = root / "clauses" / "env-condition-execution" / "clause.toml"
    text = meta.read_text(encoding="utf-8")
    text = text.replace(
        "\n[[placements]]",
        '\nderogates = ["article 14.1 : montant des pénalités de retard"]\n\n[[placements]]', 1)
    meta.write_text(text, encoding="utf-8")
    renderer, problems = renderer_for(root)
    assert problems == []
    assert tomllib.loads(text)["derogates"]
    ccap = pieces(renderer, load_dossier(CATERING))["CCAP"]
    last = article(ccap, "Dérogations au CCAG")
    assert table_rows(last, "Article du présent cahier") == [[
        "Conditions d’exécution environnementales",
        "article 14.1 : montant des pénalités de retard",
    ]]
    assert "ne déroge à aucune" not in last
    plain = pieces(renderer, without(load_dossier(CATERING), "env-condition"))["CCAP"]
    assert "Le présent cahier ne déroge à aucune stipulation du CCAG-FCS." in plain


def test_a_wrong_condition_is_reported_with_its_file_and_line(tmp_path: Path) -> None:
    root = copy_library(tmp_path)
    meta = root / "documents" / "annexe_sociale" / "document.toml"
    meta.write_text(meta.read_text(encoding="utf-8").replace(
        "when = \"has_clauses('annexe_sociale', 'engagement')\"", 'when = "has_clauses(("'),
        encoding="utf-8")
    renderer, _ = renderer_for(root)
    with pytest.raises(RenderError) as caught:
        render_pieces(renderer, load_dossier(CATERING))
    problem = caught.value.problems[0]
    assert problem.path == meta and problem.line is not None
    assert "condition « when » incorrecte" in problem.message
    meta.write_text(meta.read_text(encoding="utf-8").replace(
        'when = "has_clauses(("', 'when = "pieces()"'), encoding="utf-8")
    renderer, _ = renderer_for(root)
    with pytest.raises(RenderError, match="pieces"):
        render_pieces(renderer, load_dossier(CATERING))


def test_when_with_template_tags_is_refused_at_load(tmp_path: Path) -> None:
    root = copy_library(tmp_path)
    meta = root / "documents" / "annexe_sociale" / "document.toml"
    meta.write_text(meta.read_text(encoding="utf-8").replace(
        "when = \"has_clauses('annexe_sociale', 'engagement')\"", 'when = "{{ tender }}"'),
        encoding="utf-8")
    _, problems = renderer_for(root)
    assert any("document.toml" in p and "« when »" in p for p in problems)


def test_rendered_items_know_their_skeleton_and_lot(renderer: Renderer) -> None:
    items: list[Rendered] = render_pieces(renderer, load_dossier(GREEN_SPACES))
    assert [(i.skeleton, i.lot) for i in items][:3] == [("rc", None), ("ae", 1), ("ae", 2)]
    assert ROOT.is_dir()
