"""The expression language of conditions and computed values: ``age >= 18``,
``statut in ["apprenti", "etudiant"]``, ``years_since(date_naissance)``…

:func:`parse` reads an expression once into an :class:`Expression` whose ``fn`` is a
compiled closure, fast enough to run for every answer a person gives. Nothing is ever
passed to Python's ``eval``: Python's parser only reads the text, and a whitelist decides
what is allowed (see :mod:`builder.rules.parser`). The language, its three-valued logic
and its limits are described for people in ``docs/expressions.md``.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Callable, Mapping

from builder.messages import Problem
from builder.rules import (
    expression_messages,  # noqa: F401  (registers the messages)
    nodes,
)
from builder.rules.parser import (
    FUNCTIONS,
    MAX_DEPTH,
    MAX_LENGTH,
    MAX_NODES,
    is_valid_name,
    parse_tree,
)
from builder.rules.values import EMPTY, UNKNOWN

__all__ = ["Expression", "parse", "rename_identifiers", "is_valid_name", "FUNCTIONS",
           "MAX_LENGTH", "MAX_DEPTH", "MAX_NODES"]

_NO_LABELS: Mapping[str, str] = MappingProxyType({})


class Expression:
    """A parsed, compiled expression.

    ``source`` is the text as written; ``names`` the answer ids and computed names it
    refers to; ``fn(env)`` its compiled closure, where ``env`` maps names to values (a
    missing name is UNKNOWN, ``None`` is EMPTY) and ``env["$today"]`` is the date that
    ``today()`` and ``years_since`` use. ``test(env)`` is the same, reduced to True, False
    or UNKNOWN (EMPTY counts as false), for conditions.
    """

    __slots__ = ("source", "names", "fn", "test", "root", "_name_nodes")

    def __init__(self, source: str, root: nodes.Node):
        self.source = source
        self.root = root
        unique = {id(node): node for node in root.walk() if isinstance(node, nodes.Name)}
        self._name_nodes: tuple[nodes.Name, ...] = tuple(
            sorted(unique.values(), key=lambda node: node.column))
        self.names: frozenset[str] = frozenset(node.name for node in self._name_nodes)
        self.fn: Callable[[Mapping[str, Any]], Any] = root.compile()
        self.test: Callable[[Mapping[str, Any]], Any] = root.compile_test()

    def evaluate(self, env: Mapping[str, Any]) -> Any:
        """The value of the expression for ``env`` (same as ``fn(env)``)."""
        return self.fn(env)

    def unknown_support(self, env: Mapping[str, Any]) -> set[str]:
        """The unknown names that make the result UNKNOWN; empty when it is known.

        Exact under Kleene's rules: in ``a and b`` with ``a`` false the result is false
        and the set is empty; in an unknown ``and`` only the unknown parts count. Giving
        a value to every name of the set makes the result known; giving values to other
        unknown names leaves it unchanged."""
        return self.root.support(env)

    def describe(self, labels: Mapping[str, str] = _NO_LABELS, lang: str = "fr") -> str:
        """A readable phrase: ``age >= 18 and age <= 25`` gives « âge ≥ 18 et âge ≤ 25 »
        with ``labels={"age": "âge"}`` (a name without a label is shown as written)."""
        return self.root.describe(labels, lang)

    def values_used(self, env: Mapping[str, Any]) -> dict[str, Any]:
        """The value of each name the expression uses, in the order they are written
        (UNKNOWN when absent, EMPTY for ``None``)."""
        used: dict[str, Any] = {}
        for node in self._name_nodes:
            value = env.get(node.name, UNKNOWN)
            used.setdefault(node.name, EMPTY if value is None else value)
        return used

    def name_columns(self) -> list[tuple[str, int]]:
        """Each name reference with its 1-based column, in source order (a loader can
        point at the exact place of an unknown name)."""
        return [(node.name, node.column) for node in self._name_nodes]

    def __repr__(self) -> str:
        return f"Expression({self.source!r})"

    def __reduce__(self) -> tuple:
        return parse, (self.source,)


def parse(source: str) -> Expression:
    """Read and compile ``source``; raises :class:`~builder.messages.Problem` (with the
    1-based column) for anything that is not a valid, allowed expression."""
    if not isinstance(source, str):
        raise Problem("expr_not_text")
    return Expression(source, parse_tree(source))


def rename_identifiers(source: str, mapping: Mapping[str, str]) -> str:
    """``source`` with the names in ``mapping`` replaced, everything else as written
    (spaces, quotes, ``≤``…); used by ``use: … prefix:``. Function names, ``true`` and
    ``false`` are not names; ``answered(x)`` does rename ``x``. Raises Problem if
    ``source`` is not a valid expression."""
    spans = [(column - 1, name) for name, column in parse(source).name_columns()
             if name in mapping]
    for start, name in sorted(spans, reverse=True):
        source = source[:start] + mapping[name] + source[start + len(name):]
    return source
