"""Atomic saves keep a shared file shared, and leftovers of killed saves are cleaned at start."""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from drafting_app.dossier.storage import load_dossier, save_dossier
from drafting_app.files.atomic import ORPHAN_AGE_SECONDS, atomic_write_bytes, clean_orphans
from tests.conftest import EXAMPLES

pytestmark = pytest.mark.skipif(os.name != "posix", reason="permissions are POSIX modes")


@pytest.fixture
def umask() -> Iterator[None]:
    """Restore the process umask after a test that changes it."""
    previous = os.umask(0o022)
    os.umask(previous)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_shared_file_stays_shared_after_a_save(tmp_path: Path, umask: None) -> None:
    os.umask(0o022)  # the saver's own default would make a new file 0644
    shared = tmp_path / "organisation" / "clause.toml"
    shared.parent.mkdir()
    shared.write_bytes(b"ancien\n")
    shared.chmod(0o664)
    atomic_write_bytes(shared, b"nouveau\n")
    assert shared.read_bytes() == b"nouveau\n"
    assert mode(shared) == 0o664  # colleagues of the group can still read and write it


@pytest.mark.parametrize("original", [0o600, 0o640, 0o666, 0o444])
def test_every_mode_is_kept(tmp_path: Path, umask: None, original: int) -> None:
    os.umask(0o077)
    target = tmp_path / "text.fr.md"
    target.write_bytes(b"x")
    target.chmod(original)
    atomic_write_bytes(target, b"y")
    assert mode(target) == original


def test_a_dossier_saved_in_a_0664_folder_stays_0664(tmp_path: Path, umask: None) -> None:
    os.umask(0o022)
    path = tmp_path / "dossier.json"
    save_dossier(load_dossier(EXAMPLES / "marche_espaces_verts.json"), path)
    path.chmod(0o664)
    save_dossier(load_dossier(path), path)
    assert mode(path) == 0o664


def test_a_new_file_gets_the_folders_usual_mode(tmp_path: Path, umask: None) -> None:
    os.umask(0o002)  # a shared folder's users work with a group-writable umask
    new = tmp_path / "nouvelle" / "clause.toml"
    atomic_write_bytes(new, b"x")
    assert mode(new) == 0o664  # as any editor would create it; mkstemp made it 0600
    os.umask(0o022)
    other = tmp_path / "autre.toml"
    atomic_write_bytes(other, b"x")
    assert mode(other) == 0o644


def test_a_new_file_takes_the_group_of_a_set_group_id_folder(tmp_path: Path,
                                                              umask: None) -> None:
    groups = [g for g in os.getgroups() if g != os.getgid()]
    if not groups:
        pytest.skip("this user belongs to one group only")
    folder = tmp_path / "partage"
    folder.mkdir()
    os.chown(folder, -1, groups[0])
    folder.chmod(0o2775)
    target = folder / "clause.toml"
    atomic_write_bytes(target, b"x")
    assert target.stat().st_gid == groups[0]


def test_a_failed_save_leaves_the_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "clause.toml"
    target.write_bytes(b"ancien")

    with pytest.raises(TypeError):
        atomic_write_bytes(target, "pas des octets")  # type: ignore[arg-type]
    assert target.read_bytes() == b"ancien"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clause.toml"]


def _age(path: Path, seconds: float) -> None:
    moment = time.time() - seconds
    os.utime(path, (moment, moment))


def test_orphans_of_killed_saves_are_cleaned_and_live_saves_kept(tmp_path: Path) -> None:
    clause = tmp_path / "clauses" / "ma-clause"
    clause.mkdir(parents=True)
    old = clause / ".clause.toml.a1b2c3d4.tmp"  # named as this module names them
    old_mkstemp = clause / ".text.fr.md.k_9xq2ab.tmp"  # named as tempfile.mkstemp did
    young = clause / ".clause.toml.e5f6a7b8.tmp"  # a save in progress elsewhere
    mine = clause / "notes.tmp"  # the user's own file
    hidden = clause / ".brouillon.tmp"  # not one of ours either
    for path in (old, old_mkstemp, young, mine, hidden):
        path.write_bytes(b"x" * 1000)
    for path in (old, old_mkstemp, mine, hidden):
        _age(path, ORPHAN_AGE_SECONDS + 60)
    set_dir = tmp_path / "documents" / ".documents.0a1b2c3d.tmp"
    set_dir.mkdir(parents=True)
    (set_dir / "CCAP.docx").write_bytes(b"x")
    _age(set_dir, ORPHAN_AGE_SECONDS + 60)

    removed = clean_orphans(tmp_path)

    assert removed == sorted([old, old_mkstemp, set_dir])
    assert not old.exists() and not old_mkstemp.exists() and not set_dir.exists()
    assert young.exists() and mine.exists() and hidden.exists()


def test_cleaning_does_not_follow_links_or_fail_on_unreadable_folders(tmp_path: Path) -> None:
    outside = tmp_path / "ailleurs"
    outside.mkdir()
    victim = outside / ".x.a1b2c3d4.tmp"
    victim.write_bytes(b"x")
    _age(victim, ORPHAN_AGE_SECONDS + 60)
    library = tmp_path / "bibliotheque"
    library.mkdir()
    (library / "lien").symlink_to(outside, target_is_directory=True)
    locked = library / "ferme"
    locked.mkdir()
    locked.chmod(0)
    try:
        assert clean_orphans(library) == []
    finally:
        locked.chmod(0o755)
    assert victim.exists()
