"""The writes both engines say differently: insert a row unless its key exists, or
replace the row that has its key.

SQLite and PostgreSQL both have ``INSERT … ON CONFLICT DO NOTHING`` and ``… DO UPDATE``;
SQLAlchemy builds them from each dialect's own ``insert``, so it is chosen here, once.
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


def insert_or_replace(db: Database, table: Table, row: Mapping[str, Any]) -> None:
    """Insert ``row`` into ``table``, or update the row that has the same primary key."""
    dialect = sqlite if db.is_sqlite else postgresql
    statement = dialect.insert(table)
    keys = [column.name for column in table.primary_key]
    changed = {name: statement.excluded[name] for name in row if name not in keys}
    db.execute(statement.on_conflict_do_update(index_elements=keys, set_=changed), dict(row))
