"""Commands that keep an instance's database and deploy to it: ``tremplin db upgrade``,
``tremplin publish``, ``tremplin backup``. ``builder.cli`` adds them to the group.

Each takes ``--instance`` and honours ``TREMPLIN_DATABASE_URL`` as the servers do: the
same configuration, the same database. A thin layer over :mod:`builder.storage.schema`,
:mod:`builder.deploy` and :mod:`builder.storage.backup`.
"""

from __future__ import annotations

import contextlib
import sys

import click

from builder import deploy
from builder.cli_common import Command, argument, instance_app, instance_option, message_lang, option
from builder.cli_common import Group as _Group
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
    "cli.backup_exists": ("{target} existe déjà : choisissez un autre nom (rien n'a été écrit).",
                          "{target} already exists: choose another name (nothing was written)."),
    "cli.backup_done": ("Base {database} copiée dans {target}.", "Database {database} copied to {target}."),
    "cli.backup_not_sqlite": (
        "La base est PostgreSQL : sauvegardez-la avec ses propres outils (pg_dump, voir docs/deploy.md).",
        "The database is PostgreSQL: back it up with its own tools (pg_dump, see docs/deploy.md)."),
    "publish.summary": ("{published} publié(s), {unchanged} inchangé(s), {refused} refusé(s)",
                        "{published} published, {unchanged} unchanged, {refused} refused"),
})


@click.group("db", cls=_Group)
def db_group() -> None:
    """La base de données de l'instance (SQLite ou PostgreSQL)."""


@db_group.command("upgrade", cls=Command)
@instance_option(exists=False)
def db_upgrade(instance: str | None) -> None:
    """Mettre la base à jour (les serveurs le font aussi en démarrant)."""
    app = instance_app(instance, UPGRADE_ON_START=False)
    with contextlib.closing(connect(app.config["DATABASE"])) as db:
        had_tables = schema.has_tables(db)
        was = schema.upgrade(db)
    now = schema.head()
    if was is None:
        code = "db.adopted" if had_tables else "db.created"
    else:
        code = "db.current" if was == now else "db.upgraded"
    click.echo(render(code, message_lang(), was=was, now=now))


@click.command("publish", cls=Command)
@argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True), metavar="FICHIERS...")
@option("--organisation", "slug", required=True, metavar="IDENTIFIANT",
        help="L'organisation, par son identifiant (mission-locale-d-evry) ; créée si elle n'existe pas.")
@instance_option(exists=False)
def publish(files: tuple[str, ...], slug: str, instance: str | None) -> None:
    """Publier des fichiers de service : vérifiés, exemples passés, une nouvelle version seulement s'ils ont changé."""
    lang = message_lang()
    app = instance_app(instance)
    with contextlib.closing(connect(app.config["DATABASE"])) as db:
        org, created = deploy.organisation_for(db, slug)
        if created:
            click.echo(render("deploy.org_created", lang, slug=org.slug))
        done = [deploy.publish_file(db, path, org, lang) for path in files]
    for result in done:
        click.echo("\n".join(result.lines()), err=result.status == deploy.REFUSED)
    counts = {status: sum(result.status == status for result in done)
              for status in (deploy.PUBLISHED, deploy.UNCHANGED, deploy.REFUSED)}
    click.echo(render("publish.summary", lang, **counts))
    sys.exit(1 if counts[deploy.REFUSED] else 0)


@click.command("backup", cls=Command)
@argument("target", type=click.Path(dir_okay=False), metavar="FICHIER")
@instance_option()
def backup(target: str, instance: str | None) -> None:
    """Copier la base de l'instance dans FICHIER, même pendant qu'elle sert."""
    database = instance_app(instance).config["DATABASE"]
    try:
        backups.backup(database, target)
    except FileExistsError:
        raise click.ClickException(render("cli.backup_exists", message_lang(), target=target)) from None
    except backups.NotSQLite:
        raise click.ClickException(render("cli.backup_not_sqlite", message_lang())) from None
    click.echo(render("cli.backup_done", message_lang(), database=database, target=target))
