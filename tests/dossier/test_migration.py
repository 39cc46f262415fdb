"""Schema versions: the six shipped schema 1 examples load unchanged, migrate, and save as 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drafting_app.dossier.model import SCHEMA_VERSION, Dossier
from drafting_app.dossier.storage import (
    DossierError,
    dossier_json,
    load_dossier,
    migrate,
    save_dossier,
)
from tests.conftest import EXAMPLES

SHIPPED = sorted(EXAMPLES.glob("*.json"))

AWARD = {
    "notification_date": "2027-04-02",
    "service": "Direction de l’éducation",
    "price_kind": "unitaire",
    "lots": [{"lot": 1, "amount": "112000.00", "offers_received": 3,
              "subcontracting_declared": False,
              "holders": [{"name": "Régie de quartier Layon", "siret": "44306184100047",
                           "kind": "siae"}]}],
    "execution": [{"year": 2027, "amount_spent": "80000.00", "insertion_hours": "410",
                   "egalim_amount": "41000.00", "comment": "bilan du facilitateur"}],
}


def assert_contains(dumped: object, raw: object, where: str) -> None:
    """Every key and value of `raw` is in `dumped` (which may have more keys)."""
    if isinstance(raw, dict):
        assert isinstance(dumped, dict), where
        for key, value in raw.items():
            if key != "schema_version":
                assert key in dumped, f"{where}.{key}"
                assert_contains(dumped[key], value, f"{where}.{key}")
    elif isinstance(raw, list):
        assert isinstance(dumped, list) and len(dumped) == len(raw), where
        for index, (a, b) in enumerate(zip(dumped, raw, strict=True)):
            assert_contains(a, b, f"{where}[{index}]")
    else:
        assert dumped == raw, f"{where}: {dumped!r} != {raw!r}"


def test_six_examples_are_schema_1_as_shipped() -> None:
    assert len(SHIPPED) == 6
    for path in SHIPPED:
        assert json.loads(path.read_text(encoding="utf-8"))["schema_version"] == 1, path.name


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_schema_1_example_loads_unchanged_and_saves_as_2(path: Path, tmp_path: Path) -> None:
    raw = json.loads(path.read_text(encoding="utf-8"))
    dossier = load_dossier(path)
    assert dossier.schema_version == SCHEMA_VERSION == 2
    assert dossier.award is None
    # every value of the schema 1 file comes through as written (defaults are added)
    assert_contains(dossier.model_dump(mode="json"), raw, "")
    saved = tmp_path / path.name
    save_dossier(dossier, saved)
    again = json.loads(saved.read_text(encoding="utf-8"))
    assert again["schema_version"] == 2
    assert again["award"] is None
    assert load_dossier(saved) == dossier
    assert dossier_json(load_dossier(saved)) == saved.read_text(encoding="utf-8")


def test_migrate_raises_version_one_step_at_a_time() -> None:
    data = {"schema_version": 1, "kind": "cpo", "title": "x"}
    assert migrate(data) == {"schema_version": 2, "kind": "cpo", "title": "x"}
    assert data["schema_version"] == 1  # the caller's data is not modified
    assert migrate({"schema_version": 2})["schema_version"] == 2


def test_newer_schema_is_refused_in_french(tmp_path: Path) -> None:
    raw = json.loads(SHIPPED[0].read_text(encoding="utf-8"))
    raw["schema_version"] = 3
    path = tmp_path / "futur.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(DossierError) as caught:
        load_dossier(path)
    assert "version plus récente de Clausier (schéma 3" in caught.value.problems[0]


def test_award_round_trips(tmp_path: Path) -> None:
    raw = json.loads((EXAMPLES / "marche_restauration_collective.json").read_text("utf-8"))
    raw["award"] = AWARD
    path = tmp_path / "attribue.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    dossier = load_dossier(path)
    assert dossier.award is not None
    assert dossier.award.lots[0].holders[0].kind.value == "siae"
    save_dossier(dossier, path)
    assert load_dossier(path) == dossier


@pytest.mark.parametrize(("change", "field", "words"), [
    (lambda a: a["lots"][0].update(lot=9), "award.lots[0].lot", "n’existe pas"),
    (lambda a: a["lots"][0]["holders"].append({"name": "B", "kind": "pme"}), "award.lots[0]",
     "montant de chacun"),
    (lambda a: a["execution"].append({"year": 2027}), "award.execution", "deux fois"),
    (lambda a: a["lots"][0]["holders"][0].update(siret="123"), "award.lots[0].holders[0].siret",
     ""),
])
def test_bad_award_is_named_in_french(tmp_path: Path, change: object, field: str,
                                      words: str) -> None:
    raw = json.loads((EXAMPLES / "marche_restauration_collective.json").read_text("utf-8"))
    award = json.loads(json.dumps(AWARD))
    change(award)  # type: ignore[operator]
    raw["award"] = award
    path = tmp_path / "faux.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(DossierError) as caught:
        load_dossier(path)
    text = " ".join(caught.value.problems)
    assert field in text
    assert words in text


def test_model_accepts_schema_1_built_in_memory() -> None:
    raw = json.loads(SHIPPED[0].read_text(encoding="utf-8"))
    assert Dossier.model_validate(raw).schema_version == 2
