"""The stand-in texts the studio writes for a person to replace, and finding them.

A new service opens with a presentation to rewrite (« Expliquez en une ou deux phrases… »),
a step « Première étape » and a question « Nouvelle question »; a block added from the
palette says « Nouvelle question » or « Écrivez ici le texte à lire. ». These texts read
like real ones, so a service that still has one is not finished: the checklist
(:mod:`builder.editing.checklist`) refuses to publish it, and names where each one is.
"""

from __future__ import annotations

from typing import Any, Iterator

from builder.editing.block_operations import NEW_OPTIONS, NEW_QUESTION, NEW_TEXT
from builder.editing.locate import as_list
from builder.editing.plain_language import text_places
from builder.messages import register, render

register({
    "editing.new_service_title": ("Nouveau service", "New service"),
    "editing.new_step_title": ("Nouvelle étape", "New step"),
})

BLANK_SUMMARY = "Expliquez en une ou deux phrases à quoi sert ce service et pour qui."
FIRST_STEP = "Première étape"

# A new blank service: {id} and {title} are filled in (the title is quoted by the caller).
BLANK_SERVICE = f"""\
tremplin: 1
id: {{id}}
title: {{title}}
summary: {BLANK_SUMMARY}
help:
  text: Une question ? Nous vous répondons.
steps:
  - id: etape-1
    title: {FIRST_STEP}
    blocks:
      - type: text
        id: question_1
        label: {NEW_QUESTION}
"""


def new_step_title(lang: str = "fr") -> str:
    """The title of a step added without one."""
    return render("editing.new_step_title", lang)


def new_service_title(lang: str = "fr") -> str:
    """The title of a new service created without one."""
    return render("editing.new_service_title", lang)


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


PLACEHOLDERS = frozenset(_folded(text) for text in (
    BLANK_SUMMARY, FIRST_STEP, NEW_QUESTION, NEW_TEXT, *NEW_OPTIONS,
    *(render(code, lang) for code in ("editing.new_service_title", "editing.new_step_title")
      for lang in ("fr", "en"))))


def is_placeholder(value: Any) -> bool:
    """Whether a text (one string, or one per language) is a stand-in in any language."""
    if isinstance(value, dict):
        return any(is_placeholder(text) for text in value.values())
    return isinstance(value, str) and _folded(value) in PLACEHOLDERS


def placeholders(data: dict) -> Iterator[tuple[tuple, str]]:
    """``(path, text)`` of each stand-in text still in the service: the texts a person
    reads, then the answers of a choice written as plain texts."""
    for path, value in text_places(data):
        if is_placeholder(value):
            yield path, _shown(value)
    for step_index, step in enumerate(as_list(data.get("steps"))):
        for block_index, block in enumerate(as_list(step.get("blocks") if isinstance(step, dict) else None)):
            options = block.get("options") if isinstance(block, dict) else None
            for option_index, option in enumerate(as_list(options)):
                if isinstance(option, str) and is_placeholder(option):
                    yield ("steps", step_index, "blocks", block_index, "options", option_index), option


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return next((text for text in value.values() if is_placeholder(text)), "")
    return str(value)
