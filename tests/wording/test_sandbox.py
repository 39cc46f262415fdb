"""The sandbox's limits: work, size, recursion and time are bounded; every stop says why."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from drafting_app.checks import load_legal_data, run_checks
from drafting_app.wording.render import VALUES_KEY, Formats, RenderError, make_environment
from drafting_app.wording.sandbox import MAX_OUTPUT, RenderLimitError, RenderTimeout
from tests.robust_support import (
    HOSTILE,
    choosing,
    library_copy,
    loaded,
    renderer_for,
    with_clause_text,
)


def render(source: str, **context: object) -> str:
    env = make_environment(Formats())
    return str(env.from_string(source).render({**context, VALUES_KEY: []}))


@pytest.mark.parametrize(("source", "said"), [
    ("{{ 'a' * 1000000000 }}", "texte répété trop de fois"),
    ("{{ 1000000000 * ['a'] }}", "texte répété trop de fois"),
    ("{% for a in range(10000) %}{% for b in range(10000) %}{% endfor %}{% endfor %}",
     "opérations"),
    ("{{ range(100000000) | length }}", "range() donnerait"),
    ("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(1) }}", "appels imbriqués"),
    ("{{ 'a' | center(1000000000) }}", "argument du filtre « center » trop grand"),
    ("{{ '{:>999999999}'.format(1) }}", "« format » n’est pas permis"),
    ("{{ '%999999999s' | format(1) }}", "largeur de mise en forme"),
    ("{{ ('x' * 100000) | replace('x', 'yyyyyyyyyyyyyyyyyyyyyy') }}", "texte trop grand"),
    ("{% set ns = namespace(s='ab') %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}"
     "{% endfor %}{{ ns.s | length }}", "plus de 1\u202f000\u202f000 éléments"),
    ("{{ 2 ** 100000 }}", "puissance trop grande"),
    ("{% for i in range(10000) %}" + "x" * 1000 + "{% endfor %}",
     f"dépasse {MAX_OUTPUT // 1_000_000} millions de caractères"),
])
def test_limits_stop_a_rendering_with_a_french_reason(source: str, said: str) -> None:
    with pytest.raises(RenderLimitError) as caught:
        render(source)
    assert said in str(caught.value)


def test_ordinary_templates_are_untouched() -> None:
    env = make_environment(Formats())
    table: list[str] = []
    text = env.from_string("{% for i in range(3) %}x{% endfor %} {{ 'ab' * 2 }} {{ 2 ** 10 }}"
                           ).render({VALUES_KEY: table})
    assert text.startswith("xxx ")
    assert table == ["abab", "1\u202f024"]


def test_the_time_budget_stops_a_loop_that_calls_nothing(tmp_path: Path) -> None:
    # three loops over a long text: no call, no operator, no output for the sandbox to count
    root = library_copy(tmp_path)
    with_clause_text(root, "{% for a in tender.object %}{% for b in tender.object %}"
                     "{% for c in tender.object %}{% endfor %}{% endfor %}{% endfor %}Fin.\n")
    renderer = renderer_for(root, time_budget=0.3)
    data_object = "o" * 2000  # 8 × 10⁹ turns: hours without the budget
    dossier = choosing()
    dossier = dossier.model_copy(update={"tender": dossier.tender.model_copy(  # type: ignore
        update={"object": data_object})})
    clause = renderer.library.clauses[HOSTILE]
    with pytest.raises(RenderError) as caught:
        renderer.render_clause(clause, dossier, dossier.clauses[-1])
    (problem,) = caught.value.problems
    assert problem.path == clause.text_path  # the message names the clause
    assert "rendu arrêté : il durait trop longtemps" in problem.message
    # the thread is usable afterwards: no stop arrives late
    assert renderer.render_clause(renderer.library.clauses["reserve-detenus"], dossier)


def test_a_stopped_rendering_never_disturbs_another_thread(tmp_path: Path) -> None:
    env = make_environment(Formats())
    env.time_budget = 0.2  # type: ignore[attr-defined]
    errors: list[BaseException] = []

    def stuck() -> None:
        try:
            env.from_string("{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}").render(
                s="x" * 100_000, **{VALUES_KEY: []})
        except BaseException as exc:  # the stop, raised inside this thread
            errors.append(exc)

    thread = threading.Thread(target=stuck)
    thread.start()
    total = 0
    while thread.is_alive():  # this thread keeps working while the other is stopped
        total += sum(range(1000))
    thread.join()
    assert [type(e) for e in errors] == [RenderTimeout]
    assert total > 0


def test_macro_recursion_in_a_clause_names_the_clause(tmp_path: Path) -> None:
    root = library_copy(tmp_path)
    with_clause_text(root, "{% macro f(n) %}{{ f(n) }}{% endmacro %}Texte {{ f(1) }}.\n")
    renderer = renderer_for(root)
    dossier = choosing()
    with pytest.raises(RenderError) as caught:
        renderer.render_clause(renderer.library.clauses[HOSTILE], dossier, dossier.clauses[-1])
    (problem,) = caught.value.problems
    assert problem.path.parts[-2:] == (HOSTILE, "text.fr.md")
    assert "appels imbriqués" in problem.message and problem.line == 1


NUMBER = """[[variables]]
name = "nombre"
type = "entier"
label = "Nombre"
"""


@pytest.mark.parametrize(("value", "said"), [
    ("1e999999", "un nombre est attendu"),  # 400 s in words before
    (1e300, "nombre trop grand (au plus 1 000 000 000 000 000)"),
    ("9" * 20, "nombre trop grand (au plus 1 000 000 000 000 000)"),
    ("9" * 5000, "un nombre est attendu"),
])
def test_a_huge_value_in_words_is_refused_at_once_and_named_in_the_dossier(
        tmp_path: Path, value: object, said: str) -> None:
    root = library_copy(tmp_path)
    with_clause_text(root, "Soit {{ nombre | words }} heures.\n", NUMBER, "nombre = 12\n")
    renderer = renderer_for(root)
    dossier = choosing({"nombre": value})
    index = len(dossier.clauses) - 1
    with pytest.raises(RenderError) as caught:
        renderer.render_clause(renderer.library.clauses[HOSTILE], dossier, dossier.clauses[-1])
    (problem,) = caught.value.problems
    assert problem.message == f"« clauses[{index}].values.nombre » (clause « {HOSTILE} ») : {said}"
    assert "clause.toml" not in str(problem)  # the value is the dossier's, not the library's
    legal, _ = load_legal_data(root)
    findings = run_checks(dossier, renderer.library, legal, renderer)
    (finding,) = [f for f in findings if f.code == "VALEUR_CLAUSE"]
    assert finding.field == f"clauses[{index}].values.nombre"


def test_variable_bounds_are_bounded(tmp_path: Path) -> None:
    root = library_copy(tmp_path)
    with_clause_text(root, "{{ nombre }}\n", NUMBER + 'max = "1e999999"\n', "nombre = 1\n")
    from tests.review_support import load

    _, problems = load(root)
    (problem,) = [p for p in problems if p.path.name == "clause.toml"]
    assert "« variables[0].max » : la valeur doit être au plus 1000000000000000" in problem.message


def test_a_decimal_error_is_said_in_french(tmp_path: Path) -> None:
    root = library_copy(tmp_path)
    with_clause_text(root, "Montant : {{ nom | money }}.\n",
                     '[[variables]]\nname = "nom"\ntype = "texte"\nlabel = "Nom"\n',
                     'nom = "Dupont"\n')
    renderer = renderer_for(root)
    dossier = choosing({"nom": "Dupont"})
    with pytest.raises(RenderError) as caught:
        renderer.render_clause(renderer.library.clauses[HOSTILE], dossier, dossier.clauses[-1])
    (problem,) = caught.value.problems
    assert "InvalidOperation" not in problem.message and "<class" not in problem.message
    assert problem.message == ("rendu impossible : calcul sur un nombre invalide, trop grand "
                               "ou trop petit ; vérifiez les valeurs de la clause")


def test_unchanged_library_still_renders(tmp_path: Path) -> None:
    library = loaded(library_copy(tmp_path))
    assert HOSTILE in library.clauses


def test_private_use_characters_in_a_clause_are_plain_text(tmp_path: Path) -> None:
    """Issue 11, point 8; fixed by the speed work's value tokens (merged from main)."""
    root = library_copy(tmp_path)
    with_clause_text(root, "Texte \ue000 7 \ue001 et \ue0009\ue001 fin.\n")
    renderer = renderer_for(root)  # used to raise IndexError while loading the library
    dossier = choosing()
    blocks = renderer.render_clause(renderer.library.clauses[HOSTILE], dossier,
                                    dossier.clauses[-1])
    texts = [run.text for block in blocks for run in getattr(block, "runs", ())]
    assert "Texte \ue000 7 \ue001 et \ue0009\ue001 fin." in texts


@pytest.mark.parametrize(("text", "said"), [
    ("{{ }", "erreur de syntaxe Jinja : « } » inattendu"),
    ("{% if lots %}oui", "erreur de syntaxe Jinja : fin du texte inattendue : il manque une "
     "balise de fin ('elif' ou 'else' ou 'endif')"),
    ("{% endif %}", "erreur de syntaxe Jinja : balise inconnue « endif »"),
    ("{{ " + "9" * 5000 + " }}", "erreur de syntaxe Jinja : nombre trop long"),
    ("{{ " + "(" * 5000 + " }}", "erreur de syntaxe Jinja : expression imbriquée trop "
     "profondément"),
])
def test_syntax_errors_in_a_clause_are_french(tmp_path: Path, text: str, said: str) -> None:
    from tests.review_support import load

    root = library_copy(tmp_path)
    folder = with_clause_text(root, text + "\n")
    _, problems = load(root)
    (problem,) = [p for p in problems if p.path == folder / "text.fr.md"]
    assert problem.message == said and problem.line == 1


PROFILED = """
import sys
from drafting_app.wording.render import VALUES_KEY, Formats, make_environment
env = make_environment(Formats())
sys.setprofile(lambda *args: None)  # as a profiler or a debugger does
for n in range(50):
    env.from_string("{% for i in range(3) %}{{ i }}{% endfor %}").render({VALUES_KEY: []})
print("fini")
"""


def test_renderings_end_under_a_profiler_or_a_debugger() -> None:
    """Leaving a rendering no longer signals CPython's eval breaker: under a profile hook
    that left the thread spinning for ever, and slowed every later call without one."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", PROFILED], capture_output=True, text=True,
                          timeout=60, cwd=Path(__file__).resolve().parents[2])
    assert done.stdout.strip() == "fini", done.stderr
