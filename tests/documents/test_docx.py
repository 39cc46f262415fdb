"""Tests of the Word writer: blocks -> .docx on the house layout, reopened and checked."""

from __future__ import annotations

import re
import shutil
import warnings
import zipfile
from pathlib import Path
from typing import Any

import pytest
from docx.oxml.ns import qn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafting_app.documents.blocks import (
    Document,
    Heading,
    ListItem,
    PageBreak,
    Paragraph,
    Run,
    Table,
    TableOfContents,
)
from drafting_app.documents.docx import (
    AFTER_TABLE,
    DEFAULT_STYLES,
    ExportError,
    Layout,
    LayoutError,
    RemovedCharactersWarning,
    check_layout,
    export_docx,
    load_layout,
)
from tests.docx_helpers import (
    DEFAULT_LAYOUT,
    ESCAPING,
    Para,
    body_paragraphs,
    instr_texts,
    part_xml,
    reopen,
    rewrite_part,
    runs,
    sample_document,
    sample_info,
)

NBSP = "\u00a0"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@pytest.fixture(scope="module")
def layout() -> Layout:
    return load_layout(DEFAULT_LAYOUT)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory, layout: Layout) -> Path:
    out = tmp_path_factory.mktemp("export") / "ccap.docx"
    export_docx(sample_document(), out, layout)
    return out


def num_abstract(numbering: Any, num_id: str) -> str:
    for num in numbering.iterchildren(qn("w:num")):
        if num.get(qn("w:numId")) == num_id:
            return str(num.find(qn("w:abstractNumId")).get(qn("w:val")))
    raise AssertionError(f"numId {num_id} absent de numbering.xml")


def lvl(numbering: Any, abstract_id: str, ilvl: int) -> Any:
    for abstract in numbering.iterchildren(qn("w:abstractNum")):
        if abstract.get(qn("w:abstractNumId")) == abstract_id:
            for level in abstract.iterchildren(qn("w:lvl")):
                if level.get(qn("w:ilvl")) == str(ilvl):
                    return level
    raise AssertionError(f"niveau {ilvl} absent de la liste {abstract_id}")


def val(element: Any, path: str) -> str | None:
    """The w:val of the element at `path`, where "{w}" stands for the WordprocessingML namespace."""
    found = element.find(path.format(w="{" + W_NS + "}"))
    return None if found is None else str(found.get(qn("w:val")))


# --- body ---------------------------------------------------------------------------------------


def test_paragraphs_come_out_in_order_with_the_layout_styles(sample: Path) -> None:
    paragraphs = body_paragraphs(sample)
    article = f"Article{NBSP}%d{NBSP}– "
    expected = [
        Para("Commune de Saint-Exemple", "Acheteur (page de titre)"),
        Para("Cahier des clauses administratives particulières", "Title"),
        Para("Réhabilitation thermique de l’école Jules-Ferry", "Subtitle"),
        Para(f"Référence{NBSP}: 2026-TRX-014", "Référence (page de titre)"),
        Para("Sommaire", "TOC Heading"),
        Para("Préambule", "toc 1"),
        Para(article % 1 + "Objet et forme du marché", "toc 1"),
        Para("1.1 Objet du marché", "toc 2"),
        Para("1.2 Décomposition en lots", "toc 2"),
        Para("1.2.1 Pièces constitutives", "toc 3"),
        Para(article % 2 + "Prix et règlement", "toc 1"),
        Para(article % 3 + "Bordereau des prix unitaires", "toc 1"),
        Para("Préambule", "Heading 1"),
        Para("Le présent cahier fixe les clauses administratives du marché.", "Body Text"),
        Para("Objet et forme du marché", "Heading 1"),
        Para("Objet du marché", "Heading 2"),
        Para(
            f"Titulaire pressenti : {ESCAPING}, en groupement solidaire."
            "\nDeuxième ligne du même paragraphe.",
            "Body Text",
        ),
        Para(
            "Note de rédaction : supprimer ce paragraphe si le marché n’est pas alloti.",
            "Note de rédaction",
        ),
        Para("Décomposition en lots", "Heading 2"),
        Para("Lot 1 : gros œuvre", "List Bullet"),
        Para("façades et menuiseries", "List Bullet"),
        Para("Lot 2 : chauffage et ventilation", "List Bullet"),
        Para("Pièces constitutives", "Heading 3"),
        Para("l’acte d’engagement", "List Number"),
        Para("annexe financière", "List Number"),
        Para("le présent CCAP", "List Number"),
        Para("le CCTP", "List Number"),
        Para("En cas de contradiction, les pièces prévalent dans l’ordre suivant :", "Body Text"),
        Para("les pièces particulières", "List Number"),
        Para("les pièces générales", "List Number"),
        Para("Prix et règlement", "Heading 1"),
        Para("Les prix sont fermes et définitifs.", "Body Text"),
        Para("Bordereau des prix unitaires", "Heading 1"),
    ]
    assert paragraphs == expected


def test_layout_body_is_replaced_but_its_section_is_kept(sample: Path) -> None:
    word = reopen(sample)
    section = word.sections[0]
    assert len(word.sections) == 1
    assert (section.page_width.twips, section.page_height.twips) == (11906, 16838)  # A4
    assert {section.left_margin.twips, section.right_margin.twips} == {1417}  # 2.5 cm
    assert section.different_first_page_header_footer  # no header on the title page


def test_title_page_ends_with_a_page_break(sample: Path) -> None:
    word = reopen(sample)
    sommaire = next(p for p in word.paragraphs if p.text == "Sommaire")
    assert sommaire.paragraph_format.page_break_before is True


def test_headings_take_real_numbering_from_their_styles(sample: Path) -> None:
    word = reopen(sample)
    numbering = word.part.numbering_part.element
    numbered = [p for p in word.paragraphs if p.style.name.startswith("Heading")]
    for paragraph in numbered[1:]:  # the first one is the unnumbered "Préambule"
        assert paragraph._p.pPr.numPr is None, "the number must come from the style"
    heading_abstract = None
    for level, text in ((1, f"Article{NBSP}%1{NBSP}–"), (2, "%1.%2"), (3, "%1.%2.%3")):
        style = word.styles[f"Heading {level}"]
        num_pr = style.element.pPr.numPr
        assert num_pr is not None, f"Heading {level} has no numbering"
        abstract = num_abstract(numbering, str(num_pr.numId.val))
        heading_abstract = heading_abstract or abstract
        assert abstract == heading_abstract, "one multilevel list for all the headings"
        ilvl = 0 if num_pr.ilvl is None else num_pr.ilvl.val
        assert ilvl == level - 1
        definition = lvl(numbering, abstract, ilvl)
        assert val(definition, "{w}lvlText") == text
        assert val(definition, "{w}numFmt") == "decimal"
        assert val(definition, "{w}pStyle") == style.style_id
    assert "Article %1" in part_xml(sample, "word/numbering.xml").replace(NBSP, " ")
    for paragraph in word.paragraphs:
        assert not re.match(r"(Article \d|\d+\.\d)", paragraph.text.replace(NBSP, " ")) or (
            paragraph.style.name.startswith("toc")
        ), f"a number was written as text: {paragraph.text!r}"


def test_unnumbered_heading_switches_numbering_off(sample: Path) -> None:
    word = reopen(sample)
    preambule = next(p for p in word.paragraphs if p.style.name == "Heading 1")
    assert preambule.text == "Préambule"
    assert preambule._p.pPr.numPr.numId.val == 0


def test_each_ordered_list_restarts_and_bullets_are_real_bullets(sample: Path) -> None:
    word = reopen(sample)
    numbering = word.part.numbering_part.element
    items = [p for p in word.paragraphs if p.style.name in ("List Bullet", "List Number")]
    num_ids = [(p.text, p._p.pPr.numPr.numId.val, p._p.pPr.numPr.ilvl.val) for p in items]
    bullets = num_ids[:3]
    first_list = num_ids[3:7]
    second_list = num_ids[7:]
    assert [ilvl for _, _, ilvl in bullets] == [0, 1, 0]
    assert [ilvl for _, _, ilvl in first_list] == [0, 1, 0, 0]
    assert len({num for _, num, _ in first_list}) == 1
    assert len({num for _, num, _ in second_list}) == 1
    first_num, second_num = first_list[0][1], second_list[0][1]
    assert first_num != second_num, "the second list must restart at 1"
    list_number = word.styles["List Number"].element.pPr.numPr
    ordered_abstract = num_abstract(numbering, str(list_number.numId.val))
    for num_id in (first_num, second_num):
        assert num_abstract(numbering, str(num_id)) == ordered_abstract
        num = next(
            n for n in numbering.iterchildren(qn("w:num")) if n.get(qn("w:numId")) == str(num_id)
        )
        override = next(
            o for o in num.iterchildren(qn("w:lvlOverride")) if o.get(qn("w:ilvl")) == "0"
        )
        assert val(override, "{w}startOverride") == "1"
    assert val(lvl(numbering, ordered_abstract, 0), "{w}numFmt") == "decimal"
    bullet_abstract = num_abstract(numbering, str(bullets[0][1]))
    assert val(lvl(numbering, bullet_abstract, 0), "{w}numFmt") == "bullet"
    assert val(lvl(numbering, bullet_abstract, 1), "{w}numFmt") == "bullet"


def test_tables_are_real_tables_with_a_repeated_bold_header(sample: Path) -> None:
    word = reopen(sample)
    assert len(word.tables) == 2
    small, prices = word.tables
    assert [[c.text for c in row.cells] for row in small.rows] == [
        ["Lot", "Désignation", "Montant HT"],
        ["1", "Gros œuvre", "1\u202f234,56\u00a0€"],
        ["2", ESCAPING, "12\u202f500,00\u00a0€"],
    ]
    assert len(prices.rows) == 46
    for table in (small, prices):
        assert table.style.name == "Tableau Clausier"
        tbl_pr = table._tbl.tblPr
        width = tbl_pr.find(qn("w:tblW"))
        assert (width.get(qn("w:type")), width.get(qn("w:w"))) == ("pct", "5000")
        header = table.rows[0]
        assert header._tr.trPr.find(qn("w:tblHeader")) is not None
        assert all(row._tr.trPr.find(qn("w:tblHeader")) is None for row in table.rows[1:])
        for cell in header.cells:
            assert all(run.bold for run in cell.paragraphs[0].runs)
        for row in table.rows:
            for cell in row.cells:
                assert cell.paragraphs[0].style.name == "Texte de tableau"
    amounts = [row.cells[2].paragraphs[0].alignment for row in small.rows[1:]]
    assert all(a is not None and a.name == "RIGHT" for a in amounts)
    assert small.rows[1].cells[1].paragraphs[0].alignment is None
    widths = [small.columns[i].width for i in range(3)]
    assert widths[0] < widths[2] < widths[1]


def test_adjacent_tables_stay_separate(tmp_path: Path, layout: Layout) -> None:
    table = Table(header=(runs("A"),), rows=((runs("1"),),))
    out = tmp_path / "tables.docx"
    export_docx(Document(sample_info(), (table, table)), out, layout)
    body = reopen(out).element.body
    tags = [child.tag for child in body]
    first = tags.index(qn("w:tbl"))
    assert tags[first + 1] == qn("w:p")
    assert tags.count(qn("w:tbl")) == 2


def test_text_after_a_table_gets_room(tmp_path: Path, layout: Layout) -> None:
    table = Table(header=(runs("A"),), rows=((runs("1"),),))
    out = tmp_path / "after.docx"
    text = Paragraph(runs("Suite du texte."))
    export_docx(Document(sample_info(), (text, table, text)), out, layout)
    before, after = [p for p in reopen(out).paragraphs if p.text == "Suite du texte."]
    assert after.paragraph_format.space_before == AFTER_TABLE
    assert before.paragraph_format.space_before is None  # only text right after a table


def test_page_break_before_a_table(tmp_path: Path, layout: Layout) -> None:
    table = Table(header=(runs("A"),), rows=())
    out = tmp_path / "break.docx"
    export_docx(Document(sample_info(), (PageBreak(), table)), out, layout)
    body = list(reopen(out).element.body)
    spacer = body[body.index(next(c for c in body if c.tag == qn("w:tbl"))) - 1]
    assert spacer.pPr.pageBreakBefore is not None


def test_table_of_contents_is_a_field_word_refreshes(sample: Path) -> None:
    word = reopen(sample)
    body = word.element.body
    instructions = instr_texts(body)
    assert 'TOC \\o "1-3" \\h \\z \\u' in instructions
    kinds = [c.get(qn("w:fldCharType")) for c in body.iter(qn("w:fldChar"))]
    assert kinds == ["begin", "separate", "end"]
    settings_xml = word.settings.element
    update = settings_xml.find(qn("w:updateFields"))
    assert update is not None and update.get(qn("w:val")) == "true"
    sommaire = next(p for p in word.paragraphs if p.text == "Sommaire")
    assert sommaire._p.pPr.numPr.numId.val == 0
    assert sommaire.style.name == "TOC Heading"


def test_no_update_fields_without_a_table_of_contents(tmp_path: Path, layout: Layout) -> None:
    out = tmp_path / "plain.docx"
    export_docx(Document(sample_info(), (Paragraph(runs("Texte.")),)), out, layout)
    assert reopen(out).settings.element.find(qn("w:updateFields")) is None


def test_header_and_footer_show_buyer_reference_title_and_page_fields(sample: Path) -> None:
    section = reopen(sample).sections[0]
    header = section.header.paragraphs[0].text
    footer = section.footer.paragraphs[0].text
    assert header == "Commune de Saint-Exemple\t2026-TRX-014"
    assert footer.startswith("Cahier des clauses administratives particulières\tPage ")
    assert instr_texts(section.footer._element) == ["PAGE", "NUMPAGES"]
    assert "{{" not in part_xml(sample, "word/header1.xml")
    assert "{{" not in part_xml(sample, "word/footer1.xml")


def test_core_properties_and_french_language(sample: Path) -> None:
    word = reopen(sample)
    properties = word.core_properties
    assert properties.title == "Cahier des clauses administratives particulières"
    assert properties.subject == "Marché public de travaux"
    assert properties.author == "Service de la commande publique"
    assert properties.keywords == "CCAP, travaux, 2026-TRX-014"
    assert properties.language == "fr-FR"
    defaults = word.styles.element.find(qn("w:docDefaults"))
    lang = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    assert lang.get(qn("w:val")) == "fr-FR"


def test_body_font_has_the_narrow_no_break_space(sample: Path) -> None:
    """Arial (Liberation Sans on Linux) has U+202F; Cambria's stand-in Caladea has not."""
    fonts = reopen(sample).styles.element.find(
        f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}"
    )
    assert {fonts.get(qn(f"w:{k}")) for k in ("ascii", "hAnsi", "cs")} == {"Arial"}


# --- text ---------------------------------------------------------------------------------------


def test_user_text_comes_out_byte_for_byte(sample: Path) -> None:
    word = reopen(sample)
    paragraph = next(p for p in word.paragraphs if p.text.startswith("Titulaire"))
    assert paragraph.runs[1].text == ESCAPING
    assert paragraph.runs[1].bold and paragraph.runs[3].italic
    xml = part_xml(sample, "word/document.xml")
    escaped = (
        "Dupont &amp; Fils &lt;SARL&gt; «\u202fl’été\u202f» **x** {{ y }} 1\u202f234,56\u00a0€"
    )
    assert escaped in xml
    raw = zipfile.ZipFile(sample).read("word/document.xml")
    assert (
        ESCAPING.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").encode("utf-8")
        in raw
    )


def test_line_breaks_and_tabs_inside_runs(tmp_path: Path, layout: Layout) -> None:
    out = tmp_path / "breaks.docx"
    text = "un\ndeux\r\ntrois\rquatre\tcinq"
    export_docx(Document(sample_info(), (Paragraph(runs(text)),)), out, layout)
    paragraph = reopen(out).paragraphs[-1]
    assert paragraph.text == "un\ndeux\ntrois\nquatre\tcinq"
    assert len(paragraph._p.findall(f"{qn('w:r')}/{qn('w:br')}")) == 3


def test_only_xml_invalid_control_characters_are_removed_and_reported(
    tmp_path: Path, layout: Layout
) -> None:
    out = tmp_path / "controls.docx"
    text = "a\x00b\x01c\x0bd\x1fe\tf\u0085g\x7fh\ufffei"
    with pytest.warns(RemovedCharactersWarning, match="U\\+0001") as caught:
        export_docx(Document(sample_info(), (Paragraph(runs(text)),)), out, layout)
    assert reopen(out).paragraphs[-1].text == "abcde\tf\u0085g\x7fhi"
    message = str(caught[0].message)
    assert "5 caractère(s)" in message and "U+FFFE" in message


def test_clean_text_raises_no_warning(tmp_path: Path, layout: Layout) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        export_docx(sample_document(), tmp_path / "clean.docx", layout)


xml_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)


@settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(texts=st.lists(xml_text, min_size=1, max_size=4))
def test_any_text_round_trips(tmp_path: Path, layout: Layout, texts: list[str]) -> None:
    out = tmp_path / "any.docx"
    blocks = tuple(Paragraph((Run(t, bold=i % 2 == 0),)) for i, t in enumerate(texts))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RemovedCharactersWarning)
        export_docx(Document(sample_info(), blocks), out, layout)
    invalid = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
    expected = [invalid.sub("", t).replace("\r\n", "\n").replace("\r", "\n") for t in texts]
    assert [p.text for p in reopen(out).paragraphs[-len(texts) :]] == expected


# --- writing ------------------------------------------------------------------------------------


def test_existing_file_is_replaced_and_no_temporary_file_is_left(
    tmp_path: Path, layout: Layout
) -> None:
    out = tmp_path / "ccap.docx"
    out.write_bytes(b"ancienne version")
    export_docx(sample_document(), out, layout)
    assert zipfile.is_zipfile(out)
    assert reopen(out).core_properties.title == "Cahier des clauses administratives particulières"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ccap.docx"]


def test_failed_write_keeps_the_previous_file(
    tmp_path: Path, layout: Layout, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "ccap.docx"
    out.write_bytes(b"ancienne version")

    def broken_save(self: object, stream: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("docx.document.Document.save", broken_save)
    with pytest.raises(ExportError, match="Impossible d’écrire"):
        export_docx(sample_document(), out, layout)
    assert out.read_bytes() == b"ancienne version"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ccap.docx"]


def test_missing_output_folder_is_a_french_error(tmp_path: Path, layout: Layout) -> None:
    with pytest.raises(ExportError, match="n’existe pas"):
        export_docx(sample_document(), tmp_path / "absent" / "ccap.docx", layout)


def test_invalid_blocks_are_all_reported(tmp_path: Path, layout: Layout) -> None:
    blocks = (
        Heading(4, runs("Trop profond")),
        Paragraph(runs("?"), style="inconnu"),
        Table(header=(runs("A"), runs("B")), rows=((runs("1"),),)),
    )
    with pytest.raises(ExportError) as caught:
        export_docx(Document(sample_info(), blocks), tmp_path / "x.docx", layout)
    assert len(caught.value.problems) == 3
    assert "Bloc 1" in caught.value.problems[0] and "« inconnu »" in caught.value.problems[1]
    assert not (tmp_path / "x.docx").exists()


# --- layouts ------------------------------------------------------------------------------------


def test_default_layout_is_complete() -> None:
    assert check_layout(DEFAULT_LAYOUT) == []
    assert dict(load_layout(DEFAULT_LAYOUT).styles) == dict(DEFAULT_STYLES)


def test_default_layout_is_built_reproducibly(tmp_path: Path) -> None:
    import importlib.util

    script = DEFAULT_LAYOUT.parent / "build_default_layout.py"
    spec = importlib.util.spec_from_file_location("build_default_layout", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.build() == DEFAULT_LAYOUT.read_bytes(), "run build_default_layout.py again"


def test_missing_layout_is_a_french_layout_error(tmp_path: Path) -> None:
    missing = tmp_path / "absente.docx"
    with pytest.raises(LayoutError) as caught:
        load_layout(missing)
    assert "introuvable" in caught.value.problems[0] and str(missing) in caught.value.problems[0]
    with pytest.raises(LayoutError, match="introuvable"):
        check_layout(missing)
    with pytest.raises(LayoutError):
        export_docx(sample_document(), tmp_path / "out.docx", Layout(missing, DEFAULT_STYLES))


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"ceci n'est pas un document Word", "n’est pas un fichier Word .docx"),
        (b"", "n’est pas un fichier Word .docx"),
    ],
)
def test_non_docx_layout_is_a_french_layout_error(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    fake = tmp_path / "faux.docx"
    fake.write_bytes(content)
    with pytest.raises(LayoutError) as caught:
        load_layout(fake)
    assert expected in caught.value.problems[0]
    with pytest.raises(LayoutError) as checked:  # `clausier templates check` exits with 2
        check_layout(fake)
    assert checked.value.problems == caught.value.problems


def test_zip_that_is_not_a_docx_is_a_french_layout_error(tmp_path: Path) -> None:
    fake = tmp_path / "archive.docx"
    with zipfile.ZipFile(fake, "w") as archive:
        archive.writestr("bonjour.txt", "salut")
    with pytest.raises(LayoutError) as caught:
        load_layout(fake)
    assert "endommagée" in caught.value.problems[0]


def test_dotx_template_is_a_french_layout_error(tmp_path: Path) -> None:
    dotx = rewrite_part(
        DEFAULT_LAYOUT,
        tmp_path / "modele.docx",
        "[Content_Types].xml",
        lambda xml: xml.replace("document.main+xml", "template.main+xml"),
    )
    with pytest.raises(LayoutError) as caught:
        check_layout(dotx)
    assert len(caught.value.problems) == 1 and ".dotx" in caught.value.problems[0]


def test_check_layout_names_a_missing_style(tmp_path: Path) -> None:
    stripped = rewrite_part(
        DEFAULT_LAYOUT,
        tmp_path / "sans-note.docx",
        "word/styles.xml",
        lambda xml: re.sub(r'<w:style w:type="paragraph" w:styleId="NoteRedaction">.*?</w:style>',
                           "", xml),
    )  # fmt: skip
    problems = check_layout(stripped)
    assert len(problems) == 1
    assert "« Note de rédaction »" in problems[0] and "note" in problems[0]
    with pytest.raises(LayoutError):
        load_layout(stripped)


def test_check_layout_wants_numbered_headings(tmp_path: Path) -> None:
    stripped = rewrite_part(
        DEFAULT_LAYOUT,
        tmp_path / "sans-numeros.docx",
        "word/styles.xml",
        lambda xml: xml.replace('<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>', ""),
    )
    problems = check_layout(stripped)
    assert len(problems) == 1 and "« Heading 1 »" in problems[0]
    assert "numérotation automatique" in problems[0]


def test_check_layout_reports_unknown_tags(tmp_path: Path) -> None:
    tagged = rewrite_part(
        DEFAULT_LAYOUT,
        tmp_path / "balise.docx",
        "word/header1.xml",
        lambda xml: xml.replace("{{acheteur}}", "{{acheteuse}}"),
    )
    problems = check_layout(tagged)
    assert len(problems) == 1 and "{{acheteuse}}" in problems[0]


def test_user_layout_without_styles_toml_uses_the_defaults(tmp_path: Path) -> None:
    copy = shutil.copy(DEFAULT_LAYOUT, tmp_path / "maison.docx")
    assert dict(load_layout(Path(copy)).styles) == dict(DEFAULT_STYLES)


def test_styles_toml_overrides_and_is_checked(tmp_path: Path) -> None:
    copy = Path(shutil.copy(DEFAULT_LAYOUT, tmp_path / "maison.docx"))
    (tmp_path / "styles.toml").write_text(
        '[styles]\nbody = "Normal"\ncorps = "Normal"\n', encoding="utf-8"
    )
    problems = check_layout(copy)
    assert len(problems) == 1 and "« corps »" in problems[0]
    (tmp_path / "styles.toml").write_text('[styles]\nbody = "Normal"\n', encoding="utf-8")
    assert load_layout(copy).styles["body"] == "Normal"
    (tmp_path / "styles.toml").write_text("[styles\n", encoding="utf-8")
    assert "TOML" in check_layout(copy)[0]


def test_split_tags_are_filled(tmp_path: Path) -> None:
    split = rewrite_part(
        DEFAULT_LAYOUT,
        tmp_path / "coupee.docx",
        "word/header1.xml",
        lambda xml: xml.replace(
            "{{acheteur}}", "{{ache</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>teur }} – "
        ),
    )
    out = tmp_path / "out.docx"
    export_docx(sample_document(), out, load_layout(split))
    header = reopen(out).sections[0].header.paragraphs[0].text
    assert header == "Commune de Saint-Exemple – \t2026-TRX-014"


def test_layout_without_header_and_footer_gets_the_house_ones(tmp_path: Path) -> None:
    bare = rewrite_part(
        DEFAULT_LAYOUT,
        tmp_path / "nue.docx",
        "word/document.xml",
        lambda xml: re.sub(r"<w:(header|footer)Reference [^>]*/>|<w:titlePg/>", "", xml),
    )
    assert not reopen(bare).sections[0].different_first_page_header_footer
    out = tmp_path / "out.docx"
    export_docx(sample_document(), out, load_layout(bare))
    section = reopen(out).sections[0]
    assert section.different_first_page_header_footer  # nothing on the title page
    assert section.header.paragraphs[0].text == "Commune de Saint-Exemple\t2026-TRX-014"
    footer = section.footer.paragraphs[0]
    assert footer.text.startswith("Cahier des clauses administratives particulières\tPage ")
    assert instr_texts(section.footer._element) == ["PAGE", "NUMPAGES"]
    tabs = footer.paragraph_format.tab_stops
    assert [t.position.twips for t in tabs if t.alignment.name == "RIGHT"] == [9072]


def test_unknown_layout_style_at_export_is_a_layout_error(tmp_path: Path) -> None:
    styles = dict(DEFAULT_STYLES, note="Style absent")
    with pytest.raises(LayoutError, match="« Style absent »"):
        export_docx(sample_document(), tmp_path / "x.docx", Layout(DEFAULT_LAYOUT, styles))


def test_table_of_contents_without_headings_has_a_placeholder(
    tmp_path: Path, layout: Layout
) -> None:
    out = tmp_path / "toc.docx"
    export_docx(Document(sample_info(), (TableOfContents(),)), out, layout)
    texts = [p.text for p in reopen(out).paragraphs]
    assert texts[-2] == "Sommaire" and "mettre à jour" in texts[-1].lower()


def test_ordered_items_under_new_bullets_restart(tmp_path: Path, layout: Layout) -> None:
    blocks = (
        ListItem(runs("Lot 1"), ordered=False, level=0, list_id=1),
        ListItem(runs("a"), ordered=True, level=1, list_id=1),
        ListItem(runs("Lot 2"), ordered=False, level=0, list_id=1),
        ListItem(runs("a"), ordered=True, level=1, list_id=1),
    )
    out = tmp_path / "mixed.docx"
    export_docx(Document(sample_info(), blocks), out, layout)
    nums = [p._p.pPr.numPr.numId.val for p in reopen(out).paragraphs[-4:]]
    assert nums[0] == nums[2] and nums[1] != nums[3]


def test_headings_numbered_through_a_word_list_style(tmp_path: Path) -> None:
    """Word often links a multilevel list to a list style (w:numStyleLink): follow it."""

    def link_numbering(xml: str) -> str:
        match = re.search(r'<w:abstractNum w:abstractNumId="0">.*?</w:abstractNum>', xml)
        assert match is not None
        levels = "".join(re.findall(r"<w:lvl .*?</w:lvl>", match.group(0)))
        linked = (
            '<w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="multilevel"/>'
            '<w:numStyleLink w:val="ListeArticles"/></w:abstractNum>'
        )
        real = (
            '<w:abstractNum w:abstractNumId="9"><w:multiLevelType w:val="multilevel"/>'
            f'<w:styleLink w:val="ListeArticles"/>{levels}</w:abstractNum>'
        )
        xml = xml.replace(match.group(0), linked + real)
        return xml.replace(
            "</w:numbering>",
            '<w:num w:numId="9"><w:abstractNumId w:val="9"/></w:num></w:numbering>',
        )

    def add_list_style(xml: str) -> str:
        return xml.replace(
            "</w:styles>",
            '<w:style w:type="numbering" w:styleId="ListeArticles"><w:name w:val="Liste articles"/>'
            '<w:pPr><w:numPr><w:numId w:val="9"/></w:numPr></w:pPr></w:style></w:styles>',
        )

    step = rewrite_part(DEFAULT_LAYOUT, tmp_path / "a.docx", "word/numbering.xml", link_numbering)
    linked = rewrite_part(step, tmp_path / "lie.docx", "word/styles.xml", add_list_style)
    assert check_layout(linked) == []
    out = tmp_path / "out.docx"
    export_docx(sample_document(), out, load_layout(linked))
    toc = [p.text for p in reopen(out).paragraphs if p.style.name.startswith("toc")]
    assert toc[1] == f"Article{NBSP}1{NBSP}– Objet et forme du marché"
    assert toc[4] == "1.2.1 Pièces constitutives"
