"""Group commit: concurrent writers of one process share a transaction and its fsync.

With WAL and ``synchronous=FULL`` every commit waits for one fdatasync, and SQLite has
one writer at a time, so writers committing one by one are bound by the disk (a few
hundred commits per second on a busy shared disk). On PostgreSQL every commit also
waits for its WAL to reach the disk, and costs a round trip or two on top. :func:`write`
lets the threads of a process that write to the same database at the same time share
one commit, as LevelDB's and PostgreSQL's own group commit do:

- each writer puts its work in the queue of its database file and waits;
- the first writer that finds nobody writing leads: it takes the pending batch (up to
  :data:`MAX_BATCH`), opens one transaction on its own connection, runs each work in a
  SAVEPOINT of its own (a failing work is rolled back alone and its caller gets the
  error; the others go on), commits once, then wakes every writer of the batch with its
  own result or exception, and hands the lead to the first writer still waiting;
- while a leader waits for the disk, the next writers queue up: the busier the server,
  the bigger the batches. Nothing waits on a timer.

Every caller returns only after the commit that holds its work, exactly as with its
own transaction. A work runs in the leader's thread, on the leader's connection, but in
a copy of its caller's context (``contextvars``): Flask's ``g``, request and the locale
are the caller's. It must use the database it is given, never ``get_db()``.

Processes do not share a queue. On PostgreSQL their transactions simply run side by side
(rows are locked one by one; the server's WAL writer groups commits that arrive
together). On SQLite, their leaders take turns through a lock file beside the database (``<file>-writers``, ``flock``): a leader waiting for another process's
commit is woken by the kernel as soon as it ends, where SQLite's busy handler would
sleep 1, 2, 5… 100 ms between tries and let a busy process keep the database for
itself (waits of a second were seen with two processes of eight threads). SQLite's own
lock still guards the data; other writes (drafts, events) do not take the file lock.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import threading
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Callable, Iterator, TypeVar

from builder.storage.database import Database, atomic, is_url, transaction

try:
    import fcntl
except ImportError:  # not on Windows: leaders of different processes rely on SQLite's busy handler
    fcntl = None

T = TypeVar("T")
Work = Callable[[Database], T]

MAX_BATCH = 64  # bounds the wait of the last writer of a batch (≈ 64 rows of CPU + one fsync)
_SAVEPOINT = "tremplin_group_write"


@dataclass(eq=False)
class _Write:
    """One writer's work, waiting in a queue, and what became of it."""

    work: Work
    db: Database
    context: contextvars.Context = field(default_factory=contextvars.copy_context)
    woken: threading.Event = field(default_factory=threading.Event)
    leads: bool = False
    result: Any = None
    error: BaseException | None = None
    traceback: TracebackType | None = None

    def fail(self, error: BaseException) -> None:
        self.result, self.error, self.traceback = None, error, error.__traceback__

    def outcome(self) -> Any:
        if self.error is not None:
            raise self.error.with_traceback(self.traceback)
        return self.result


class _Queue:
    """The writers waiting to write to one database file, and whether one leads."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.lock = threading.Lock()
        self.queued = threading.Condition(self.lock)  # nobody waits on it but wait_until_queued
        self.pending: list[_Write] = []
        self.busy = False


_QUEUES: dict[str, _Queue] = {}
_QUEUES_LOCK = threading.Lock()


def write(db: Database, work: Work) -> T:
    """Run ``work(db)`` in a write transaction and return its result once it is committed.

    Concurrent calls for the same database file share the transaction (see the module's
    documentation); ``work`` runs in a savepoint of its own, so an exception it raises
    undoes only its own writes, and is raised here. An in-memory database, or a
    connection already in a transaction, writes alone as before.
    """
    path = _queue_key(db)
    if not path or db.in_transaction:
        with atomic(db):
            return work(db)
    queue = _queue_for(path)
    mine = _Write(work, db)
    with queue.lock:
        queue.pending.append(mine)
        queue.queued.notify_all()
        if not queue.busy:
            queue.busy = mine.leads = True
    if not mine.leads:
        mine.woken.wait()  # with its outcome, or to lead the next batch
    if mine.leads:
        _lead(queue, mine)
    return mine.outcome()


def wait_until_queued(db: Database, count: int, timeout: float | None = None) -> bool:
    """Wait until ``count`` writers wait for the leader of ``db``'s file; False on timeout.

    For tests and benchmarks that need a batch to form (no polling, no sleep).
    """
    queue = _queue_for(_queue_key(db))
    with queue.queued:
        return queue.queued.wait_for(lambda: len(queue.pending) >= count, timeout)


def _queue_key(db: Database) -> str:
    """What names ``db``'s queue: its target ("" for an in-memory SQLite database)."""
    return "" if db.target in ("", ":memory:") else db.target


def _queue_for(path: str) -> _Queue:
    with _QUEUES_LOCK:
        if path not in _QUEUES:
            _QUEUES[path] = _Queue(path)
        return _QUEUES[path]


@contextlib.contextmanager
def _turn(path: str) -> Iterator[None]:
    """This process's turn to write to ``path``, among the leaders of every process.

    The lock file is opened for each turn (a syscall or two beside an fsync) rather than
    kept open: a process that opens many databases, as the test suite does, keeps no
    file descriptor per database.
    """
    try:
        fd = os.open(f"{path}-writers", os.O_RDWR | os.O_CREAT, 0o666) if fcntl and not is_url(path) else None
    except OSError:
        fd = None  # e.g. a read-only folder: SQLite's busy handler alone, as before
    # (PostgreSQL needs no turn: a URL has no lock file)
    if fd is None:
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _lead(queue: _Queue, leader: _Write) -> None:
    """Write and commit the pending batch, wake its writers, hand the lead on."""
    with queue.lock:
        batch, queue.pending = queue.pending[:MAX_BATCH], queue.pending[MAX_BATCH:]
    try:
        _commit(leader.db, batch, queue.path)
    finally:
        with queue.lock:
            successor = queue.pending[0] if queue.pending else None
            if successor is None:
                queue.busy = False
            else:
                successor.leads = True
        for item in batch:
            item.woken.set()
        if successor is not None:
            successor.woken.set()


def _commit(db: Database, batch: list[_Write], path: str) -> None:
    """One transaction for the whole batch; if it fails, every writer gets the error.

    The batch is first written with no savepoint (on PostgreSQL each one costs two round
    trips per writer); if any work fails, that transaction is undone and the batch is
    written again, each work in a savepoint of its own so that it fails alone (a batch
    of one has failed alone already).
    """
    try:
        with _turn(path):
            failure = _commit_at_once(db, batch)
            if failure is None:
                return
            if len(batch) == 1:
                raise failure
            with transaction(db):
                for item in batch:
                    _run(db, item)
    except BaseException as error:
        for item in batch:
            item.fail(error)
        if not isinstance(error, Exception):
            raise  # KeyboardInterrupt, SystemExit: the leader's own thread stops


def _commit_at_once(db: Database, batch: list[_Write]) -> Exception | None:
    """Every work of ``batch`` in one transaction, committed; else what failed, with nothing kept."""
    try:
        with transaction(db):
            for item in batch:
                item.result = item.context.run(item.work, db)
                if not db.in_transaction:
                    raise _Undone("a work ended the batch's transaction")  # what follows would not be in it
    except Exception as error:  # noqa: BLE001  (the caller says who failed)
        return error
    return None


class _Undone(Exception):
    """A work rolled back or committed the batch's transaction itself."""


def _run(db: Database, item: _Write) -> None:
    """``item``'s work in its own savepoint, in its caller's context."""
    db.execute_sql(f"SAVEPOINT {_SAVEPOINT}")
    try:
        item.result = item.context.run(item.work, db)
    except Exception as error:
        if not db.in_transaction:
            raise  # SQLite rolled the whole transaction back: the batch is lost, say so to all
        db.execute_sql(f"ROLLBACK TO SAVEPOINT {_SAVEPOINT}")
        db.execute_sql(f"RELEASE SAVEPOINT {_SAVEPOINT}")
        item.fail(error)
    else:
        db.execute_sql(f"RELEASE SAVEPOINT {_SAVEPOINT}")


def _forget_queues() -> None:
    """In a forked child: the parent's queues (and maybe held locks) mean nothing here."""
    global _QUEUES_LOCK
    _QUEUES.clear()
    _QUEUES_LOCK = threading.Lock()


os.register_at_fork(after_in_child=_forget_queues)
