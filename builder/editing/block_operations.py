"""Pure edits of the blocks of a service's steps (re-exported by
:mod:`builder.editing.operations`, which describes the conventions)."""

from __future__ import annotations

import copy
import re
from typing import Any, Mapping

from blocks import REGISTRY
from blocks.base import BlockType
from blocks.params import ID_PATTERN
from blocks.library import USE_KEYS, library_blocks, library_names
from builder.editing.edits import (
    check_ids_free,
    check_new_id,
    insert_at,
    make_token,
    step_blocks,
)
from builder.editing.conditions import expanded_blocks
from builder.editing.ids import question_id, taken_ids, unique, use_ids
from builder.editing.locate import (
    block_key,
    check_position,
    find_block,
    is_blank,
    set_key,
)
from builder.editing.references import rename_questions
from builder.messages import Problem, Suggestion, register

register({
    "editing.use_copy": (
        "Un bloc réutilisable ne se copie pas tel quel : ses questions auraient les mêmes "
        "identifiants. Ajoutez-le de nouveau, avec un préfixe.",
        "A reusable block cannot be copied as it is: its questions would have the same ids. "
        "Add it again, with a prefix."),
    "editing.use_name": ("Le nom d'un bloc réutilisable ne change pas : supprimez-le et ajoutez l'autre.",
                         "A reusable block's name does not change: delete it and add the other one."),
    "editing.type_here": ("Pour changer le type d'un bloc, utilisez « Changer de type ».",
                          "To change a block's type, use “Change type”."),
    "editing.org_block_empty": ("Ce bloc réutilisable n'a pas de question.", "This reusable block has no question."),
})

NEW_QUESTION = "Nouvelle question"
NEW_TEXT = "Écrivez ici le texte à lire."
NEW_OPTIONS = ("Réponse 1", "Réponse 2")
# What a new block gets for each parameter its type requires, by the parameter's kind (so
# that block types added later get sensible defaults too), then its type's own
# (``BlockType.starter``).
KIND_DEFAULTS: dict[str, Any] = {"text": NEW_QUESTION, "markdown": NEW_TEXT, "options": list(NEW_OPTIONS)}


def new_block(type_name: str) -> dict:
    """A block of type ``type_name`` with the defaults a person starts from, no id yet."""
    block_type = block_type_named(type_name)
    block: dict[str, Any] = {"type": type_name}
    for param in block_type.all_params():
        if param.required and param.kind in KIND_DEFAULTS:
            block[param.name] = copy.deepcopy(KIND_DEFAULTS[param.kind])
    block.update(copy.deepcopy(dict(block_type.starter)))
    return block


def add_block(data: dict, step_id: str, type_name: str, index: int | None = None) -> tuple[dict, str]:
    """Add a new block of type ``type_name`` to the step, at ``index`` (at the end when
    None): a label « Nouvelle question », two answers for a choice…; returns the data and
    the block's id (``nouvelle_question``, ``nouvelle_question_2``…)."""
    data = copy.deepcopy(data)
    block = new_block(type_name)
    block_id = unique(_id_base(block), taken_ids(data), "_")
    block = set_key(block, "id", block_id, block_order(block_type_named(type_name)))
    insert_at(step_blocks(data, step_id), index, block)
    return data, block_id


def add_library_block(data: dict, step_id: str, name: str, index: int | None = None,
                      only: list[str] | None = None, prefix: str | None = None) -> tuple[dict, str]:
    """Add a ``use: NAME`` entry (never expanded) to the step; returns the data and its key.
    A Problem when there is no such reusable block, or when its questions are already in
    the service and no ``prefix`` tells them apart."""
    data = copy.deepcopy(data)
    if name not in library_names():
        raise Problem("library.unknown", name=name, hint=Suggestion.among(name, library_names()))
    entry: dict[str, Any] = {"use": name}
    if only:
        entry["only"] = list(only)
    if prefix:
        entry["prefix"] = prefix
    check_ids_free(data, use_ids(entry), name)
    insert_at(step_blocks(data, step_id), index, entry)
    return data, block_key(entry)


def step_questions(data: dict, step_id: str) -> list[dict]:
    """The blocks of a step as plain blocks (``use:`` entries expanded), copied: what an
    organisation keeps as its own reusable block."""
    return copy.deepcopy([block for entry in step_blocks(data, step_id) for block in expanded_blocks(entry)])


def add_copies(data: dict, step_id: str, blocks: list[dict]) -> tuple[dict, str]:
    """Copies of ``blocks`` (an organisation's reusable block) at the end of the step: each
    id already in the service gets a free one (``prenom_2``), the copies' conditions
    following; returns the data and the first copy's key. Nothing refers to where they
    came from: the service file stands on its own."""
    data = copy.deepcopy(data)
    copies = [dict(block) for block in copy.deepcopy(blocks) if isinstance(block, dict)]
    if not copies:
        raise Problem("editing.org_block_empty")
    taken, mapping = taken_ids(data), {}
    for block in copies:
        if isinstance(block.get("id"), str):
            mapping[block["id"]] = unique(block["id"], taken | set(mapping.values()), "_")
    rename_questions({"steps": [{"blocks": copies}]}, mapping)
    for block in copies:
        if block.get("id") in mapping:
            block["id"] = mapping[block["id"]]
    target = step_blocks(data, step_id)
    target.extend(copies)
    return data, block_key(copies[0])


def update_block(data: dict, block_id: str, params: Mapping[str, Any],
                 published: frozenset[str] | set[str] = frozenset()) -> dict:
    """Set the block's parameters from ``params`` (what a form gave, already converted);
    one set to None or "" is removed when optional. A new ``id`` renames the question
    everywhere it is used. A new label gives the block an id made from it
    (``date_naissance``) while its id is still one made for it (``nouvelle_question_2``,
    ``question_1``, or the id its former label gave) and not one of the ``published`` ids:
    once online, answers are kept under that id, so it stays. For a ``use:`` entry,
    ``only`` and ``prefix`` can change."""
    data = copy.deepcopy(data)
    step_index, index = find_block(data, block_id)
    blocks = data["steps"][step_index]["blocks"]
    old = blocks[index]
    if "use" in old:
        blocks[index] = _update_use(data, old, params)
        return data
    block_type = block_type_named(old.get("type"))
    block = _apply_params(old, params, block_type)
    new_id = _next_id(data, old, block, params, published)
    if new_id != old.get("id"):
        block = set_key(block, "id", new_id, block_order(block_type))
        rename_questions(data, {old.get("id"): new_id})
    blocks[index] = block
    return data


def dropped_by_type_change(block: Mapping, type_name: str) -> list[str]:
    """The parameters of ``block`` that a ``type_name`` block does not declare (what
    :func:`change_block_type` would drop), in the block's order."""
    known = {param.name for param in block_type_named(type_name).all_params()}
    return [key for key in block if key != "type" and key not in known]


def change_block_type(data: dict, block_id: str, type_name: str) -> dict:
    """Turn the block into a ``type_name`` block: the parameters the new type also has are
    kept, the others dropped, and required ones it lacks get their defaults."""
    data = copy.deepcopy(data)
    step_index, index = find_block(data, block_id)
    blocks = data["steps"][step_index]["blocks"]
    known = [param.name for param in block_type_named(type_name).all_params()]
    defaults = new_block(type_name)
    kept = {key: value for key, value in blocks[index].items() if key in known}
    block = {"type": type_name}
    for name in known:
        if name in kept or name in defaults:
            block[name] = kept.get(name, defaults.get(name))
    blocks[index] = block
    return data


def move_block(data: dict, block_id: str, step_id: str, index: int | None = None) -> dict:
    """Move the block to the step ``step_id`` (the same or another), at ``index`` among
    that step's blocks once it is taken out (at the end when None)."""
    data = copy.deepcopy(data)
    step_index, block_index = find_block(data, block_id)
    target = step_blocks(data, step_id)
    limit = len(target) + (0 if target is data["steps"][step_index]["blocks"] else 1)
    if index is not None:
        check_position(index, limit)
    block = data["steps"][step_index]["blocks"].pop(block_index)
    insert_at(target, index, block)
    return data


def duplicate_block(data: dict, block_id: str) -> tuple[dict, str]:
    """Put a copy of the block right after it, with a new id; returns the data and the id."""
    data = copy.deepcopy(data)
    step_index, index = find_block(data, block_id)
    blocks = data["steps"][step_index]["blocks"]
    block = copy.deepcopy(blocks[index])
    if "use" in block:
        raise Problem("editing.use_copy")
    base = re.sub(r"_\d+$", "", str(block.get("id") or "question"))
    block["id"] = unique(base, taken_ids(data), "_")
    blocks.insert(index + 1, block)
    return data, block["id"]


def delete_block(data: dict, block_id: str) -> tuple[dict, dict]:
    """Delete the block; conditions and personas that use it are left for ``validate`` to
    point out (and :func:`~builder.editing.references.usages` lists them beforehand).
    Returns the data and an undo token."""
    data = copy.deepcopy(data)
    step_index, index = find_block(data, block_id)
    step = data["steps"][step_index]
    block = step["blocks"].pop(index)
    return data, make_token("block", index, block, step=step.get("id"))


# --- helpers ----------------------------------------------------------------------------

def block_type_named(name: Any) -> BlockType:
    """The registered block type ``name``; a Problem with a suggestion when there is none."""
    if not isinstance(name, str) or name not in REGISTRY:
        raise Problem("unknown_block_type", name=name, hint=Suggestion.among(str(name), REGISTRY.names()))
    return REGISTRY.get(name)


def block_order(block_type: BlockType) -> list[str]:
    """The canonical order of a block's keys: ``type``, then its parameters as declared."""
    return ["type", *(param.name for param in block_type.all_params())]


def _id_base(block: Mapping) -> str:
    return block_type_named(block.get("type")).id_base or question_id(_first_text(block.get("label")), "question")


def _is_placeholder(block: Mapping) -> bool:
    """Whether the block still has the id it was given at creation."""
    base = _id_base({**new_block(str(block.get("type"))), "type": block.get("type")})
    return bool(re.fullmatch(rf"{re.escape(base)}(_\d+)?", str(block.get("id"))))


def _first_text(text: Any) -> str:
    """A text, or the first language's text of a text per language."""
    if isinstance(text, dict):
        return str(next(iter(text.values()), ""))
    return text if isinstance(text, str) else ""


def _apply_params(block: dict, params: Mapping[str, Any], block_type: BlockType) -> dict:
    known = {param.name: param for param in block_type.all_params()}
    order = block_order(block_type)
    block = dict(block)
    for name, value in params.items():
        if name == "type":
            if value != block.get("type"):
                raise Problem("editing.type_here")
        elif name not in known:
            raise Problem("blocks.param_unknown", (name,), name=name, type=block_type.name,
                          hint=Suggestion.among(str(name), list(known)))
        elif is_blank(value) and known[name].required:
            raise Problem("blocks.param_missing", (name,), name=name)
        elif is_blank(value):
            block.pop(name, None)
        elif name != "id":
            block = set_key(block, name, value, order)
    return block


def _next_id(data: dict, old: Mapping, block: Mapping, params: Mapping, published: Any = frozenset()) -> Any:
    """The id the block has after an update (see :func:`update_block`)."""
    old_id = old.get("id")
    wanted = params.get("id", old_id)
    if wanted != old_id:
        check_new_id(data, wanted, ID_PATTERN, "blocks.param_id")
        return wanted
    if (block.get("label") and old.get("label") != block.get("label") and old_id not in published
            and _follows_label(old)):
        return unique(question_id(_first_text(block["label"])), taken_ids(data) - {old_id}, "_")
    return old_id


def _follows_label(block: Mapping) -> bool:
    """Whether the block's id is one made for it (not one a person chose under « Options
    avancées »): its stand-in id, a numbered ``question_1``, or the id its label gives."""
    block_id = str(block.get("id"))
    made = question_id(_first_text(block.get("label")))
    return (_is_placeholder(block) or bool(re.fullmatch(r"(question|q)_?\d*", block_id))
            or bool(re.fullmatch(rf"{re.escape(made)}(_\d+)?", block_id)))


def _update_use(data: dict, entry: dict, params: Mapping[str, Any]) -> dict:
    """A ``use:`` entry with a new ``only`` or ``prefix``; renamed questions follow."""
    if params.get("use", entry["use"]) != entry["use"]:
        raise Problem("editing.use_name")
    updated = dict(entry)
    for name, value in params.items():
        if name not in USE_KEYS:
            raise Problem("library.key_unknown", (name,), key=name)
        if is_blank(value) or value == []:
            updated.pop(name, None)
        elif name != "use":
            updated = set_key(updated, name, value, USE_KEYS)
    own = set(use_ids(entry))
    clashes = [i for i in use_ids(updated) if i in taken_ids(data) - own]
    if clashes:
        raise Problem("editing.library_ids_taken", ids=", ".join(clashes), name=entry["use"])
    old_prefix, new_prefix = entry.get("prefix") or "", updated.get("prefix") or ""
    if old_prefix != new_prefix:
        names = [block["id"] for block in library_blocks(entry["use"])]
        rename_questions(data, {old_prefix + name: new_prefix + name for name in names})
    return updated
