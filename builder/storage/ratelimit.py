"""A sliding-window rate limit kept in the database, so that every worker and every server shares it.

Keys are opaque strings built by the caller (see :func:`builder.security.limit_rate`,
which hashes the address: no IP address is stored in clear).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Index, Table, Text, bindparam, delete, func, select

from builder.storage import as_utc, iso, parse_iso
from builder.storage.database import Database, lock, metadata, unsynced

# No window is longer: older hits are deleted (a key's own when it is hit, all by tremplin purge).
MAX_WINDOW = dt.timedelta(days=1)


rate_hits = Table(
    "rate_hits", metadata,
    Column("key", Text, nullable=False), Column("at", Text, nullable=False),
    Index("idx_rate_hits_key_at", "key", "at"), Index("idx_rate_hits_at", "at"),
)
_COUNT = select(func.count()).select_from(rate_hits).where(rate_hits.c.key == bindparam("key"),
                                                           rate_hits.c.at > bindparam("since"))


def hit(
    db: Database,
    key: str,
    *,
    limit: int,
    window: dt.timedelta,
    now: dt.datetime | None = None,
) -> bool:
    """Count one more hit on ``key``; False (and not counted) when over ``limit``.

    The hits of one key are counted one server at a time (:func:`lock`). A hit is not
    waited for on disk (:func:`unsynced`): a power cut may forget the last few, which
    only lets those addresses try a little sooner.
    """
    now = as_utc(now)
    with unsynced(db):
        lock(db, f"rate:{key}")
        db.execute(delete(rate_hits).where(rate_hits.c.key == key, rate_hits.c.at <= iso(now - MAX_WINDOW)))
        if _count(db, key, now - window) >= limit:
            return False
        db.execute(rate_hits.insert(), {"key": key, "at": iso(now)})
    return True


def forget_old(db: Database, *, now: dt.datetime | None = None) -> int:
    """Delete the hits older than any window, whatever their key (``tremplin purge``)."""
    return db.execute(delete(rate_hits).where(rate_hits.c.at <= iso(as_utc(now) - MAX_WINDOW))).rowcount


def retry_after(
    db: Database, key: str, *, window: dt.timedelta, now: dt.datetime | None = None
) -> int:
    """Seconds until ``key`` can hit again (its oldest hit in the window expires)."""
    now = as_utc(now)
    oldest = db.execute(select(func.min(rate_hits.c.at)).where(rate_hits.c.key == key,
                                                               rate_hits.c.at > iso(now - window))).scalar()
    if oldest is None:
        return 0
    return max(1, int((parse_iso(oldest) + window - now).total_seconds()))


def _count(db: Database, key: str, since: dt.datetime) -> int:
    return db.execute(_COUNT, {"key": key, "since": iso(since)}).scalar()
