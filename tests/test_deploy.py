"""Deploying from a repository: ``tremplin publish FILE... --organisation SLUG`` and
``tremplin backup DEST``, run as an administration's pipeline runs them (the real
command, in a subprocess), on SQLite and on PostgreSQL. Publishing is seen by every
server of the database at their next request; a restart of PostgreSQL fails no request.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import psycopg
import pytest

from builder.db import connect, get_db
from builder.serving import EXAMPLES, publish_files
from builder.site import funnel
from builder.storage import accounts, services, submissions, workspace
from tables import count
from test_migrations import tremplin

pytestmark = pytest.mark.both_engines

AVIS = EXAMPLES / "avis.yaml"


@pytest.fixture
def instance(app):
    """The instance folder of this test's application (its database is made)."""
    return app.instance_path


def publish(files, instance, database_url, slug="maison-des-jeunes", lang="fr"):
    return tremplin(["--lang", lang, "publish", *map(str, files), "--organisation", slug, "--instance", instance],
                    database_url)


def test_a_file_is_published_once_then_again_only_when_it_changed(app, instance, database_url, tmp_path):
    first = publish([AVIS], instance, database_url)
    assert first.returncode == 0, first.stderr
    assert "Organisation « maison-des-jeunes » créée" in first.stdout
    assert "« avis » publié en version 1." in first.stdout and "1 publié(s), 0 inchangé(s), 0 refusé(s)" in first.stdout
    again = publish([AVIS], instance, database_url)
    assert "« avis » inchangé, la version 1 en ligne est déjà ce fichier." in again.stdout and again.returncode == 0
    changed = tmp_path / "avis.yaml"
    changed.write_text(AVIS.read_text(encoding="utf-8").replace("Donnez-nous votre avis", "Votre avis compte"),
                       encoding="utf-8")
    third = publish([changed], instance, database_url, lang="en")
    assert "\"avis\" published as version 2." in third.stdout
    with contextlib.closing(connect(app.config["DATABASE"])) as db:
        org = accounts.get_organisation_by_slug(db, "maison-des-jeunes")
        assert workspace.get(db, "avis").org_id == org.id  # the studio shows it as the organisation's
        assert "Votre avis compte" in services.get_published(db, "avis").yaml
        assert [version.version for version in services.versions(db, "avis")] == [2, 1]


def test_files_with_errors_or_failing_examples_are_refused(app, instance, database_url, tmp_path):
    red = tmp_path / "rouge.yaml"
    red.write_text(AVIS.read_text(encoding="utf-8").replace("id: avis", "id: avis-rouge", 1)
                   .replace('satisfaction: "5"', 'satisfaction: "1"\n      souhaite_rappel: true', 1), encoding="utf-8")
    broken = tmp_path / "casse.yaml"
    broken.write_text("tremplin: 1\nid: casse\ntitle: Cassé\nsteps:\n  - id: a\n    blocks: 12\n", encoding="utf-8")
    result = publish([red, broken, EXAMPLES / "rappel-benevole.yaml"], instance, database_url)
    assert result.returncode == 1
    assert f"{red} : refusé, des exemples (personas) échouent :" in result.stderr
    assert f"{broken} : refusé, le fichier a des erreurs :" in result.stderr and f"{broken}:6:" in result.stderr
    assert "0 refusé" not in result.stdout and "1 publié(s), 0 inchangé(s), 2 refusé(s)" in result.stdout
    with contextlib.closing(connect(app.config["DATABASE"])) as db:
        assert services.live_version(db, "avis-rouge") is None and services.live_version(db, "casse") is None
        assert services.live_version(db, "rappel-benevole") == 1


def test_a_service_of_another_organisation_is_refused(instance, database_url):
    assert publish([AVIS], instance, database_url, slug="premiere").returncode == 0
    other = publish([AVIS], instance, database_url, slug="seconde")
    assert other.returncode == 1 and "appartient à une autre organisation" in other.stderr
    named = publish([AVIS], instance, database_url, slug="Première")  # a name: its slug, « premiere »
    assert named.returncode == 0 and "inchangé" in named.stdout and "créée" not in named.stdout


def test_publishing_is_seen_by_the_next_request_on_another_server(app_factory, engine, database_url, tmp_path):
    """Two servers: on PostgreSQL, two instance folders and one database; on SQLite, two
    applications on one file (the workers of one machine)."""
    first = app_factory()
    second = app_factory(INSTANCE_PATH=str(tmp_path / "other")) if engine == "postgresql" else app_factory()
    visitor = second.test_client()
    assert visitor.get("/s/avis/").status_code == 404
    assert publish([AVIS], first.instance_path, database_url).returncode == 0
    assert "Donnez-nous votre avis" in visitor.get("/s/avis/").get_data(as_text=True)
    text = AVIS.read_text(encoding="utf-8").replace("Donnez-nous votre avis", "Votre avis compte")
    with contextlib.closing(connect(first.config["DATABASE"])) as db:
        services.publish(db, "avis", text)
    assert "Votre avis compte" in visitor.get("/s/avis/").get_data(as_text=True)
    with contextlib.closing(connect(first.config["DATABASE"])) as db:
        services.withdraw(db, "avis")
    assert visitor.get("/s/avis/").status_code == 404


def test_backup_copies_a_running_sqlite_database_and_points_postgresql_to_its_tools(app, engine, instance,
                                                                                   database_url, tmp_path):
    with contextlib.closing(connect(app.config["DATABASE"])) as db:
        sent = submissions.record(db, "avis", {"satisfaction": "5"}, "key")
        result = tremplin(["backup", str(tmp_path / "copie.sqlite3"), "--instance", instance], database_url)
    if engine == "postgresql":
        assert result.returncode == 1 and "pg_dump" in result.stderr
        return
    assert result.returncode == 0 and "copiée dans" in result.stdout, result.stderr
    with contextlib.closing(sqlite3.connect(tmp_path / "copie.sqlite3")) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT reference FROM submissions").fetchall() == [(sent.reference,)]
    assert not list(Path(tmp_path).glob(".*partial"))


def test_a_database_url_without_a_secret_key_is_refused(database_url, tmp_path, engine):
    if engine == "sqlite":
        pytest.skip("one machine: the key is made and kept in the instance folder")
    for command in (["db", "upgrade", "--instance", str(tmp_path)], ["run", "--port", "1"]):
        result = tremplin(command, None, TREMPLIN_DATABASE_URL=database_url, TREMPLIN_INSTANCE_PATH=str(tmp_path))
        assert result.returncode == 1
        assert "TREMPLIN_DATABASE_URL est réglé : donnez aussi TREMPLIN_SECRET_KEY" in result.stderr
        assert "Traceback" not in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_connections_the_server_ended_while_idle_are_replaced_not_lent(app, engine, postgres):
    """PostgreSQL restarted, failed over, or ended idle sessions: the pooled connections of
    each server (the requests' and the funnel's) are dead, and no request may fail for it."""
    if engine == "sqlite":
        pytest.skip("a SQLite file has no server to end connections")
    before = tremplin_backends(postgres)
    publish_files(app, [EXAMPLES / "rappel-benevole.yaml"])
    person = app.test_client()
    question = person.post("/s/rappel-benevole/commencer").headers["Location"]
    assert person.get(question).status_code == 200  # a view, waiting in the funnel
    with app.app_context():
        funnel.flush()  # written on the funnel's own connection, idle from now on
    ended = tremplin_backends(postgres) - before
    with psycopg.connect(postgres.url(), autocommit=True) as admin:
        for pid in ended:  # what a restart does to them; returns once each process is gone
            admin.execute("SELECT pg_terminate_backend(%s, 30000)", [pid])
    assert ended and not ended & tremplin_backends(postgres)
    assert person.get(question).status_code == 200  # on the requests' pooled connection
    with app.app_context():
        funnel.flush()
        assert count(get_db(), "events", "kind = 'view'") == 2

def tremplin_backends(postgres) -> set[int]:
    """The server processes of Tremplin's connections (its application_name)."""
    with psycopg.connect(postgres.url(), autocommit=True) as admin:
        return {row[0] for row in admin.execute("SELECT pid FROM pg_stat_activity WHERE application_name = 'tremplin'")}
