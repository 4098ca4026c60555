"""What every ``tremplin`` command shares: one language, and the instance it works on.

The command line speaks one language from start to end, click's own words included.
click writes its words ("Usage:", "Show this message and exit.", "Error: Invalid
value…") through :mod:`gettext`; Tremplin's help texts are written in French. Both go
through the ``cli`` catalogues of ``builder/translations`` (docs/translations.md):
``fr/LC_MESSAGES/cli.po`` gives click's words in French, ``en/LC_MESSAGES/cli.po`` the
English of Tremplin's help. Commands and options declared with :class:`Command`,
:func:`option` and :func:`argument` read their help and metavar through them.

The language is ``tremplin --lang``, else ``TREMPLIN_LANG``, else French. It is chosen
before click reads the arguments (:meth:`Group.main`), since click writes some of its
words while reading them.
"""

from __future__ import annotations

import gettext
import inspect
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

import click

if TYPE_CHECKING:
    from flask import Flask

DOMAIN = "cli"
TRANSLATIONS = Path(__file__).resolve().parent / "translations"
LANGUAGES = ("fr", "en")


def default_language() -> str:
    """``TREMPLIN_LANG`` when set, else French."""
    return os.environ.get("TREMPLIN_LANG") or LANGUAGES[0]


def asked_language(args: Sequence[str]) -> str:
    """The language ``--lang`` asks for among the group's own options (before the
    command's name: ``tremplin export --lang en`` is the language of the export)."""
    args = list(args)
    for index, arg in enumerate(args):
        if not arg.startswith("-"):
            break
        if arg.startswith("--lang="):
            return arg.partition("=")[2]
        if arg == "--lang" and index + 1 < len(args):
            return args[index + 1]
    return default_language()


def use_language(lang: str) -> None:
    """Make click and the help texts speak ``lang`` in this process.

    ``LANGUAGE`` is gettext's first choice and is read at each lookup; a language
    without a catalogue (English for click) keeps the words as written.
    """
    os.environ["LANGUAGE"] = lang if lang in LANGUAGES else LANGUAGES[0]
    gettext.bindtextdomain(DOMAIN, str(TRANSLATIONS))
    gettext.textdomain(DOMAIN)


def translate(text: str | None) -> str | None:
    """``text`` in the language in use (unchanged when the catalogue lacks it)."""
    return gettext.dgettext(DOMAIN, inspect.cleandoc(text)) if text else text


def message_lang() -> str:
    """The language of Tremplin's own messages: that of ``tremplin --lang``."""
    obj = click.get_current_context().find_root().obj
    return obj if obj in LANGUAGES else LANGUAGES[0]


def _translated(attribute: str) -> property:
    """An attribute click sets once and reads whenever it writes: kept as written (in
    ``_<attribute>``), read in the language in use."""
    private = "_" + attribute
    return property(lambda self: translate(getattr(self, private)),
                    lambda self, value: setattr(self, private, value))


class _TranslatedHelp:
    """``help`` and ``metavar`` are read in the language in use, whenever click asks."""

    help = _translated("help")
    metavar = _translated("metavar")


class _TranslatedUsage(_TranslatedHelp):
    """The usage line's words ("[OPTIONS]", "COMMAND [ARGS]...") follow the language too:
    click keeps them as attributes, outside gettext."""

    options_metavar = _translated("options_metavar")
    subcommand_metavar = _translated("subcommand_metavar")


class Option(_TranslatedHelp, click.Option):
    """An option whose help and metavar follow the language."""


class Argument(_TranslatedHelp, click.Argument):
    """An argument whose metavar follows the language."""


class Command(_TranslatedUsage, click.Command):
    """A command whose help (its docstring) follows the language."""


class Group(_TranslatedUsage, click.Group):
    """The ``tremplin`` group: its commands are :class:`Command`, and it chooses the
    language before reading the arguments."""

    command_class = Command

    def main(self, args: Sequence[str] | None = None, *rest: Any, **extra: Any) -> Any:
        """Choose the language (see the module docstring), then run as click does."""
        args = sys.argv[1:] if args is None else list(args)
        use_language(asked_language(args))
        return super().main(args, *rest, **extra)


def option(*declarations: str, **attributes: Any):
    """``click.option`` with help and metavar in the language in use."""
    return click.option(*declarations, cls=Option, **attributes)


def argument(*declarations: str, **attributes: Any):
    """``click.argument`` with a metavar in the language in use."""
    return click.argument(*declarations, cls=Argument, **attributes)


def instance_option(exists: bool = True):
    """``--instance DOSSIER``: the instance folder a command works on (its database,
    its settings), else that of ``TREMPLIN_INSTANCE_PATH``, else ``instance/``."""
    return option("--instance", type=click.Path(file_okay=False, exists=exists), default=None,
                  metavar="DOSSIER",
                  help="Dossier de l'instance : sa base de données et ses réglages "
                       "(défaut : TREMPLIN_INSTANCE_PATH, sinon instance/).")


def instance_settings(instance: str | None) -> dict[str, str]:
    """The settings that point ``create_app`` at ``instance`` (none for the default)."""
    return {"INSTANCE_PATH": instance} if instance else {}


def instance_app(instance: str | None, **config: object) -> Flask:
    """The application of ``instance`` (or of the environment) for a command that ends.

    It is built as a server would build it, but not frozen (``GC_FREEZE``): freezing pays
    only in a process that serves for long, and a command run in-process (tests, scripts)
    would otherwise keep everything it loaded out of the collector's reach for good.
    """
    from builder.app import create_app  # late: most commands need no application

    return create_app({**instance_settings(instance), "GC_FREEZE": False, **config})


def instance_database(instance: str | None) -> str:
    """The database file of ``instance`` (that of ``tremplin run`` when None)."""
    return instance_app(instance).config["DATABASE"]
