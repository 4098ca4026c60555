"""Submissions are kept no longer than their service says; expired drafts go; idle journeys
are marked abandoned: by :func:`retention.purge`, after requests now and then, and by
``tremplin purge`` in a real process."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import subprocess
import sys
from email.message import EmailMessage

import pytest

from tables import rows

from builder import mail
from builder.app import create_app
from builder.db import connect
from builder.serving import EXAMPLES
from builder.storage import drafts, events, retention, services as published, submissions

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 9, 1, 12, 0, tzinfo=UTC)
CONTACT_TEXT = (EXAMPLES / "rappel-benevole.yaml").read_text(encoding="utf-8")


def with_retention(text: str, days: int) -> str:
    """The service text with ``settings.retention_days`` set."""
    return text.replace("\nsteps:", f"\nsettings:\n  retention_days: {days}\n\nsteps:", 1)


@pytest.fixture
def db(app):
    database = connect(app.config["DATABASE"])
    yield database
    database.close()


def sent(db, service_id, days_ago, *, key=None, with_mail=False):
    """A submission sent ``days_ago`` days before NOW (with a queued mail if asked)."""
    def queue(db, submission):
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = "a@example.org", "b@example.org", "Demande"
        message.set_content("…")
        mail.enqueue(db, message, submission_id=submission.id)
    return submissions.record(db, service_id, {"prenom": "Léa"}, key or f"{service_id}-{days_ago}",
                              now=NOW - dt.timedelta(days=days_ago), within=queue if with_mail else None)


def references(db, service_id):
    return {s.reference for s in submissions.list_for_service(db, service_id)}


def test_each_service_keeps_its_submissions_for_its_own_period(db):
    published.publish(db, "court", with_retention(CONTACT_TEXT.replace("id: rappel-benevole", "id: court"), 30))
    published.publish(db, "rappel-benevole", CONTACT_TEXT)  # no setting: 365 days
    young, old = sent(db, "court", 29), sent(db, "court", 31)
    kept, too_old = sent(db, "rappel-benevole", 364), sent(db, "rappel-benevole", 366)
    unpublished_kept, unpublished_old = sent(db, "essai", 300), sent(db, "essai", 400)

    done = retention.purge(db, now=NOW)

    assert done.submissions == {"court": 1, "rappel-benevole": 1, "essai": 1} and done.deleted == 3
    assert references(db, "court") == {young.reference}
    assert references(db, "rappel-benevole") == {kept.reference}
    assert references(db, "essai") == {unpublished_kept.reference}
    assert not {old.reference, too_old.reference, unpublished_old.reference} & (
        references(db, "court") | references(db, "rappel-benevole") | references(db, "essai"))
    assert retention.purge(db, now=NOW).deleted == 0  # safe to run again


def test_the_latest_published_version_decides_even_when_withdrawn(db):
    published.publish(db, "rappel-benevole", with_retention(CONTACT_TEXT, 100))
    published.publish(db, "rappel-benevole", with_retention(CONTACT_TEXT, 10))
    published.withdraw(db, "rappel-benevole")
    assert retention.retention_days(db, "rappel-benevole") == 10
    assert retention.retention_days(db, "jamais-publie") == retention.DEFAULT_DAYS
    sent(db, "rappel-benevole", 9)
    sent(db, "rappel-benevole", 11)
    assert retention.purge(db, now=NOW).submissions == {"rappel-benevole": 1}


def test_a_period_of_zero_days_still_keeps_a_day(db):
    published.publish(db, "rappel-benevole", with_retention(CONTACT_TEXT, 0))
    assert retention.retention_days(db, "rappel-benevole") == 1
    sent(db, "rappel-benevole", 0)
    assert retention.purge(db, now=NOW).deleted == 0


def test_purged_submissions_take_their_mails_with_them(db):
    published.publish(db, "rappel-benevole", with_retention(CONTACT_TEXT, 30))
    old = sent(db, "rappel-benevole", 40, with_mail=True)
    young = sent(db, "rappel-benevole", 1, with_mail=True)
    assert sorted(row["submission_id"] for row in rows(db, "outbox")) == [old.id, young.id]
    retention.purge(db, now=NOW)
    assert [row["submission_id"] for row in rows(db, "outbox")] == [young.id]


def test_purge_deletes_expired_drafts_and_marks_idle_journeys_abandoned(db):
    expired = drafts.save_draft(db, "rappel-benevole", {}, ttl_days=30, now=NOW - dt.timedelta(days=31))
    live = drafts.save_draft(db, "rappel-benevole", {}, ttl_days=30, now=NOW - dt.timedelta(days=1))
    idle, busy = events.new_journey_id(), events.new_journey_id()
    events.record_event(db, "rappel-benevole", "demande", "view", idle, now=NOW - dt.timedelta(hours=5))
    events.record_event(db, "rappel-benevole", "demande", "view", busy, now=NOW)

    done = retention.purge(db, now=NOW)

    assert (done.drafts, done.abandoned) == (1, 1)
    assert drafts.load_draft(db, expired.code, "rappel-benevole", now=NOW - dt.timedelta(days=2)) is None
    assert drafts.load_draft(db, live.code, "rappel-benevole", now=NOW) is not None
    assert events.step_counts(db, "rappel-benevole")["demande"] == {"view": 2, "abandon": 1}


def test_turns_are_taken_at_most_once_per_interval(db):
    assert retention.take_turn(db, 3600, now=NOW)
    assert not retention.take_turn(db, 3600, now=NOW + dt.timedelta(minutes=59))
    assert retention.take_turn(db, 3600, now=NOW + dt.timedelta(minutes=61))


def request_and_close(app, path="/healthz"):
    """A request whose response is then closed, as a WSGI server does once it is sent."""
    response = app.test_client().get(path)
    response.close()
    return response


def test_a_request_purges_now_and_then_after_the_response(app, db):
    sent(db, "rappel-benevole", 2 * 365, key="first")
    assert request_and_close(app).status_code == 200
    assert submissions.count_for_service(db, "rappel-benevole") == 0
    sent(db, "rappel-benevole", 2 * 365, key="second")
    app.extensions.pop("tremplin.retention_next_check")  # as if the process had waited a minute
    request_and_close(app)  # but not an hour: no second purge
    assert submissions.count_for_service(db, "rappel-benevole") == 1


def test_the_purge_after_requests_can_be_turned_off(app_factory):
    app = app_factory(RETENTION_INTERVAL=0)
    with contextlib.closing(connect(app.config["DATABASE"])) as database:
        sent(database, "rappel-benevole", 2 * 365)
        request_and_close(app)
        assert submissions.count_for_service(database, "rappel-benevole") == 1


def run_tremplin(instance, *args):
    """``tremplin ARGS`` in a new process; ``purge`` is added to the group if the CLI lacks it."""
    code = ("import sys; from builder.cli import main; from builder.studio.cli_purge import purge;"
            " main.commands.setdefault('purge', purge); main()")
    environment = {**os.environ, "TREMPLIN_INSTANCE_PATH": str(instance)}
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          env=environment, timeout=120, check=False)


def test_tremplin_purge_in_a_real_process(tmp_path, monkeypatch):
    for name in list(os.environ):
        if name.startswith("TREMPLIN_"):
            monkeypatch.delenv(name)
    instance = tmp_path / "instance"
    app = create_app({"INSTANCE_PATH": str(instance), "TESTING": True})
    now = dt.datetime.now(UTC)
    with contextlib.closing(connect(app.config["DATABASE"])) as database:
        published.publish(database, "rappel-benevole", with_retention(CONTACT_TEXT, 30))
        for days in (40, 50, 1):
            submissions.record(database, "rappel-benevole", {"prenom": "Léa"}, f"k{days}",
                               now=now - dt.timedelta(days=days))
        drafts.save_draft(database, "rappel-benevole", {}, ttl_days=1, now=now - dt.timedelta(days=3))

    result = run_tremplin(instance, "purge")

    assert result.returncode == 0, result.stderr
    assert "rappel-benevole : 2 réponse(s) de plus de 30 jours" in result.stdout
    assert "2 réponse(s) supprimée(s), 1 brouillon(s) expiré(s) supprimé(s)" in result.stdout
    with contextlib.closing(connect(app.config["DATABASE"])) as database:
        assert submissions.count_for_service(database, "rappel-benevole") == 1
    english = run_tremplin(instance, "--lang", "en", "purge")
    assert "0 submission(s) deleted" in english.stdout
