"""Keeping data no longer than needed: submissions past their service's period, expired
drafts, and journeys nobody finished.

Each service sets how long its submissions are kept (``settings.retention_days`` in the
service file, :data:`DEFAULT_DAYS` by default), read in its latest published version,
online or withdrawn. :func:`purge` deletes what is older (the submissions' mails with
them, and the opinions left with « Donnez votre avis »), deletes expired drafts and marks
idle journeys as abandoned for the funnel.

It runs from ``tremplin purge`` (:mod:`builder.studio.cli_purge`, for a cron job) and, at
most once an hour, after an ordinary request once the response is sent (the hook is in
:mod:`builder.studio.submissions`). :func:`take_turn` keeps the last run in the ``meta``
table, as the mail retries do, so that several workers share one turn.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from dataclasses import dataclass, field

from builder.format.loader import ServiceFileError, load_service_text
from builder.storage import as_utc, drafts, events, feedback, ratelimit, services, submissions, turns
from builder.storage.database import Database, connect, transaction

DEFAULT_DAYS = 365
MINIMUM_DAYS = 1  # a period of 0 would delete a submission before its mails leave
_LAST_RUN = "retention_last_run"


@dataclass(frozen=True)
class Purge:
    """What one purge did."""

    submissions: dict[str, int] = field(default_factory=dict)  # service id -> submissions deleted
    drafts: int = 0  # expired drafts deleted
    abandoned: int = 0  # journeys marked as abandoned
    feedback: int = 0  # opinions (« Donnez votre avis ») deleted with the submissions' period

    @property
    def deleted(self) -> int:
        """How many submissions were deleted in all."""
        return sum(self.submissions.values())


@functools.lru_cache(maxsize=128)
def _days_in(yaml_text: str) -> int:
    """``settings.retention_days`` of a published text (published texts never change)."""
    try:
        service = load_service_text(yaml_text)
    except ServiceFileError:  # written for an older format: the default period applies
        return DEFAULT_DAYS
    days = (service.data.get("settings") or {}).get("retention_days", DEFAULT_DAYS)
    return max(MINIMUM_DAYS, int(days))


def retention_days(db: Database, service_id: str) -> int:
    """How many days ``service_id`` keeps its submissions, per its latest published version.

    A service never published in this database (tried with ``tremplin serve``) keeps
    them :data:`DEFAULT_DAYS` days.
    """
    versions = services.versions(db, service_id)
    return _days_in(versions[0].yaml) if versions else DEFAULT_DAYS


def purge(db: Database, *, now: dt.datetime | None = None,
          idle: dt.timedelta = events.DEFAULT_IDLE) -> Purge:
    """Delete submissions and opinions past their period and expired drafts; mark idle
    journeys abandoned."""
    now = as_utc(now)
    deleted = {}
    for service_id in submissions.service_ids(db):
        cutoff = now - dt.timedelta(days=retention_days(db, service_id))
        count = submissions.delete_sent_before(db, service_id, cutoff)
        if count:
            deleted[service_id] = count
    opinions = sum(feedback.delete_before(db, service_id, now - dt.timedelta(days=retention_days(db, service_id)))
                   for service_id in feedback.service_ids(db))
    with transaction(db):
        expired = drafts.purge_expired(db, now=now)
        abandoned = events.mark_abandoned(db, idle=idle, now=now)
        ratelimit.forget_old(db, now=now)
    return Purge(deleted, expired, abandoned, opinions)


# -- Taking turns between workers ------------------------------------------------------

def take_turn(db: Database, interval: int, *, now: dt.datetime | None = None) -> bool:
    """True for one worker when ``interval`` seconds have passed since the last purge."""
    return turns.take_turn(db, _LAST_RUN, interval, now=now)


def purge_file(target: str) -> Purge:
    """:func:`purge` on the database ``target`` (its own connection, closed after)."""
    with contextlib.closing(connect(target)) as db:
        return purge(db)
