"""Where used: the saved dossiers that chose a clause, and the version they recorded."""

from __future__ import annotations

import json
from pathlib import Path

from drafting_app.dossier.storage import load_dossier, save_dossier
from drafting_app.review.where_used import stamp_versions, where_used
from tests.review_support import EXAMPLES, LIBRARY, load

CLAUSE = "lot-reserve-siae"


def _dossiers(tmp_path: Path) -> Path:
    """A buyer's folder: dossiers drafted with versions 1 and 2, an old one, and other files."""
    folder = tmp_path / "dossiers"
    (folder / "2026").mkdir(parents=True)
    (folder / ".git").mkdir()
    data = json.loads((EXAMPLES / "marche_espaces_verts.json").read_text(encoding="utf-8"))
    assert any(c["id"] == CLAUSE for c in data["clauses"])
    for name, version in (("2026/espaces_verts_v1.json", 1), ("espaces_verts_v2.json", 2),
                          ("ancien.json", None), (".git/cache.json", 1)):
        copy = json.loads(json.dumps(data))
        for chosen in copy["clauses"]:
            if chosen["id"] == CLAUSE and version is not None:
                chosen["version"] = version
        copy["title"] = f"Dossier {name}"
        (folder / name).write_text(json.dumps(copy, ensure_ascii=False), encoding="utf-8")
    (folder / "convention.json").write_text(
        (EXAMPLES / "convention_tiers_lieu.json").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "casse.json").write_text('{"schema_version": 1, "kind": "marche_public"',
                                       encoding="utf-8")
    (folder / "reglages.json").write_text('{"theme": "sombre"}', encoding="utf-8")
    return folder


def test_where_used_lists_dossiers_and_their_version(tmp_path: Path) -> None:
    report = where_used(CLAUSE, _dossiers(tmp_path), current_version=2)
    found = {u.path.name: u for u in report.usages}
    assert set(found) == {"espaces_verts_v1.json", "espaces_verts_v2.json", "ancien.json"}
    assert found["espaces_verts_v1.json"].version == 1
    assert found["espaces_verts_v1.json"].outdated
    assert not found["espaces_verts_v2.json"].outdated
    assert found["ancien.json"].version is None and found["ancien.json"].outdated
    assert "version en vigueur : 2, à signaler à l’acheteur" in (
        found["espaces_verts_v1.json"].describe())
    assert "à jour" in found["espaces_verts_v2.json"].describe()
    assert "version non enregistrée" in found["ancien.json"].describe()
    # the broken dossier is reported; settings files and hidden folders are not dossiers
    assert [p.name for p, _ in report.unreadable] == ["casse.json"]
    assert "JSON incorrect" in report.unreadable[0][1][0]
    assert report.scanned == 5


def test_a_recorded_version_survives_save_and_load(tmp_path: Path) -> None:
    library, _ = load(LIBRARY)
    dossier = load_dossier(EXAMPLES / "marche_espaces_verts.json")
    stamped = stamp_versions(dossier, library)
    expected = library.clauses[CLAUSE].meta.version
    assert {c.id: c.version for c in stamped.clauses}[CLAUSE] == expected
    path = tmp_path / "dossier.json"
    save_dossier(stamped, path)
    assert load_dossier(path) == stamped
    report = where_used(CLAUSE, tmp_path, current_version=expected)
    assert [u.version for u in report.usages] == [expected]
