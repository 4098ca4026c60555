"""A condition as simple clauses joined by « et » and « ou », ready to be put in words.

:func:`clauses` turns a parsed condition (a :class:`~builder.rules.conditions.Condition`
or an :class:`~builder.rules.expressions.Expression`) into a tree of :class:`Group`
(``all`` / ``any``) and :class:`Test` leaves, each one comparison about one subject
(``age >= 18``, ``"autre" in matieres``, ``answered(telephone)``…):

- ``not`` is pushed down to the tests (« ni … ni … », « moins de » for ``not age >= 18``);
- ``a and b`` and ``a or b`` written inside an expression become groups like ``all:`` and
  ``any:``, and a group inside a group of the same kind is flattened;
- ``16 <= age <= 25``, and ``age >= 16`` beside ``age <= 25`` in the same ``all``, become
  one ``between`` test;
- a computed value that is itself a test (``jeune: age >= 16 and age <= 25``) is
  replaced by its expression, so that it is described rather than named.

:mod:`builder.rules.in_words` writes the tree as a sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from builder.rules import nodes

NEGATED = {"==": "!=", "!=": "==", "<": ">=", ">=": "<", ">": "<=", "<=": ">",
           "in": "not in", "not in": "in", "contains": "lacks", "lacks": "contains",
           "true": "false", "false": "true", "answered": "unanswered", "unanswered": "answered",
           "always": "never", "never": "always"}
_TESTS = (nodes.Compare, nodes.Chain, nodes.Logic, nodes.Not)
_DEPTH = 20  # computed values naming computed values: deep enough, never endless


@dataclass(frozen=True)
class Test:
    """One clause: ``subject op value``. ``op`` is a comparison (``==``, ``<``, ``in``…),
    ``contains`` / ``lacks`` (a box ticked or not), ``between`` (``value`` is a pair),
    ``true`` / ``false`` (the subject itself, as yes or no), ``answered`` / ``unanswered``,
    or ``always`` / ``never`` (no subject)."""

    subject: nodes.Node | None
    op: str
    value: Any = None


@dataclass(frozen=True)
class Group:
    """``all`` (every item) or ``any`` (at least one)."""

    kind: str
    items: tuple


def clauses(condition: Any, computed: Mapping[str, nodes.Node] | None = None) -> Test | Group:
    """The clause tree of a condition or an expression; ``computed`` maps the names of
    computed values to their expressions' roots (those that are tests are expanded)."""
    return _Builder(computed or {}).condition(condition, False)


class _Builder:
    """Walks a condition, carrying whether it is negated (``not`` pushed down)."""

    def __init__(self, computed: Mapping[str, nodes.Node]):
        self.computed = computed
        self.depth = 0

    def condition(self, condition: Any, negated: bool) -> Test | Group:
        kind = getattr(condition, "kind", None)
        if hasattr(condition, "root"):  # an Expression
            return self.node(condition.root, negated)
        if hasattr(condition, "expression"):  # a leaf of a condition tree
            return self.node(condition.expression.root, negated)
        if kind == "not":
            return self.condition(condition.children[0], not negated)
        if kind in ("all", "any"):
            return group(_flip(kind, negated), [self.condition(child, negated) for child in condition.children])
        return _constant(bool(getattr(condition, "value", True)), negated)

    def node(self, node: nodes.Node, negated: bool) -> Test | Group:
        if isinstance(node, nodes.Logic):
            kind = "all" if node.op == "and" else "any"
            return group(_flip(kind, negated), [self.node(child, negated) for child in node.children])
        if isinstance(node, nodes.Not):
            return self.node(node.children[0], not negated)
        if isinstance(node, nodes.Compare):
            return _compare(node, negated)
        if isinstance(node, nodes.Chain):
            return self._chain(node, negated)
        if isinstance(node, nodes.Const) and isinstance(node.value, bool):
            return _constant(node.value, negated)
        if isinstance(node, nodes.Call) and node.function == "answered":
            return _test(node.children[0], "answered", None, negated)
        return self._name_or_value(node, negated)

    def _chain(self, node: nodes.Chain, negated: bool) -> Test | Group:
        between = _between(node)
        if between is not None:
            subject, low, high = between
            if not negated:
                return Test(subject, "between", (low, high))
            return Group("any", (Test(subject, "<", low), Test(subject, ">", high)))
        return group(_flip("all", negated), [_compare(child, negated) for child in node.children])

    def _name_or_value(self, node: nodes.Node, negated: bool) -> Test | Group:
        expanded = self.computed.get(node.name) if isinstance(node, nodes.Name) else None
        if expanded is not None and _is_test(expanded) and self.depth < _DEPTH:
            self.depth += 1
            try:
                return self.node(expanded, negated)
            finally:
                self.depth -= 1
        return _test(node, "true", None, negated)


def _is_test(node: nodes.Node) -> bool:
    if isinstance(node, nodes.Call):
        return node.function == "answered"
    return isinstance(node, _TESTS) or (isinstance(node, nodes.Const) and isinstance(node.value, bool))


def _flip(kind: str, negated: bool) -> str:
    return {"all": "any", "any": "all"}[kind] if negated else kind


def _constant(value: bool, negated: bool) -> Test:
    return Test(None, "always" if value != negated else "never")


def _test(subject: nodes.Node, op: str, value: Any, negated: bool) -> Test:
    return Test(subject, NEGATED[op] if negated else op, value)


def _compare(node: nodes.Compare, negated: bool) -> Test:
    """A comparison with its subject first: ``18 <= age`` is ``age >= 18``; ``"x" in
    matieres`` (a box among several) is ``matieres contains "x"``."""
    left, right = node.children
    op = node.op
    if op in nodes.FLIPPED and _is_constant(left) and not _is_constant(right):
        left, right, op = right, left, nodes.FLIPPED[op]
    elif op in ("in", "not in") and not isinstance(right, nodes.ListNode) and not _is_constant(right):
        left, right, op = right, left, "contains" if op == "in" else "lacks"
    return _test(left, op, right, negated)


def _is_constant(node: nodes.Node) -> bool:
    return node.constant is not nodes.NOT_CONSTANT


def _between(node: nodes.Chain) -> tuple[nodes.Node, nodes.Node, nodes.Node] | None:
    """``(subject, low, high)`` of ``low <= subject <= high`` (or ``high >= … >= low``)."""
    first, second = node.children[0], node.children[-1]
    ops = [child.op for child in node.children]
    if len(ops) != 2 or ops[0] != ops[1] or ops[0] not in ("<=", ">="):
        return None
    low, subject, high = first.children[0], first.children[1], second.children[1]
    return (subject, low, high) if ops[0] == "<=" else (subject, high, low)


def group(kind: str, items: list) -> Test | Group:
    """A group of ``items``: groups of the same kind flattened into it, and in ``all``,
    a lower and an upper bound on the same subject made one ``between`` test."""
    flat: list = []
    for item in items:
        flat.extend(item.items if isinstance(item, Group) and item.kind == kind else [item])
    if kind == "all":
        flat = _merge_bounds(flat)
    return flat[0] if len(flat) == 1 else Group(kind, tuple(flat))


def _merge_bounds(items: list) -> list:
    """``age >= 16`` and ``age <= 25`` in one ``all`` → ``age between 16 and 25``, in the
    place of the first."""
    merged = list(items)
    for index, low in enumerate(items):
        if not _bound(low, ">="):
            continue
        for high in items[index + 1:]:
            if _bound(high, "<=") and _same(low.subject, high.subject) and high in merged and low in merged:
                merged[merged.index(low)] = Test(low.subject, "between", (low.value, high.value))
                merged.remove(high)
                break
    return merged


def _bound(item: Any, op: str) -> bool:
    return isinstance(item, Test) and item.op == op and _is_constant(item.value)


def _same(first: nodes.Node, second: nodes.Node) -> bool:
    """The same subject: the same name, or the same call of the same name."""
    return _key(first) is not None and _key(first) == _key(second)


def _key(node: nodes.Node) -> tuple | None:
    if isinstance(node, nodes.Name):
        return ("name", node.name)
    if isinstance(node, nodes.Call) and node.children and isinstance(node.children[0], nodes.Name):
        return ("call", node.function, node.children[0].name)
    return None
