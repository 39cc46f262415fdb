"""The readable wording: every shipped clause in French a lawyer reads, without Jinja."""

from __future__ import annotations

import dataclasses
import inspect
import re
import typing

import pytest
from pydantic import BaseModel

from drafting_app.documents.facts import Facts
from drafting_app.dossier.model import Dossier
from drafting_app.review.fact_labels import FACT_LABELS, FACT_NOUNS
from drafting_app.review.field_labels import FIELD_LABELS, MODEL_NOUNS, is_model, path_label
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


@pytest.mark.parametrize(("source", "problem"), [
    ("{{ facts.vague_idea }}", "champ « vague_idea » non traduit"),
    ("{{ tender.periods.real }}", "attribut « real » non traduit"),
    ("{{ lots | groupby(\"title\") }}", "filtre « groupby » non traduit"),
    ("{{ lots | map(\"upper\") | join(\", \") }}", "filtre « map » non traduit"),
    ("{{ lots | selectattr(\"number\", \"odd\") | list }}", "filtre « selectattr » non traduit"),
    ("{{ facts.lot(1, 2).title }}", "appel de fonction non traduit"),
    ("{{ range(1, 2, 3) | length }}", "appel de fonction « range » non traduit"),
    ("{% for a, b in tender.lots %}{{ a }}{% endfor %}", "boucle sur plusieurs noms non traduit"),
    ("{% for a, b, c in facts.to_validate_by_status %}{{ a }}{% endfor %}",
     "boucle sur plusieurs noms non traduit"),
])
def test_a_construct_the_translation_does_not_know_is_reported(source: str, problem: str) -> None:
    """A future construct is reported « non traduit » and shown as such, never dropped."""
    wording = readable_wording(meta([]), f"Texte {source}.\n", ENV)
    assert any(problem in found for found in wording.problems), wording.problems
    assert "non traduit" in wording.text()
    for pattern, what in LEFTOVERS:
        assert not pattern.findall(wording.text()), what


def _read(source: str) -> str:
    """The readable text of a made-up clause, which must translate without a problem."""
    wording = readable_wording(meta([]), source, ENV)
    assert wording.problems == (), wording.problems
    return wording.text()


def test_the_shared_facts_read_by_their_french_names() -> None:
    text = _read("{% if facts.advance.sme_rate_differs %}Deux déclarations.{% else %}Une "
                 "déclaration.{% endif %} {% if not facts.advance.sme_rate_differs %}Une seule."
                 "{% endif %} Référence {{ facts.reference }}, avance de "
                 "{{ facts.advance.rate | percent }}.\n")
    assert text == ("[Si le taux de l’avance pour les PME dépasse le taux général\u00a0:] Deux "
                    "déclarations. [Sinon\u00a0:] Une déclaration. [Fin] [Si le taux de l’avance "
                    "pour les PME ne dépasse pas le taux général\u00a0:] Une seule. [Fin] "
                    "Référence [référence du dossier], avance de [taux de l’avance, en "
                    "pourcentage].\n")
    # a list of facts: its elements are counted in the right gender
    assert _read("{% if facts.to_validate %}Projet.{% endif %}\n") == (
        "[S’il y a au moins une clause non encore validée\u00a0:] Projet. [Fin]\n")
    assert _read("{% if not facts.lots_without_maximum %}Complet.{% endif %}\n") == (
        "[S’il n’y a aucun lot sans maximum\u00a0:] Complet. [Fin]\n")


def test_a_lot_found_by_its_number_is_the_lot_of_the_loop() -> None:
    text = _read("| Lot | Minimum |\n|---|---|\n{% for lot in lots %}\n"
                 "{% set known = facts.lot(lot.number) %}\n"
                 "| {{ lot.number }} | {{ known.minimum_text }} |\n{% endfor %}\n")
    assert ("| [Pour chaque lot concerné\u00a0:] [numéro du lot] | [minimum du lot (montant HT, "
            "quantité ou «\u00a0sans minimum\u00a0»)] |") in text
    # found by another value: the lot is named by that value
    assert _read("Lot {{ facts.lot(2).title }}.\n") == (
        "Lot [intitulé du lot dont le numéro est 2].\n")


def test_a_loop_over_pairs_names_each_member() -> None:
    text = _read("Clauses{% for status, titles in facts.to_validate_by_status %} ; {{ status }}"
                 " : {% for title in titles %}« {{ title }} »{% if loop.revindex == 2 %} et "
                 "{% elif not loop.last %}, {% endif %}{% endfor %}{% endfor %}.\n")
    assert text == ("Clauses [Pour chaque statut de validation\u00a0:]\u202f; [statut de "
                    "validation]\u00a0: [intitulés des clauses de ce statut, chacun entre "
                    "guillemets, à la suite] [Fin].\n")


def test_selections_of_lots_read_as_lots_with_a_qualifier() -> None:
    unit = 'lots | selectattr("pricing.value", "in", ["prix_unitaires", "prix_mixtes"]) | list'
    text = _read(f"{{% set unit_lots = {unit} %}}\n"
                 "{% if unit_lots and unit_lots | length < lots | length %}Pour "
                 "{% if unit_lots | length == 1 %}le lot n° {{ unit_lots[0].number }}"
                 "{% else %}les lots n° {{ unit_lots | map(attribute=\"number\") | join(\", \") }}"
                 "{% endif %}, les prix sont unitaires.{% endif %}\n")
    qualifier = "(forme des prix\u00a0: prix unitaires ou prix mixtes)"
    assert text == (f"[S’il y a au moins un lot concerné {qualifier} et une partie seulement des "
                    f"lots {qualifier}\u00a0:] Pour [Si un seul lot {qualifier}\u00a0:] le lot "
                    f"n°\u00a0[numéro du lot {qualifier}] [Sinon\u00a0:] les lots n°\u00a0[numéro "
                    f"de chaque lot concerné {qualifier}, à la suite] [Fin], les prix sont "
                    "unitaires. [Fin]\n")
    # selections in a row add up: priced as a lump sum or mixed, but not mixed
    assert _read('{% if lots | selectattr("pricing.value", "in", ["prix_global_forfaitaire", '
                 '"prix_mixtes"]) | rejectattr("pricing.value", "equalto", "prix_mixtes") | list '
                 '| length == 0 %}Tout est mixte.{% endif %}\n') == (
        "[Si aucun lot (forme des prix\u00a0: prix global et forfaitaire)\u00a0:] Tout est "
        "mixte. [Fin]\n")
    # the words for the count of all the tender's lots are not those of a selection of them
    assert _read('{% if tender.lots | selectattr("reservation") | list | length > 1 %}Réservés.'
                 '{% endif %}\n') == ("[Si le nombre de lots du marché (avec réservation) dépasse "
                                      "1\u00a0:] Réservés. [Fin]\n")
    # a selection of the clause's lots is not « le marché est alloti »
    assert _read('{% if lots | selectattr("minimum") | list %}Minimum.{% endif %} '
                 '{% if lots | rejectattr("maximum") | list %}Maximum.{% endif %}\n') == (
        "[S’il y a au moins un lot concerné (avec minimum)\u00a0:] Minimum. [Fin] [S’il y a au "
        "moins un lot concerné (sans maximum)\u00a0:] Maximum. [Fin]\n")


def test_the_tenders_computed_properties_read_as_propositions() -> None:
    text = _read("{% if tender.periods > 1 or tender.is_framework %}Par période.{% endif %} "
                 "{% if tender.renewals %}Reconductions comprises.{% endif %} "
                 "{% if tender.lots | length > 1 %}Par lot.{% endif %} "
                 "Au plus {{ tender.total_months }} mois, en {{ tender.periods | words }} "
                 "périodes.\n")
    assert text == ("[Si le marché prévoit au moins une reconduction ou le marché est un "
                    "accord-cadre\u00a0:] Par période. [Fin] [Si le marché prévoit au moins une "
                    "reconduction\u00a0:] Reconductions comprises. [Fin] [Si le marché compte "
                    "plusieurs lots\u00a0:] Par lot. [Fin] Au plus [durée maximale du marché, "
                    "reconductions comprises, en mois] mois, en [nombre de périodes d’exécution, "
                    "en lettres] périodes.\n")
    assert _read("{% if not tender.is_framework and tender.periods == 1 %}Simple.{% endif %}\n"
                 ) == ("[Si le marché n’est pas un accord-cadre et le marché ne prévoit aucune "
                       "reconduction\u00a0:] Simple. [Fin]\n")


def test_a_numbered_loop_reads_from_first_to_last() -> None:
    text = _read("| Membre | Part |\n|---|---|\n| Mandataire | |\n"
                 "{% for n in range(1, tender.groupement_rows) %}\n| Cotraitant n° {{ n }} | |\n"
                 "{% endfor %}\n{% for n in range(3) %}\n- ligne {{ n }}\n{% endfor %}\n")
    assert ("| [Pour chaque numéro de 1 à «\u00a0nombre de lignes prévues pour les membres d’un "
            "groupement\u00a0» − 1\u00a0:] Cotraitant n°\u00a0[numéro] |  |") in text
    assert "- [Pour chaque numéro de 0 à 2\u00a0:] ligne [numéro]" in text


def test_a_table_whose_separator_depends_on_a_condition_is_reported() -> None:
    """Why `pme-avance-acte-engagement` writes each table whole in its own branch."""
    cut = ("| A | B |{% if facts.advance.sme_rate_differs %} C |{% endif %}\n"
           "|---|---|{% if facts.advance.sme_rate_differs %}---|{% endif %}\n")
    assert any("tableau sans ligne de séparation" in problem
               for problem in readable_wording(meta([]), cut, ENV).problems)
    whole = ("{% if facts.advance.sme_rate_differs %}\n| A | B | C |\n|---|---|---|\n"
             "{% else %}\n| A | B |\n|---|---|\n{% endif %}\n")
    assert _read(whole) == ("[Si le taux de l’avance pour les PME dépasse le taux général\u00a0:]"
                            "\n\n| A | B | C |\n|---|---|---|\n\n[Sinon\u00a0:]\n\n| A | B |\n"
                            "|---|---|\n\n[Fin de la condition]\n")


def test_the_six_clauses_of_the_new_features_read_as_french(library: Library) -> None:
    """The clauses that brought the facts, tender properties, selections and pairs."""
    def text_of(clause_id: str) -> str:
        return readable(library.clauses[clause_id])

    framework = text_of("accord-cadre-bons-de-commande")
    assert ("| [Pour chaque lot concerné\u00a0:] [numéro du lot] | [intitulé du lot] | [minimum du "
            "lot (montant HT, quantité ou «\u00a0sans minimum\u00a0»)] | [maximum du lot "
            "(montant HT ou quantité)] |") in framework
    assert "[S’il y a au moins un lot concerné (avec minimum)\u00a0:] le minimum et [Fin]" \
        in framework
    assert "[Si le marché prévoit au moins une reconduction\u00a0:] , reconductions comprises" \
        in framework
    warning = text_of("avertissement-projet")
    assert warning.startswith("> [S’il y a au moins une clause non encore validée\u00a0:] "
                              "**Projet")
    assert ("[Pour chaque statut de validation\u00a0:]\u202f; [statut de validation]\u00a0: "
            "[intitulés des clauses de ce statut, chacun entre guillemets, à la suite] [Fin]. Ce "
            "document") in warning
    prices = text_of("forme-des-prix")
    assert "[Si aucun lot (forme des prix\u00a0: prix global et forfaitaire)\u00a0:] qui ne " \
           "figurent pas au bordereau" in prices
    assert "[Si le marché est un accord-cadre\u00a0:] commandées et [Fin]" in prices
    for insertion in ("insertion-condition-execution", "insertion-proprete-reprise-personnel"):
        hours = text_of(insertion)
        assert "[Si le marché prévoit au moins une reconduction ou le marché est un " \
               "accord-cadre\u00a0:]" in hours
        assert "([durée maximale du marché, reconductions comprises, en mois] mois)" in hours
    advance = text_of("pme-avance-acte-engagement")
    assert advance.count("| Mandataire |") == 2
    assert ("[Pour chaque numéro de 1 à «\u00a0nombre de lignes prévues pour les membres d’un "
            "groupement\u00a0» − 1\u00a0:] Cotraitant n°\u00a0[numéro]") in advance


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


def _members(model: type) -> list[str]:
    """A class's own public properties and methods (what a template may read besides fields)."""
    return [name for name, member in vars(model).items() if not name.startswith("_")
            and (isinstance(member, property) or inspect.isfunction(member))]


def test_every_dossier_field_has_a_french_name() -> None:
    models: set[type[BaseModel]] = set()
    _models(Dossier, models)
    missing = [f"{m.__name__}.{name}" for m in models for name in [*m.model_fields, *_members(m)]
               if f"{m.__name__}.{name}" not in FIELD_LABELS]
    assert missing == []
    assert models <= set(MODEL_NOUNS)
    assert path_label("tender.advance_rate") == "taux de l’avance"
    assert path_label("tender.lots.title") is None


def test_every_shared_fact_has_a_french_name() -> None:
    """Every field, property and method of the facts a template reads, and every facts class."""
    classes: set[type] = set()

    def walk(cls: type) -> None:
        if cls in classes:
            return
        classes.add(cls)
        hints = typing.get_type_hints(cls)
        for annotation in hints.values():
            for inner in [annotation, *typing.get_args(annotation)]:
                for arg in [inner, *typing.get_args(inner)]:
                    if dataclasses.is_dataclass(arg) and isinstance(arg, type):
                        walk(arg)

    walk(Facts)
    assert set(FACT_NOUNS) == classes
    names = [f"{cls.__name__}.{name}" for cls in classes for name in
             [*(f.name for f in dataclasses.fields(cls)), *_members(cls)]]
    assert [name for name in names if name not in FACT_LABELS] == []
    assert [name for name in FACT_LABELS if name not in names] == []
    assert all(is_model(cls) for cls in classes)
