"""The funnel's events of this process, written to the database in batches.

Every page of a journey records an event (no personal data: see
:mod:`builder.storage.events`). Written one by one, each was a write transaction, and
with several workers every write made the other workers' SQLite caches stale: a third
of a question page's time under load (``bench/site.py``). Here they wait in memory and
are written together, when :data:`MAX_PENDING` are waiting or :data:`MAX_DELAY` seconds
after the first one, in one transaction.

The price, written down in docs/decisions.md: a worker killed outright (SIGKILL, a
power cut) loses the events of its last second; one that stops normally writes them
first, and the studio's figures write this process's waiting events before reading.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
import weakref

from flask import Flask, current_app

from builder.db import Database, connect, unsynced
from builder.storage import events

logger = logging.getLogger(__name__)

MAX_PENDING = 1000  # events
MAX_DELAY = 1.0     # seconds

_BUFFER = "tremplin.funnel"
_LOCK = threading.Lock()


class EventBuffer:
    """Events waiting to be written to the database ``target`` (one per process)."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.pid = os.getpid()
        self._rows: list[tuple] = []
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._writing = threading.Lock()  # one batch at a time on the buffer's own connection
        self._db: Database | None = None

    def add(self, service_id: str, step_id: str | None, kind: str, journey_id: str) -> None:
        """Keep one event (its ids are checked now, so a mistake shows where it was made)."""
        events.check_event(service_id, step_id, kind, journey_id)
        with self._lock:
            self._rows.append((service_id, step_id, kind, journey_id, dt.datetime.now(dt.timezone.utc)))
            full = len(self._rows) >= MAX_PENDING
            if not full and self._timer is None:
                self._timer = threading.Timer(MAX_DELAY, self.flush_quietly)
                self._timer.daemon = True
                self._timer.start()
        if full:
            self.flush()

    def flush(self) -> None:
        """Write every waiting event now, in one transaction."""
        with self._lock:
            rows, self._rows = self._rows, []
            timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()
        if not rows or os.getpid() != self.pid:
            return  # a forked child never writes its parent's events
        with self._writing:
            if self._db is not None and self._db.dropped:
                self._db.discard()
                self._db = None
            if self._db is None:
                self._db = connect(self.target)
            with unsynced(self._db):
                events.record_events(self._db, rows)

    def close(self) -> None:
        """Write what waits, then close the buffer's connection (the application is going)."""
        self.flush_quietly()
        with self._writing:
            if self._db is not None and os.getpid() == self.pid:
                self._db.close()
            self._db = None

    def flush_quietly(self) -> None:
        """:meth:`flush` from a timer or at exit: a failure is logged, never raised."""
        try:
            self.flush()
        except Exception:
            logger.exception("funnel events could not be written")


def buffer_of(app: Flask) -> EventBuffer:
    """The event buffer of ``app`` in this process (a new one after a fork)."""
    buffer = app.extensions.get(_BUFFER)
    if buffer is None or buffer.pid != os.getpid():
        with _LOCK:
            buffer = app.extensions.get(_BUFFER)
            if buffer is None or buffer.pid != os.getpid():
                buffer = app.extensions[_BUFFER] = EventBuffer(app.config["DATABASE"])
                weakref.finalize(app, buffer.close)  # with the application, or at exit
    return buffer


def close_buffer(app: Flask) -> None:
    """Write ``app``'s waiting events and close its buffer, if it has one (an application
    being done with: the tests, before ending its database, lest a timer write there later)."""
    buffer = app.extensions.pop(_BUFFER, None)
    if buffer is not None:
        buffer.close()


def record(service_id: str, step_id: str | None, kind: str, journey_id: str) -> None:
    """Record one event of the current application (written within :data:`MAX_DELAY`)."""
    buffer_of(current_app._get_current_object()).add(service_id, step_id, kind, journey_id)


def flush() -> None:
    """Write this process's waiting events now (before the figures are read)."""
    buffer_of(current_app._get_current_object()).flush()
