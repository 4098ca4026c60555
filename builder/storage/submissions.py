"""Submissions: the answers a person sent, kept under a reference they can read out.

Sending twice (a double click, the back button, a retry on a bad connection) must never
create two submissions: the form carries an idempotency key, unique in the table, and
sending the same key again returns the submission already recorded. The commit is
durable (see :mod:`builder.db`) before the caller shows the confirmation.

The studio searches them (:func:`search`) and deletes them (:func:`delete`,
:func:`delete_all`, and :mod:`builder.storage.retention` through
:func:`delete_sent_before`): a deleted submission takes its outbox mails with it.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import secrets
import sqlite3
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Mapping

from sqlite_utils import Database

from builder.storage import group_commit, iso, parse_iso
from builder.storage.codes import new_reference
from builder.storage.database import transaction

logger = logging.getLogger(__name__)

_REFERENCE_ATTEMPTS = 10


def create_tables(db: Database) -> None:
    """Create the submissions table when it is missing; add columns a database made before them lacks."""
    db["submissions"].create(
        {
            "id": int, "reference": str, "idempotency_key": str, "service_id": str,
            "service_version": int, "answers": str, "outcomes": str, "lang": str, "created_at": str,
            "duration_seconds": int,
        },
        pk="id",
        not_null={"reference", "idempotency_key", "service_id", "answers", "created_at"},
        if_not_exists=True,
    )
    if "duration_seconds" not in db["submissions"].columns_dict:  # a database made before it existed
        db["submissions"].add_column("duration_seconds", int)
    db["submissions"].create_index(["reference"], unique=True, if_not_exists=True)
    db["submissions"].create_index(["idempotency_key"], unique=True, if_not_exists=True)
    db["submissions"].create_index(["service_id", "created_at"], if_not_exists=True)


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
) -> Submission:
    """Record a submission once per ``idempotency_key`` and return it once committed.

    ``within(db, submission)`` runs in the same transaction, only for a new submission:
    it is where the notification mails are put in the outbox, so that they exist if and
    only if the submission does. If it fails, the error is logged and the submission is
    kept all the same: losing what a person sent is worse than losing a mail.
    ``duration_seconds`` is how long the journey took (for the studio's median time).

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
    }
    return group_commit.write(db, functools.partial(_record_row, row=row, within=within))


def _record_row(db: Database, row: dict[str, Any], within: Hook | None) -> Submission:
    """Inside the write transaction: the submission with this key, inserted if new."""
    existing = get_by_key(db, row["idempotency_key"])
    if existing is not None:
        return existing
    submission = _to_submission(_insert(db, row))
    if within is not None:
        _run_hook(db, within, submission)
    return submission


_COLUMNS = ("reference", "idempotency_key", "service_id", "service_version", "answers", "outcomes", "lang",
            "created_at", "duration_seconds")
# Plain SQL, the same text each time: sqlite3 keeps it prepared (its statement cache),
# where sqlite-utils' insert would first read the table's schema.
_INSERT = f"INSERT INTO submissions ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"


def _insert(db: Database, row: dict) -> dict:
    for _ in range(_REFERENCE_ATTEMPTS):
        candidate = {**row, "reference": new_reference()}
        try:
            cursor = db.conn.execute(_INSERT, [candidate[column] for column in _COLUMNS])
        except sqlite3.IntegrityError as error:
            if "submissions.reference" not in str(error):
                raise
            continue  # the reference is taken: draw another one
        return {**candidate, "id": cursor.lastrowid}
    raise RuntimeError("no free submission reference found")


def _run_hook(db: Database, hook: Hook, submission: Submission) -> None:
    try:
        with db.atomic():  # a savepoint: a failing hook leaves no half-written rows
            hook(db, submission)
    except Exception:
        logger.exception("hook after submission %s failed", submission.reference)


def _select_one(db: Database, where: str, args: list[Any]) -> dict[str, Any] | None:
    """The one submission row matching ``where``, as a mapping, or None."""
    cursor = db.conn.execute(f"SELECT * FROM submissions WHERE {where}", args)
    row = cursor.fetchone()
    return dict(zip([column[0] for column in cursor.description], row)) if row else None


def get_by_key(db: Database, idempotency_key: str) -> Submission | None:
    """The submission sent with ``idempotency_key``, if any (``created`` is False)."""
    row = _select_one(db, "idempotency_key = ?", [idempotency_key])
    return _to_submission(row, created=False) if row else None


def get_by_reference(db: Database, reference: str) -> Submission | None:
    """The submission with this reference (case and spaces do not matter), if any."""
    wanted = "".join(reference.split()).upper()
    row = _select_one(db, "reference = ?", [wanted])
    return _to_submission(row, created=False) if row else None


def list_for_service(
    db: Database, service_id: str, *, since: dt.datetime | None = None
) -> Iterator[Submission]:
    """The submissions to ``service_id``, oldest first (those after ``since`` if given)."""
    where, args = "service_id = ?", [service_id]
    if since is not None:
        where, args = where + " AND created_at > ?", args + [iso(since)]
    for row in db["submissions"].rows_where(where, args, order_by="id"):
        yield _to_submission(row, created=False)


def count_for_service(db: Database, service_id: str) -> int:
    """How many submissions ``service_id`` received."""
    return db["submissions"].count_where("service_id = ?", [service_id])


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


def _search_terms(query: str) -> tuple[str, list[str]]:
    """The SQL condition for ``query``: every word in the reference or in some answer."""
    clauses, args = [], []
    for word in fold(query).split():
        clauses.append(
            "(tremplin_fold(REPLACE(reference, '-', '')) LIKE ? ESCAPE '\\'"
            " OR EXISTS (SELECT 1 FROM json_each(submissions.answers) AS answer"
            " WHERE tremplin_fold(answer.value) LIKE ? ESCAPE '\\'))")
        args += [_like(word.replace("-", "")), _like(word)]
    return " AND ".join(clauses), args


def search(db: Database, service_id: str, query: str = "", *, page: int = 1, per_page: int = 50) -> Page:
    """The submissions to ``service_id`` matching ``query``, newest first, one page of them.

    Each word of ``query`` must appear, without regard to case or accents, in the
    reference (dashes ignored) or in an answer as stored (an option's value, not its label).
    """
    db.conn.create_function("tremplin_fold", 1, fold, deterministic=True)
    condition, args = _search_terms(query)
    where = "service_id = ?" + (f" AND {condition}" if condition else "")
    args = [service_id, *args]
    total = db.execute(f"SELECT COUNT(*) FROM submissions WHERE {where}", args).fetchone()[0]
    number = max(1, page)
    rows = db["submissions"].rows_where(where, args, order_by="id DESC", limit=per_page,
                                        offset=(number - 1) * per_page)
    return Page([_to_submission(row, created=False) for row in rows], total, number, per_page)


def delete(db: Database, service_id: str, reference: str) -> bool:
    """Delete the submission ``reference`` of ``service_id`` and its mails; False if none."""
    wanted = "".join(reference.split()).upper()
    return _delete_where(db, "service_id = ? AND reference = ?", [service_id, wanted]) > 0


def delete_all(db: Database, service_id: str) -> int:
    """Delete every submission to ``service_id`` and their mails; return how many."""
    return _delete_where(db, "service_id = ?", [service_id])


def delete_sent_before(db: Database, service_id: str, moment: dt.datetime) -> int:
    """Delete the submissions to ``service_id`` sent before ``moment`` (retention)."""
    return _delete_where(db, "service_id = ? AND created_at < ?", [service_id, iso(moment)])


def _delete_where(db: Database, where: str, args: list[Any]) -> int:
    """Delete matching submissions with their outbox mails, sent or not, in one transaction."""
    with transaction(db):
        db.execute(f"DELETE FROM outbox WHERE submission_id IN (SELECT id FROM submissions WHERE {where})", args)
        return db.execute(f"DELETE FROM submissions WHERE {where}", args).rowcount


def service_ids(db: Database) -> list[str]:
    """Every service that has submissions."""
    return [row[0] for row in db.execute("SELECT DISTINCT service_id FROM submissions ORDER BY service_id")]


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
    )
