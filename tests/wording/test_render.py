"""Rendering: French filters, sandbox, strict undefined names, values kept as typed."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jinja2.exceptions import SecurityError, UndefinedError

from drafting_app.documents.blocks import Paragraph, Run
from drafting_app.documents.text import blocks_to_text
from drafting_app.dossier.storage import load_dossier
from drafting_app.wording.library import load_library
from drafting_app.wording.markup import parse_markup
from drafting_app.wording.render import (
    VALUES_KEY,
    Formats,
    Renderer,
    insertion_hours,
    make_environment,
)
from tests.conftest import LIBRARY

NNBSP = "\u202f"
NBSP = "\u00a0"
ESCAPING = "Dupont & Fils <SARL> « l’été » **x** {{ y }} 1 234,56 €"


def render(source: str, **context: object) -> tuple[str, list[str]]:
    env = make_environment(Formats())
    table: list[str] = []
    text = env.from_string(source).render({**context, VALUES_KEY: table})
    return text, table


def test_money_and_numbers(formats: Formats) -> None:
    assert formats.money(Decimal("12500")) == f"12{NNBSP}500,00{NBSP}€"
    assert formats.money("1234.5") == f"1{NNBSP}234,50{NBSP}€"
    assert formats.number(833) == "833"
    assert formats.number(Decimal("1234567.891"), 2) == f"1{NNBSP}234{NNBSP}567,89"
    assert formats.percent(5) == f"5{NBSP}%"
    assert formats.percent(Decimal("5.5")) == f"5,5{NBSP}%"


def test_dates(formats: Formats) -> None:
    assert formats.date_long(dt.date(2026, 11, 23)) == "23 novembre 2026"
    assert formats.date_long(dt.date(2026, 1, 1)) == "1er janvier 2026"
    assert formats.date_long("2026-08-22") == "22 août 2026"
    assert formats.date_short(dt.date(2026, 4, 1)) == "01/04/2026"


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("12500", "douze mille cinq cents euros"),
        ("1", "un euro"),
        ("0", "zéro euro"),
        ("80", "quatre-vingts euros"),
        ("1000000", "un million d’euros"),
        ("2000000", "deux millions d’euros"),
        ("1200000", "un million deux cent mille euros"),
        ("35000.50", "trente-cinq mille euros et cinquante centimes"),
        ("21.01", "vingt et un euros et un centime"),
    ],
)
def test_amount_in_words(formats: Formats, amount: str, words: str) -> None:
    assert formats.amount_in_words(Decimal(amount)) == words


def test_insertion_hours_formula() -> None:
    # the worked example of the practitioners' guides: 1 M€ × 50 % × 5 % ÷ 30 €/h ≈ 833 h
    assert insertion_hours(Decimal(1_000_000), 50, 5, 30) == 833
    assert insertion_hours(Decimal(126_000), 70, 7, 30) == 206


def test_values_become_tokens_and_keep_their_text() -> None:
    text, table = render("Titulaire : {{ name }} — {{ amount | money }}", name=ESCAPING,
                         amount=Decimal("12500"))
    assert ESCAPING not in text  # only a token stands in the markup
    assert table == [ESCAPING, f"12{NNBSP}500,00{NBSP}€"]
    blocks, problems = parse_markup(text, table)
    assert problems == []
    assert blocks == (Paragraph((Run(f"Titulaire\u00a0: {ESCAPING} — 12{NNBSP}500,00{NBSP}€"),)),)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Co")), min_size=1))
def test_any_typed_value_comes_out_exactly(value: str) -> None:
    text, table = render("**Objet** : {{ v }}", v=value)
    blocks, problems = parse_markup(text, table)
    assert problems == []
    runs = blocks[0].runs  # type: ignore[union-attr]
    assert "".join(r.text for r in runs if not r.bold) == "\u00a0: " + value


def test_undefined_name_is_an_error() -> None:
    with pytest.raises(UndefinedError):
        render("{{ inconnu }}")


def test_sandbox_blocks_internals() -> None:
    with pytest.raises(SecurityError):
        render("{{ v.__class__.__mro__ }}", v="x")


def test_bare_values_print_in_french() -> None:
    _, table = render("{{ n }} {{ d }} {{ b }} {{ none }}", n=Decimal("12500.5"),
                      d=dt.date(2026, 4, 1), b=True, none=None)
    assert table == [f"12{NNBSP}500,5", "1er avril 2026", "oui", ""]


def test_inline_tags_on_a_line_of_text_keep_its_line_break() -> None:
    from drafting_app.wording.templates import prepare_source

    source = "{% if a %}Premier.{% endif %}\n\nSecond.\n{% for x in l %}\n- {{ x }}\n{% endfor %}\n"
    assert prepare_source(source).startswith("{% if a %}Premier.{% endif %}\n\nSecond.\n")
    text, _ = render(prepare_source(source), a=True, l=["x"])
    assert text.startswith("Premier.\n\nSecond.\n- ")


def test_private_use_characters_in_a_clause_file_and_a_lot_title_render_as_typed(
    tmp_path: Path, renderer: Renderer
) -> None:
    """U+E000/U+E001 were the value sentinels: a clause holding them broke every command."""
    typed = "\ue000" + "0" + "\ue001"
    root = tmp_path / "bibliotheque"
    shutil.copytree(LIBRARY, root)
    wording = root / "clauses" / "lot-reserve-siae" / "text.fr.md"
    wording.write_text(wording.read_text(encoding="utf-8") + f"\nCode {typed} fin.\n",
                       encoding="utf-8")
    env = make_environment(Formats())
    library, problems = load_library(root, env)
    assert problems == []
    clause = library.clauses["lot-reserve-siae"]
    dossier = load_dossier(root / "samples" / "marche_public.json")
    tender = dossier.tender
    assert tender is not None
    lots = tuple(lot.model_copy(update={"title": f"Lot {typed}"}) for lot in tender.lots)
    titled = dossier.model_copy(update={"tender": tender.model_copy(update={"lots": lots})})
    text = blocks_to_text(Renderer(library, env).render_clause(clause, titled))
    assert f"Code {typed} fin." in text
    assert f"«\u00a0Lot {typed}\u00a0»" in text
