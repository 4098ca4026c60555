"""A copy of a SQLite database while the servers keep running (``tremplin backup DEST``).

SQLite's online backup copies the database page by page, in steps, and starts again
from the pages that writers changed meanwhile: the copy is one consistent state of the
database, taken without stopping anyone for long. PostgreSQL has its own tools
(``pg_dump``, or base backups with WAL archiving): docs/deploy.md says how.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from builder.storage.database import is_url

PAGES_PER_STEP = 1024  # writers wait at most one step (a few milliseconds) at a time


class NotSQLite(ValueError):
    """The database is not a SQLite file: its own tools back it up."""


def backup(target: str, destination: str | Path) -> int:
    """Copy the SQLite database ``target`` to ``destination``; return its size in bytes.

    ``destination`` is never written over (FileExistsError), and never half-written: the
    copy is made aside, then linked into place.
    """
    if is_url(target):
        raise NotSQLite(target)
    destination = Path(destination)
    if destination.exists():
        raise FileExistsError(destination)
    draft = destination.with_name(f".{destination.name}.partial")
    try:
        with contextlib.closing(sqlite3.connect(target)) as source, \
                contextlib.closing(sqlite3.connect(draft)) as copy:
            source.backup(copy, pages=PAGES_PER_STEP)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, ready to be copied elsewhere
        os.link(draft, destination)  # fails if a file appeared there meanwhile
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(draft)
    return destination.stat().st_size
