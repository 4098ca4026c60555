"""Published services: the service files that ``tremplin run`` serves.

Publishing stores the YAML text under the next version number and keeps every earlier
version, so that a submission can say which version of the questions it answered.
The request path never parses this YAML on each request: compile it once per
``(service_id, version)`` and cache the result.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Mapping

from sqlite_utils import Database

from builder.storage import iso, parse_iso
from builder.storage.database import transaction


def create_tables(db: Database) -> None:
    """Create the table of published versions when it is missing (safe to run again)."""
    db["published_services"].create(
        {"service_id": str, "version": int, "yaml": str, "published_at": str, "withdrawn_at": str},
        pk=("service_id", "version"),
        not_null={"yaml", "published_at"},
        if_not_exists=True,
    )


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
    with transaction(db):
        row = db.execute(
            "SELECT COALESCE(MAX(version), 0) + 1 FROM published_services WHERE service_id = ?",
            [service_id],
        ).fetchone()
        record = {
            "service_id": service_id,
            "version": row[0],
            "yaml": yaml_text,
            "published_at": iso(now),
            "withdrawn_at": None,
        }
        db["published_services"].insert(record)
    return _to_service(record)


def withdraw(db: Database, service_id: str, *, now: dt.datetime | None = None) -> bool:
    """Take ``service_id`` offline (its versions are kept); False if it was not online."""
    latest = get_published(db, service_id)
    if latest is None:
        return False
    db["published_services"].update(
        (service_id, latest.version), {"withdrawn_at": iso(now)}
    )
    return True


def get_published(
    db: Database, service_id: str, version: int | None = None
) -> PublishedService | None:
    """The online version of ``service_id`` (or the given ``version``, online or not)."""
    if version is not None:
        where, args = "service_id = ? AND version = ?", [service_id, version]
    else:
        where, args = "service_id = ?", [service_id]
    # plain SQL: this runs on every mini-site request (db["table"] asks the schema first)
    cursor = db.execute(f"SELECT * FROM published_services WHERE {where} ORDER BY version DESC LIMIT 1", args)
    found = cursor.fetchone()
    row = dict(zip([column[0] for column in cursor.description], found)) if found else None
    if row is None or (version is None and row["withdrawn_at"]):
        return None
    return _to_service(row)


def live_version(db: Database, service_id: str) -> int | None:
    """The version of ``service_id`` that is online, or None (its YAML is not read)."""
    row = db.execute("SELECT version, withdrawn_at FROM published_services WHERE service_id = ? "
                     "ORDER BY version DESC LIMIT 1", [service_id]).fetchone()
    return row[0] if row is not None and row[1] is None else None


def list_published(db: Database) -> list[PublishedService]:
    """The online version of every published service, by service id."""
    rows = db.query(
        """
        SELECT p.* FROM published_services AS p
        JOIN (SELECT service_id, MAX(version) AS version FROM published_services
              GROUP BY service_id) AS latest USING (service_id, version)
        WHERE p.withdrawn_at IS NULL
        ORDER BY p.service_id
        """
    )
    return [_to_service(row) for row in rows]


def versions(db: Database, service_id: str) -> list[PublishedService]:
    """Every published version of ``service_id``, newest first."""
    rows = db["published_services"].rows_where(
        "service_id = ?", [service_id], order_by="version DESC"
    )
    return [_to_service(row) for row in rows]


def _to_service(row: Mapping[str, Any]) -> PublishedService:
    return PublishedService(
        service_id=row["service_id"],
        version=row["version"],
        yaml=row["yaml"],
        published_at=parse_iso(row["published_at"]),
        withdrawn_at=parse_iso(row["withdrawn_at"]),
    )
