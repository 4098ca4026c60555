"""« Donnez votre avis »: the ratings (1 to 5) and comments people leave at the end of a
service, when its file turns it on (``settings.feedback``).

An opinion is kept on its own: the service, the rating, the comment and the day, never
the hour, a journey id, a draft or a submission, so that it cannot be tied to anyone's
answers. Comments are free text a person may have put their name in: they go with the
service's submissions, after its ``retention_days`` (:func:`delete_before`, run by the
purge).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Column, Index, Integer, Table, Text, delete, func, select

from builder.storage import as_utc
from builder.storage.database import Database, metadata, transaction

RATINGS = (1, 2, 3, 4, 5)
MAX_COMMENT = 2000


feedback = Table(
    "feedback", metadata,
    Column("id", Integer, primary_key=True),
    Column("service_id", Text, nullable=False), Column("rating", Integer, nullable=False),
    Column("comment", Text), Column("day", Text, nullable=False),
    Index("idx_feedback_service_id_day", "service_id", "day"),
)


@dataclass(frozen=True)
class Comment:
    """A comment, with its day and its rating."""

    day: dt.date
    rating: int
    text: str


@dataclass(frozen=True)
class Summary:
    """The opinions on a service: how many, their average, how many per rating, the latest comments."""

    count: int = 0
    average: float | None = None
    ratings: dict[int, int] = field(default_factory=dict)
    comments: list[Comment] = field(default_factory=list)


def record(db: Database, service_id: str, rating: int, comment: str | None = None, *,
           now: dt.datetime | None = None) -> None:
    """Keep one opinion (the day only); ValueError for a rating outside 1 to 5."""
    if rating not in RATINGS:
        raise ValueError(f"a rating is 1 to 5, not {rating!r}")
    text = (comment or "").strip()[:MAX_COMMENT] or None
    with transaction(db):
        db.execute(feedback.insert(), {"service_id": service_id, "rating": rating, "comment": text,
                                       "day": as_utc(now).date().isoformat()})


def summary(db: Database, service_id: str, *, latest: int = 20) -> Summary:
    """The opinions on ``service_id``, with its ``latest`` comments, newest first."""
    counts = dict(db.execute(select(feedback.c.rating, func.count()).where(feedback.c.service_id == service_id)
                             .group_by(feedback.c.rating)).all())
    total = sum(counts.values())
    if not total:
        return Summary()
    rows = db.execute(select(feedback.c.day, feedback.c.rating, feedback.c.comment)
                      .where(feedback.c.service_id == service_id, feedback.c.comment.is_not(None))
                      .order_by(feedback.c.day.desc(), feedback.c.id.desc()).limit(latest))
    comments = [Comment(dt.date.fromisoformat(day), rating, comment) for day, rating, comment in rows]
    average = sum(rating * count for rating, count in counts.items()) / total
    return Summary(total, average, {rating: counts.get(rating, 0) for rating in RATINGS}, comments)


def delete_before(db: Database, service_id: str, moment: dt.datetime) -> int:
    """Delete the opinions on ``service_id`` left before ``moment``'s day (retention)."""
    with transaction(db):
        return db.execute(delete(feedback).where(feedback.c.service_id == service_id,
                                                 feedback.c.day < as_utc(moment).date().isoformat())).rowcount


def service_ids(db: Database) -> list[str]:
    """The services that have opinions."""
    return list(db.execute(select(feedback.c.service_id).distinct().order_by(feedback.c.service_id)).scalars())
