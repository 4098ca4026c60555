"""Mail: the organisation hears of each submission, the person may get a copy.

A mail server that is down must never cost a submission. Mails are written to the
``outbox`` table in the same transaction as the submission (see the ``within`` hook of
:func:`builder.storage.submissions.record`), tried just after the response is sent
(:func:`deliver_after_response`), and tried again later with an exponential backoff:
by ``tremplin mail-retry`` (which calls :func:`deliver_pending`) and, at most once a
minute, after an ordinary request. Settings come from the instance config
(``MAIL_SERVER``, ``MAIL_PORT``, ``MAIL_USE_TLS``, ``MAIL_USERNAME``...). The outbox
table itself belongs to :mod:`builder.storage.outbox` (its names are re-exported here).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Any, Iterable, Mapping

from flask import Flask, Response, after_this_request, current_app, g, request
from flask_babel import format_datetime, get_locale, gettext

from builder.db import Database, get_db, transaction
from builder.storage import as_utc, outbox, turns
from builder.storage.outbox import (  # noqa: F401
    FAILED,
    PENDING,
    SENT,
    enqueue,
    outbox_counts,
    pending_mails,
)
from builder.storage.intermediaries import agreement_label
from builder.storage.submissions import Submission

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
    body = "\n\n".join([gettext("Bonjour,"), intro, *_intermediary_note(submission), _summary(submission, lines)])
    return build_message(to, subject, body, reply_to=reply_to)


def _intermediary_note(submission: Submission) -> list[str]:
    """Who filled the submission in for someone else, and with what agreement (else nothing)."""
    intermediary = submission.intermediary
    if intermediary is None:
        return []
    return [gettext("Demande remplie pour une autre personne par %(name)s (%(structure)s). "
                    "Accord de la personne : %(agreement)s.", name=intermediary.name,
                    structure=intermediary.structure,
                    agreement=agreement_label(intermediary.agreement, str(get_locale() or "fr")))]


def submission_copy(
    submission: Submission,
    *,
    to: str,
    service_title: str,
    lines: Iterable[tuple[str, str]],
    confirmation: str = "",
    reply_to: str | None = None,
    follow: tuple[str, str] | None = None,
) -> EmailMessage:
    """The copy a person asked for. Compose it under ``force_locale(submission.lang)``.

    ``follow`` is the follow-up code and the address of « Suivre ma demande », when there is one.
    """
    subject = gettext("Votre demande %(reference)s : %(title)s",
                      reference=submission.reference, title=service_title)
    intro = gettext(
        "Nous avons bien reçu votre demande. Gardez son numéro : il vous sera demandé"
        " si vous nous appelez.")
    parts = [gettext("Bonjour,"), intro, _follow_text(follow), confirmation, _summary(submission, lines)]
    return build_message(to, subject, "\n\n".join(p for p in parts if p), reply_to=reply_to)


def _follow_text(follow: tuple[str, str] | None) -> str:
    if follow is None:
        return ""
    code, link = follow
    return gettext("Votre code de suivi : %(code)s. Avec le numéro de la demande et ce code, suivez-la"
                   " ou corrigez-la ici : %(link)s", code=code, link=link)


def status_notice(submission: Submission, *, to: str, service_title: str, status: str, link: str,
                  message: str = "") -> EmailMessage:
    """The mail telling the person their request changed status, with the association's
    ``message`` (compose it in their language)."""
    subject = gettext("Votre demande %(reference)s : %(status)s", reference=submission.reference, status=status)
    parts = [gettext("Bonjour,"),
             gettext("Votre demande %(reference)s faite avec le service « %(title)s » est maintenant : %(status)s.",
                     reference=submission.reference, title=service_title, status=status),
             message,
             gettext("Pour la suivre, ouvrez ce lien et tapez votre code de suivi : %(link)s", link=link)]
    return build_message(to, subject, "\n\n".join(p for p in parts if p))


def correction_notice(submission: Submission, *, to: str | Iterable[str], service_title: str,
                      lines: Iterable[tuple[str, str]], changed: Iterable[str]) -> EmailMessage:
    """The mail telling the organisation a person corrected their request, with the new answers."""
    subject = gettext("Demande %(reference)s corrigée : %(title)s",
                      reference=submission.reference, title=service_title)
    intro = gettext("La personne a corrigé sa demande %(reference)s. Réponses modifiées : %(changed)s.",
                    reference=submission.reference, changed=", ".join(changed))
    body = "\n\n".join([gettext("Bonjour,"), intro, _summary(submission, lines)])
    return build_message(to, subject, body)


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


# -- Retries -------------------------------------------------------------------------

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
        rows = outbox.claim_due(db, now, app.config["MAIL_BATCH_SIZE"], _LEASE)
        if not rows:
            return Delivery()
        errors = _send(rows, app.config)
        return _record(db, rows, errors, now, app.config)


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
                outbox.mark_sent(db, row["id"], now)
            else:
                _record_failure(db, row, error, now, config)
    failed = sum(1 for error in errors.values() if error is not None)
    return Delivery(sent=len(rows) - failed, failed=failed)


def _record_failure(db: Database, row: Mapping[str, Any], error: str,
                    now: dt.datetime, config: Mapping[str, Any]) -> None:
    attempts = row["attempts"] + 1
    outbox.mark_failed(db, row["id"], attempts=attempts, given_up=attempts >= config["MAIL_MAX_ATTEMPTS"],
                       next_attempt=now + retry_delay(attempts, config), error=error)
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
                           wanted=lambda: outbox.has_due_mail(db, now))
