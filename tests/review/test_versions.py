"""Versions: editing a validated clause makes a new version; earlier versions stay readable."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafting_app.review.clause_files import ReviewError, set_top_level_key
from drafting_app.review.history import record_review
from drafting_app.review.shared import SaveOutcome, save_files
from drafting_app.review.versions import (
    check_versions,
    edit_files,
    list_versions,
    new_version_files,
    read_version,
    save_edit,
)
from drafting_app.wording.model import ClauseStatus
from tests.review_support import LATER, NOW, copy_clause, copy_library, load, only_clause, opened

NEW_SENTENCE = "Le titulaire conserve les justificatifs pendant toute la durée du marché."


def _validated(tmp_path: Path) -> Path:
    folder = copy_clause(tmp_path)
    record_review(opened(folder), ClauseStatus.VALIDATED, "Marie Dupont", NOW, "conforme")
    return folder


def test_editing_a_validated_clause_makes_a_new_version_to_review(tmp_path: Path) -> None:
    folder = _validated(tmp_path)
    before = opened(folder)
    result = save_edit(before, "Paul Martin", LATER, text=before.text + "\n" + NEW_SENTENCE + "\n")
    assert result.outcome is SaveOutcome.SAVED
    after = opened(folder)
    assert after.meta.version == before.meta.version + 1
    assert after.meta.status is ClauseStatus.TO_REVIEW
    entry = after.meta.history[-1]
    assert (entry.who, entry.decision, entry.version) == (
        "Paul Martin", ClauseStatus.TO_REVIEW, after.meta.version)
    assert "versions/" in entry.comment
    # the validated version is still readable, word for word
    old = read_version(folder, before.meta.version)
    assert old.text == before.text and old.meta.status is ClauseStatus.VALIDATED
    assert old.validated_on == NOW.date()
    assert NEW_SENTENCE in read_version(folder, after.meta.version).text
    assert [(v.number, v.current) for v in list_versions(folder)] == [
        (before.meta.version, False), (after.meta.version, True)]
    # the library loader reads only the top of the folder: the clause loads as version n + 1
    clause, problems = only_clause(folder)
    assert clause is not None, problems
    assert clause.meta.version == after.meta.version and NEW_SENTENCE in clause.text
    assert check_versions([clause]) == []


def test_library_check_accepts_a_library_with_versions(tmp_path: Path) -> None:
    root = copy_library(tmp_path)
    folder = root / "clauses" / "lot-reserve-siae"
    baseline = {str(p) for p in load(root)[1]}
    record_review(opened(folder), ClauseStatus.VALIDATED, "Marie Dupont", NOW)
    save_edit(opened(folder), "Paul Martin", LATER, text=opened(folder).text + "\n" + NEW_SENTENCE)
    library, problems = load(root)
    # versions/ adds no problem of its own (the rendering changed: the golden text must be
    # reviewed again, which the loader does not judge)
    assert {str(p) for p in problems} - baseline == set()
    assert library.clauses["lot-reserve-siae"].meta.status is ClauseStatus.TO_REVIEW
    assert check_versions(library.clauses.values()) == []


def test_editing_a_clause_under_review_keeps_its_version(tmp_path: Path) -> None:
    folder = copy_clause(tmp_path)
    before = opened(folder)
    assert before.meta.status is not ClauseStatus.VALIDATED
    save_edit(before, "Paul Martin", LATER, text=before.text + "\n" + NEW_SENTENCE)
    after = opened(folder)
    assert after.meta.version == before.meta.version
    assert after.meta.status is before.meta.status
    assert not (folder / "versions").exists()


def test_status_and_version_are_not_edited_by_hand(tmp_path: Path) -> None:
    folder = copy_clause(tmp_path)
    before = opened(folder)
    forged = set_top_level_key(before.meta_text, "status", '"validé"', folder / "clause.toml")
    with pytest.raises(ReviewError) as caught:
        edit_files(before, "Paul Martin", LATER.date(), meta_text=forged)
    assert "le statut ne se modifie pas à la main" in caught.value.problems[0]


def test_a_validated_text_edited_by_hand_is_reported_then_made_a_version(tmp_path: Path) -> None:
    folder = _validated(tmp_path)
    version = opened(folder).meta.version
    text_file = folder / "text.fr.md"
    text_file.write_text(text_file.read_text(encoding="utf-8") + "\n" + NEW_SENTENCE + "\n",
                         encoding="utf-8")
    clause, _ = only_clause(folder)
    assert clause is not None
    problems = check_versions([clause])
    assert len(problems) == 1
    assert problems[0].path == text_file
    assert f"la version {version} a été validée puis modifiée" in problems[0].message
    assert "clausier clauses new-version" in problems[0].message
    # a new validation is refused until it becomes a new version
    with pytest.raises(ReviewError, match="faites-en d’abord une nouvelle version"):
        record_review(opened(folder), ClauseStatus.VALIDATED, "Marie Dupont", LATER)
    current = opened(folder)
    save_files(folder, current.fingerprint, new_version_files(current, "Paul Martin",
                                                              LATER.date()), "Paul Martin", LATER)
    clause, _ = only_clause(folder)
    assert clause is not None and clause.meta.version == version + 1
    assert check_versions([clause]) == []
    assert NEW_SENTENCE not in read_version(folder, version).text


def test_unknown_version_names_the_existing_ones(tmp_path: Path) -> None:
    folder = _validated(tmp_path)
    save_edit(opened(folder), "Paul Martin", LATER, text="Nouveau texte.\n")
    current = opened(folder).meta.version
    with pytest.raises(ReviewError) as caught:
        read_version(folder, 99)
    assert f"versions disponibles : {current - 1}, {current}" in caught.value.problems[0]


def test_a_broken_versions_folder_is_reported(tmp_path: Path) -> None:
    folder = _validated(tmp_path)
    (folder / "versions" / "brouillon").mkdir()
    (folder / "versions" / "7").mkdir()
    clause, _ = only_clause(folder)
    assert clause is not None
    messages = [p.message for p in check_versions([clause])]
    assert any("chaque version est un dossier numéroté" in m for m in messages)
    assert any("version 7 postérieure" in m for m in messages)
