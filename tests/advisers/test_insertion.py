"""Insertion-hours calculator: the guides' formula, per lot, feeding the insertion clause."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from drafting_app.advisers.insertion import (
    Inputs,
    InsertionError,
    compute,
    dossier_hours,
    labour_share_of,
    with_clause_values,
)
from drafting_app.checks.legal_data import InsertionData, load_insertion_data
from drafting_app.cli.main import EXIT_BAD_INPUT, EXIT_OK, main
from drafting_app.documents.text import blocks_to_text
from drafting_app.dossier.storage import load_dossier, save_dossier
from drafting_app.wording.library import Library
from drafting_app.wording.render import Formats, Renderer, make_environment
from tests.checks_support import TENDER, load_test_library, lots, subsidy, tender, with_top
from tests.conftest import LIBRARY


@pytest.fixture(scope="module")
def data() -> InsertionData:
    loaded, problems = load_insertion_data(LIBRARY)
    assert problems == [] and loaded is not None
    return loaded


@pytest.fixture(scope="module")
def library() -> Library:
    return load_test_library()


def test_worked_example_of_the_guides(data: InsertionData) -> None:
    share = labour_share_of(data, "maconnerie")
    result = compute(Decimal(1_000_000), Inputs(share, Decimal(5), Decimal(30)))
    assert share == 50 and result.hours == 833


def test_typical_shares_per_trade(data: InsertionData) -> None:
    assert labour_share_of(data, "peinture-interieure") == 70
    assert labour_share_of(data, "charpente-metallique") == 20
    assert labour_share_of(data, "35,5") == Decimal("35.5")
    with pytest.raises(InsertionError) as caught:
        labour_share_of(data, "plomberie")
    assert "ni un métier connu" in caught.value.problems[0]


def test_hours_per_lot_from_the_clause(data: InsertionData, library: Library) -> None:
    # the clean tender's insertion clause targets lot 1 at 70 %, 7 %, 30 €/h
    [lot1] = dossier_hours(tender(), library, data)
    assert (lot1.number, lot1.hours) == (1, 206)  # 126 000 × 70 % × 7 % ÷ 30


def test_hours_per_lot_with_their_own_trade(data: InsertionData, library: Library) -> None:
    d = with_top(tender(lots=lots("1000000", "400000")), clauses=[])
    results = dossier_hours(d, library, data, lot_shares={1: Decimal(50), 2: Decimal(70)})
    assert [(r.number, r.hours) for r in results] == [(1, 833), (2, 467)]
    with pytest.raises(InsertionError):
        dossier_hours(d, library, data, lot_shares={1: Decimal(50)})  # lot 2 has no share
    with pytest.raises(InsertionError):
        dossier_hours(d, library, data, lot_shares={9: Decimal(50)})
    with pytest.raises(InsertionError):
        dossier_hours(subsidy(), library, data)


def test_result_feeds_the_clause_rendering(data: InsertionData, library: Library) -> None:
    d = with_top(tender(lots=lots("1000000", "48000"), no_lots_reason=""),
                 clauses=TENDER["clauses"])
    updated = with_clause_values(d, library, Inputs(Decimal(50), Decimal(5), Decimal(30)), [1])
    assert updated.clauses[0].values["part_main_oeuvre"] == "50"
    assert updated.clauses[0].lots == (1,)
    assert dossier_hours(updated, library, data)[0].hours == 833
    clause = library.clause("insertion-condition-execution")
    assert clause is not None
    renderer = Renderer(library, make_environment(Formats()))
    text = blocks_to_text(renderer.render_clause(clause, updated, updated.clauses[0]))
    assert "| 833 heures" in text  # the CCAP prints what the calculator computed
    with pytest.raises(InsertionError):
        with_clause_values(with_top(d, clauses=[]), library, Inputs(Decimal(50), Decimal(5),
                                                                    Decimal(30)))


def test_insertion_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["insertion", "--montant", "1 000 000", "--metier", "maconnerie", "--taux", "5",
                 "--cout-horaire", "30"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "= 833 heures d’insertion" in out
    assert main(["insertion", "--metiers"]) == EXIT_OK
    assert "maconnerie" in capsys.readouterr().out
    path = tmp_path / "marche.json"
    save_dossier(with_top(tender(lots=lots("1000000", "48000"), no_lots_reason=""),
                          clauses=TENDER["clauses"]), path)
    assert main(["insertion", str(path), "--metier", "maconnerie", "--taux", "5",
                 "--enregistrer", "--format", "json"]) == EXIT_OK
    rows = json.loads(capsys.readouterr().out.split("\nValeurs")[0])
    assert rows == [{"lot": 1, "title": "Lot 1", "amount": "1000000", "labour_share": "50",
                     "insertion_rate": "5", "hourly_cost": "30", "hours": 833}]
    saved = load_dossier(path)
    assert saved.clauses[0].values["part_main_oeuvre"] == "50"
    assert saved.clauses[0].values["taux_insertion"] == "5"


def test_insertion_command_errors_in_french(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["insertion", "--montant", "beaucoup", "--metier", "50"]) == EXIT_BAD_INPUT
    assert "n’est pas un nombre" in capsys.readouterr().err
    assert main(["insertion", "--montant", "1000"]) == EXIT_BAD_INPUT
    assert "indiquez la part de main-d’œuvre" in capsys.readouterr().err
    path = tmp_path / "marche.json"
    save_dossier(with_top(tender(lots=lots("100000", "48000")), clauses=[]), path)
    assert main(["insertion", str(path), "--lot", "1=maconnerie", "--lot",
                 "2=peinture-interieure", "--enregistrer"]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "Calcul impossible" in err and "Traceback" not in err
