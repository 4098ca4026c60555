"""Reading and writing tables straight from tests, the same way on SQLite and PostgreSQL.

The application goes through builder.storage; a test sometimes needs to look under it
(is the hash stored, not the token?) or to put the database in a given state.
"""

from __future__ import annotations

from typing import Any

from builder.storage.database import Database


def sql(db: Database, statement: str, params: list | tuple = ()) -> Any:
    """Run SQL written with ``?`` placeholders (as the driver reads it) and return the result."""
    if not db.is_sqlite:
        statement = statement.replace("%", "%%").replace("?", "%s")
    return db.connection.exec_driver_sql(statement, tuple(params))


def rows(db: Database, table: str, where: str = "", params: list | tuple = (), *, order_by: str = "") -> list[dict]:
    """The rows of ``table`` (matching ``where``), as dicts."""
    query = f"SELECT * FROM {table}" + (f" WHERE {where}" if where else "") + (f" ORDER BY {order_by}" if order_by else "")
    return [dict(row) for row in sql(db, query, params).mappings()]


def count(db: Database, table: str, where: str = "", params: list | tuple = ()) -> int:
    """How many rows ``table`` has (matching ``where``)."""
    return sql(db, f"SELECT COUNT(*) FROM {table}" + (f" WHERE {where}" if where else ""), params).scalar()


def table_names(db: Database) -> set[str]:
    """The tables of the database."""
    from sqlalchemy import inspect
    return set(inspect(db.connection).get_table_names())
