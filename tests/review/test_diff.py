"""Word-level comparison, as data and as a Word file with real tracked changes."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from docx.oxml.ns import qn
from lxml import etree

from drafting_app.review.diff import (
    Segment,
    compare_clause,
    comparison_text,
    line_diff,
    tokens,
    word_diff,
)
from drafting_app.review.diff_docx import write_comparison_docx
from drafting_app.review.history import record_review
from drafting_app.review.versions import save_edit
from drafting_app.wording.model import ClauseStatus
from tests.review_support import LATER, NOW, convert, copy_clause, opened

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ADDED_LINE = "Le titulaire tient les justificatifs à la disposition de l’acheteur."


def test_tokens_keep_every_character_and_jinja_tags_whole() -> None:
    text = "le lot n° {{ lots[0].number }} « {{ lots[0].title }} »{% if x %}, réservé{% endif %}"
    assert "".join(tokens(text)) == text
    assert "{{ lots[0].number }}" in tokens(text)
    assert "{% if x %}" in tokens(text)


def test_word_diff_marks_only_the_changed_words() -> None:
    segments = word_diff("fixée à 50 % au moins.", "fixée à 60 % au moins, chaque année.")
    assert segments == (
        Segment("equal", "fixée à "), Segment("delete", "50"), Segment("insert", "60"),
        Segment("equal", " % au moins"), Segment("insert", ", chaque année"),
        Segment("equal", "."),
    )
    # two neighbouring changed words read as one change, not as a patchwork
    assert word_diff("un deux trois", "un quatre cinq") == (
        Segment("equal", "un "), Segment("delete", "deux trois"),
        Segment("insert", "quatre cinq"))


def test_line_diff_pairs_similar_lines_and_keeps_added_ones_apart() -> None:
    old = "Premier paragraphe inchangé.\nLe lot est réservé aux SIAE.\nFin."
    new = ("Premier paragraphe inchangé.\nLe lot est réservé aux SIAE et aux EA.\n"
           "Une phrase entièrement nouvelle ici.\nFin.")
    kinds = [change.kind for change in line_diff(old, new)]
    assert kinds == ["equal", "change", "insert", "equal"]
    removed = line_diff("A b c.\nÀ supprimer tout à fait.\n", "A b c.\n")
    assert [c.kind for c in removed] == ["equal", "delete"]


def _two_versions(tmp_path: Path) -> tuple[Path, int, int]:
    folder = copy_clause(tmp_path)
    record_review(opened(folder), ClauseStatus.VALIDATED, "Marie Dupont", NOW, "conforme")
    before = opened(folder)
    assert "50 % au moins" in before.text
    text = before.text.replace("50 % au moins", "60 % au moins") + "\n" + ADDED_LINE + "\n"
    save_edit(before, "Paul Martin", LATER, text=text)
    return folder, before.meta.version, before.meta.version + 1


def test_comparison_text_shows_insertions_and_deletions(tmp_path: Path) -> None:
    folder, old, new = _two_versions(tmp_path)
    comparison = compare_clause(folder, old, new)
    assert comparison.author == "Paul Martin" and comparison.date == LATER.date()
    text = comparison_text(comparison)
    assert f"version {old} (validé) → version {new} (à valider)" in text
    assert "[-50-]{+60+}\u00a0% au moins" in text
    assert "+ {+" + ADDED_LINE + "+}" in text
    assert "== Note à l’acheteur" not in text  # unchanged parts are not listed
    same = compare_clause(folder, new, new)
    assert not same.changed and "Aucune différence." in comparison_text(same)


def test_word_file_holds_real_tracked_changes(tmp_path: Path) -> None:
    folder, old, new = _two_versions(tmp_path)
    out = tmp_path / "diff.docx"
    write_comparison_docx(compare_clause(folder, old, new), out)
    with zipfile.ZipFile(out) as archive:
        body = etree.fromstring(archive.read("word/document.xml"))
        settings = etree.fromstring(archive.read("word/settings.xml"))
    insertions = body.findall(f".//{W}ins")
    deletions = body.findall(f".//{W}del")
    assert insertions and deletions
    for mark in insertions + deletions:
        assert mark.get(f"{W}author") == "Paul Martin"
        assert mark.get(f"{W}date") == "2026-11-30T12:00:00Z"
        assert mark.get(f"{W}id")
    ids = [mark.get(f"{W}id") for mark in insertions + deletions]
    assert len(ids) == len(set(ids))
    deleted = ["".join(t.text for t in d.iter(f"{W}delText")) for d in deletions]
    inserted = ["".join(t.text for t in i.iter(f"{W}t")) for i in insertions]
    assert "50" in deleted and "60" in inserted
    assert ADDED_LINE in inserted
    # deleted text is w:delText, never w:t; the whole added line's paragraph mark is inserted
    assert not [t for d in deletions for t in d.iter(f"{W}t")]
    added = next(p for p in body.iter(f"{W}p")
                 if "".join(t.text or "" for t in p.iter(f"{W}t")) == ADDED_LINE)
    assert added.find(f"{W}pPr/{W}rPr/{W}ins") is not None
    assert settings.find(f"{W}trackRevisions") is not None
    # python-docx reopens it; the unchanged wording is plain text around the revisions
    document = docx.Document(str(out))
    assert document.core_properties.author == "Paul Martin"
    assert any("% au moins" in p.text for p in document.paragraphs)
    assert document.element.body.find(qn("w:sectPr")) is not None


def test_libreoffice_reads_the_revisions(tmp_path: Path) -> None:
    folder, old, new = _two_versions(tmp_path)
    out = tmp_path / "diff.docx"
    write_comparison_docx(compare_clause(folder, old, new), out)
    # LibreOffice's own format lists the revisions it recognised, with their author
    flat = convert(out, "fodt", tmp_path)
    tree = etree.parse(str(flat))
    ns = {"text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
          "dc": "http://purl.org/dc/elements/1.1/"}
    regions = tree.findall(".//text:tracked-changes/text:changed-region", ns)
    kinds = {child.tag.split("}")[1] for region in regions for child in region}
    assert {"insertion", "deletion"} <= kinds
    creators = {c.text for c in tree.findall(".//text:changed-region//dc:creator", ns)}
    assert creators == {"Paul Martin"}
    # and the PDF shows both the old and the new wording (revisions are displayed)
    pdf = convert(out, "pdf", tmp_path)
    assert pdf.stat().st_size > 1000
