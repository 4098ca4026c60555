"""Conditions (``show_if``, ``when``): an expression, or a tree of ``all:``, ``any:`` and
``not:`` whose leaves are expressions.

:func:`parse_condition` reads the tree from a service file, collecting every error with
the path of its leaf; the :class:`Condition` it returns is compiled (``fn``), can say which
unknown answers could still change it (``unknown_support``) and explains itself
(``explain`` gives a :class:`Check` tree, :func:`render_explanation` readable lines).

A leaf may also be a YAML boolean: ``when: true`` always applies, ``show_if: false``
hides a block. A number, a list or an empty value is an error.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Callable, Iterator, Mapping

from builder.messages import Problem, Problems, Suggestion, register
from builder.rules import nodes
from builder.rules.explain import render_explanation
from builder.rules.expressions import Expression, parse
from builder.rules.nodes import AND, ATOM, COMPARE, NOT, OR
from builder.rules.requirements import is_range
from builder.rules.values import UNKNOWN, all_of, any_of, negation, today_of
from builder.rules.words import group_text, word

__all__ = ["Check", "Condition", "parse_condition", "render_explanation"]

register({
    "cond_empty": (
        "La condition est vide : écrivez une expression, par exemple age >= 18.",
        "The condition is empty: write an expression, for example age >= 18."),
    "cond_number": (
        "Une condition ne peut pas être un nombre seul ({value}) : écrivez par exemple "
        "age >= {value}.",
        "A condition cannot be a number alone ({value}): write for example age >= {value}."),
    "cond_list": (
        "Plusieurs conditions se groupent sous all: (toutes) ou any: (au moins une).",
        "Several conditions are grouped under all: (every one) or any: (at least one)."),
    "cond_bad_type": (
        "Une condition est une expression, ou un groupe all:, any: ou not:.",
        "A condition is an expression, or an all:, any: or not: group."),
    "cond_keys": (
        "Un groupe de conditions a une seule clé, all:, any: ou not: ; ici : {keys}.",
        "A condition group has exactly one key, all:, any: or not:; here: {keys}."),
    "cond_unknown_key": (
        "« {key} » n'est pas un groupe de conditions : écrivez all: (toutes), any: "
        "(au moins une) ou not: (pas).{hint}",
        "“{key}” is not a condition group: write all: (every one), any: "
        "(at least one) or not: (not).{hint}"),
    "cond_not_list": (
        "{key}: attend une liste de conditions, chacune sur une ligne qui commence par « - ».",
        "{key}: expects a list of conditions, each on a line starting with “-”."),
    "cond_empty_list": (
        "La liste de conditions sous {key}: est vide.",
        "The list of conditions under {key}: is empty."),
    "cond_not_one": (
        "not: attend une seule condition ; pour plusieurs, écrivez not: puis all: ou any:.",
        "not: expects a single condition; for several, write not: then all: or any:."),
})

_NO_LABELS: Mapping[str, str] = MappingProxyType({})
_GROUPS = ("all", "any", "not")
_ALIASES = {"tous": "all", "toutes": "all", "tout": "all", "et": "all", "and": "all",
            "ou": "any", "or": "any", "un": "any", "une": "any", "au_moins_un": "any",
            "pas": "not", "non": "not", "sauf": "not"}


@dataclass
class Check:
    """One line of an explanation: a leaf (an expression) or a group, with its result.

    ``text`` is a readable phrase; ``source`` the expression of a leaf; ``values`` the
    answers it used; ``result`` True, False or UNKNOWN; ``expression`` the parsed leaf, so
    that :func:`render_explanation` can describe it again with other labels; ``today``
    the date its ages are counted on.

    A leaf written ``a and b`` (or ``a or b``) is explained as a group of one line per
    part, unless it is a range about one subject (``age >= 16 and age <= 25``)."""

    kind: str
    text: str
    source: str | None
    values: dict[str, Any]
    result: object
    children: list["Check"] = field(default_factory=list)
    expression: Expression | None = field(default=None, repr=False)
    today: dt.date | None = field(default=None, repr=False)


class Condition:
    """A compiled condition. ``fn(env)`` returns True, False or UNKNOWN (EMPTY counts as
    false); ``names`` are the names its leaves use; ``path`` where it stands in the file."""

    kind = "leaf"
    precedence = ATOM

    def __init__(self, path: tuple, children: tuple = ()):
        self.path = path
        self.children: tuple[Condition, ...] = children
        self.names: frozenset[str] = frozenset().union(*(child.names for child in children))
        self.fn: Callable[[Mapping[str, Any]], Any] = self._compile()

    def _compile(self) -> Callable[[Mapping[str, Any]], Any]:
        raise NotImplementedError

    def evaluate(self, env: Mapping[str, Any]) -> Any:
        """True, False or UNKNOWN for ``env`` (same as ``fn(env)``)."""
        return self.fn(env)

    def unknown_support(self, env: Mapping[str, Any]) -> set[str]:
        """The unknown names that make the result UNKNOWN; empty when it is known."""
        if self.fn(env) is not UNKNOWN:
            return set()
        found: set[str] = set()
        for child in self.children:
            found |= child.unknown_support(env)
        return found

    def explain(self, env: Mapping[str, Any], labels: Mapping[str, str] = _NO_LABELS,
                lang: str = "fr") -> Check:
        """The tree of checks behind the result, for :func:`render_explanation`."""
        children = [child.explain(env, labels, lang) for child in self.children]
        child_text = children[0].text if self.kind == "not" else ""
        return Check(self.kind, group_text(self.kind, child_text, lang), None, {},
                     self.fn(env), children)

    def describe(self, labels: Mapping[str, str] = _NO_LABELS, lang: str = "fr") -> str:
        """The whole condition as one readable phrase (« âge ≥ 18 et statut = … »)."""
        joiner = f" {word('and' if self.kind == 'all' else 'or', lang)} "
        return joiner.join(child._part(self.precedence, labels, lang) for child in self.children)

    def _part(self, level: int, labels: Mapping[str, str], lang: str) -> str:
        text = self.describe(labels, lang)
        return f"({text})" if self.precedence < level else text

    def leaves(self) -> Iterator["Condition"]:
        """Every leaf of the tree, in order."""
        if not self.children:
            yield self
        for child in self.children:
            yield from child.leaves()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.describe()!r}>"


class Leaf(Condition):
    """A condition that is one expression."""

    def __init__(self, path: tuple, expression: Expression):
        self.expression = expression
        super().__init__(path)
        self.names = expression.names
        self.precedence = expression.root.precedence

    def _compile(self) -> Callable[[Mapping[str, Any]], Any]:
        return self.expression.test

    def unknown_support(self, env: Mapping[str, Any]) -> set[str]:
        return self.expression.unknown_support(env)

    def explain(self, env: Mapping[str, Any], labels: Mapping[str, str] = _NO_LABELS,
                lang: str = "fr") -> Check:
        return _leaf_check(self.expression, env, labels, lang)

    def describe(self, labels: Mapping[str, str] = _NO_LABELS, lang: str = "fr") -> str:
        return self.expression.describe(labels, lang)


class Constant(Condition):
    """``true`` or ``false`` written as a YAML boolean: always or never."""

    def __init__(self, path: tuple, value: bool):
        self.value = value
        super().__init__(path)

    def _compile(self) -> Callable[[Mapping[str, Any]], Any]:
        value = self.value
        return lambda env: value

    def explain(self, env: Mapping[str, Any], labels: Mapping[str, str] = _NO_LABELS,
                lang: str = "fr") -> Check:
        return Check("leaf", self.describe(labels, lang), "true" if self.value else "false",
                     {}, self.value)

    def describe(self, labels: Mapping[str, str] = _NO_LABELS, lang: str = "fr") -> str:
        return word("always" if self.value else "never", lang)


class Group(Condition):
    """``all:`` (every child) or ``any:`` (at least one), under Kleene's rules."""

    def __init__(self, path: tuple, kind: str, children: tuple):
        self.kind = kind
        self.precedence = AND if kind == "all" else OR
        super().__init__(path, children)

    def _compile(self) -> Callable[[Mapping[str, Any]], Any]:
        combine = all_of if self.kind == "all" else any_of
        return combine(child.fn for child in self.children)


class Negation(Condition):
    """``not:`` a condition."""

    kind = "not"
    precedence = NOT

    def _compile(self) -> Callable[[Mapping[str, Any]], Any]:
        return negation(self.children[0].fn)

    def describe(self, labels: Mapping[str, str] = _NO_LABELS, lang: str = "fr") -> str:
        return f"{word('not', lang)} {self.children[0]._part(COMPARE + 1, labels, lang)}"


def _leaf_check(expression: Expression, env: Mapping[str, Any], labels: Mapping[str, str],
                lang: str) -> Check:
    """The check of one expression: a line, or one line per part of ``a and b``."""
    root = expression.root
    if isinstance(root, nodes.Logic) and not is_range(root):
        kind = "all" if root.op == "and" else "any"
        parts = [_leaf_check(Expression(expression.source, part), env, labels, lang)
                 for part in _parts(root)]
        return Check(kind, group_text(kind, "", lang), None, {}, expression.test(env), parts)
    return Check("leaf", expression.describe(labels, lang), expression.source,
                 expression.values_used(env), expression.test(env), [], expression, today_of(env))


def _parts(root: nodes.Logic) -> list[nodes.Node]:
    """The parts of ``a and b and …``, two comparisons that make a range kept together
    (``age >= 11 and age <= 17 and allocation``: the age range, then allocation)."""
    parts: list[nodes.Node] = []
    for child in root.children:
        if root.op == "and" and parts and not isinstance(parts[-1], nodes.Logic):
            pair = nodes.Logic(parts[-1].column, "and", (parts[-1], child))
            if is_range(pair):
                parts[-1] = pair
                continue
        parts.append(child)
    return parts


def parse_condition(data: Any, path: tuple = ()) -> Condition:
    """Read a condition from a service file; raises :class:`~builder.messages.Problems`
    with every error of the tree, each with the path of its leaf (``path + ("all", 0…)``)
    and, for expressions, its column."""
    problems: list[Problem] = []
    condition = _build(data, tuple(path), problems)
    if problems or condition is None:
        raise Problems(problems)
    return condition


def _build(data: Any, path: tuple, problems: list[Problem]) -> Condition | None:
    if isinstance(data, str):
        try:
            return Leaf(path, parse(data))
        except Problem as problem:
            problem.path = path
            problems.append(problem)
            return None
    if isinstance(data, bool):
        return Constant(path, data)
    if isinstance(data, Mapping):
        return _group(data, path, problems)
    problems.append(_bad_leaf(data, path))
    return None


def _bad_leaf(data: Any, path: tuple) -> Problem:
    if data is None:
        return Problem("cond_empty", path)
    if isinstance(data, (int, float)):
        return Problem("cond_number", path, value=data)
    if isinstance(data, (list, tuple)):
        return Problem("cond_list", path)
    return Problem("cond_bad_type", path)


def _group(data: Mapping, path: tuple, problems: list[Problem]) -> Condition | None:
    if len(data) != 1:
        keys = ", ".join(f"{key}:" for key in data) or "—"
        problems.append(Problem("cond_keys", path, keys=keys))
        return None
    (key, value), = data.items()
    if key not in _GROUPS:
        problems.append(Problem("cond_unknown_key", path + (key,), key=key,
                                hint=Suggestion(_closest_group(str(key)))))
        return None
    if key == "not":
        return _negation(value, path, problems)
    if not isinstance(value, list):
        problems.append(Problem("cond_not_list", path + (key,), key=key))
        return None
    if not value:
        problems.append(Problem("cond_empty_list", path + (key,), key=key))
        return None
    children = [_build(item, path + (key, index), problems) for index, item in enumerate(value)]
    if None in children:
        return None
    return Group(path, key, tuple(children))


def _closest_group(key: str) -> str | None:
    key = key.strip().lower()
    close = difflib.get_close_matches(key, _GROUPS, n=1, cutoff=0.5)
    return _ALIASES.get(key) or (close[0] if close else None)


def _negation(value: Any, path: tuple, problems: list[Problem]) -> Condition | None:
    if isinstance(value, list):
        problems.append(Problem("cond_not_one", path + ("not",)))
        return None
    child = _build(value, path + ("not",), problems)
    return None if child is None else Negation(path, (child,))
