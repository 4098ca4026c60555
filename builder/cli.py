"""The ``tremplin`` command: a thin layer over the Python API.

``validate``, ``evaluate``, ``test`` and ``schema`` work on service files without
any server; ``serve`` and ``run`` start mini-sites (see builder.app).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from builder.format.loader import ServiceFileError, load_service
from builder.format.schema import service_schema
from builder.format.yaml_lines import YamlProblem, read_yaml
from builder.rules.engine import evaluate as evaluate_answers
from builder.rules.personas import run_personas


def _lang() -> str:
    return click.get_current_context().obj or "fr"


@click.group()
@click.option("--lang", type=click.Choice(["fr", "en"]), default=lambda: os.environ.get("TREMPLIN_LANG", "fr"),
              help="Langue des messages (fr ou en).")
@click.pass_context
def main(context: click.Context, lang: str) -> None:
    """Tremplin : construire et faire tourner de petits services publics en ligne."""
    context.obj = lang


def _load(path: str):
    """The service at ``path``, or None after printing its problems to stderr."""
    try:
        return load_service(path)
    except ServiceFileError as error:
        click.echo(error.format(_lang()), err=True)
        return None


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def validate(files: tuple[str, ...]) -> None:
    """Vérifier des fichiers de service : « FICHIER:LIGNE: message » par problème."""
    failed = [path for path in files if _load(path) is None]
    sys.exit(1 if failed else 0)


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
        raise click.BadParameter(problem.message(_lang()), param_hint="--answers") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise click.BadParameter("les réponses doivent être un objet « question: valeur ».", param_hint="--answers")
    return data


@main.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--answers", "answers", required=True,
              help="Réponses : un fichier YAML ou JSON, du YAML/JSON en ligne, ou - pour l'entrée standard.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="La date du jour à utiliser (AAAA-MM-JJ).")
@click.option("--explain", is_flag=True, help="Ajouter l'explication de chaque résultat.")
def evaluate(file: str, answers: str, today: Any, explain: bool) -> None:
    """Évaluer des réponses : résultats, questions manquantes, étapes, erreurs (JSON)."""
    service = _load(file)
    if service is None:
        sys.exit(1)
    result = evaluate_answers(service, _read_answers(answers), today.date() if today else None, _lang())
    output = result.to_json()
    if explain:
        output["explanations"] = {outcome.id: result.explanation(outcome.id) for outcome in service.outcomes}
    click.echo(json.dumps(output, ensure_ascii=False, indent=2))


@main.command("test")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def test_command(files: tuple[str, ...]) -> None:
    """Faire passer les exemples (personas) de chaque fichier ; finit par « N passed, N failed »."""
    passed = failed = 0
    for path in files:
        click.echo(path)
        service = _load(path)
        if service is None:
            failed += 1
            continue
        for result in run_personas(service, _lang()):
            click.echo("\n".join("  " + line for line in result.report(_lang())))
            passed += result.passed
            failed += not result.passed
    click.echo(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


@main.command()
def schema() -> None:
    """Afficher le JSON Schema du format 1 (pour un éditeur avec yaml-language-server)."""
    click.echo(json.dumps(service_schema(), ensure_ascii=False, indent=2))


@main.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--port", default=5000, show_default=True, help="Port d'écoute.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Adresse d'écoute (0.0.0.0 pour l'ouvrir à un téléphone du même réseau).")
def serve(file: str, port: int, host: str) -> None:
    """Servir un seul fichier de service comme mini-site, à l'adresse /."""
    if _load(file) is None:
        sys.exit(1)
    from builder.serving import serve_app
    click.echo(f"Service en ligne : http://{host}:{port}/")
    serve_app(file).run(host=host, port=port, threaded=True)


@main.command()
@click.option("--port", default=5000, show_default=True, help="Port d'écoute.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Adresse d'écoute.")
@click.option("--examples/--no-examples", default=True, show_default=True,
              help="Publier les services d'exemple au démarrage.")
def run(port: int, host: str, examples: bool) -> None:
    """Lancer Tremplin : le studio et tous les services publiés (comme « flask run »)."""
    from builder.serving import EXAMPLES, run_app
    app = run_app(EXAMPLES if examples else None)
    click.echo(f"Tremplin : http://{host}:{port}/")
    app.run(host=host, port=port, threaded=True)


@main.command("mail-retry")
def mail_retry() -> None:
    """Renvoyer les e-mails en attente (serveur de messagerie indisponible auparavant)."""
    from builder import mail
    from builder.app import create_app
    delivery = mail.deliver_pending(create_app())
    if delivery.skipped:
        click.echo("MAIL_SERVER n'est pas réglé : les e-mails attendent dans la boîte d'envoi.")
    click.echo(f"{delivery.sent} envoyés, {delivery.failed} en échec")


def _add_extension_commands() -> None:
    """Commands that live beside their feature (exports/, …) join the ``tremplin`` group."""
    from builder.cli_instance import backup, db_group, publish
    from builder.studio.cli_purge import purge
    from exports.cli import export
    main.add_command(export)
    main.add_command(purge)
    main.add_command(db_group)
    main.add_command(publish)
    main.add_command(backup)


_add_extension_commands()

if __name__ == "__main__":
    main()
