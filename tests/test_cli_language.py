"""The command line speaks one language from start to end, click's own words included.

French by default, English with ``--lang en`` (or ``TREMPLIN_LANG=en``). Each check runs
``tremplin`` in a process of its own, as a person does; the catalogue checks say which
text to translate when one is missing (docs/translations.md).
"""

from __future__ import annotations

import inspect
import re
import string
import subprocess
import sys
from pathlib import Path

import click
import pytest
from babel.messages.frontend import CommandLineInterface
from test_i18n import catalog_pairs, read_catalog

from builder.cli import main
from builder.cli_common import Argument, Command, Group, Option

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "builder" / "translations"
FRENCH_CLICK = TRANSLATIONS / "fr" / "LC_MESSAGES" / "cli.po"
ENGLISH_HELP = TRANSLATIONS / "en" / "LC_MESSAGES" / "cli.po"
COMMANDS = sorted(main.commands)
# click's English words a French help page or error must not show.
CLICK_ENGLISH = re.compile(r"Usage|Show this message|Options:|Commands:|\[default:|Error|Try |"
                           r"\b(TEXT|INTEGER|DIRECTORY|FILE|PATH|COMMAND|ARGS)\b")
FRENCH_LETTERS = re.compile("[àâçéèêëîïôûùœÉÈÀ«»]")


def tremplin(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``tremplin ARGS`` in a new process, with a neutral locale."""
    environment = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", **(env or {})}
    return subprocess.run([sys.executable, "-m", "builder.cli", *args], capture_output=True, text=True,
                          cwd=ROOT, env=environment, timeout=120)


def output(result: subprocess.CompletedProcess) -> str:
    return result.stdout + result.stderr


@pytest.mark.parametrize("command", [[], *([name] for name in COMMANDS)], ids=lambda c: c[0] if c else "tremplin")
def test_every_help_page_is_wholly_french_by_default(command):
    page = tremplin(*command, "--help").stdout
    assert page.startswith("Utilisation : ") and "Afficher cette aide et quitter." in page
    assert "Options :" in page
    assert not CLICK_ENGLISH.search(page), page


@pytest.mark.parametrize("command", [[], *([name] for name in COMMANDS)], ids=lambda c: c[0] if c else "tremplin")
def test_every_help_page_is_wholly_english_with_lang_en(command):
    page = tremplin("--lang", "en", *command, "--help").stdout
    assert page.startswith("Usage: ") and "Show this message and exit." in page
    assert not FRENCH_LETTERS.search(page), page
    assert "Dossier" not in page and "Langue" not in page and "Fichier" not in page


def test_the_group_lists_its_commands_in_each_language():
    assert "Commandes :" in tremplin("--help").stdout
    english = tremplin("--lang", "en", "--help").stdout
    assert "Commands:" in english and "Start Tremplin: the studio and every published service." in english


def test_tremplin_lang_in_the_environment_chooses_english():
    page = tremplin("run", "--help", env={"TREMPLIN_LANG": "en"}).stdout
    assert "Port to listen on." in page and "[default: 5000]" in page


def test_usage_errors_are_in_french():
    missing = output(tremplin("validate"))
    assert "Erreur : Argument manquant 'FICHIERS...'." in missing
    assert "Essayez « python -m builder.cli validate --help » pour l'aide." in missing
    assert "« abc » n'est pas un nombre valide." in output(tremplin("run", "--port", "abc"))
    assert "Commande inconnue : « lancer »." in output(tremplin("lancer"))
    assert "« /nulle/part » n'existe pas." in output(tremplin("purge", "--instance", "/nulle/part"))
    assert "Valeur incorrecte pour '--lang' : « de » n'est pas possible" in output(tremplin("--lang", "de", "test"))


def test_usage_errors_are_in_english_with_lang_en():
    missing = output(tremplin("--lang", "en", "validate"))
    assert "Error: Missing argument 'FILES...'." in missing
    assert "Try 'python -m builder.cli validate --help' for help." in missing
    assert "'abc' is not a valid integer." in output(tremplin("--lang=en", "run", "--port", "abc"))
    assert "does not exist" in output(tremplin("--lang", "en", "purge", "--instance", "/nulle/part"))


def test_tremplins_own_messages_follow_the_language(tmp_path):
    answers = ["evaluate", str(ROOT / "examples" / "avis.yaml"), "--answers", "[1, 2]"]
    assert "les réponses doivent être un objet" in output(tremplin(*answers))
    assert "the answers must be a mapping" in output(tremplin("--lang", "en", *answers))
    settings = {"TREMPLIN_INSTANCE_PATH": str(tmp_path)}
    assert "MAIL_SERVER n'est pas réglé" in tremplin("mail-retry", env=settings).stdout
    assert "MAIL_SERVER is not set" in tremplin("--lang", "en", "mail-retry", env=settings).stdout


def test_the_export_option_lang_is_not_the_language_of_the_command_line():
    page = tremplin("export", "--lang", "en", "--help").stdout
    assert page.startswith("Utilisation : ")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_tremplin_test_ends_with_the_same_line_in_every_language(lang):
    result = tremplin("--lang", lang, "test", str(ROOT / "examples" / "avis.yaml"))
    assert re.fullmatch(r"\d+ passed, 0 failed", result.stdout.strip().splitlines()[-1])


# The catalogues.

def help_texts(command: click.Command):
    """Every help text and metavar of ``command`` and its subcommands, as click shows them."""
    assert isinstance(command, (Command, Group)), f"{command.name}: declare it with cls=Command"
    for text in (command._help, command._options_metavar, getattr(command, "_subcommand_metavar", None)):
        if text:
            yield inspect.cleandoc(text)
    for param in command.params:
        assert isinstance(param, (Option, Argument)), f"{command.name} {param.name}: use cli_common's option()"
        for text in (getattr(param, "_help", None), param._metavar):
            if text:
                yield inspect.cleandoc(text)
    for sub in getattr(command, "commands", {}).values():
        yield from help_texts(sub)


def test_every_help_text_has_its_english():
    english = read_catalog(ENGLISH_HELP)
    clicks_own = {"[OPTIONS]", "COMMAND [ARGS]..."}  # click's own: English already
    missing = sorted({text for text in help_texts(main) if text not in clicks_own
                      and not (english.get(text) and english.get(text).string)})
    assert not missing, ("Add to builder/translations/en/LC_MESSAGES/cli.po, then "
                         "`pybabel compile -D cli -d builder/translations`:\n" + "\n".join(missing))


def test_every_word_of_the_installed_click_has_its_french(tmp_path):
    pot = tmp_path / "click.pot"
    CommandLineInterface().run(["pybabel", "-q", "extract", "-o", str(pot), str(Path(click.__file__).parent)])
    french = read_catalog(FRENCH_CLICK)
    missing = []
    for message in read_catalog(pot):
        translation = french.get(message.id) if message.id else True
        if translation is None or (translation is not True and not all(
                translation.string if isinstance(translation.string, tuple) else (translation.string,))):
            missing.append(repr(message.id))
    assert not missing, (f"click {click.__version__} has words builder/translations/fr/LC_MESSAGES/cli.po "
                         "lacks (docs/translations.md):\n" + "\n".join(missing))


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("path", [FRENCH_CLICK, ENGLISH_HELP], ids=["fr", "en"])
def test_translations_ask_only_for_values_click_gives(path):
    for message in read_catalog(path):
        if not message.id or "python-brace-format" not in message.flags:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        given = set().union(*(fields(text) for text in ids))
        for text in strings:
            assert fields(text) <= given, (message.id, text)


@pytest.mark.parametrize("path", [FRENCH_CLICK, ENGLISH_HELP], ids=["fr", "en"])
def test_the_compiled_catalogues_match_their_po_files(path):
    assert catalog_pairs(read_catalog(path.with_suffix(".mo"))) == catalog_pairs(read_catalog(path)), "Run `pybabel compile -D cli -d builder/translations` (docs/translations.md)."
