"""The schema: every table (each defined by the storage module that owns it, on one
:data:`metadata`) and the migrations that bring a database to it (Alembic, in
``builder/storage/migrations``).

:func:`upgrade` runs at every start (:mod:`builder.db`) and from ``tremplin db upgrade``:

- a database already at the newest revision costs one query;
- an empty database gets every table at once, and is stamped with the newest revision
  (Alembic's own advice: replaying the history would only be slower);
- any other database, including one made by a Tremplin from before migrations (tables
  but no ``alembic_version``), goes through the migrations it has not had, every record
  kept.

It all happens in one transaction that holds a lock (SQLite's write lock, a PostgreSQL
advisory lock): servers starting together upgrade one after the other, and a migration
that fails leaves the database as it was.
"""

from __future__ import annotations

import functools
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from builder.storage import (  # noqa: F401  (each defines its tables on the metadata)
    account_links,
    accounts,
    drafts,
    events,
    feedback,
    intermediaries,
    outbox,
    ratelimit,
    services,
    submissions,
    turns,
    workspace,
)
from builder.storage.database import Database, lock, metadata, transaction

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version"
_LOCK = "tremplin:migrations"


@functools.lru_cache(maxsize=1)
def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@functools.lru_cache(maxsize=1)
def head() -> str:
    """The newest revision of the schema."""
    return ScriptDirectory.from_config(_config()).get_current_head()


def current_revision(db: Database) -> str | None:
    """The revision ``db`` is at; None for a database Alembic never touched."""
    if not inspect(db.connection).has_table(VERSION_TABLE):
        return None
    return db.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def upgrade(db: Database, revision: str = "head") -> str | None:
    """Bring ``db`` to ``revision`` (the newest by default); return the revision it was at."""
    target = head() if revision == "head" else revision
    if _at(db, target):
        return target
    with transaction(db):
        lock(db, _LOCK)
        was = current_revision(db)
        if was == target:
            return was  # another server did it while this one waited for the lock
        if was is None and target == head() and not has_tables(db):
            metadata.create_all(db.connection)
            _run(db, command.stamp, target)
        else:
            _run(db, command.upgrade, target)
    return was


def _at(db: Database, target: str) -> bool:
    """The cheap check made at every start: one query when nothing is to do."""
    try:
        return current_revision(db) == target
    finally:
        db.rollback()  # PostgreSQL: leave no transaction open behind the check


def has_tables(db: Database) -> bool:
    """Whether ``db`` holds any of Tremplin's tables (an empty database holds none)."""
    return bool(set(inspect(db.connection).get_table_names()) & set(metadata.tables))


def _run(db: Database, operation, target: str) -> None:
    config = _config()
    config.attributes["connection"] = db.connection
    if not db.connection.in_transaction():
        db.connection.begin()  # tells Alembic the transaction is ours (it sends nothing in autocommit mode)
    try:
        operation(config, target)
    finally:
        config.attributes.pop("connection", None)


def init_db(db: Database) -> None:
    """Create every table, or bring an older database up to date (safe to run again)."""
    upgrade(db)
