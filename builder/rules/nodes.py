"""The nodes of a parsed expression: each compiles to a small closure and describes itself.

The parser (:mod:`builder.rules.parser`) builds these from a whitelisted Python syntax
tree. A node compiles once to a closure ``fn(env) -> value``; nodes that produce a test
(comparisons, ``and``, ``or``, ``not``) return exactly True, False or UNKNOWN. Closures
are specialised where it pays (a name compared with a constant is one closure with a fast
path for the usual types) because the engine evaluates them for every answer given.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator, Mapping

from builder.rules.values import (
    ARITHMETIC,
    COMPARISONS,
    EMPTY,
    OUT_OF_BOUNDS,
    UNKNOWN,
    all_of,
    answered,
    any_of,
    count,
    negate,
    negation,
    today_of,
    truth,
    territory,
    years_since,
)
from builder.rules.words import format_constant, word

Env = Mapping[str, Any]
Fn = Callable[[Env], Any]
NOT_CONSTANT = object()

# Precedence, loosest first, to put brackets back when describing.
OR, AND, NOT, COMPARE, SUM, PRODUCT, SIGN, ATOM = range(8)
FLIPPED = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_PY_OPERATORS: dict[str, Fn] = {
    "==": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}
_FAST_SCALARS = frozenset({int, float, str})


class Node:
    """A node of an expression tree, with the 1-based column where it starts."""

    __slots__ = ("column", "children", "_fn")
    precedence = ATOM
    constant: Any = NOT_CONSTANT

    def __init__(self, column: int, children: tuple = ()):
        self.column = column
        self.children = tuple(children)
        self._fn: Fn | None = None

    def compile(self) -> Fn:
        """The closure ``env -> value`` (built once)."""
        if self._fn is None:
            self._fn = self._compile()
        return self._fn

    def compile_test(self) -> Fn:
        """The closure ``env -> True | False | UNKNOWN`` (EMPTY counts as false)."""
        fn = self.compile()
        return lambda env: truth(fn(env))

    def _compile(self) -> Fn:
        raise NotImplementedError

    def support(self, env: Env) -> set[str]:
        """The names whose UNKNOWN value makes this node UNKNOWN (empty when known).

        Only unknown children can make a node unknown (a false child of ``and`` makes it
        false, a true child of ``or`` true), so the union over children is exact."""
        if self.compile()(env) is not UNKNOWN:
            return set()
        found: set[str] = set()
        for child in self.children:
            found |= child.support(env)
        return found

    def walk(self) -> Iterator["Node"]:
        """This node and every node below it, in source order."""
        yield self
        for child in self.children:
            yield from child.walk()

    def describe(self, labels: Mapping[str, str], lang: str) -> str:
        """A readable phrase in ``lang``."""
        raise NotImplementedError

    def _part(self, child: "Node", labels: Mapping[str, str], lang: str, level: int) -> str:
        text = child.describe(labels, lang)
        return f"({text})" if child.precedence < level else text


class Const(Node):
    """A number, a text or a boolean written in the expression."""

    __slots__ = ("value",)

    def __init__(self, column: int, value: Any):
        super().__init__(column)
        self.value = value

    @property
    def constant(self) -> Any:
        return self.value

    def _compile(self) -> Fn:
        value = self.value
        return lambda env: value

    def describe(self, labels: Mapping[str, str], lang: str) -> str:
        return format_constant(self.value, lang)


class Name(Node):
    """An answer id or a computed name, looked up in the environment."""

    __slots__ = ("name",)

    def __init__(self, column: int, name: str):
        super().__init__(column)
        self.name = name

    def _compile(self) -> Fn:
        name, unknown, empty = self.name, UNKNOWN, EMPTY

        def value(env: Env) -> Any:
            found = env.get(name, unknown)
            return empty if found is None else found
        return value

    def compile_test(self) -> Fn:
        name, unknown, empty = self.name, UNKNOWN, EMPTY

        def test(env: Env) -> Any:
            found = env.get(name, unknown)
            if found is True or found is False or found is unknown:
                return found
            if found is empty or found is None:
                return False
            return bool(found)
        return test

    def support(self, env: Env) -> set[str]:
        return {self.name} if env.get(self.name, UNKNOWN) is UNKNOWN else set()

    def describe(self, labels: Mapping[str, str], lang: str) -> str:
        return labels.get(self.name, self.name)


class ListNode(Node):
    """``[a, b, …]``: UNKNOWN if an item is unknown; EMPTY (and OUT_OF_BOUNDS) items are left out."""

    __slots__ = ()

    @property
    def constant(self) -> Any:
        items = [child.constant for child in self.children]
        return NOT_CONSTANT if NOT_CONSTANT in items else items

    def _compile(self) -> Fn:
        items = self.constant
        if items is not NOT_CONSTANT:
            return lambda env: list(items)
        fns, unknown, empty = [child.compile() for child in self.children], UNKNOWN, EMPTY

        def value(env: Env) -> Any:
            found = []
            for fn in fns:
                item = fn(env)
                if item is unknown:
                    return unknown
                if item is not empty and item is not OUT_OF_BOUNDS:
                    found.append(item)
            return found
        return value

    def describe(self, labels: Mapping[str, str], lang: str) -> str:
        return ", ".join(child.describe(labels, lang) for child in self.children)


class Negative(Node):
    """Unary minus."""

    __slots__ = ()
    precedence = SIGN

    def _compile(self) -> Fn:
        fn = self.children[0].compile()
        return lambda env: negate(fn(env))

    def describe(self, labels: Mapping[str, str], lang: str) -> str:
        return "-" + self._part(self.children[0], labels, lang, SIGN)


class Arithmetic(Node):
    """``+ - * /`` on numbers."""

    __slots__ = ("op",)
    _SYMBOLS = {"+": "+", "-": "-", "*": "×", "/": "÷"}

    def __init__(self, column: int, op: str, left: Node, right: Node):
        super().__init__(column, (left, right))
        self.op = op

    @property
    def precedence(self) -> int:  # type: ignore[override]
        return SUM if self.op in "+-" else PRODUCT

    def _compile(self) -> Fn:
        compute = ARITHMETIC[self.op]
        left, right = (child.compile() for child in self.children)
        return lambda env: compute(left(env), right(env))

    def describe(self, labels: Mapping[str, str], lang: str) -> str:
        level = self.precedence
        left = self._part(self.children[0], labels, lang, level)
        right = self._part(self.children[1], labels, lang, level + 1)
        return f"{left} {self._SYMBOLS[self.op]} {right}"


class Compare(Node):
    """One comparison ``left op right`` (``==``, ``<``, ``in``, ``not in``…)."""

    __slots__ = ("op",)
    precedence = COMPARE

    def __init__(self, column: int, op: str, left: Node, right: Node):
        super().__init__(column, (left, right))
        self.op = op

    def _compile(self) -> Fn:
        left, right = self.children
        if isinstance(left, Name) and right.constant is not NOT_CONSTANT:
            return _name_against_constant(self.op, left.name, right.constant)
        if isinstance(right, Name) and left.constant is not NOT_CONSTANT and self.op in FLIPPED:
            return _name_against_constant(FLIPPED[self.op], right.name, left.constant)
        compare, left_fn, right_fn = COMPARISONS[self.op], left.compile(), right.compile()
        return lambda env: compare(left_fn(env), right_fn(env))

    def compile_test(self) -> Fn:
        return self.compile()

    def describe(self, labels: Mapping[str, str], lang: str) -> str:
        left, right = self.children
        op = self.op
        if op in FLIPPED and isinstance(left, Const) and not isinstance(right, Const):
            left, right, op = right, left, FLIPPED[op]
        if op in ("in", "not in") and isinstance(right, Name) and not isinstance(left, ListNode):
            op = "contains" if op == "in" else "lacks"
            left, right = right, left
        return " ".join((self._part(left, labels, lang, SUM), word(op, lang),
                         self._part(right, labels, lang, SUM)))


def _name_against_constant(op: str, name: str, constant: Any) -> Fn:
    """One closure for ``name op constant``: Python's operator directly when the answer
    has an ordinary type on which it means the same, the general rule otherwise."""
    slow, unknown, type_of = COMPARISONS[op], UNKNOWN, type
    if op in ("in", "not in"):
        if type(constant) is not list:
            return lambda env: slow(env.get(name, unknown), constant)
        members = frozenset(item for item in constant if type(item) in _FAST_SCALARS)
        fast_types, inside = _FAST_SCALARS, op == "in"

        def member(env: Env) -> Any:
            value = env.get(name, unknown)
            if type_of(value) in fast_types:
                return (value in members) is inside
            return slow(value, constant)
        return member
    fast_types = {int: _NUMBERS, float: _NUMBERS, str: _TEXTS}.get(type(constant), _NONE)
    if type(constant) is bool and op in ("==", "!="):
        fast_types = _BOOLEANS  # booleans have no order: only equality takes the fast path
    test = _PY_OPERATORS[op]

    def compare(env: Env) -> Any:
        value = env.get(name, unknown)
        if type_of(value) in fast_types:
            return test(value, constant)
        return slow(value, constant)
    return compare


_NUMBERS, _TEXTS, _BOOLEANS = frozenset({int, float}), frozenset({str}), frozenset({bool})
_NONE: frozenset = frozenset()


class Chain(Node):
    """A chained comparison ``16 <= age <= 25``: its comparisons joined by ``and``."""

    __slots__ = ()
    precedence = COMPARE

    def _compile(self) -> Fn:
        return all_of(child.compile() for child in self.children)

    def compile_test(self) -> Fn:
        return self.compile()

    def describe(self, labels: Mapping[str, str], lang: str) -> str:
        first, second = self.children[0], self.children[-1]
        low, middle, high = first.children[0], first.children[1], second.children[1]
        ops = [child.op for child in self.children]
        if len(ops) == 2 and len(set(ops)) == 1 and ops[0] in ("<=", ">="):
            if ops[0] == ">=":
                low, high = high, low
            return word("between", lang).format(
                self._part(middle, labels, lang, SUM),
                self._part(low, labels, lang, SUM), self._part(high, labels, lang, SUM))
        parts = [self._part(first.children[0], labels, lang, SUM)]
        for child in self.children:
            parts += [word(child.op, lang), self._part(child.children[1], labels, lang, SUM)]
        return " ".join(parts)


class Logic(Node):
    """``a and b and …`` or ``a or b or …`` under Kleene's rules."""

    __slots__ = ("op",)

    def __init__(self, column: int, op: str, children: tuple):
        super().__init__(column, children)
        self.op = op

    @property
    def precedence(self) -> int:  # type: ignore[override]
        return AND if self.op == "and" else OR

    def _compile(self) -> Fn:
        combine = all_of if self.op == "and" else any_of
        return combine(child.compile_test() for child in self.children)

    def compile_test(self) -> Fn:
        return self.compile()

    def describe(self, labels: Mapping[str, str], lang: str) -> str:
        joiner = f" {word(self.op, lang)} "
        return joiner.join(self._part(child, labels, lang, self.precedence + 1)
                           for child in self.children)


class Not(Node):
    """``not a``: UNKNOWN stays UNKNOWN, EMPTY counts as false."""

    __slots__ = ()
    precedence = NOT

    def _compile(self) -> Fn:
        return negation(self.children[0].compile_test())

    def compile_test(self) -> Fn:
        return self.compile()

    def describe(self, labels: Mapping[str, str], lang: str) -> str:
        # Brackets around anything but a name or a call: « non (âge > 25) ».
        return f"{word('not', lang)} {self._part(self.children[0], labels, lang, SUM)}"


class Call(Node):
    """A call of one of the language's functions (``years_since``, ``today``, ``count``,
    ``answered``, ``departement``, ``region``, ``epci``); the parser checks the name and
    the number of arguments."""

    __slots__ = ("function",)

    def __init__(self, column: int, function: str, arguments: tuple):
        super().__init__(column, arguments)
        self.function = function

    def _compile(self) -> Fn:
        if self.function == "today":
            return today_of
        argument = self.children[0].compile()
        if self.function == "years_since":
            return lambda env: years_since(argument(env), env)
        apply = {"count": count, "answered": answered, "departement": territory("departement"),
                 "region": territory("region"), "epci": territory("epci")}[self.function]
        return lambda env: apply(argument(env))

    def describe(self, labels: Mapping[str, str], lang: str) -> str:
        arguments = [child.describe(labels, lang) for child in self.children]
        return word(self.function, lang).format(*arguments)
