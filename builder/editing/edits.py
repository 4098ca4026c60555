"""What the edit functions share: lists to insert into, id checks, fields set in their
canonical order, and undo tokens."""

from __future__ import annotations

import re
from typing import Any, Mapping

from builder.editing.document import dump_yaml, load_yaml
from builder.editing.ids import taken_ids
from builder.editing.locate import check_position, is_blank, set_key, step_of
from builder.format.spec import Shape, unknown_key_problem
from builder.format.yaml_lines import YamlProblem
from builder.messages import Problem, register

register({
    "editing.id_taken": ("L'identifiant « {id} » est déjà utilisé dans ce service : choisissez-en un autre.",
                         "The id “{id}” is already used in this service: choose another one."),
    "editing.library_ids_taken": (
        "Les questions {ids} du bloc « {name} » existent déjà dans ce service : "
        "ajoutez-le avec un préfixe (par exemple parent_).",
        "The questions {ids} of the block “{name}” already exist in this service: "
        "add it with a prefix (for example parent_)."),
    "editing.undo_invalid": ("Cette annulation n'est plus possible.", "This undo is no longer possible."),
})

TOKEN_KINDS = ("step", "block", "outcome", "persona")


def ensure_list(data: dict, key: str) -> list:
    """``data[key]``, made an empty list first when it is not a list."""
    if not isinstance(data.get(key), list):
        data[key] = []
    return data[key]


def insert_at(target: list, index: int | None, item: Any) -> None:
    """Insert ``item`` at ``index`` (appended when None); a Problem when out of range."""
    if index is None:
        target.append(item)
    else:
        target.insert(check_position(index, len(target) + 1), item)


def step_blocks(data: dict, step_id: str) -> list:
    """The ``blocks`` list of the step ``step_id`` (a Problem when there is no such step)."""
    step = step_of(data, step_id)
    if not isinstance(step.get("blocks"), list):
        step["blocks"] = []
    return step["blocks"]


def check_new_id(data: dict, new_id: Any, pattern: re.Pattern, code: str) -> None:
    """A Problem unless ``new_id`` has the right form and is not used in the service."""
    if not isinstance(new_id, str) or not pattern.fullmatch(new_id):
        raise Problem(code, ("id",), value=new_id)
    if new_id in taken_ids(data):
        raise Problem("editing.id_taken", ("id",), id=new_id)


def check_ids_free(data: dict, ids: list[str], library_name: str | None = None) -> None:
    """A Problem when one of ``ids`` is already used in the service."""
    clashes = [identifier for identifier in ids if identifier in taken_ids(data)]
    if clashes and library_name:
        raise Problem("editing.library_ids_taken", ids=", ".join(clashes), name=library_name)
    if clashes:
        raise Problem("editing.id_taken", id=clashes[0])


def apply_fields(mapping: dict, fields: Mapping[str, Any], shape: Shape) -> dict:
    """``mapping`` with ``fields`` set (None or "" removes an optional one), each key
    checked against the shape of format 1 and placed in its canonical order."""
    order = list(shape.fields)
    mapping = dict(mapping)
    for name, value in fields.items():
        if name not in shape.fields:
            raise unknown_key_problem(name, order, (name,))
        if is_blank(value):
            if shape.fields[name].required:
                raise Problem("missing_key", (name,), key=name)
            mapping.pop(name, None)
        else:
            mapping = set_key(mapping, name, value, order)
    return mapping


def make_token(kind: str, index: int, item: Any, **extra: Any) -> dict:
    """An undo token: a small JSON-able dict (the item is kept as YAML text, so that its
    dates and everything else come back exactly)."""
    return {"kind": kind, "index": index, "item": dump_yaml(item), **extra}


def read_token(token: Mapping[str, Any]) -> tuple[str, int, Any]:
    """``(kind, index, item)`` of an undo token; a Problem when it is not one."""
    kind, index, text = token.get("kind"), token.get("index"), token.get("item")
    if kind not in TOKEN_KINDS or isinstance(index, bool) or not isinstance(index, int) \
            or index < 0 or not isinstance(text, str):
        raise Problem("editing.undo_invalid")
    try:
        return kind, index, load_yaml(text)
    except YamlProblem:
        raise Problem("editing.undo_invalid") from None
