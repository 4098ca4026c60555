"""The outbox: mails waiting to be sent, written in the same transaction as what they
announce (a submission, an invitation, a password reset).

:mod:`builder.mail` writes the mails and talks to the mail server; this module owns
the ``outbox`` table: putting a mail in, claiming the due ones for one sender, and
recording what the server answered.
"""

from __future__ import annotations

import datetime as dt
import json
from email import policy
from email.header import Header
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr
from typing import Any

from sqlalchemy import Column, Index, Integer, LargeBinary, Table, Text, func, select, text, update

from builder.storage import iso
from builder.storage.database import Database, metadata, transaction

PENDING, SENT, FAILED = "pending", "sent", "failed"


outbox = Table(
    "outbox", metadata,
    Column("id", Integer, primary_key=True), Column("submission_id", Integer),
    Column("sender", Text, nullable=False), Column("recipients", Text, nullable=False),
    Column("subject", Text), Column("message", LargeBinary),
    Column("status", Text, nullable=False, server_default=text("'pending'")),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("created_at", Text, nullable=False), Column("next_attempt_at", Text, nullable=False),
    Column("sent_at", Text), Column("last_error", Text),
    Index("idx_outbox_status_next_attempt_at", "status", "next_attempt_at"),
    Index("idx_outbox_submission_id", "submission_id"),  # deleting a submission deletes its mails
)


class _WirePolicy(policy.EmailPolicy):
    """``policy.SMTP``, but a non-ASCII subject is folded by the older, lossless encoder.

    Python 3.11's folder can lose the space at a fold between two encoded words (a bug
    of the family of CPython gh-144156): « rappelé·e par un·e » arrived as « rappelé·e
    parun·e ». Encoding the whole subject as encoded words keeps every space.
    """

    def fold_binary(self, name: str, value: Any) -> bytes:
        if name.lower() == "subject" and not str(value).isascii():
            encoded = Header(str(value), "utf-8", header_name=name).encode(linesep=self.linesep)
            return f"{name}: {encoded}{self.linesep}".encode("ascii")
        return super().fold_binary(name, value)


_WIRE = _WirePolicy(linesep="\r\n")


def enqueue(
    db: Database,
    message: EmailMessage,
    *,
    submission_id: int | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Put ``message`` in the outbox, due at once; return its outbox id."""
    recipients = [address for _, address in getaddresses(
        message.get_all("To", []) + message.get_all("Cc", [])) if address]
    if not recipients:
        raise ValueError("a mail needs at least one recipient")
    result = db.execute(outbox.insert(), {
        "submission_id": submission_id,
        "sender": parseaddr(message["From"])[1],
        "recipients": json.dumps(recipients),
        "subject": message["Subject"],
        "message": message.as_bytes(policy=_WIRE),
        "status": PENDING,
        "attempts": 0,
        "created_at": iso(now),
        "next_attempt_at": iso(now),
    })
    return result.inserted_primary_key[0]


def outbox_counts(db: Database) -> dict[str, int]:
    """How many mails are pending, sent and given up on."""
    rows = db.execute(select(outbox.c.status, func.count()).group_by(outbox.c.status))
    return {PENDING: 0, SENT: 0, FAILED: 0} | {status: count for status, count in rows}


def pending_mails(db: Database) -> list[dict[str, Any]]:
    """The mails still to send, oldest first (for the studio and the tests)."""
    return [dict(row) for row in db.execute(select(outbox).where(outbox.c.status == PENDING)
                                            .order_by(outbox.c.id)).mappings()]


def claim_due(db: Database, now: dt.datetime, limit: int, lease: dt.timedelta) -> list[dict[str, Any]]:
    """The mails due at ``now`` (at most ``limit``), hidden from other senders for ``lease``
    in case this one dies before it records what happened.

    On PostgreSQL the rows are locked as they are read (``FOR UPDATE SKIP LOCKED``): a
    sender on another server claiming at the same time takes other mails.
    """
    due = (select(outbox).where(outbox.c.status == PENDING, outbox.c.next_attempt_at <= iso(now))
           .order_by(outbox.c.next_attempt_at, outbox.c.id).limit(limit))
    with transaction(db):
        rows = [dict(row) for row in db.execute(
            due if db.is_sqlite else due.with_for_update(skip_locked=True)).mappings()]
        if not rows:
            return []
        db.execute(update(outbox).where(outbox.c.id.in_([row["id"] for row in rows]))
                   .values(next_attempt_at=iso(now + lease)))
    return rows


def mark_sent(db: Database, outbox_id: int, now: dt.datetime) -> None:
    """A mail the server accepted: its text is deleted (the submission keeps the answers)."""
    db.execute(update(outbox).where(outbox.c.id == outbox_id)
               .values(status=SENT, sent_at=iso(now), message=None, last_error=None))


def mark_failed(db: Database, outbox_id: int, *, attempts: int, given_up: bool,
                next_attempt: dt.datetime, error: str) -> None:
    """A failed attempt: tried again at ``next_attempt``, or given up on."""
    db.execute(update(outbox).where(outbox.c.id == outbox_id)
               .values(status=FAILED if given_up else PENDING, attempts=attempts,
                       next_attempt_at=iso(next_attempt), last_error=error))


def status_of(db: Database, outbox_id: int) -> tuple[str, str | None] | None:
    """The status of one mail and the last error the server gave (None: no such mail)."""
    row = db.execute(select(outbox.c.status, outbox.c.last_error).where(outbox.c.id == outbox_id)).first()
    return (row[0], row[1]) if row else None


def has_due_mail(db: Database, now: dt.datetime) -> bool:
    """Whether a mail is waiting to be tried at ``now``."""
    return db.execute(select(outbox.c.id).where(outbox.c.status == PENDING, outbox.c.next_attempt_at <= iso(now))
                      .limit(1)).first() is not None
