"""Exports of the submissions an instance database holds for a service.

:func:`export_published` takes the columns from the newest published version of the
service (online or withdrawn); older versions are compiled only when some answer has
an id the newest one no longer asks, to give that column its former label.
:func:`export_service` takes them from a service the caller compiled, such as the
file a ``tremplin serve`` session collected answers for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable, Iterator

from builder.storage.database import Database

from builder.format.loader import ServiceFileError, load_service_text
from builder.format.model import Service
from builder.storage import followup, services, submissions
from exports import exporter, filename
from exports.table import TIMEZONE


class NotPublished(LookupError):
    """The service was never published in this database."""


@dataclass(frozen=True)
class Export:
    """A finished export, ready to be written to a file or sent as a download."""

    content: bytes
    media_type: str
    filename: str
    count: int  # how many submissions it holds


def export_service(db: Database, service: Service, format_name: str, lang: str | None = None, *,
                   version: int | None = None, history: Iterable[Service] = ()) -> Export:
    """Every submission to ``service`` stored in ``db``, in ``format_name``.

    ``lang`` defaults to the service's first language; ``version`` and ``history``
    are passed on to the format (see :func:`exports.table.build_table`).
    """
    module = exporter(format_name)
    rows = followup.with_follow_up(db, submissions.with_intermediaries(db, submissions.list_for_service(db, service.id)))
    content = module.export(service, rows, lang or service.default_language,
                            version=version, history=history)
    today = dt.datetime.now(TIMEZONE).date()
    return Export(content, module.media_type, filename(service.id, format_name, today), len(rows))


def export_published(db: Database, service_id: str, format_name: str,
                     lang: str | None = None) -> Export:
    """Every submission to the published service ``service_id``, in ``format_name``.

    Raises :class:`NotPublished`, or :class:`~builder.format.loader.ServiceFileError`
    when the newest version no longer loads.
    """
    exporter(format_name)  # an unknown format fails before any YAML is compiled
    published = services.versions(db, service_id)
    if not published:
        raise NotPublished(service_id)
    newest = published[0]
    service = load_service_text(newest.yaml, f"{service_id} (version {newest.version})")
    return export_service(db, service, format_name, lang, version=newest.version,
                          history=_older(published[1:]))


def _older(versions: list[services.PublishedService]) -> Iterator[Service]:
    """The older versions that still load, newest first, compiled one at a time."""
    for version in versions:
        try:
            yield load_service_text(version.yaml, f"{version.service_id} (version {version.version})")
        except ServiceFileError:
            continue  # written for an older format: its labels are lost, not its answers
