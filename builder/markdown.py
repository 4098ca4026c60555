"""Author-written Markdown, rendered safely.

Whoever writes a service is not a developer and may paste anything: the text goes
through markdown-it-py (CommonMark, plus tables and strikethrough), then through nh3,
which keeps only the tags and attributes listed here and only web, mail and phone
links. Templates use the ``markdown`` filter, never ``|safe`` on author text.
"""

from __future__ import annotations

import functools

import nh3
from flask import Flask
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = frozenset({
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "s", "del",
    "code", "pre", "blockquote", "ul", "ol", "li", "a",
    "table", "thead", "tbody", "tr", "th", "td",
})
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto", "tel"})

# The page's h1 is the question or the page title: author headings start below it.
TOP_HEADING_LEVEL = 2

_parser = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
_cleaner = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags={"script", "style"},
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    url_schemes=set(ALLOWED_SCHEMES),
    link_rel="noopener noreferrer",
)


@functools.lru_cache(maxsize=1024)
def render_markdown(text: str | None) -> Markup:
    """``text`` as clean HTML, with headings shifted so the first level is h2.

    Results are cached: the same service texts are rendered on every request.
    """
    if not text:
        return Markup("")
    tokens = _parser.parse(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(6, int(token.tag[1]) + TOP_HEADING_LEVEL - 1)
            token.tag = f"h{level}"
    html = _cleaner.clean(_parser.renderer.render(tokens, _parser.options, {}))
    # A wide table scrolls inside its box instead of widening a 320px page (tabindex:
    # keyboard users can scroll it too). Done after cleaning, where "<table>" can only
    # be a real tag: author text is escaped by then.
    html = html.replace("<table>", '<div class="table-wrap" tabindex="0"><table>')
    return Markup(html.replace("</table>", "</table></div>"))


def init_app(app: Flask) -> None:
    """Register the ``markdown`` Jinja filter."""
    app.add_template_filter(render_markdown, "markdown")
