"""Pure edits of a service's data, as the studio's buttons make them.

Every function takes the service's data (plain dicts and lists, as
:class:`~builder.editing.document.ServiceDocument` holds them) and returns NEW data, never
changing what it was given. A request that cannot be done (a step that does not exist, an
id already taken, a position out of range…) raises a
:class:`~builder.messages.Problem` with a French message; anything else is allowed, even
when it leaves the service with problems, and :func:`validate` says where they are.

Steps and outcomes are named by their ``id``, personas by their index in ``tests``,
blocks by their key (:func:`~builder.editing.locate.block_key`: a block's ``id``, or
``use:NAME…`` for a reusable block). Deleting returns an *undo token*, a small JSON-able
dict, and :func:`undo` puts back exactly what was deleted. Renaming a question or an
outcome renames its uses in conditions, computed values and personas. Positions count
from 0.
"""

from __future__ import annotations

import copy
from typing import Any, Mapping

from builder.editing.block_operations import (
    add_block,
    add_copies,
    add_library_block,
    change_block_type,
    delete_block,
    duplicate_block,
    move_block,
    step_questions,
    update_block,
)
from builder.editing.edits import (
    apply_fields,
    check_ids_free,
    check_new_id,
    ensure_list,
    make_token,
    read_token,
    step_blocks,
)
from builder.editing.ids import entry_ids, slugify, taken_ids, unique
from builder.editing.locate import (
    as_list,
    check_persona,
    check_position,
    find_outcome,
    find_step,
    is_blank,
)
from builder.editing.references import rename_outcome
from builder.editing.validation import Located, validate
from builder.format.spec import OUTCOME, PERSONA, SERVICE, SLUG, STEP
from builder.messages import Problem, register

__all__ = [
    "Located", "validate", "add_step", "rename_step", "update_step", "move_step", "delete_step",
    "add_block", "add_library_block", "add_copies", "step_questions", "update_block", "change_block_type", "move_block",
    "duplicate_block", "delete_block", "add_outcome", "update_outcome", "move_outcome",
    "delete_outcome", "add_persona", "update_persona", "delete_persona", "update_service", "undo",
]

register({
    "editing.last_step": ("Un service a au moins une étape : ajoutez-en une autre avant de supprimer celle-ci.",
                          "A service has at least one step: add another one before deleting this one."),
})


# --- steps ------------------------------------------------------------------------------

def add_step(data: dict, title: str, after: str | None = None) -> tuple[dict, str]:
    """Add an empty step titled ``title`` after the step ``after`` (at the end when None);
    its id is made from the title (« Votre situation » → ``votre-situation``)."""
    data = copy.deepcopy(data)
    steps = ensure_list(data, "steps")
    step_id = unique(slugify(title or ""), taken_ids(data))
    step = {"id": step_id, **({"title": title.strip()} if not is_blank(title) else {}), "blocks": []}
    steps.insert(len(steps) if after is None else find_step(data, after) + 1, step)
    return data, step_id


def rename_step(data: dict, step_id: str, title: str) -> dict:
    """Give the step a new title (its id stays: it is in addresses and exports)."""
    return update_step(data, step_id, {"title": title})


def update_step(data: dict, step_id: str, fields: Mapping[str, Any]) -> dict:
    """Change a step's ``title``, ``show_if`` or ``id``; None or "" removes an optional one."""
    data = copy.deepcopy(data)
    index = find_step(data, step_id)
    fields = dict(fields)
    fields.pop("blocks", None)
    new_id = fields.get("id", step_id)
    if new_id != step_id:
        check_new_id(data, new_id, SLUG, "expected_slug")
    data["steps"][index] = apply_fields(data["steps"][index], fields, STEP)
    return data


def move_step(data: dict, step_id: str, new_index: int) -> dict:
    """Move the step to position ``new_index`` (from 0)."""
    data = copy.deepcopy(data)
    steps = data["steps"]
    step = steps.pop(find_step(data, step_id))
    steps.insert(check_position(new_index, len(steps) + 1), step)
    return data


def delete_step(data: dict, step_id: str) -> tuple[dict, dict]:
    """Delete the step and its blocks; returns the data and an undo token."""
    data = copy.deepcopy(data)
    index = find_step(data, step_id)
    if len(data["steps"]) == 1:
        raise Problem("editing.last_step")
    step = data["steps"].pop(index)
    return data, make_token("step", index, step)


# --- outcomes ---------------------------------------------------------------------------

def add_outcome(data: dict, title: str, after: str | None = None) -> tuple[dict, str]:
    """Add an outcome titled ``title`` (after ``after``, at the end when None). It has no
    condition yet: :func:`validate` asks for one."""
    data = copy.deepcopy(data)
    outcomes = ensure_list(data, "outcomes")
    outcome_id = unique(slugify(title or "", "resultat"), taken_ids(data))
    position = len(outcomes) if after is None else find_outcome(data, after) + 1
    outcomes.insert(position, {"id": outcome_id, "title": title})
    return data, outcome_id


def update_outcome(data: dict, outcome_id: str, fields: Mapping[str, Any]) -> dict:
    """Change an outcome's fields (``title``, ``when``, ``body``, ``amount``, ``links``,
    ``source``, ``id``); a new id is renamed in the personas that expect it."""
    data = copy.deepcopy(data)
    index = find_outcome(data, outcome_id)
    new_id = fields.get("id", outcome_id)
    if new_id != outcome_id:
        check_new_id(data, new_id, SLUG, "expected_slug")
        rename_outcome(data, outcome_id, new_id)
    data["outcomes"][index] = apply_fields(data["outcomes"][index], fields, OUTCOME)
    return data


def move_outcome(data: dict, outcome_id: str, new_index: int) -> dict:
    """Move the outcome to position ``new_index`` (from 0)."""
    data = copy.deepcopy(data)
    outcomes = data["outcomes"]
    outcome = outcomes.pop(find_outcome(data, outcome_id))
    outcomes.insert(check_position(new_index, len(outcomes) + 1), outcome)
    return data


def delete_outcome(data: dict, outcome_id: str) -> tuple[dict, dict]:
    """Delete the outcome; returns the data and an undo token."""
    data = copy.deepcopy(data)
    index = find_outcome(data, outcome_id)
    return data, make_token("outcome", index, data["outcomes"].pop(index))


# --- personas ---------------------------------------------------------------------------

def add_persona(data: dict, name: str, answers: Mapping[str, Any] | None = None,
                expect: list[str] | None = None, today: Any = None) -> tuple[dict, int]:
    """Add a persona (an example the service checks itself against); returns its index."""
    data = copy.deepcopy(data)
    persona = {"name": name, "answers": dict(answers or {}), "expect": list(expect or [])}
    if today is not None:
        persona["today"] = today
    personas = ensure_list(data, "tests")
    personas.append(persona)
    return data, len(personas) - 1


def update_persona(data: dict, index: int, fields: Mapping[str, Any]) -> dict:
    """Change a persona's ``name``, ``answers``, ``expect`` or ``today``."""
    data = copy.deepcopy(data)
    check_persona(data, index)
    data["tests"][index] = apply_fields(data["tests"][index], fields, PERSONA)
    return data


def delete_persona(data: dict, index: int) -> tuple[dict, dict]:
    """Delete the persona; returns the data and an undo token."""
    data = copy.deepcopy(data)
    check_persona(data, index)
    return data, make_token("persona", index, data["tests"].pop(index))


# --- the service itself and undo ----------------------------------------------------------

def update_service(data: dict, fields: Mapping[str, Any]) -> dict:
    """Change top-level fields (``title``, ``summary``, ``help``, ``settings``…); steps,
    outcomes and personas have their own functions."""
    data = copy.deepcopy(data)
    fields = {key: value for key, value in fields.items() if key not in ("steps", "outcomes", "tests")}
    if "id" in fields and fields["id"] != data.get("id") and not SLUG.match(str(fields["id"])):
        raise Problem("expected_slug", ("id",), value=fields["id"])
    return apply_fields(data, fields, SERVICE)


def undo(data: dict, token: Mapping[str, Any]) -> dict:
    """Put back what a delete removed, where it was. A Problem when it no longer can be:
    the step of a deleted block is gone, or an id it brings back is now used elsewhere."""
    data = copy.deepcopy(data)
    kind, index, item = read_token(token)
    if kind == "block":
        target = step_blocks(data, str(token.get("step")))
    else:
        target = ensure_list(data, {"step": "steps", "outcome": "outcomes", "persona": "tests"}[kind])
    check_ids_free(data, _ids_of(kind, item))
    target.insert(min(index, len(target)), item)
    return data


# --- helpers ----------------------------------------------------------------------------

def _ids_of(kind: str, item: Any) -> list[str]:
    """The ids that undoing a delete brings back (a step: its own and its blocks')."""
    if kind in ("block", "persona") or not isinstance(item, dict):
        return entry_ids(item) if kind == "block" else []
    own = [item["id"]] if isinstance(item.get("id"), str) else []
    if kind == "step":
        own += [identifier for entry in as_list(item.get("blocks")) for identifier in entry_ids(entry)]
    return own
