"""Mail goes through the outbox to a real SMTP server (aiosmtpd on 127.0.0.1).

No test sleeps: aiosmtpd's handler stores the message before the server answers
"250", so the message is there as soon as ``deliver_pending`` returns.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tables import rows
from flask_babel import force_locale

from builder import mail
from builder.db import get_db
from builder.storage import submissions, utcnow
from mailserver import free_port, smtp_server

ORGANISATION = "contact@mission-locale.example"


@pytest.fixture
def port():
    return free_port()


@pytest.fixture
def app(app_factory, port):
    return app_factory(MAIL_SERVER="127.0.0.1", MAIL_PORT=port,
                       MAIL_SENDER="Tremplin <ne-pas-repondre@tremplin.example>")


def notify(db, submission, now=None):
    """The hook the mini-site passes to ``submissions.record``."""
    lines = [("Prénom", "Camille"), ("Message", "Bonjour,\nje voudrais un rendez-vous.")]
    notice = mail.submission_notice(submission, to=ORGANISATION, service_title="Aide au permis",
                                    lines=lines, reply_to="camille@example.org")
    mail.enqueue(db, notice, submission_id=submission.id, now=now)


def submit(app, key="key-1", now=None):
    with app.test_request_context():
        hook = lambda db, sub: notify(db, sub, now)  # noqa: E731
        return submissions.record(get_db(), "aide-permis", {"prenom": "Camille"}, key,
                                  now=now, within=hook)


def outbox(app):
    with app.app_context():
        return list(rows(get_db(), "outbox", order_by="id"))


def test_organisation_is_notified_of_a_submission(app, port):
    sent = submit(app)
    with smtp_server(port) as server:
        delivery = mail.deliver_pending(app)
    assert delivery == mail.Delivery(sent=1, failed=0)
    [envelope] = server.envelopes
    assert envelope.content.isascii()
    assert envelope.mail_from == "ne-pas-repondre@tremplin.example"
    assert envelope.rcpt_tos == [ORGANISATION]
    [message] = server.messages()
    assert message["Subject"] == f"Nouvelle demande {sent.reference} : Aide au permis"
    assert message["Reply-To"] == "camille@example.org"
    body = message.get_content()
    assert "Prénom : Camille" in body
    assert "- Message : Bonjour,\n  je voudrais un rendez-vous." in body
    [row] = outbox(app)
    assert row["status"] == mail.SENT and row["message"] is None  # the answers stay in one place


def test_server_down_keeps_the_mail_and_the_submission_until_it_is_back(app, port):
    t0 = utcnow()
    sent = submit(app, now=t0)

    assert mail.deliver_pending(app, now=t0) == mail.Delivery(sent=0, failed=1)
    [row] = outbox(app)
    assert row["status"] == mail.PENDING and row["attempts"] == 1
    assert "ConnectionRefusedError" in row["last_error"]
    with app.app_context():
        assert submissions.get_by_reference(get_db(), sent.reference) is not None

    # Not due yet: the first retry waits MAIL_RETRY_BASE seconds.
    assert mail.deliver_pending(app, now=t0 + dt.timedelta(seconds=30)) == mail.Delivery()

    with smtp_server(port) as server:
        delivery = mail.deliver_pending(app, now=t0 + dt.timedelta(seconds=61))
    assert delivery == mail.Delivery(sent=1, failed=0)
    assert sent.reference in server.messages()[0]["Subject"]
    assert outbox(app)[0]["status"] == mail.SENT


def test_mail_is_sent_right_after_the_response(app, port):
    @app.post("/envoyer")
    def send():
        submissions.record(get_db(), "aide-permis", {}, "k", within=notify)
        mail.deliver_after_response()
        return "Merci"

    client = app.test_client()
    with smtp_server(port) as server:
        response = client.post("/envoyer")
        assert server.envelopes == []  # the person does not wait for the mail server
        response.close()
    assert len(server.envelopes) == 1


def test_requests_retry_due_mails_at_most_once_a_minute(app, port):
    submit(app, key="first")
    client = app.test_client()
    with smtp_server(port) as server:
        client.get("/healthz").close()
        assert len(server.envelopes) == 1
        submit(app, key="second")
        client.get("/healthz").close()
        assert len(server.envelopes) == 1  # this minute's turn was taken
    with app.app_context():
        assert len(mail.pending_mails(get_db())) == 1


def test_person_gets_a_copy_in_their_language(app, port):
    with app.test_request_context(), force_locale("fr"):
        db = get_db()

        def copy(db, sub):
            mail.enqueue(db, mail.submission_copy(
                sub, to="camille@example.org", service_title="Aide au permis",
                lines=[("Prénom", "Camille")], confirmation="Nous vous rappelons sous 48 h.",
                reply_to=ORGANISATION))

        sent = submissions.record(db, "aide-permis", {}, "k", within=copy)
    with smtp_server(port) as server:
        mail.deliver_pending(app)
    [message] = server.messages()
    assert message["To"] == "camille@example.org"
    assert message["Reply-To"] == ORGANISATION
    assert sent.reference in message.get_content()
    assert "Nous vous rappelons sous 48 h." in message.get_content()


def test_without_a_mail_server_mails_wait_in_the_outbox(app_factory):
    app = app_factory()
    submit(app)
    assert mail.deliver_pending(app) == mail.Delivery(skipped=True)
    assert outbox(app)[0]["status"] == mail.PENDING


def test_retries_back_off_then_give_up(app):
    config = app.config
    delays = [mail.retry_delay(n, config).total_seconds() for n in (1, 2, 3, 20)]
    assert delays == [60, 120, 240, config["MAIL_RETRY_MAX"]]
    app.config["MAIL_MAX_ATTEMPTS"] = 2
    t0 = utcnow()
    submit(app, now=t0)
    mail.deliver_pending(app, now=t0)
    mail.deliver_pending(app, now=t0 + dt.timedelta(hours=1))
    [row] = outbox(app)
    assert (row["status"], row["attempts"]) == (mail.FAILED, 2)
    with app.app_context():
        assert mail.outbox_counts(get_db()) == {"pending": 0, "sent": 0, "failed": 1}


def test_subject_cannot_carry_extra_headers(app):
    with app.app_context():
        message = mail.build_message(ORGANISATION, "Titre\r\nBcc: victim@example.org", "Corps")
    assert message["Subject"] == "Titre Bcc: victim@example.org"
    assert message["Bcc"] is None
