"""Dossier files: round trip, atomic save, and a French message for every kind of bad file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from drafting_app.dossier.model import Dossier
from drafting_app.dossier.storage import DossierError, dossier_json, load_dossier, save_dossier
from tests.conftest import EXAMPLES

TENDER = EXAMPLES / "marche_espaces_verts.json"
SUBSIDY = EXAMPLES / "convention_tiers_lieu.json"


def write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "dossier.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def example_data() -> dict:  # type: ignore[type-arg]
    return json.loads(TENDER.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def problems_of(path: Path) -> list[str]:
    with pytest.raises(DossierError) as caught:
        load_dossier(path)
    assert caught.value.path == path
    return caught.value.problems


@pytest.mark.parametrize("example", [TENDER, SUBSIDY])
def test_examples_round_trip(tmp_path: Path, example: Path) -> None:
    dossier = load_dossier(example)
    saved = tmp_path / "copie.json"
    save_dossier(dossier, saved)
    assert load_dossier(saved) == dossier
    assert dossier_json(load_dossier(saved)) == saved.read_text(encoding="utf-8")


def test_user_text_is_kept_exactly(tmp_path: Path) -> None:
    data = example_data()
    data["tender"]["object"] = "Dupont & Fils <SARL> « l’été » **x** {{ y }} 1 234,56 €"
    dossier = Dossier.model_validate(data)
    path = tmp_path / "d.json"
    save_dossier(dossier, path)
    assert load_dossier(path).tender.object == data["tender"]["object"]  # type: ignore[union-attr]
    assert "« l’été »" in path.read_text(encoding="utf-8")  # readable UTF-8, not \u escapes


def test_save_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dossier = load_dossier(TENDER)
    path = tmp_path / "d.json"
    save_dossier(dossier, path)
    before = path.read_bytes()

    def crash(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        save_dossier(dossier.model_copy(update={"title": "Autre titre"}), path)
    assert path.read_bytes() == before  # the previous save is intact
    assert [p.name for p in tmp_path.iterdir()] == ["d.json"]  # no temporary file left


def test_malformed_json_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    path.write_text('{\n  "schema_version": 1,\n  "kind": \n}', encoding="utf-8")
    (message,) = problems_of(path)
    assert message.startswith("ligne 4, colonne 1 : JSON incorrect")


def test_wrong_field_names_its_path_in_french(tmp_path: Path) -> None:
    data = example_data()
    data["tender"]["lots"][1]["estimated_amount"] = "beaucoup"
    data["buyer"]["siret"] = "123"
    data["tender"]["procedure"] = "gré à gré"
    problems = problems_of(write(tmp_path, data))
    joined = "\n".join(problems)
    assert "« tender.lots[1].estimated_amount » : un nombre est attendu" in joined
    assert "« buyer.siret » : format incorrect" in joined
    assert "« tender.procedure » : valeur inconnue ; valeurs possibles" in joined
    assert len(problems) == 3


def test_unknown_key_is_refused(tmp_path: Path) -> None:
    data = example_data()
    data["buyer"]["telephone"] = "02 41 00 00 00"
    (message,) = problems_of(write(tmp_path, data))
    assert message == "« buyer.telephone » : clé inconnue : supprimez-la ou corrigez son nom"


def test_kind_and_parts_must_match(tmp_path: Path) -> None:
    data = example_data()
    data["tender"] = None
    (message,) = problems_of(write(tmp_path, data))
    assert "un dossier de marché public doit avoir une partie « tender »" in message


def test_newer_schema_asks_for_an_update(tmp_path: Path) -> None:
    data = example_data()
    data["schema_version"] = 9
    (message,) = problems_of(write(tmp_path, data))
    assert "version plus récente de Clausier" in message


def test_not_a_dossier(tmp_path: Path) -> None:
    assert "schema_version" in problems_of(write(tmp_path, {"a": 1}))[0]
    assert "objet JSON" in problems_of(write(tmp_path, [1, 2]))[0]
    binary = tmp_path / "image.json"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    assert "UTF-8" in problems_of(binary)[0]
    assert "introuvable" in problems_of(tmp_path / "absent.json")[0]


# --------------------------------------------------------------------------- hostile files


def test_json_errors_are_french(tmp_path: Path) -> None:
    cases = {
        '{"schema_version": 1,}': "nom de clé entre guillemets",
        '{"schema_version": 1 "kind": 2}': "« , » attendue entre deux éléments",
        '{"schema_version" 1}': "« : » attendu après le nom de la clé",
        '{"title": "sans fin}': "texte sans guillemet fermant",
        '{"schema_version": 1} en trop': "texte en trop après la fin du dossier",
        '{"a": "\\q"}': "barre oblique inverse",
        '': "valeur attendue",
    }
    for text, expected in cases.items():
        path = tmp_path / "d.json"
        path.write_text(text, encoding="utf-8")
        (message,) = problems_of(path)
        assert "JSON incorrect : " + expected in message, (text, message)
        assert "Expecting" not in message and "delimiter" not in message


def test_an_integer_of_thousands_of_digits_names_its_field(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    text = json.dumps(example_data()).replace('"duration_months": 36',
                                              '"duration_months": ' + "9" * 5000)
    assert "9" * 5000 in text
    path.write_text(text, encoding="utf-8")
    (message,) = problems_of(path)
    assert message == ("« tender.duration_months » : nombre de 5000 chiffres, beaucoup trop "
                       "grand : corrigez la valeur")


@pytest.mark.parametrize("depth", [100, 100_000])
def test_deeply_nested_json_is_refused(tmp_path: Path, depth: int) -> None:
    data = example_data()
    path = tmp_path / "d.json"
    nested = "[" * depth + "]" * depth
    text = json.dumps(data).replace('"clauses": [', f'"clauses": [{{"id": "x", "values": '
                                    f'{{"v": {nested}}}}}, ', 1)
    path.write_text(text, encoding="utf-8")
    (message,) = problems_of(path)
    assert "imbriquées sur plus de 32 niveaux" in message


@pytest.mark.skipif(os.name != "posix", reason="FIFOs and devices are POSIX")
def test_special_files_are_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "tube.json"
    os.mkfifo(fifo)  # reading it would wait for a writer for ever
    assert "tube nommé (FIFO), pas un fichier ordinaire" in problems_of(fifo)[0]
    with pytest.raises(DossierError) as caught:
        load_dossier(Path("/dev/zero"))  # reading it would fill the memory
    assert "périphérique" in caught.value.problems[0]
    assert "dossier, pas un fichier" in problems_of(tmp_path)[0]


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "enorme.json"
    with path.open("wb") as handle:
        handle.truncate(64 * 1024 * 1024)
    (message,) = problems_of(path)
    assert message.startswith("fichier trop volumineux (64,0 Mo ; au plus 16,0 Mo)")


def test_the_app_gets_the_data_of_an_invalid_dossier_only(tmp_path: Path) -> None:
    data = example_data()
    data["tender"]["duration_months"] = 0
    with pytest.raises(DossierError) as caught:
        load_dossier(write(tmp_path, data))
    assert caught.value.data is not None  # opened as an incomplete draft
    assert caught.value.data["tender"] == data["tender"]
    broken = tmp_path / "casse.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(DossierError) as caught:
        load_dossier(broken)
    assert caught.value.data is None  # nothing to open
