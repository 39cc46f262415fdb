"""Every message a user can meet about a file is French: pydantic, TOML, JSON and the system."""

from __future__ import annotations

import errno
import json
import re
import typing
from pathlib import Path

import pytest
from pydantic_core.core_schema import ErrorType

from drafting_app.dossier.storage import DossierError, load_dossier
from drafting_app.files.messages import french_error, french_os_error
from drafting_app.files.problems import Problem
from drafting_app.files.toml_files import read_toml_file
from tests.conftest import EXAMPLES

#: words that give away an English message (none is a French word)
ENGLISH = re.compile(
    r"\b(the|should|must|input|valid|invalid|expected|expecting|unable|cannot|error|value|"
    r"number|string|integer|field|required|missing|exceeds?|digits|with|"
    r"allowed|unexpected|extra|found|at line)\b", re.I)


def assert_french(message: str) -> None:
    """A non-empty message without English; field names and paths (« … ») are code."""
    assert message.strip(), "empty message"
    assert not ENGLISH.search(re.sub(r"«[^»]*»", "", message)), message


@pytest.mark.parametrize("kind", typing.get_args(ErrorType))
def test_every_pydantic_error_type_has_a_french_sentence(kind: str) -> None:
    english = "Input should be a valid thing, unable to parse string as an integer"
    message = french_error(kind, english, {"expected": "'a' ou 'b'", "error": "invalid"})
    if kind in ("value_error", "assertion_error"):
        # our own validators raise French sentences: they are kept as written
        assert french_error(kind, "Value error, deux lots portent le même numéro", {}) == \
            "deux lots portent le même numéro"
        return
    assert_french(message)


def dossier_problems(tmp_path: Path, change: typing.Callable[[dict[str, typing.Any]], None],
                     raw: str | None = None) -> list[str]:
    data = json.loads((EXAMPLES / "marche_espaces_verts.json").read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "dossier.json"
    text = json.dumps(data, ensure_ascii=False) if raw is None else raw
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    with pytest.raises(DossierError) as caught:
        load_dossier(path)
    for problem in caught.value.problems:
        assert_french(problem)
    return caught.value.problems


def test_the_messages_that_were_english(tmp_path: Path) -> None:
    def lot(key: str, value: typing.Any) -> typing.Callable[[dict[str, typing.Any]], None]:
        return lambda d: d["tender"]["lots"][0].__setitem__(key, value)

    def tender(key: str, value: typing.Any) -> typing.Callable[[dict[str, typing.Any]], None]:
        return lambda d: d["tender"].__setitem__(key, value)

    cases = {
        "« tender.lots[0].estimated_amount » : un nombre fini est attendu":
            lot("estimated_amount", "NaN"),
        "« tender.duration_months » : un nombre fini": tender("duration_months", float("inf")),
        "« tender.lots[0].number » : nombre entier beaucoup trop grand":
            lot("number", "9" * 5000),
        "« tender.lots[0].estimated_amount » : nombre trop grand":
            lot("estimated_amount", "1234567890123456.5"),
        "« tender.launch_date » : une date sans heure est attendue":
            tender("launch_date", "2026-05-04T10:30:00"),
        "« tender.launch_date » : date invalide": tender("launch_date", "2026-02-31"),
        "« tender.offers_deadline » : date invalide": tender("offers_deadline",
                                                            "2026-02-30T12:00:00"),
    }
    for expected, change in cases.items():
        problems = dossier_problems(tmp_path, change)
        assert any(p.startswith(expected) for p in problems), (expected, problems)


def test_a_lone_surrogate_is_named_at_its_field(tmp_path: Path) -> None:
    data = json.loads((EXAMPLES / "marche_espaces_verts.json").read_text(encoding="utf-8"))
    raw = json.dumps(data, ensure_ascii=True).replace(
        '"object": "', '"object": "\\ud800 ', 1)
    problems = dossier_problems(tmp_path, lambda d: None, raw)
    assert problems == ["« tender.object » : texte contenant un caractère invalide (un code "
                        "\\uD800-\\uDFFF isolé) : retapez ce texte"]


@pytest.mark.parametrize("text", [
    "id = \n", "id = 'a'\nid = 'b'\n", "[table\n", "a = [1, 2\n", "a = {b = 1\n",
    "a = \"\\q\"\n", "a = \"\\uD800\"\n", "a = 2026-02-31\n", "= 1\n", "a = \"x\x01\"\n",
    "[a]\n[a]\n", "a = " + "9" * 5000 + "\n", "a = " + "[" * 3000 + "]" * 3000 + "\n",
    "a.b = 1\na = 2\n", "a = 1 b = 2\n",
])
def test_toml_syntax_errors_are_french(tmp_path: Path, text: str) -> None:
    path = tmp_path / "clause.toml"
    path.write_text(text, encoding="utf-8")
    problems: list[Problem] = []
    assert read_toml_file(path, problems) is None
    (problem,) = problems
    assert problem.path == path and problem.message.startswith("syntaxe TOML incorrecte")
    assert_french(problem.message)


@pytest.mark.parametrize("number", [errno.ENOENT, errno.EACCES, errno.ENOSPC, errno.EROFS,
                                    errno.ENAMETOOLONG, errno.EIO, 12345])
def test_system_errors_are_french(number: int) -> None:
    assert_french(french_os_error(OSError(number, "Some English text")))
