"""Storage: the database (SQLite or PostgreSQL), drafts, submissions, journey events,
services, rate limits, accounts' sessions and time zones, « Annuler », the outbox.
Every test runs on both engines."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
from email.message import EmailMessage

import pytest
from sqlalchemy.exc import IntegrityError

from tables import count, rows, sql, table_names

from builder.db import connect, get_db, init_db
from builder.storage import accounts, codes, drafts, events, outbox, ratelimit, services, submissions, workspace

pytestmark = pytest.mark.both_engines

T0 = dt.datetime(2026, 9, 1, 9, 30, tzinfo=dt.timezone.utc)


@pytest.fixture
def db(app):
    """The application's database, inside an application context."""
    with app.app_context():
        yield get_db()


# -- The database file -----------------------------------------------------------------

def test_a_request_that_fails_mid_transaction_leaves_nothing_behind(app):
    """Connections outlive requests (the engine's pool): what one left open is undone."""
    with app.app_context():
        db = get_db()
        sql(db, "BEGIN")
        sql(db, "INSERT INTO meta (key, value) VALUES ('half-done', 'x')")
    with app.app_context():  # the same connection, lent again
        db = get_db()
        assert not db.in_transaction
        assert count(db, "meta", "key = 'half-done'") == 0
        with contextlib.closing(connect(app.config["DATABASE"])) as other:  # nobody waits on a lock
            sql(other, "INSERT INTO meta (key, value) VALUES ('next', 'y')")


def test_each_context_in_flight_has_its_own_connection(app):
    with app.app_context():
        first = get_db()
        with app.app_context():
            assert get_db() is not first
        with app.app_context():
            reused = get_db()
        assert reused is not first



def test_the_database_is_a_wal_file_in_the_instance_folder_or_the_url_given(app, db, engine, database_url):
    if engine == "sqlite":
        assert app.config["DATABASE"].startswith(app.instance_path)
        assert sql(db, "PRAGMA journal_mode").scalar() == "wal"
        assert sql(db, "PRAGMA synchronous").scalar() == 2  # FULL
        assert sql(db, "PRAGMA busy_timeout").scalar() >= 1000
    else:
        assert app.config["DATABASE"] == database_url
        assert not os.path.exists(os.path.join(app.instance_path, "tremplin.sqlite3"))
        assert sql(db, "SHOW synchronous_commit").scalar() == "on"  # as the server says: never turned off
    expected = {"published_services", "drafts", "submissions", "events", "outbox",
                "rate_hits", "meta", "users", "organisations", "working_copies", "alembic_version"}
    assert expected <= table_names(db)


def test_schema_creation_can_run_again(db):
    init_db(db)
    init_db(db)
    assert count(db, "submissions") == 0


def test_each_test_has_its_own_database(app, tmp_path, engine):
    if engine == "sqlite":
        assert app.config["DATABASE"].startswith(str(tmp_path))
    with app.app_context():
        assert count(get_db(), "submissions") == 0


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.text == "ok"


# -- Codes people can read out ---------------------------------------------------------------

def test_codes_leave_out_characters_people_mix_up():
    assert not set("01OIL") & set(codes.ALPHABET)
    for _ in range(200):
        assert re.fullmatch(r"[2-9A-HJKMNP-Z]{3}-[2-9A-HJKMNP-Z]{3}", codes.new_code())
        assert re.fullmatch(r"TRM-[2-9A-Z]{3}-[2-9A-Z]{3}", codes.new_reference())


@pytest.mark.parametrize("typed", ["K7Q-42M", "k7q42m", " k7q 42m ", "K7Q_42M"])
def test_typed_codes_are_normalized(typed):
    assert codes.normalize(typed) == "K7Q-42M"


@pytest.mark.parametrize("typed", ["", None, "K7Q-42", "K0Q-42M", "K7Q-42M-A"])
def test_impossible_codes_are_refused(typed):
    assert codes.normalize(typed) is None


# -- Drafts ---------------------------------------------------------------------------------

def test_draft_is_found_again_by_its_code(db):
    saved = drafts.save_draft(db, "aide-permis", {"statut": "apprenti"}, step_id="vous", now=T0)
    found = drafts.load_draft(db, saved.code.lower().replace("-", " "), "aide-permis", now=T0)
    assert found.answers == {"statut": "apprenti"}
    assert found.step_id == "vous"
    assert found.expires_at == T0 + dt.timedelta(days=30)


def test_saving_again_keeps_the_code_and_pushes_the_expiry_back(db):
    first = drafts.save_draft(db, "aide-permis", {"a": 1}, now=T0)
    later = T0 + dt.timedelta(days=10)
    second = drafts.save_draft(db, "aide-permis", {"a": 2}, code=first.code, now=later)
    assert second.code == first.code
    assert second.expires_at == later + dt.timedelta(days=30)
    assert drafts.load_draft(db, first.code, "aide-permis", now=later).answers == {"a": 2}
    assert count(db, "drafts") == 1


def test_draft_expires_after_the_period_the_service_sets(db):
    saved = drafts.save_draft(db, "aide-permis", {"a": 1}, ttl_days=7, now=T0)
    assert drafts.load_draft(db, saved.code, "aide-permis", now=T0 + dt.timedelta(days=6))
    assert drafts.load_draft(db, saved.code, "aide-permis", now=T0 + dt.timedelta(days=7)) is None
    assert drafts.purge_expired(db, now=T0 + dt.timedelta(days=8)) == 1
    assert count(db, "drafts") == 0


def test_draft_belongs_to_its_service(db):
    saved = drafts.save_draft(db, "aide-permis", {"a": 1}, now=T0)
    assert drafts.load_draft(db, saved.code, "autre-service", now=T0) is None
    other = drafts.save_draft(db, "autre-service", {"b": 1}, code=saved.code, now=T0)
    assert other.code != saved.code


def test_deleted_draft_is_gone(db):
    saved = drafts.save_draft(db, "aide-permis", {"a": 1}, now=T0)
    drafts.delete_draft(db, saved.code)
    assert drafts.load_draft(db, saved.code, "aide-permis", now=T0) is None


# -- Submissions -------------------------------------------------------------------------------

def test_submission_gets_a_reference_people_can_read_out(db):
    sent = submissions.record(db, "aide-permis", {"prenom": "Camille"}, "key-1",
                              service_version=3, now=T0)
    assert sent.created
    assert re.fullmatch(r"TRM-\w{3}-\w{3}", sent.reference)
    found = submissions.get_by_reference(db, sent.reference.lower())
    assert found.answers == {"prenom": "Camille"}
    assert submissions.get_by_reference(db, sent.reference.replace("-", "")) == found  # as read out
    assert found.service_version == 3
    assert found.created_at == T0


def test_sending_twice_never_creates_a_second_submission(db):
    first = submissions.record(db, "aide-permis", {"a": 1}, "same-key", now=T0)
    again = submissions.record(db, "aide-permis", {"a": 1}, "same-key", now=T0)
    assert not again.created
    assert again.reference == first.reference
    assert submissions.count_for_service(db, "aide-permis") == 1


def test_submission_is_committed_when_record_returns(app, db):
    sent = submissions.record(db, "aide-permis", {"a": 1}, "durable", now=T0)
    with contextlib.closing(connect(app.config["DATABASE"])) as other:
        assert rows(other, "submissions", "id = ?", [sent.id])[0]["reference"] == sent.reference


def test_hook_runs_in_the_same_transaction_once(db):
    calls = []
    submissions.record(db, "s", {}, "k", within=lambda db, sub: calls.append(sub.reference))
    submissions.record(db, "s", {}, "k", within=lambda db, sub: calls.append(sub.reference))
    assert len(calls) == 1


def test_failing_hook_never_loses_the_submission(db, caplog):
    def broken(db, submission):
        sql(db, "INSERT INTO outbox (sender, recipients, created_at, next_attempt_at) VALUES ('a@b.c', '[]', 'x', 'x')")
        raise RuntimeError("mail composition failed")

    sent = submissions.record(db, "s", {"a": 1}, "k", within=broken)
    assert submissions.get_by_reference(db, sent.reference)
    assert count(db, "outbox") == 0  # the hook's half-done work is undone
    assert "mail composition failed" in caplog.text


def test_recording_reads_no_schema(db, engine):
    """The hot path is plain SQL: no query about the schema per submission (seen by SQLite's trace)."""
    if engine != "sqlite":
        pytest.skip("SQLite's trace callback sees every statement sent")
    submissions.record(db, "s", {"a": 0}, "warm-up")
    statements = []
    db.driver_connection.set_trace_callback(statements.append)
    try:
        submissions.record(db, "s", {"a": 1}, "k")
    finally:
        db.driver_connection.set_trace_callback(None)
    assert any(text.startswith("INSERT INTO submissions") for text in statements)
    assert not [text for text in statements if "pragma" in text.lower() or "sqlite_master" in text], statements


def test_a_taken_reference_is_drawn_again(db, monkeypatch):
    taken = submissions.record(db, "s", {}, "first").reference
    drawn = iter([taken, taken, "TRM-FRE-SH2"])
    monkeypatch.setattr(submissions, "new_reference", lambda: next(drawn))
    assert submissions.record(db, "s", {}, "second").reference == "TRM-FRE-SH2"


def test_other_integrity_errors_are_not_taken_for_a_taken_reference(db, monkeypatch):
    drawn = []
    monkeypatch.setattr(submissions, "new_reference", lambda: drawn.append(1) or f"TRM-AAA-{len(drawn):03d}")
    with pytest.raises(IntegrityError, match="service_id"):
        submissions.record(db, None, {}, "no-service")
    assert len(drawn) == 1


def test_submissions_are_listed_by_service(db):
    for number in range(3):
        submissions.record(db, "s", {"n": number}, f"k{number}", now=T0)
    submissions.record(db, "other", {}, "k-other", now=T0)
    listed = list(submissions.list_for_service(db, "s"))
    assert [s.answers["n"] for s in listed] == [0, 1, 2]


def test_idempotency_keys_are_random():
    assert len({submissions.new_idempotency_key() for _ in range(50)}) == 50


# -- Journey events ------------------------------------------------------------------------------

def test_events_hold_no_personal_data(db):
    journey = events.new_journey_id()
    events.record_event(db, "aide-permis", "vous", events.VIEW, journey, now=T0)
    row = rows(db, "events")[0]
    assert set(row) == {"id", "service_id", "step_id", "kind", "journey_id", "at"}
    assert row["at"] == "2026-09-01T09:00:00+00:00"  # rounded down to the hour


@pytest.mark.parametrize("step_id, kind, journey", [
    ("vous", "clicked", None),
    ("Camille Dupont, 12 rue", "view", None),
    ("vous", "view", "camille@example.org"),
])
def test_free_text_cannot_slip_into_events(db, step_id, kind, journey):
    with pytest.raises(ValueError):
        events.record_event(db, "aide-permis", step_id, kind, journey or events.new_journey_id())


def test_idle_journeys_are_marked_abandoned_on_their_last_step(db):
    gone, done = events.new_journey_id(), events.new_journey_id()
    events.record_event(db, "s", "vous", events.VIEW, gone, now=T0)
    events.record_event(db, "s", "vous", events.ANSWER, gone, now=T0)
    events.record_event(db, "s", "situation", events.VIEW, gone, now=T0)
    events.record_event(db, "s", "vous", events.VIEW, done, now=T0)
    events.record_event(db, "s", None, events.SUBMIT, done, now=T0)
    later = T0 + dt.timedelta(hours=3)
    assert events.mark_abandoned(db, now=later) == 1
    assert events.mark_abandoned(db, now=later) == 0
    counts = events.step_counts(db, "s")
    assert counts["vous"] == {"view": 2, "answer": 1}
    assert counts["situation"] == {"view": 1, "abandon": 1}
    assert counts[None] == {"submit": 1}


def test_recent_journeys_are_not_abandoned_yet(db):
    events.record_event(db, "s", "vous", events.VIEW, events.new_journey_id(), now=T0)
    assert events.mark_abandoned(db, now=T0 + dt.timedelta(minutes=20)) == 0


# -- Published services ---------------------------------------------------------------------------

def test_publishing_keeps_every_version(db):
    first = services.publish(db, "aide-permis", "tremplin: 1\nid: aide-permis\n", now=T0)
    second = services.publish(db, "aide-permis", "tremplin: 1\n# v2\n", now=T0)
    assert (first.version, second.version) == (1, 2)
    assert services.get_published(db, "aide-permis").yaml.endswith("# v2\n")
    assert services.get_published(db, "aide-permis", version=1).yaml == first.yaml
    assert [v.version for v in services.versions(db, "aide-permis")] == [2, 1]


def test_every_online_service_is_listed(db):
    services.publish(db, "b-service", "b", now=T0)
    services.publish(db, "a-service", "a1", now=T0)
    services.publish(db, "a-service", "a2", now=T0)
    listed = services.list_published(db)
    assert [(s.service_id, s.yaml) for s in listed] == [("a-service", "a2"), ("b-service", "b")]


def test_withdrawn_service_is_offline_until_published_again(db):
    services.publish(db, "s", "v1", now=T0)
    assert services.withdraw(db, "s", now=T0)
    assert services.get_published(db, "s") is None
    assert services.list_published(db) == []
    assert services.get_published(db, "s", version=1).withdrawn_at == T0
    services.publish(db, "s", "v2", now=T0)
    assert services.get_published(db, "s").version == 2
    assert not services.withdraw(db, "unknown")


# -- Rate limits --------------------------------------------------------------------------------

def test_rate_limit_counts_hits_in_a_sliding_window(db):
    window = dt.timedelta(minutes=10)
    for minute in range(5):
        assert ratelimit.hit(db, "k", limit=5, window=window, now=T0 + dt.timedelta(minutes=minute))
    assert not ratelimit.hit(db, "k", limit=5, window=window, now=T0 + dt.timedelta(minutes=5))
    assert ratelimit.hit(db, "other", limit=5, window=window, now=T0 + dt.timedelta(minutes=5))
    assert ratelimit.retry_after(db, "k", window=window, now=T0 + dt.timedelta(minutes=5)) == 300
    later = T0 + dt.timedelta(minutes=10, seconds=1)
    assert ratelimit.hit(db, "k", limit=5, window=window, now=later)


def test_old_hits_are_deleted(db):
    window = dt.timedelta(minutes=10)
    for key in "kj":
        ratelimit.hit(db, key, limit=5, window=window, now=T0)
    ratelimit.hit(db, "k", limit=5, window=window, now=T0 + dt.timedelta(days=2))  # forgets k's old hit
    assert count(db, "rate_hits") == 2
    assert ratelimit.forget_old(db, now=T0 + dt.timedelta(days=2)) == 1  # j's, by tremplin purge
    assert count(db, "rate_hits") == 1


# -- Accounts: sessions and time zones; « Annuler »; the outbox -------------------------------

def test_ending_sessions_moves_that_account_alone_to_a_new_generation(db):
    camille = accounts.create_user(db, "camille@example.org", "Camille", "une phrase assez longue")
    dominique = accounts.create_user(db, "dominique@example.org", "Dominique", "une phrase assez longue")
    assert camille.session_generation == 0
    assert accounts.end_sessions(db, camille.id) == 1 and accounts.end_sessions(db, camille.id) == 2
    assert accounts.get_user(db, camille.id).session_generation == 2
    assert accounts.get_user(db, dominique.id).session_generation == 0
    assert accounts.end_sessions(db, 999) == 0  # no such account: nothing to end


def test_a_password_change_needs_the_current_one_and_ends_the_sessions(db):
    camille = accounts.create_user(db, "camille@example.org", "Camille", "une phrase assez longue")
    assert accounts.change_password(db, camille.id, "pas le bon", "une autre phrase") is None
    assert accounts.get_user(db, camille.id).session_generation == 0
    assert accounts.change_password(db, camille.id, "une phrase assez longue", "une autre phrase") == 1
    assert accounts.authenticate(db, "camille@example.org", "une autre phrase") is not None
    assert accounts.authenticate(db, "camille@example.org", "une phrase assez longue") is None


def test_an_organisation_keeps_its_time_zone(db):
    camille = accounts.create_user(db, "camille@example.org", "Camille", "une phrase assez longue")
    org = accounts.create_organisation(db, "Club Jeunes", camille.id, time_zone="Indian/Reunion")
    assert accounts.get_organisation(db, org.id).time_zone == "Indian/Reunion"
    accounts.set_time_zone(db, org.id, "America/Cayenne")
    [(listed, _role)] = accounts.organisations_of(db, camille.id)
    assert listed.time_zone == "America/Cayenne"
    assert accounts.create_bare_organisation(db, "deploye").time_zone is None


def test_each_person_keeps_their_last_undo_per_service(db):
    workspace.keep_undo(db, "avis", 1, "premier", now=T0)
    workspace.keep_undo(db, "avis", 1, "second", now=T0)  # replaces the first
    workspace.keep_undo(db, "avis", 2, "autre personne", now=T0)
    assert workspace.kept_undo(db, "avis", 1) == "second"
    assert workspace.kept_undo(db, "rappel", 1) is None
    workspace.forget_undo(db, "avis", 1)
    assert workspace.kept_undo(db, "avis", 1) is None and workspace.kept_undo(db, "avis", 2) == "autre personne"


def test_an_organisation_keeps_its_own_reusable_blocks(db):
    workspace.save_org_block(db, 1, "contact", "Contact", "- type: email\n", user_id=1, now=T0)
    workspace.save_org_block(db, 1, "contact", "Nous joindre", "- type: phone\n", now=T0)  # replaces it
    workspace.save_org_block(db, 1, "accord", "Accord", "- type: consent\n", now=T0)
    workspace.save_org_block(db, 2, "contact", "Autre", "- type: email\n", now=T0)
    assert [(block.name, block.title) for block in workspace.org_blocks(db, 1)] == [
        ("accord", "Accord"), ("contact", "Nous joindre")]
    assert workspace.get_org_block(db, 1, "contact").yaml == "- type: phone\n"
    workspace.delete_org_block(db, 1, "contact")
    assert workspace.get_org_block(db, 1, "contact") is None and workspace.get_org_block(db, 2, "contact")


def test_the_status_of_a_mail_and_its_last_error(db):
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "studio@example.org", "lea@example.org", "Invitation"
    outbox_id = outbox.enqueue(db, message, now=T0)
    assert outbox.status_of(db, outbox_id) == (outbox.PENDING, None)
    outbox.mark_failed(db, outbox_id, attempts=1, given_up=False, next_attempt=T0, error="450 boîte pleine")
    assert outbox.status_of(db, outbox_id) == (outbox.PENDING, "450 boîte pleine")
    assert outbox.status_of(db, 999) is None
