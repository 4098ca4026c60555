"""The kind an expression's value surely has, told before any answer is given.

A calculation (``+ - * /``, a minus sign) gives a number from numbers only: on anything
else its value is always empty (:mod:`builder.rules.values`). When one side can never
be a number — a yes-or-no (``(revenu or 0) * 12``: ``or`` gives true or false), a text,
a date, a list — the loader says so, with the line and the column, rather than letting
a condition that can never hold go online.

Only sure kinds count: a name whose kind is not known (a value computed from a mix)
passes, as the engine decides at run time.
"""

from __future__ import annotations

from typing import Iterator, Mapping

from builder.rules import nodes
from builder.rules.values import BOOLEAN, DATE, LIST, NUMBER, TEXT

# A block type's ``answer_type`` → the kind of its answers in the rules.
ANSWER_KINDS = {"number": NUMBER, "boolean": BOOLEAN, "date": DATE, "option": TEXT, "options": LIST,
                "string": TEXT}
_CALLS = {"years_since": NUMBER, "count": NUMBER, "today": DATE, "answered": BOOLEAN,
          "departement": TEXT, "region": TEXT, "epci": TEXT}


def kind_of(node: nodes.Node, names: Mapping[str, str | None]) -> str | None:
    """The kind ``node``'s value always has (``names``: the kinds of the answers and
    computed values), or None when it cannot be told."""
    if isinstance(node, nodes.Const):
        return _constant_kind(node.value)
    if isinstance(node, nodes.Name):
        return names.get(node.name)
    if isinstance(node, (nodes.Arithmetic, nodes.Negative)):
        return NUMBER
    if isinstance(node, (nodes.Compare, nodes.Chain, nodes.Logic, nodes.Not)):
        return BOOLEAN
    if isinstance(node, nodes.ListNode):
        return LIST
    if isinstance(node, nodes.Call):
        return _CALLS.get(node.function)
    return None


def _constant_kind(value: object) -> str | None:
    if isinstance(value, bool):
        return BOOLEAN
    if isinstance(value, (int, float)):
        return NUMBER
    if isinstance(value, str):
        return TEXT
    if isinstance(value, (list, tuple)):
        return LIST
    return None


def not_numbers(root: nodes.Node, names: Mapping[str, str | None]) -> Iterator[tuple[nodes.Node, str]]:
    """Each side of a calculation under ``root`` that can never be a number, with its kind."""
    for node in root.walk():
        if isinstance(node, (nodes.Arithmetic, nodes.Negative)):
            for child in node.children:
                found = kind_of(child, names)
                if found is not None and found != NUMBER:
                    yield child, found
