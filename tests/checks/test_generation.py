"""`check` reports what `generate` would refuse, and `generate` then writes nothing (exit 1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drafting_app.checks import Severity, load_legal_data, run_checks
from drafting_app.cli.main import EXIT_FINDINGS, EXIT_OK, main
from drafting_app.documents.generate import generate
from drafting_app.dossier.model import Dossier
from tests.robust_support import (
    HOSTILE,
    choosing,
    example_data,
    library_copy,
    renderer_for,
    with_clause_text,
)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, data: dict[str, object]) -> Path:
    path = tmp_path / "dossier.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_an_unknown_clause_stops_generate_with_exit_1(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = example_data()
    data["clauses"].append({"id": "clause-supprimee", "values": {}})
    dossier = write(tmp_path, data)
    out = tmp_path / "documents"
    code, _, err = run(capsys, "check", str(dossier))
    assert code == EXIT_FINDINGS
    code, stdout, err = run(capsys, "generate", str(dossier), "--out", str(out))
    assert code == EXIT_FINDINGS  # it used to write the set without the clause and exit 0
    assert stdout == "" and not list(out.glob("*.docx"))
    index = len(data["clauses"]) - 1
    assert "rien n’a été écrit" in err
    assert "« clause-supprimee » n’existe pas" in err and f"clauses[{index}].id" in err


def test_a_clause_that_cannot_be_rendered_is_a_blocking_finding(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = library_copy(tmp_path)
    # valid for the library, but this dossier has no minimum turnover: `money` of nothing
    with_clause_text(root, "Chiffre d’affaires minimal : {{ tender.minimum_turnover | money }}."
                     "\n")
    renderer = renderer_for(root)
    dossier = choosing()
    assert dossier.tender is not None and dossier.tender.minimum_turnover is None
    legal, _ = load_legal_data(root)
    index = len(dossier.clauses) - 1

    findings = run_checks(dossier, renderer.library, legal, renderer)
    (finding,) = [f for f in findings if f.code == "CLAUSE_IMPOSSIBLE_A_RENDRE"]
    assert finding.severity is Severity.ERROR and finding.field == f"clauses[{index}]"
    assert f"clauses/{HOSTILE}/text.fr.md, ligne 1" in finding.message
    assert "rendu impossible : valeur vide : renseignez-la dans le dossier" in finding.message
    # what the app analyses on each edit: blocking, so « dossier complet » cannot show
    assert any(f.severity is Severity.ERROR for f in findings)

    path = write(tmp_path, json.loads(dossier.model_dump_json()))
    out = tmp_path / "documents"
    code, out_text, _ = run(capsys, "--library", str(root), "check", str(path))
    assert code == EXIT_FINDINGS and "CLAUSE_IMPOSSIBLE_A_RENDRE" in out_text
    code, _, err = run(capsys, "--library", str(root), "generate", str(path), "--out", str(out))
    assert code == EXIT_FINDINGS and "rien n’a été écrit" in err
    assert not out.exists() or not any(out.iterdir())


def test_a_dossier_that_generates_has_no_generation_finding(tmp_path: Path) -> None:
    root = library_copy(tmp_path)
    renderer = renderer_for(root)
    dossier = choosing()
    legal, _ = load_legal_data(root)
    codes = {f.code for f in run_checks(dossier, renderer.library, legal, renderer)}
    assert not codes & {"CLAUSE_IMPOSSIBLE_A_RENDRE", "PIECE_IMPOSSIBLE_A_PRODUIRE"}
    from drafting_app.documents.docx import load_layout
    from drafting_app.paths import default_layout

    assert generate(renderer, dossier, tmp_path / "out", load_layout(default_layout()))


def test_generate_with_legal_findings_writes_for_review(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = example_data()
    data["tender"]["criteria"] = data["tender"]["criteria"][:1]  # price only: blocking
    out = tmp_path / "documents"
    code, stdout, err = run(capsys, "generate", str(write(tmp_path, data)), "--out", str(out))
    assert code == EXIT_OK  # written for review; `check` exits 1
    assert ".docx" in stdout and list(out.glob("*.docx"))
    assert "point(s) bloquant(s)" in err and "avant publication" in err


def test_a_wrong_clause_value_is_reported_once_not_again_under_each_piece(
        tmp_path: Path) -> None:
    data = example_data()
    clause = next(c for c in data["clauses"]
                  if c["id"] == "condition-environnementale-dechets-verts")
    clause["values"]["penalite_journaliere"] = "beaucoup"
    root = library_copy(tmp_path)
    renderer = renderer_for(root)
    legal, _ = load_legal_data(root)
    dossier = Dossier.model_validate(data)
    codes = [f.code for f in run_checks(dossier, renderer.library, legal, renderer)]
    assert codes.count("VALEUR_CLAUSE") == 1
    # the CCAP and the CCTP hold the clause: they used to repeat its message twice each
    assert "PIECE_IMPOSSIBLE_A_PRODUIRE" not in codes
    assert "CLAUSE_IMPOSSIBLE_A_RENDRE" not in codes
