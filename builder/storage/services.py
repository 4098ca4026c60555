"""Published services: the service files that ``tremplin run`` serves.

Publishing stores the YAML text under the next version number and keeps every earlier
version, so that a submission can say which version of the questions it answered.
The request path never parses this YAML on each request: compile it once per
``(service_id, version)`` and cache the result.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from typing import Any, Mapping

from sqlalchemy import Column, Integer, PrimaryKeyConstraint, Table, Text, bindparam, func, select, update

from sqlalchemy.exc import IntegrityError

from builder.storage import iso, parse_iso
from builder.storage.database import Database, Prepared, metadata, transaction

published_services = Table(
    "published_services", metadata,
    Column("service_id", Text), Column("version", Integer),
    Column("yaml", Text, nullable=False), Column("published_at", Text, nullable=False),
    Column("withdrawn_at", Text),
    PrimaryKeyConstraint("service_id", "version"),
)
_table = published_services
_PUBLISH_ATTEMPTS = 5
# The newest version of a service, online or withdrawn: runs on every mini-site request.
_LATEST = Prepared(select(_table.c.version, _table.c.withdrawn_at)
                   .where(_table.c.service_id == bindparam("service_id")).order_by(_table.c.version.desc()).limit(1))


@dataclass(frozen=True)
class PublishedService:
    """One published version of a service file."""

    service_id: str
    version: int
    yaml: str
    published_at: dt.datetime
    withdrawn_at: dt.datetime | None = None


def publish(
    db: Database, service_id: str, yaml_text: str, *, now: dt.datetime | None = None
) -> PublishedService:
    """Publish ``yaml_text`` as the next version of ``service_id`` and return it.

    The caller validates the file first: this module stores text, it does not read it.
    """
    for _ in range(_PUBLISH_ATTEMPTS - 1):
        with contextlib.suppress(IntegrityError):  # PostgreSQL: another server took that version first
            return _publish_once(db, service_id, yaml_text, now)
    return _publish_once(db, service_id, yaml_text, now)


def _publish_once(db: Database, service_id: str, yaml_text: str, now: dt.datetime | None) -> PublishedService:
    with transaction(db):
        latest = db.execute(select(func.coalesce(func.max(_table.c.version), 0))
                            .where(_table.c.service_id == service_id)).scalar()
        record = {"service_id": service_id, "version": latest + 1, "yaml": yaml_text,
                  "published_at": iso(now), "withdrawn_at": None}
        db.execute(_table.insert(), record)
    return _to_service(record)


def withdraw(db: Database, service_id: str, *, now: dt.datetime | None = None) -> bool:
    """Take ``service_id`` offline (its versions are kept); False if it was not online."""
    latest = get_published(db, service_id)
    if latest is None:
        return False
    db.execute(update(_table).where(_table.c.service_id == service_id, _table.c.version == latest.version)
               .values(withdrawn_at=iso(now)))
    return True


def get_published(
    db: Database, service_id: str, version: int | None = None
) -> PublishedService | None:
    """The online version of ``service_id`` (or the given ``version``, online or not)."""
    query = select(_table).where(_table.c.service_id == service_id)
    if version is not None:
        query = query.where(_table.c.version == version)
    row = db.execute(query.order_by(_table.c.version.desc()).limit(1)).mappings().first()
    if row is None or (version is None and row["withdrawn_at"]):
        return None
    return _to_service(row)


def live_version(db: Database, service_id: str) -> int | None:
    """The version of ``service_id`` that is online, or None (its YAML is not read)."""
    row = _LATEST.run(db, service_id=service_id).fetchone()
    return row[0] if row is not None and row[1] is None else None


def list_published(db: Database) -> list[PublishedService]:
    """The online version of every published service, by service id."""
    latest = (select(_table.c.service_id, func.max(_table.c.version).label("version"))
              .group_by(_table.c.service_id).subquery())
    rows = db.execute(
        select(_table).join(latest, (latest.c.service_id == _table.c.service_id)
                            & (latest.c.version == _table.c.version))
        .where(_table.c.withdrawn_at.is_(None)).order_by(_table.c.service_id)).mappings()
    return [_to_service(row) for row in rows]


def versions(db: Database, service_id: str, *, limit: int | None = None, offset: int = 0) -> list[PublishedService]:
    """The published versions of ``service_id``, newest first: all of them, or ``limit``
    after the ``offset`` newest."""
    rows = db.execute(select(_table).where(_table.c.service_id == service_id)
                      .order_by(_table.c.version.desc()).limit(limit).offset(offset)).mappings()
    return [_to_service(row) for row in rows]


def count_versions(db: Database, service_id: str) -> int:
    """How many versions of ``service_id`` were published."""
    return db.execute(select(func.count()).select_from(_table).where(_table.c.service_id == service_id)).scalar()


def _to_service(row: Mapping[str, Any]) -> PublishedService:
    return PublishedService(
        service_id=row["service_id"],
        version=row["version"],
        yaml=row["yaml"],
        published_at=parse_iso(row["published_at"]),
        withdrawn_at=parse_iso(row["withdrawn_at"]),
    )
