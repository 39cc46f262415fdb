"""DECP export against the official schema, the register's index, the report and the commands."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook

from drafting_app.cli.main import main
from drafting_app.documents.docx import load_layout
from drafting_app.followup.bilan import build_bilan
from drafting_app.followup.considerations import Context
from drafting_app.followup.decp import SCHEMA_PATH, export_decp, schema_problems
from drafting_app.followup.indicators import Scope
from drafting_app.followup.register import open_register
from drafting_app.followup.report import CHART_MARKER, write_report
from drafting_app.followup.spreadsheet import write_spreadsheet
from drafting_app.wording.render import Formats
from tests.conftest import ROOT
from tests.docx_helpers import DEFAULT_LAYOUT, convert_to_pdf, pdf_pages, pdf_text, soffice

# the official schema, copied with its origin noted in tests/data/README.md
OFFICIAL = json.loads((ROOT / "tests" / "data" / "schema_decp_v2.0.3.json").read_text("utf-8"))
PUBLISHED = dt.date(2028, 1, 15)


def test_shipped_schema_is_the_official_one() -> None:
    assert json.loads(SCHEMA_PATH.read_text("utf-8")) == OFFICIAL
    assert OFFICIAL["$id"].startswith("https://raw.githubusercontent.com/139bercy/")


@pytest.mark.parametrize("year", [2026, 2027])
def test_decp_export_validates_against_the_official_schema(
        sample_register: Path, context: Context, year: int) -> None:
    register = open_register(sample_register, context)
    export = export_decp(register.records, year, context.legal, PUBLISHED)
    entries = export.document["marches"]["marche"]
    assert entries and export.exported
    assert schema_problems(export.document, OFFICIAL) == []
    for entry in entries:
        assert entry["dateNotification"].startswith(str(year))
        assert entry["datePublicationDonnees"] == "2028-01-15"
        assert entry["montant"] >= 1
    considered = {c for e in entries for c in e["considerationsSociales"]["considerationSociale"]}
    assert considered <= {"Clause sociale", "Critère social", "Marché réservé",
                          "Pas de considération sociale"}


def test_the_schema_check_is_real() -> None:
    broken = {"marches": {"marche": [{"id": "X"}]}}
    assert any("acheteur" in problem for problem in schema_problems(broken, OFFICIAL))


def _award_file(folder: Path) -> Path:
    for path in sorted(folder.rglob("*.json")):
        data = json.loads(path.read_text("utf-8"))
        if data["kind"] == "marche_public" and data.get("award") and \
                data["award"]["notification_date"].startswith("2027"):
            return path
    raise AssertionError("no contract notified in 2027")


def test_missing_datum_names_the_dossier_and_field(sample_register: Path, context: Context,
                                                   tmp_path: Path) -> None:
    folder = tmp_path / "registre"
    shutil.copytree(sample_register, folder)
    path = _award_file(folder)
    data = json.loads(path.read_text("utf-8"))
    del data["award"]["lots"][0]["offers_received"]
    data["award"]["lots"][0]["holders"][0]["siret"] = None
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    register = open_register(folder, context)
    export = export_decp(register.records, 2027, context.legal, PUBLISHED)
    (item,) = export.incomplete
    assert item.reference == data["tender"]["reference"]
    assert item.path == path.relative_to(folder).as_posix()
    assert any("award.lots.offers_received" in m for m in item.missing)
    assert any("award.lots.holders.siret" in m for m in item.missing)
    ids = [e["id"] for e in export.document["marches"]["marche"]]
    assert not any(i.startswith(item.reference) for i in ids)  # never half-filled
    assert schema_problems(export.document, OFFICIAL) == []


def test_index_rereads_only_changed_files(sample_register: Path, context: Context,
                                          tmp_path: Path) -> None:
    folder = tmp_path / "registre"
    shutil.copytree(sample_register, folder)
    index = tmp_path / "index.sqlite"
    first = open_register(folder, context, index)
    assert first.reread == 48
    again = open_register(folder, context, index)
    assert again.reread == 0 and again.records == first.records
    path = _award_file(folder)
    data = json.loads(path.read_text("utf-8"))
    data["title"] = "Titre modifié"
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    other = next(p for p in sorted(folder.rglob("*.json")) if p != path)
    other.unlink()
    changed = open_register(folder, context, index)
    assert changed.reread == 1
    assert len(changed.records) == 47
    assert changed.by_path(path.relative_to(folder).as_posix()).title == "Titre modifié"


def test_damaged_index_is_rebuilt_from_the_files(sample_register: Path, context: Context,
                                                 tmp_path: Path) -> None:
    index = tmp_path / "index.sqlite"
    index.write_bytes(b"ceci n'est pas une base SQLite" * 100)
    register = open_register(sample_register, context, index)
    assert len(register.records) == 48
    assert "reconstruit" in register.index_note
    with sqlite3.connect(index) as db:
        assert db.execute("SELECT count(*) FROM files").fetchone()[0] == 48


def test_report_and_spreadsheet(sample_register: Path, context: Context,
                                tmp_path: Path) -> None:
    register = open_register(sample_register, context)
    bilan = build_bilan(register, Scope(2027), {}, dt.date(2027, 12, 1))
    out = tmp_path / "bilan.docx"
    write_report(bilan, out, load_layout(DEFAULT_LAYOUT), Formats(), "Département")
    word = docx.Document(str(out))
    texts = [p.text for p in word.paragraphs]
    assert "Bilan annuel du SPASER" in texts
    assert not any(CHART_MARKER.format("")[:12] in t for t in texts)  # every chart placed
    assert len(word.inline_shapes) == 3
    assert word.core_properties.title == "Bilan annuel du SPASER"
    counted = [r.reference for r in bilan.counted if r.is_tender]
    table_text = "\n".join(c.text for t in word.tables for row in t.rows for c in row.cells)
    for reference in counted:
        assert reference in table_text
    assert "\u00a0€" in table_text  # French amounts
    sheet_path = tmp_path / "bilan.xlsx"
    write_spreadsheet(bilan, sheet_path)
    book = load_workbook(sheet_path)
    rows = list(book["Indicateurs"].iter_rows(min_row=2, values_only=True))
    by_id = {row[1]: row[2] for row in rows}
    assert by_id["marches_notifies"] == float(bilan.figure("marches_notifies").value or 0)
    assert book["Marchés et conventions"].max_row == len(bilan.counted) + 1


def test_report_opens_in_libreoffice(sample_register: Path, context: Context,
                                     tmp_path: Path) -> None:
    if not soffice() or not shutil.which("pdftotext"):
        if os.environ.get("CLAUSIER_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail("LibreOffice ou poppler absent (CLAUSIER_REQUIRE_LIBREOFFICE=1)")
        pytest.skip("LibreOffice absent")
    register = open_register(sample_register, context)
    bilan = build_bilan(register, Scope(2027), {}, dt.date(2027, 12, 1))
    out = tmp_path / "bilan.docx"
    write_report(bilan, out, load_layout(DEFAULT_LAYOUT), Formats(), "Département")
    pdf = convert_to_pdf(out, tmp_path / "pdf")
    assert pdf_pages(pdf) >= 5
    text = pdf_text(pdf)
    assert "Bilan annuel du SPASER" in text
    assert "Renouvellements à anticiper" in text


def test_commands(sample_register: Path, tmp_path: Path,
                  capsys: pytest.CaptureFixture[str]) -> None:
    index = ["--index", str(tmp_path / "index.sqlite")]
    assert main(["spaser", "indicators", str(sample_register), "--year", "2027",
                 "--format", "json", *index]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert {f["id"] for f in figures} >= {"part_sociale_nombre", "heures_realisees"}
    assert next(f for f in figures if f["id"] == "part_sociale_nombre")["target"] == "60"
    out = tmp_path / "decp.json"
    assert main(["decp", str(sample_register), "--year", "2027", "--out", str(out),
                 "--publication", "2028-01-15", *index]) == 0
    assert schema_problems(json.loads(out.read_text("utf-8")), OFFICIAL) == []
    assert main(["spaser", "report", str(sample_register), "--year", "2027", "--out",
                 str(tmp_path / "b.xlsx"), "--format", "xlsx", *index]) == 0
    assert (tmp_path / "b.xlsx").exists()
    assert main(["spaser", "renewals", str(sample_register), "--date", "2027-12-01",
                 *index]) == 0
    assert "fin le" in capsys.readouterr().out
    assert main(["spaser", "indicators", str(tmp_path / "absent"), *index]) == 2
    assert "Registre introuvable" in capsys.readouterr().err


def test_commands_report_unreadable_dossiers(sample_register: Path, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "registre"
    shutil.copytree(sample_register, folder)
    (folder / "casse.json").write_text('{"schema_version": 2, "kind": ', "utf-8")
    code = main(["spaser", "indicators", str(folder), "--year", "2027", "--index",
                 str(tmp_path / "i.sqlite")])
    assert code == 1
    err = capsys.readouterr().err
    assert "Dossier illisible, non compté : casse.json" in err
    assert "JSON incorrect" in err


def test_a_control_character_in_a_title_does_not_stop_the_spreadsheet(
        sample_register: Path, context: Context, tmp_path: Path) -> None:
    """A dossier title pasted with a control character: the cell holds the text without it."""
    import dataclasses

    register = open_register(sample_register, context)
    bilan = build_bilan(register, Scope(2027), {}, dt.date(2027, 12, 1))
    first, *rest = bilan.counted
    pasted = dataclasses.replace(first, title="Cantine\x01 scolaire\x1f")
    sheet_path = tmp_path / "bilan.xlsx"
    write_spreadsheet(dataclasses.replace(bilan, counted=(pasted, *rest)), sheet_path)
    titles = [row[2] for row in load_workbook(sheet_path)["Marchés et conventions"]
              .iter_rows(min_row=2, values_only=True)]
    assert "Cantine scolaire" in titles
