"""The database of the application: one connection per application context.

A connection is borrowed on first use in an application context, kept on ``g`` and
given back when the context ends (the pattern of Flask's tutorial). ``DATABASE`` names
the database: the SQLite file in the instance folder, or the URL of
``TREMPLIN_DATABASE_URL`` (PostgreSQL). :mod:`builder.storage.database` opens it and
each process keeps idle connections (:class:`ConnectionPool`: opening one costs its
settings, and when the last connection to a WAL file closes, SQLite copies the WAL
into the database only for the next request to create it again).
:mod:`builder.storage.schema` creates the tables, or upgrades them, at start.
"""

from __future__ import annotations

import contextlib
import os
import threading
import weakref

from flask import Flask, current_app, g

from builder.storage.database import (  # noqa: F401  (builder.db.* for callers)
    BUSY_TIMEOUT_SECONDS,
    Database,
    atomic,
    connect,
    transaction,
    unsynced,
)
from builder.storage.schema import init_db  # noqa: F401  (builder.db.init_db for callers)


def get_db() -> Database:
    """The database connection of the current application context (borrowed from the pool)."""
    context = g._get_current_object()  # one lookup of the proxy: this runs several times a request
    db = getattr(context, "db", None)
    if db is None:
        db = context.db = _pool(current_app._get_current_object()).borrow()
    return db


class ConnectionPool:
    """Idle connections of one process, ready to lend to the next request as they are.

    SQLAlchemy's own pool would do, but a checkout and a return cost more than a small
    query on SQLite; here a request takes an idle :class:`Database` from a list. Idle
    connections hold no transaction, so they block nobody. The pool belongs to the
    process that made it: after a fork, a new one is started and the parent's
    connections are left alone. Any thread may borrow; one connection serves one
    context at a time. A connection the server ended while it was idle is not lent
    (:func:`builder.storage.database.dropped_by_server`).
    """

    MAX_IDLE = 8

    def __init__(self, target: str) -> None:
        self.target = target
        self.pid = os.getpid()
        self._idle: list[Database] = []
        self._lock = threading.Lock()

    def borrow(self) -> Database:
        """An idle connection the server has not ended, or a new one when none is free."""
        while True:
            with self._lock:
                if not self._idle:
                    return connect(self.target)
                db = self._idle.pop()
            if not db.dropped:
                return db
            db.discard()  # PostgreSQL restarted, or ended it: the next idle one, or a new one

    def give_back(self, db: Database) -> None:
        """Take back a connection whose context ended (an open transaction is undone)."""
        try:
            db.rollback()
        except Exception:  # noqa: BLE001  (a connection the server dropped: not lent again)
            db.close()
            return
        with self._lock:
            if os.getpid() == self.pid and len(self._idle) < self.MAX_IDLE:
                self._idle.append(db)
                return
        db.close()

    def close(self) -> None:
        """Close every idle connection (the application is going away)."""
        with self._lock:
            idle, self._idle = self._idle, []
        if os.getpid() == self.pid:
            for db in idle:
                db.close()


_POOL = "tremplin.db_pool"
_POOL_LOCK = threading.Lock()


def _pool(app: Flask) -> ConnectionPool:
    pool = app.extensions.get(_POOL)
    if pool is not None and pool.pid == os.getpid():
        return pool
    with _POOL_LOCK:
        pool = app.extensions.get(_POOL)
        if pool is None or pool.pid != os.getpid():
            pool = app.extensions[_POOL] = ConnectionPool(app.config["DATABASE"])
            weakref.finalize(app, pool.close)  # closed with the application (or at exit)
    return pool


def close_connections(app: Flask) -> None:
    """Close the idle connections ``app`` keeps for its next requests (when it is done
    with: the tests close each application's before ending its database)."""
    pool = app.extensions.get(_POOL)
    if pool is not None:
        pool.close()


def close_db(exception: BaseException | None = None) -> None:
    """Give the connection of the current context back to the pool, if one was borrowed."""
    db = g.pop("db", None)
    if db is not None:
        _pool(current_app._get_current_object()).give_back(db)


def init_app(app: Flask) -> None:
    """Close connections at the end of each context and bring the schema up to date
    (unless ``UPGRADE_ON_START`` is false: ``tremplin db upgrade`` does it and says what it did)."""
    app.teardown_appcontext(close_db)
    if app.config.get("UPGRADE_ON_START", True):
        with contextlib.closing(connect(app.config["DATABASE"])) as db:
            init_db(db)
