"""The README, in French (README.md) and in English (README.en.md), stays true to the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from builder.cli import main

ROOT = Path(__file__).resolve().parent.parent
READMES = {"fr": ROOT / "README.md", "en": ROOT / "README.en.md"}
# What a volunteer needs, from nothing to a running studio, and then to serving it for real.
SECTIONS = {
    "fr": ["Démarrer", "Votre premier service en cinq minutes", "Où sont vos données",
           "Le servir pour de vrai", "Sauvegarder", "La ligne de commande"],
    "en": ["Getting started", "Your first service in five minutes", "Where your data lives",
           "Serving it for real", "Backing up", "The command line"],
}


def text(lang: str) -> str:
    return READMES[lang].read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", READMES)
def test_the_readme_has_every_section_a_volunteer_needs(lang):
    headings = re.findall(r"^## (.+)$", text(lang), flags=re.MULTILINE)
    assert headings[:len(SECTIONS[lang])] == SECTIONS[lang]


@pytest.mark.parametrize("lang", READMES)
def test_the_readme_gives_the_two_commands_and_the_port(lang):
    readme = text(lang)
    assert "./scripts/start" in readme and "./scripts/test" in readme
    assert "./scripts/start --port 8080" in readme


@pytest.mark.parametrize("lang", READMES)
def test_the_readme_lists_every_command_and_which_take_instance(lang):
    readme = text(lang)
    for name, command in main.commands.items():
        assert re.search(rf"^tremplin (--lang en )?{name}\b", readme, flags=re.MULTILINE), name
        if any("--instance" in param.opts for param in command.params):
            assert re.search(rf"`{name}`[^\n]*\n?[^\n]*--instance", readme), name


@pytest.mark.parametrize("lang", READMES)
def test_every_file_the_readme_links_to_exists(lang):
    for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", text(lang)):
        assert (ROOT / target).exists(), target
