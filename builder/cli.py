"""The ``tremplin`` command: a thin layer over the Python API.

``validate``, ``evaluate``, ``test`` and ``schema`` work on service files without
any server; ``serve`` and ``run`` start mini-sites (see builder.app); ``mail-retry``
(and ``export``, ``purge``, ``db upgrade``, ``publish``, ``backup``, added from beside
their feature) work on an instance. Every command speaks the language chosen with ``--lang`` (builder.cli_common).
"""

from __future__ import annotations

import errno
import json
import sys
from pathlib import Path
from typing import Any

import click

from builder.cli_common import (Group, argument, default_language, instance_app, instance_option,
                                instance_settings, message_lang, option)
from builder.editing.checklist import report_lines, review
from builder.format.loader import ServiceFileError, load_service
from builder.format.schema import service_schema
from builder.format.yaml_lines import YamlProblem, read_yaml
from builder.messages import register, render
from builder.rules.engine import evaluate as evaluate_answers
from builder.rules.personas import run_personas

register({
    "cli.validated": ("{count} fichier(s) vérifié(s) : aucun problème.",
                      "{count} file(s) checked: no problems."),
    "cli.invalid": ("{count} fichier(s) vérifié(s) : {failed} avec des problèmes.",
                    "{count} file(s) checked: {failed} with problems."),
    "cli.answers_not_mapping": ("les réponses doivent être un objet « question: valeur ».",
                                "the answers must be a mapping \"question: value\"."),
    "cli.serving_file": ("Service en ligne : http://{host}:{port}/ (Ctrl+C pour arrêter)",
                         "Service online: http://{host}:{port}/ (Ctrl+C to stop)"),
    "cli.serving_all": ("Tremplin : http://{host}:{port}/ (le studio : http://{host}:{port}/studio/ ; "
                        "Ctrl+C pour arrêter)",
                        "Tremplin: http://{host}:{port}/ (the studio: http://{host}:{port}/studio/; "
                        "Ctrl+C to stop)"),
    "cli.port_taken": ("Impossible d'écouter sur {host}:{port} : le port est déjà pris. Choisissez-en "
                       "un autre : --port 8080.",
                       "Cannot listen on {host}:{port}: the port is taken. Choose another one: --port 8080."),
    "cli.cannot_listen": ("Impossible d'écouter sur {host}:{port} ({reason}). Vérifiez --host, ou choisissez "
                          "un port au-dessus de 1024 : --port 8080.",
                          "Cannot listen on {host}:{port} ({reason}). Check --host, or choose a port above "
                          "1024: --port 8080."),
    "cli.mail_unset": ("MAIL_SERVER n'est pas réglé : les e-mails attendent dans la boîte d'envoi.",
                       "MAIL_SERVER is not set: the mails wait in the outbox."),
    "cli.mail_done": ("{sent} envoyés, {failed} en échec", "{sent} sent, {failed} failed"),
})


@click.group(cls=Group)
@option("--lang", type=click.Choice(["fr", "en"]), default=default_language,
        help="Langue des messages (fr ou en ; défaut : TREMPLIN_LANG, sinon fr).")
@click.pass_context
def main(context: click.Context, lang: str) -> None:
    """Tremplin : construire et faire tourner de petits services publics en ligne."""
    context.obj = lang


def _load(path: str):
    """The service at ``path``, or None after printing its problems to stderr."""
    try:
        return load_service(path)
    except ServiceFileError as error:
        click.echo(error.format(message_lang()), err=True)
        return None


@main.command()
@argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False), metavar="FICHIERS...")
@option("--strict", is_flag=True,
        help="Vérifier aussi ce que la publication refuse (personne à contacter, exemple qui ne passe pas, "
             "texte de départ, coordonnées jamais envoyées) et ce qu'elle signale.")
def validate(files: tuple[str, ...], strict: bool) -> None:
    """Vérifier des fichiers de service : « FICHIER:LIGNE: message » par problème, puis un bilan."""
    failed = [path for path in files if not _valid(path, strict)]
    if failed:
        click.echo(render("cli.invalid", message_lang(), count=len(files), failed=len(failed)))
    else:
        click.echo(render("cli.validated", message_lang(), count=len(files)))
    sys.exit(1 if failed else 0)


def _valid(path: str, strict: bool) -> bool:
    """Whether the file loads and, with ``strict``, could be published (its refusals and
    warnings printed, as the studio's publish page lists them)."""
    service = _load(path)
    if service is None or not strict:
        return service is not None
    result = review(service.data, service, run_personas(service, message_lang()))
    for line in report_lines(result, service.lines, path, message_lang()):
        click.echo(line, err=True)
    return result.publishable


def _read_answers(answers: str) -> Any:
    if answers == "-":
        text = sys.stdin.read()
    elif Path(answers).is_file():
        text = Path(answers).read_text(encoding="utf-8")
    else:
        text = answers
    try:
        data, _ = read_yaml(text) if text.strip() else (None, {})
    except YamlProblem as problem:
        raise click.BadParameter(problem.message(message_lang()), param_hint="--answers") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise click.BadParameter(render("cli.answers_not_mapping", message_lang()), param_hint="--answers")
    return data


@main.command()
@argument("file", type=click.Path(dir_okay=False), metavar="FICHIER")
@option("--answers", "answers", required=True, metavar="RÉPONSES",
        help="Réponses : un fichier YAML ou JSON, du YAML/JSON en ligne, ou - pour l'entrée standard.")
@option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, metavar="AAAA-MM-JJ",
        help="La date du jour à utiliser.")
@option("--explain", is_flag=True, help="Ajouter l'explication de chaque résultat.")
def evaluate(file: str, answers: str, today: Any, explain: bool) -> None:
    """Évaluer des réponses : résultats, questions manquantes, étapes, erreurs (JSON)."""
    service = _load(file)
    if service is None:
        sys.exit(1)
    result = evaluate_answers(service, _read_answers(answers), today.date() if today else None, message_lang())
    output = result.to_json()
    if explain:
        output["explanations"] = {outcome.id: result.explanation(outcome.id) for outcome in service.outcomes}
    click.echo(json.dumps(output, ensure_ascii=False, indent=2))


@main.command("test")
@argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False), metavar="FICHIERS...")
def test_command(files: tuple[str, ...]) -> None:
    """Faire passer les exemples (personas) de chaque fichier ; finit par « N passed, N failed »."""
    passed = failed = 0
    for path in files:
        click.echo(path)
        service = _load(path)
        if service is None:
            failed += 1
            continue
        for result in run_personas(service, message_lang()):
            click.echo("\n".join("  " + line for line in result.report(message_lang())))
            passed += result.passed
            failed += not result.passed
    click.echo(f"{passed} passed, {failed} failed")  # in every language: tools read this line
    sys.exit(1 if failed else 0)


@main.command()
def schema() -> None:
    """Afficher le JSON Schema du format 1 (pour un éditeur avec yaml-language-server)."""
    click.echo(json.dumps(service_schema(), ensure_ascii=False, indent=2))


def _listen(host: str, port: int):
    """The options saying where a server listens."""
    def decorate(command):
        command = option("--host", default=host, show_default=True, metavar="ADRESSE",
                         help="Adresse d'écoute (0.0.0.0 pour l'ouvrir aux autres appareils du réseau, "
                              "un téléphone par exemple).")(command)
        return option("--port", default=port, show_default=True, metavar="PORT",
                      help="Port d'écoute.")(command)
    return decorate


def _serve(app, host: str, port: int, code: str) -> None:
    """Serve ``app`` until Ctrl+C, after saying where (message ``code``)."""
    from builder.serving import listening_server
    try:
        server = listening_server(app, host, port)
    except OSError as error:  # the system's own words would be English: its code is not
        message = "cli.port_taken" if error.errno == errno.EADDRINUSE else "cli.cannot_listen"
        raise click.ClickException(render(message, message_lang(), host=host, port=port,
                                          reason=errno.errorcode.get(error.errno, error.errno))) from None
    click.echo(render(code, message_lang(), host=host, port=port))
    server.serve_forever()


@main.command()
@argument("file", type=click.Path(dir_okay=False), metavar="FICHIER")
@_listen("127.0.0.1", 5000)
@instance_option(exists=False)
def serve(file: str, port: int, host: str, instance: str | None) -> None:
    """Servir un seul fichier de service comme mini-site, à l'adresse /."""
    if _load(file) is None:
        sys.exit(1)
    from builder.serving import serve_app
    _serve(serve_app(file, instance_settings(instance)), host, port, "cli.serving_file")


@main.command()
@_listen("127.0.0.1", 5000)
@option("--examples/--no-examples", default=True, show_default=True,
        help="Publier les services d'exemple au démarrage.")
@instance_option(exists=False)
def run(port: int, host: str, examples: bool, instance: str | None) -> None:
    """Lancer Tremplin : le studio et tous les services publiés."""
    from builder.serving import EXAMPLES, run_app
    _serve(run_app(EXAMPLES if examples else None, instance_settings(instance)), host, port,
           "cli.serving_all")


@main.command("mail-retry")
@instance_option()
def mail_retry(instance: str | None) -> None:
    """Renvoyer les e-mails en attente (serveur de messagerie indisponible auparavant)."""
    from builder import mail
    delivery = mail.deliver_pending(instance_app(instance))
    if delivery.skipped:
        click.echo(render("cli.mail_unset", message_lang()))
    click.echo(render("cli.mail_done", message_lang(), sent=delivery.sent, failed=delivery.failed))


def _add_extension_commands() -> None:
    """Commands that live beside their feature (exports/, …) join the ``tremplin`` group."""
    from builder.cli_deploy import backup, db_group, publish
    from builder.paper.cli import paper_command
    from builder.studio.cli_purge import purge
    from exports.cli import export
    from exports.interop_cli import convert_command, import_command
    main.add_command(export)
    main.add_command(import_command)
    main.add_command(convert_command)
    main.add_command(purge)
    main.add_command(paper_command)
    main.add_command(db_group)
    main.add_command(publish)
    main.add_command(backup)


_add_extension_commands()

if __name__ == "__main__":
    main()
