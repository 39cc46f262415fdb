"""Pieces a buyer can publish as they stand: one test (or more) per point of issue #13."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
from openpyxl import load_workbook

from drafting_app.checks import load_legal_data, run_checks
from drafting_app.documents.docx import export_docx, load_layout
from drafting_app.documents.generate import generate, render_pieces
from drafting_app.documents.pagination import UPDATE_NOTE, find_soffice, finish_documents
from drafting_app.documents.text import blocks_to_text
from drafting_app.dossier.model import Dossier
from drafting_app.dossier.storage import load_dossier
from drafting_app.paths import default_layout
from drafting_app.wording.library import Library
from drafting_app.wording.model import ClauseStatus
from drafting_app.wording.render import Renderer
from tests.conftest import EXAMPLES

CATERING = EXAMPLES / "marche_restauration_collective.json"
CLEANING = EXAMPLES / "marche_nettoyage_departement.json"
GREEN_SPACES = EXAMPLES / "marche_espaces_verts.json"
CPO = EXAMPLES / "cpo_region_accompagnement_ess.json"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\u00a0", " ").replace("\u2011", "-")


def pieces(renderer: Renderer, dossier: Dossier) -> dict[str, str]:
    """Each piece's text by skeleton id (`ae_lot2` for the AE of lot 2)."""
    return {item.skeleton + (f"_lot{item.lot}" if item.lot else ""):
            plain(blocks_to_text(item.document.blocks))
            for item in render_pieces(renderer, dossier)}


def changed(dossier: Dossier, part: str = "tender", **fields: Any) -> Dossier:
    data = dossier.model_dump(mode="json")
    data[part].update(fields)
    return Dossier.model_validate(data)


def with_clause_lots(dossier: Dossier, lots: tuple[int, ...], *ids: str) -> Dossier:
    return dossier.model_copy(update={"clauses": tuple(
        c.model_copy(update={"lots": lots}) if c.id in ids else c for c in dossier.clauses)})


def findings(dossier: Dossier, library: Library) -> dict[str, list[Any]]:
    legal, _ = load_legal_data(library.root)
    out: dict[str, list[Any]] = {}
    for finding in run_checks(dossier, library, legal):
        out.setdefault(finding.code, []).append(finding)
    return out


# --------------------------------------------------------------------------- 2. accords-cadres


def test_an_accord_cadre_says_so_with_its_maximum_in_every_piece(renderer: Renderer) -> None:
    texts = pieces(renderer, load_dossier(CATERING))
    assert "accord-cadre exécuté par bons de commande" in texts["rc"]
    assert "| 1 | 20 000 repas | 60 000 repas |" in texts["ccap"]
    assert "# Article 4 – Exécution par bons de commande" in texts["ccap"]
    assert "formulaire EXE2" in texts["ccap"]
    assert "un maximum de 45 000,00 € HT" in texts["ae_lot2"]
    assert "| 3 | Épicerie" in texts["avis"] and "28 000,00 € HT" in texts["avis"]


def test_an_accord_cadre_without_maximum_is_an_error_citing_r2162_4(
        renderer: Renderer) -> None:
    dossier = load_dossier(CATERING)
    data = dossier.model_dump(mode="json")
    data["tender"]["lots"][1]["maximum"] = None
    broken = Dossier.model_validate(data)
    found = findings(broken, renderer.library)["ACCORD_CADRE_SANS_MAXIMUM"]
    assert [f.field for f in found] == ["tender.lots[1].maximum"]
    assert found[0].reference == "CCP art. R2162-4" and found[0].severity.value == "error"
    assert "ACCORD_CADRE_SANS_MAXIMUM" not in findings(dossier, renderer.library)
    assert "| 2 | sans minimum | à compléter |" in pieces(renderer, broken)["ccap"]


def test_the_ccap_states_the_price_form_and_admission(renderer: Renderer) -> None:
    green = pieces(renderer, load_dossier(GREEN_SPACES))["ccap"]
    prices = green[green.index("## 3.1 Forme et contenu des prix"):]
    assert "Pour le lot n° 1, les prestations sont réglées par un prix global et forfaitaire" \
        in prices
    assert "Pour le lot n° 2, les prestations sont réglées par application des prix unitaires" \
        in prices
    assert "Exécution, vérifications et admission" in green
    assert "l’acheteur prononce l’admission des prestations, leur ajournement" in green
    assert "marché ordinaire" in green


# --------------------------------------------------------------------------- 3. spreadsheets


@pytest.mark.parametrize("example", [CATERING, CLEANING], ids=lambda p: p.stem)
def test_each_lot_gets_a_locked_price_schedule(tmp_path: Path, renderer: Renderer,
                                               example: Path) -> None:
    dossier = load_dossier(example)
    assert dossier.tender is not None
    written = generate(renderer, dossier, tmp_path, load_layout(default_layout()),
                       pieces=["cadre_de_prix"])
    paths = sorted(item.path for item in written)
    assert [p.name for p in paths] == [
        f"Cadre_de_prix_lot{lot.number}_{dossier.tender.reference}.xlsx"
        for lot in sorted(dossier.tender.lots, key=lambda lot: lot.number)]
    book = load_workbook(paths[0])
    assert book.sheetnames == ["BPU", "DQE"]
    bpu, dqe = book["BPU"], book["DQE"]
    assert bpu.protection.sheet and dqe.protection.sheet
    lot = dossier.tender.lots[0]
    labels = [row[1].value for row in bpu.iter_rows(min_row=9, max_row=8 + len(lot.price_lines))]
    assert labels == [line.label for line in lot.price_lines]
    assert dossier.tender.reference in bpu["A4"].value
    first = 9
    assert dqe.cell(first, 6).value == f"=D{first}*E{first}"
    assert dqe.cell(first, 6).protection.locked
    assert not bpu.cell(first, 4).protection.locked  # the bidder's unit price
    total = dqe.cell(first + len(lot.price_lines), 6).value
    assert total == f"=SUM(F{first}:F{first + len(lot.price_lines) - 1})"


def test_libreoffice_computes_the_totals(tmp_path: Path, renderer: Renderer) -> None:
    soffice = find_soffice()
    if soffice is None:
        pytest.skip("LibreOffice absent")
    dossier = load_dossier(CATERING)
    written = generate(renderer, dossier, tmp_path, load_layout(default_layout()),
                       pieces=["cadre_de_prix"])
    book = load_workbook(written[0].path)
    lines = dossier.tender.lots[0].price_lines  # type: ignore[union-attr]
    prices = [Decimal("2.45"), Decimal("2.10"), Decimal("3.90"), Decimal("1.20")]
    for offset, price in enumerate(prices):
        book["BPU"].cell(9 + offset, 4, float(price))
    book["DQE"].cell(9 + len(lines) + 1, 6, 0.055)
    filled = tmp_path / "filled.xlsx"
    book.save(filled)
    out = tmp_path / "recalc"
    subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                    "--headless", "--convert-to", "xlsx", "--outdir", str(out), str(filled)],
                   check=True, capture_output=True, timeout=300)
    values = load_workbook(out / "filled.xlsx", data_only=True)["DQE"]
    expected = sum((price * (line.quantity or 0) for price, line in zip(prices, lines,
                                                                        strict=True)),
                   Decimal(0))
    row = 9 + len(lines)
    assert Decimal(str(values.cell(row, 6).value)).quantize(Decimal("0.01")) == expected
    assert values.cell(row + 3, 6).value == pytest.approx(float(expected) * 1.055)


# --------------------------------------------------------------------------- 4. insertion hours


def test_insertion_hours_are_due_per_period_and_pro_rated(renderer: Renderer) -> None:
    annex = pieces(renderer, load_dossier(CLEANING))["annexe_sociale"]
    assert "| Lot | Intitulé | Heures par période de 12 mois | Heures sur la durée maximale " \
           "(48 mois) |" in annex
    assert "| 1 | Hôtel du Département et bâtiments administratifs du Mans | 173 heures | " \
           "692 heures |" in annex
    assert "Seules sont dues les heures des périodes effectivement exécutées" in annex
    assert "montant hors taxes des bons de commande exécutés au cours de la période" in annex
    assert "arrêté à la fin de chaque période d’exécution" in annex


# --------------------------------------------------------------------------- 5. per-lot scope


def test_a_lot_without_social_condition_is_named_not_sent_elsewhere(
        renderer: Renderer) -> None:
    ids = ("insertion-proprete-reprise-personnel", "insertion-activation-ccag",
           "insertion-rc-offres", "insertion-annexe-suivi")
    dossier = with_clause_lots(load_dossier(CLEANING), (1, 2), *ids)
    ccap = pieces(renderer, dossier)["ccap"]
    execution = ccap[ccap.index("# Article 6 – Conditions d’exécution"):]
    assert "| 3 | aucune | Conditions d’exécution environnementales |" in execution
    assert "aucune condition d’exécution sociale ne s’applique au lot n° 3" in execution
    assert "| 1 | Action d’insertion professionnelle dans un marché de propreté ; Application " \
           "de la clause d’insertion sociale du CCAG ; Condition d’exécution sociale des " \
           "marchés de montant européen |" in execution


# --------------------------------------------------------------------------- 6. AE


def test_the_ae_has_accounts_imputation_members_and_the_ccap_advance(
        renderer: Renderer) -> None:
    texts = pieces(renderer, load_dossier(GREEN_SPACES))
    ae = texts["ae_lot2"]
    assert "R2191-46" not in ae
    assert "| Comptable public assignataire des paiements | Service de gestion comptable de " \
           "Saumur" in ae
    assert "| Imputation budgétaire | Budget principal, chapitre 011" in ae
    signatures = ae[ae.index("# Article 10 – Signature du candidat"):]
    assert [line.split("|")[1].strip() for line in signatures.splitlines()
            if line.startswith(("| Mandataire", "| Cotraitant"))] == [
        "Mandataire", "Cotraitant n° 1", "Cotraitant n° 2"]
    # lot 2 (48 000 €) is under the advance threshold the CCAP applies: no rate promised
    assert "avance au taux" not in ae
    assert "ne dépassant pas 50 000,00 € hors taxes" in ae
    assert "avance au taux de 5 %" in texts["ae_lot1"]
    cleaning = pieces(renderer, load_dossier(CLEANING))["ae_lot1"]
    assert "Taille de l’entreprise" not in cleaning  # one rate for every holder
    more = changed(load_dossier(GREEN_SPACES), groupement_rows=5)
    assert pieces(renderer, more)["ae_lot1"].count("| Cotraitant n° 4 |") == 3


# --------------------------------------------------------------------------- 7. RC


def test_the_rc_sets_the_submission_rules(renderer: Renderer) -> None:
    dossier = load_dossier(GREEN_SPACES)
    rc = pieces(renderer, dossier)["rc"]
    assert re.search(r"^## \d+\.1 Copie de sauvegarde$", rc, re.M)
    assert "« Copie de sauvegarde – ne pas ouvrir », la référence 2026-EV-014" in rc
    assert "Les offres sont rédigées en français" in rc and "exprimés en euro" in rc
    assert "est le Tribunal administratif de Nantes, 6 allée de l’Île-Gloriette" in rc
    assert "La visite des sites est obligatoire" in rc and "le 5 ou le 12 janvier 2027" in rc
    assert re.search(r"^# Article \d+ – Négociation$", rc, re.M)
    irregular = rc[rc.index("Offres irrégulières"):rc.index("# Article 11")]
    assert "peut négocier avec les candidats" not in irregular.split("# Article")[0]
    info = next(item.document.info for item in render_pieces(renderer, dossier)
                if item.skeleton == "rc")
    assert info.subtitle.splitlines()[1:] == [
        "Procédure adaptée", "Date limite de remise des offres\u00a0: 18 janvier 2027 à "
        "12\u00a0h\u00a000"]


# --------------------------------------------------------------------------- 8. penalties


def test_the_ccap_takes_a_position_on_the_ccag_penalty_rules(renderer: Renderer) -> None:
    green = pieces(renderer, load_dossier(GREEN_SPACES))["ccap"]
    assert "relatives à l’exonération des pénalités dont le montant total est faible et au " \
           "plafonnement du montant total des pénalités s’appliquent" in green
    assert "ne déroge à aucune stipulation" in green
    cleaning = pieces(renderer, load_dossier(CLEANING))["ccap"]
    assert "Par dérogation au CCAG-FCS, les pénalités prévues par le présent cahier sont dues " \
           "quel que soit leur montant total" in cleaning
    derogations = cleaning[cleaning.index("Dérogations au CCAG"):]
    assert "| Pénalités | Pas d’exonération des pénalités de faible montant |" in derogations


# --------------------------------------------------------------------------- 9. sommaire


def written_docx(tmp_path: Path, renderer: Renderer, example: Path, skeleton: str) -> Path:
    dossier = load_dossier(example)
    item = next(i for i in render_pieces(renderer, dossier) if i.skeleton == skeleton)
    path = tmp_path / f"{item.stem}.docx"
    export_docx(item.document, path, load_layout(default_layout()))
    return path


def document_xml(path: Path, member: str = "word/document.xml") -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(member).decode("utf-8")


def test_without_libreoffice_the_sommaire_says_how_and_word_does_not_prompt(
        tmp_path: Path, renderer: Renderer) -> None:
    path = written_docx(tmp_path, renderer, CLEANING, "rc")
    assert "updateFields" in document_xml(path, "word/settings.xml")
    result = finish_documents([path], page_numbers=False)
    assert result.noted == (path,)
    xml = document_xml(path)
    assert "updateFields" not in document_xml(path, "word/settings.xml")
    assert 'w:dirty="true"' not in xml
    assert plain(UPDATE_NOTE).split(" :")[0] in plain(xml)
    assert '\\o "1-2"' in xml


def test_with_libreoffice_the_sommaire_shows_the_pages(tmp_path: Path,
                                                       renderer: Renderer) -> None:
    if find_soffice() is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice ou pdftotext absent")
    path = written_docx(tmp_path, renderer, CLEANING, "rc")
    assert finish_documents([path]).numbered == (path,)
    assert UPDATE_NOTE not in document_xml(path)
    profile = f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}"
    subprocess.run([find_soffice() or "soffice", profile, "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=300)
    pdf = path.with_suffix(".pdf")
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout.split("\f")
    toc = re.findall(r"^(Article \d+ – .+?)\.{3,}\s*(\d+)$", pages[1], re.M)
    assert len(toc) >= 10
    for title, page in toc:
        assert title in pages[int(page) - 1], f"« {title} » n’est pas page {page}"


# --------------------------------------------------------------------------- 10. sector rules


def test_school_catering_has_its_sector_rules(renderer: Renderer) -> None:
    cctp = pieces(renderer, load_dossier(CATERING))["cctp"]
    assert "article L541-15-10 du code de l’environnement" in cctp
    assert "à compter du 1er janvier 2028, date applicable aux communes de moins de 2 000 " \
           "habitants" in cctp
    assert "au moins une fois par semaine, un menu végétarien" in cctp
    assert "Les produits issus du commerce équitable, signalés comme tels au bordereau des " \
           "prix, sont comptés parmi les produits durables et de qualité" in cctp
    assert "## 5.5 Contrôle de la qualité et non-conformités" in cctp or \
        "Contrôle de la qualité et non-conformités" in cctp
    larger = changed(load_dossier(CATERING), "buyer", population=12000)
    assert "1er janvier 2028" not in pieces(renderer, larger)["cctp"]


@pytest.mark.parametrize("example", [CLEANING, GREEN_SPACES], ids=lambda p: p.stem)
def test_known_families_get_their_usual_chapters(renderer: Renderer, example: Path) -> None:
    cctp = pieces(renderer, load_dossier(example))["cctp"]
    assert "Contrôle de la qualité et non-conformités" in cctp
    assert "sans supplément de prix" in cctp


# --------------------------------------------------------------------------- 11. staff list


def test_the_staff_to_take_over_is_a_piece_of_the_dce(renderer: Renderer) -> None:
    texts = pieces(renderer, load_dossier(CLEANING))
    staff = texts["personnel_repris"]
    assert "| Chef d’équipe | CE1 | CDI | 151,67 | 2009 | tous sites du lot |" in staff
    assert "| **Total** |  |  | **563,34** |  |  |" in staff
    assert "- liste du personnel à reprendre ;" in texts["rc"]
    assert "personnel_repris" not in pieces(renderer, load_dossier(CATERING))


# --------------------------------------------------------------------------- 12. memoire


def test_the_memoire_has_one_box_per_sub_criterion_and_element(renderer: Renderer) -> None:
    memoire = pieces(renderer, load_dossier(CLEANING))["memoire"]
    boxes = re.findall(r"^## \d+\.\d+ (.+)$", memoire, re.M)
    assert boxes == [
        "Moyens humains affectés, encadrement et remplacement des absences (20 points)",
        "Plan de contrôle de la qualité et traitement des non-conformités (15 points)",
        "La nature des produits utilisés et leur dosage",
        "Les méthodes de nettoyage économes en eau et en produits (microfibre, nettoyage à la "
        "vapeur)",
        "Le matériel électrique utilisé et son entretien",
        "Le tri et la réduction des déchets produits par les prestations",
    ]
    assert memoire.count("| Réponse du candidat |") == 6


# --------------------------------------------------------------------------- 13. CPO


def test_the_cpo_schedule_and_text_give_one_delay_and_each_payment_a_trigger(
        renderer: Renderer) -> None:
    cpo = pieces(renderer, load_dossier(CPO))["cpo"]
    schedule = cpo[cpo.index("# Annexe 4"):]
    assert "| Solde | 36 000,00 € | réception du compte rendu financier et du bilan de l’année " \
           "concernée |" in schedule
    assert "deux mois" not in schedule
    assert "Chaque échéance est versée dans un délai de soixante jours à compter de " \
           "l’événement qui la déclenche." in schedule
    data = load_dossier(CPO).model_dump(mode="json")
    data["subsidy"]["payments"][0]["due"] = "dans les deux mois suivant la notification"
    found = findings(Dossier.model_validate(data), renderer.library)["ECHEANCE_AVEC_DELAI"]
    assert found[0].field == "subsidy.payments[0].due"


# --------------------------------------------------------------------------- 14. projet


def validated(library: Library) -> Library:
    clauses = {cid: dataclasses.replace(c, meta=c.meta.model_copy(
        update={"status": ClauseStatus.VALIDATED})) for cid, c in library.clauses.items()}
    return dataclasses.replace(library, clauses=MappingProxyType(clauses))


def test_draft_wording_says_so_until_validated(renderer: Renderer) -> None:
    dossier = load_dossier(CLEANING)
    texts = pieces(renderer, dossier)
    for name, text in texts.items():
        assert text.startswith("> **Projet – document non définitif.**"), name
    assert "« Exécution par bons de commande »" in texts["ae_lot1"]
    final = Renderer(validated(renderer.library), renderer.env)
    assert not any("Projet – document" in text for text in pieces(final, dossier).values())


# --------------------------------------------------------------------------- 15. layout polish


def test_layout_polish(tmp_path: Path, renderer: Renderer) -> None:
    green = pieces(renderer, load_dossier(GREEN_SPACES))
    assert "reconductions comprises" not in green["rc"]  # no renewal in this dossier
    cleaning = pieces(renderer, load_dossier(CLEANING))
    annex_paragraphs = {p for p in cleaning["annexe_sociale"].split("\n\n")
                        if len(p) > 120 and not p.startswith("> **Projet")}
    ccap_paragraphs = {p for p in cleaning["ccap"].split("\n\n") if len(p) > 120}
    assert not annex_paragraphs & ccap_paragraphs  # the CCAP refers to the annex
    every = "\n".join(text for example in (CATERING, CLEANING, GREEN_SPACES)
                      for text in pieces(renderer, load_dossier(example)).values())
    assert "pouvoir adjudicateur" not in every
    assert set(re.findall(r"[□☐■▢]", every)) == {"□"}
    path = written_docx(tmp_path, renderer, CLEANING, "ccap")
    finish_documents([path], page_numbers=False)
    xml = document_xml(path)
    formula = re.search(r"<w:p>(?:(?!</w:p>).)*formule suivante :(?:(?!</w:p>).)*</w:p>", xml)
    assert formula is None or "keepNext" in formula.group(0) or "<w:br/>" in formula.group(0)
    assert "R2162</w:t><w:noBreakHyphen/>" in xml
    assert "DEP72</w:t><w:noBreakHyphen/>" in xml
