"""A document set is written whole or not at all, and a Word file the user edited is kept."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path

import docx
import pytest

import drafting_app.documents.generate as generate_module
from drafting_app.documents.docx import ExportError, load_layout
from drafting_app.documents.generate import MANIFEST, edited_copy_name, generate
from drafting_app.dossier.model import Dossier
from drafting_app.dossier.storage import load_dossier
from drafting_app.paths import default_layout
from drafting_app.wording.render import Renderer
from tests.conftest import EXAMPLES

TENDER = EXAMPLES / "marche_restauration_collective.json"  # ten pieces, several lots


def snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.is_file()}


def renamed(dossier: Dossier, title: str) -> Dossier:
    assert dossier.tender is not None
    return dossier.model_copy(update={"tender": dossier.tender.model_copy(
        update={"object": title})})


def test_a_failure_midway_leaves_the_previous_set_as_it_was(
        renderer: Renderer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dossier = load_dossier(TENDER)
    layout = load_layout(default_layout())
    first = generate(renderer, dossier, tmp_path, layout)
    assert len(first) > 3
    before = snapshot(tmp_path)
    real_export = generate_module.export_docx
    calls: list[Path] = []

    def disk_full_at_the_fourth(document: object, out: Path, chosen: object) -> None:
        calls.append(out)
        if len(calls) == 4:
            raise ExportError([f"Impossible d’écrire « {out} » : disque plein."])
        real_export(document, out, chosen)  # type: ignore[arg-type]

    monkeypatch.setattr(generate_module, "export_docx", disk_full_at_the_fourth)
    with pytest.raises(ExportError):
        generate(renderer, renamed(dossier, "Nouvel objet du marché"), tmp_path, layout)
    assert snapshot(tmp_path) == before  # not one piece new, not one removed
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_dir()) == []  # no leftovers


def test_a_failure_while_moving_in_puts_every_old_file_back(
        renderer: Renderer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dossier = load_dossier(TENDER)
    layout = load_layout(default_layout())
    generate(renderer, dossier, tmp_path, layout)
    before = snapshot(tmp_path)
    real_replace = os.replace
    moved: list[str] = []

    def replace(source: str | Path, target: str | Path) -> None:
        if Path(target).parent == tmp_path and Path(target).suffix == ".docx":
            moved.append(Path(target).name)
            if len(moved) == 5:
                raise OSError(28, "No space left on device")
        real_replace(source, target)

    monkeypatch.setattr(generate_module.os, "replace", replace)
    with pytest.raises(OSError):
        generate(renderer, renamed(dossier, "Autre objet"), tmp_path, layout)
    monkeypatch.setattr(generate_module.os, "replace", real_replace)
    assert snapshot(tmp_path) == before


def test_regenerating_keeps_a_file_the_user_edited(renderer: Renderer, tmp_path: Path) -> None:
    dossier = load_dossier(TENDER)
    layout = load_layout(default_layout())
    first = generate(renderer, dossier, tmp_path, layout)
    assert all(item.kept_edit is None for item in first)
    manifest = json.loads((tmp_path / MANIFEST).read_text(encoding="utf-8"))
    assert set(manifest["files"]) == {item.path.name for item in first}
    # the buyer edits the CCAP in Word and saves it
    ccap = next(item.path for item in first if item.path.name.startswith("CCAP_"))
    word = docx.Document(str(ccap))
    word.add_paragraph("Ajout de l’acheteur : pénalités relues avec le service juridique.")
    word.save(str(ccap))
    edited = ccap.read_bytes()
    moment = dt.datetime(2027, 1, 8, 14, 5)
    os.utime(ccap, (moment.timestamp(), moment.timestamp()))

    second = generate(renderer, dossier, tmp_path, layout)

    kept = [item for item in second if item.kept_edit is not None]
    assert [item.path for item in kept] == [ccap]
    copy = kept[0].kept_edit
    assert copy == tmp_path / f"{ccap.stem} (modifié le 08-01-2027 14 h 05).docx"
    assert copy.read_bytes() == edited  # the user's work, byte for byte
    assert "Ajout de l’acheteur" not in "\n".join(
        p.text for p in docx.Document(str(ccap)).paragraphs)  # the new CCAP is Clausier's
    # a third run finds nothing edited: no more copies
    third = generate(renderer, dossier, tmp_path, layout)
    assert all(item.kept_edit is None for item in third)
    assert len(list(tmp_path.glob("* (modifié le *).docx"))) == 1


def test_without_a_manifest_a_file_saved_by_word_counts_as_edited(
        renderer: Renderer, tmp_path: Path) -> None:
    dossier = load_dossier(TENDER)
    layout = load_layout(default_layout())
    first = generate(renderer, dossier, tmp_path, layout)
    (tmp_path / MANIFEST).unlink()  # a folder written by an older Clausier
    rc = next(item.path for item in first if item.path.name.startswith("RC_"))
    word = docx.Document(str(rc))
    word.core_properties.revision = 2  # what Word does when it saves
    word.core_properties.modified = dt.datetime(2027, 1, 9, 9, 0)
    word.save(str(rc))
    second = generate(renderer, dossier, tmp_path, layout)
    assert [item.path for item in second if item.kept_edit is not None] == [rc]


def test_an_edited_copy_never_overwrites_an_earlier_one(tmp_path: Path) -> None:
    path = tmp_path / "CCAP.docx"
    moment = dt.datetime(2027, 1, 8, 14, 5)
    first = edited_copy_name(path, moment)
    first.write_bytes(b"x")
    second = tmp_path / "CCAP (modifié le 08-01-2027 14 h 05) 2.docx"
    assert edited_copy_name(path, moment) == second
