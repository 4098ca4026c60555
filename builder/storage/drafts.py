"""Drafts kept on the server so that a person can stop and come back later.

A draft is found by a short code the person writes down (``K7Q-42M``): nothing is
kept in the browser but that code. A draft expires after the period the service sets
(30 days unless told otherwise); an expired draft is as good as gone, and
:func:`purge_expired` deletes them for good.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Mapping

from sqlalchemy import Column, Index, Table, Text, bindparam, delete, select, update
from sqlalchemy.exc import IntegrityError

from builder.storage import as_utc, iso, parse_iso
from builder.storage.codes import new_code, normalize
from builder.storage.database import Database, Prepared, metadata, savepoint, transaction

DEFAULT_TTL_DAYS = 30
_CODE_ATTEMPTS = 10

drafts = Table(
    "drafts", metadata,
    Column("code", Text, primary_key=True),
    Column("service_id", Text, nullable=False), Column("answers", Text, nullable=False),
    Column("step_id", Text), Column("created_at", Text, nullable=False),
    Column("updated_at", Text, nullable=False), Column("expires_at", Text, nullable=False),
    Index("idx_drafts_expires_at", "expires_at"),
)
_table = drafts
# These two run on every page of a journey: built once, compiled once.
_LOAD = Prepared(select(_table).where(_table.c.code == bindparam("code"), _table.c.service_id == bindparam("service_id"),
                             _table.c.expires_at > bindparam("now")))
_UPDATE = Prepared(update(_table).where(_table.c.code == bindparam("the_code"),
                                _table.c.service_id == bindparam("the_service"), _table.c.expires_at > bindparam("now"))
           .values(answers=bindparam("answers"), step_id=bindparam("step_id"),
                   updated_at=bindparam("updated_at"), expires_at=bindparam("expires_at")))


@dataclass(frozen=True)
class Draft:
    """The answers given so far to one service, and where the person stopped."""

    code: str
    service_id: str
    answers: dict[str, Any]
    step_id: str | None
    updated_at: dt.datetime
    expires_at: dt.datetime
    created_at: dt.datetime | None = None  # when the journey began (None from a save that updated it)


def save_draft(
    db: Database,
    service_id: str,
    answers: Mapping[str, Any],
    *,
    code: str | None = None,
    step_id: str | None = None,
    ttl_days: int = DEFAULT_TTL_DAYS,
    now: dt.datetime | None = None,
) -> Draft:
    """Store ``answers`` under ``code`` (a new code when None or unknown) and return it.

    Saving again pushes the expiry date back by ``ttl_days``. Answers must be
    JSON-serialisable (dates as ``YYYY-MM-DD`` strings).
    """
    now = as_utc(now)
    row = {
        "service_id": service_id,
        "answers": json.dumps(dict(answers), ensure_ascii=False, sort_keys=True),
        "step_id": step_id,
        "updated_at": iso(now),
        "expires_at": iso(now + dt.timedelta(days=ttl_days)),
    }
    known = normalize(code)
    if known and _update(db, known, service_id, row, now):
        return _to_draft({**row, "code": known})
    return _to_draft(_insert_new(db, {**row, "created_at": iso(now)}))


def _update(db: Database, code: str, service_id: str, row: dict, now: dt.datetime) -> bool:
    cursor = _UPDATE.run(db, answers=row["answers"], step_id=row["step_id"], updated_at=row["updated_at"],
                         expires_at=row["expires_at"], the_code=code, the_service=service_id, now=iso(now))
    return cursor.rowcount == 1


def _insert_new(db: Database, row: dict) -> dict:
    for _ in range(_CODE_ATTEMPTS):
        candidate = {**row, "code": new_code()}
        try:
            with savepoint(db) if db.in_transaction else transaction(db):
                db.execute(_table.insert(), candidate)
        except IntegrityError:
            continue  # the code is taken: draw another one
        return candidate
    raise RuntimeError("no free draft code found")


def load_draft(
    db: Database, code: str | None, service_id: str, *, now: dt.datetime | None = None
) -> Draft | None:
    """The live draft of ``service_id`` under ``code`` as a person typed it, or None."""
    known = normalize(code)
    if known is None:
        return None
    found = _LOAD.first(db, code=known, service_id=service_id, now=iso(now))
    return _to_draft(found) if found else None


def delete_draft(db: Database, code: str) -> None:
    """Forget a draft (once the answers are sent, or when the person asks to)."""
    known = normalize(code)
    if known:
        db.execute(delete(_table).where(_table.c.code == known))


def purge_expired(db: Database, *, now: dt.datetime | None = None) -> int:
    """Delete every expired draft; return how many there were."""
    return db.execute(delete(_table).where(_table.c.expires_at <= iso(now))).rowcount


def _to_draft(row: Mapping[str, Any]) -> Draft:
    return Draft(
        code=row["code"],
        service_id=row["service_id"],
        answers=json.loads(row["answers"]),
        step_id=row["step_id"],
        updated_at=parse_iso(row["updated_at"]),
        expires_at=parse_iso(row["expires_at"]),
        created_at=parse_iso(row.get("created_at")),
    )
