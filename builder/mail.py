"""Mail: the organisation hears of each submission, the person may get a copy.

A mail server that is down must never cost a submission. Mails are written to the
``outbox`` table in the same transaction as the submission (see the ``within`` hook of
:func:`builder.storage.submissions.record`), tried just after the response is sent
(:func:`deliver_after_response`), and tried again later with an exponential backoff:
by ``tremplin mail-retry`` (which calls :func:`deliver_pending`) and, at most once a
minute, after an ordinary request. Settings come from the instance config
(``MAIL_SERVER``, ``MAIL_PORT``, ``MAIL_USE_TLS``, ``MAIL_USERNAME``...).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import smtplib
import ssl
from dataclasses import dataclass
from email import policy
from email.header import Header
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, make_msgid, parseaddr
from typing import Any, Iterable, Mapping

from flask import Flask, Response, after_this_request, current_app, g, request
from flask_babel import format_datetime, gettext
from sqlite_utils import Database

from builder.db import get_db, transaction
from builder.storage import as_utc, iso, turns
from builder.storage.submissions import Submission

PENDING, SENT, FAILED = "pending", "sent", "failed"
DEFAULTS = {
    "MAIL_SERVER": None,  # no server: mails wait in the outbox
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,  # STARTTLS (usually port 587)
    "MAIL_USE_SSL": False,  # TLS from the start (usually port 465)
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_SENDER": "Tremplin <ne-pas-repondre@localhost>",
    "MAIL_TIMEOUT": 10,
    "MAIL_RETRY_BASE": 60,  # seconds before the first retry, doubled each time
    "MAIL_RETRY_MAX": 6 * 3600,
    "MAIL_MAX_ATTEMPTS": 20,  # about three days of retries with the values above
    "MAIL_BATCH_SIZE": 50,
    "MAIL_RETRY_INTERVAL": 60,  # at most one opportunistic delivery per interval
}
# Claimed mails are hidden from other workers this long, in case a sender dies.
_LEASE = dt.timedelta(minutes=15)
_LAST_RUN = "mail_last_run"


@dataclass(frozen=True)
class Delivery:
    """What one delivery round did. ``skipped`` when no mail server is configured."""

    sent: int = 0
    failed: int = 0
    skipped: bool = False


def init_app(app: Flask) -> None:
    """Retry due mails after requests, now and then (the defaults are :data:`DEFAULTS`)."""
    app.after_request(_deliver_now_and_then)


# -- Writing mails -------------------------------------------------------------------

def build_message(
    to: str | Iterable[str],
    subject: str,
    body: str,
    *,
    reply_to: str | None = None,
    sender: str | None = None,
) -> EmailMessage:
    """A plain-text mail from ``MAIL_SENDER`` (or ``sender``), ready for :func:`enqueue`."""
    sender = sender or current_app.config["MAIL_SENDER"]
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to if isinstance(to, str) else ", ".join(to)
    if reply_to:
        message["Reply-To"] = reply_to
    # Author-written titles end up here: a line break would be a header injection.
    message["Subject"] = " ".join(subject.split())
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=parseaddr(sender)[1].rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"  # no vacation replies in a loop
    # Quoted-printable keeps the wire 7-bit: any server takes it, accents included.
    message.set_content(body, cte="quoted-printable")
    return message


def submission_notice(
    submission: Submission,
    *,
    to: str | Iterable[str],
    service_title: str,
    lines: Iterable[tuple[str, str]],
    reply_to: str | None = None,
) -> EmailMessage:
    """The mail telling the organisation a submission came in, with the answers.

    ``lines`` are ``(question label, formatted answer)`` pairs; ``reply_to`` is the
    person's address when they gave one, so that the organisation can answer directly.
    """
    subject = gettext("Nouvelle demande %(reference)s : %(title)s",
                      reference=submission.reference, title=service_title)
    intro = gettext("Une nouvelle demande a été envoyée avec le service « %(title)s ».",
                    title=service_title)
    body = "\n\n".join([gettext("Bonjour,"), intro, _summary(submission, lines)])
    return build_message(to, subject, body, reply_to=reply_to)


def submission_copy(
    submission: Submission,
    *,
    to: str,
    service_title: str,
    lines: Iterable[tuple[str, str]],
    confirmation: str = "",
    reply_to: str | None = None,
) -> EmailMessage:
    """The copy a person asked for. Compose it under ``force_locale(submission.lang)``."""
    subject = gettext("Votre demande %(reference)s : %(title)s",
                      reference=submission.reference, title=service_title)
    intro = gettext(
        "Nous avons bien reçu votre demande. Gardez son numéro : il vous sera demandé"
        " si vous nous appelez.")
    parts = [gettext("Bonjour,"), intro, confirmation, _summary(submission, lines)]
    return build_message(to, subject, "\n\n".join(p for p in parts if p), reply_to=reply_to)


def _summary(submission: Submission, lines: Iterable[tuple[str, str]]) -> str:
    header = [
        gettext("Numéro de la demande : %(reference)s", reference=submission.reference),
        gettext("Envoyée le %(date)s", date=format_datetime(submission.created_at, "short")),
        "",
        gettext("Réponses :"),
    ]
    answers = [f"- {label} : {str(value).replace(chr(10), chr(10) + '  ')}"
               for label, value in lines]
    return "\n".join(header + answers)


# -- The outbox ----------------------------------------------------------------------

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


def retry_delay(attempts: int, config: Mapping[str, Any]) -> dt.timedelta:
    """How long to wait after the ``attempts``-th failure: doubling, up to a ceiling."""
    seconds = config["MAIL_RETRY_BASE"] * 2 ** max(0, attempts - 1)
    return dt.timedelta(seconds=min(seconds, config["MAIL_RETRY_MAX"]))


# -- Delivering ----------------------------------------------------------------------

def deliver_pending(app: Flask | None = None, *, now: dt.datetime | None = None) -> Delivery:
    """Send the mails that are due; for ``tremplin mail-retry`` and after requests.

    Each mail sent is marked ``sent`` (and its text deleted: the submission keeps the
    answers); each failure is retried after :func:`retry_delay`, until
    ``MAIL_MAX_ATTEMPTS`` failures mark it ``failed``.
    """
    app = app or current_app._get_current_object()
    with app.app_context():
        if not app.config["MAIL_SERVER"]:
            app.logger.warning("MAIL_SERVER is not set: mails stay in the outbox")
            return Delivery(skipped=True)
        db = get_db()
        now = as_utc(now)
        rows = _claim_due(db, now, app.config["MAIL_BATCH_SIZE"])
        if not rows:
            return Delivery()
        errors = _send(rows, app.config)
        return _record(db, rows, errors, now, app.config)


def _claim_due(db: Database, now: dt.datetime, limit: int) -> list[dict[str, Any]]:
    with transaction(db):
        rows = list(db["outbox"].rows_where(
            "status = ? AND next_attempt_at <= ?", [PENDING, iso(now)],
            order_by="next_attempt_at, id", limit=limit))
        if not rows:
            return []
        ids = [row["id"] for row in rows]
        db.execute(
            f"UPDATE outbox SET next_attempt_at = ? WHERE id IN ({', '.join('?' * len(ids))})",
            [iso(now + _LEASE), *ids],
        )
    return rows


def _send(rows: list[dict[str, Any]], config: Mapping[str, Any]) -> dict[int, str | None]:
    """Send ``rows`` over one connection: for each outbox id, None or the error."""
    errors: dict[int, str | None] = {}
    try:
        with _connect(config) as smtp:
            for row in rows:
                errors[row["id"]] = _send_one(smtp, row)
    except (OSError, smtplib.SMTPException) as error:
        for row in rows:
            errors.setdefault(row["id"], _describe(error))
    return errors


def _connect(config: Mapping[str, Any]) -> smtplib.SMTP:
    host, port, timeout = config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_TIMEOUT"]
    if config["MAIL_USE_SSL"]:
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout,
                                context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    try:
        if config["MAIL_USE_TLS"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def _send_one(smtp: smtplib.SMTP, row: Mapping[str, Any]) -> str | None:
    try:
        smtp.sendmail(row["sender"], json.loads(row["recipients"]), row["message"])
    except smtplib.SMTPServerDisconnected:
        raise  # the connection is gone: every mail left fails the same way
    except smtplib.SMTPException as error:  # this mail was refused, not the others
        return _describe(error)
    return None


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:500]


def _record(db: Database, rows: list[dict[str, Any]], errors: dict[int, str | None],
            now: dt.datetime, config: Mapping[str, Any]) -> Delivery:
    with transaction(db):
        for row in rows:
            error = errors[row["id"]]
            if error is None:
                db.execute("UPDATE outbox SET status = ?, sent_at = ?, message = NULL,"
                           " last_error = NULL WHERE id = ?", [SENT, iso(now), row["id"]])
            else:
                _record_failure(db, row, error, now, config)
    failed = sum(1 for error in errors.values() if error is not None)
    return Delivery(sent=len(rows) - failed, failed=failed)


def _record_failure(db: Database, row: Mapping[str, Any], error: str,
                    now: dt.datetime, config: Mapping[str, Any]) -> None:
    attempts = row["attempts"] + 1
    status = FAILED if attempts >= config["MAIL_MAX_ATTEMPTS"] else PENDING
    db.execute(
        "UPDATE outbox SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ?"
        " WHERE id = ?",
        [status, attempts, iso(now + retry_delay(attempts, config)), error, row["id"]],
    )
    current_app.logger.warning("mail %s not sent (attempt %s): %s", row["id"], attempts, error)


# -- Delivering after the response -------------------------------------------------------

def deliver_after_response() -> None:
    """Try the outbox once the current response has been sent to the person.

    Call it right after recording a submission: the confirmation page does not wait
    for the mail server, and the mails still leave within the second.
    """
    if g.get("mail_delivery_scheduled"):
        return
    g.mail_delivery_scheduled = True
    app = current_app._get_current_object()

    @after_this_request
    def schedule(response: Response) -> Response:
        response.call_on_close(functools.partial(_deliver_quietly, app))
        return response


def _deliver_quietly(app: Flask) -> None:
    try:
        deliver_pending(app)
    except Exception:  # the response is gone: there is nobody to show an error to
        app.logger.exception("mail delivery failed")


def _deliver_now_and_then(response: Response) -> Response:
    """After a request, at most once per ``MAIL_RETRY_INTERVAL``: retry due mails."""
    config = current_app.config
    if request.endpoint in (None, "static") or not config["MAIL_SERVER"]:
        return response
    if g.get("mail_delivery_scheduled") or not _take_turn(get_db(), config):
        return response
    g.mail_delivery_scheduled = True
    response.call_on_close(functools.partial(_deliver_quietly, current_app._get_current_object()))
    return response


def _take_turn(db: Database, config: Mapping[str, Any]) -> bool:
    """True for one worker when mails are due and the interval has passed since the last turn."""
    now = as_utc(None)
    return turns.take_turn(db, _LAST_RUN, config["MAIL_RETRY_INTERVAL"], now=now,
                           wanted=lambda: _has_due_mail(db, now))


def _has_due_mail(db: Database, now: dt.datetime) -> bool:
    return db.execute(
        "SELECT 1 FROM outbox WHERE status = ? AND next_attempt_at <= ? LIMIT 1",
        [PENDING, iso(now)],
    ).fetchone() is not None
