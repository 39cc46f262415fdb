"""The review pack round trip: export to Word, the reviewer fills it in, decisions come back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from drafting_app.dossier.model import ChosenClause
from drafting_app.dossier.storage import load_dossier
from drafting_app.review.clause_files import ReviewError
from drafting_app.review.pack import (
    HEADERS,
    PackSetup,
    export_dossier_pack,
    export_pack,
    import_pack,
    parse_decision,
    read_pack,
    select_clauses,
)
from drafting_app.review.readable import plain, readable_wording
from drafting_app.review.versions import save_edit
from drafting_app.wording.library import Clause
from drafting_app.wording.markup import french_typography
from drafting_app.wording.model import ClauseStatus
from drafting_app.wording.render import Formats, make_environment
from tests.review_support import (
    EXAMPLES,
    LATER,
    LIBRARY,
    NOW,
    body_text,
    convert,
    copy_library,
    decision_tables,
    load,
    opened,
    part_text,
    part_xml,
    zip_names,
)


def _to_review(root: Path) -> tuple[str, list[Clause]]:
    """The category with the most clauses « à valider » in the copied library."""
    library, _ = load(root)
    counts: dict[str, int] = {}
    for clause in library.clauses.values():
        if clause.meta.status is ClauseStatus.TO_REVIEW:
            counts[clause.meta.category] = counts.get(clause.meta.category, 0) + 1
    category = max(counts, key=lambda c: (counts[c], c))
    chosen = select_clauses(list(library.clauses.values()), category, ClauseStatus.TO_REVIEW)
    assert chosen and all(c.meta.category == category for c in chosen)
    return category, chosen


def _fill(pack: Path, decisions: dict[str, tuple[str, str]], reviewer: str = "Marie Dupont",
          out: Path | None = None) -> Path:
    """What a reviewer does in Word: name, decision and comment for some clauses."""
    word = docx.Document(str(pack))
    head = word.tables[0]
    head.rows[0].cells[1].paragraphs[0].add_run(reviewer)
    for table in decision_tables(word):
        row = table.rows[1]
        clause_id = row.cells[0].paragraphs[0].text
        if clause_id in decisions:
            decision, comment = decisions[clause_id]
            row.cells[1].paragraphs[0].add_run(decision)
            row.cells[2].paragraphs[0].add_run(comment)
    target = out or pack.with_name("rempli.docx")
    word.save(str(target))
    return target


def _folders(root: Path) -> dict[str, Path]:
    """The clause folders of a library, as the command gives them to the import."""
    return {p.name: p for p in (root / "clauses").iterdir() if p.is_dir()}


def test_pack_lists_every_selected_clause_with_what_a_reviewer_needs(tmp_path: Path) -> None:
    root = copy_library(tmp_path)
    _, chosen = _to_review(root)
    out = tmp_path / "relecture.docx"
    export_pack(chosen, out, NOW.date(), selection="test")
    word = docx.Document(str(out))
    assert word.core_properties.subject == "Dossier de relecture Clausier"
    tables = decision_tables(word)
    assert len(tables) == len(chosen)
    text = body_text(out)
    env = make_environment(Formats())
    for clause, table in zip(chosen, tables, strict=True):
        ident = table.rows[1].cells[0].text
        assert ident.startswith(clause.id)
        assert f"version {clause.meta.version}" in ident
        assert f"statut : {clause.meta.status.value}" in ident
        assert f"empreinte : {opened(clause.folder).fingerprint}" in ident
        assert table.rows[1].cells[1].text == "" and table.rows[1].cells[2].text == ""
        assert french_typography(clause.meta.title) in text
        for reference in clause.meta.references:
            assert reference.label() in text
        note = french_typography(" ".join(clause.meta.note.split()[:6]))
        assert " ".join(note.split()) in " ".join(text.split())
        # the wording as a lawyer reads it: its first line is in the pack, as written there
        readable = readable_wording(clause.meta, clause.text, env).blocks
        first = plain("".join(run.text for run in readable[0].runs))  # type: ignore[union-attr]
        assert first[:60] in text
    section = word.sections[0]
    assert section.page_width > section.page_height  # landscape: two wordings side by side


def test_round_trip_takes_a_category_from_to_review_to_validated(tmp_path: Path) -> None:
    root = copy_library(tmp_path)
    category, chosen = _to_review(root)
    pack = tmp_path / "relecture.docx"
    export_pack(chosen, pack, NOW.date())
    filled = _fill(pack, {c.id: ("Validé", f"Relu : {c.id}.") for c in chosen})
    report = import_pack(filled, _folders(root), LATER)
    assert report.issues == []
    assert report.reviewer == "Marie Dupont"
    assert sorted(i for i, _, _ in report.recorded) == sorted(c.id for c in chosen)
    library, _ = load(root)
    for clause in chosen:
        meta = library.clauses[clause.id].meta
        assert meta.status is ClauseStatus.VALIDATED
        entry = meta.history[-1]
        assert (entry.who, entry.when, entry.decision, entry.comment) == (
            "Marie Dupont", LATER.date(), ClauseStatus.VALIDATED, f"Relu : {clause.id}.")
        assert (clause.folder / "versions" / str(meta.version) / "text.fr.md").exists()
    remaining = [c for c in library.clauses.values()
                 if c.meta.category == category and c.meta.status is ClauseStatus.TO_REVIEW]
    assert remaining == []
    # importing the same pack again changes nothing and says so
    again = import_pack(filled, _folders(root), LATER)
    assert again.recorded == [] and again.issues == []
    assert all("déjà enregistrée" in note for note in again.notes)


def test_rows_that_do_not_match_are_reported_in_french(tmp_path: Path) -> None:
    root = copy_library(tmp_path)
    _, chosen = _to_review(root)
    assert len(chosen) >= 2, "the test needs two clauses of one category"
    first, second = chosen[0], chosen[1]
    pack = tmp_path / "relecture.docx"
    export_pack(chosen, pack, NOW.date())
    # after the export, the first clause is validated then edited: it is now version n + 1
    from drafting_app.review.history import record_review

    record_review(opened(first.folder), ClauseStatus.VALIDATED, "Autre Juriste", NOW)
    save_edit(opened(first.folder), "Paul Martin", NOW, text=first.text + "\nAjout.\n")
    filled = _fill(pack, {first.id: ("validé", ""), second.id: ("peut-être", "")})
    word = docx.Document(str(filled))
    extra = decision_tables(word)[-1].add_row().cells
    extra[0].paragraphs[0].add_run("clause-inexistante")
    extra[0].add_paragraph("version 1")
    extra[1].paragraphs[0].add_run("validé")
    word.save(str(filled))
    report = import_pack(filled, _folders(root), LATER)
    assert report.recorded == []
    issues = "\n".join(report.issues)
    assert len(report.issues) == 3, issues
    version = first.meta.version
    assert (f"clause « {first.id} »" in issues and f"passée de la version {version} (relue) "
            f"à la version {version + 1} depuis l’export" in issues)
    assert f"clause « {second.id} »" in issues and "décision « peut-être » inconnue" in issues
    assert "clause « clause-inexistante »" in issues and "clause inconnue" in issues
    assert opened(second.folder).meta.status is ClauseStatus.TO_REVIEW


def test_a_clause_changed_without_a_new_version_is_not_validated(tmp_path: Path) -> None:
    root = copy_library(tmp_path)
    _, chosen = _to_review(root)
    clause = chosen[0]
    pack = tmp_path / "relecture.docx"
    export_pack([clause], pack, NOW.date())
    save_edit(opened(clause.folder), "Paul Martin", NOW, text=clause.text + "\nAjout.\n")
    report = import_pack(_fill(pack, {clause.id: ("validé", "")}), _folders(root), LATER)
    assert len(report.issues) == 1
    assert "a été modifiée depuis l’export" in report.issues[0]
    assert opened(clause.folder).meta.status is ClauseStatus.TO_REVIEW


def test_decisions_typed_with_tracked_changes_on_are_read(tmp_path: Path) -> None:
    root = copy_library(tmp_path)
    _, chosen = _to_review(root)
    clause = chosen[0]
    pack = tmp_path / "relecture.docx"
    export_pack([clause], pack, NOW.date())
    word = docx.Document(str(pack))
    word.tables[0].rows[0].cells[1].paragraphs[0].add_run("Marie Dupont")
    cell = decision_tables(word)[0].rows[1].cells[1].paragraphs[0]._p
    insertion = OxmlElement("w:ins", {qn("w:id"): "1", qn("w:author"): "Marie Dupont",
                                      qn("w:date"): "2026-11-30T09:00:00Z"})
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "à revoir"
    run.append(text)
    insertion.append(run)
    cell.append(insertion)
    word.save(str(pack))
    report = import_pack(pack, _folders(root), LATER)
    assert report.issues == []
    assert opened(clause.folder).meta.status is ClauseStatus.DRAFT


def test_a_pack_saved_by_libreoffice_still_imports(tmp_path: Path) -> None:
    root = copy_library(tmp_path)
    _, chosen = _to_review(root)
    pack = tmp_path / "relecture.docx"
    export_pack(chosen, pack, NOW.date())
    filled = _fill(pack, {chosen[0].id: ("obsolète", "remplacée")})
    resaved_dir = tmp_path / "lo"
    resaved_dir.mkdir()
    resaved = convert(filled, "docx:MS Word 2007 XML", resaved_dir)
    rows = read_pack(resaved).rows
    assert [r.clause_id for r in rows] == [c.id for c in chosen]
    report = import_pack(resaved, _folders(root), LATER)
    assert report.issues == []
    assert opened(chosen[0].folder).meta.status is ClauseStatus.OBSOLETE


def test_reviewer_name_and_pack_format_are_required(tmp_path: Path) -> None:
    root = copy_library(tmp_path)
    _, chosen = _to_review(root)
    pack = tmp_path / "relecture.docx"
    export_pack(chosen[:1], pack, NOW.date())
    with pytest.raises(ReviewError, match="indiquez le relecteur"):
        import_pack(pack, _folders(root), LATER)
    other = tmp_path / "autre.docx"
    document = docx.Document()
    document.add_paragraph("Un autre document")
    document.save(str(other))
    with pytest.raises(ReviewError, match="n’est pas un dossier de relecture Clausier"):
        read_pack(other)
    (tmp_path / "faux.docx").write_text("pas un docx", encoding="utf-8")
    with pytest.raises(ReviewError, match="n’est pas un fichier Word"):
        read_pack(tmp_path / "faux.docx")
    with pytest.raises(ReviewError, match="aucune clause"):
        export_pack([], tmp_path / "vide.docx", dt.date(2026, 11, 23))


def test_decision_words() -> None:
    assert parse_decision(" Validé. ") is ClauseStatus.VALIDATED
    assert parse_decision("A REVOIR") is ClauseStatus.DRAFT
    assert parse_decision("« obsolète »") is ClauseStatus.OBSOLETE
    assert parse_decision("") is None
    with pytest.raises(ValueError):
        parse_decision("ok")


def test_pack_says_which_references_are_still_to_check(tmp_path: Path) -> None:
    library, _ = load(copy_library(tmp_path))
    assert library.references is not None
    to_check = [c for c in library.clauses.values() if c.meta.status is ClauseStatus.TO_CHECK]
    assert to_check, "the shipped library has clauses resting on unverified facts"
    out = tmp_path / "a_verifier.docx"
    export_pack(to_check[:3], out, NOW.date(), references=library.references)
    assert "à vérifier ; relevé le" in body_text(out)


def test_a_pack_of_the_earlier_one_table_format_still_imports(tmp_path: Path) -> None:
    root = copy_library(tmp_path)
    _, chosen = _to_review(root)
    clause = chosen[0]
    state = opened(clause.folder)
    word = docx.Document()
    head = word.add_table(rows=1, cols=2)
    head.rows[0].cells[0].text = "Relecteur"
    head.rows[0].cells[1].text = "Marie Dupont"
    main = word.add_table(rows=2, cols=4)
    for cell, title in zip(main.rows[0].cells, HEADERS, strict=True):
        cell.text = title
    ident = main.rows[1].cells[0]
    ident.text = clause.id
    ident.add_paragraph(f"version {clause.meta.version}")
    ident.add_paragraph(f"empreinte : {state.fingerprint}")
    main.rows[1].cells[2].text = "validé"
    old = tmp_path / "ancien.docx"
    word.save(str(old))
    report = import_pack(old, _folders(root), LATER)
    assert report.issues == [] and [i for i, _, _ in report.recorded] == [clause.id]


def test_dossier_pack_holds_exactly_its_clauses_with_its_values(tmp_path: Path) -> None:
    library, problems = load(LIBRARY)
    assert problems == []
    dossier = load_dossier(EXAMPLES / "marche_restauration_collective.json")
    out = tmp_path / "restauration.docx"
    entries = export_dossier_pack(dossier, library, out, NOW.date())
    expected = [c.id for c in dossier.clauses]
    assert [e.clause.id for e in entries] == expected
    word = docx.Document(str(out))
    assert [t.rows[1].cells[0].paragraphs[0].text for t in decision_tables(word)] == expected
    text = body_text(out)
    assert f"Référence : {dossier.reference}" in " ".join(text.split())
    # the reserved lot is lot 4: the clause is written for it, with the dossier's values
    lot = next(lot for lot in dossier.tender.lots if lot.number == 4)  # type: ignore[union-attr]
    assert f"le lot n°\u00a04 «\u00a0{lot.title}\u00a0» est réservé" in text
    assert "Rédaction retenue pour ce dossier, avec ses valeurs" in text
    assert "Retenue pour : lot n° 4." in " ".join(text.split())
    header = "".join(part_text(out, name) for name in zip_names(out, "word/header"))
    assert dossier.buyer.name in header and dossier.reference in header
    unknown = dossier.model_copy(update={"clauses": (*dossier.clauses,
                                                     ChosenClause(id="clause-disparue"))})
    with pytest.raises(ReviewError, match="clause-disparue"):
        export_dossier_pack(unknown, library, tmp_path / "x.docx", NOW.date())


def test_pack_is_written_on_the_house_layout(tmp_path: Path) -> None:
    library, _ = load(LIBRARY)
    chosen = [library.clauses["pme-retenue-garantie"], library.clauses["lot-reserve-siae"]]
    out = tmp_path / "relecture.docx"
    export_pack(chosen, out, NOW.date(), setup=PackSetup(library=library,
                                                         organisation="Ville d’Exemple"))
    header = "".join(part_text(out, n) for n in zip_names(out, "word/header"))
    footer = "".join(part_xml(out, n) for n in zip_names(out, "word/footer"))
    assert "Ville d’Exemple" in header and "{{" not in header
    assert "PAGE" in footer and "NUMPAGES" in footer
    styles = part_xml(out, "word/styles.xml")
    assert 'w:styleId="TableauClausier"' in styles  # the layout's own styles came along
    document = part_xml(out, "word/document.xml")
    assert '<w:pStyle w:val="Heading1"/>' in document
    assert '<w:highlight w:val="yellow"/>' in document  # placeholders stand out
    assert 'w:fill="DEEAF6"' in document  # and so do notes


def test_pack_refuses_a_broken_layout_in_french(tmp_path: Path) -> None:
    library, _ = load(LIBRARY)
    broken = tmp_path / "cassee.docx"
    broken.write_text("pas un docx", encoding="utf-8")
    from drafting_app.documents.docx import Layout

    setup = PackSetup(library=library, layout=Layout(broken, {}))
    with pytest.raises(ReviewError, match="n’est pas un fichier Word"):
        export_pack([library.clauses["pme-avance"]], tmp_path / "x.docx", NOW.date(),
                    setup=setup)
