"""``tremplin purge``: delete what is kept too long, for a daily cron job.

A thin layer over :func:`builder.storage.retention.purge`: submissions older than their
service's ``settings.retention_days`` (365 by default), expired drafts, and journeys
idle for two hours marked as abandoned for the funnel. ``builder.cli`` adds this
command to the ``tremplin`` group (``main.add_command(purge)``).
"""

from __future__ import annotations

import contextlib

import click

from builder.cli_common import Command, instance_database, instance_option, message_lang
from builder.db import connect
from builder.messages import register, render
from builder.storage import retention

register({
    "purge.done": (
        "{submissions} réponse(s) supprimée(s), {drafts} brouillon(s) expiré(s) supprimé(s), "
        "{abandoned} parcours marqué(s) comme abandonné(s).",
        "{submissions} submission(s) deleted, {drafts} expired draft(s) deleted, "
        "{abandoned} journey(s) marked as abandoned."),
    "purge.service": ("  {service_id} : {count} réponse(s) de plus de {days} jours",
                      "  {service_id}: {count} submission(s) older than {days} days"),
})


@click.command("purge", cls=Command)
@instance_option()
def purge(instance: str | None) -> None:
    """Supprimer les réponses gardées plus longtemps que prévu et les brouillons expirés."""
    lang = message_lang()
    with contextlib.closing(connect(instance_database(instance))) as db:
        done = retention.purge(db)
        for service_id, count in sorted(done.submissions.items()):
            click.echo(render("purge.service", lang, service_id=service_id, count=count,
                              days=retention.retention_days(db, service_id)))
    click.echo(render("purge.done", lang, submissions=done.deleted, drafts=done.drafts,
                      abandoned=done.abandoned))
