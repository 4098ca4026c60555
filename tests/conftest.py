"""Shared fixtures: an application on its own temporary instance folder and database.

``app`` is built for testing with CSRF checks off, so that feature tests can post
forms plainly; ``app_factory`` builds one with other settings (the security tests
turn CSRF back on). Each test gets its own instance folder, hence its own SQLite file.

``engine`` says which database the application uses: "sqlite", except in the tests
marked ``both_engines`` (``pytestmark = pytest.mark.both_engines`` in a module), which
run once on SQLite and once on PostgreSQL. On PostgreSQL each test gets an empty schema of its own on one
throwaway server (:mod:`pgserver`), started once for the whole run.

Property tests (Hypothesis) draw new examples on every run, except under the profile
``ci`` (``HYPOTHESIS_PROFILE=ci``, set by ``scripts/test``): there they draw the same ones
each time, so that CI's verdict on a commit does not depend on luck; a run of plain
``pytest`` goes on exploring.
"""

from __future__ import annotations

import itertools
import os

import pytest
from hypothesis import settings

import pgserver
from builder.app import create_app
from builder.db import close_connections, get_db
from builder.site import funnel
from builder.storage.database import close_idle_connections
from mailserver import free_port, smtp_server
from seeding import owner_and_reader

settings.register_profile("ci", derandomize=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

ENGINES = ["sqlite", "postgresql"]
_SCHEMAS = itertools.count(1)


@pytest.fixture(scope="session")
def postgres():
    """One throwaway PostgreSQL server for the whole run (started on first use)."""
    with pgserver.running() as server:
        yield server


def pytest_generate_tests(metafunc):
    """Tests marked ``both_engines`` run on each engine."""
    if metafunc.definition.get_closest_marker("both_engines") and "engine" in metafunc.fixturenames:
        metafunc.parametrize("engine", ENGINES, indirect=True)


@pytest.fixture
def engine(request):
    """The database engine of this test's application (see the module docstring)."""
    return getattr(request, "param", "sqlite")


@pytest.fixture
def database_url(engine, request):
    """The URL of this test's PostgreSQL schema, or None on SQLite."""
    if engine != "postgresql":
        return None
    return request.getfixturevalue("postgres").create_schema(f"test_{next(_SCHEMAS)}")


@pytest.fixture
def app_factory(tmp_path, monkeypatch, database_url):
    """``make(**config)``: a fresh application on this test's instance folder (and database)."""
    for name in list(os.environ):
        if name.startswith("TREMPLIN_"):  # the developer's own settings stay out
            monkeypatch.delenv(name)
    database = {"DATABASE_URL": database_url, "SECRET_KEY": "test secret"} if database_url else {}

    made = []

    def make(**config):
        settings = {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "WTF_CSRF_ENABLED": False,
            **database,
            **config,
        }
        made.append(create_app(settings))
        return made[-1]

    yield make
    for app in made:  # the funnel's events are written now, not by a timer once the database is gone
        funnel.close_buffer(app)
    if database_url:  # the test's connections end with it: PostgreSQL accepts only so many
        for app in made:
            close_connections(app)
        close_idle_connections()


@pytest.fixture
def app(app_factory):
    """An application for testing, with a real SQLite file in a temporary folder."""
    return app_factory()


@pytest.fixture
def client(app):
    """A test client for ``app``."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A runner for ``app``'s command-line commands."""
    return app.test_cli_runner()


@pytest.fixture
def smtp_inbox():
    """A real SMTP server (aiosmtpd) on 127.0.0.1 for the test; point ``MAIL_PORT`` at its ``port``."""
    with smtp_server(free_port()) as inbox:
        yield inbox


@pytest.fixture
def signed_in_owner(app):
    """(client, organisation): the owner of « Mission locale » signed in on ``client``."""
    with app.app_context():
        owner, _, org = owner_and_reader(get_db())
    client = app.test_client()
    with client.session_transaction() as session:
        session["user_id"] = owner.id
    return client, org
