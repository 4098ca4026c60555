"""Identifiers the editor makes up: slugs for steps and outcomes, snake_case for questions.

Steps, questions, computed values and outcomes share one namespace in a service file
(the loader refuses the same id twice), so every new id is made unique against all of
them, the ids that ``use:`` entries bring included.
"""

from __future__ import annotations

from typing import Any, Iterable

from blocks.library import expand_use
from builder.messages import Problem
from builder.slugs import MAX_LENGTH, shorten, slugify, words  # noqa: F401  (slugify: for the editor)

MAX_ID_LENGTH = MAX_LENGTH
# Words that carry no meaning in an id made from a question (« Quelle est votre date de
# naissance ? » gives date_naissance).
STOP_WORDS = frozenset("""
a à au aux avec ce ces cet cette combien comment d de des du elle en est et etes êtes
il ils je l la le les leur leurs ma mes mon ne nous on ou où par pas pour qu que quel
quelle quelles quels qui quoi sa se ses son sont sur t ta tes ton tu un une vos votre
vous y avez as ai
""".split())


def question_id(label: str, default: str = "question") -> str:
    """A snake_case id from a question, its small words left out:
    « Quelle est votre date de naissance ? » → ``date_naissance``."""
    parts = [word for word in words(label) if word not in STOP_WORDS] or words(label)
    if not parts:
        return default
    text = shorten(parts[:3], "_", MAX_ID_LENGTH)
    return text if text[0].isalpha() else f"q_{text}"


def unique(base: str, taken: Iterable[str], separator: str = "-") -> str:
    """``base``, or ``base-2``, ``base-3``… the first one not in ``taken``."""
    taken = set(taken)
    if base not in taken:
        return base
    number = 2
    while f"{base}{separator}{number}" in taken:
        number += 1
    return f"{base}{separator}{number}"


def use_ids(entry: dict) -> list[str]:
    """The question ids a ``use:`` entry brings (none when the entry is wrong)."""
    try:
        return [block["id"] for block in expand_use(entry)]
    except (Problem, KeyError, TypeError):
        return []


def entry_ids(entry: Any) -> list[str]:
    """The ids of one entry of a step's ``blocks``: its own, or those ``use:`` brings."""
    if not isinstance(entry, dict):
        return []
    if "use" in entry:
        return use_ids(entry)
    return [entry["id"]] if isinstance(entry.get("id"), str) else []


def taken_ids(data: dict) -> set[str]:
    """Every id in use: steps, questions and content blocks, computed values, outcomes."""
    taken: set[str] = set()
    for step in _dicts(data.get("steps")):
        if isinstance(step.get("id"), str):
            taken.add(step["id"])
        for entry in _dicts(step.get("blocks")):
            taken.update(entry_ids(entry))
    computed = data.get("computed")
    taken.update(name for name in (computed if isinstance(computed, dict) else {}))
    taken.update(o["id"] for o in _dicts(data.get("outcomes")) if isinstance(o.get("id"), str))
    return taken


def _dicts(value: Any) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []
