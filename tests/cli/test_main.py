"""The `clausier` command line: outputs, exit codes, and no Qt on the headless path."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from drafting_app.cli.main import EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, main
from tests.conftest import EXAMPLES, LIBRARY

TENDER = str(EXAMPLES / "marche_espaces_verts.json")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out.startswith("clausier 0.")


def test_clauses_list_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "clauses", "list")
    assert code == EXIT_OK
    assert "lot-reserve-siae" in out and "à valider" in out
    code, out, _ = run(capsys, "clauses", "list", "--format", "json")
    rows = json.loads(out)
    assert {row["id"] for row in rows} >= {"insertion-condition-execution", "lot-reserve-siae"}
    # every clause has its legal basis, or says why it has none, or is to be checked
    shown = {row["id"]: row for row in rows}
    for clause_id, row in shown.items():
        if not row["references"]:
            code, out, _ = run(capsys, "clauses", "show", clause_id, "--format", "json")
            data = json.loads(out)
            assert data["status"] == "à vérifier" or data["no_reference_reason"], clause_id


@pytest.mark.parametrize("query", ["RESERVE", "reserve siae", "dechets", "ecolabel", "L2113-13"])
def test_search_is_accent_and_case_insensitive(capsys: pytest.CaptureFixture[str],
                                               query: str) -> None:
    code, out, _ = run(capsys, "clauses", "search", query, "--format", "json")
    assert code == EXIT_OK
    found = [row["id"] for row in json.loads(out)]
    expected_first = {
        "RESERVE": "lot-reserve-siae",
        "reserve siae": "lot-reserve-siae",
        "dechets": "condition-environnementale-dechets-verts",
        "ecolabel": None,
        "L2113-13": "lot-reserve-siae",
    }[query]
    assert found, f"« {query} » ne trouve rien"
    if expected_first is not None:
        assert expected_first in found[:3]


def test_search_needs_every_word(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "clauses", "search", "equitable", "--format", "json")
    fair_trade = {row["id"] for row in json.loads(out)}
    _, out, _ = run(capsys, "clauses", "search", "equitable insertion", "--format", "json")
    both = {row["id"] for row in json.loads(out)}
    _, out, _ = run(capsys, "clauses", "search", "equitable zzzz", "--format", "json")
    assert both < fair_trade and json.loads(out) == []


def test_clauses_show(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "clauses", "show", "lot-reserve-siae")
    assert code == EXIT_OK
    assert "fondement : CCP art. R2113-7" in out
    assert "Note à l’acheteur" in out
    assert "50\u00a0% au moins" in out
    code, _, err = run(capsys, "clauses", "show", "inexistante")
    assert code == EXIT_BAD_INPUT and "Clause inconnue" in err


def test_check_text_and_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "check", TENDER)
    assert code == EXIT_OK
    assert "[info] CLAUSE_NON_VALIDEE" in out
    data = json.loads((EXAMPLES / "marche_espaces_verts.json").read_text(encoding="utf-8"))
    data["tender"]["criteria"] = data["tender"]["criteria"][:1]
    bad = tmp_path / "prix_seul.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, out, _ = run(capsys, "check", str(bad), "--format", "json")
    assert code == EXIT_FINDINGS
    findings = json.loads(out)["findings"]
    first = findings[0]
    assert set(first) == {"code", "severity", "message", "reference", "field"}
    codes = {f["code"] for f in findings}
    assert {"CRITERE_ENVIRONNEMENTAL_MANQUANT", "CRITERE_PRIX_SEUL"} <= codes
    assert first["severity"] == "error"
    assert first["reference"] == "CCP art. L2152-7 ; CCP art. R2152-7"


def test_bad_dossier_exits_2_with_french_message(capsys: pytest.CaptureFixture[str],
                                                 tmp_path: Path) -> None:
    broken = tmp_path / "casse.json"
    broken.write_text('{"schema_version": 1, "kind": "marche_public"', encoding="utf-8")
    for command in ("check", "generate"):
        extra = ["--out", str(tmp_path / "out")] if command == "generate" else []
        code, _, err = run(capsys, command, str(broken), *extra)
        assert code == EXIT_BAD_INPUT
        assert "Dossier illisible" in err and "JSON incorrect" in err
        assert "Traceback" not in err


def test_library_check_ok_and_broken(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "library", "check")
    assert code == EXIT_OK and out.startswith("Bibliothèque valide")
    copy = tmp_path / "lib"
    shutil.copytree(LIBRARY, copy)
    text = copy / "clauses" / "lot-reserve-siae" / "text.fr.md"
    text.write_text(text.read_text(encoding="utf-8") + "\n{{ montant_oublie }}\n",
                    encoding="utf-8")
    code, out, err = run(capsys, "library", "check", str(copy))
    assert code == EXIT_FINDINGS
    assert f"{text}:" in err and "montant_oublie" in err


def test_library_golden_reports_drift(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    copy = tmp_path / "lib"
    shutil.copytree(LIBRARY, copy)
    text = copy / "clauses" / "condition-environnementale-dechets-verts" / "text.fr.md"
    text.write_text(text.read_text(encoding="utf-8").replace("registre", "cahier"),
                    encoding="utf-8")
    code, _, err = run(capsys, "library", "check", str(copy))
    assert code == EXIT_FINDINGS
    assert "ne correspond plus au texte relu" in err and "+Le titulaire tient un cahier" in err
    code, out, _ = run(capsys, "library", "golden", "--write", "--dir", str(copy))
    assert code == EXIT_OK and "(à relire)" in out
    code, _, _ = run(capsys, "library", "check", str(copy))
    assert code == EXIT_OK


def test_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema")
    schema = json.loads(out)
    assert code == EXIT_OK and "tender" in schema["properties"]
    assert schema["additionalProperties"] is False


def test_usage_errors_are_french_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["generate"])
    assert caught.value.code == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "arguments obligatoires manquants" in err and "utilisation :" in err


def test_headless_commands_never_import_qt(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from drafting_app.entry import main\n"  # the `clausier` console script
        f"main(['clauses', 'list']); main(['check', {TENDER!r}])\n"
        f"main(['generate', {TENDER!r}, '--out', {str(tmp_path)!r}])\n"
        "qt = sorted(m for m in sys.modules if m.startswith('PySide6'))\n"
        "assert not qt, qt\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert list(tmp_path.glob("*.docx")), result.stdout + result.stderr


def test_generate_into_a_file_is_refused_in_french(capsys: pytest.CaptureFixture[str],
                                                   tmp_path: Path) -> None:
    blocker = tmp_path / "pas_un_dossier"
    blocker.write_text("déjà là", encoding="utf-8")
    code, _, err = run(capsys, "generate", TENDER, "--out", str(blocker))
    assert code == EXIT_BAD_INPUT
    assert "Écriture impossible" in err and "Traceback" not in err
    assert blocker.read_text(encoding="utf-8") == "déjà là"


def test_removed_control_characters_are_announced(capsys: pytest.CaptureFixture[str],
                                                  tmp_path: Path) -> None:
    data = json.loads((EXAMPLES / "marche_espaces_verts.json").read_text(encoding="utf-8"))
    data["tender"]["object"] = "Entretien\x0b des espaces verts"  # pasted vertical tab
    dossier = tmp_path / "controle.json"
    dossier.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, out, err = run(capsys, "generate", str(dossier), "--out", str(tmp_path / "out"))
    assert code == EXIT_OK and out.strip().endswith((".docx", ".xlsx"))
    assert "Attention" in err and "U+000B" in err


def test_a_closed_pipe_ends_quietly() -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is already gone: the first write fails with EPIPE
    try:
        result = subprocess.run(
            [sys.executable, "-c",
             "import sys; from drafting_app.cli.main import main\n"
             "sys.exit(main(['clauses', 'list']))"],
            stdout=write_end, stderr=subprocess.PIPE, text=True, check=False)
    finally:
        os.close(write_end)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
