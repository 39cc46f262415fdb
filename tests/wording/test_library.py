"""The library loader: the shipped library is valid; every broken file is reported with its line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from drafting_app.files.problems import Problem
from drafting_app.files.toml_files import locate
from drafting_app.wording.library import Library, load_library
from drafting_app.wording.model import ClauseStatus, ReferenceStatus
from drafting_app.wording.render import Formats, make_environment
from tests.conftest import LIBRARY

CLAUSE = "condition-environnementale-dechets-verts"


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """A writable copy of the shipped library."""
    root = tmp_path / "bibliotheque"
    shutil.copytree(LIBRARY, root)
    return root


def load(root: Path) -> list[Problem]:
    return load_library(root, make_environment(Formats()))[1]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def only(problems: list[Problem], name: str) -> list[Problem]:
    return [p for p in problems if p.path.name == name]


def test_shipped_library_is_valid() -> None:
    library, problems = load_library(LIBRARY, make_environment(Formats()))
    assert problems == []
    assert len(library.clauses) >= 4
    assert {"ccap", "convention"} <= set(library.documents)


def test_unknown_key_is_reported_with_its_line(broken: Path) -> None:
    meta = broken / "clauses" / CLAUSE / "clause.toml"
    edit(meta, 'category = "environnement"', 'category = "environnement"\ncouleur = "vert"')
    (problem,) = load(broken)
    assert problem.path == meta
    assert problem.line == 4
    assert "couleur" in problem.message and "clé inconnue" in problem.message


def test_wrong_type_in_a_table_array_points_at_the_line(broken: Path) -> None:
    meta = broken / "clauses" / CLAUSE / "clause.toml"
    edit(meta, 'type = "montant"', 'type = "monnaie"')
    problems = load(broken)
    (problem,) = only(problems, "clause.toml")
    lines = meta.read_text(encoding="utf-8").splitlines()
    assert lines[problem.line - 1].startswith('type = "monnaie"')  # type: ignore[operator]
    assert "variables[1].type" in problem.message


def test_undeclared_and_unused_variables(broken: Path) -> None:
    text = broken / "clauses" / CLAUSE / "text.fr.md"
    edit(text, "{{ penalite_journaliere | money }}", "{{ penalite_jour | money }}")
    problems = load(broken)
    used = [p for p in problems if "utilisée mais n’est pas déclarée" in p.message]
    unused = [p for p in problems if "déclarée mais le texte ne l’utilise pas" in p.message]
    assert len(used) == 1 and used[0].path == text and used[0].line == 13
    assert "penalite_jour" in used[0].message
    assert len(unused) == 1 and "penalite_journaliere" in unused[0].message
    assert unused[0].line is not None


def test_jinja_syntax_error_has_its_line(broken: Path) -> None:
    text = broken / "clauses" / CLAUSE / "text.fr.md"
    edit(text, "{{ taux_valorisation | percent }}", "{{ taux_valorisation | percent }")
    problems = [p for p in load(broken) if "Jinja" in p.message]
    assert len(problems) == 1 and problems[0].line == 5


def test_unknown_filter_is_reported(broken: Path) -> None:
    text = broken / "clauses" / CLAUSE / "text.fr.md"
    edit(text, "| percent }}", "| pourcent }}")
    problems = [p for p in load(broken) if p.path == text]
    assert len(problems) == 1 and "pourcent" in problems[0].message


def test_bad_markup_has_its_source_line(broken: Path) -> None:
    text = broken / "clauses" / CLAUSE / "text.fr.md"
    edit(text, "# Traçabilité", "#### Traçabilité")
    problems = [p for p in load(broken) if p.path == text]
    assert [(p.line, "trois niveaux" in p.message) for p in problems] == [(7, True)]


def test_markup_line_is_true_after_loops(broken: Path) -> None:
    text = broken / "clauses" / "insertion-condition-execution" / "text.fr.md"
    edit(text, "# Personnes concernées", "Personnes **concernées")
    problems = [p for p in load(broken) if p.path == text]
    source = text.read_text(encoding="utf-8").splitlines()
    assert len(problems) == 1
    assert "**concernées" in source[problems[0].line - 1]  # type: ignore[operator]


def test_toml_syntax_error(broken: Path) -> None:
    meta = broken / "clauses" / CLAUSE / "clause.toml"
    edit(meta, 'version = 1', 'version = = 1')
    problems = only(load(broken), "clause.toml")
    assert len(problems) == 1 and problems[0].line == 4
    assert "TOML" in problems[0].message


def test_missing_files_and_bad_samples_are_all_collected(broken: Path) -> None:
    folder = broken / "clauses"
    (folder / CLAUSE / "expected.fr.txt").unlink()
    (folder / "lot-reserve-siae" / "text.fr.md").unlink()
    sample = folder / "insertion-condition-execution" / "sample.toml"
    edit(sample, "taux_insertion = 7", 'taux_insertion = "beaucoup"')
    edit(folder / "convention-contrat-engagement-republicain" / "clause.toml",
         'id = "convention-contrat-engagement-republicain"', 'id = "autre-nom"')
    problems = load(broken)
    messages = "\n".join(str(p) for p in problems)
    assert "rendu relu manquant" in messages
    assert "lot-reserve-siae/text.fr.md : fichier manquant" in messages
    assert "valeur d’exemple « taux_insertion » : un nombre est attendu" in messages
    assert "doit être le nom du dossier" in messages
    assert len(problems) == 4


def test_missing_library_folder(tmp_path: Path) -> None:
    library, problems = load_library(tmp_path / "absent", make_environment(Formats()))
    assert library.clauses == {}
    assert "introuvable" in problems[0].message


def test_locate_walks_tables() -> None:
    text = 'id = "x"\n\n[[variables]]\nname = "a"\n\n[[variables]]\nname = "b"\ntype = "z"\n'
    assert locate(text, ("id",)) == 1
    assert locate(text, ("variables", 1, "type")) == 8
    assert locate(text, ("variables", 0)) == 3


def test_unbacked_reference_is_refused(broken: Path) -> None:
    meta = broken / "clauses" / CLAUSE / "clause.toml"
    edit(meta, 'article = "L2112-2"', 'article = "L2112-99"')
    (problem,) = load(broken)
    assert problem.path == meta and "CCP art. L2112-99" in problem.message
    assert "absente de legal/references.toml" in problem.message
    lines = meta.read_text(encoding="utf-8").splitlines()
    assert lines[problem.line - 1] == 'article = "L2112-99"'  # type: ignore[operator]


def test_reference_to_check_requires_the_status(broken: Path) -> None:
    meta = broken / "clauses" / CLAUSE / "clause.toml"
    edit(meta, 'article = "L2112-2"', 'article = "R2111-16"')
    (problem,) = load(broken)
    assert "est à vérifier" in problem.message
    edit(meta, 'status = "à valider"', 'status = "à vérifier"')
    (problem,) = load(broken)  # the status alone is not enough: say what to verify
    assert "to_check" in problem.message and "R2111-16" in problem.message
    edit(meta, 'status = "à vérifier"',
         'status = "à vérifier"\nto_check = "numéro de l\'article R2111-16"')
    assert load(broken) == []


def test_to_check_status_without_an_open_point_is_refused(broken: Path) -> None:
    """A clause « à vérifier » whose facts are all verified must name what is left open."""
    meta = broken / "clauses" / CLAUSE / "clause.toml"
    edit(meta, 'status = "à valider"', 'status = "à vérifier"')
    (problem,) = load(broken)
    assert problem.path == meta and problem.line == 5
    assert "toutes ses références sont vérifiées" in problem.message
    assert "to_check" in problem.message and "à valider" in problem.message
    edit(meta, 'status = "à vérifier"',
         'status = "à vérifier"\nto_check = "taux de reprise des déchets verts"')
    assert load(broken) == []


def test_open_point_requires_the_to_check_status(broken: Path) -> None:
    """A clause that names an unverified fact cannot be « à valider » or « validé »."""
    meta = broken / "clauses" / CLAUSE / "clause.toml"
    edit(meta, 'status = "à valider"',
         'status = "à valider"\nto_check = "taux de reprise des déchets verts"')
    (problem,) = load(broken)
    assert problem.line == 5 and "« à valider » alors que to_check" in problem.message


def test_shipped_statuses_match_their_facts(library: Library) -> None:
    """Every shipped clause « à vérifier » says what is open; no other clause does."""
    assert library.references is not None
    for clause in library.clauses.values():
        meta = clause.meta
        unverified = [r for r in meta.references
                      if library.references.status_of(r.text, r.article)
                      is ReferenceStatus.TO_CHECK]
        if meta.status is ClauseStatus.TO_CHECK:
            assert meta.to_check.strip(), clause.id
        else:
            assert not unverified and not meta.to_check.strip(), clause.id


def test_placement_in_an_unknown_slot_is_reported(broken: Path) -> None:
    meta = broken / "clauses" / CLAUSE / "clause.toml"
    edit(meta, 'part = "execution"', 'part = "execusion"')
    (problem,) = load(broken)
    assert "emplacement « ccap/execusion » inconnu" in problem.message
    assert "execution" in problem.message  # lists the slots the CCAP has
