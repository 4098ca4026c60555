"""Recognise, in a parsed expression, the few shapes that a builder row writes.

:func:`leaf_pattern` turns a node into ``(name, operator, value)`` when it is one of the
shapes of :mod:`builder.editing.conditions` (``statut == "apprenti"``, ``18 <= age``,
``years_since(d) >= 18``, ``age >= 16 and age <= 25``…), with a generic operator
(``lt`` rather than ``before``: the question's kind decides later), else None.
"""

from __future__ import annotations

from typing import Any, Mapping

from builder.messages import Problem
from builder.rules import nodes
from builder.rules.expressions import parse
from builder.rules.kinds import kind_of
from builder.rules.values import BOOLEAN, DATE, NUMBER, TEXT

_OPERATORS = {"==": "eq", "!=": "ne", "<": "lt", "<=": "le", ">": "gt", ">=": "ge"}
_FLIPPED = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_AGE_OPERATORS = {">=": "age_ge", "<": "age_lt"}
Pattern = tuple[str, str, Any]


def parse_root(source: Any) -> nodes.Node | None:
    """The root node of an expression (None when it does not parse)."""
    if isinstance(source, nodes.Node):
        return source
    try:
        return parse(source).root if isinstance(source, str) else None
    except Problem:
        return None


def split_logic(node: nodes.Node) -> tuple[str, tuple[nodes.Node, ...]] | None:
    """``("all", parts)`` for ``a and b…``, ``("any", parts)`` for ``a or b…``, else None."""
    if isinstance(node, nodes.Logic):
        return ("all" if node.op == "and" else "any"), node.children
    return None


def leaf_pattern(node: nodes.Node) -> Pattern | None:
    """``(name, operator, value)`` for a node a single row writes, else None."""
    for match in (_truth, _comparison_row, _membership, _range):
        found = match(node)
        if found is not None:
            return found
    return None


def expression_kind(source: Any, kinds: Mapping[str, str]) -> str:
    """The kind of value an expression gives (``number`` for ``years_since(d)``, the
    kind of the name for a name…), or ``""`` when rows cannot compare it."""
    root = parse_root(source)
    if isinstance(root, nodes.Name):
        return kinds.get(root.name, "")
    return _ROW_KINDS.get(kind_of(root, {}) or "", "") if root is not None else ""


_ROW_KINDS = {NUMBER: "number", TEXT: "string", BOOLEAN: "boolean", DATE: "date"}


# --- the shapes -----------------------------------------------------------------------

def _name_of(node: nodes.Node) -> str | None:
    return node.name if isinstance(node, nodes.Name) else None


def _answered_name(node: nodes.Node) -> str | None:
    if isinstance(node, nodes.Call) and node.function == "answered":
        return _name_of(node.children[0])
    return None


def _truth(node: nodes.Node) -> Pattern | None:
    """``x``, ``not x``, ``answered(x)``, ``not answered(x)``."""
    inner = node.children[0] if isinstance(node, nodes.Not) else None
    if _name_of(node):
        return node.name, "yes", None
    if inner is not None and _name_of(inner):
        return inner.name, "no", None
    if _answered_name(node):
        return _answered_name(node), "answered", None
    if inner is not None and _answered_name(inner):
        return _answered_name(inner), "not_answered", None
    return None


def _target(node: nodes.Node) -> tuple[str, str] | None:
    """``("name", x)`` for ``x``, ``("age", x)`` for ``years_since(x)``."""
    if _name_of(node):
        return "name", node.name
    if isinstance(node, nodes.Call) and node.function == "years_since" and _name_of(node.children[0]):
        return "age", node.children[0].name
    return None


def _constant(node: nodes.Node) -> Any:
    if isinstance(node, nodes.Const) and not isinstance(node.value, bool):
        return node.value
    return None


def comparison(node: nodes.Node) -> tuple[tuple[str, str], str, Any] | None:
    """``(target, op, constant)`` for ``target op constant`` or ``constant op target``."""
    if not isinstance(node, nodes.Compare) or node.op not in _OPERATORS:
        return None
    left, right = node.children
    if _target(left) and _constant(right) is not None:
        return _target(left), node.op, right.value
    if _target(right) and _constant(left) is not None:
        return _target(right), _FLIPPED[node.op], left.value
    return None


def _comparison_row(node: nodes.Node) -> Pattern | None:
    found = comparison(node)
    if found is None:
        return None
    (kind, name), op, value = found
    if kind == "name":
        return name, _OPERATORS[op], value
    return (name, _AGE_OPERATORS[op], value) if op in _AGE_OPERATORS else None


def _membership(node: nodes.Node) -> Pattern | None:
    """``x in [a, b]``, ``x not in [a, b]``, ``"a" in x``, ``"a" not in x``."""
    if not isinstance(node, nodes.Compare) or node.op not in ("in", "not in"):
        return None
    left, right = node.children
    inside = node.op == "in"
    if _name_of(left) and isinstance(right, nodes.ListNode):
        values = tuple(_constant(item) for item in right.children)
        if values and None not in values:
            return left.name, "in" if inside else "not_in", values
    if _name_of(right) and isinstance(_constant(left), str):
        return right.name, "contains" if inside else "lacks", left.value
    return None


def _range(node: nodes.Node) -> Pattern | None:
    """``x >= low and x <= high`` (either order), ``low <= x <= high``, and the same with
    ``years_since(x)``."""
    if not (isinstance(node, nodes.Chain) or (isinstance(node, nodes.Logic) and node.op == "and")):
        return None
    parts = [comparison(child) for child in node.children]
    if len(parts) != 2 or None in parts or parts[0][0] != parts[1][0]:
        return None
    bounds = {op: value for _, op, value in parts}
    if set(bounds) != {">=", "<="}:
        return None
    (kind, name), low, high = parts[0][0], bounds[">="], bounds["<="]
    return name, "between" if kind == "name" else "age_between", (low, high)
