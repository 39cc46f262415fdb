"""Stale references: repealed texts and superseded thresholds, reported with file and line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from drafting_app.checks.legal_data import load_legal_data
from drafting_app.review.stale import (
    find_stale_references,
    scan_lines,
    superseded_amounts,
)
from drafting_app.wording.render import Formats
from tests.review_support import LIBRARY, copy_library, load

AFTER = dt.date(2026, 11, 23)
BEFORE = dt.date(2026, 3, 1)


def _plant(root: Path, clause_id: str, line: str) -> tuple[Path, int]:
    """Append a line to a clause's wording; its file and line number."""
    path = root / "clauses" / clause_id / "text.fr.md"
    text = path.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + line + "\n"
    path.write_text(text, encoding="utf-8")
    return path, text.count("\n")


def _scan(lines: list[str], day: dt.date = AFTER, metadata: bool = False) -> list[str]:
    legal, _ = load_legal_data(LIBRARY)
    amounts = superseded_amounts(legal, day)
    return [s.found for s in scan_lines(Path("x"), lines, amounts, metadata=metadata,
                                        formats=Formats())]




def test_planted_repealed_reference_is_reported_with_file_and_line(tmp_path: Path) -> None:
    root = copy_library(tmp_path)
    path, line = _plant(root, "lot-reserve-siae",
                        "En application de l’article 36 de l’ordonnance n° 2015-899 du "
                        "23 juillet 2015, le lot est réservé.")
    library, _ = load(root)
    legal, _ = load_legal_data(root)
    found = [s for s in find_stale_references(library, legal, AFTER) if s.path == path]
    assert len(found) == 1
    assert found[0].line == line
    assert found[0].found == "article 36 de l’ordonnance"
    problem = str(found[0].problem())
    assert problem.startswith(f"{path}:{line} : référence périmée « article 36 de l’ordonnance »")
    assert "L2113-12 à L2113-14" in problem


def test_repealed_texts_are_recognised() -> None:
    assert _scan(["Conformément à l’art. 37 de l’ordonnance relative aux marchés publics"]) == [
        "art. 37 de l’ordonnance"]
    assert _scan(["vu le décret n° 2016-360 du 25 mars 2016"]) == [
        "décret n° 2016-360 du 25 mars 2016"]
    assert _scan(["l’article 30 du Code des marchés publics"]) == ["Code des marchés publics"]
    assert _scan(["(art. 53 du CMP)"]) == ["CMP"]
    assert _scan(["l’ordonnance du 23 juillet 2015"]) == ["ordonnance du 23 juillet 2015"]


def test_current_texts_are_not_reported() -> None:
    assert _scan([
        "code de la commande publique, article L2113-13",
        "décret n° 2015-1157 du 17 septembre 2015 (commerce équitable)",
        "ordonnance n° 2018-1074 du 26 novembre 2018, article 36",
        "vocabulaire commun pour les marchés publics (CPV)",
        "l’article 36 du CCAG-FCS",
    ]) == []


def test_superseded_threshold_depends_on_the_date() -> None:
    line = ["Les marchés inférieurs à 40 000 € HT sont passés sans publicité."]
    assert _scan(line, BEFORE) == []
    assert _scan(line, AFTER) == ["40 000 €"]
    assert _scan(["40\u202f000,00\u00a0€", "40.000 euros", "40 k€", "{{ 40000 | money }}"]) == [
        "40\u202f000,00\u00a0€", "40.000 euros", "40 k€", "40000 | money"]
    assert _scan(["140 000 € HT", "1 240 000 €", "40 000 heures"]) == []


def test_threshold_message_cites_the_dated_data() -> None:
    legal, _ = load_legal_data(LIBRARY)
    amounts = superseded_amounts(legal, AFTER)
    found = list(scan_lines(Path("x"), ["moins de 40 000 €"], amounts, metadata=False,
                            formats=Formats()))
    message = found[0].message
    assert "60\u202f000,00\u00a0€ HT depuis le 1er avril 2026" in message
    assert "R2122-8" in message


def test_still_valid_uses_and_explained_history_are_not_reported() -> None:
    # 40 000 € HT remains the threshold of the données essentielles (R2196-1)
    assert _scan(["publication des données essentielles dès 40 000 € HT"]) == []
    # a note to the buyer may explain the change; the wording may not
    note = ["le seuil est passé de 40 000 € à 60 000 € HT le 1er avril 2026"]
    assert _scan(note, metadata=True) == []
    assert _scan(note, metadata=False) == ["40 000 €"]
    history = ["l’ancien article 36 de l’ordonnance de 2015 relative aux marchés publics"]
    assert _scan(history, metadata=True) == []
    assert _scan(history, metadata=False) != []


def test_obsolete_clauses_are_not_scanned(tmp_path: Path) -> None:
    root = copy_library(tmp_path)
    path, _ = _plant(root, "lot-reserve-siae", "Voir le Code des marchés publics.")
    meta = path.parent / "clause.toml"
    text = meta.read_text(encoding="utf-8")
    status_line = next(line for line in text.splitlines() if line.startswith("status = "))
    meta.write_text(text.replace(status_line, 'status = "obsolète"'), encoding="utf-8")
    library, _ = load(root)
    legal, _ = load_legal_data(root)
    assert [s for s in find_stale_references(library, legal, AFTER) if s.path == path] == []


def test_the_shipped_library_cites_no_stale_reference() -> None:
    library, _ = load(LIBRARY)
    legal, _ = load_legal_data(LIBRARY)
    found = find_stale_references(library, legal, AFTER)
    assert found == [], "\n".join(str(s.problem()) for s in found)
