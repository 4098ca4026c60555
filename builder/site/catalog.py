"""Where the mini-sites find their services: compiled once, cached until they change.

In ``run`` mode the services are the published versions in the database; in
``serve`` mode, one file on disk, compiled again only when its modification time
changes. The request path never parses YAML for a service it has already seen.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass

from flask import abort, current_app

from builder.db import get_db
from builder.format.loader import load_service, load_service_text
from builder.format.model import Service
from builder.storage import services as published
from builder.storage import workspace

_LOCK = threading.Lock()
_COMPILED: dict[tuple[str, str, int], Service] = {}
_FILES: dict[str, tuple[float, Service]] = {}


@dataclass(frozen=True)
class LiveService:
    """A service as a mini-site serves it: compiled, with the version it came from."""

    service: Service
    version: int


def get_live_service(service_id: str) -> LiveService:
    """The live version of ``service_id``, or a 404 page."""
    found = live_service(service_id)
    if found is None:
        abort(404)
    return found


def live_service(service_id: str) -> LiveService | None:
    """The live version of ``service_id``, or None (never published, withdrawn, or not
    the one file ``tremplin serve`` serves)."""
    served_file = current_app.config.get("SERVE_FILE")
    if served_file:
        service = _from_file(served_file)
        return LiveService(service, 0) if service.id == service_id else None
    version = published.live_version(get_db(), service_id)
    if version is None:
        return None
    return LiveService(_compiled(service_id, version), version)


def same_organisation(service_id: str, other_id: str) -> bool:
    """Whether both services belong to one organisation of the studio (or both to none,
    as the examples a ``tremplin run`` publishes)."""
    db = get_db()
    mine, theirs = workspace.get(db, service_id), workspace.get(db, other_id)
    return (mine and mine.org_id) == (theirs and theirs.org_id)


def contact_service(service_id: str, target: str) -> Service | None:
    """The live contact service ``target`` that ``service_id`` hands people to
    (``settings.contact_service``): never another organisation's, which the answers
    must not reach (a file may name any); None when it is not online."""
    if not same_organisation(service_id, target):
        return None
    found = live_service(target)
    return found.service if found else None


def _compiled(service_id: str, version: int) -> Service:
    """The compiled version (its YAML is read from the database only the first time)."""
    key = (current_app.config["DATABASE"], service_id, version)
    service = _COMPILED.get(key)
    if service is None:
        row = published.get_published(get_db(), service_id, version)
        service = load_service_text(row.yaml, f"{service_id} v{version}")
        with _LOCK:
            _COMPILED[key] = service
    return service


def _from_file(path: str) -> Service:
    mtime = os.stat(path).st_mtime
    cached = _FILES.get(path)
    if cached is None or cached[0] != mtime:
        cached = (mtime, load_service(path))
        with _LOCK:
            _FILES[path] = cached
    return cached[1]


def served_file_service_id(path: str) -> str:
    """The id of the service in ``path`` (used to route ``tremplin serve`` at /)."""
    return _from_file(path).id
