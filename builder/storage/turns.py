"""Chores that one worker does at most once per interval (mail retries, purges).

The time of the last turn is kept in the ``meta`` table, so the workers of a server
(several processes) share it: whoever finds the turn free takes it in a transaction,
and checks again inside it, so two workers never both take the same turn.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable

from sqlite_utils import Database

from builder.storage import as_utc, iso
from builder.storage.database import transaction


def create_tables(db: Database) -> None:
    """Create the ``meta`` table of named times (safe to run again)."""
    db["meta"].create({"key": str, "value": str}, pk="key", if_not_exists=True)


def take_turn(db: Database, key: str, interval: float, *, now: dt.datetime | None = None,
              wanted: Callable[[], bool] = lambda: True) -> bool:
    """True for one worker when ``interval`` seconds have passed since the last turn of ``key``
    (and ``wanted()`` says there is something to do)."""
    now = as_utc(now)
    earliest = iso(now - dt.timedelta(seconds=interval))
    if not _is_free(db, key, earliest) or not wanted():
        return False
    with transaction(db):
        if not _is_free(db, key, earliest):
            return False  # another worker took this turn in between
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", [key, iso(now)])
    return True


def _is_free(db: Database, key: str, earliest: str) -> bool:
    row = db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return row is None or row[0] <= earliest
