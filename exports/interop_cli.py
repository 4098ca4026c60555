"""``tremplin import`` and ``tremplin convert``: services to and from other tools' formats.

A thin layer over :mod:`exports.interop`: the ``--from`` and ``--to`` choices are the
names of its registries. The service file (or workbook) goes to ``-o``; the notes of
what could not be carried over go to the error stream, one ``FILE:ROW: message`` per
line, in the language of ``tremplin --lang``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from builder.cli_common import Command, argument, message_lang, option
from builder.format.loader import ServiceFileError, load_service
from builder.messages import register, render
from exports.interop import CONVERTERS, IMPORTERS, converter, import_files
from exports.notes import ImportFailed, Note, Source

MAX_SOURCE_BYTES = 50 * 1024 * 1024

register({
    "interop.imported": ("Service écrit dans {path} ({count} remarque(s) ci-dessus).",
                         "Service written to {path} ({count} note(s) above)."),
    "interop.converted": ("Fichier écrit dans {path} ({count} remarque(s) ci-dessus).",
                          "File written to {path} ({count} note(s) above)."),
    "interop.too_large": ("Le fichier est trop gros ({size} octets) : la limite est de {limit} octets.",
                          "The file is too large ({size} bytes): the limit is {limit} bytes."),
})


def _echo_notes(notes: list[Note]) -> None:
    for note in notes:
        click.echo(note.format(message_lang()), err=True)


def _source(path: str) -> Source:
    size = Path(path).stat().st_size
    if size > MAX_SOURCE_BYTES:
        raise click.ClickException(f"{path}:1: " + render("interop.too_large", message_lang(), size=size,
                                                           limit=MAX_SOURCE_BYTES))
    return Source(path, Path(path).read_bytes())


@click.command("import", cls=Command)
@argument("sources", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True), metavar="SOURCE...")
@option("--from", "source_format", type=click.Choice(list(IMPORTERS)), default=None,
        help="Le format des fichiers (défaut : reconnu d'après leur contenu).")
@option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-", metavar="FICHIER",
        help="Le fichier de service à écrire (défaut : la sortie standard).")
def import_command(sources: tuple[str, ...], source_format: str | None, output: str) -> None:
    """Importer un service d'un autre outil (XLSForm d'ODK ou de KoboToolbox, aides d'Aides Jeunes…)."""
    try:
        result = import_files([_source(path) for path in sources], source_format)
    except ImportFailed as error:
        _echo_notes(error.notes)
        sys.exit(1)
    _echo_notes(result.notes)
    if output == "-":
        click.echo(result.text, nl=False)
        return
    Path(output).write_text(result.text, encoding="utf-8")
    click.echo(render("interop.imported", message_lang(), path=output, count=len(result.notes)), err=True)


@click.command("convert", cls=Command)
@argument("file", type=click.Path(dir_okay=False), metavar="FICHIER")
@option("--to", "target", type=click.Choice(list(CONVERTERS)), required=True,
        help="Le format à écrire.")
@option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default=None, metavar="FICHIER",
        help="Le fichier à écrire, ou - pour la sortie standard (défaut : SERVICE.EXT).")
def convert_command(file: str, target: str, output: str | None) -> None:
    """Écrire un service dans le format d'un autre outil (un XLSForm pour ODK ou KoboToolbox…)."""
    try:
        service = load_service(file)
    except ServiceFileError as error:
        raise click.ClickException(error.format(message_lang())) from None
    module = converter(target)
    result = module.convert(service)
    _echo_notes(result.notes)
    if output == "-":
        click.echo(result.content, nl=False)
        return
    path = Path(output or f"{service.id}.{module.extension}")
    path.write_bytes(result.content)
    click.echo(render("interop.converted", message_lang(), path=path, count=len(result.notes)), err=True)
