"""Layers (built-in, organisation, user) and saving into a shared folder without losing work."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import stat
import subprocess
import threading
import time
from pathlib import Path

import pytest

from drafting_app.review.clause_files import set_top_level_key, toml_string
from drafting_app.review.layers import Layer, LayeredLibrary, LayerKind, load_layers
from drafting_app.review.layers import copy_clause as copy_into
from drafting_app.review.shared import (
    CONFLICT_NOTE,
    ReadOnlyError,
    SaveOutcome,
    lock_path,
    save_files,
)
from drafting_app.review.versions import check_versions, edit_files, save_edit
from drafting_app.wording.library import CLAUSE_META
from drafting_app.wording.model import ClauseStatus
from drafting_app.wording.render import Formats, make_environment
from tests.review_support import LATER, LIBRARY, NOW, copy_clause, only_clause, opened

CLAUSE = "lot-reserve-siae"


def _retitle(folder: Path, title: str) -> None:
    meta = folder / CLAUSE_META
    text = set_top_level_key(meta.read_text(encoding="utf-8"), "title", toml_string(title), meta)
    meta.write_text(text, encoding="utf-8")


def _layers(organisation: Path | None = None, user: Path | None = None,
            read_only: bool = False) -> LayeredLibrary:
    layers = [Layer(LayerKind.BUILTIN, LIBRARY)]
    if organisation is not None:
        layers.append(Layer(LayerKind.ORGANISATION, organisation, read_only=read_only))
    if user is not None:
        layers.append(Layer(LayerKind.USER, user))
    return load_layers(make_environment(Formats()), layers)


def test_organisation_clause_wins_and_the_user_layer_is_on_top(tmp_path: Path) -> None:
    organisation, user = tmp_path / "orga", tmp_path / "moi"
    _retitle(copy_clause(organisation), "Version de l’organisation")
    builtin_only = _layers()
    layered = _layers(organisation)
    clause = layered.library.clauses[CLAUSE]
    assert clause.meta.title == "Version de l’organisation"
    assert clause.folder == organisation / "clauses" / CLAUSE
    assert layered.origin(CLAUSE).kind is LayerKind.ORGANISATION
    assert layered.origin(CLAUSE).label == "bibliothèque de l’organisation"
    assert [layer.kind for layer in layered.shadowed[CLAUSE]] == [LayerKind.BUILTIN]
    # every other clause still comes from the built-in library
    others = set(builtin_only.library.clauses) - {CLAUSE}
    assert others and all(layered.origin(i).kind is LayerKind.BUILTIN for i in others)
    assert set(layered.library.clauses) == set(builtin_only.library.clauses)
    assert not [p for p in layered.problems if "orga" in str(p.path)]
    _retitle(copy_clause(user), "Ma version")
    top = _layers(organisation, user)
    assert top.library.clauses[CLAUSE].meta.title == "Ma version"
    assert top.origin(CLAUSE).kind is LayerKind.USER
    assert [layer.kind for layer in top.shadowed[CLAUSE]] == [
        LayerKind.BUILTIN, LayerKind.ORGANISATION]


def test_an_unreachable_or_broken_organisation_library_is_explained(tmp_path: Path) -> None:
    layered = _layers(tmp_path / "lecteur-deconnecte")
    messages = [str(p) for p in layered.problems]
    assert any("bibliothèque de l’organisation introuvable" in m for m in messages)
    assert CLAUSE in layered.library.clauses  # the built-in clauses stay available
    broken = copy_clause(tmp_path / "orga", "lot-reserve-siae")
    meta = broken / CLAUSE_META
    meta.write_text(meta.read_text(encoding="utf-8").replace("version = ", "version = -"),
                    encoding="utf-8")
    layered = _layers(tmp_path / "orga")
    problems = [p for p in layered.problems if p.path == meta]
    assert problems and problems[0].line is not None
    assert layered.origin(CLAUSE).kind is LayerKind.BUILTIN


def test_a_read_only_organisation_folder_refuses_saves_clearly(tmp_path: Path) -> None:
    organisation = tmp_path / "orga"
    copy_clause(organisation)
    layered = _layers(organisation, read_only=True)
    layer = layered.origin(CLAUSE)
    assert layer.read_only and not layer.can_write()
    with pytest.raises(ReadOnlyError) as caught:
        layer.ensure_writable()
    assert "lecture seule" in caught.value.problems[0]
    # a buyer adapts it in their own clauses instead
    user = Layer(LayerKind.USER, tmp_path / "moi")
    result = copy_into(layered.library.clauses[CLAUSE], user, "Julie Acheteuse", NOW, layer)
    assert result.outcome is SaveOutcome.SAVED
    mine = opened(user.clauses_dir / CLAUSE)
    assert mine.meta.status is ClauseStatus.DRAFT
    comment = mine.meta.history[-1].comment
    assert "copie de la clause de la bibliothèque de l’organisation" in comment
    top = _layers(organisation, user.root, read_only=True)
    assert top.origin(CLAUSE).kind is LayerKind.USER
    assert not [p for p in top.problems if "moi" in str(p.path)]


def _protect(paths: list[Path], on: bool) -> bool:
    """Make folders unwritable for this user: file modes, or the immutable flag for root."""
    if os.geteuid() != 0:
        for path in paths:
            path.chmod(0o555 if on else stat.S_IRWXU)
        return True
    result = subprocess.run(["chattr", "+i" if on else "-i", *map(str, paths)],
                            capture_output=True, check=False)
    return result.returncode == 0


def test_a_folder_without_write_rights_gives_a_french_message(tmp_path: Path) -> None:
    folder = copy_clause(tmp_path / "partage")
    protected = [folder.parent, folder]
    if not _protect(protected, True):
        pytest.skip("impossible de rendre un dossier non modifiable ici (chattr)")
    try:
        state = opened(folder)
        with pytest.raises(ReadOnlyError) as caught:
            save_edit(state, "Julie Acheteuse", LATER, text=state.text + "\nmodifié\n")
        assert "lecture seule pour vous" in caught.value.problems[0]
        assert str(folder.parent) in caught.value.problems[0]
        assert not Layer(LayerKind.ORGANISATION, folder.parent.parent).can_write()
    finally:
        _protect(protected, False)
    assert opened(folder).text == state.text  # nothing was half-written
    assert Layer(LayerKind.ORGANISATION, folder.parent.parent).can_write()


# --------------------------------------------------------------------------- concurrent saves


def _save_worker(folder: str, base: str, files: dict[str, bytes], who: str,
                 barrier: object) -> str:
    barrier.wait()  # type: ignore[attr-defined]  # everyone presses « Enregistrer » at once
    return save_files(Path(folder), base, files, who, LATER).outcome.value


def _all_texts(folder: Path) -> list[str]:
    texts = [(folder / "text.fr.md").read_text(encoding="utf-8")]
    texts += [p.read_text(encoding="utf-8")
              for p in sorted((folder / "conflits").glob("*/text.fr.md"))]
    return texts


def test_concurrent_saves_in_processes_lose_nothing(tmp_path: Path) -> None:
    folder = copy_clause(tmp_path / "partage")
    state = opened(folder)  # every author opened the same version
    authors = [f"Juriste {n}" for n in range(6)]
    texts = {who: state.text + f"\nModification de {who}.\n" for who in authors}
    edits = {who: edit_files(state, who, LATER.date(), text=texts[who]) for who in authors}
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        barrier = manager.Barrier(len(authors))
        with context.Pool(len(authors)) as pool:
            outcomes = pool.starmap(_save_worker, [
                (str(folder), state.fingerprint, edits[who], who, barrier) for who in authors])
    assert sorted(outcomes) == ["conflit"] * (len(authors) - 1) + ["enregistré"]
    assert sorted(_all_texts(folder)) == sorted(texts.values())
    notes = list((folder / "conflits").glob(f"*/{CONFLICT_NOTE}"))
    assert len(notes) == len(authors) - 1
    assert "Rien n’a été perdu" in notes[0].read_text(encoding="utf-8")
    assert not lock_path(folder).exists()


def test_two_threads_saving_at_once_keep_both_texts(tmp_path: Path) -> None:
    folder = copy_clause(tmp_path / "partage")
    first = opened(folder)
    second = opened(folder)  # both people opened the same version
    barrier = threading.Barrier(2)
    results = {}

    def save(who: str, text: str, state: object) -> None:
        barrier.wait()
        results[who] = save_edit(state, who, LATER, text=text)  # type: ignore[arg-type]

    threads = [threading.Thread(target=save, args=("Anne", first.text + "\nAnne.\n", first)),
               threading.Thread(target=save, args=("Bruno", second.text + "\nBruno.\n", second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    outcomes = sorted(r.outcome for r in results.values())
    assert outcomes == [SaveOutcome.CONFLICT, SaveOutcome.SAVED]
    loser = next(r for r in results.values() if r.outcome is SaveOutcome.CONFLICT)
    assert loser.conflict_copy is not None and loser.conflict_copy.parent.name == "conflits"
    assert "Votre version n’a pas écrasé la sienne" in loser.message
    texts = _all_texts(folder)
    assert any(t.endswith("\nAnne.\n") for t in texts)
    assert any(t.endswith("\nBruno.\n") for t in texts)
    # the conflict is visible until someone resolves it
    clause, _ = only_clause(folder)
    assert clause is not None
    assert any("conflit d’enregistrement non résolu" in p.message
               for p in check_versions([clause]))


def test_a_stale_lock_is_broken_and_a_busy_one_yields_a_conflict_copy(tmp_path: Path) -> None:
    folder = copy_clause(tmp_path / "partage")
    lock = lock_path(folder)
    lock.write_text("programme arrêté\n", encoding="utf-8")
    old = time.time() - 3600
    os.utime(lock, (old, old))
    state = opened(folder)
    result = save_edit(state, "Anne", LATER, text=state.text + "\nAnne.\n")
    assert result.outcome is SaveOutcome.SAVED and not lock.exists()
    lock.write_text("quelqu’un enregistre\n", encoding="utf-8")
    state = opened(folder)
    files = edit_files(state, "Bruno", LATER.date(), text=state.text + "\nBruno.\n")
    busy = save_files(folder, state.fingerprint, files, "Bruno", LATER, wait=0.2)
    assert busy.outcome is SaveOutcome.CONFLICT
    assert busy.conflict_copy is not None
    assert (busy.conflict_copy / "text.fr.md").read_text(encoding="utf-8").endswith("Bruno.\n")
    assert lock.exists()  # someone else's lock is never removed while fresh
    lock.unlink()


def test_creating_the_same_new_clause_twice_keeps_both(tmp_path: Path) -> None:
    source = copy_clause(tmp_path / "source")
    files = {"clause.toml": (source / "clause.toml").read_bytes(),
             "text.fr.md": b"Texte d'Anne.\n"}
    target = tmp_path / "partage" / "clauses" / CLAUSE
    first = save_files(target, None, files, "Anne", NOW)
    second = save_files(target, None, {**files, "text.fr.md": b"Texte de Bruno.\n"}, "Bruno",
                        NOW + dt.timedelta(seconds=1))
    assert (first.outcome, second.outcome) == (SaveOutcome.SAVED, SaveOutcome.CONFLICT)
    assert (target / "text.fr.md").read_bytes() == b"Texte d'Anne.\n"
    assert second.conflict_copy is not None
    assert (second.conflict_copy / "text.fr.md").read_bytes() == b"Texte de Bruno.\n"
    assert "bruno" in second.conflict_copy.name


def test_a_new_clause_blocked_by_a_busy_lock_leaves_no_half_made_folder(tmp_path: Path) -> None:
    source = copy_clause(tmp_path / "source")
    layer_root = tmp_path / "partage"
    target = layer_root / "clauses" / "nouvelle-clause"
    target.parent.mkdir(parents=True)
    lock_path(target).write_text("quelqu’un enregistre\n", encoding="utf-8")
    files = {"clause.toml": (source / "clause.toml").read_bytes(), "text.fr.md": b"Texte.\n"}
    result = save_files(target, None, files, "Anne", NOW, wait=0.1)
    assert result.outcome is SaveOutcome.CONFLICT and result.conflict_copy is not None
    assert not target.exists()
    assert result.conflict_copy.parent == layer_root / "conflits" / "nouvelle-clause"
    assert (result.conflict_copy / "text.fr.md").read_bytes() == b"Texte.\n"
