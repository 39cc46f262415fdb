"""Only regular files are read, never too much: links, pipes, devices and huge files refused."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from drafting_app.files.problems import Problem
from drafting_app.files.reading import (
    MAX_LIBRARY_FILE_BYTES,
    FileRefused,
    read_limited_bytes,
    read_limited_text,
)
from drafting_app.files.toml_files import read_text, read_toml_file
from drafting_app.review.layers import Layer, LayerKind, load_layers
from drafting_app.review.pack import export_pack
from drafting_app.wording.render import Formats, make_environment
from tests.conftest import LIBRARY
from tests.review_support import NOW, load

pytestmark = pytest.mark.skipif(os.name != "posix", reason="links, FIFOs and devices are POSIX")

CLAUSE = "lot-reserve-siae"


def refusal(path: Path, limit: int = 1000) -> str:
    with pytest.raises(FileRefused) as caught:
        read_limited_bytes(path, limit)
    assert caught.value.path == path
    return caught.value.reason


def test_a_regular_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("été\n", encoding="utf-8")
    assert read_limited_text(path, 100) == "été\n"


def test_a_symbolic_link_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "vrai.txt"
    target.write_text("secret", encoding="utf-8")
    link = tmp_path / "text.fr.md"
    link.symlink_to(target)
    assert "lien symbolique" in refusal(link)
    dangling = tmp_path / "casse.md"
    dangling.symlink_to(tmp_path / "absent")
    assert "lien symbolique" in refusal(dangling)


def test_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "clause.toml"
    os.mkfifo(fifo)  # nobody writes: reading it would wait for ever
    assert "tube nommé" in refusal(fifo)


def test_devices_and_folders_are_refused(tmp_path: Path) -> None:
    assert "périphérique" in refusal(Path("/dev/zero"))  # would fill the memory
    assert "dossier" in refusal(tmp_path)


def test_a_file_too_large_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "gros.json"
    with big.open("wb") as handle:
        handle.truncate(5 * 1024 * 1024)  # sparse: 5 MB that take no room
    reason = refusal(big, 1024 * 1024)
    assert "trop volumineux" in reason and "5,0 Mo" in reason and "1,0 Mo" in reason


def test_bad_encoding_and_missing_files_are_said_in_french(tmp_path: Path) -> None:
    latin = tmp_path / "latin1.md"
    latin.write_bytes("Clause sociale été".encode("latin-1"))
    with pytest.raises(FileRefused) as caught:
        read_limited_text(latin, 100)
    assert "UTF-8" in caught.value.reason
    with pytest.raises(FileRefused) as caught:
        read_limited_text(tmp_path / "absent.md", 100)
    assert caught.value.missing


def test_library_readers_turn_refusals_into_problems_naming_the_file(tmp_path: Path) -> None:
    fifo = tmp_path / "sample.toml"
    os.mkfifo(fifo)
    problems: list[Problem] = []
    assert read_toml_file(fifo, problems) is None
    big = tmp_path / "text.fr.md"
    big.write_bytes(b"a" * (MAX_LIBRARY_FILE_BYTES + 1))
    assert read_text(big, problems) is None
    assert [p.path for p in problems] == [fifo, big]
    assert "tube nommé" in str(problems[0]) and str(fifo) in str(problems[0])
    assert "trop volumineux" in problems[1].message


def clause_with_link(tmp_path: Path, secret: Path) -> Path:
    root = tmp_path / "bibliotheque"
    shutil.copytree(LIBRARY, root)
    text = root / "clauses" / CLAUSE / "text.fr.md"
    text.unlink()
    text.symlink_to(secret)
    return root


def test_a_linked_clause_text_never_reaches_a_document_or_a_review_pack(tmp_path: Path) -> None:
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    root = clause_with_link(tmp_path, secret)
    library, problems = load(root)
    assert CLAUSE not in library.clauses  # the clause is refused, not rendered
    (problem,) = [p for p in problems if p.path.name == "text.fr.md"]
    assert problem.path == root / "clauses" / CLAUSE / "text.fr.md"
    assert "lien symbolique" in problem.message
    # the review pack is made of the library's clauses: the linked file is not in it
    layered = load_layers(make_environment(Formats()), [Layer(LayerKind.BUILTIN, root)])
    assert CLAUSE not in layered.library.clauses
    out = tmp_path / "relecture.docx"
    export_pack(list(layered.library.clauses.values())[:3], out, NOW.date())
    import docx

    text = "\n".join(c.text for t in docx.Document(str(out)).tables for r in t.rows
                     for c in r.cells)
    assert "root:x:0:0" not in text


def test_a_linked_reviewed_rendering_is_refused_too(tmp_path: Path) -> None:
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    root = tmp_path / "bibliotheque"
    shutil.copytree(LIBRARY, root)
    expected = root / "clauses" / CLAUSE / "expected.fr.txt"
    expected.unlink()
    expected.symlink_to(secret)
    _, problems = load(root)
    assert any(p.path == expected and "lien symbolique" in p.message for p in problems)


def test_a_linked_clause_folder_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "ailleurs" / CLAUSE
    shutil.copytree(LIBRARY / "clauses" / CLAUSE, elsewhere)
    root = tmp_path / "bibliotheque"
    shutil.copytree(LIBRARY, root)
    folder = root / "clauses" / CLAUSE
    shutil.rmtree(folder)
    folder.symlink_to(elsewhere, target_is_directory=True)
    library, problems = load(root)
    assert CLAUSE not in library.clauses
    assert any(p.path == folder / "clause.toml" and "lien symbolique" in p.message
               for p in problems)
