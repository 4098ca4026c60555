"""``tremplin export``: the submissions a service received, as a CSV, XLSX, JSON or SQLite file.

A thin layer over :mod:`exports.published`; ``builder.cli`` adds this command to the
``tremplin`` group.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import click

from builder.cli_common import Command, argument, instance_database, instance_option, message_lang, option
from builder.db import connect
from builder.format.loader import ServiceFileError, load_service
from builder.messages import register, render
from exports import EXPORTERS
from exports.published import Export, NotPublished, export_published, export_service

register({
    "exports.not_published": (
        "Aucun service « {service_id} » n'a été publié dans {database}.",
        "No service \"{service_id}\" was published in {database}."),
    "exports.no_service": (
        "Donnez l'identifiant d'un service publié, ou son fichier avec --file.",
        "Give the id of a published service, or its file with --file."),
    "exports.other_service": (
        "Le fichier décrit le service « {found} », pas « {service_id} ».",
        "The file describes the service \"{found}\", not \"{service_id}\"."),
    "exports.written": ("{count} réponse(s) exportée(s) dans {path}",
                        "{count} submission(s) exported to {path}"),
})


def _error(code: str, **params: object) -> click.ClickException:
    return click.ClickException(render(code, message_lang(), **params))


def _format_from(output: str | None) -> str:
    """The format an output file asks for by its extension, else CSV."""
    suffix = Path(output).suffix.lstrip(".").lower() if output and output != "-" else ""
    return suffix if suffix in EXPORTERS else "csv"


def _export(service_id: str | None, file: str | None, format_name: str,
            lang: str | None, database: str) -> Export:
    """Run the export from the file's service when given, else the published one."""
    service = None
    if file is not None:
        try:
            service = load_service(file)
        except ServiceFileError as error:
            raise click.ClickException(error.format(message_lang())) from None
        if service_id not in (None, service.id):
            raise _error("exports.other_service", found=service.id, service_id=service_id)
    with contextlib.closing(connect(database)) as db:
        if service is not None:
            return export_service(db, service, format_name, lang)
        try:
            return export_published(db, service_id, format_name, lang)
        except NotPublished:
            raise _error("exports.not_published", service_id=service_id, database=database) from None
        except ServiceFileError as error:
            raise click.ClickException(error.format(message_lang())) from None


@click.command("export", cls=Command)
@argument("service_id", required=False, metavar="[SERVICE]")
@option("--file", "file", type=click.Path(dir_okay=False, exists=True), default=None, metavar="FICHIER",
        help="Prendre les colonnes dans ce fichier de service plutôt que dans la "
             "version publiée (pour les réponses reçues avec tremplin serve).")
@option("--format", "format_name", type=click.Choice(list(EXPORTERS)), default=None,
        help="csv, xlsx, json ou sqlite (défaut : d'après l'extension de --output, sinon csv).")
@option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default=None, metavar="FICHIER",
        help="Fichier à écrire, ou - pour la sortie standard "
             "(défaut : SERVICE-reponses-AAAA-MM-JJ.EXT dans le dossier courant).")
@option("--lang", "export_lang", default=None, metavar="LANGUE",
        help="Langue des intitulés (défaut : la première langue du service).")
@instance_option()
def export(service_id: str | None, file: str | None, format_name: str | None, output: str | None,
           export_lang: str | None, instance: str | None) -> None:
    """Exporter les réponses reçues par un service (CSV, XLSX, JSON ou SQLite pour Datasette)."""
    if service_id is None and file is None:
        raise click.UsageError(render("exports.no_service", message_lang()))
    result = _export(service_id, file, format_name or _format_from(output), export_lang,
                     instance_database(instance))
    if output == "-":
        click.echo(result.content, nl=False)  # bytes go to the binary stream as they are
        return
    path = Path(output or result.filename)
    path.write_bytes(result.content)
    click.echo(render("exports.written", message_lang(), count=result.count, path=path))
