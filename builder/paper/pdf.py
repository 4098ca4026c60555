"""The paper version as a page and as a PDF, from one template.

:func:`paper_page` renders ``paper/paper.html`` (within a Flask application context,
in the paper's language); :func:`paper_pdf` gives the same page to WeasyPrint with the
same stylesheet (``builder/static/paper.css``). WeasyPrint fetches nothing but ``data:``
URIs (the QR code): a service's texts cannot make the server read a file or call an
address.
"""

from __future__ import annotations

from pathlib import Path

from flask import Response, g, render_template
from flask_babel import force_locale

from builder.paper import Paper

STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "paper.css"


def paper_page(paper: Paper, *, pdf: bool = False, back_url: str | None = None,
               pdf_url: str | None = None) -> str:
    """The HTML of the paper version: a page to print (with links back and to the PDF),
    or, with ``pdf``, the document WeasyPrint lays out."""
    g.service, g.lang = paper.service, paper.lang  # the service's texts, in the help box too (``t``)
    with force_locale(paper.lang):
        return render_template("paper/paper.html", paper=paper, pdf=pdf, back_url=back_url, pdf_url=pdf_url,
                               help=paper.service.data.get("help") or {},
                               organisation=paper.service.data.get("organisation") or {})


def paper_pdf(paper: Paper) -> bytes:
    """The paper version as an A4 PDF."""
    from weasyprint import CSS, HTML  # late: a heavy import, for the requests that need it
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=("data",))
    document = HTML(string=paper_page(paper, pdf=True), url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[CSS(string=STYLESHEET.read_text(encoding="utf-8"), url_fetcher=fetcher)])


def pdf_response(pdf: bytes, service_id: str) -> Response:
    """A PDF to open in the browser, saved as ``SERVICE-papier.pdf``."""
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{service_id}-papier.pdf"'})
