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


def insert_unless_exists(table: Table, key: str, values: dict[str, Any], returning: Any) -> dict[str, Any]:
    """For each engine, ``INSERT … ON CONFLICT (key) DO NOTHING RETURNING returning``:
    a row when inserted, none when ``key`` was taken (by a row committed, or by one
    another transaction is writing: PostgreSQL waits for it to end)."""
    return {dialect.dialect.name: dialect.insert(table).values(values)
            .on_conflict_do_nothing(index_elements=[key]).returning(returning)
            for dialect in (sqlite, postgresql)}


def insert_or_ignore(db: Database, table: Table, row: Mapping[str, Any]) -> CursorResult:
    """Insert ``row`` into ``table`` unless a row with the same key exists (rowcount 0 then)."""
    dialect = sqlite if db.is_sqlite else postgresql
    statement = dialect.insert(table).on_conflict_do_nothing().execution_options(preserve_rowcount=True)
    return db.execute(statement, dict(row))
