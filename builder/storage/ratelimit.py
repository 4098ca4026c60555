"""A sliding-window rate limit kept in SQLite, so that every worker process shares it.

Keys are opaque strings built by the caller (see :func:`builder.security.limit_rate`,
which hashes the address: no IP address is stored in clear).
"""

from __future__ import annotations

import datetime as dt

from sqlite_utils import Database

from builder.storage import as_utc, iso, parse_iso
from builder.storage.database import transaction

# Hits older than this are deleted whatever their key: no window is longer.
MAX_WINDOW = dt.timedelta(days=1)


def create_tables(db: Database) -> None:
    """Create the table of rate-limit hits when it is missing (safe to run again)."""
    db["rate_hits"].create({"key": str, "at": str}, not_null={"key", "at"}, if_not_exists=True)
    db["rate_hits"].create_index(["key", "at"], if_not_exists=True)
    db["rate_hits"].create_index(["at"], if_not_exists=True)


def hit(
    db: Database,
    key: str,
    *,
    limit: int,
    window: dt.timedelta,
    now: dt.datetime | None = None,
) -> bool:
    """Count one more hit on ``key``; False (and not counted) when over ``limit``."""
    now = as_utc(now)
    with transaction(db):
        db.execute("DELETE FROM rate_hits WHERE at <= ?", [iso(now - MAX_WINDOW)])
        if _count(db, key, now - window) >= limit:
            return False
        db.execute("INSERT INTO rate_hits (key, at) VALUES (?, ?)", [key, iso(now)])
    return True


def retry_after(
    db: Database, key: str, *, window: dt.timedelta, now: dt.datetime | None = None
) -> int:
    """Seconds until ``key`` can hit again (its oldest hit in the window expires)."""
    now = as_utc(now)
    row = db.execute(
        "SELECT MIN(at) FROM rate_hits WHERE key = ? AND at > ?", [key, iso(now - window)]
    ).fetchone()
    if row[0] is None:
        return 0
    return max(1, int((parse_iso(row[0]) + window - now).total_seconds()))


def _count(db: Database, key: str, since: dt.datetime) -> int:
    return db.execute(
        "SELECT COUNT(*) FROM rate_hits WHERE key = ? AND at > ?", [key, iso(since)]
    ).fetchone()[0]
