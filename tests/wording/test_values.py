"""Clause values: typed, checked, and taken from the dossier field they are tied to."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from drafting_app.checks import load_legal_data, run_checks
from drafting_app.documents.text import blocks_to_text
from drafting_app.dossier.model import Dossier
from drafting_app.dossier.storage import load_dossier
from drafting_app.wording.library import Library, load_library
from drafting_app.wording.model import Variable, VariableType
from drafting_app.wording.render import Formats, Renderer, make_environment
from drafting_app.wording.values import (
    NumberError,
    coerce_value,
    dossier_value,
    field_path_exists,
    parse_number,
    read_number,
)
from tests.conftest import EXAMPLES, LIBRARY


def tender_with(advance: str | None, clause_rate: str | None) -> Dossier:
    data = json.loads((EXAMPLES / "marche_espaces_verts.json").read_text(encoding="utf-8"))
    data["tender"]["advance_rate"] = advance
    data["tender"]["advance_rate_sme"] = "30"
    values = {"taux_avance": clause_rate} if clause_rate is not None else {}
    data["clauses"] = [{"id": "pme-avance", "values": values, "lots": []}]
    return Dossier.model_validate(data)


def test_paths() -> None:
    dossier = load_dossier(EXAMPLES / "marche_espaces_verts.json")
    assert dossier_value(dossier, "tender.reference") == "2026-EV-014"
    assert dossier_value(dossier, "subsidy.annual_amount") is None
    assert field_path_exists(Dossier, "tender.advance_rate")
    assert field_path_exists(Dossier, "subsidy.association.rna")
    assert not field_path_exists(Dossier, "tender.avance")


def test_an_empty_clause_value_takes_the_dossier_field(renderer: Renderer) -> None:
    clause = renderer.library.clause("pme-avance")
    assert clause is not None
    dossier = tender_with("15", None)
    chosen = dossier.clauses[0]
    text = blocks_to_text(renderer.render_clause(clause, dossier, chosen))
    assert "15\u00a0%" in text
    other = blocks_to_text(renderer.render_clause(clause, tender_with("20", None), chosen))
    assert "20\u00a0%" in other and "15\u00a0%" not in other


def test_two_different_figures_are_flagged(library: Library) -> None:
    legal, _ = load_legal_data(LIBRARY)
    findings = {f.code: f for f in run_checks(tender_with("15", "20"), library, legal)}
    warning = findings["VALEUR_DIVERGENTE"]
    assert warning.field == "clauses[0].values.taux_avance"
    assert "tender.advance_rate" in warning.message
    same = {f.code for f in run_checks(tender_with("20", "20"), library, legal)}
    assert "VALEUR_DIVERGENTE" not in same


def test_unknown_dossier_field_is_reported_with_its_line(tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "lib"
    shutil.copytree(LIBRARY, root)
    meta = root / "clauses" / "pme-avance" / "clause.toml"
    text = meta.read_text(encoding="utf-8")
    meta.write_text(text.replace('"tender.advance_rate"', '"tender.avance"', 1), encoding="utf-8")
    _, problems = load_library(root, make_environment(Formats()))
    (problem,) = problems
    assert "champ du dossier inconnu « tender.avance »" in problem.message
    lines = meta.read_text(encoding="utf-8").splitlines()
    assert lines[problem.line - 1] == 'dossier_field = "tender.avance"'  # type: ignore[operator]


@pytest.mark.parametrize("rate", [Decimal("5"), Decimal("30")])
def test_bounds_still_apply_to_dossier_values(renderer: Renderer, rate: Decimal) -> None:
    clause = renderer.library.clause("pme-avance")
    assert clause is not None
    dossier = tender_with(str(rate), None)
    _, problems = renderer.clause_context(clause, dossier, dossier.clauses[0])
    assert problems == []


@pytest.mark.parametrize(("typed", "number"), [
    ("30 000", "30000"), ("30.000", "30000"), ("30\u202f000,00 €", "30000.00"),
    ("1.234.567", "1234567"), ("1.234,50", "1234.50"), ("30,5", "30.5"), ("30.5", "30.5"),
    ("0,125", "0.125"), ("0.500", "0.500"), ("150000.00", "150000.00"), ("5 %", "5"),
    ("-2,5", "-2.5"), ("12'500", "12500"),
])
def test_numbers_as_the_french_type_them(typed: str, number: str) -> None:
    assert read_number(typed) == Decimal(number)
    assert parse_number(typed) == Decimal(number)


@pytest.mark.parametrize(("typed", "advice"), [
    ("30,000", "écrivez « 30\u202f000 » ou « 30 »"),
    ("1,234.50", "écrivez « 1\u202f234,50 »"),
    ("1,234,567", "écrivez « 1\u202f234\u202f567 »"),
])
def test_an_ambiguous_number_is_refused_with_advice(typed: str, advice: str) -> None:
    with pytest.raises(NumberError) as caught:
        read_number(typed)
    assert caught.value.ambiguous and f"« {typed} » est ambigu" in caught.value.message
    assert advice in caught.value.message
    assert parse_number(typed) is None  # never 30,00 €
    variable = Variable(name="montant", type=VariableType.MONEY, label="Montant")
    assert coerce_value(variable, typed) == (None, caught.value.message)


def test_what_is_not_a_number() -> None:
    for typed in ("trente", "1.2.3", "1,5.3", "12 500,00 $"):
        with pytest.raises(NumberError) as caught:
            read_number(typed)
        assert not caught.value.ambiguous
    assert read_number("  ") is None


def test_the_command_line_reads_numbers_the_same_way(capsys: pytest.CaptureFixture[str]) -> None:
    from drafting_app.cli.main import main

    assert main(["insertion", "--montant", "1.000.000", "--metier", "maconnerie",
                 "--taux", "5"]) == 0
    assert "833" in capsys.readouterr().out
    assert main(["insertion", "--montant", "1,000", "--metier", "maconnerie",
                 "--taux", "5"]) == 2
    assert "« 1,000 » n’est pas un nombre" in capsys.readouterr().err
