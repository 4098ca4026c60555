"""Migrations: a database made by Tremplin before migrations (the fixture
``tests/fixtures/main-96fd7c9.sqlite3``, see its script) is upgraded in place, every
record kept, on SQLite and on PostgreSQL; so is one made later, still without migrations,
that already had the columns and table of revision 0003 (``main-14cd17b.sqlite3``, SQLite
only, as that Tremplin was); a new database gets the same schema as the migrations give;
the command ``tremplin db upgrade`` says what it did.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, Table, inspect, text

from builder.db import connect, get_db
from builder.storage import accounts, followup, schema, services, submissions, workspace
from builder.storage.database import metadata
from tables import rows

pytestmark = pytest.mark.both_engines

FIXTURE = Path(__file__).parent / "fixtures" / "main-96fd7c9.sqlite3"
LATER_FIXTURE = FIXTURE.with_name("main-14cd17b.sqlite3")
ROOT = Path(__file__).resolve().parent.parent


def fixture_rows(fixture: Path = FIXTURE) -> dict[str, list[dict]]:
    """Every row of every table of the fixture, as that Tremplin stored it."""
    with contextlib.closing(sqlite3.connect(fixture)) as db:
        db.row_factory = sqlite3.Row
        names = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {name: [dict(row) for row in db.execute(f"SELECT * FROM {name} ORDER BY rowid")] for name in names}


def old_database(engine: str, instance: Path, database_url: str | None) -> None:
    """The fixture, where the application of this test will find it: the file itself in
    the instance folder (SQLite), or its records copied into the schema as that Tremplin
    made it, revision 0001 (PostgreSQL)."""
    instance.mkdir(parents=True, exist_ok=True)
    if engine == "sqlite":
        shutil.copy(FIXTURE, instance / "tremplin.sqlite3")
        return
    with contextlib.closing(connect(database_url)) as db:
        schema.upgrade(db, "0001")
        copy_rows(db, fixture_rows())


def copy_rows(db, tables: dict[str, list[dict]]) -> None:
    """Insert ``tables``' rows as they are (ids included), then move each id sequence past them."""
    reflected = MetaData()
    for name, found in tables.items():
        table = Table(name, reflected, autoload_with=db.connection)
        if found:
            db.execute(table.insert(), found)
        if "id" in table.c:
            db.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                            f"(SELECT COALESCE(MAX(id), 1) FROM {name}))"))


def test_a_database_from_before_migrations_keeps_every_record(app_factory, engine, database_url, tmp_path):
    old_database(engine, tmp_path / "instance", database_url)
    app = app_factory()
    with app.app_context():
        assert_every_record_kept(get_db(), fixture_rows())


def assert_every_record_kept(db, before: dict[str, list[dict]]) -> None:
    """``db`` is at the newest revision and holds every row of ``before``, each column as it was."""
    assert schema.current_revision(db) == schema.head()
    for name, old_rows in before.items():
        now = rows(db, name, order_by=", ".join(_key(db, name)))
        assert len(now) == len(old_rows), name
        by_key = {_identity(row, _key(db, name)): row for row in now}
        for row in old_rows:
            kept = by_key[_identity(row, _key(db, name))]
            assert {column: kept[column] for column in row} == row, name
    assert sum(map(len, before.values())) >= 20


def _key(db, name: str) -> list[str]:
    primary = inspect(db.connection).get_pk_constraint(name)["constrained_columns"]
    return primary or ["key", "at"]  # rate_hits has no primary key


def _identity(row: dict, key: list[str]) -> tuple:
    return tuple(row[column] for column in key)


def test_the_upgraded_database_works_as_a_new_one(app_factory, engine, database_url, tmp_path):
    old_database(engine, tmp_path / "instance", database_url)
    app = app_factory()
    with app.app_context():
        db = get_db()
        org = accounts.get_organisation_by_slug(db, "mission-locale-d-evry")
        assert [member.user.name for member in accounts.members(db, org.id)] == ["Awa Diop", "Hugo Petit"]
        assert accounts.authenticate(db, "awa.diop@example.org", "mot de passe 1")
        assert workspace.get(db, "rappel-benevole").org_id == org.id
        assert services.live_version(db, "rappel-benevole") == 2 and services.live_version(db, "avis") is None
        found = submissions.search(db, "rappel-benevole", "LEA")  # « Léa », folded by the migration
        assert [sent.answers["prenom"] for sent in found.submissions] == ["Léa"]
        new = submissions.record(db, "rappel-benevole", {"prenom": "Inès"}, "new-key")
        assert new.id == 4 and submissions.count_for_service(db, "rappel-benevole") == 4
        assert accounts.create_user(db, "ines@example.org", "Inès", "mot de passe 3").id == 3
        awa = accounts.get_user_by_email(db, "awa.diop@example.org")
        assert awa.session_generation == 0 and accounts.end_sessions(db, awa.id) == 1  # revision 0003
        assert org.time_zone is None
        workspace.keep_undo(db, "rappel-benevole", awa.id, "jeton")
        assert workspace.kept_undo(db, "rappel-benevole", awa.id) == "jeton"
        workspace.save_org_block(db, org.id, "contact", "Contact", "- type: email\n", user_id=awa.id)  # revision 0004
        assert [block.title for block in workspace.org_blocks(db, org.id)] == ["Contact"]


def test_the_requests_of_an_older_database_are_kept_and_received(app_factory, engine, database_url, tmp_path):
    """Revision 0007: every request sent before follow-up existed is « Reçue » since it was
    sent, handled by nobody, without a follow-up code, and can be followed up from now on."""
    old_database(engine, tmp_path / "instance", database_url)
    app = app_factory()
    with app.app_context():
        db = get_db()
        old = list(submissions.list_for_service(db, "rappel-benevole"))
        before = [row for row in fixture_rows()["submissions"] if row["service_id"] == "rappel-benevole"]
        assert [(sent.reference, sent.answers) for sent in old] == \
            [(row["reference"], json.loads(row["answers"])) for row in before] and old
        assert {(sent.status, sent.handler_id, sent.status_at == sent.created_at) for sent in old} == \
            {("received", None, True)}
        assert followup.find(db, "rappel-benevole", old[0].reference, "ABC-DEF", [app.secret_key]) is None
        followup.set_follow_up(db, old[0], status=followup.IN_PROGRESS, handler_id=None, message="", notes="")
        assert submissions.search(db, "rappel-benevole", status="in_progress").total == 1


def test_a_database_that_had_sessions_time_zones_and_undo_keeps_them(app_factory, engine, tmp_path):
    """Tremplin added them itself before revision 0003 existed: they are adopted as they are."""
    if engine != "sqlite":
        pytest.skip("that Tremplin made SQLite databases only")
    (tmp_path / "instance").mkdir()
    shutil.copy(LATER_FIXTURE, tmp_path / "instance" / "tremplin.sqlite3")
    app = app_factory()
    with app.app_context():
        db = get_db()
        assert_every_record_kept(db, fixture_rows(LATER_FIXTURE))
        assert accounts.get_user_by_email(db, "hugo@example.org").session_generation == 1
        assert accounts.get_organisation_by_slug(db, "mission-locale-d-evry").time_zone == "Indian/Reunion"
        assert workspace.kept_undo(db, "rappel-benevole", 1) == "jeton-signe"
        differences = compare_metadata(MigrationContext.configure(db.connection), metadata)
    assert _without_sqlite_primary_key_nullability(differences) == []


def test_migrations_and_tables_describe_the_same_schema(app_factory, engine, database_url, tmp_path):
    """An empty database gets the tables at once (create_all): they must be what the
    migrations give a database from before them, so that both paths lead to one schema."""
    old_database(engine, tmp_path / "instance", database_url)
    app = app_factory()
    with app.app_context():
        context = MigrationContext.configure(get_db().connection)
        differences = compare_metadata(context, metadata)
    if engine == "sqlite":
        differences = _without_sqlite_primary_key_nullability(differences)
    assert differences == []


def _without_sqlite_primary_key_nullability(differences: list) -> list:
    """SQLite lets a primary key column hold NULL unless told: the old tables did not say."""
    return [change for change in differences
            if not (isinstance(change, list) and change[0][0] == "modify_nullable"
                    and metadata.tables[change[0][2]].c[change[0][3]].primary_key)]


def test_db_upgrade_says_what_it_did(engine, database_url, tmp_path):
    instance = tmp_path / "instance"
    old_database(engine, instance, database_url)
    result = tremplin(["db", "upgrade", "--instance", str(instance)], database_url)
    expected = f"révision 0001 → {schema.head()}" if engine == "postgresql" else \
        f"Base de données d'avant les migrations mise à jour : révision {schema.head()}"
    assert result.returncode == 0 and expected in result.stdout, result.stderr
    again = tremplin(["--lang", "en", "db", "upgrade", "--instance", str(instance)], database_url)
    assert f"Database up to date: revision {schema.head()}." in again.stdout


def tremplin(arguments: list[str], database_url: str | None = None, **environment: str):
    """The real ``tremplin`` command in a subprocess (``TREMPLIN_DATABASE_URL`` when given)."""
    import os

    env = {key: value for key, value in os.environ.items() if not key.startswith("TREMPLIN_")}
    if database_url:
        env.update(TREMPLIN_DATABASE_URL=database_url, TREMPLIN_SECRET_KEY="a shared secret")
    env.update(environment)
    return subprocess.run([sys.executable, "-m", "builder.cli", *arguments], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)


def test_an_upgraded_database_records_who_filled_a_submission_in(app_factory, engine, database_url, tmp_path):
    """Revision 0006: submissions filled in for someone else keep their intermediary."""
    from builder.storage.intermediaries import PAPER, Intermediary

    old_database(engine, tmp_path / "instance", database_url)
    app = app_factory()
    with app.app_context():
        db = get_db()
        sent = submissions.record(db, "rappel-benevole", {"prenom": "Inès"}, "paper-key",
                                  intermediary=Intermediary("Awa Diop", "Mission locale", PAPER))
        found = submissions.with_intermediaries(db, submissions.list_for_service(db, "rappel-benevole"))
        assert [s.intermediary for s in found if s.intermediary] == [sent.intermediary]
        assert sent.intermediary.agreement == PAPER
