"""The paper version of a mini-site's service: the page to print and its PDF.

The PDF takes WeasyPrint about half a second: it is made once per language and address,
and kept with the published version (``Service.derived``), like the help box; a new
version starts afresh.
"""

from __future__ import annotations

from flask import Response, g, url_for

from builder.addresses import external_url
from builder.paper import paper_of
from builder.paper.pdf import paper_page, paper_pdf, pdf_response
from builder.site import bp


@bp.route("/papier")
def paper() -> str:
    """The paper version as a page to print from a browser, with its PDF beside it."""
    version = paper_of(g.service, g.lang, external_url("site.start"))
    return paper_page(version, back_url=url_for("site.start"), pdf_url=url_for("site.paper_download"))


@bp.route("/papier.pdf")
def paper_download() -> Response:
    """The paper version as an A4 PDF."""
    address = external_url("site.start")
    key = ("paper pdf", g.lang)
    kept = g.service.derived.get(key)
    if kept is None or kept[0] != address:  # one per language: another address replaces it
        kept = g.service.derived[key] = (address, paper_pdf(paper_of(g.service, g.lang, address)))
    return pdf_response(kept[1], g.service.id)

