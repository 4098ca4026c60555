"""What several of the studio's views share: finding a service inside an organisation,
its published versions compiled, the language to show it in, the HTML ids of its things
(:func:`builder.editing.locate.anchor`) and the small pieces of the studio's forms. The
addresses given to people outside (a mini-site, an invitation) are made by
:mod:`builder.addresses`."""

from __future__ import annotations

import functools
from typing import NamedTuple

from flask import abort, g
from flask_babel import get_locale

from builder.db import get_db
from builder.editing.document import ServiceDocument
from builder.editing.locate import anchor  # noqa: F401  (the studio's pages use it too)
from builder.format.loader import ServiceFileError, load_service_text
from builder.format.model import Service
from builder.storage import accounts, services, submissions, workspace
from builder.storage.submissions import Submission
from builder.storage.accounts import READER
from builder.studio.access import OrgAccess, current_user, require_org

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


def strip(value: str | None) -> str | None:
    """A WTForms filter: the text without surrounding spaces."""
    return value.strip() if isinstance(value, str) else value


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


def require_submission(service_id: str, reference: str) -> Submission:
    """The submission ``reference`` to ``service_id`` (404 when there is none)."""
    submission = submissions.get_by_reference(get_db(), reference)
    if submission is None or submission.service_id != service_id:
        abort(404)
    return submission


@functools.lru_cache(maxsize=64)
def compile_text(yaml_text: str) -> Service | None:
    """A service text compiled once (published texts never change); None if it does not load."""
    try:
        return load_service_text(yaml_text)
    except ServiceFileError:
        return None


def published_service(service_id: str, version: int | None = None) -> tuple[Service, int] | None:
    """Version ``version`` of ``service_id`` compiled, by default its newest (online or withdrawn)."""
    db = get_db()
    found = services.get_published(db, service_id, version)
    if found is None and version is None:
        found = next(iter(services.versions(db, service_id, limit=1)), None)
    service = compile_text(found.yaml) if found else None
    return (service, found.version) if service else None


def service_title(copy_yaml: str, service_id: str) -> str:
    """The service's title in the studio's language, from its working copy."""
    service = compile_text(copy_yaml)
    return service.text("title", display_language(service)) if service else service_id


def display_language(service: Service | None) -> str:
    """The studio's language when the service has it, else the service's first language."""
    asked = str(get_locale() or "fr")
    if service is None or asked in service.languages:
        return asked
    return service.default_language


def create_service(access, text: str, title: str | None) -> workspace.WorkingCopy:
    """Save ``text`` as a new service of the organisation, under a free id."""
    document = ServiceDocument.from_yaml(text)
    data = dict(document.data)
    base = accounts.slugify(title) if title and data.get("id") == "service" else str(data.get("id") or "service")
    data["id"] = workspace.free_id(get_db(), base or "service")
    return workspace.create(get_db(), access.org.id, data["id"], document.with_data(data).to_yaml(),
                            user_id=access_user_id())


def access_user_id() -> int | None:
    """The signed-in user's id (for "changed by")."""
    user = current_user()
    return user.id if user else None
