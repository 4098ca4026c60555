"""Following a request: the status the association sets, the person's secret code, their
corrections.

- A submission has a status: :data:`STATUSES` (« Reçue » at first), its date, a message
  for the person, the member who handles it and notes the person never sees. They live on
  the ``submissions`` row (see :mod:`builder.storage.submissions`).
- The person's follow-up code is never stored: only its HMAC-SHA256 keyed with the
  application's secret key (:func:`hash_code`), so that a copy of the database alone does
  not give the codes away; :func:`find` compares in constant time, with the current key
  and the former ones (``SECRET_KEY_FALLBACKS``). An HMAC rather than a slow hash: each
  sending computes one, and must stay as fast as before.
- A correction replaces the answers and the outcomes, and keeps what changed, when and by
  whom as a revision (the ``submission_revisions`` table), until the association marks
  the request « Traitée » or « Close » (:data:`CORRECTABLE`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass, replace
from typing import Any, Callable, Iterable, Mapping

from sqlalchemy import func, select, update

from builder.storage import as_utc, iso, parse_iso
from builder.storage.accounts import users
from builder.storage.codes import normalize
from builder.storage.database import Database, transaction
from builder.storage.submissions import (
    Submission,
    folded_answers,
    get_by_reference,
    revisions,
    submissions,
)

RECEIVED, IN_PROGRESS, TREATED, CLOSED = "received", "in_progress", "treated", "closed"
STATUSES = (RECEIVED, IN_PROGRESS, TREATED, CLOSED)
CORRECTABLE = (RECEIVED, IN_PROGRESS)  # once « Traitée » or « Close », answers no longer change
PERSON = "person"  # the author of a correction made from the follow-up page

_SCHEME = "hmac-sha256$"


@dataclass(frozen=True)
class Change:
    """One answer a correction changed: its question's id, before and after (None: absent)."""

    key: str
    before: Any
    after: Any


@dataclass(frozen=True)
class Revision:
    """One correction of a submission: when, by whom (:data:`PERSON`), what changed."""

    at: dt.datetime
    author: str
    changes: tuple[Change, ...]


def hash_code(code: str, key: str | bytes) -> str:
    """The stored form of a follow-up code, ``hmac-sha256$…`` (the code itself is not kept)."""
    return _SCHEME + _digest(normalize(code) or code, key)


def code_matches(stored: str | None, code: str, keys: Iterable[str | bytes]) -> bool:
    """Whether ``code`` (as typed: case, spaces and dashes do not matter) is the one hashed
    with one of ``keys``."""
    canonical = normalize(code)
    if not stored or canonical is None or not stored.startswith(_SCHEME):
        return False
    return any(hmac.compare_digest(stored, _SCHEME + _digest(canonical, key)) for key in keys)


def _digest(code: str, key: str | bytes) -> str:
    secret = key.encode() if isinstance(key, str) else key
    return hmac.new(secret, code.encode(), hashlib.sha256).hexdigest()


def find(db: Database, service_id: str, reference: str, code: str,
         keys: Iterable[str | bytes]) -> Submission | None:
    """The submission of ``service_id`` with this reference and code, or None."""
    submission = get_by_reference(db, reference or "")
    if submission is None or submission.service_id != service_id:
        return None
    stored = db.execute(select(submissions.c.follow_hash).where(submissions.c.id == submission.id)).scalar()
    return submission if code_matches(stored, code, keys) else None


def replace_code(db: Database, submission: Submission, follow_hash: str) -> None:
    """Keep ``follow_hash`` as the request's code (:func:`hash_code`): the former one no longer opens it."""
    db.execute(update(submissions).where(submissions.c.id == submission.id).values(follow_hash=follow_hash))


def can_correct(submission: Submission) -> bool:
    """Whether the person may still change their answers."""
    return submission.status in CORRECTABLE


def set_follow_up(db: Database, submission: Submission, *, status: str, handler_id: int | None,
                  message: str, notes: str, now: dt.datetime | None = None,
                  within: Callable[[Database], None] | None = None) -> Submission:
    """Record the association's follow-up; the status date moves only when the status changes.

    ``within(db)`` runs in the same transaction (the mail telling the person, in the outbox).
    """
    if status not in STATUSES:
        raise ValueError(status)
    values = {"status": status, "handler_id": handler_id, "status_message": message or None, "notes": notes or None}
    if status != submission.status:
        values["status_at"] = iso(now)
    with transaction(db):
        db.execute(update(submissions).where(submissions.c.id == submission.id).values(**values))
        if within is not None:
            within(db)
    return get_by_reference(db, submission.reference)


def changes_between(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[Change, ...]:
    """The answers that differ, in the order of ``after`` then the ones it dropped."""
    keys = list(after) + [key for key in before if key not in after]
    return tuple(Change(key, before.get(key), after.get(key)) for key in keys if before.get(key) != after.get(key))


def correct(db: Database, submission: Submission, answers: Mapping[str, Any], outcomes: Mapping[str, str],
            *, author: str = PERSON, now: dt.datetime | None = None,
            within: Callable[[Database], None] | None = None) -> Revision | None:
    """Replace the answers and outcomes of ``submission``, keeping what changed as a revision.

    Nothing is written when nothing changed (None is returned). Refused (``ValueError``)
    once the association marked the request « Traitée » or « Close ».
    """
    changes = changes_between(submission.answers, answers)
    if not changes:
        return None
    revision = Revision(as_utc(now), author, changes)
    with transaction(db):
        current = db.execute(select(submissions.c.status).where(submissions.c.id == submission.id)).scalar()
        if current not in CORRECTABLE:
            raise ValueError(current)
        db.execute(update(submissions).where(submissions.c.id == submission.id).values(
            answers=json.dumps(dict(answers), ensure_ascii=False, sort_keys=True),
            outcomes=json.dumps(dict(outcomes), ensure_ascii=False), answers_folded=folded_answers(answers)))
        db.execute(revisions.insert(), {"submission_id": submission.id, "at": iso(revision.at),
                                        "author": author, "changes": _changes_json(changes)})
        if within is not None:
            within(db)
    return revision


def _changes_json(changes: Iterable[Change]) -> str:
    return json.dumps([{"key": c.key, "before": c.before, "after": c.after} for c in changes], ensure_ascii=False)


def revisions_of(db: Database, submission_ids: Iterable[int]) -> dict[int, tuple[Revision, ...]]:
    """The revisions of each submission, oldest first (only those that have some)."""
    found: dict[int, list[Revision]] = {}
    rows = db.execute(select(revisions).where(revisions.c.submission_id.in_(list(submission_ids)))
                      .order_by(revisions.c.id)).mappings()
    for row in rows:
        changes = tuple(Change(item["key"], item["before"], item["after"]) for item in json.loads(row["changes"]))
        found.setdefault(row["submission_id"], []).append(Revision(parse_iso(row["at"]), row["author"], changes))
    return {key: tuple(value) for key, value in found.items()}


def with_follow_up(db: Database, items: Iterable[Submission]) -> list[Submission]:
    """``items`` with their handler's name and their revisions filled in (for pages and exports)."""
    items = list(items)
    names = dict(db.execute(select(users.c.id, users.c.name).where(
        users.c.id.in_({s.handler_id for s in items if s.handler_id is not None}))).all())
    history = revisions_of(db, [s.id for s in items])
    return [replace(s, handler=names.get(s.handler_id, ""), revisions=history.get(s.id, ())) for s in items]


def waiting_count(db: Database, service_id: str, days: int, *, now: dt.datetime | None = None) -> int:
    """How many requests to ``service_id`` are still « Reçue » or « En cours » after ``days`` days."""
    since = iso(as_utc(now) - dt.timedelta(days=days))
    return db.execute(select(func.count()).select_from(submissions).where(
        submissions.c.service_id == service_id, submissions.c.status.in_(CORRECTABLE),
        submissions.c.created_at < since)).scalar()
