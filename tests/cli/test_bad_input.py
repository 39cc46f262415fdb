"""Every bad input ends with exit 2 and a French message naming the file — never a traceback."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest

from drafting_app.cli.main import EXIT_BAD_INPUT, EXIT_FINDINGS, UNEXPECTED, main
from tests.files.test_messages import assert_french
from tests.robust_support import EXAMPLES, example_data, library_copy

TENDER = EXAMPLES / "marche_espaces_verts.json"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and UNEXPECTED not in err
    return code, out, err


def hostile_dossiers(tmp_path: Path) -> dict[str, Path]:
    """Dossier files that raised ValueError, RecursionError, MemoryError or hung."""
    folder = tmp_path / "dossiers"
    folder.mkdir()
    text = TENDER.read_text(encoding="utf-8")
    files = {
        "chiffres": text.replace('"duration_months": 36', '"duration_months": ' + "9" * 5000),
        "imbrique": text.replace('"clauses": [',
                                 '"clauses": [{"id": "x", "values": {"v": '
                                 + "[" * 50_000 + "]" * 50_000 + "}}, ", 1),
    }
    paths = {}
    for name, content in files.items():
        paths[name] = folder / f"{name}.json"
        paths[name].write_text(content, encoding="utf-8")
    if os.name == "posix":
        paths["tube"] = folder / "tube.json"
        os.mkfifo(paths["tube"])
    return paths


@pytest.mark.parametrize("command", ["check", "generate", "advise", "insertion"])
def test_hostile_dossiers_exit_2_in_french(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           command: str) -> None:
    paths = hostile_dossiers(tmp_path)
    if os.name == "posix":
        paths["zero"] = Path("/dev/zero")
    for name, path in paths.items():
        extra = ["--out", str(tmp_path / "out")] if command == "generate" else []
        code, _, err = run(capsys, command, str(path), *extra)
        assert code == EXIT_BAD_INPUT, (name, err)
        assert f"Dossier illisible : {path}" in err
        for line in err.splitlines()[1:]:
            assert_french(line)


def test_where_used_reports_hostile_dossiers_and_exits_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = hostile_dossiers(tmp_path)
    good = tmp_path / "dossiers" / "bon.json"
    good.write_text(TENDER.read_text(encoding="utf-8"), encoding="utf-8")
    code, out, err = run(capsys, "library", "where-used", "lot-reserve-siae", "--dossiers",
                         str(tmp_path / "dossiers"))
    assert "bon.json" not in err and "dossier(s) sur" in out  # the readable one is read
    assert code == EXIT_BAD_INPUT
    for path in paths.values():
        assert f"Dossier illisible : {path}" in err
    assert "nombre de 5000 chiffres" in err and "imbriquées" in err


def test_bad_arguments_are_french(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["clauses", "diff", "lot-reserve-siae", "--from", "deux"])
    assert caught.value.code == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "argument --from : nombre entier attendu, pas 'deux'" in err
    for option in ("--montant", "--taux"):
        for number, said in (("1e999999", "n’est pas un nombre"),
                             ("9" * 30, "n’est pas un nombre"),
                             ("9" * 20, "nombre trop grand")):
            code, _, err = run(capsys, "insertion", option, number, "--metier", "50")
            assert code == EXIT_BAD_INPUT and said in err, err
    code, _, err = run(capsys, "check", str(tmp_path))
    assert code == EXIT_BAD_INPUT and "c’est un dossier, pas un fichier" in err


def test_a_zip_bomb_review_pack_is_refused_before_decompressing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bomb = tmp_path / "relecture.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as entry:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(250):  # 250 MB once unpacked, a few hundred kB packed
                entry.write(chunk)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    library = library_copy(tmp_path)
    code, _, err = run(capsys, "--library", str(library), "review", "import", str(bomb),
                       "--who", "Claire")
    assert code == EXIT_BAD_INPUT
    assert f"{bomb} : refusé sans être ouvert : il occuperait 250 Mo une fois décompressé" in err


def test_generate_exit_codes_follow_the_readme(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    data = example_data()
    data["clauses"].append({"id": "inconnue", "values": {}})
    path = tmp_path / "d.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    code, _, _ = run(capsys, "generate", str(path), "--out", str(tmp_path / "out"))
    assert code == EXIT_FINDINGS


def test_the_spaser_register_reads_hostile_dossiers_in_french(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = hostile_dossiers(tmp_path)
    good = tmp_path / "dossiers" / "bon.json"
    good.write_text(TENDER.read_text(encoding="utf-8"), encoding="utf-8")
    code, _, err = run(capsys, "spaser", "indicators", str(tmp_path / "dossiers"),
                       "--index", str(tmp_path / "index.sqlite"))
    assert code in (0, 1, 2)
    for path in paths.values():
        assert path.name in err
