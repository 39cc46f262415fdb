"""The HTML preview: numbered articles, escaped user text, real lists and tables."""

from __future__ import annotations

from drafting_app.documents.html import blocks_to_html
from drafting_app.wording.markup import parse_markup, value_token


def test_preview_html() -> None:
    blocks, problems = parse_markup(
        f"# Objet\n\nTitulaire : **{value_token(0)}**\n\n1. un\n  - a\n2. deux\n\n"
        "| A | B |\n|---|---|\n| 1 | 2 |\n\n> Note\n\n## Détail\n",
        ["Dupont & Fils <SARL>"],
    )
    assert problems == []
    page = blocks_to_html(blocks)
    assert "<h3>Article 1 – Objet</h3>" in page
    assert "<h4>1.1 Détail</h4>" in page
    assert "<b>Dupont &amp; Fils &lt;SARL&gt;</b>" in page
    assert "<ol><li>un</li><ul><li>a</li></ul><li>deux</li></ol>" in page.replace("\n", "")
    assert "<th>A</th><th>B</th></tr><tr><td>1</td><td>2</td>" in page
    assert 'style="background' in page
