"""Journey events for the studio's funnel ("where do people give up?").

An event holds no personal data: the service, the step, what happened, an anonymous
random journey id and the time, rounded down to the hour. The journey id must never be
stored with a submission or a draft, and the time is coarse, so that the steps a person
went through (which can reveal their answers, through ``show_if``) cannot be tied back
to what they sent.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets

from sqlalchemy import Column, Index, Integer, Table, Text, func, literal, select

from builder.storage import as_utc, iso
from builder.storage.database import Database, atomic, metadata

VIEW, ANSWER, ERROR, ABANDON, RESULT, SUBMIT = (
    "view", "answer", "error", "abandon", "result", "submit",
)
# An ``outcome`` event follows a ``result`` one for each outcome that applied on the
# result page; its ``step_id`` holds the outcome's id. It ends a journey, as the result does.
OUTCOME = "outcome"
# A ``follow`` event is a click on one of an outcome's links (« Faire la demande »); its
# ``step_id`` holds the outcome's id. It is recorded under a journey id of its own, never
# the person's: a click cannot be tied to the answers or the path that led to it. It is
# not a journey (see LONE_KINDS), and ends itself.
FOLLOW = "follow"
KINDS = frozenset({VIEW, ANSWER, ERROR, ABANDON, RESULT, SUBMIT, OUTCOME, FOLLOW})
LONE_KINDS = (FOLLOW,)  # recorded alone, under an id of their own: not journeys
_ENDINGS = (ABANDON, RESULT, SUBMIT, OUTCOME, FOLLOW)
DEFAULT_IDLE = dt.timedelta(hours=2)

_IDENTIFIER = re.compile(r"[A-Za-z0-9_-]{1,64}")
_JOURNEY = re.compile(r"[0-9a-f]{16}")


events = Table(
    "events", metadata,
    Column("id", Integer, primary_key=True),
    Column("service_id", Text, nullable=False), Column("step_id", Text), Column("kind", Text, nullable=False),
    Column("journey_id", Text, nullable=False), Column("at", Text, nullable=False),
    Index("idx_events_service_id_step_id_kind", "service_id", "step_id", "kind"),
    Index("idx_events_journey_id", "journey_id"),
)
_INSERT = events.insert()


def new_journey_id() -> str:
    """A fresh anonymous journey id (keep it in the session, nowhere else)."""
    return secrets.token_hex(8)


def record_event(
    db: Database,
    service_id: str,
    step_id: str | None,
    kind: str,
    journey_id: str,
    *,
    now: dt.datetime | None = None,
) -> None:
    """Record that ``kind`` happened on ``step_id`` during ``journey_id``.

    Ids are checked against their shapes so that no free text (an answer, a name)
    can slip into the table by mistake.
    """
    record_events(db, [(service_id, step_id, kind, journey_id, as_utc(now))])


def record_events(db: Database, rows: list[tuple[str, str | None, str, str, dt.datetime]]) -> None:
    """Record several events at once, each ``(service_id, step_id, kind, journey_id, at)``,
    in one short transaction (the funnel's buffer writes its batches through this)."""
    for service_id, step_id, kind, journey_id, _ in rows:
        check_event(service_id, step_id, kind, journey_id)
    names = ("service_id", "step_id", "kind", "journey_id")
    with atomic(db):
        db.execute(_INSERT, [{**dict(zip(names, row[:4])), "at": iso(_to_hour(row[4]))} for row in rows])


def check_event(service_id: str, step_id: str | None, kind: str, journey_id: str) -> None:
    """Raise ValueError unless these ids have the shapes an event may hold (no free text)."""
    if kind not in KINDS:
        raise ValueError(f"unknown event kind: {kind!r}")
    if not _IDENTIFIER.fullmatch(service_id or ""):
        raise ValueError("service_id is not an identifier")
    if step_id is not None and not _IDENTIFIER.fullmatch(step_id):
        raise ValueError("step_id is not an identifier")
    if not _JOURNEY.fullmatch(journey_id or ""):
        raise ValueError("journey_id does not come from new_journey_id()")


def _to_hour(now: dt.datetime | None) -> dt.datetime:
    return as_utc(now).replace(minute=0, second=0, microsecond=0)


def mark_abandoned(
    db: Database, *, idle: dt.timedelta = DEFAULT_IDLE, now: dt.datetime | None = None
) -> int:
    """Record an ``abandon`` event for each journey idle for ``idle`` that did not end.

    A journey ends with a result, a submission or an abandon; the abandon is put on
    the step where the person stopped. Safe to run again; returns how many it added.
    """
    last = select(func.max(events.c.id).label("id")).group_by(events.c.journey_id).subquery()
    idle_ones = (select(events.c.service_id, events.c.step_id, literal(ABANDON), events.c.journey_id, events.c.at)
                 .join(last, last.c.id == events.c.id)
                 .where(events.c.kind.not_in(_ENDINGS), events.c.at <= iso(as_utc(now) - idle)))
    cursor = db.execute(events.insert().from_select(["service_id", "step_id", "kind", "journey_id", "at"], idle_ones)
                        .execution_options(preserve_rowcount=True))  # an INSERT's count is not kept otherwise
    return cursor.rowcount


def step_counts(db: Database, service_id: str) -> dict[str | None, dict[str, int]]:
    """For each step of ``service_id``: how many journeys had each kind of event.

    ``{"vous": {"view": 120, "answer": 98, "abandon": 15}, ...}``: the funnel.
    """
    counts: dict[str | None, dict[str, int]] = {}
    rows = db.execute(select(events.c.step_id, events.c.kind, func.count(events.c.journey_id.distinct()))
                      .where(events.c.service_id == service_id).group_by(events.c.step_id, events.c.kind))
    for step_id, kind, count in rows:
        counts.setdefault(step_id, {})[kind] = count
    return counts
