"""The clause markup: blocks, emphasis, lists, tables, directives, and every error with its line."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from drafting_app.documents.blocks import (
    Heading,
    ListItem,
    PageBreak,
    Paragraph,
    Run,
    Table,
    TableOfContents,
)
from drafting_app.wording.markup import french_typography, parse_markup, value_token
from drafting_app.wording.render import VALUES_KEY, Formats, make_environment
from tests.wording import legacy_markup


def render_for_test(source: str, **context: object) -> tuple[str, list[str]]:
    """A wording rendered as the renderer does: its markup and its values."""
    env = make_environment(Formats())
    table: list[str] = []
    return env.from_string(source).render({**context, VALUES_KEY: table}), table


def test_headings_paragraphs_and_emphasis() -> None:
    blocks, problems = parse_markup(
        "# Objet\n\nLe **titulaire** doit *impérativement*\ncontinuer.\n\n## Détail {-}\n"
    )
    assert problems == []
    assert blocks[0] == Heading(1, (Run("Objet"),))
    assert blocks[1] == Paragraph(
        (Run("Le "), Run("titulaire", bold=True), Run(" doit "),
         Run("impérativement", italic=True), Run(" continuer.")))
    assert blocks[2] == Heading(2, (Run("Détail"),), numbered=False)


def test_lists_restart_and_nest() -> None:
    text = "1. un\n2. deux\n  - sous-point\n3. trois\n\nTexte.\n\n1. encore\n"
    blocks, problems = parse_markup(text)
    assert problems == []
    items = [b for b in blocks if isinstance(b, ListItem)]
    assert [(i.ordered, i.level) for i in items] == [
        (True, 0), (True, 0), (False, 1), (True, 0), (True, 0)]
    first, second = items[0].list_id, items[4].list_id
    assert items[1].list_id == items[3].list_id == first  # resumes after the nested list
    assert second != first  # a new list restarts its numbering
    assert items[2].list_id not in (first, second)


def test_table_and_directives() -> None:
    blocks, problems = parse_markup("[[toc]]\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\n[[pagebreak]]\n")
    assert problems == []
    assert isinstance(blocks[0], TableOfContents)
    table = blocks[1]
    assert isinstance(table, Table)
    assert table.header == ((Run("A"),), (Run("B"),))
    assert table.rows == (((Run("1"),), (Run("2"),)),)
    assert isinstance(blocks[2], PageBreak)


def test_note_paragraph() -> None:
    blocks, _ = parse_markup("> À compléter par l’acheteur.\n")
    assert blocks == (Paragraph((Run("À compléter par l’acheteur."),), "note"),)


def test_values_are_never_markup() -> None:
    typed = "Dupont & Fils <SARL> « l’été » **x** {{ y }} 1 234,56 €\n# pas un titre | ni *ça*"
    blocks, problems = parse_markup(f"Titulaire : **{value_token(0)}**.", [typed])
    assert problems == []
    (paragraph,) = blocks
    assert isinstance(paragraph, Paragraph)
    assert Run(typed, bold=True) in paragraph.runs


def test_french_typography_on_wording_only() -> None:
    assert french_typography("Objet : « x » ; oui ? l'été !") == (
        "Objet\u00a0: «\u00a0x\u00a0»\u202f; oui\u202f? l’été\u202f!")
    blocks, _ = parse_markup(f"Valeur : {value_token(0)}", ["a ; b : 'c'"])
    assert blocks == (Paragraph((Run("Valeur\u00a0: a ; b : 'c'"),)),)


def test_no_break_before_percent_and_euro_and_after_numero() -> None:
    assert french_typography("au moins 50 % et 40 € ; lot n° 2") == (
        "au moins 50\u00a0% et 40\u00a0€\u202f; lot n°\u00a02")


def test_figures_written_in_the_wording_do_not_break() -> None:
    assert french_typography("supérieur à 50 000 € et à 5 404 000 €") == (
        "supérieur à 50\u202f000\u00a0€ et à 5\u202f404\u202f000\u00a0€")
    assert french_typography("articles 36 et 37, lot 2 100 m") == (
        "articles 36 et 37, lot 2\u202f100 m")


def test_no_break_before_ht_after_an_amount() -> None:
    assert french_typography("45,00 € HT") == "45,00\u00a0€\u00a0HT"
    blocks, _ = parse_markup(f"pénalité de {value_token(0)} HT par heure", ["45,00\u00a0€"])
    assert blocks == (Paragraph((Run("pénalité de 45,00\u00a0€\u00a0HT par heure"),)),)


def test_escapes() -> None:
    blocks, problems = parse_markup("CERFA n° 15059\\*02 \\# \\| fin")
    assert problems == []
    assert blocks == (Paragraph((Run("CERFA n°\u00a015059*02 # | fin"),)),)


def test_line_break_with_backslash() -> None:
    blocks, _ = parse_markup("Première ligne\\\nseconde ligne")
    assert blocks == (Paragraph((Run("Première ligne\nseconde ligne"),)),)


def test_every_problem_is_reported_with_its_line() -> None:
    text = "\n".join([
        "#### trop profond",        # 1
        "texte **non fermé",        # 2
        "",                         # 3
        "[[inconnue]]",             # 4
        "",                         # 5
        "| a | b |",                # 6
        "| 1 |",                    # 7
        "",                         # 8
        "   - retrait impair",      # 9
        "",                         # 10
        "| a | b |",                # 11
        "|---|---|",                # 12
        "| 1 | 2 | 3 |",            # 13
        "- item",                   # 14
        "texte collé",              # 15
    ])
    _, problems = parse_markup(text)
    lines = {(p.line, p.message.split(" ")[0]) for p in problems}
    assert (1, "titre") in lines
    assert (2, "gras") in lines
    assert (4, "directive") in lines
    assert (6, "tableau") in lines
    assert (9, "retrait") in lines
    assert (13, "ligne") in lines
    assert (15, "texte") in lines


# The tokenizer parses exactly as the character loop it replaced (tests/wording/legacy_markup.py)
_MARKUP_PIECES = st.sampled_from([
    "a", "é", " ", "  ", "\n", "\n\n", "*", "**", "\\", "\\*", "\\|", "\\\\", "#", "# ", "## ",
    "- ", "  - ", "1. ", "| a | b |\n|---|---|\n", "| 1 | 2 |", ":", " :", "«", "»", "50 000",
    "n° ", "12 €", "[[toc]]", "> ", "{-}", value_token(0), value_token(1), value_token(7),
    "\udc00", "\udc01", "\ue000", "\ue001", "\ue0000\ue001",
])


@settings(max_examples=400, deadline=None)
@given(st.lists(_MARKUP_PIECES, max_size=30).map("".join))
def test_tokenizer_parses_as_the_character_loop_did(text: str) -> None:
    values = ["valeur **brute**", "", "x"]
    try:
        expected = legacy_markup.parse_markup(text, values)
    except IndexError:  # the old loop crashed on a sentinel beyond the values
        expected = None
    blocks, problems = parse_markup(text, values)
    if expected is None:
        assert any(p.message == "valeur mal délimitée" for p in problems)
    else:
        assert (blocks, [(p.line, p.message) for p in problems]) == (
            expected[0], [(p.line, p.message) for p in expected[1]])


def test_private_use_characters_in_wording_and_values_come_out_as_typed() -> None:
    """U+E000/U+E001 were the value sentinels: typed in a clause they broke every command."""
    typed = "\ue000" + "0" + "\ue001"
    text, table = render_for_test(f"Code {typed} : {{{{ v }}}} fin", v=f"{typed}**x**")
    blocks, problems = parse_markup(text, table)
    assert problems == []
    assert blocks == (Paragraph((Run(f"Code {typed}\u00a0: {typed}**x** fin"),)),)
