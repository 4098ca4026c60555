"""What the studio's service pages share: finding a service inside an organisation, and
the HTML ids of the things of a service (:func:`builder.editing.locate.anchor`)."""

from __future__ import annotations

from typing import NamedTuple

from flask import abort, g

from builder.db import get_db
from builder.editing.locate import anchor  # noqa: F401  (the studio's pages use it too)
from builder.storage import workspace
from builder.storage.accounts import READER
from builder.studio.access import OrgAccess, require_org


class ServiceAccess(NamedTuple):
    """An organisation, the user's role there, and one of its services."""

    access: OrgAccess
    copy: workspace.WorkingCopy


def require_service(org_slug: str, service_id: str, at_least: str = READER) -> ServiceAccess:
    """The service ``service_id`` of the organisation ``org_slug`` (404 when it is not theirs)."""
    access = require_org(org_slug, at_least)
    copy = workspace.get(get_db(), service_id)
    if copy is None or copy.org_id != access.org.id:
        abort(404)
    g.copy = copy
    return ServiceAccess(access, copy)
