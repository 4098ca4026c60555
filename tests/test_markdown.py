"""Author Markdown is rendered to safe HTML: formatting stays, anything active goes."""

from __future__ import annotations

import pytest
from flask import render_template_string
from markupsafe import Markup

from builder.markdown import render_markdown


@pytest.mark.parametrize("text, forbidden", [
    ("Bonjour <script>alert('x')</script>", "<script"),
    ("Bonjour <script>alert('x')</script>", "alert"),
    ('<img src="x" onerror="alert(1)">', "onerror"),
    ('<a href="/" onclick="alert(1)">lien</a>', "onclick"),
    ("[piège](javascript:alert(1))", 'href="javascript'),
    ('<a href="javascript:alert(1)">piège</a>', "javascript:"),
    ('<a href="JaVaScRiPt:alert(1)">piège</a>', "alert"),
    ("[données](data:text/html;base64,PHNjcmlwdD4=)", 'href="data'),
    ('<iframe src="https://example.org"></iframe>', "<iframe"),
    ('<p style="position:fixed">texte</p>', "style="),
    ("<style>body{display:none}</style>", "display"),
    ('<form action="https://evil.example"><input name="x"></form>', "<form"),
])
def test_active_content_is_stripped(text, forbidden):
    assert forbidden not in render_markdown(text).lower()


def test_formatting_is_kept():
    html = render_markdown(
        "# Vos droits\n\n"
        "Vous pouvez avoir **500 €** et *plus*.\n\n"
        "- un permis\n- une formation\n\n"
        "1. Remplir\n2. Envoyer\n\n"
        "Voir [le texte](https://example.org/texte \"Le texte\") ou ~~ancien~~."
    )
    assert "<h2>Vos droits</h2>" in html  # the page's h1 is the question
    assert "<strong>500 €</strong>" in html and "<em>plus</em>" in html
    assert "<ul>\n<li>un permis</li>" in html
    assert "<ol>\n<li>Remplir</li>" in html
    assert "<s>ancien</s>" in html
    assert '<a href="https://example.org/texte" title="Le texte" rel="noopener noreferrer">' in html


def test_mail_and_phone_links_are_kept():
    html = render_markdown("[Écrire](mailto:contact@example.org) ou [appeler](tel:+33123456789)")
    assert 'href="mailto:contact@example.org"' in html
    assert 'href="tel:+33123456789"' in html


def test_tables_are_kept():
    html = render_markdown("| Âge | Aide |\n|---|---:|\n| 18 | 500 € |")
    assert '<div class="table-wrap" tabindex="0"><table>' in html and html.strip().endswith("</table></div>")
    assert "<th>Âge</th>" in html and "<td>500 €</td>" in html


def test_table_written_as_text_stays_text():
    html = render_markdown("Écrivez `<table>` ou &lt;table&gt;")
    assert "table-wrap" not in html and html.count("&lt;table&gt;") == 2


def test_headings_never_go_below_h6():
    assert "<h6>Petit</h6>" in render_markdown("###### Petit")


def test_empty_text_gives_empty_markup():
    assert render_markdown(None) == Markup("")
    assert render_markdown("") == ""


def test_markdown_filter_returns_markup_that_is_not_escaped_again(app):
    with app.test_request_context():
        html = render_template_string("{{ text|markdown }}", text="**gras** <b>&</b>")
    assert isinstance(render_markdown("x"), Markup)
    assert "<strong>gras</strong>" in html
    assert "&amp;" in html and "&amp;amp;" not in html
