"""Where a service refers to a question or an outcome, and renaming those references.

When the editor renames a question (its ``id``), every condition (``show_if``, ``when``),
computed value and persona answer that names it follows, so that nothing breaks; the
same for an outcome and the personas that expect it. Expressions are renamed with
:func:`builder.rules.expressions.rename_identifiers`, which changes the names and
nothing else of the text; an expression that does not parse is left as it is.
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from builder.editing.locate import Where, as_list, where_of
from builder.format.references import condition_leaves
from builder.messages import Problem
from builder.rules.expressions import parse, rename_identifiers


def condition_places(data: dict) -> Iterator[tuple[tuple, Any]]:
    """``(path, condition)`` of every ``show_if`` and ``when`` of the service."""
    for step_index, step in enumerate(as_list(data.get("steps"))):
        if not isinstance(step, dict):
            continue
        if "show_if" in step:
            yield ("steps", step_index, "show_if"), step["show_if"]
        for block_index, block in enumerate(as_list(step.get("blocks"))):
            if isinstance(block, dict) and "show_if" in block:
                yield ("steps", step_index, "blocks", block_index, "show_if"), block["show_if"]
    for index, outcome in enumerate(as_list(data.get("outcomes"))):
        if isinstance(outcome, dict) and "when" in outcome:
            yield ("outcomes", index, "when"), outcome["when"]


def expression_places(data: dict) -> Iterator[tuple[tuple, str]]:
    """``(path, source)`` of every expression: condition leaves and computed values."""
    for path, condition in condition_places(data):
        for leaf_path, leaf in condition_leaves(condition, path):
            if isinstance(leaf, str):
                yield leaf_path, leaf
    computed = data.get("computed")
    for name, source in (computed.items() if isinstance(computed, dict) else ()):
        if isinstance(source, str):
            yield ("computed", name), source


def _names(source: str) -> frozenset[str]:
    try:
        return parse(source).names
    except Problem:
        return frozenset()


def usages(data: dict, name: str) -> list[Where]:
    """Every place that uses the answer or computed value ``name``: conditions, computed
    values and persona answers (to warn before deleting a question)."""
    found = [where_of(data, path) for path, source in expression_places(data) if name in _names(source)]
    for index, persona in enumerate(as_list(data.get("tests"))):
        answers = persona.get("answers") if isinstance(persona, dict) else None
        if isinstance(answers, dict) and name in answers:
            found.append(where_of(data, ("tests", index, "answers", name)))
    return found


def rename_in_expression(source: str, mapping: Mapping[str, str]) -> str:
    """``source`` with the names of ``mapping`` renamed (unchanged when it does not parse)."""
    try:
        return rename_identifiers(source, mapping)
    except Problem:
        return source


def rename_in_condition(condition: Any, mapping: Mapping[str, str]) -> Any:
    """A condition (an expression or an ``all/any/not`` tree) with names renamed."""
    if isinstance(condition, str):
        return rename_in_expression(condition, mapping)
    if isinstance(condition, dict):
        return {key: rename_in_condition(value, mapping) for key, value in condition.items()}
    if isinstance(condition, list):
        return [rename_in_condition(item, mapping) for item in condition]
    return condition


def rename_questions(data: dict, mapping: Mapping[str, str]) -> None:
    """Rename the answers ``old → new`` of ``mapping`` everywhere they are used, in place
    (the caller works on its own copy of the data)."""
    mapping = {old: new for old, new in mapping.items() if old != new}
    if not mapping:
        return
    for step in as_list(data.get("steps")):
        if not isinstance(step, dict):
            continue
        _rename_key_value(step, "show_if", mapping)
        for block in as_list(step.get("blocks")):
            if isinstance(block, dict):
                _rename_key_value(block, "show_if", mapping)
    for outcome in as_list(data.get("outcomes")):
        if isinstance(outcome, dict):
            _rename_key_value(outcome, "when", mapping)
    if isinstance(data.get("computed"), dict):
        data["computed"] = {name: rename_in_condition(source, mapping)
                            for name, source in data["computed"].items()}
    for persona in as_list(data.get("tests")):
        answers = persona.get("answers") if isinstance(persona, dict) else None
        if isinstance(answers, dict):
            persona["answers"] = {mapping.get(key, key): value for key, value in answers.items()}


def _rename_key_value(item: dict, key: str, mapping: Mapping[str, str]) -> None:
    if key in item:
        item[key] = rename_in_condition(item[key], mapping)


def rename_outcome(data: dict, old: str, new: str) -> None:
    """Rename the outcome ``old`` in every persona's ``expect``, in place."""
    for persona in as_list(data.get("tests")):
        expect = persona.get("expect") if isinstance(persona, dict) else None
        if isinstance(expect, list):
            persona["expect"] = [new if item == old else item for item in expect]
