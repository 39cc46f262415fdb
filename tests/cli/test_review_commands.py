"""The legal-review commands: history, diff, new-version, review packs, where-used, stale refs."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import docx
import pytest

from drafting_app.cli.main import EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, main
from drafting_app.review.history import record_review
from drafting_app.review.versions import save_edit
from drafting_app.wording.model import ClauseStatus
from tests.review_support import (
    EXAMPLES,
    LATER,
    NOW,
    copy_clause,
    copy_library,
    decision_tables,
    opened,
)

CLAUSE = "lot-reserve-siae"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def _two_versions(root: Path) -> Path:
    folder = root / "clauses" / CLAUSE
    record_review(opened(folder), ClauseStatus.VALIDATED, "Marie Dupont", NOW, "conforme")
    state = opened(folder)
    text = state.text.replace("50 % au moins", "60 % au moins")
    save_edit(state, "Paul Martin", LATER, text=text)
    return folder


def test_history_and_diff(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_library(tmp_path)
    folder = _two_versions(root)
    version = opened(folder).meta.version
    code, out, _ = run(capsys, "--library", str(root), "clauses", "history", CLAUSE)
    assert code == EXIT_OK
    assert f"Version courante : {version} — statut : à valider — bibliothèque intégrée" in out
    assert f"{version - 1} (validée le 23/11/2026), {version} (courante)" in out
    assert "Marie Dupont — conforme" in out
    code, out, _ = run(capsys, "--library", str(root), "clauses", "diff", CLAUSE)
    assert code == EXIT_OK
    assert "[-50-]{+60+}\u00a0% au moins" in out
    out_file = tmp_path / "diff.docx"
    code, out, _ = run(capsys, "--library", str(root), "clauses", "diff", CLAUSE,
                       "--from", str(version - 1), "--to", str(version), "--out", str(out_file))
    assert code == EXIT_OK and out.strip() == str(out_file)
    with zipfile.ZipFile(out_file) as archive:
        body = archive.read("word/document.xml").decode("utf-8")
    assert "<w:ins " in body and "<w:del " in body and 'w:author="Paul Martin"' in body
    code, _, err = run(capsys, "--library", str(root), "clauses", "diff", CLAUSE, "--from", "9")
    assert code == EXIT_BAD_INPUT and "la version 9" in err and "versions disponibles" in err
    code, _, err = run(capsys, "--library", str(root), "clauses", "history", "inconnue")
    assert code == EXIT_BAD_INPUT and "Clause inconnue" in err


def test_review_pack_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_library(tmp_path)
    pack = tmp_path / "relecture.docx"
    code, out, _ = run(capsys, "--library", str(root), "review", "export", "--category",
                       "marches-reserves", "--status", "a valider", "--out", str(pack))
    assert code == EXIT_OK and "clause(s) à relire" in out
    word = docx.Document(str(pack))
    rows = [table.rows[1] for table in decision_tables(word)]
    ids = [row.cells[0].paragraphs[0].text for row in rows]
    assert CLAUSE in ids
    for row in rows:
        row.cells[1].paragraphs[0].add_run("validé")
    word.save(str(pack))
    code, out, err = run(capsys, "--library", str(root), "review", "import", str(pack),
                         "--dry-run", "--who", "Marie Dupont")
    assert code == EXIT_OK, err
    assert "essai à blanc" in out
    assert opened(root / "clauses" / CLAUSE).meta.status is ClauseStatus.TO_REVIEW
    code, out, err = run(capsys, "--library", str(root), "review", "import", str(pack),
                         "--who", "Marie Dupont")
    assert code == EXIT_OK, err
    assert f"{len(ids)} décision(s) enregistrée(s)" in out
    assert all(opened(root / "clauses" / i).meta.status is ClauseStatus.VALIDATED for i in ids)
    # a second import reports nothing new; a pack with a bad decision exits 1, in French
    word = docx.Document(str(pack))
    decision_tables(word)[0].rows[1].cells[1].paragraphs[0].runs[0].text = "bof"
    word.save(str(pack))
    code, out, err = run(capsys, "--library", str(root), "review", "import", str(pack),
                         "--who", "Marie Dupont")
    assert code == EXIT_FINDINGS
    assert "Non reporté : fiche 1 (clause « " in err and "décision « bof » inconnue" in err


def test_review_export_rejects_unknown_filters(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    out = str(tmp_path / "x.docx")
    code, _, err = run(capsys, "review", "export", "--status", "fini", "--out", out)
    assert code == EXIT_BAD_INPUT and "Statut inconnu : « fini »" in err
    code, _, err = run(capsys, "review", "export", "--category", "nulle-part", "--out", out)
    assert code == EXIT_BAD_INPUT and "Catégorie inconnue" in err and "insertion" in err
    code, _, err = run(capsys, "review", "import", str(tmp_path / "absent.docx"))
    assert code == EXIT_BAD_INPUT and "fichier introuvable" in err


def test_library_check_reports_a_planted_stale_reference(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_library(tmp_path)
    text = root / "clauses" / CLAUSE / "text.fr.md"
    content = text.read_text(encoding="utf-8").rstrip("\n")
    text.write_text(content + "\n\nVu le décret n° 2016-360 du 25 mars 2016.\n", encoding="utf-8")
    line = content.count("\n") + 3
    code, _, err = run(capsys, "library", "check", str(root))
    assert code == EXIT_FINDINGS
    assert f"{text}:{line} : référence périmée « décret n° 2016-360 du 25 mars 2016 »" in err


def test_library_check_accepts_versions_and_flags_hand_edits(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_library(tmp_path)
    folder = root / "clauses" / CLAUSE
    record_review(opened(folder), ClauseStatus.VALIDATED, "Marie Dupont", NOW)
    code, out, err = run(capsys, "library", "check", str(root))
    assert "versions" not in err
    if code == EXIT_OK:  # the shipped library is valid: the copy with versions/ is too
        assert "Bibliothèque valide" in out
    text = folder / "text.fr.md"
    text.write_text(text.read_text(encoding="utf-8") + "\nAjout à la main.\n", encoding="utf-8")
    code, out, err = run(capsys, "library", "check", str(root))
    assert code == EXIT_FINDINGS and "a été validée puis modifiée directement" in err
    code, out, err = run(capsys, "--library", str(root), "clauses", "new-version", CLAUSE,
                         "--who", "Paul Martin")
    assert code == EXIT_OK and "statut « à valider »" in out
    code, out, err = run(capsys, "library", "check", str(root))
    assert "validée puis modifiée" not in err


def test_where_used_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dossiers = tmp_path / "dossiers"
    dossiers.mkdir()
    data = json.loads((EXAMPLES / "marche_espaces_verts.json").read_text(encoding="utf-8"))
    for chosen in data["clauses"]:
        chosen["version"] = 1
    (dossiers / "a.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, out, _ = run(capsys, "library", "where-used", CLAUSE, "--dossiers", str(dossiers))
    assert code == EXIT_OK
    assert "a.json" in out and "version 1" in out
    assert "1 dossier(s) sur 1 utilisent « lot-reserve-siae »" in out
    code, _, err = run(capsys, "library", "where-used", CLAUSE, "--dossiers",
                       str(tmp_path / "absent"))
    assert code == EXIT_BAD_INPUT and "Dossier introuvable" in err


def test_organisation_layer_on_the_command_line(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    organisation = tmp_path / "orga"
    copy_clause(organisation)
    code, out, _ = run(capsys, "clauses", "history", CLAUSE, "--organisation", str(organisation))
    assert code == EXIT_OK and "bibliothèque de l’organisation" in out


def test_pack_of_the_whole_library_has_no_template_tag_left(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pack = tmp_path / "bibliotheque.docx"
    code, out, err = run(capsys, "review", "export", "--out", str(pack),
                         "--organisme", "Département d’Exemple")
    assert code == EXIT_OK, err
    count = int(out.split(" : ")[1].split(" ")[0])
    assert count >= 60
    with zipfile.ZipFile(pack) as archive:
        parts = {n: archive.read(n).decode("utf-8") for n in archive.namelist()
                 if n.endswith(".xml")}
    for name, xml in parts.items():
        for tag in ("{{", "}}", "{%", "%}", "{#", "#}"):
            assert tag not in xml, f"{name} : balise « {tag} » restée"
    text = " ".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", parts["word/document.xml"]))
    for python in (r"\b[a-z]+_[a-z0-9_]+\b", r"\|\s*(?:money|percent|words|length)\b",
                   r"\blots\[0\]", r"\bloop\.", r"=="):
        assert not re.findall(python, text), python
    assert len(decision_tables(docx.Document(str(pack)))) == count
    assert "Département d’Exemple" in "".join(
        archive_text for name, archive_text in parts.items() if "header" in name)


def test_review_export_of_one_dossier(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    example = EXAMPLES / "marche_restauration_collective.json"
    pack = tmp_path / "restauration.docx"
    code, out, err = run(capsys, "review", "export", "--dossier", str(example), "--out",
                         str(pack))
    assert code == EXIT_OK, err
    data = json.loads(example.read_text(encoding="utf-8"))
    expected = [c["id"] for c in data["clauses"]]
    assert f"{len(expected)} clause(s) du dossier « {data['title']} » à relire" in out
    ids = [t.rows[1].cells[0].paragraphs[0].text for t in decision_tables(docx.Document(
        str(pack)))]
    assert ids == expected
    code, _, err = run(capsys, "review", "export", "--dossier", str(example), "--status",
                       "validé", "--out", str(pack))
    assert code == EXIT_BAD_INPUT and "n’y ajoutez ni --category ni --status" in err
    code, _, err = run(capsys, "review", "export", "--dossier", str(tmp_path / "absent.json"),
                       "--out", str(pack))
    assert code == EXIT_BAD_INPUT and "Dossier illisible" in err


def test_diff_on_the_house_layout_with_renderings(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_library(tmp_path)
    _two_versions(root)
    out_file = tmp_path / "diff.docx"
    code, out, err = run(capsys, "--library", str(root), "clauses", "diff", CLAUSE, "--rendus",
                         "--out", str(out_file), "--organisme", "Ville d’Exemple")
    assert code == EXIT_OK, err
    with zipfile.ZipFile(out_file) as archive:
        body = archive.read("word/document.xml").decode("utf-8")
        headers = "".join(archive.read(n).decode("utf-8") for n in archive.namelist()
                          if n.startswith("word/header"))
        footers = "".join(archive.read(n).decode("utf-8") for n in archive.namelist()
                          if n.startswith("word/footer"))
    assert "Ville d’Exemple" in headers and "NUMPAGES" in footers
    assert "Exemple rédigé" in body and "{{" not in body and "{%" not in body
    # the example rendering changed too: « 60 % » is inserted there as in the wording
    assert body.count("<w:ins ") >= 2 and body.count("<w:del ") >= 2
    code, out, _ = run(capsys, "--library", str(root), "clauses", "diff", CLAUSE, "--rendus")
    assert code == EXIT_OK and "== Exemple rédigé" in out and "[-50-]{+60+}" in out
    code, _, err = run(capsys, "--library", str(root), "clauses", "diff", CLAUSE, "--out",
                       str(out_file), "--layout", str(tmp_path / "absente.docx"))
    assert code == EXIT_BAD_INPUT and "introuvable" in err
