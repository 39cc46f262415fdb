"""Fuzzing, in process: hostile dossiers through the commands, hostile clause folders through
the library loader, the renderer, the checks and generation.

Asserted for every case: exit code 0, 1 or 2 only; no exception other than the typed ones
(the commands' handlers are called directly, without `main`'s last-resort catch, so any
traceback fails the test); every message French and located (the file, and the field or line
where there is one); every Word file written opens in python-docx.

The normal run draws 1 000 dossiers and 1 500 clause folders (derandomised, about two
minutes). With CLAUSIER_SLOW=1 it draws 14 000 and 8 000 (22 000 cases); CLAUSIER_FUZZ_CASES
and CLAUSIER_FUZZ_CLAUSES set other counts. Failing cases are reported as drawn (no
shrinking: shrinking these cases takes hours).
Long run (7 December 2026, main after the robust merge, a shared 2-core machine): 22 000 cases
(14 000 dossiers, 8 000 clause folders) in 19 min 18 s, no failure, no traceback.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import io
import json
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from types import MappingProxyType
from typing import Any

import docx
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from drafting_app.checks import load_legal_data, run_checks
from drafting_app.cli.main import UNEXPECTED, build_parser
from drafting_app.cli.output import Session
from drafting_app.dossier.model import Dossier
from drafting_app.files.problems import Problem
from drafting_app.wording.library import load_clause
from drafting_app.wording.render import Formats, Renderer, RenderError, make_environment
from drafting_app.wording.samples import load_samples
from tests.conftest import EXAMPLES, LIBRARY

SLOW = os.environ.get("CLAUSIER_SLOW", "") not in ("", "0")
FUZZ_CASES = int(os.environ.get("CLAUSIER_FUZZ_CASES", 14_000 if SLOW else 1_000))
CLAUSE_CASES = int(os.environ.get("CLAUSIER_FUZZ_CLAUSES", 8_000 if SLOW else 1_500))

#: words that give away an English message (none is a French word)
ENGLISH = re.compile(
    r"\b(the|should|must|input|valid|invalid|expected|expecting|unable|cannot|error|value|"
    r"number|string|integer|field|required|missing|exceeds?|digits|with|allowed|"
    r"unexpected|extra|found|line|column|object|attribute|undefined|not|is|has|of|to)\b", re.I)

#: no shrinking: a failing case is reported as drawn (shrinking these cases takes hours)
PHASES = (Phase.explicit, Phase.reuse, Phase.generate)
#: a word that is code (a path, a field, an identifier), not language
CODE = re.compile(r"[/_\[\]\\.=]")
#: what users type that is not English: no ASCII letter (so that a message quoting it cannot
#: look English), plus every kind of character that broke something once
USER_TEXT = st.text(alphabet=st.characters(
    blacklist_categories=("Cs",), blacklist_characters="abcdefghijklmnopqrstuvwxyz"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ"), max_size=40)
HOSTILE_STRINGS = st.sampled_from([
    "", " ", "2026-02-31", "2026-13-01", "31/02/2027", "2026-02-01T10:30:00", "1e999999",
    "-1e999999", "NaN", "Infinity", "-0", "0.000000001", "12 500,50 €", "5 %", "\x00", "\x0b",
    "\ue000", "\ue0012\ue001", "{{ buyer }}", "{% for %}", "**x**", "# titre", "é" * 5_000,
    "Dupont & Fils <SARL> « l’été »", "9" * 60, "1" + "0" * 20, "ø\u202f€", "\r\n\r\n",
])
SCALARS = st.one_of(
    st.integers(min_value=-(10**45), max_value=10**45), st.booleans(), st.none(),
    st.floats(allow_nan=True, allow_infinity=True), HOSTILE_STRINGS, USER_TEXT,
)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(USER_TEXT | HOSTILE_STRINGS, inner,
                                                 max_size=3)), max_leaves=8)


def french(message: str) -> bool:
    """No English in a message once code (« … », field paths, file paths) is set aside."""
    text = re.sub(r"champ : \S+", " ", re.sub(r"«[^»]*»", " ", message))
    words = [word for word in text.split() if not CODE.search(word)]  # paths, fields, ids
    return not ENGLISH.search(" ".join(words))


# --------------------------------------------------------------------------- shared state


@dataclasses.dataclass
class Bench:
    """What every case shares: a loaded session, the examples, a scratch folder."""

    session: Session
    examples: list[dict[str, Any]]
    clause_ids: list[str]
    variables: dict[str, list[str]]
    scratch: Path
    count: int = 0

    def path(self, suffix: str) -> Path:
        self.count += 1
        return self.scratch / f"cas{self.count}{suffix}"


@pytest.fixture(scope="module")
def bench() -> Iterator[Bench]:
    session = Session(library_dir=LIBRARY, out=io.StringIO(), err=io.StringIO(),
                      formats=Formats())
    library, problems, renderer = session.load()
    assert not problems
    renderer.env.time_budget = 2.0  # type: ignore[attr-defined]
    examples = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(EXAMPLES.glob("*.json"))]
    scratch = Path(tempfile.mkdtemp(prefix="clausier-fuzz-"))
    try:
        yield Bench(session, examples, sorted(library.clauses),
                    {c.id: [v.name for v in c.meta.variables] for c in library.clauses.values()},
                    scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def run_command(bench: Bench, *argv: str) -> tuple[int, str, str]:
    """A command through its handler, on the shared session: exceptions are not caught."""
    namespace = build_parser().parse_args(list(argv))
    session = bench.session
    session.out, session.err = io.StringIO(), io.StringIO()
    with warnings_as_output():
        code = namespace.handler(session, namespace)
    out, err = session.out.getvalue(), session.err.getvalue()
    assert code in (0, 1, 2), (argv, code, err)
    assert "Traceback" not in out + err and UNEXPECTED not in err
    return code, out, err


@contextlib.contextmanager
def warnings_as_output() -> Iterator[None]:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


# --------------------------------------------------------------------------- dossiers


def leaf_paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON tree a value can be put."""
    found = [prefix]
    if isinstance(data, dict):
        for key, item in data.items():
            found.extend(leaf_paths(item, (*prefix, key)))
    elif isinstance(data, list):
        for index, item in enumerate(data):
            found.extend(leaf_paths(item, (*prefix, index)))
    return found


def put(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = value
    return data


@st.composite
def hostile_dossier(draw: st.DrawFn, bench: Bench) -> str:
    """The JSON text of an example dossier, changed in up to four hostile ways."""
    data = copy.deepcopy(draw(st.sampled_from(bench.examples)))
    for _ in range(draw(st.integers(0, 4))):
        action = draw(st.sampled_from(["leaf", "leaf", "delete", "add", "clause", "value"]))
        paths = leaf_paths(data)
        if action == "leaf":
            data = put(data, draw(st.sampled_from(paths)), draw(VALUES))
        elif action == "delete" and len(paths) > 1:
            path = draw(st.sampled_from(paths[1:]))
            parent = data
            for part in path[:-1]:
                parent = parent[part]
            del parent[path[-1]]
        elif action == "add" and isinstance(data, dict):
            data[draw(USER_TEXT | st.sampled_from(["inconnu", "schema_version"]))] = draw(VALUES)
        elif action in ("clause", "value") and isinstance(data, dict):
            clause_id = draw(st.sampled_from([*bench.clause_ids, "clause-inconnue", "x"]))
            names = [*bench.variables.get(clause_id, []), "inconnue"]
            values = draw(st.dictionaries(st.sampled_from(names), VALUES, max_size=3))
            lots = draw(st.lists(st.integers(-2, 5), max_size=2))
            chosen = data.get("clauses")
            if isinstance(chosen, list):
                chosen.append({"id": clause_id, "values": values, "lots": lots})
    text = json.dumps(data, ensure_ascii=draw(st.booleans()), allow_nan=True)
    raw = draw(st.sampled_from(["none"] * 6 + ["cut", "junk", "digits", "deep", "bom"]))
    if raw == "cut":
        text = text[:draw(st.integers(0, len(text)))]
    elif raw == "junk":
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from([",", "}", "\\", "\"", "]]", "\x00", "é"])) + \
            text[at:]
    elif raw == "digits":
        text = re.sub(r"\b\d+\b", "9" * draw(st.sampled_from([41, 4301, 20_000])), text, count=1)
    elif raw == "deep":
        depth = draw(st.sampled_from([33, 500, 100_000]))
        text = text.replace('"clauses": [', '"clauses": [' + "[" * depth + "]" * depth + ", ", 1)
    elif raw == "bom":
        text = "\ufeff" + text
    return text


def check_dossier_messages(path: Path, code: int, out: str, err: str,
                           reads_file: bool = True) -> None:
    if code == 2 and reads_file:
        assert f"{path}" in err, err  # located: the file
    for line in err.splitlines():
        assert french(line), line
    for line in out.splitlines():
        if line.startswith("    champ :"):
            continue
        if line.startswith("[") or line.startswith("    "):
            # findings quote the dossier's own text (titles): only the sentence is checked
            assert french(line.split("« ")[0]), line


def test_hostile_dossiers_through_the_commands(bench: Bench) -> None:
    """Check, generate, advise and insertion on hostile dossiers."""

    @settings(max_examples=FUZZ_CASES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck), phases=PHASES)
    @given(st.data())
    def case(data: st.DataObject) -> None:
        text = data.draw(hostile_dossier(bench))
        path = bench.path(".json")
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        code, out, err = run_command(bench, "check", str(path))
        check_dossier_messages(path, code, out, err)
        if code != 2 and bench.count % 40 == 0:
            folder = bench.path("")
            code, out, err = run_command(bench, "generate", str(path), "--out", str(folder))
            check_dossier_messages(path, code, out, err)
            written = [Path(line) for line in out.splitlines() if line.endswith(".docx")]
            assert (code == 1 and not written and "rien n’a été écrit" in err) or written
            for file in written:
                assert docx.Document(str(file)).paragraphs
            for file in (Path(line) for line in out.splitlines() if line.endswith(".xlsx")):
                assert file.is_file() and zipfile.is_zipfile(file)
            shutil.rmtree(folder, ignore_errors=True)
        if bench.count % 25 == 1:
            for command in (["advise", str(path)], ["insertion", str(path)]):
                code, out, err = run_command(bench, *command)
                # « ce dossier est une subvention » is about the one dossier given: no path
                check_dossier_messages(path, code, out, err,
                                       reads_file="Dossier illisible" in err)
        path.unlink()

    case()


# --------------------------------------------------------------------------- clause folders

FRAGMENTS = st.sampled_from([
    "Le titulaire s’engage.", "\n\n", "# Titre", "## Sous-titre", "- point", "1. point",
    "**gras**", "*italique*", "{{ tender.object }}",
    "{{ buyer.name | upper }}", "{{ dossier.title }}", "{% if lots %}oui{% else %}non{% endif %}",
    "{% for lot in lots %}- {{ lot.title }}\n{% endfor %}",
    "{% for a in tender.object %}{% for b in tender.object %}{% for c in tender.object %}"
    "{% endfor %}{% endfor %}{% endfor %}",
    "{{ 'a' * 1000000000 }}", "{{ 10 ** 10 ** 10 }}", "{{ 2 ** 100000 }}",
    "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}", "{{ 'x' | center(999999999) }}",
    "{{ '{:>999999999}'.format(1) }}", "{{ ''.__class__.__mro__ }}",
    "{{ tender.minimum_turnover | money }}", "{{ tender.object | money }}", "{{ 1 / 0 }}",
    "{{ 99999999999999999999999999999999999 | words }}", "{{ 833 | words }}",
    "{{ 12500 | amount_in_words }}", "{{ buyer | date_long }}",
    "{# commentaire #}", "\x00", "\x0b", "é" * 3000, "\t", "«\u202fx\u202f»",
    "{{ tender.lots | map(attribute='title') | join(', ') }}",

    "texte \ue000 7 \ue001", "\ue0000\ue001{{ dossier.title }}",
])
#: fragments that make a clause folder invalid for the library (syntax, undeclared names…)
BROKEN = st.sampled_from([
    "{% for %}", "{{ }", "{% endif %}", "{{ inconnu }}", "{{ nombre }}", "{{ montant | money }}",
    "| a | b |\n|---|---|\n| 1 | 2 |", "- point\ncollé",
])
#: a declared variable: (name, TOML, a valid sample value), or none
VARIABLE = st.sampled_from([
    ("", "", ""),
    ("nombre", '[[variables]]\nname = "nombre"\ntype = "entier"\nlabel = "Nombre"\n', "12"),
    ("nombre", '[[variables]]\nname = "nombre"\ntype = "decimal"\nlabel = "Nombre"\n',
     '"12,5"'),
    ("montant", '[[variables]]\nname = "montant"\ntype = "montant"\nlabel = "Montant"\n',
     '"12 500,50"'),
    ("nombre", '[[variables]]\nname = "nombre"\ntype = "texte"\nlabel = "Nombre"\n'
               "required = false\n", '"douze"'),
])
#: variables whose bounds the library refuses (beyond ±10^15)
BAD_VARIABLE = st.sampled_from([
    ("nombre", '[[variables]]\nname = "nombre"\ntype = "entier"\nlabel = "Nombre"\n'
               "max = 1e300\n", "12"),
    ("nombre", '[[variables]]\nname = "nombre"\ntype = "decimal"\nlabel = "Nombre"\n'
               'min = "-1e999999"\n', "12"),
])
#: hostile sample values of the declared variable (`{}` stands for its name)
SAMPLE_VALUES = st.sampled_from([
    '{} = "1e999999"\n', "{} = " + "9" * 5000 + "\n", "{} = nan\n", "{} = inf\n",
    "{} = 2026-02-31\n", "{} = [[[[1]]]]\n", '{} = "\\uD800"\n', "{} = -1e300\n",
    "{} = [\n", "", "inconnue = 1\n",
])
CLAUSE = "lot-reserve-siae"


@st.composite
def hostile_clause(draw: st.DrawFn) -> dict[str, Any]:
    """Text, metadata and sample of a clause folder, and how each file is given.

    Most folders are valid for the library (the declared variable is used and has a sample
    value) so that they reach the renderer, the checks and generation; some are broken.
    """
    name, variable, valid = draw(VARIABLE if draw(st.integers(0, 9)) else BAD_VARIABLE)
    fragments = draw(st.lists(FRAGMENTS, min_size=1, max_size=6))
    if draw(st.integers(0, 4)) == 0:
        fragments.insert(draw(st.integers(0, len(fragments))), draw(BROKEN))
    if name:
        fragments.append(draw(st.sampled_from([f"{{{{ {name} }}}}", f"{{{{ {name} | words }}}}",
                                                f"{{{{ {name} | money }}}}"])))
    text = "\n\n".join(fragments) + "\n"
    meta = (LIBRARY / "clauses" / CLAUSE / "clause.toml").read_text(encoding="utf-8")
    meta += "\n" + variable
    if draw(st.integers(0, 9)) == 0:
        at = draw(st.integers(0, len(meta)))
        meta = meta[:at] + draw(st.sampled_from(["\"", "[", "=", "\x00", "[[", "é\n"])) + meta[at:]
    sample = ""
    if name:
        sample = (f"{name} = {valid}\n" if draw(st.integers(0, 3)) else
                  draw(SAMPLE_VALUES).format(name))
    kinds = ["file"] * 28 + (["link", "fifo", "folder", "big"] if os.name == "posix" else [])
    return {"text.fr.md": text, "clause.toml": meta, "sample.toml": "[values]\n" + sample,
            "how": draw(st.sampled_from(kinds)),
            "which": draw(st.sampled_from(["text.fr.md", "clause.toml", "sample.toml"])),
            "values": draw(st.dictionaries(st.sampled_from([name or "nombre"]), VALUES,
                                           max_size=1)),
            "generate": draw(st.integers(0, 30)) == 0}


def write_clause(folder: Path, case: dict[str, Any], secret: Path) -> None:
    folder.mkdir(parents=True)
    for name in ("text.fr.md", "clause.toml", "sample.toml"):
        target = folder / name
        if name == case["which"] and case["how"] != "file":
            if case["how"] == "link":
                target.symlink_to(secret)
            elif case["how"] == "fifo":
                os.mkfifo(target)
            elif case["how"] == "folder":
                target.mkdir()
            else:
                with target.open("wb") as handle:
                    handle.truncate(64 * 1024 * 1024)
            continue
        target.write_text(case[name], encoding="utf-8", errors="surrogatepass")
    (folder / "expected.fr.txt").write_text("(à relire)\n", encoding="utf-8")


def assert_problems(problems: list[Problem], folder: Path) -> None:
    for problem in problems:
        assert problem.path.parent == folder or problem.path == Path("dossier") or \
            folder in problem.path.parents, problem  # located
        assert problem.message.strip() and french(problem.message), problem


def test_hostile_clause_folders_through_loading_rendering_and_generation(bench: Bench) -> None:
    library, _, _ = bench.session.load()
    legal, _ = load_legal_data(LIBRARY)
    samples, _ = load_samples(library)
    env = make_environment(Formats())
    env.time_budget = 1.0  # type: ignore[attr-defined]
    secret = bench.scratch / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    own = Renderer(library, env)
    reached = {"loaded": 0, "checked": 0, "generated": 0}

    @settings(max_examples=CLAUSE_CASES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck), phases=PHASES)
    @given(hostile_clause())
    def case(clause_case: dict[str, Any]) -> None:
        folder = bench.path("") / "clauses" / CLAUSE
        write_clause(folder, clause_case, secret)
        problems: list[Problem] = []
        clause = load_clause(folder, env, problems)
        assert_problems(problems, folder)
        if clause is None:
            return
        assert "root:x:0:0" not in clause.text  # a link is never followed
        reached["loaded"] += 1
        own.library = dataclasses.replace(
            library, clauses=MappingProxyType({**library.clauses, CLAUSE: clause}))
        sample = samples.for_clause(clause)
        assert sample is not None
        try:
            own.render_clause(clause, sample)
        except RenderError as exc:
            assert_problems(exc.problems, folder)
        data = json.loads(sample.model_dump_json())
        data["clauses"] = [{"id": CLAUSE, "values": clause_case["values"]}]
        try:
            dossier = Dossier.model_validate(data)
        except ValueError:
            return
        findings = run_checks(dossier, own.library, legal, own)
        reached["checked"] += 1
        for finding in findings:
            assert french(finding.message.split("« ")[0]), finding
        if clause_case["generate"]:
            from drafting_app.documents.docx import load_layout
            from drafting_app.documents.generate import generate
            from drafting_app.paths import default_layout

            blocked = [f for f in findings if f.code in
                       ("CLAUSE_IMPOSSIBLE_A_RENDRE", "PIECE_IMPOSSIBLE_A_PRODUIRE",
                        "VALEUR_CLAUSE")]
            out = bench.path("")
            try:
                written = generate(own, dossier, out, load_layout(default_layout()),
                                   pieces={"rc", "ccap"})
            except RenderError as exc:
                assert blocked, exc.problems  # check had said it
                return
            assert not blocked
            reached["generated"] += 1
            for item in written:
                text = "\n".join(p.text for p in docx.Document(str(item.path)).paragraphs)
                assert "root:x:0:0" not in text
            shutil.rmtree(out, ignore_errors=True)

    case()
    # not vacuous: most folders reach the renderer and the checks, some are generated
    assert reached["loaded"] > CLAUSE_CASES // 5 and reached["checked"] > CLAUSE_CASES // 6, \
        reached
    assert reached["generated"] > 0, reached
    print(f"dossiers de clause : {CLAUSE_CASES} tirés, {reached}")
