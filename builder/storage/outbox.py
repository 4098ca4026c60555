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

from sqlite_utils import Database

from builder.storage import iso
from builder.storage.database import transaction

PENDING, SENT, FAILED = "pending", "sent", "failed"


def create_tables(db: Database) -> None:
    """Create the outbox when it is missing (safe to run again)."""
    db["outbox"].create(
        {
            "id": int, "submission_id": int, "sender": str, "recipients": str,
            "subject": str, "message": bytes, "status": str, "attempts": int,
            "created_at": str, "next_attempt_at": str, "sent_at": str, "last_error": str,
        },
        pk="id",
        not_null={"sender", "recipients", "status", "attempts", "created_at", "next_attempt_at"},
        defaults={"status": "pending", "attempts": 0},
        if_not_exists=True,
    )
    db["outbox"].create_index(["status", "next_attempt_at"], if_not_exists=True)
    db["outbox"].create_index(["submission_id"], if_not_exists=True)  # deleting a submission deletes its mails

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
    table = db["outbox"].insert({
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
    return table.last_pk


def outbox_counts(db: Database) -> dict[str, int]:
    """How many mails are pending, sent and given up on."""
    rows = db.query("SELECT status, COUNT(*) AS n FROM outbox GROUP BY status")
    return {PENDING: 0, SENT: 0, FAILED: 0} | {row["status"]: row["n"] for row in rows}


def pending_mails(db: Database) -> list[dict[str, Any]]:
    """The mails still to send, oldest first (for the studio and the tests)."""
    return list(db["outbox"].rows_where("status = ?", [PENDING], order_by="id"))


def claim_due(db: Database, now: dt.datetime, limit: int, lease: dt.timedelta) -> list[dict[str, Any]]:
    """The mails due at ``now`` (at most ``limit``), hidden from other senders for ``lease``
    in case this one dies before it records what happened."""
    with transaction(db):
        rows = list(db["outbox"].rows_where(
            "status = ? AND next_attempt_at <= ?", [PENDING, iso(now)],
            order_by="next_attempt_at, id", limit=limit))
        if not rows:
            return []
        ids = [row["id"] for row in rows]
        db.execute(
            f"UPDATE outbox SET next_attempt_at = ? WHERE id IN ({', '.join('?' * len(ids))})",
            [iso(now + lease), *ids],
        )
    return rows


def mark_sent(db: Database, outbox_id: int, now: dt.datetime) -> None:
    """A mail the server accepted: its text is deleted (the submission keeps the answers)."""
    db.execute("UPDATE outbox SET status = ?, sent_at = ?, message = NULL,"
               " last_error = NULL WHERE id = ?", [SENT, iso(now), outbox_id])


def mark_failed(db: Database, outbox_id: int, *, attempts: int, given_up: bool,
                next_attempt: dt.datetime, error: str) -> None:
    """A failed attempt: tried again at ``next_attempt``, or given up on."""
    db.execute(
        "UPDATE outbox SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ?"
        " WHERE id = ?",
        [FAILED if given_up else PENDING, attempts, iso(next_attempt), error, outbox_id],
    )


def status_of(db: Database, outbox_id: int) -> tuple[str, str | None] | None:
    """The status of one mail and the last error the server gave (None: no such mail)."""
    row = db.execute("SELECT status, last_error FROM outbox WHERE id = ?", [outbox_id]).fetchone()
    return (row[0], row[1]) if row else None


def has_due_mail(db: Database, now: dt.datetime) -> bool:
    """Whether a mail is waiting to be tried at ``now``."""
    return db.execute(
        "SELECT 1 FROM outbox WHERE status = ? AND next_attempt_at <= ? LIMIT 1",
        [PENDING, iso(now)],
    ).fetchone() is not None
