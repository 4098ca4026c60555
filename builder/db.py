"""The one module that owns the SQLite database.

A connection is opened on first use in an application context, kept on ``g`` and
closed when the context ends (the pattern of Flask's tutorial). The file lives in the
instance folder; it is in WAL mode so that readers never wait for a writer, and every
commit is flushed to disk (``synchronous=FULL``) because a person is told "envoyé"
only once their submission is committed.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import weakref
from typing import Iterator

from flask import Flask, current_app, g
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


def init_db(db: Database) -> None:
    """Create every table and index that does not exist yet (safe to run again)."""
    from builder.storage import accounts, workspace  # here: those modules import this one
    with transaction(db):
        _create_services(db)
        _create_drafts(db)
        _create_submissions(db)
        _create_events(db)
        _create_outbox(db)
        _create_rate_limits(db)
        accounts.create_tables(db)
        workspace.create_tables(db)
        db["meta"].create({"key": str, "value": str}, pk="key", if_not_exists=True)


def _create_services(db: Database) -> None:
    db["published_services"].create(
        {"service_id": str, "version": int, "yaml": str, "published_at": str, "withdrawn_at": str},
        pk=("service_id", "version"),
        not_null={"yaml", "published_at"},
        if_not_exists=True,
    )


def _create_drafts(db: Database) -> None:
    db["drafts"].create(
        {
            "code": str, "service_id": str, "answers": str, "step_id": str,
            "created_at": str, "updated_at": str, "expires_at": str,
        },
        pk="code",
        not_null={"service_id", "answers", "created_at", "updated_at", "expires_at"},
        if_not_exists=True,
    )
    db["drafts"].create_index(["expires_at"], if_not_exists=True)


def _create_submissions(db: Database) -> None:
    db["submissions"].create(
        {
            "id": int, "reference": str, "idempotency_key": str, "service_id": str,
            "service_version": int, "answers": str, "outcomes": str, "lang": str, "created_at": str,
            "duration_seconds": int,
        },
        pk="id",
        not_null={"reference", "idempotency_key", "service_id", "answers", "created_at"},
        if_not_exists=True,
    )
    if "duration_seconds" not in db["submissions"].columns_dict:  # a database made before it existed
        db["submissions"].add_column("duration_seconds", int)
    db["submissions"].create_index(["reference"], unique=True, if_not_exists=True)
    db["submissions"].create_index(["idempotency_key"], unique=True, if_not_exists=True)
    db["submissions"].create_index(["service_id", "created_at"], if_not_exists=True)


def _create_events(db: Database) -> None:
    db["events"].create(
        {"id": int, "service_id": str, "step_id": str, "kind": str, "journey_id": str, "at": str},
        pk="id",
        not_null={"service_id", "kind", "journey_id", "at"},
        if_not_exists=True,
    )
    db["events"].create_index(["service_id", "step_id", "kind"], if_not_exists=True)
    db["events"].create_index(["journey_id"], if_not_exists=True)


def _create_outbox(db: Database) -> None:
    db["outbox"].create(
        {
            "id": int, "submission_id": int, "sender": str, "recipients": str,
            "subject": str, "message": bytes, "status": str, "attempts": int,
            "created_at": str, "next_attempt_at": str, "sent_at": str, "last_error": str,
        },
        pk="id",
        not_null={"sender", "recipients", "status", "attempts", "created_at", "next_attempt_at"},
        defaults={"status": "pending", "attempts": 0},
        if_not_exists=True,
    )
    db["outbox"].create_index(["status", "next_attempt_at"], if_not_exists=True)
    db["outbox"].create_index(["submission_id"], if_not_exists=True)  # deleting a submission deletes its mails


def _create_rate_limits(db: Database) -> None:
    db["rate_hits"].create({"key": str, "at": str}, not_null={"key", "at"}, if_not_exists=True)
    db["rate_hits"].create_index(["key", "at"], if_not_exists=True)
    db["rate_hits"].create_index(["at"], if_not_exists=True)


def init_app(app: Flask) -> None:
    """Close connections at the end of each context and make sure the schema exists."""
    app.teardown_appcontext(close_db)
    with contextlib.closing(connect(app.config["DATABASE"])) as db:
        init_db(db)
