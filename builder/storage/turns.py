"""Chores that one worker does at most once per interval (mail retries, purges).

The time of the last turn is kept in the ``meta`` table, so the workers of a server
(several processes, several servers) share it: whoever finds the turn free takes it
with one conditional write (``UPDATE … WHERE value <= earliest``, or an insert that
does nothing if the key exists), which only one worker can win.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable

from sqlalchemy import Column, Table, Text, select, update

from builder.storage import as_utc, iso
from builder.storage.database import Database, metadata, transaction
from builder.storage.upsert import insert_or_ignore

meta = Table("meta", metadata, Column("key", Text, primary_key=True), Column("value", Text))


def take_turn(db: Database, key: str, interval: float, *, now: dt.datetime | None = None,
              wanted: Callable[[], bool] = lambda: True) -> bool:
    """True for one worker when ``interval`` seconds have passed since the last turn of ``key``
    (and ``wanted()`` says there is something to do)."""
    now = as_utc(now)
    earliest = iso(now - dt.timedelta(seconds=interval))
    if not _is_free(db, key, earliest) or not wanted():
        return False
    with transaction(db):
        taken = db.execute(update(meta).where(meta.c.key == key, meta.c.value <= earliest)
                           .values(value=iso(now))).rowcount
        if not taken:  # no such key yet, or another worker took this turn in between
            taken = insert_or_ignore(db, meta, {"key": key, "value": iso(now)}).rowcount
    return taken == 1


def _is_free(db: Database, key: str, earliest: str) -> bool:
    value = db.execute(select(meta.c.value).where(meta.c.key == key)).scalar()
    return value is None or value <= earliest
