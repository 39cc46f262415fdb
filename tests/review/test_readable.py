"""The readable wording: every shipped clause in French a lawyer reads, without Jinja."""

from __future__ import annotations

import re
import typing

import pytest
from pydantic import BaseModel

from drafting_app.dossier.model import Dossier
from drafting_app.review.field_labels import FIELD_LABELS, MODEL_NOUNS, path_label
from drafting_app.review.readable import (
    iter_annotations,
    lower_first,
    plain,
    readable_wording,
    spans,
    wording_lines,
)
from drafting_app.wording.library import Clause, Library
from drafting_app.wording.markup import french_typography
from drafting_app.wording.model import ClauseMeta
from drafting_app.wording.render import Formats, make_environment
from drafting_app.wording.thresholds import threshold_labels_of
from tests.review_support import LIBRARY, load

ENV = make_environment(Formats())
FILTERS = ("money", "percent", "number", "words", "amount_in_words", "date_long", "date_short",
           "time", "label", "lower_first", "length", "sum", "selectattr", "rejectattr", "list")
#: what Jinja or Python would leave in a text that was not translated
LEFTOVERS = (
    (re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}"), "balise Jinja"),
    (re.compile(r"\|\s*(?:" + "|".join(FILTERS) + r")\b"), "filtre"),
    (re.compile(r"\b[a-z]+_[a-z0-9_]+\b"), "nom Python"),
    (re.compile(r"\b(?:lots?|tender|buyer|subsidy|dossier|loop|critere|objective|indicator|"
                r"payment)(?:\.[a-z]|\[\d)"), "accès à un champ"),
    (re.compile(r"==|!=|<=|>=|\b(?:and|or|not|none|None|True|False|is|elif|endif|endfor)\b"),
     "opérateur Python"),
)


@pytest.fixture(scope="module")
def library() -> Library:
    loaded, problems = load(LIBRARY)
    assert problems == []
    return loaded


def readable(clause: Clause) -> str:
    wording = readable_wording(clause.meta, clause.text, ENV)
    assert wording.problems == (), f"{clause.id} : {wording.problems}"
    return wording.text()


def meta(variables: list[dict[str, object]]) -> ClauseMeta:
    """Metadata of a made-up clause with these variables."""
    return ClauseMeta.model_validate({
        "id": "essai", "title": "Essai", "category": "essais", "version": 1,
        "status": "brouillon", "placements": [{"piece": "ccap", "part": "prix"}],
        "no_reference_reason": "essai", "note": "Essai.", "variables": variables})


def test_every_shipped_clause_reads_in_french_with_its_labels(library: Library) -> None:
    assert len(library.clauses) >= 60
    for clause in library.clauses.values():
        text = readable(clause)
        for pattern, what in LEFTOVERS:
            found = pattern.findall(text)
            assert not found, f"{clause.id} : {what} restant(e) : {found}"
        for variable in clause.meta.variables:
            label = lower_first(french_typography(variable.label))
            label = re.sub(r"«\s*", "“", re.sub(r"\s*»", "”", label))
            assert label in text or lower_first(french_typography(variable.label)) in text, (
                f"{clause.id} : la variable « {variable.name} » n’est pas nommée par son "
                f"libellé « {variable.label} »")
        # every placeholder and every note is bracketed
        for kind, annotation in iter_annotations(readable_wording(
                clause.meta, clause.text, ENV).marked_text()):
            assert annotation.startswith("[") and annotation.endswith("]"), (clause.id, kind)


def test_conditions_loops_and_filters_read_as_notes_and_placeholders(library: Library) -> None:
    siae = readable(library.clauses["lot-reserve-siae"])
    assert ("[Si le marché n’est pas alloti\u00a0:] le présent marché est réservé "
            "[Sinon, si un seul lot\u00a0:] le lot n°\u00a0[numéro du lot] «\u00a0[intitulé du "
            "lot]\u00a0» est réservé [Sinon\u00a0:] les lots suivants sont réservés [Fin]") in siae
    assert ("- [Si plusieurs lots\u00a0:] [Pour chaque lot concerné\u00a0:] lot n°\u00a0[numéro "
            "du lot]\u00a0: [intitulé du lot]\u202f;") in siae
    advance = readable(library.clauses["pme-avance"])
    assert "égal à [taux de l’avance (cas général), en pourcentage] du montant initial" in advance
    assert ("[Si «\u00a0taux de l’avance lorsque le titulaire est une PME\u00a0» dépasse "
            "«\u00a0taux de l’avance (cas général)\u00a0»\u00a0:] Lorsque le titulaire") in advance
    # a dated threshold is named by what its entries share, whatever the buyer
    labels = threshold_labels_of(LIBRARY)
    advance = readable_wording(library.clauses["pme-avance"].meta,
                               library.clauses["pme-avance"].text, ENV, thresholds=labels).text()
    assert "taux minimal de l’avance versée aux PME (valeur en vigueur à la date du dossier)" \
        in advance
    money = readable(library.clauses["subvention-financement-versement"])
    assert "[montant annuel de la subvention, en euros] ([montant annuel de la subvention, " \
           "en lettres])" in money
    assert "[Pour chaque versement de l’échéancier\u00a0:] [libellé du versement]" in money
    chantier = readable(library.clauses["env-travaux-chantier"])
    assert "[Fin de la condition]" in chantier
    equality = readable(library.clauses["ecocond-egalite-femmes-hommes"])
    assert "[Si l’acheteur ne retient aucun de ces choix\u00a0:" in equality
    assert "- [Si l’acheteur retient «\u00a0prévention des violences sexistes et sexuelles" \
           "\u00a0»\u00a0:] prévenir" in equality


def test_derived_from_the_syntax_tree_not_from_the_characters() -> None:
    variables = [
        {"name": "montant", "type": "montant", "label": "Montant de l'avance"},
        {"name": "taux", "type": "pourcentage", "label": "Taux appliqué"},
        {"name": "mode", "type": "choix", "label": "Mode de calcul",
         "choices": ["forfait (A)", "réel (B)"]},
        {"name": "produits", "type": "liste", "label": "Produits"},
        {"name": "option", "type": "booleen", "label": "Option retenue"},
    ]
    spaced = ("Il verse {{ montant | amount_in_words }}{# une remarque #} au taux de "
              "{{taux|percent}}.\n")
    tight = "Il verse {{montant|amount_in_words}} au taux de {{ taux | percent }}.\n"
    first = readable_wording(meta(variables), spaced, ENV).text()
    assert first == readable_wording(meta(variables), tight, ENV).text()
    assert first == ("Il verse [montant de l’avance, en lettres] au taux de [taux appliqué, en "
                     "pourcentage].\n")
    text = ("{% if \"(A)\" in mode and taux > 5 %}Forfait.{% elif not option %}Réel."
            "{% endif %}\n\n{% for produit in produits %}\n- {{ produit }}{% if loop.last %}."
            "{% else %} ;{% endif %}\n{% endfor %}\n\nListe : {% for p in produits %}{{ p }}"
            "{% if not loop.last %}, {% endif %}{% endfor %}.\n")
    wording = readable_wording(meta(variables), text, ENV)
    assert wording.problems == ()
    lines = wording.text().split("\n\n")
    assert lines[0] == ("[Si «\u00a0mode de calcul\u00a0» est «\u00a0forfait (A)\u00a0» et "
                        "«\u00a0taux appliqué\u00a0» dépasse 5\u00a0%\u00a0:] Forfait. "
                        "[Sinon, si l’acheteur ne retient pas «\u00a0option retenue\u00a0»"
                        "\u00a0:] Réel. [Fin]")
    assert lines[1] == ("- [Pour chaque élément de «\u00a0produits\u00a0»\u00a0:] [élément de "
                        "la liste]\u202f;")
    assert lines[2] == "Liste\u00a0: [éléments de «\u00a0produits\u00a0», à la suite].\n"
    kinds = [kind for kind, _ in iter_annotations(wording.marked_text())]
    assert kinds.count("note") == 4 and kinds.count("value") == 2


def test_what_cannot_be_translated_is_reported_not_hidden() -> None:
    wording = readable_wording(meta([]), "{% macro m() %}x{% endmacro %}Texte {{ inconnu }}.\n",
                               ENV)
    assert any("non traduit" in problem for problem in wording.problems)
    assert "{%" not in wording.text() and "inconnu" not in wording.text()
    broken = readable_wording(meta([]), "{% if %}\n", ENV)
    assert broken.blocks == () and "erreur de syntaxe Jinja" in broken.problems[0]


def test_marks_split_back_into_text_placeholders_and_notes() -> None:
    wording = readable_wording(meta([{"name": "x", "type": "texte", "label": "Valeur"}]),
                               "{% if x %}A {{ x }}{% endif %}\n", ENV)
    marked = wording.marked_text()
    assert [kind for _, kind in spans(marked)] == ["note", "text", "value", "text", "note",
                                                    "text"]
    assert plain(marked) == "[Si «\u00a0valeur\u00a0» est renseigné\u00a0:] A [valeur] [Fin]\n"
    assert wording_lines(wording.blocks) == marked


def _models(model: type[BaseModel], seen: set[type[BaseModel]]) -> None:
    if model in seen:
        return
    seen.add(model)
    for info in model.model_fields.values():
        for arg in [info.annotation, *typing.get_args(info.annotation)]:
            for inner in [arg, *typing.get_args(arg)]:
                if isinstance(inner, type) and issubclass(inner, BaseModel):
                    _models(inner, seen)


def test_every_dossier_field_has_a_french_name() -> None:
    models: set[type[BaseModel]] = set()
    _models(Dossier, models)
    missing = [f"{m.__name__}.{name}" for m in models for name in m.model_fields
               if f"{m.__name__}.{name}" not in FIELD_LABELS]
    assert missing == []
    assert models <= set(MODEL_NOUNS)
    assert path_label("tender.advance_rate") == "taux de l’avance"
    assert path_label("tender.lots.title") is None
