"""Contracting-mode advisor: the recommendation, its reasons and articles, saved answers."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from drafting_app.advisers.contracting_mode import QUESTIONS, Mode, advise, is_answered
from drafting_app.checks import LegalData, load_legal_data
from drafting_app.cli.main import EXIT_BAD_INPUT, EXIT_OK, main
from drafting_app.dossier.model import AdvisorAnswers, DossierKind
from drafting_app.dossier.storage import load_dossier, save_dossier
from tests.checks_support import backed_citations, subsidy, with_top
from tests.conftest import LIBRARY

DAY = dt.date(2027, 1, 1)
SUBSIDY = {"initiative": "association", "authority_defines_need": False,
           "price_for_service_received": False, "public_service_mission": False}


@pytest.fixture(scope="module")
def legal() -> LegalData:
    data, problems = load_legal_data(LIBRARY)
    assert problems == []
    return data


def answers(**values: Any) -> AdvisorAnswers:
    return AdvisorAnswers.model_validate(values)


@pytest.mark.parametrize(
    ("values", "mode"),
    [
        ({**SUBSIDY, "multi_year": False}, Mode.SUBSIDY),
        ({**SUBSIDY, "multi_year": True}, Mode.CPO),
        ({**SUBSIDY, "initiative": "co_construction", "multi_year": True}, Mode.CPO),
        ({**SUBSIDY, "price_for_service_received": True}, Mode.PUBLIC_CONTRACT),
        ({"price_for_service_received": True}, Mode.PUBLIC_CONTRACT),
        ({**SUBSIDY, "initiative": "collectivite", "authority_defines_need": True},
         Mode.PUBLIC_CONTRACT),
        ({**SUBSIDY, "public_service_mission": True}, Mode.SIEG),
        ({**SUBSIDY, "authority_defines_need": True}, Mode.UNDECIDED),
        ({"initiative": "association"}, Mode.UNDECIDED),
        ({}, Mode.UNDECIDED),
    ],
)
def test_recommendation(legal: LegalData, values: dict[str, Any], mode: Mode) -> None:
    advice = advise(answers(**values), legal, DAY)
    assert advice.mode is mode
    assert advice.reasons


def test_reasons_cite_the_law(legal: LegalData) -> None:
    backed = backed_citations()
    for values in ({**SUBSIDY, "multi_year": True}, {"price_for_service_received": True},
                   {"public_service_mission": True}):
        advice = advise(answers(**values), legal, DAY)
        assert all(r.reference in backed for r in advice.reasons), advice.reasons
    contract = advise(answers(price_for_service_received=True), legal, DAY)
    assert {r.reference for r in contract.reasons} == {
        "loi n° 2000-321 du 12 avril 2000 art. 9-1", "CCP art. L1100-1"}
    cpo = advise(answers(**SUBSIDY, multi_year=True), legal, DAY)
    assert any("4 ans" in r.text for r in cpo.reasons)
    assert any("23\u202f000,00\u00a0€" in r.text for r in cpo.reasons)
    sieg = advise(answers(public_service_mission=True), legal, DAY)
    assert any("À vérifier" in r.text for r in sieg.reasons)  # art. 4 contents are [U]


def test_subsidy_initiated_by_the_authority_comes_with_a_caution(legal: LegalData) -> None:
    advice = advise(answers(**{**SUBSIDY, "initiative": "collectivite"}, multi_year=False),
                    legal, DAY)
    assert advice.mode is Mode.SUBSIDY
    assert "appel à projets" in advice.cautions[0]


def test_unanswered_questions_and_kinds(legal: LegalData) -> None:
    advice = advise(answers(initiative="association"), legal, DAY)
    assert [q.field for q in advice.unanswered] == [q.field for q in QUESTIONS[1:]]
    assert not is_answered(AdvisorAnswers()) and is_answered(answers(multi_year=True))
    assert advise(answers(**SUBSIDY, multi_year=True), legal, DAY).dossier_kind is DossierKind.CPO
    data = advise(answers(price_for_service_received=True), legal, DAY).as_dict()
    assert data["mode"] == "marche_public" and data["reasons"][0]["reference"]


def test_advise_command_saves_the_answers(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "subvention.json"
    save_dossier(subsidy(), path)
    status = main(["advise", str(path), "--initiative", "association", "--besoin-defini", "non",
                   "--prix", "non", "--mission-service-public", "non", "--pluriannuel", "oui",
                   "--enregistrer"])
    out = capsys.readouterr().out
    assert status == EXIT_OK
    assert "Conseil : subvention pluriannuelle" in out
    assert "(loi n° 2000-321 du 12 avril 2000 art. 9-1)" in out
    saved = load_dossier(path)
    assert saved.advisor.multi_year is True and saved.advisor.initiative is not None
    # a later run starts from the saved answers; one changed answer changes the advice
    assert main(["advise", str(path), "--prix", "oui", "--format", "json"]) == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert data["advice"]["mode"] == "marche_public"
    assert data["answers"]["multi_year"] is True
    assert load_dossier(path).advisor.price_for_service_received is False  # not saved


def test_advise_command_lists_open_questions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["advise", "--initiative", "association"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "Conseil : montage à analyser" in out
    assert "--prix oui|non" in out


def test_advise_command_refuses_to_save_without_a_dossier(
    capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["advise", "--prix", "oui", "--enregistrer"]) == EXIT_BAD_INPUT
    assert "demande un fichier dossier" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exited:
        main(["advise", "--prix", "peut-être"])
    assert exited.value.code == EXIT_BAD_INPUT
    assert "choix invalide" in capsys.readouterr().err


def test_dossier_with_answers_round_trips(tmp_path: Path) -> None:
    d = with_top(subsidy(), advisor={**SUBSIDY, "multi_year": True})
    path = tmp_path / "d.json"
    save_dossier(d, path)
    assert load_dossier(path).advisor == d.advisor
