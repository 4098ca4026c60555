"""Everything Tremplin keeps in its database (SQLite or PostgreSQL), one module per kind
of record.

Each function takes the :class:`builder.storage.database.Database` returned by
:func:`builder.db.get_db` as its first argument, so that views hold no SQL and the
command line can call the same functions. Times are stored as ISO 8601 strings in UTC
(``2026-09-01T12:00:00+00:00``): they sort as text and read well in an export.
"""

from __future__ import annotations

import datetime as dt

UTC = dt.timezone.utc


def utcnow() -> dt.datetime:
    """The current time, in UTC, to the second."""
    return dt.datetime.now(UTC).replace(microsecond=0)


def as_utc(moment: dt.datetime | None) -> dt.datetime:
    """``moment`` in UTC (a naive datetime is taken to be UTC already); now if None."""
    if moment is None:
        return utcnow()
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def iso(moment: dt.datetime | None) -> str:
    """The stored form of ``moment`` (see :func:`as_utc`)."""
    return as_utc(moment).isoformat(timespec="seconds")


def parse_iso(text: str | None) -> dt.datetime | None:
    """The datetime a stored string stands for, or None."""
    return dt.datetime.fromisoformat(text) if text else None
