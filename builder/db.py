"""The database of the application: one connection per application context.

A connection is borrowed on first use in an application context, kept on ``g`` and
given back when the context ends (the pattern of Flask's tutorial). The file lives in
the instance folder; :mod:`builder.storage.database` opens it (WAL, every commit
flushed to disk, because a person is told "envoyé" only once their submission is
committed) and :mod:`builder.storage.schema` creates the tables, each storage module
its own.
"""

from __future__ import annotations

import contextlib
import os
import threading
import weakref

from flask import Flask, current_app, g
from sqlite_utils import Database

from builder.storage.database import (  # noqa: F401
    BUSY_TIMEOUT_SECONDS,
    connect,
    transaction,
    unsynced,
)
from builder.storage.schema import init_db  # noqa: F401  (builder.db.init_db for callers)


def get_db() -> Database:
    """The database of the current application context.

    Connections are not opened per request: each context borrows one from the
    application's pool (:class:`ConnectionPool`) and gives it back when it ends.
    """
    context = g._get_current_object()  # one lookup of the proxy: this runs several times a request
    db = getattr(context, "db", None)
    if db is None:
        db = context.db = _pool(current_app._get_current_object()).borrow()
    return db


class ConnectionPool:
    """Idle connections of one process to the application's database, ready to lend.

    Opening a connection costs its PRAGMAs on every request, and when the last
    connection to a WAL database closes, SQLite copies the WAL into the database (with
    fsyncs) and deletes it, only for the next request to create it again. Kept idle
    (no transaction open, so they block nobody), connections make a request cheap. The
    pool belongs to the process that made it: after a fork, a new one is started and
    the parent's connections are left alone. Any thread may borrow; one connection
    serves one context at a time.
    """

    MAX_IDLE = 8

    def __init__(self, path: str) -> None:
        self.path = path
        self.pid = os.getpid()
        self._idle: list[Database] = []
        self._lock = threading.Lock()

    def borrow(self) -> Database:
        """An idle connection, or a new one when none is free."""
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return connect(self.path, any_thread=True)

    def give_back(self, db: Database) -> None:
        """Take back a connection whose context ended (an open transaction is rolled back)."""
        if db.conn.in_transaction:
            db.conn.rollback()
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
_INHERITED: list[ConnectionPool] = []  # pools of a parent process: never used nor closed here


def _pool(app: Flask) -> ConnectionPool:
    pool = app.extensions.get(_POOL)
    if pool is not None and pool.pid == os.getpid():
        return pool
    with _POOL_LOCK:
        pool = app.extensions.get(_POOL)
        if pool is None or pool.pid != os.getpid():
            if pool is not None:
                _INHERITED.append(pool)
            pool = app.extensions[_POOL] = ConnectionPool(app.config["DATABASE"])
            weakref.finalize(app, pool.close)  # closed with the application (or at exit)
    return pool


def close_db(exception: BaseException | None = None) -> None:
    """Give the connection of the current context back to the pool, if one was borrowed."""
    db = g.pop("db", None)
    if db is not None:
        _pool(current_app._get_current_object()).give_back(db)


def init_app(app: Flask) -> None:
    """Close connections at the end of each context and make sure the schema exists."""
    app.teardown_appcontext(close_db)
    with contextlib.closing(connect(app.config["DATABASE"])) as db:
        init_db(db)
