"""SQLite: the submissions of a service as a database file of their own, for Datasette.

An association that wants to explore its answers (filter, facet, chart) opens the file
with ``datasette reponses.sqlite``, or any SQLite tool, whichever database Tremplin
runs on. One table, ``reponses``: one row per submission, one column per column of
:mod:`exports.table` (the reference, the time of sending in Paris time, each question,
each outcome), named by the ids (``reference``, ``submitted_at``, ``prenom``,
``outcome_rappel``…) so that SQL reads well, with types SQLite keeps (a number stays a
number, a date is ``2006-07-14``). A second table, ``colonnes``, gives each column's
header in the export language. Written with sqlite-utils.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from typing import Any, Iterable

from sqlite_utils import Database

from builder.format.model import Service
from exports.table import Column, IntermediaryColumn, OutcomeColumn, build_table

media_type = "application/vnd.sqlite3"
extension = "sqlite"
TABLE = "reponses"


def export(
    service: Service,
    submissions: Iterable[Any],
    lang: str = "fr",
    *,
    version: int | None = None,
    history: Iterable[Service] = (),
) -> bytes:
    """The submissions to ``service`` as the bytes of a SQLite file (see the module docstring)."""
    table = build_table(service, submissions, lang, version=version, history=history)
    names = [column_name(column) for column in table.columns]
    rows = [dict(zip(names, values)) for values in table.rows(cell_value)]
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "export.sqlite")
        db = Database(path)
        db[TABLE].create({name: _type_of(rows, name) for name in names}, pk="reference")
        db[TABLE].insert_all(rows)
        db["colonnes"].insert_all([{"colonne": name, "intitule": column.header}
                                   for name, column in zip(names, table.columns)], pk="colonne")
        db.close()
        with open(path, "rb") as file:
            return file.read()


def column_name(column: Column) -> str:
    """The SQL name of a column: its key (an outcome's and an intermediary's are prefixed,
    so they never meet a question's)."""
    if isinstance(column, IntermediaryColumn):
        return f"intermediary_{column.key}"
    return f"outcome_{column.key}" if isinstance(column, OutcomeColumn) else column.key


def _type_of(rows: list[dict], name: str) -> type:
    """The column's SQLite type: that of its first value that is a number, else text."""
    for row in rows:
        if isinstance(row[name], (int, float)) and not isinstance(row[name], bool):
            return type(row[name])
    return str


def cell_value(column: Column, value: Any) -> Any:
    """A value SQLite keeps: text, a number, or NULL; a date or a time as ISO 8601 text."""
    native = column.native(value)
    if isinstance(native, (dt.date, dt.datetime)):
        return native.isoformat()
    return native
