"""Finding things in a service's data, and naming where they are.

Steps and outcomes are found by their id, personas by their index in ``tests``. Each
entry of a step's ``blocks`` has a *key* (:func:`block_key`): a block's own ``id``; for a
``use:`` entry ``use:NAME``, followed by ``:PREFIX`` when it has a prefix and
``[id,id]`` when it keeps only some questions (``use:coordonnees:parent_``,
``use:identite[prenom]``); for an entry without a usable id, ``STEP_ID.INDEX``.
:func:`find_block` also accepts, for a ``use:`` entry, any question id it brings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator

from builder.editing.ids import entry_ids
from builder.messages import Problem, register

register({
    "editing.step_unknown": ("L'étape « {id} » n'existe pas (ou plus).",
                             "The step “{id}” does not exist (any more)."),
    "editing.block_unknown": ("Le bloc « {id} » n'existe pas (ou plus).",
                              "The block “{id}” does not exist (any more)."),
    "editing.outcome_unknown": ("Le résultat « {id} » n'existe pas (ou plus).",
                                "The outcome “{id}” does not exist (any more)."),
    "editing.persona_unknown": ("L'exemple n° {number} n'existe pas (ou plus).",
                                "Example number {number} does not exist (any more)."),
    "editing.position": ("La place n° {number} n'existe pas : choisissez entre 1 et {count}.",
                         "Position {number} does not exist: choose between 1 and {count}."),
})


@dataclass(frozen=True)
class Where:
    """What a problem or a hint is about, for the editor to show it next to that thing.

    ``section`` is the top-level key (``steps``, ``outcomes``, ``tests``, ``help``…, or
    ``""`` for the whole file); ``step_id``, ``block_id`` (a :func:`block_key`),
    ``outcome_id`` and ``persona`` (an index in ``tests``) say which item; ``field`` the
    key inside it (``label``, ``options``, ``show_if``, ``when``…); ``path`` the exact
    place in the data."""

    section: str
    step_id: str | None = None
    block_id: str | None = None
    outcome_id: str | None = None
    persona: int | None = None
    field: str | None = None
    path: tuple = ()


def is_blank(value: Any) -> bool:
    """None or a blank text: what a cleared form field gives."""
    return value is None or (isinstance(value, str) and not value.strip())


def as_list(value: Any) -> list:
    """``value`` when it is a list, else an empty list (for data still being fixed)."""
    return value if isinstance(value, list) else []


def block_key(entry: Any, step_id: str | None = None, index: int | None = None) -> str:
    """The key of one entry of a step's ``blocks`` (see the module's docstring)."""
    if isinstance(entry, dict) and isinstance(entry.get("use"), str):
        key = f"use:{entry['use']}"
        if entry.get("prefix"):
            key += f":{entry['prefix']}"
        if isinstance(entry.get("only"), list):
            key += "[" + ",".join(str(item) for item in entry["only"]) + "]"
        return key
    if isinstance(entry, dict) and isinstance(entry.get("id"), str) and entry["id"]:
        return entry["id"]
    return f"{step_id}.{index}"


def entries(data: dict) -> Iterator[tuple[int, int, str, Any]]:
    """``(step_index, block_index, key, entry)`` for every entry of every step."""
    for step_index, step in enumerate(as_list(data.get("steps"))):
        if not isinstance(step, dict):
            continue
        for block_index, entry in enumerate(as_list(step.get("blocks"))):
            yield step_index, block_index, block_key(entry, step.get("id"), block_index), entry


def find_step(data: dict, step_id: str) -> int:
    """The index of the step ``step_id``; a Problem when there is none."""
    for index, step in enumerate(as_list(data.get("steps"))):
        if isinstance(step, dict) and step.get("id") == step_id:
            return index
    raise Problem("editing.step_unknown", id=step_id)


def step_of(data: dict, step_id: str) -> dict:
    """The step ``step_id`` itself; a Problem when there is none (or no ``steps`` at all)."""
    return as_list(data.get("steps"))[find_step(data, step_id)]


def find_block(data: dict, key: str) -> tuple[int, int]:
    """``(step_index, block_index)`` of the entry ``key`` (or of the ``use:`` entry that
    brings the question ``key``); a Problem when there is none."""
    found = list(entries(data))
    for step_index, block_index, entry_key, _ in found:
        if entry_key == key:
            return step_index, block_index
    for step_index, block_index, _, entry in found:
        if isinstance(entry, dict) and "use" in entry and key in entry_ids(entry):
            return step_index, block_index
    raise Problem("editing.block_unknown", id=key)


def find_outcome(data: dict, outcome_id: str) -> int:
    """The index of the outcome ``outcome_id``; a Problem when there is none."""
    for index, outcome in enumerate(as_list(data.get("outcomes"))):
        if isinstance(outcome, dict) and outcome.get("id") == outcome_id:
            return index
    raise Problem("editing.outcome_unknown", id=outcome_id)


def outcome_of(data: dict, outcome_id: str) -> dict:
    """The outcome ``outcome_id`` itself; a Problem when there is none (or no ``outcomes``)."""
    return as_list(data.get("outcomes"))[find_outcome(data, outcome_id)]


def check_persona(data: dict, index: int) -> int:
    """``index`` when ``tests`` has a persona there; a Problem otherwise."""
    personas = as_list(data.get("tests"))
    if not (isinstance(index, int) and 0 <= index < len(personas)):
        raise Problem("editing.persona_unknown", number=index + 1 if isinstance(index, int) else index)
    return index


def check_position(index: Any, count: int) -> int:
    """``index`` when ``0 <= index < count``; a Problem (counting from 1) otherwise."""
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < count:
        shown = index + 1 if isinstance(index, int) and not isinstance(index, bool) else index
        raise Problem("editing.position", number=shown, count=count)
    return index


def set_key(mapping: dict, key: str, value: Any, order: tuple | list) -> dict:
    """A copy of ``mapping`` with ``key`` set: in place when it is there, else inserted
    where ``order`` (the canonical order of keys) puts it among the keys present."""
    if key in mapping:
        return {**mapping, key: value}
    rank = {name: position for position, name in enumerate(order)}
    target = rank.get(key, len(order))
    items = list(mapping.items())
    position = next((i for i, (name, _) in enumerate(items) if rank.get(name, len(order)) > target),
                    len(items))
    items.insert(position, (key, value))
    return dict(items)


def _item(container: Any, index: Any) -> Any:
    if isinstance(container, list) and isinstance(index, int) and 0 <= index < len(container):
        return container[index]
    return None


def _first(parts: tuple) -> str | None:
    return str(parts[0]) if parts else None


def _text_id(item: Any) -> str | None:
    value = item.get("id") if isinstance(item, dict) else None
    return value if isinstance(value, str) else None


def where_of(data: dict, path: tuple) -> Where:
    """The :class:`Where` of a path in the data (a problem's ``path``)."""
    path = tuple(path)
    if not path:
        return Where("")
    section, rest = str(path[0]), path[1:]
    items = data.get(section)
    if not (rest and isinstance(rest[0], int) and isinstance(items, list)):
        return Where(section, field=_first(rest), path=path)
    item = _item(items, rest[0])
    if section == "steps":
        return _where_in_step(item, rest[0], rest[1:], path)
    if section == "outcomes":
        return Where(section, outcome_id=_text_id(item), field=_first(rest[1:]), path=path)
    if section == "tests":
        return Where(section, persona=rest[0], field=_first(rest[1:]), path=path)
    return Where(section, field=_first(rest[1:]), path=path)


def _where_in_step(step: Any, index: int, rest: tuple, path: tuple) -> Where:
    step_id = _text_id(step)
    if len(rest) >= 2 and rest[0] == "blocks" and isinstance(rest[1], int) and isinstance(step, dict):
        entry = _item(step.get("blocks"), rest[1])
        key = block_key(entry, step_id, rest[1])
        return Where("steps", step_id, key, field=str(rest[2]) if len(rest) > 2 else None, path=path)
    return Where("steps", step_id, field=str(rest[0]) if rest else None, path=path)


def anchor(kind: str, key: Any) -> str:
    """An HTML id for a step, block, outcome or persona (« bloc-date-naissance »)."""
    return f"{kind}-" + re.sub(r"[^a-z0-9_-]+", "-", str(key).lower()).strip("-")
