"""Shared fixtures: an application on its own temporary instance folder and database.

``app`` is built for testing with CSRF checks off, so that feature tests can post
forms plainly; ``app_factory`` builds one with other settings (the security tests
turn CSRF back on). Each test gets its own instance folder, hence its own SQLite file.
"""

from __future__ import annotations

import os

import pytest

from builder.app import create_app
from builder.db import get_db
from mailserver import free_port, smtp_server
from seeding import owner_and_reader


@pytest.fixture
def app_factory(tmp_path, monkeypatch):
    """``make(**config)``: a fresh application on this test's instance folder."""
    for name in list(os.environ):
        if name.startswith("TREMPLIN_"):  # the developer's own settings stay out
            monkeypatch.delenv(name)

    def make(**config):
        settings = {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "WTF_CSRF_ENABLED": False,
            **config,
        }
        return create_app(settings)

    return make


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
