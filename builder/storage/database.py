"""SQLite as Tremplin opens it: the connection settings and the two kinds of transaction.

Storage modules (:mod:`builder.storage`) write through :func:`transaction`; the Flask
side (:mod:`builder.db`) lends connections opened by :func:`connect` to requests.
"""

from __future__ import annotations

import contextlib
import sqlite3
from typing import Iterator

from sqlite_utils import Database

BUSY_TIMEOUT_SECONDS = 5.0


def connect(path: str, *, any_thread: bool = False) -> Database:
    """Open the database at ``path`` with Tremplin's settings (the caller closes it).

    ``any_thread`` lets another thread than the opener use it (one at a time: the pool).
    """
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=not any_thread)
    db = Database(conn)
    try:
        db.enable_wal()
        db.execute("PRAGMA synchronous=FULL")
        db.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")
        db.execute("PRAGMA foreign_keys=ON")
    except Exception:
        db.close()
        raise
    return db


@contextlib.contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """A write transaction taken at once (``BEGIN IMMEDIATE``).

    A plain ``BEGIN`` that first reads then writes can fail with "database is locked"
    when another process wrote in between, whatever the busy timeout; taking the write
    lock up front makes concurrent writers queue instead. sqlite-utils calls made
    inside join the transaction (they use savepoints).
    """
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.rollback()
        raise
    db.commit()


@contextlib.contextmanager
def unsynced(db: Database) -> Iterator[Database]:
    """Commits made inside are not flushed to disk at once (``synchronous=NORMAL``).

    Only for writes that may be lost on a power cut or a kernel crash (never on a crash
    of the application; the database stays consistent either way): the funnel's events.
    The next ordinary commit flushes them with its own. Inside an open transaction,
    nothing changes (the setting applies when the transaction commits).
    """
    if db.conn.in_transaction:
        yield db
        return
    db.execute("PRAGMA synchronous=NORMAL")
    try:
        yield db
    finally:
        db.execute("PRAGMA synchronous=FULL")  # every connection's setting (see connect)
