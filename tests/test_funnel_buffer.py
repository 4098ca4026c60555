"""The funnel's events wait in memory and are written in batches (builder.site.funnel)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from builder.db import connect
from builder.serving import EXAMPLES, publish_files
from builder.site import funnel
from tables import sql

pytestmark = pytest.mark.both_engines


@pytest.fixture
def site(app):
    publish_files(app, sorted(EXAMPLES.glob("*.yaml")))
    return app


def stored_events(app) -> list[tuple]:
    """The events in the database file, as another process would read them."""
    db = connect(app.config["DATABASE"])
    try:
        return [tuple(row) for row in sql(db, "SELECT service_id, step_id, kind FROM events ORDER BY id")]
    finally:
        db.close()


def visit_first_question(app):
    person = app.test_client()
    location = person.post("/s/rappel-benevole/commencer").headers["Location"]
    assert person.get(location).status_code == 200
    return person, location


def test_a_page_view_is_written_by_the_timer_without_any_other_request(site):
    visit_first_question(site)
    buffer = funnel.buffer_of(site)
    timer = buffer._timer
    assert timer is not None and stored_events(site) == []   # waiting, not written yet
    timer.join(timeout=30)                                  # the timer fires after MAX_DELAY
    assert stored_events(site) == [("rappel-benevole", "demande", "view")]


def test_closing_an_application_buffer_writes_its_events_and_stops_its_timer(site):
    visit_first_question(site)
    timer = funnel.buffer_of(site)._timer
    funnel.close_buffer(site)
    assert stored_events(site) == [("rappel-benevole", "demande", "view")]  # now, not a second later
    assert timer.finished.is_set()  # nothing left to write where the database may be gone
    funnel.close_buffer(site)  # once is enough: again does nothing


def test_a_full_buffer_is_written_at_once_in_order(site, monkeypatch):
    monkeypatch.setattr(funnel, "MAX_PENDING", 3)
    person, location = visit_first_question(site)               # view
    person.post(location, data={"_shown": "sujet"})             # error (nothing chosen)
    person.post(location, data={"sujet": "benevolat", "_shown": "sujet"})  # answer: the third event
    assert stored_events(site) == [("rappel-benevole", "demande", "view"),
                                   ("rappel-benevole", "demande", "error"),
                                   ("rappel-benevole", "demande", "answer")]
    assert funnel.buffer_of(site)._timer is None


def test_an_event_with_free_text_is_refused_when_it_is_recorded(site):
    with site.app_context(), pytest.raises(ValueError):
        funnel.record("rappel-benevole", "Fatou Diallo, 06 12 34 56 78", "view", "0123456789abcdef")
    assert funnel.buffer_of(site)._rows == []


EXITING_PROCESS = """
import sys
from builder.app import create_app
from builder.serving import EXAMPLES, publish_files
database = {"DATABASE_URL": sys.argv[2], "SECRET_KEY": "s"} if sys.argv[2] else {}
app = create_app({"INSTANCE_PATH": sys.argv[1], "TESTING": True, "WTF_CSRF_ENABLED": False, **database})
publish_files(app, sorted(EXAMPLES.glob("*.yaml")))
person = app.test_client()
person.get(person.post("/s/rappel-benevole/commencer").headers["Location"])
"""  # and the process ends at once, long before the timer would have fired


def test_the_events_waiting_in_a_process_are_written_when_it_stops(tmp_path, database_url):
    completed = subprocess.run([sys.executable, "-c", EXITING_PROCESS, str(tmp_path), database_url or ""],
                               capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    db = connect(database_url or str(tmp_path / "tremplin.sqlite3"))
    try:
        assert [tuple(row) for row in sql(db, "SELECT service_id, step_id, kind FROM events")] == [
            ("rappel-benevole", "demande", "view")]
    finally:
        db.close()
