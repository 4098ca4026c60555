"""Submissions: the answers a person sent, kept under a reference they can read out.

Sending twice (a double click, the back button, a retry on a bad connection) must never
create two submissions: the form carries an idempotency key, unique in the table, and
sending the same key again returns the submission already recorded. The commit is
durable (see :mod:`builder.db`) before the caller shows the confirmation.

The studio searches them (:func:`search`) and deletes them (:func:`delete`,
:func:`delete_all`, and :mod:`builder.storage.retention` through
:func:`delete_sent_before`): a deleted submission takes with it its outbox mails, its
revisions and the record of who filled it in for someone
(:mod:`builder.storage.intermediaries`, which :func:`with_intermediaries` adds to
submissions read here). Its follow-up (status, handler, notes, the hash of the person's
code, the corrections) is :mod:`builder.storage.followup`'s.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import secrets
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable, Iterator, Mapping

from sqlalchemy import Column, Index, Integer, Table, Text, and_, bindparam, func, select
from sqlalchemy import delete as delete_rows
from sqlalchemy.exc import DBAPIError, IntegrityError

from builder.storage import group_commit, intermediaries, iso, parse_iso
from builder.storage.codes import new_reference, normalize
from builder.storage.database import Database, Prepared, metadata, savepoint, transaction
from builder.storage.intermediaries import Intermediary
from builder.storage.outbox import outbox
from builder.storage.upsert import insert_unless_exists

logger = logging.getLogger(__name__)

_ATTEMPTS = 10
_TRANSIENT = {"40P01", "40001"}  # deadlock detected, serialization failure


submissions = Table(
    "submissions", metadata,
    Column("id", Integer, primary_key=True),
    Column("reference", Text, nullable=False), Column("idempotency_key", Text, nullable=False),
    Column("service_id", Text, nullable=False), Column("service_version", Integer),
    Column("answers", Text, nullable=False), Column("outcomes", Text), Column("lang", Text),
    Column("created_at", Text, nullable=False), Column("duration_seconds", Integer),
    Column("answers_folded", Text),  # the answers' words without case nor accents, for the search
    # the follow-up (builder.storage.followup): the association's status, its date, a message to
    # the person, the member handling it, notes the person never sees, and the hash of their code
    Column("status", Text, nullable=False, server_default="received"), Column("status_at", Text),
    Column("status_message", Text), Column("handler_id", Integer), Column("notes", Text),
    Column("follow_hash", Text),
    Index("idx_submissions_reference", "reference", unique=True),
    Index("idx_submissions_idempotency_key", "idempotency_key", unique=True),
    Index("idx_submissions_service_id_created_at", "service_id", "created_at"),
)
_table = submissions

# Every correction a person made to their answers (see builder.storage.followup).
revisions = Table(
    "submission_revisions", metadata,
    Column("id", Integer, primary_key=True), Column("submission_id", Integer, nullable=False),
    Column("at", Text, nullable=False), Column("author", Text, nullable=False),
    Column("changes", Text, nullable=False),  # JSON: [{"key", "before", "after"}, …]
    Index("idx_submission_revisions_submission_id", "submission_id"),
)
_BY_KEY = Prepared(select(_table).where(_table.c.idempotency_key == bindparam("key")))
# The row, unless its key was sent before: its id, or no row (one statement, one round trip).
_INSERT = {dialect: Prepared(statement) for dialect, statement in insert_unless_exists(
    _table, "idempotency_key", {column.name: bindparam(column.name) for column in _table.c if column.name != "id"},
    _table.c.id).items()}


@dataclass(frozen=True)
class Submission:
    """One sent form. ``created`` is False when the key had already been used."""

    id: int
    reference: str
    service_id: str
    service_version: int | None
    answers: dict[str, Any]
    lang: str
    created_at: dt.datetime
    created: bool = True
    outcomes: dict[str, str] = field(default_factory=dict)  # outcome id -> yes / no / unknown
    duration_seconds: int | None = None  # from the draft's creation to sending; None if unknown
    intermediary: Intermediary | None = None  # who filled it in for someone (see with_intermediaries)
    status: str = "received"  # received / in_progress / treated / closed (builder.storage.followup)
    status_at: dt.datetime | None = None
    status_message: str = ""  # shown to the person on their follow-up page
    handler_id: int | None = None  # the member of the organisation who handles it
    notes: str = ""  # the association's own, never shown to the person
    handler: str = ""  # the handler's name, when the reader asked for it (followup.with_follow_up)
    revisions: tuple = ()  # followup.Revision, oldest first, when the reader asked for them


Hook = Callable[[Database, Submission], None]


def new_idempotency_key() -> str:
    """A fresh key to put in a hidden field of the form that sends the answers."""
    return secrets.token_urlsafe(16)


def record(
    db: Database,
    service_id: str,
    answers: Mapping[str, Any],
    idempotency_key: str,
    *,
    service_version: int | None = None,
    lang: str = "fr",
    now: dt.datetime | None = None,
    within: Hook | None = None,
    outcomes: Mapping[str, str] | None = None,
    duration_seconds: int | None = None,
    intermediary: Intermediary | None = None,
    follow_hash: str | None = None,
) -> Submission:
    """Record a submission once per ``idempotency_key`` and return it once committed.

    ``within(db, submission)`` runs in the same transaction, only for a new submission:
    it is where the notification mails are put in the outbox, so that they exist if and
    only if the submission does. If it fails, the error is logged and the submission is
    kept all the same: losing what a person sent is worse than losing a mail.
    ``duration_seconds`` is how long the journey took (for the studio's median time);
    ``follow_hash`` the hash of the person's follow-up code (:func:`builder.storage.followup.hash_code`).
    ``intermediary`` is who filled it in for someone, recorded with it (not in the hook:
    it must not be lost when a mail fails).

    Threads of one process recording at the same time share one commit
    (:mod:`builder.storage.group_commit`): ``within`` may run in another thread, in this
    caller's context, and must write through the ``db`` it is given.
    """
    row = {
        "idempotency_key": idempotency_key,
        "service_id": service_id,
        "service_version": service_version,
        "answers": json.dumps(dict(answers), ensure_ascii=False, sort_keys=True),
        "outcomes": json.dumps(dict(outcomes or {}), ensure_ascii=False),
        "lang": lang,
        "created_at": iso(now),
        "duration_seconds": duration_seconds,
        "answers_folded": folded_answers(answers),
        "status": "received", "status_at": iso(now), "status_message": None, "handler_id": None,
        "notes": None, "follow_hash": follow_hash,
    }
    for _ in range(_ATTEMPTS - 1):
        try:
            return _write(db, row, within, intermediary)
        except DBAPIError as error:  # this writer's savepoint was undone: nothing of it is left
            if not _worth_another_try(error):
                raise
            logger.info("submission written again after %s", error.orig)
    return _write(db, row, within, intermediary)


def _worth_another_try(error: DBAPIError) -> bool:
    """A reference or key taken meanwhile, or PostgreSQL's deadlock between two servers'
    batches that both wrote the same keys (one of them is stopped, and tries again)."""
    if isinstance(error, IntegrityError):
        return any(index in str(error.orig) for index in ("reference", "idempotency_key"))
    return getattr(error.orig, "sqlstate", None) in _TRANSIENT


def _write(db: Database, row: dict[str, Any], within: Hook | None,
           intermediary: Intermediary | None = None) -> Submission:
    """One try: a fresh reference, the row inserted unless its key is already there.

    A reference is drawn among 31⁶ and almost never taken; when it is, or when another
    server inserted the same key at the same moment, the insert breaks a unique index
    and :func:`record` tries again (and then finds the key's submission).
    """
    row = {**row, "reference": new_reference()}
    return group_commit.write(db, functools.partial(_record_row, row=row, within=within,
                                                    intermediary=intermediary))


def _record_row(db: Database, row: dict[str, Any], within: Hook | None,
                intermediary: Intermediary | None = None) -> Submission:
    """Inside the write transaction: the submission with this key, inserted if new."""
    inserted = _INSERT[db.dialect].run(db, **row).fetchone()
    if inserted is None:  # sent before: the key's submission, as it was recorded
        return get_by_key(db, row["idempotency_key"])
    submission = replace(_to_submission({**row, "id": inserted[0]}), intermediary=intermediary)
    if intermediary is not None:
        intermediaries.insert(db, submission.id, intermediary)
    if within is not None:
        _run_hook(db, within, submission)
    return submission


def _run_hook(db: Database, hook: Hook, submission: Submission) -> None:
    try:
        with savepoint(db):  # a failing hook leaves no half-written rows
            hook(db, submission)
    except Exception:
        logger.exception("hook after submission %s failed", submission.reference)


def get_by_key(db: Database, idempotency_key: str) -> Submission | None:
    """The submission sent with ``idempotency_key``, if any (``created`` is False)."""
    row = _BY_KEY.first(db, key=idempotency_key)
    return _to_submission(row, created=False) if row else None


def normal_reference(reference: str) -> str:
    """``reference`` as stored, whatever its case, spaces and dashes (« trm 7k4 2qx » → « TRM-7K4-2QX »)."""
    return normalize(reference, groups=3) or "".join(reference.split()).upper()


def get_by_reference(db: Database, reference: str) -> Submission | None:
    """The submission with this reference (case, spaces and dashes do not matter), if any."""
    row = db.execute(select(_table).where(_table.c.reference == normal_reference(reference))).mappings().first()
    return _to_submission(row, created=False) if row else None


def list_for_service(
    db: Database, service_id: str, *, since: dt.datetime | None = None
) -> Iterator[Submission]:
    """The submissions to ``service_id``, oldest first (those after ``since`` if given)."""
    query = select(_table).where(_table.c.service_id == service_id).order_by(_table.c.id)
    if since is not None:
        query = query.where(_table.c.created_at > iso(since))
    for row in db.execute(query).mappings().all():
        yield _to_submission(row, created=False)


def count_for_service(db: Database, service_id: str) -> int:
    """How many submissions ``service_id`` received."""
    return db.execute(select(func.count()).select_from(_table).where(_table.c.service_id == service_id)).scalar()


# -- Searching and deleting (the studio's « Réponses » pages) ---------------------------

@dataclass(frozen=True)
class Page:
    """One page of a search: its submissions, newest first, and how many matched in all."""

    submissions: list[Submission]
    total: int
    number: int  # from 1
    size: int

    @property
    def count(self) -> int:
        """How many pages the matches fill (at least one, even when empty)."""
        return max(1, -(-self.total // self.size))


def fold(text: Any) -> str:
    """``text`` compared without case nor accents: « helene » finds « Hélène »."""
    if text is None:
        return ""
    decomposed = unicodedata.normalize("NFKD", str(text))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def folded_answers(answers: Mapping[str, Any]) -> str:
    """What the search looks in: each answer's text (each item of a list), folded, one a line."""
    values = []
    for value in answers.values():
        for item in value if isinstance(value, list) else [value]:
            if item is not None and not isinstance(item, bool):
                values.append(fold(item))
    return "\n".join(values)


def _search_terms(query: str) -> list[Any]:
    """The SQL conditions for ``query``: every word in the reference or in some answer."""
    reference = func.lower(func.replace(_table.c.reference, "-", ""))
    return [reference.like(_like(word.replace("-", "")), escape="\\")
            | _table.c.answers_folded.like(_like(word), escape="\\")
            for word in fold(query).split()]


def search(db: Database, service_id: str, query: str = "", *, page: int = 1, per_page: int = 50,
           status: str | None = None, handler_id: int | None = None) -> Page:
    """The submissions to ``service_id`` matching ``query``, newest first, one page of them.

    Each word of ``query`` must appear, without regard to case or accents, in the
    reference (dashes ignored) or in an answer as stored (an option's value, not its label).
    ``status`` and ``handler_id`` keep only the submissions with that status, that handler
    (``0``: the ones nobody handles).
    """
    where = and_(_table.c.service_id == service_id, *_search_terms(query), *_follow_terms(status, handler_id))
    total = db.execute(select(func.count()).select_from(_table).where(where)).scalar()
    number = max(1, page)
    rows = db.execute(select(_table).where(where).order_by(_table.c.id.desc())
                      .limit(per_page).offset((number - 1) * per_page)).mappings()
    return Page([_to_submission(row, created=False) for row in rows], total, number, per_page)


def _follow_terms(status: str | None, handler_id: int | None) -> list[Any]:
    terms = [_table.c.status == status] if status else []
    if handler_id is not None:
        terms.append(_table.c.handler_id.is_(None) if handler_id == 0 else _table.c.handler_id == handler_id)
    return terms


def delete(db: Database, service_id: str, reference: str) -> bool:
    """Delete the submission ``reference`` of ``service_id`` and its mails; False if none."""
    wanted = "".join(reference.split()).upper()
    return _delete_where(db, (_table.c.service_id == service_id) & (_table.c.reference == wanted)) > 0


def delete_all(db: Database, service_id: str) -> int:
    """Delete every submission to ``service_id`` and their mails; return how many."""
    return _delete_where(db, _table.c.service_id == service_id)


def delete_sent_before(db: Database, service_id: str, moment: dt.datetime) -> int:
    """Delete the submissions to ``service_id`` sent before ``moment`` (retention)."""
    return _delete_where(db, (_table.c.service_id == service_id) & (_table.c.created_at < iso(moment)))


def _delete_where(db: Database, where: Any) -> int:
    """Delete matching submissions with their outbox mails, sent or not, their revisions
    and who filled them in, in one transaction."""
    with transaction(db):
        ids = select(_table.c.id).where(where)
        for table in (outbox, revisions, intermediaries.intermediaries):
            db.execute(delete_rows(table).where(table.c.submission_id.in_(ids)))
        return db.execute(delete_rows(_table).where(where)).rowcount


def with_intermediaries(db: Database, found: Iterable[Submission]) -> list[Submission]:
    """``found`` with, on each filled in for someone, who did it (one query per 500)."""
    found = list(found)
    known = intermediaries.for_submissions(db, [submission.id for submission in found])
    return [replace(submission, intermediary=known[submission.id]) if submission.id in known else submission
            for submission in found]


def service_ids(db: Database) -> list[str]:
    """Every service that has submissions."""
    return list(db.execute(select(_table.c.service_id).distinct().order_by(_table.c.service_id)).scalars())


def _to_submission(row: Mapping[str, Any], created: bool = True) -> Submission:
    return Submission(
        id=row["id"],
        reference=row["reference"],
        service_id=row["service_id"],
        service_version=row["service_version"],
        answers=json.loads(row["answers"]),
        lang=row["lang"] or "fr",
        created_at=parse_iso(row["created_at"]),
        created=created,
        outcomes=json.loads(row.get("outcomes") or "{}"),
        duration_seconds=row.get("duration_seconds"),
        status=row.get("status") or "received",
        status_at=parse_iso(row.get("status_at")) or parse_iso(row["created_at"]),
        status_message=row.get("status_message") or "",
        handler_id=row.get("handler_id"),
        notes=row.get("notes") or "",
    )
