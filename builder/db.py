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


def connect(path: str) -> Database:
    """Open the database at ``path`` with Tremplin's settings (the caller closes it)."""
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS)
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
    """The database of the current application context, opened on first use."""
    if "db" not in g:
        g.db = connect(current_app.config["DATABASE"])
        _keep_wal_open(current_app._get_current_object())
    return g.db


_KEEPER = "tremplin.db_keeper"
_KEEPER_LOCK = threading.Lock()
_INHERITED: list[sqlite3.Connection] = []  # keepers of a parent process: never used nor closed here


def _keep_wal_open(app: Flask) -> None:
    """Hold one idle connection per process to the application's database.

    When the last connection to a WAL database closes, SQLite copies the WAL into the
    database file (two more fsyncs) and deletes it, and the next connection creates it
    again. With one connection per request, most requests paid for that; an idle
    connection that stays open (it holds no transaction, so it blocks nobody) makes
    closing a request's connection cheap. It is opened in the process that serves, so
    it is never shared across a fork.
    """
    keeper = app.extensions.get(_KEEPER)
    if keeper is not None and keeper[0] == os.getpid():
        return
    with _KEEPER_LOCK:
        keeper = app.extensions.get(_KEEPER)
        if keeper is not None and keeper[0] == os.getpid():
            return
        if keeper is not None:
            _INHERITED.append(keeper[1])
        conn = sqlite3.connect(app.config["DATABASE"], timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False)
        conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()  # now it holds the WAL open
        app.extensions[_KEEPER] = (os.getpid(), conn)
        weakref.finalize(app, conn.close)  # closed with the application (or at exit)


def close_db(exception: BaseException | None = None) -> None:
    """Close the connection of the current context, if one was opened."""
    db = g.pop("db", None)
    if db is not None:
        db.close()


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
    level = db.execute("PRAGMA synchronous").fetchone()[0]
    db.execute("PRAGMA synchronous=NORMAL")
    try:
        yield db
    finally:
        db.execute(f"PRAGMA synchronous={int(level)}")


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
