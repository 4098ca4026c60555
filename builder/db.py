"""The database of the application: one connection per application context.

A connection is borrowed on first use in an application context, kept on ``g`` and
given back when the context ends (the pattern of Flask's tutorial). ``DATABASE`` names
the database: the SQLite file in the instance folder, or the URL of
``TREMPLIN_DATABASE_URL`` (PostgreSQL). :mod:`builder.storage.database` opens it and
keeps each process's idle connections (SQLAlchemy's pool: opening one costs its
settings, and when the last connection to a WAL file closes, SQLite copies the WAL
into the database only for the next request to create it again).
:mod:`builder.storage.schema` creates the tables, or upgrades them, at start.
"""

from __future__ import annotations

import contextlib

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
        db = context.db = connect(current_app.config["DATABASE"])
    return db


def close_db(exception: BaseException | None = None) -> None:
    """Give the connection of the current context back to the pool (an open transaction is undone)."""
    db = g.pop("db", None)
    if db is not None:
        db.close()


def init_app(app: Flask) -> None:
    """Close connections at the end of each context and bring the schema up to date
    (unless ``UPGRADE_ON_START`` is false: ``tremplin db upgrade`` does it and says what it did)."""
    app.teardown_appcontext(close_db)
    if app.config.get("UPGRADE_ON_START", True):
        with contextlib.closing(connect(app.config["DATABASE"])) as db:
            init_db(db)
