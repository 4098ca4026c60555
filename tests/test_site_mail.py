"""Mail, end to end: a person sends « Être rappelé·e par un·e bénévole » through its mini-site.

A real SMTP server (aiosmtpd) listens on 127.0.0.1. The organisation gets a notice with
the reference and the answers, the person gets a copy when they tick « Recevoir une
copie », and a mail server that is down costs nothing: the confirmation is shown, the
submission is kept, the mails wait in the outbox and ``tremplin mail-retry`` (a real
process) sends them once the server is back.

How the mails leave: ``send()`` calls :func:`builder.mail.deliver_after_response`, which
registers the delivery with Werkzeug's ``response.call_on_close``. A WSGI server calls
``close()`` once the response is sent; the test client hands the response to the test
instead, so the test closes it, as the server would. Nothing sleeps: the test waits,
with a deadline, for the server's handler to have the messages.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tables import rows

from builder import mail
from builder.db import connect
from builder.format.loader import load_service
from builder.serving import EXAMPLES
from builder.storage import services as published
from builder.storage import submissions
from mailserver import free_port, smtp_server
from test_site_journey import drive  # the journey a persona takes through the site's forms

SERVICE_FILE = EXAMPLES / "rappel-benevole.yaml"
SENDER = "ne-pas-repondre@tremplin.example"


@pytest.fixture
def port():
    return free_port()


@pytest.fixture
def site(app_factory, port):
    """The application, its mail server at ``port`` (up or not: each test decides)."""
    # MAIL_RETRY_BASE 0: a failed mail is due again at once, so that ``mail-retry``
    # sends it without the test waiting out the backoff (60 s by default).
    return app_factory(MAIL_SERVER="127.0.0.1", MAIL_PORT=port,
                       MAIL_SENDER=f"Tremplin <{SENDER}>", MAIL_RETRY_BASE=0)


def publish(app, text: str) -> None:
    database = connect(app.config["DATABASE"])
    try:
        published.publish(database, "rappel-benevole", text)
    finally:
        database.close()


@pytest.fixture
def service():
    return load_service(SERVICE_FILE)


@pytest.fixture
def persona(service):
    return service.personas[0]  # Fatou, who gives her e-mail address


def send(app, service, persona, *, copy: bool):
    """Go through the service, send, close the response; return (reference, confirmation page)."""
    person = app.test_client()
    check = person.get(drive(person, service, persona.answers)).get_data(as_text=True)
    assert "Recevoir une copie" in check and 'name="copie"' in check
    response = person.post("/s/rappel-benevole/envoyer", data={"copie": "oui"} if copy else {})
    assert response.status_code == 303
    response.close()  # what the WSGI server does once the response is sent: the mails leave
    confirmation = person.get(response.headers["Location"])
    assert confirmation.status_code == 200
    page = confirmation.get_data(as_text=True)
    confirmation.close()
    reference = re.search(r"TRM-[A-Z0-9]{3}-[A-Z0-9]{3}", page).group(0)
    assert reference in response.headers["Location"]
    return reference, page


def outbox(app) -> list[dict]:
    database = connect(app.config["DATABASE"])
    try:
        return list(rows(database, "outbox", order_by="id"))
    finally:
        database.close()


def stored(app, reference):
    database = connect(app.config["DATABASE"])
    try:
        return submissions.get_by_reference(database, reference)
    finally:
        database.close()


def test_the_organisation_is_notified_with_the_reference_and_the_answers(site, port, service, persona):
    publish(site, SERVICE_FILE.read_text(encoding="utf-8"))
    with smtp_server(port) as inbox:
        reference, _ = send(site, service, persona, copy=False)
        [envelope] = inbox.wait_for(1)
        [notice] = inbox.messages(1)
    # No submission.notify, no organisation.email: the help box's address hears of it.
    assert envelope.rcpt_tos == ["bonjour@example.org"]
    assert envelope.mail_from == SENDER
    assert notice["Subject"] == f"Nouvelle demande {reference} : Être rappelé·e par un·e bénévole"
    assert notice["Reply-To"] == "fatou.diallo@example.org"  # the organisation answers her directly
    body = notice.get_content()
    assert f"Numéro de la demande : {reference}" in body
    for line in ["- De quoi voulez-vous parler ? : De l'aide aux devoirs pour un enfant ou un jeune",
                 "- Quand pouvons-nous vous appeler ? : Le soir, de 18 h à 20 h",
                 "Mon fils est en 5e. Il a du mal en mathématiques et il perd confiance.",
                 "- Votre prénom : Fatou",
                 "- Votre adresse e-mail : fatou.diallo@example.org",
                 "06 12 34 56 78"]:
        assert line in body, line
    assert [row["status"] for row in outbox(site)] == [mail.SENT]
    assert len(inbox.envelopes) == 1  # no copy unless asked for


@pytest.mark.parametrize("edit, recipients", [
    ({"organisation:\n": "organisation:\n  email: equipe@example.org\n"}, ["equipe@example.org"]),
    ({"organisation:\n": "organisation:\n  email: equipe@example.org\n",
      "submission:\n": "submission:\n  notify: [benevoles@example.org, coordination@example.org]\n"},
     ["benevoles@example.org", "coordination@example.org"]),
], ids=["organisation.email before help.email", "submission.notify before both"])
def test_who_is_notified_follows_the_rule(site, port, service, persona, edit, recipients):
    text = SERVICE_FILE.read_text(encoding="utf-8")
    for old, new in edit.items():
        assert text.count(old) == 1
        text = text.replace(old, new)
    publish(site, text)
    with smtp_server(port) as inbox:
        send(site, service, persona, copy=False)
        [envelope] = inbox.wait_for(1)
    assert envelope.rcpt_tos == recipients


def test_the_person_gets_a_copy_at_the_address_they_gave(site, port, service, persona):
    publish(site, SERVICE_FILE.read_text(encoding="utf-8"))
    with smtp_server(port) as inbox:
        reference, _ = send(site, service, persona, copy=True)
        inbox.wait_for(2)
        copy = inbox.to("fatou.diallo@example.org", 2)
        notice = inbox.to("bonjour@example.org", 2)
    assert copy["To"] == "fatou.diallo@example.org"
    assert copy["Subject"] == f"Votre demande {reference} : Être rappelé·e par un·e bénévole"
    body = copy.get_content()
    assert f"Numéro de la demande : {reference}" in body
    assert "Un ou une bénévole vous rappelle dans les 3 jours" in body  # the service's confirmation
    assert "- Votre prénom : Fatou" in body
    assert "fatou.diallo@example.org" not in notice["To"]  # her copy is a mail of its own


def tremplin(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run the ``tremplin`` command in a process of its own."""
    command = shutil.which("tremplin")
    argv = [command] if command else [sys.executable, "-m", "builder.cli"]
    return subprocess.run([*argv, *args], env=env, capture_output=True, text=True,
                          timeout=60, cwd=Path(__file__).parent.parent)


def test_a_mail_server_that_is_down_costs_nothing(site, port, service, persona):
    publish(site, SERVICE_FILE.read_text(encoding="utf-8"))

    # Nothing listens on the port: the person still sees their confirmation.
    reference, page = send(site, service, persona, copy=True)
    assert "Demande envoyée" in page and "Fatou" in page
    submission = stored(site, reference)
    assert submission is not None and submission.answers["prenom"] == "Fatou"
    waiting = outbox(site)
    assert len(waiting) == 2
    for row in waiting:
        # Tried after the response (and again after the confirmation page: MAIL_RETRY_BASE is 0).
        assert row["status"] == mail.PENDING and row["attempts"] >= 1
        assert "ConnectionRefusedError" in row["last_error"]
        assert row["submission_id"] == submission.id
    assert sorted(json.loads(row["recipients"])[0] for row in waiting) == [
        "bonjour@example.org", "fatou.diallo@example.org"]

    # The server is back: `tremplin mail-retry`, as cron or a person would run it.
    env = {name: value for name, value in os.environ.items() if not name.startswith("TREMPLIN_")}
    env.update(TREMPLIN_INSTANCE_PATH=site.instance_path, TREMPLIN_MAIL_SERVER="127.0.0.1",
               TREMPLIN_MAIL_PORT=str(port))
    with smtp_server(port) as inbox:
        retry = tremplin("mail-retry", env=env)
        assert retry.returncode == 0, retry.stderr
        assert "2 envoyés, 0 en échec" in retry.stdout
        envelopes = inbox.wait_for(2)
        notice = inbox.to("bonjour@example.org", 2)
        copy = inbox.to("fatou.diallo@example.org", 2)
    assert len(envelopes) == 2
    assert reference in notice["Subject"] and reference in copy["Subject"]
    assert "- Votre prénom : Fatou" in notice.get_content()
    assert [row["status"] for row in outbox(site)] == [mail.SENT, mail.SENT]
