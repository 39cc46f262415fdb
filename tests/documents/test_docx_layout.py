"""The Word side of the pieces: a user layout with a logo, per-piece layouts, forms, signatures."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import docx
import pytest
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.oxml.ns import qn
from docx.shared import Cm

from drafting_app.cli.main import EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, main
from tests.conftest import EXAMPLES
from tests.docx_helpers import DEFAULT_LAYOUT, convert_to_pdf, part_xml, reopen, soffice

CATERING = EXAMPLES / "marche_restauration_collective.json"
ANNUAL = EXAMPLES / "convention_annuelle_epicerie_solidaire.json"


def png(width: int = 120, height: int = 48) -> bytes:
    """A small opaque PNG (a dark blue band), written without any imaging library."""
    row = b"\x00" + bytes((31, 56, 100)) * width
    raw = zlib.compress(row * height)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + \
        chunk(b"IEND", b"")


def logo_layout(folder: Path) -> Path:
    """The house layout with a logo in the header and, larger, on the title page."""
    folder.mkdir(parents=True, exist_ok=True)
    logo = folder / "logo.png"
    logo.write_bytes(png())
    word = docx.Document(str(DEFAULT_LAYOUT))
    section = word.sections[0]
    top = section.header.paragraphs[0].insert_paragraph_before()
    top.add_run().add_picture(str(logo), width=Cm(2.5))
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].add_run().add_picture(str(logo), width=Cm(5))
    path = folder / "maquette_ville.docx"
    word.save(str(path))
    return path


def generate(dossier: Path, out: Path, *extra: str) -> list[Path]:
    assert main(["generate", str(dossier), "--out", str(out), *extra]) == EXIT_OK
    return sorted(out.glob("*.docx"))


def test_a_user_layout_with_a_logo_is_used_for_every_piece(tmp_path: Path) -> None:
    layout = logo_layout(tmp_path / "maquette")
    written = generate(CATERING, tmp_path / "out", "--layout", str(layout))
    assert len(written) == 10
    for path in written:
        word = reopen(path)
        section = word.sections[0]
        for header in (section.header, section.first_page_header):
            blips = header._element.findall(".//" + qn("a:blip"))
            assert len(blips) == 1, path.name
            image = header.part.related_parts[blips[0].get(qn("r:embed"))]
            assert image.blob.startswith(b"\x89PNG")
        # the tags of the layout's header are filled for this piece
        header_text = "\n".join(p.text for p in section.header.paragraphs)
        assert "Commune de Montreuil-sur-Layon\t2027-RC-003" in header_text
    plain = generate(CATERING, tmp_path / "plain")
    assert "a:blip" not in part_xml(plain[0], "word/header1.xml")


def test_the_logo_shows_on_the_pdf_pages(tmp_path: Path) -> None:
    if soffice() is None or shutil.which("pdfimages") is None:
        if os.environ.get("CLAUSIER_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail("LibreOffice (soffice) et pdfimages sont requis")
        pytest.skip("LibreOffice ou pdfimages absent")
    layout = logo_layout(tmp_path / "maquette")
    written = generate(ANNUAL, tmp_path / "out", "--layout", str(layout))
    pdf = convert_to_pdf(written[0], tmp_path / "pdf")
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]
    pages = {int(line.split()[0]) for line in listing}
    assert {1, 2, 3} <= pages  # title page (large logo) and the following pages


def test_a_piece_uses_its_own_layout_when_one_sits_next_to_the_layout(tmp_path: Path) -> None:
    folder = tmp_path / "maquettes"
    folder.mkdir()
    shutil.copy(DEFAULT_LAYOUT, folder / "maison.docx")
    word = docx.Document(str(DEFAULT_LAYOUT))
    word.sections[0].header.paragraphs[0].insert_paragraph_before("FORMULAIRE D’ENGAGEMENT")
    word.save(str(folder / "maison.ae.docx"))
    written = generate(CATERING, tmp_path / "out", "--layout", str(folder / "maison.docx"))
    for path in written:
        header = "\n".join(p.text for p in reopen(path).sections[0].header.paragraphs)
        assert ("FORMULAIRE D’ENGAGEMENT" in header) == path.name.startswith("AE_"), path.name


def test_templates_check_names_the_missing_style_in_french(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    word = docx.Document(str(DEFAULT_LAYOUT))
    word.styles["Heading 2"].element.find(qn("w:name")).set(qn("w:val"), "Titre maison 2")
    broken = tmp_path / "sans_titre_2.docx"
    word.save(str(broken))
    assert main(["templates", "check", str(broken)]) == EXIT_FINDINGS
    out = capsys.readouterr().out
    assert "n’a pas de style « Heading 2 » (titres de niveau 2" in out
    assert main(["generate", str(CATERING), "--out", str(tmp_path / "out"),
                 "--layout", str(broken)]) == EXIT_BAD_INPUT
    assert "Heading 2" in capsys.readouterr().err
    assert main(["templates", "check", str(logo_layout(tmp_path / "ok"))]) == EXIT_OK


def test_signature_rows_leave_room_to_sign(tmp_path: Path) -> None:
    written = generate(CATERING, tmp_path / "out")
    ae = reopen(next(p for p in written if p.name.startswith("AE_lot4")))
    signature_tables = [t for t in ae.tables if t.rows[0].cells[-1].text == "Signature"]
    # the candidate's, one row per member of a groupement, and the buyer's
    assert len(signature_tables) == 3
    for table in signature_tables:
        last = table.rows[-1]
        # room to sign: the last row is empty but for the member's name (groupement table)
        assert all(not cell.text for cell in last.cells[1:])
        assert last.height is not None and abs(last.height - Cm(2.5)) < Cm(0.01)
        assert last.height_rule == WD_ROW_HEIGHT_RULE.AT_LEAST
    convention = reopen(generate(ANNUAL, tmp_path / "conv")[0])
    signatures = next(t for t in convention.tables
                      if t.rows[0].cells[0].text == "Pour l’administration")
    height = signatures.rows[-1].height
    assert height is not None and abs(height - Cm(2.5)) < Cm(0.01)


def test_short_tables_stay_with_their_introduction(tmp_path: Path) -> None:
    written = generate(CATERING, tmp_path / "out")
    ccap = reopen(next(p for p in written if p.name.startswith("CCAP")))
    intro = next(p for p in ccap.paragraphs if p.text.startswith("Les prestations sont réparties"))
    assert intro.paragraph_format.keep_with_next
    lots = ccap.tables[0]
    assert all(row.cells[0].paragraphs[0].paragraph_format.keep_with_next
               for row in lots.rows[:-1])
    assert not lots.rows[-1].cells[0].paragraphs[0].paragraph_format.keep_with_next
    # a paragraph that introduces a list stays with its first item
    rc = reopen(next(p for p in written if p.name.startswith("RC")))
    intro = next(p for p in rc.paragraphs
                 if p.text.startswith("Le dossier de la consultation comprend"))
    assert intro.paragraph_format.keep_with_next
    other = next(p for p in rc.paragraphs if p.text.startswith("Les montants sont estimés"))
    assert not other.paragraph_format.keep_with_next


def test_no_column_is_narrower_than_its_longest_word(tmp_path: Path) -> None:
    written = generate(CATERING, tmp_path / "out")
    rc = reopen(next(p for p in written if p.name.startswith("RC")))
    lots = next(t for t in rc.tables if t.rows[0].cells[0].text == "Lot")
    first = lots.columns[0].width
    assert first is not None and first >= Cm(1.4)  # "Total" (5 letters) fits on one line
    assert first < lots.columns[1].width


def test_justified_lines_ending_with_a_break_are_not_stretched(tmp_path: Path) -> None:
    written = generate(CATERING, tmp_path / "out")
    settings = part_xml(written[0], "word/settings.xml")
    assert "<w:doNotExpandShiftReturn/>" in settings
    assert settings.index("<w:compat>") < settings.index("w:doNotExpandShiftReturn")
