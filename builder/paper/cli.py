"""``tremplin paper``: the paper version of a service file, as an A4 PDF (or the HTML
page to print). A thin layer over :mod:`builder.paper`; ``builder.cli`` adds it to the
``tremplin`` group.
"""

from __future__ import annotations

import errno
import re
from pathlib import Path

import click

from builder.cli_common import Command, argument, instance_app, instance_option, message_lang, option
from builder.format.loader import ServiceFileError, load_service
from builder.messages import register, render

register({
    "paper.written": ("Version papier écrite dans {path}.", "Paper version written to {path}."),
    "paper.only_here": (
        "Attention : le QR code et l'adresse mènent à {url}, qui ne marche que sur cet ordinateur. "
        "Donnez l'adresse publique du service avec --url, ou le réglage PUBLIC_URL.",
        "Warning: the QR code and the address lead to {url}, which only works on this computer. "
        "Give the service's public address with --url, or the PUBLIC_URL setting."),
    "paper.url": ("--url doit être l'adresse complète du service, par exemple "
                  "https://tremplin.mon-association.fr/s/{service}/.",
                  "--url must be the service's full address, for example "
                  "https://tremplin.mon-association.fr/s/{service}/."),
    "paper.unwritable": ("Impossible d'écrire {path} ({reason}) : vérifiez le dossier.",
                         "Cannot write {path} ({reason}): check the folder."),
    "paper.language": ("Le service n'est pas écrit en « {asked} » : ses langues sont {languages}.",
                       "The service is not written in \"{asked}\": its languages are {languages}."),
})


@click.command("paper", cls=Command)
@argument("file", type=click.Path(dir_okay=False), metavar="FICHIER")
@option("-o", "--output", type=click.Path(dir_okay=False), default=None, metavar="FICHIER",
        help="Le fichier à écrire : .pdf (A4) ou .html (la page à imprimer) ; défaut : SERVICE-papier.pdf.")
@option("--url", default=None, metavar="ADRESSE",
        help="L'adresse du service en ligne, pour le QR code (défaut : PUBLIC_URL suivi de /s/SERVICE/).")
@option("--lang", "paper_lang", default=None, metavar="LANGUE",
        help="La langue de la version papier (défaut : la première langue du service).")
@instance_option(exists=False)
def paper_command(file: str, output: str | None, url: str | None, paper_lang: str | None,
                  instance: str | None) -> None:
    """Écrire la version papier d'un service : chaque question, les conditions en mots, l'aide, un QR code."""
    try:
        service = load_service(file)
    except ServiceFileError as error:
        raise click.ClickException(error.format(message_lang())) from None
    if paper_lang is not None and paper_lang not in service.languages:
        raise click.ClickException(render("paper.language", message_lang(), asked=paper_lang,
                                          languages=", ".join(service.languages)))
    if url is not None and not re.match(r"https?://\S+$", url):
        raise click.ClickException(render("paper.url", message_lang(), service=service.id))
    target = Path(output or f"{service.id}-papier.pdf")
    document = _write(service, paper_lang or service.default_language, url, instance, target.suffix)
    try:
        target.write_bytes(document)
    except OSError as error:  # the system's words would be English: its code is not
        raise click.ClickException(render("paper.unwritable", message_lang(), path=target,
                                          reason=errno.errorcode.get(error.errno, error.errno))) from None
    click.echo(render("paper.written", message_lang(), path=target), err=True)


def _write(service, lang: str, url: str | None, instance: str | None, suffix: str) -> bytes:
    """The PDF, or the HTML page for a ``.html`` file, made in an application of ``instance``."""
    from builder.addresses import external_url, only_here
    from builder.paper import paper_of
    from builder.paper.pdf import paper_page, paper_pdf

    app = instance_app(instance)
    with app.test_request_context("/"):
        address = url or external_url("site.start", service_id=service.id)
        if only_here(address):
            click.echo(render("paper.only_here", message_lang(), url=address), err=True)
        paper = paper_of(service, lang, address)
        if suffix.lower() in (".html", ".htm"):
            return paper_page(paper).encode("utf-8")
        return paper_pdf(paper)
