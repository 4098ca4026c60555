"""Commands that work on an instance's database: ``tremplin db upgrade``, ``tremplin publish``,
``tremplin backup``. ``builder.cli`` adds them to the ``tremplin`` group.

Each takes ``--instance`` (default: ``TREMPLIN_INSTANCE_PATH``, else ``instance/``) and
honours ``TREMPLIN_DATABASE_URL`` as the servers do: the same configuration, the same
database. A thin layer over :mod:`builder.storage.schema`, :mod:`builder.deploy` and
:mod:`builder.storage.backup`.
"""

from __future__ import annotations

import contextlib
import sys

import click
from flask import Flask

from builder import deploy
from builder.messages import register, render
from builder.storage import backup as backups
from builder.storage import schema
from builder.storage.database import connect

register({
    "db.upgraded": ("Base de données mise à jour : révision {was} → {now}.",
                    "Database upgraded: revision {was} → {now}."),
    "db.created": ("Base de données créée : révision {now}.", "Database created: revision {now}."),
    "db.current": ("Base de données à jour : révision {now}.", "Database up to date: revision {now}."),
    "db.adopted": ("Base de données d'avant les migrations mise à jour : révision {now}, chaque enregistrement gardé.",
                   "Database from before migrations upgraded: revision {now}, every record kept."),
    "backup.written": ("Copie de la base écrite dans {path} ({size} octets).",
                       "Copy of the database written to {path} ({size} bytes)."),
    "backup.not_sqlite": (
        "La base est PostgreSQL : sauvegardez-la avec ses propres outils (pg_dump, voir docs/deploy.md).",
        "The database is PostgreSQL: back it up with its own tools (pg_dump, see docs/deploy.md)."),
    "publish.bad_slug": ("« {slug} » n'est pas un identifiant d'organisation (minuscules, chiffres et tirets).",
                         "\"{slug}\" is not an organisation slug (lower case letters, digits and dashes)."),
    "publish.summary": ("{published} publié(s), {unchanged} inchangé(s), {refused} refusé(s)",
                        "{published} published, {unchanged} unchanged, {refused} refused"),
})

INSTANCE_OPTION = click.option(
    "--instance", type=click.Path(file_okay=False), default=None,
    help="Dossier d'instance (défaut : TREMPLIN_INSTANCE_PATH, sinon instance/).")


def _lang() -> str:
    """The language of messages: that of ``tremplin --lang`` when there is one."""
    obj = click.get_current_context().find_root().obj
    return obj if isinstance(obj, str) else "fr"


def instance_app(instance: str | None, **config: object) -> Flask:
    """The application of ``instance`` (or of the environment), as a server would build it."""
    from builder.app import create_app  # late: the commands on files need no application

    settings = {**({"INSTANCE_PATH": instance} if instance else {}), **config}
    return create_app(settings or None)  # a missing setting is said, without a traceback (ConfigurationError)


@click.group("db")
def db_group() -> None:
    """La base de données de l'instance (SQLite ou PostgreSQL)."""


@db_group.command("upgrade")
@INSTANCE_OPTION
def db_upgrade(instance: str | None) -> None:
    """Mettre le schéma de la base à jour (fait aussi au démarrage de chaque serveur)."""
    app = instance_app(instance, UPGRADE_ON_START=False)
    with contextlib.closing(connect(app.config["DATABASE"])) as db:
        had_tables = schema.has_tables(db)
        was = schema.upgrade(db)
    now = schema.head()
    if was is None:
        code = "db.adopted" if had_tables else "db.created"
    else:
        code = "db.current" if was == now else "db.upgraded"
    click.echo(render(code, _lang(), was=was, now=now))


@click.command("publish")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True))
@click.option("--organisation", "slug", required=True,
              help="L'organisation (son identifiant, ex. mission-locale-d-evry) ; créée si elle n'existe pas.")
@INSTANCE_OPTION
def publish(files: tuple[str, ...], slug: str, instance: str | None) -> None:
    """Publier des fichiers de service : vérifiés, exemples passés, nouvelle version seulement s'ils ont changé."""
    lang = _lang()
    app = instance_app(instance)
    with contextlib.closing(connect(app.config["DATABASE"])) as db:
        try:
            org, created = deploy.organisation_for(db, slug)
        except ValueError:
            raise click.UsageError(render("publish.bad_slug", lang, slug=slug)) from None
        if created:
            click.echo(render("deploy.org_created", lang, slug=slug))
        done = [deploy.publish_file(db, path, org, lang) for path in files]
    for result in done:
        click.echo("\n".join(result.lines()), err=result.status == deploy.REFUSED)
    counts = {status: sum(result.status == status for result in done)
              for status in (deploy.PUBLISHED, deploy.UNCHANGED, deploy.REFUSED)}
    click.echo(render("publish.summary", lang, **counts))
    sys.exit(1 if counts[deploy.REFUSED] else 0)


@click.command("backup")
@click.argument("destination", type=click.Path(dir_okay=False, writable=True))
@INSTANCE_OPTION
def backup(destination: str, instance: str | None) -> None:
    """Copier la base SQLite dans DESTINATION pendant que les serveurs tournent."""
    app = instance_app(instance)
    try:
        size = backups.backup(app.config["DATABASE"], destination)
    except backups.NotSQLite:
        raise click.ClickException(render("backup.not_sqlite", _lang())) from None
    click.echo(render("backup.written", _lang(), path=destination, size=size))
