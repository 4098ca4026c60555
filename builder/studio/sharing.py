"""The share panel of a service: the mini-site's address and its QR code, for posters,
and its paper version (the page to print and the PDF), made from the working copy.

The address is built on ``PUBLIC_URL`` when it is set (:func:`~builder.addresses.external_url`);
when it only works on this computer (127.0.0.1, localhost), the panel says so, and how
to give Tremplin its public address.
"""

from __future__ import annotations

import io

import segno
from flask import Blueprint, Response, abort, render_template, url_for

from builder.addresses import external_url, only_here
from builder.db import get_db
from builder.format.model import Service
from builder.paper import Paper, paper_of
from builder.paper.pdf import paper_page, paper_pdf, pdf_response
from builder.storage import services as published
from builder.studio.access import login_required
from builder.studio.common import compile_text, display_language, published_service, require_service

bp = Blueprint("studio_share", __name__, url_prefix="/studio/o/<org_slug>/services/<service_id>")


def public_url(service_id: str) -> str:
    """The address of the mini-site, to share."""
    return external_url("site.start", service_id=service_id)


@bp.route("/partager")
@login_required
def share(org_slug: str, service_id: str):
    """The link to the mini-site and its QR code, to print on a poster."""
    found = require_service(org_slug, service_id)
    live = published.get_published(get_db(), service_id)
    url = public_url(service_id)
    return render_template("studio/editor/share.html", copy=found.copy, org=found.access.org, live=live,
                           url=url, only_here=only_here(url))


@bp.route("/qr.<any(svg, png):kind>")
@login_required
def qr_code(org_slug: str, service_id: str, kind: str) -> Response:
    """The QR code of the mini-site's address, as SVG (for print) or PNG."""
    require_service(org_slug, service_id)
    code = segno.make(public_url(service_id), error="m")
    buffer = io.BytesIO()
    if kind == "svg":
        code.save(buffer, kind="svg", scale=10, border=4, title=service_id)
        mimetype = "image/svg+xml"
    else:
        code.save(buffer, kind="png", scale=12, border=4)
        mimetype = "image/png"
    return Response(buffer.getvalue(), mimetype=mimetype,
                    headers={"Content-Disposition": f'inline; filename="{service_id}-qr.{kind}"'})


def _paper(service_id: str, yaml_text: str) -> Paper:
    """The paper version of the working copy (of the published version when the copy does
    not load), in the studio's language when the service has it."""
    service: Service | None = compile_text(yaml_text)
    if service is None:
        found = published_service(service_id)
        service = found[0] if found else abort(404)
    return paper_of(service, display_language(service), public_url(service_id))


@bp.route("/papier")
@login_required
def paper(org_slug: str, service_id: str) -> str:
    """The paper version, as a page to print from the browser."""
    found = require_service(org_slug, service_id)
    return paper_page(_paper(service_id, found.copy.yaml),
                      back_url=url_for(".share", org_slug=org_slug, service_id=service_id),
                      pdf_url=url_for(".paper_download", org_slug=org_slug, service_id=service_id))


@bp.route("/papier.pdf")
@login_required
def paper_download(org_slug: str, service_id: str) -> Response:
    """The paper version as an A4 PDF."""
    found = require_service(org_slug, service_id)
    return pdf_response(paper_pdf(_paper(service_id, found.copy.yaml)), service_id)
