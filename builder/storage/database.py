"""The database as Tremplin opens it: SQLite in the instance folder, or PostgreSQL.

Storage modules (:mod:`builder.storage`) write their queries once, with SQLAlchemy Core,
and run them on either engine through a :class:`Database`; the Flask side
(:mod:`builder.db`) lends connections to requests.

- A *target* names the database: a SQLite file path (the default, in the instance
  folder), or a URL (``postgresql://…``, from ``TREMPLIN_DATABASE_URL``). SQLite files
  are opened in WAL mode with every commit flushed to disk (``synchronous=FULL``),
  because a person is told "envoyé" only once their submission is committed.
- Connections run in autocommit mode and this module opens transactions itself:
  ``BEGIN IMMEDIATE`` on SQLite (the write lock taken up front, see :func:`transaction`),
  ``BEGIN`` on PostgreSQL. Reads outside a transaction hold no lock nor snapshot.
- Each process keeps one SQLAlchemy engine (and its pool of connections) per target;
  a forked child starts its own and leaves its parent's alone.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import select
import sqlite3
import threading
from typing import Any, Iterator

from sqlalchemy import Engine, MetaData, create_engine, event, make_url, text
from sqlalchemy.engine import URL, Connection, CursorResult
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.pool import QueuePool

BUSY_TIMEOUT_SECONDS = 5.0
POOL_SIZE = 8  # idle connections kept per process (more are opened when busy, then closed)

# Every table of every storage module, in one catalogue (Alembic compares it to the database).
metadata = MetaData()

SQLITE, POSTGRESQL = "sqlite", "postgresql"


def database_url(target: str) -> URL:
    """The SQLAlchemy URL of ``target``: a SQLite file path, or a URL (PostgreSQL through psycopg 3)."""
    if "://" not in target:
        return URL.create("sqlite", database=os.path.abspath(target))
    url = make_url(target)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def is_url(target: str) -> bool:
    """True when ``target`` is a database URL rather than a SQLite file path."""
    return "://" in target


_ENGINES: dict[tuple[str, int], Engine] = {}
_ENGINES_LOCK = threading.Lock()


def engine_for(target: str) -> Engine:
    """This process's engine for ``target`` (made on first use)."""
    key = (target, os.getpid())
    engine = _ENGINES.get(key)
    if engine is None:
        with _ENGINES_LOCK:
            engine = _ENGINES.get(key)
            if engine is None:
                engine = _ENGINES[key] = _create_engine(database_url(target))
    return engine


def close_idle_connections() -> None:
    """Close the connections the engines of this process keep idle in their pools (those
    still lent stay open and come back as usual): for a process done with its databases,
    such as the tests after each application, so that connections do not pile up on a
    server that accepts only so many."""
    with _ENGINES_LOCK:
        engines = list(_ENGINES.values())
    for engine in engines:
        engine.pool.dispose()


def _create_engine(url: URL) -> Engine:
    options: dict[str, Any] = {"isolation_level": "AUTOCOMMIT", "poolclass": QueuePool,
                               "pool_size": POOL_SIZE, "max_overflow": -1}
    if url.get_backend_name() == SQLITE:
        options["connect_args"] = {"timeout": BUSY_TIMEOUT_SECONDS, "check_same_thread": False}
        engine = create_engine(url, **options)
        event.listen(engine, "connect", _set_sqlite_pragmas)
        return engine
    options["connect_args"] = {"application_name": "tremplin"}
    engine = create_engine(url, **options)
    event.listen(engine, "checkout", _refuse_dropped)
    return engine


def dropped_by_server(connection: Any) -> bool:
    """Whether PostgreSQL ended this idle psycopg connection (a restart, a terminated
    backend, ``idle_session_timeout``): its next statement would fail.

    SQLAlchemy's ``pool_pre_ping`` sends a query for that on every checkout. Here it
    costs a look at the socket: an idle connection has nothing to read, and a server
    that ends one sends its goodbye and closes it, which makes the socket readable.
    Only then is a query sent, to tell a goodbye from a stray notice.
    """
    if connection.closed or connection.broken:
        return True
    poller = select.poll()
    poller.register(connection.pgconn.socket, select.POLLIN)
    if not poller.poll(0):
        return False
    try:
        connection.execute("SELECT 1")
    except connection.Error:  # psycopg's base error
        return True
    return False


def _refuse_dropped(connection: Any, _record: Any, _proxy: Any) -> None:
    """On checkout from the engine's pool: a dropped connection is replaced by a new one."""
    if dropped_by_server(connection):
        raise DisconnectionError("the server ended this connection")


def _set_sqlite_pragmas(connection: sqlite3.Connection, _record: Any) -> None:
    """Tremplin's settings on every new SQLite connection."""
    connection.isolation_level = None  # this module says when transactions begin and end
    for pragma in ("journal_mode=WAL", "synchronous=FULL",
                   f"busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}", "foreign_keys=ON"):
        connection.execute(f"PRAGMA {pragma}")


class Database:
    """One connection to Tremplin's database, SQLite or PostgreSQL (one thread at a time).

    ``execute`` runs a SQLAlchemy Core statement; :func:`transaction` and :func:`atomic`
    group statements. ``target`` names the database (the key of the group commit's queue).
    """

    def __init__(self, connection: Connection, target: str) -> None:
        self.connection = connection
        self.target = target
        self.dialect = connection.dialect.name

    def execute(self, statement: Any, parameters: Any = None) -> CursorResult:
        """Run ``statement`` (with one mapping of parameters, or a list of them: executemany)."""
        return self.connection.execute(statement, parameters)

    def execute_sql(self, sql: str) -> Any:
        """Run SQL text with no parameters on the driver (BEGIN, COMMIT, SAVEPOINT, PRAGMA…);
        its errors are raised as SQLAlchemy raises them."""
        return run_on_driver(self, sql, ())

    @property
    def driver_connection(self) -> Any:
        """The sqlite3 or psycopg connection underneath."""
        return self.connection.connection.dbapi_connection

    @property
    def in_transaction(self) -> bool:
        """Whether a transaction is open on the database side."""
        raw = self.driver_connection
        if self.dialect == SQLITE:
            return raw.in_transaction
        return raw.info.transaction_status != 0  # psycopg.pq.TransactionStatus.IDLE

    @property
    def is_sqlite(self) -> bool:
        """True on SQLite (group commit's lock file, online backup, PRAGMAs)."""
        return self.dialect == SQLITE

    def rollback(self) -> None:
        """Undo the open transaction, if any."""
        if self.in_transaction:
            self.execute_sql("ROLLBACK")

    def close(self) -> None:
        """Give the connection back to its engine's pool (an open transaction is undone).

        A connection that cannot even be rolled back (the server went away) is thrown
        away rather than lent again.
        """
        try:
            self.rollback()
        except Exception:  # noqa: BLE001  (whatever it was, this connection is done for)
            self.discard()
        else:
            self.connection.close()

    @property
    def dropped(self) -> bool:
        """Whether the server ended this idle connection (see :func:`dropped_by_server`)."""
        return not self.is_sqlite and dropped_by_server(self.driver_connection)

    def discard(self) -> None:
        """Close this connection for good: it is never lent again."""
        self.connection.invalidate()
        self.connection.close()


class Prepared:
    """A Core statement compiled once per engine and run on the driver's own connection.

    SQLAlchemy's ``execute`` costs more than a small query itself on SQLite (a result
    object, events, the key of its compiled cache): the few statements that every page
    of a journey or every submission runs are compiled here once and handed to sqlite3
    or psycopg as they are. The query is still written once, with Core, for both engines.
    """

    def __init__(self, statement: Any) -> None:
        self.statement = statement
        self._compiled: dict[str, tuple[str, tuple[str, ...] | None, dict[str, Any]]] = {}

    def _for(self, db: Database) -> tuple[str, tuple[str, ...] | None, dict[str, Any]]:
        compiled = self._compiled.get(db.dialect)
        if compiled is None:
            done = self.statement.compile(dialect=db.connection.dialect)
            positions = tuple(done.positiontup) if done.positional else None
            compiled = self._compiled[db.dialect] = (done.string, positions, dict(done.params))
        return compiled

    def run(self, db: Database, **parameters: Any) -> Any:
        """Execute with ``parameters`` (the others keep their compiled values); the driver's cursor."""
        sql, positions, defaults = self._for(db)
        values = {**defaults, **parameters}
        arguments = tuple(values[name] for name in positions) if positions is not None else values
        return run_on_driver(db, sql, arguments)

    def first(self, db: Database, **parameters: Any) -> dict[str, Any] | None:
        """The first row, as a dict of its columns, or None."""
        cursor = self.run(db, **parameters)
        row = cursor.fetchone()
        return dict(zip([column[0] for column in cursor.description], row)) if row is not None else None


def run_on_driver(db: Database, sql: str, arguments: Any) -> Any:
    """``sql`` run by sqlite3 or psycopg itself; the driver's cursor. An error is raised as
    SQLAlchemy raises it (``IntegrityError``, ``OperationalError``…), as everywhere else."""
    driver_error = db.connection.dialect.loaded_dbapi.Error
    try:
        return db.driver_connection.execute(sql, arguments)
    except driver_error as error:
        raise DBAPIError.instance(sql, arguments, error, driver_error) from error


def connect(target: str) -> Database:
    """A connection to ``target`` (a SQLite file path or a URL); the caller closes it."""
    return Database(engine_for(target).connect(), target)


@contextlib.contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """A write transaction, committed at the end (undone if the block raises).

    On SQLite it is taken at once (``BEGIN IMMEDIATE``): a plain ``BEGIN`` that first
    reads then writes can fail with "database is locked" when another process wrote in
    between, whatever the busy timeout; taking the write lock up front makes concurrent
    writers queue instead. PostgreSQL's rows are locked as they are written.
    """
    db.execute_sql("BEGIN IMMEDIATE" if db.is_sqlite else "BEGIN")
    try:
        yield db
    except BaseException:
        db.rollback()
        raise
    db.execute_sql("COMMIT")


@contextlib.contextmanager
def savepoint(db: Database) -> Iterator[Database]:
    """Inside an open transaction: the block's writes are undone alone if it raises."""
    name = f"tremplin_{secrets.token_hex(6)}"
    db.execute_sql(f"SAVEPOINT {name}")
    try:
        yield db
    except BaseException:
        if db.in_transaction:  # SQLite may have rolled the whole transaction back already
            db.execute_sql(f"ROLLBACK TO SAVEPOINT {name}")
            db.execute_sql(f"RELEASE SAVEPOINT {name}")
        raise
    db.execute_sql(f"RELEASE SAVEPOINT {name}")


def atomic(db: Database) -> contextlib.AbstractContextManager[Database]:
    """A write transaction of its own, or a savepoint inside the caller's."""
    return savepoint(db) if db.in_transaction else transaction(db)


@contextlib.contextmanager
def unsynced(db: Database) -> Iterator[Database]:
    """A transaction whose commit is not waited for on disk.

    Only for writes that may be lost on a power cut or a kernel crash, never on a crash
    of the application (the database stays consistent either way): the funnel's events.
    SQLite: ``synchronous=NORMAL`` for this commit (the next ordinary commit flushes it);
    PostgreSQL: ``synchronous_commit = off`` for this transaction alone.
    """
    if db.is_sqlite:
        db.execute_sql("PRAGMA synchronous=NORMAL")
        try:
            with transaction(db):
                yield db
        finally:
            db.execute_sql("PRAGMA synchronous=FULL")  # every connection's setting
        return
    with transaction(db):
        db.execute_sql("SET LOCAL synchronous_commit = off")
        yield db


def lock(db: Database, name: str) -> None:
    """Inside a transaction: wait until no other transaction holds ``name``, then hold it
    until this one ends. SQLite's ``BEGIN IMMEDIATE`` already lets one writer at a time;
    PostgreSQL takes an advisory lock on the name's hash."""
    if not db.is_sqlite:
        db.execute(_ADVISORY_LOCK, {"name": name})


_ADVISORY_LOCK = text("SELECT pg_advisory_xact_lock(hashtextextended(:name, 0))")
