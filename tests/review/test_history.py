"""Review decisions recorded in the clause's own clause.toml, as diffable text."""

from __future__ import annotations

import difflib
import tomllib
from pathlib import Path

import pytest

from drafting_app.review.clause_files import ReviewError, parse_meta, toml_string
from drafting_app.review.history import describe_history, record_review, review_files
from drafting_app.review.shared import SaveOutcome
from drafting_app.review.versions import check_versions, list_versions
from drafting_app.wording.model import ClauseStatus, ReferenceEntry, ReferenceIndex, ReferenceStatus
from tests.review_support import NOW, copy_clause, only_clause, opened


def _index(status: ReferenceStatus, clause_folder: Path) -> ReferenceIndex:
    meta = opened(clause_folder).meta
    return ReferenceIndex(references=tuple(
        ReferenceEntry(text=r.text, status=status, facts="§ test", articles=(r.article,))
        for r in meta.references))


def test_validation_changes_one_line_and_appends_the_review(tmp_path: Path) -> None:
    folder = copy_clause(tmp_path)
    before = (folder / "clause.toml").read_text(encoding="utf-8")
    result = record_review(opened(folder), ClauseStatus.VALIDATED, "Marie Dupont", NOW,
                           "Conforme à l’article « R2113-7 ».\nVoir la note.")
    assert result.outcome is SaveOutcome.SAVED
    after = (folder / "clause.toml").read_text(encoding="utf-8")
    changed = [line for line in difflib.ndiff(before.splitlines(), after.splitlines())
               if line.startswith(("- ", "+ "))]
    # a reviewer reading the git diff sees the status line and the new [[history]] block only
    assert changed[0].startswith("- status = ")
    assert changed[1] == '+ status = "validé"'
    assert all(line.startswith("+ ") for line in changed[2:])
    assert "+ [[history]]" in changed
    meta = parse_meta(after, folder / "clause.toml")
    assert meta.status is ClauseStatus.VALIDATED
    entry = meta.history[-1]
    assert (entry.who, entry.when, entry.decision, entry.version) == (
        "Marie Dupont", NOW.date(), ClauseStatus.VALIDATED, meta.version)
    assert entry.comment == "Conforme à l’article « R2113-7 ».\nVoir la note."
    # the validated version is frozen beside the clause, and the loader still reads the folder
    frozen = folder / "versions" / str(meta.version)
    assert (frozen / "text.fr.md").read_text(encoding="utf-8") == (
        folder / "text.fr.md").read_text(encoding="utf-8")
    assert tomllib.loads((frozen / "clause.toml").read_text(encoding="utf-8"))["status"] == "validé"
    clause, _ = only_clause(folder)
    assert clause is not None and clause.meta.status is ClauseStatus.VALIDATED
    assert check_versions([clause]) == []


def test_a_draft_cannot_be_validated_without_review(tmp_path: Path) -> None:
    folder = copy_clause(tmp_path)
    record_review(opened(folder), ClauseStatus.DRAFT, "Paul Martin", NOW, "à reprendre")
    with pytest.raises(ReviewError) as caught:
        review_files(opened(folder), ClauseStatus.VALIDATED, "Marie Dupont", NOW.date())
    assert "ne peut pas passer à « validé »" in caught.value.problems[0]
    assert "« à valider »" in caught.value.problems[0]


def test_an_unverified_reference_blocks_validation(tmp_path: Path) -> None:
    folder = copy_clause(tmp_path)
    index = _index(ReferenceStatus.TO_CHECK, folder)
    with pytest.raises(ReviewError) as caught:
        review_files(opened(folder), ClauseStatus.VALIDATED, "Marie Dupont", NOW.date(),
                     references=index)
    assert "n’est pas vérifiée" in caught.value.problems[0]
    verified = _index(ReferenceStatus.VERIFIED, folder)
    files = review_files(opened(folder), ClauseStatus.VALIDATED, "Marie Dupont", NOW.date(),
                         references=verified)
    assert "clause.toml" in files


def test_reviewer_name_is_required(tmp_path: Path) -> None:
    folder = copy_clause(tmp_path)
    with pytest.raises(ReviewError, match="nom du relecteur"):
        review_files(opened(folder), ClauseStatus.VALIDATED, "  ", NOW.date())


def test_toml_strings_survive_quotes_backslashes_and_control_characters() -> None:
    for value in ('a "b" \\ c', "ligne 1\nligne 2 \"\"\" fin", "tab\tici", "«\u202fé\u202f»"):
        assert tomllib.loads(f"x = {toml_string(value)}")["x"] == value


def test_history_lists_versions_and_decisions(tmp_path: Path) -> None:
    folder = copy_clause(tmp_path)
    record_review(opened(folder), ClauseStatus.VALIDATED, "Marie Dupont", NOW, "conforme")
    lines = describe_history(folder, "bibliothèque intégrée")
    assert "statut : validé — bibliothèque intégrée" in lines[1]
    assert any("validé" in line and "Marie Dupont — conforme" in line for line in lines)
    assert [v.number for v in list_versions(folder)] == [opened(folder).meta.version]
