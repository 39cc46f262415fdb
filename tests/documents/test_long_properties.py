"""Long titles, objects, references and buyer names: properties shortened, the text whole."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drafting_app.cli.main import EXIT_OK, main
from drafting_app.documents.docx.package import MAX_PROPERTY_LENGTH, property_text
from tests.docx_helpers import reopen
from tests.robust_support import example_data

OBJECT = ("Marché de services d’entretien, de fauchage raisonné, de taille douce et de gestion "
          "différenciée des espaces verts, des cimetières paysagers, des bassins de rétention et "
          "des abords des équipements sportifs de la commune, avec insertion par l’activité")
BUYER = ("Syndicat intercommunal à vocation multiple pour l’aménagement, l’entretien et la "
         "valorisation des espaces naturels, des berges et des sentiers de randonnée des "
         "communes riveraines de la vallée de la Loire entre Saumur et Angers, et de ses "
         "affluents du Layon, de l’Aubance et du Thouet")


def test_property_text_is_shortened_with_an_ellipsis() -> None:
    assert property_text("court") == "court"
    long = "a" * 300
    short = property_text(long)
    assert len(short) == MAX_PROPERTY_LENGTH and short.endswith("…")
    assert property_text("é" * 255) == "é" * 255


def test_long_user_texts_generate_and_stay_whole_in_the_document(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = example_data()
    assert len(OBJECT) > 160 and len(BUYER) > 255
    data["tender"]["object"] = OBJECT
    data["tender"]["reference"] = "2027-EV-" + "0" * 300
    data["buyer"]["name"] = BUYER
    for lot in data["tender"]["lots"]:
        lot["title"] = OBJECT
    path = tmp_path / "long.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["generate", str(path), "--out", str(out)]) == EXIT_OK, capsys.readouterr().err
    files = sorted(out.glob("*.docx"))
    assert files
    for file in files:
        assert len(file.name.encode()) < 120  # a long reference makes no overlong file name
        word = reopen(file)
        properties = word.core_properties
        for value in (properties.title, properties.subject, properties.author,
                      properties.keywords, properties.last_modified_by):
            assert len(value) <= MAX_PROPERTY_LENGTH
        assert properties.author.endswith("…") and BUYER.startswith(properties.author[:-1])
        body = "\n".join(p.text for p in word.paragraphs)
        header = "\n".join(p.text for s in word.sections for p in s.header.paragraphs)
        assert OBJECT in body  # the title page keeps the whole object
        assert BUYER in body + header
