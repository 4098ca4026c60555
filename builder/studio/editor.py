"""The editor of one service (its home page in the studio).

The full editor (steps, blocks, conditions, outcomes, personas, live preview) is built
on this blueprint; this page is the service's overview and the entry to its tools.
"""

from __future__ import annotations

from flask import Blueprint, render_template

from builder.db import get_db
from builder.editing.document import ServiceDocument
from builder.storage import services as published
from builder.studio.access import login_required
from builder.studio.common import require_service

bp = Blueprint("studio_editor", __name__, url_prefix="/studio/o/<org_slug>/services/<service_id>")


@bp.route("/")
@login_required
def edit(org_slug: str, service_id: str):
    """The service's page: what it is, its state, and its tools."""
    found = require_service(org_slug, service_id)
    document = ServiceDocument.from_yaml(found.copy.yaml)
    return render_template("studio/editor/overview.html", copy=found.copy, org=found.access.org,
                           role=found.access.role, data=document.data,
                           live=published.get_published(get_db(), service_id))
