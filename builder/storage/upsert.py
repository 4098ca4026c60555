"""The one write both engines say differently: insert a row unless its key exists.

SQLite and PostgreSQL both have ``INSERT … ON CONFLICT DO NOTHING``; SQLAlchemy builds
it from each dialect's own ``insert``, so it is chosen here, once.
"""

from __future__ import annotations

from typing import Any, Mapping

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult

from builder.storage.database import Database


def insert_or_ignore(db: Database, table: Table, row: Mapping[str, Any]) -> CursorResult:
    """Insert ``row`` into ``table`` unless a row with the same key exists (rowcount 0 then)."""
    dialect = sqlite if db.is_sqlite else postgresql
    statement = dialect.insert(table).on_conflict_do_nothing().execution_options(preserve_rowcount=True)
    return db.execute(statement, dict(row))
