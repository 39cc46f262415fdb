"""Build templates_docx/default.docx, the house layout, from raw OOXML, byte for byte reproducibly.

Run: `.venv/bin/python templates_docx/build_default_layout.py` (then commit default.docx).

The layout holds styles, numbering definitions, page setup, header/footer and settings only —
never clause wording. Header and footer carry simple tags (`{{acheteur}}`, `{{référence}}`,
`{{titre}}`) that the exporter fills from the document's information.

Fonts: the layout names Arial. On Windows/macOS Word uses Arial; LibreOffice on Linux
substitutes Liberation Sans, which is metric-compatible (same line and page breaks) and, unlike
Caladea (Cambria) or Carlito (Calibri, which even lacks U+00A0), has real glyphs for U+00A0 and
for U+202F, the narrow no-break space Babel puts in French numbers.
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml"

FONT = "Arial"
BLUE = "1F3864"  # dark blue for headings and the title page
GREY = "595959"  # header/footer text
RULE = "8C8C8C"  # thin rules: header/footer lines, table borders
PAGE_W, PAGE_H = 11906, 16838  # A4 in twentieths of a point
MARGIN = 1417  # 2.5 cm
TEXT_W = PAGE_W - 2 * MARGIN  # 9072 twips = 16 cm
NBSP = "\u00a0"

XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
W_ROOT_ATTRS = f'xmlns:w="{W_NS}" xmlns:r="{R_NS}"'


def content_types() -> str:
    """[Content_Types].xml."""
    overrides = {
        "/word/document.xml": f"{CT_WML}.document.main+xml",
        "/word/styles.xml": f"{CT_WML}.styles+xml",
        "/word/numbering.xml": f"{CT_WML}.numbering+xml",
        "/word/settings.xml": f"{CT_WML}.settings+xml",
        "/word/fontTable.xml": f"{CT_WML}.fontTable+xml",
        "/word/header1.xml": f"{CT_WML}.header+xml",
        "/word/footer1.xml": f"{CT_WML}.footer+xml",
        "/docProps/core.xml": "application/vnd.openxmlformats-package.core-properties+xml",
        "/docProps/app.xml": (
            "application/vnd.openxmlformats-officedocument.extended-properties+xml"
        ),
    }
    items = "".join(
        f'<Override PartName="{name}" ContentType="{kind}"/>' for name, kind in overrides.items()
    )
    return (
        XML_DECL
        + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        + '<Default Extension="rels" '
        + 'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        + '<Default Extension="xml" ContentType="application/xml"/>'
        + items
        + "</Types>"
    )


def relationships(rels: list[tuple[str, str, str]]) -> str:
    """A .rels part from (id, type, target) triples."""
    items = "".join(
        f'<Relationship Id="{rid}" Type="{kind}" Target="{target}"/>' for rid, kind, target in rels
    )
    return XML_DECL + f'<Relationships xmlns="{PKG_RELS}">' + items + "</Relationships>"


def package_rels() -> str:
    """_rels/.rels."""
    return relationships(
        [
            ("rId1", f"{DOC_RELS}/officeDocument", "word/document.xml"),
            ("rId2", f"{PKG_RELS}/metadata/core-properties", "docProps/core.xml"),
            ("rId3", f"{DOC_RELS}/extended-properties", "docProps/app.xml"),
        ]
    )


def document_rels() -> str:
    """word/_rels/document.xml.rels."""
    return relationships(
        [
            ("rId1", f"{DOC_RELS}/styles", "styles.xml"),
            ("rId2", f"{DOC_RELS}/numbering", "numbering.xml"),
            ("rId3", f"{DOC_RELS}/settings", "settings.xml"),
            ("rId4", f"{DOC_RELS}/fontTable", "fontTable.xml"),
            ("rId5", f"{DOC_RELS}/header", "header1.xml"),
            ("rId6", f"{DOC_RELS}/footer", "footer1.xml"),
        ]
    )


def core_properties() -> str:
    """docProps/core.xml with fixed dates, so that the build is reproducible."""
    return (
        XML_DECL
        + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        + 'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        + 'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
        + 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        + "<dc:title>Mise en page Clausier</dc:title>"
        + "<dc:creator>Clausier</dc:creator>"
        + "<cp:lastModifiedBy>Clausier</cp:lastModifiedBy>"
        + "<dc:language>fr-FR</dc:language>"
        + "<cp:revision>1</cp:revision>"
        + '<dcterms:created xsi:type="dcterms:W3CDTF">2025-01-01T00:00:00Z</dcterms:created>'
        + '<dcterms:modified xsi:type="dcterms:W3CDTF">2025-01-01T00:00:00Z</dcterms:modified>'
        + "</cp:coreProperties>"
    )


def app_properties() -> str:
    """docProps/app.xml."""
    return (
        XML_DECL
        + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        + 'extended-properties"><Application>Clausier</Application></Properties>'
    )


def section_properties() -> str:
    """The one section: A4, 2.5 cm margins, header/footer, no header/footer on the title page."""
    return (
        "<w:sectPr>"
        '<w:headerReference w:type="default" r:id="rId5"/>'
        '<w:footerReference w:type="default" r:id="rId6"/>'
        f'<w:pgSz w:w="{PAGE_W}" w:h="{PAGE_H}"/>'
        f'<w:pgMar w:top="{MARGIN}" w:right="{MARGIN}" w:bottom="{MARGIN}" w:left="{MARGIN}" '
        'w:header="709" w:footer="709" w:gutter="0"/>'
        '<w:cols w:space="708"/>'
        "<w:titlePg/>"
        '<w:docGrid w:linePitch="360"/>'
        "</w:sectPr>"
    )


def document() -> str:
    """word/document.xml: an empty body and the section properties."""
    return (
        XML_DECL
        + f"<w:document {W_ROOT_ATTRS}><w:body><w:p/>"
        + section_properties()
        + "</w:body></w:document>"
    )


def fonts(ascii_font: str = FONT) -> str:
    """rFonts for every script."""
    f = ascii_font
    return f'<w:rFonts w:ascii="{f}" w:hAnsi="{f}" w:eastAsia="{f}" w:cs="{f}"/>'


def size(half_points: int) -> str:
    """Font size, in half-points, for Latin and complex scripts."""
    return f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'


def style(
    kind: str,
    style_id: str,
    name: str,
    *,
    based_on: str = "",
    next_style: str = "",
    extra: str = "",
    ppr: str = "",
    rpr: str = "",
    tail: str = "",
    default: bool = False,
) -> str:
    """One w:style element; `extra` holds flags (qFormat, uiPriority…), `tail` tblPr etc."""
    head = f'<w:style w:type="{kind}" w:styleId="{style_id}"'
    head += ' w:default="1">' if default else ">"
    body = f'<w:name w:val="{name}"/>'
    if based_on:
        body += f'<w:basedOn w:val="{based_on}"/>'
    if next_style:
        body += f'<w:next w:val="{next_style}"/>'
    body += extra
    if ppr:
        body += f"<w:pPr>{ppr}</w:pPr>"
    if rpr:
        body += f"<w:rPr>{rpr}</w:rPr>"
    return head + body + tail + "</w:style>"


def num_pr(num_id: int, ilvl: int) -> str:
    """Numbering properties binding a style to a list level."""
    return f'<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'


def styles() -> str:
    """word/styles.xml: every style the exporter uses, Word's built-in names where one exists."""
    q = "<w:qFormat/>"
    hidden_toc = '<w:uiPriority w:val="39"/><w:semiHidden/><w:unhideWhenUsed/>'
    blue = f'<w:color w:val="{BLUE}"/>'
    heading_common = "<w:keepNext/><w:keepLines/>"
    all_styles = [
        style("paragraph", "Normal", "Normal", extra=q, ppr="<w:widowControl/>", default=True),
        style(
            "character",
            "DefaultParagraphFont",
            "Default Paragraph Font",
            extra='<w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/>',
            default=True,
        ),
        style(
            "table",
            "TableNormal",
            "Normal Table",
            extra='<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>',
            tail=(
                '<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar>'
                '<w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
                '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>'
                "</w:tblCellMar></w:tblPr>"
            ),
            default=True,
        ),
        style(
            "numbering",
            "NoList",
            "No List",
            extra='<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>',
            default=True,
        ),
        # Headings: numbering comes from numbering.xml (numId 1), never from the text.
        style(
            "paragraph",
            "Heading1",
            "heading 1",
            based_on="Normal",
            next_style="BodyText",
            extra='<w:uiPriority w:val="9"/>' + q,
            ppr=heading_common
            + num_pr(1, 0)
            + '<w:spacing w:before="360" w:after="120"/><w:outlineLvl w:val="0"/>',
            rpr="<w:b/><w:bCs/>" + blue + size(26),
        ),
        style(
            "paragraph",
            "Heading2",
            "heading 2",
            based_on="Normal",
            next_style="BodyText",
            extra='<w:uiPriority w:val="9"/><w:unhideWhenUsed/>' + q,
            ppr=heading_common
            + num_pr(1, 1)
            + '<w:spacing w:before="240" w:after="100"/><w:outlineLvl w:val="1"/>',
            rpr="<w:b/><w:bCs/>" + blue + size(23),
        ),
        style(
            "paragraph",
            "Heading3",
            "heading 3",
            based_on="Normal",
            next_style="BodyText",
            extra='<w:uiPriority w:val="9"/><w:unhideWhenUsed/>' + q,
            ppr=heading_common
            + num_pr(1, 2)
            + '<w:spacing w:before="200" w:after="80"/><w:outlineLvl w:val="2"/>',
            rpr="<w:b/><w:bCs/><w:i/><w:iCs/>" + blue + size(22),
        ),
        style(
            "paragraph",
            "BodyText",
            "Body Text",
            based_on="Normal",
            extra=q,
            ppr='<w:spacing w:after="120" w:line="264" w:lineRule="auto"/><w:jc w:val="both"/>',
        ),
        style(
            "paragraph",
            "NoteRedaction",
            "Note de rédaction",
            based_on="BodyText",
            next_style="BodyText",
            extra=q,
            ppr=(
                # Same-colour top/bottom borders pad the shading above and below the text.
                "<w:pBdr>"
                '<w:top w:val="single" w:sz="4" w:space="3" w:color="F2F2F2"/>'
                f'<w:left w:val="single" w:sz="18" w:space="6" w:color="{RULE}"/>'
                '<w:bottom w:val="single" w:sz="4" w:space="3" w:color="F2F2F2"/>'
                '<w:right w:val="single" w:sz="4" w:space="4" w:color="F2F2F2"/>'
                "</w:pBdr>"
                '<w:shd w:val="clear" w:color="auto" w:fill="F2F2F2"/>'
                '<w:spacing w:before="120" w:after="180"/>'
                '<w:ind w:left="170" w:right="113"/>'
            ),
            rpr='<w:i/><w:iCs/><w:color w:val="404040"/>' + size(19),
        ),
        style(
            "paragraph",
            "ListBullet",
            "List Bullet",
            based_on="BodyText",
            extra=q,
            ppr=num_pr(2, 0) + '<w:spacing w:after="60"/>',
        ),
        style(
            "paragraph",
            "ListNumber",
            "List Number",
            based_on="BodyText",
            extra=q,
            ppr=num_pr(3, 0) + '<w:spacing w:after="60"/>',
        ),
        style(
            "paragraph",
            "TexteTableau",
            "Texte de tableau",
            based_on="Normal",
            extra=q,
            ppr='<w:spacing w:before="40" w:after="40"/>',
            rpr=size(20),
        ),
        # Title page.
        style(
            "paragraph",
            "AcheteurPageTitre",
            "Acheteur (page de titre)",
            based_on="Normal",
            next_style="Title",
            extra=q,
            ppr='<w:spacing w:before="0" w:after="120"/><w:jc w:val="center"/>',
            rpr="<w:b/><w:bCs/><w:caps/>" + blue + size(28),
        ),
        style(
            "paragraph",
            "Title",
            "Title",
            based_on="Normal",
            next_style="Subtitle",
            extra='<w:uiPriority w:val="10"/>' + q,
            ppr=(
                "<w:keepNext/>"
                "<w:pBdr>"
                f'<w:top w:val="single" w:sz="12" w:space="12" w:color="{BLUE}"/>'
                f'<w:bottom w:val="single" w:sz="12" w:space="12" w:color="{BLUE}"/>'
                "</w:pBdr>"
                '<w:spacing w:before="3200" w:after="360" w:line="240" w:lineRule="auto"/>'
                '<w:jc w:val="center"/>'
            ),
            rpr="<w:b/><w:bCs/>" + blue + '<w:kern w:val="28"/>' + size(44),
        ),
        style(
            "paragraph",
            "Subtitle",
            "Subtitle",
            based_on="Normal",
            next_style="BodyText",
            extra='<w:uiPriority w:val="11"/>' + q,
            ppr='<w:spacing w:before="240" w:after="240"/><w:jc w:val="center"/>',
            rpr='<w:color w:val="262626"/>' + size(28),
        ),
        style(
            "paragraph",
            "ReferencePageTitre",
            "Référence (page de titre)",
            based_on="Normal",
            extra=q,
            ppr='<w:spacing w:before="2400" w:after="0"/><w:jc w:val="center"/>',
            rpr=f'<w:color w:val="{GREY}"/>' + size(24),
        ),
        # Table of contents: the heading is not numbered and not itself listed.
        style(
            "paragraph",
            "TOCHeading",
            "TOC Heading",
            based_on="Normal",
            next_style="Normal",
            extra='<w:uiPriority w:val="39"/><w:unhideWhenUsed/>' + q,
            ppr='<w:keepNext/><w:spacing w:before="0" w:after="360"/>',
            rpr="<w:b/><w:bCs/>" + blue + size(32),
        ),
        style(
            "paragraph",
            "TOC1",
            "toc 1",
            based_on="Normal",
            next_style="Normal",
            extra=hidden_toc,
            ppr=(
                f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{TEXT_W}"/></w:tabs>'
                '<w:spacing w:before="120" w:after="40"/>'
            ),
            rpr="<w:b/><w:bCs/>",
        ),
        style(
            "paragraph",
            "TOC2",
            "toc 2",
            based_on="Normal",
            next_style="Normal",
            extra=hidden_toc,
            ppr=(
                f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{TEXT_W}"/></w:tabs>'
                '<w:spacing w:after="40"/><w:ind w:left="284"/>'
            ),
        ),
        style(
            "paragraph",
            "TOC3",
            "toc 3",
            based_on="Normal",
            next_style="Normal",
            extra=hidden_toc,
            ppr=(
                f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{TEXT_W}"/></w:tabs>'
                '<w:spacing w:after="40"/><w:ind w:left="567"/>'
            ),
            rpr=size(20),
        ),
        style(
            "character",
            "Hyperlink",
            "Hyperlink",
            based_on="DefaultParagraphFont",
            extra='<w:uiPriority w:val="99"/><w:unhideWhenUsed/>',
            rpr=f'<w:color w:val="{BLUE}"/><w:u w:val="single"/>',
        ),
        style(
            "paragraph",
            "Header",
            "header",
            based_on="Normal",
            extra='<w:uiPriority w:val="99"/><w:unhideWhenUsed/>',
            ppr=f'<w:tabs><w:tab w:val="right" w:pos="{TEXT_W}"/></w:tabs>',
            rpr=f'<w:color w:val="{GREY}"/>' + size(17),
        ),
        style(
            "paragraph",
            "Footer",
            "footer",
            based_on="Normal",
            extra='<w:uiPriority w:val="99"/><w:unhideWhenUsed/>',
            ppr=f'<w:tabs><w:tab w:val="right" w:pos="{TEXT_W}"/></w:tabs>',
            rpr=f'<w:color w:val="{GREY}"/>' + size(17),
        ),
        style(
            "table",
            "TableauClausier",
            "Tableau Clausier",
            based_on="TableNormal",
            extra='<w:uiPriority w:val="59"/>' + q,
            tail=(
                "<w:tblPr><w:tblBorders>"
                + "".join(
                    f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="{RULE}"/>'
                    for side in ("top", "left", "bottom", "right", "insideH", "insideV")
                )
                + "</w:tblBorders><w:tblCellMar>"
                '<w:top w:w="57" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
                '<w:bottom w:w="57" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>'
                "</w:tblCellMar></w:tblPr>"
                '<w:tblStylePr w:type="firstRow"><w:rPr><w:b/><w:bCs/></w:rPr>'
                '<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="DCE3EF"/></w:tcPr>'
                "</w:tblStylePr>"
            ),
        ),
    ]
    defaults = (
        "<w:docDefaults><w:rPrDefault><w:rPr>"
        + fonts()
        + size(22)
        + '<w:lang w:val="fr-FR" w:eastAsia="fr-FR" w:bidi="ar-SA"/>'
        + "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>"
        + '<w:widowControl/><w:spacing w:after="0" w:line="240" w:lineRule="auto"/>'
        + "</w:pPr></w:pPrDefault></w:docDefaults>"
    )
    return XML_DECL + f"<w:styles {W_ROOT_ATTRS}>" + defaults + "".join(all_styles) + "</w:styles>"


def level(
    ilvl: int,
    fmt: str,
    text: str,
    *,
    left: int,
    hanging: int,
    style_id: str = "",
    suffix: str = "tab",
    rpr: str = "",
) -> str:
    """One w:lvl of an abstract numbering definition."""
    out = f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
    if style_id:
        out += f'<w:pStyle w:val="{style_id}"/>'
    if suffix != "tab":
        out += f'<w:suff w:val="{suffix}"/>'
    out += f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
    indent = (
        f'<w:ind w:left="{left}" w:hanging="{hanging}"/>'
        if hanging
        else (f'<w:ind w:left="{left}" w:firstLine="0"/>')
    )
    tab = f'<w:tabs><w:tab w:val="num" w:pos="{left}"/></w:tabs>' if hanging else ""
    out += f"<w:pPr>{tab}{indent}</w:pPr>"
    if rpr:
        out += f"<w:rPr>{rpr}</w:rPr>"
    return out + "</w:lvl>"


def numbering() -> str:
    """word/numbering.xml: articles (Article 1 –, 1.1, 1.1.1), bullets, ordered lists."""
    heading_levels = [
        level(
            0,
            "decimal",
            f"Article{NBSP}%1{NBSP}–",
            left=0,
            hanging=0,
            style_id="Heading1",
            suffix="space",
        ),
        level(1, "decimal", "%1.%2", left=709, hanging=709, style_id="Heading2"),
        level(2, "decimal", "%1.%2.%3", left=907, hanging=907, style_id="Heading3"),
    ]
    for ilvl in range(3, 9):
        text = ".".join(f"%{n}" for n in range(1, ilvl + 2))
        heading_levels.append(level(ilvl, "decimal", text, left=1134, hanging=1134))
    bullet_marks = ["–", "•", "◦"]
    bullet_levels = [
        level(
            ilvl,
            "bullet",
            bullet_marks[ilvl % 3],
            left=567 * (ilvl + 1),
            hanging=284,
            style_id="ListBullet" if ilvl == 0 else "",
            rpr=fonts(),
        )
        for ilvl in range(9)
    ]
    ordered_formats = [("decimal", "%1."), ("lowerLetter", "%2)"), ("lowerRoman", "%3.")]
    ordered_levels = []
    for ilvl in range(9):
        fmt, text = ordered_formats[ilvl % 3]
        text = text.replace(f"%{ilvl % 3 + 1}", f"%{ilvl + 1}")
        ordered_levels.append(
            level(
                ilvl,
                fmt,
                text,
                left=567 * (ilvl + 1),
                hanging=397,
                style_id="ListNumber" if ilvl == 0 else "",
            )
        )

    def abstract(abstract_id: int, nsid: str, name: str, levels: list[str]) -> str:
        return (
            f'<w:abstractNum w:abstractNumId="{abstract_id}"><w:nsid w:val="{nsid}"/>'
            f'<w:multiLevelType w:val="multilevel"/><w:name w:val="{name}"/>'
            + "".join(levels)
            + "</w:abstractNum>"
        )

    nums = "".join(
        f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/></w:num>'
        for num_id, abstract_id in ((1, 0), (2, 1), (3, 2))
    )
    return (
        XML_DECL
        + f"<w:numbering {W_ROOT_ATTRS}>"
        + abstract(0, "4C1A0001", "Articles", heading_levels)
        + abstract(1, "4C1A0002", "Puces", bullet_levels)
        + abstract(2, "4C1A0003", "Listes numérotées", ordered_levels)
        + nums
        + "</w:numbering>"
    )


def settings() -> str:
    """word/settings.xml (children in schema order)."""
    return (
        XML_DECL
        + f"<w:settings {W_ROOT_ATTRS}>"
        + '<w:zoom w:percent="100"/>'
        + '<w:defaultTabStop w:val="709"/>'
        + '<w:characterSpacingControl w:val="doNotCompress"/>'
        + "<w:compat>"
        + '<w:compatSetting w:name="compatibilityMode" '
        + 'w:uri="http://schemas.microsoft.com/office/word" w:val="15"/>'
        + "</w:compat>"
        + '<w:themeFontLang w:val="fr-FR"/>'
        + '<w:decimalSymbol w:val=","/>'
        + '<w:listSeparator w:val=";"/>'
        + "</w:settings>"
    )


def font_table() -> str:
    """word/fontTable.xml: Arial, with its metric-compatible Linux twin as alternative name."""
    return (
        XML_DECL
        + f"<w:fonts {W_ROOT_ATTRS}>"
        + f'<w:font w:name="{FONT}"><w:altName w:val="Liberation Sans"/>'
        + '<w:panose1 w:val="020B0604020202020204"/><w:charset w:val="00"/>'
        + '<w:family w:val="swiss"/><w:pitch w:val="variable"/></w:font>'
        + "</w:fonts>"
    )


def run(text: str) -> str:
    """A plain run of text."""
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def field(instruction: str, placeholder: str) -> str:
    """A complex field (PAGE, NUMPAGES…) with its cached result."""
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f"<w:r><w:t>{placeholder}</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def header() -> str:
    """word/header1.xml: buyer left, reference right, a thin rule below."""
    return (
        XML_DECL
        + f'<w:hdr {W_ROOT_ATTRS}><w:p><w:pPr><w:pStyle w:val="Header"/>'
        + f'<w:pBdr><w:bottom w:val="single" w:sz="4" w:space="4" w:color="{RULE}"/></w:pBdr>'
        + "</w:pPr>"
        + run("{{acheteur}}")
        + "<w:r><w:tab/></w:r>"
        + run("{{référence}}")
        + "</w:p></w:hdr>"
    )


def footer() -> str:
    """word/footer1.xml: title left, "Page X / Y" right, a thin rule above."""
    return (
        XML_DECL
        + f'<w:ftr {W_ROOT_ATTRS}><w:p><w:pPr><w:pStyle w:val="Footer"/>'
        + f'<w:pBdr><w:top w:val="single" w:sz="4" w:space="4" w:color="{RULE}"/></w:pBdr>'
        + "</w:pPr>"
        + run("{{titre}}")
        + "<w:r><w:tab/></w:r>"
        + run("Page ")
        + field("PAGE", "1")
        + run(" / ")
        + field("NUMPAGES", "1")
        + "</w:p></w:ftr>"
    )


def parts() -> list[tuple[str, str]]:
    """Every part of the package, [Content_Types].xml first."""
    return [
        ("[Content_Types].xml", content_types()),
        ("_rels/.rels", package_rels()),
        ("docProps/core.xml", core_properties()),
        ("docProps/app.xml", app_properties()),
        ("word/document.xml", document()),
        ("word/_rels/document.xml.rels", document_rels()),
        ("word/styles.xml", styles()),
        ("word/numbering.xml", numbering()),
        ("word/settings.xml", settings()),
        ("word/fontTable.xml", font_table()),
        ("word/header1.xml", header()),
        ("word/footer1.xml", footer()),
    ]


def build() -> bytes:
    """The layout as .docx bytes; identical on every run (fixed zip timestamps, fixed order)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, xml in parts():
            etree.fromstring(xml.encode("utf-8"))  # fail loudly on malformed XML
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, xml.encode("utf-8"))
    return buffer.getvalue()


def main(argv: list[str]) -> int:
    """Write default.docx next to this script (or to the path given) and check it opens."""
    out = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent / "default.docx"
    out.write_bytes(build())
    import docx  # imported late: the build itself only needs lxml

    opened = docx.Document(str(out))
    names = {s.name for s in opened.styles}
    for required in ("Heading 1", "Heading 2", "Heading 3", "Title", "List Number"):
        if required not in names:
            print(f"style manquant dans {out} : {required}", file=sys.stderr)
            return 1
    print(f"écrit : {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
