"""The values of the expression language and what its operators do with them.

Three singletons stand beside ordinary answers (numbers, text, booleans, dates, lists):

- :data:`UNKNOWN`: the question has not been answered yet; the result may still change.
- :data:`EMPTY`: the answer is known to be empty (a hidden question, an optional one left
  blank, ``null`` in an answers file). ``None`` in an environment counts as EMPTY.
- :data:`OUT_OF_BOUNDS`: a computation whose result is outside :mod:`builder.numbers`'
  bounds (more than 15 digits, an infinity); it counts as EMPTY everywhere, stays
  OUT_OF_BOUNDS through further computations, and explanations name it. So no
  computation ever builds a number too large to print, store or compute with.

Every function here takes values that may be either singleton and never raises: a type
mismatch is ``False`` for a comparison and EMPTY ("no value") for a computation.
Logic is three-valued (Kleene): results of tests are exactly ``True``, ``False`` or
``UNKNOWN``. The rules are spelt out in ``docs/expressions.md``.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from typing import Any, Callable, Iterable, Mapping

from builder import communes, numbers

Test = Callable[[Mapping[str, Any]], Any]  # a compiled test: env -> True | False | UNKNOWN


class _Sentinel:
    """A named singleton: falsy, copied and pickled as itself."""

    __slots__ = ("_name",)

    def __init__(self, name: str):
        self._name = name

    def __repr__(self) -> str:
        return self._name

    def __bool__(self) -> bool:
        # Falsy so that careless ``if value:`` treats both as "no"; use truth() for logic.
        return False

    def __reduce__(self) -> str:
        return self._name

    def __copy__(self) -> "_Sentinel":
        return self

    def __deepcopy__(self, memo: dict) -> "_Sentinel":
        return self


UNKNOWN = _Sentinel("UNKNOWN")
EMPTY = _Sentinel("EMPTY")
OUT_OF_BOUNDS = _Sentinel("OUT_OF_BOUNDS")

NUMBER, BOOLEAN, TEXT, DATE, LIST, NOTHING, OTHER = (
    "number", "boolean", "text", "date", "list", "empty", "other")
_KINDS = {int: NUMBER, float: NUMBER, bool: BOOLEAN, str: TEXT, dt.date: DATE,
          dt.datetime: DATE, list: LIST, tuple: LIST}
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


def kind(value: Any) -> str:
    """The kind of a known value: number, boolean, text, date, list, empty or other."""
    found = _KINDS.get(type(value))
    if found is not None:
        return found
    if value is EMPTY or value is None or value is OUT_OF_BOUNDS:
        return NOTHING
    for types, name in (((bool,), BOOLEAN), ((int, float), NUMBER), ((str,), TEXT),
                        ((dt.date,), DATE), ((list, tuple), LIST)):
        if isinstance(value, types):
            return name
    return OTHER


def as_date(value: Any) -> dt.date | None:
    """A date from a date, a datetime or an ISO ``YYYY-MM-DD`` text; None otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def truth(value: Any) -> Any:
    """True, False or UNKNOWN: EMPTY (and None) count as false, UNKNOWN stays unknown."""
    if value is True or value is False or value is UNKNOWN:
        return value
    if value is EMPTY or value is None:
        return False
    return bool(value)


# --- Kleene logic ----------------------------------------------------------------------

def kleene_not(value: Any) -> Any:
    """Negation: UNKNOWN stays UNKNOWN, EMPTY counts as false."""
    value = truth(value)
    return UNKNOWN if value is UNKNOWN else not value


def kleene_and(values: Iterable[Any]) -> Any:
    """False if any is false, else UNKNOWN if any is unknown, else True."""
    result = True
    for value in map(truth, values):
        if value is False:
            return False
        if value is UNKNOWN:
            result = UNKNOWN
    return result


def kleene_or(values: Iterable[Any]) -> Any:
    """True if any is true, else UNKNOWN if any is unknown, else False."""
    result = False
    for value in map(truth, values):
        if value is True:
            return True
        if value is UNKNOWN:
            result = UNKNOWN
    return result


def all_of(tests: Iterable[Test]) -> Test:
    """A compiled Kleene ``and`` over compiled tests (each returns True/False/UNKNOWN)."""
    tests = tuple(tests)
    if len(tests) == 1:
        return tests[0]

    def every(env: Mapping[str, Any]) -> Any:
        result = True
        for test in tests:
            value = test(env)
            if value is False:
                return False
            if value is not True:
                result = UNKNOWN
        return result
    return every


def any_of(tests: Iterable[Test]) -> Test:
    """A compiled Kleene ``or`` over compiled tests (each returns True/False/UNKNOWN)."""
    tests = tuple(tests)
    if len(tests) == 1:
        return tests[0]

    def some(env: Mapping[str, Any]) -> Any:
        result = False
        for test in tests:
            value = test(env)
            if value is True:
                return True
            if value is not False:
                result = UNKNOWN
        return result
    return some


def negation(test: Test) -> Test:
    """A compiled Kleene ``not`` over a compiled test."""
    unknown = UNKNOWN

    def opposite(env: Mapping[str, Any]) -> Any:
        value = test(env)
        return unknown if value is unknown else value is False
    return opposite


# --- comparisons -------------------------------------------------------------------------

def equal(left: Any, right: Any) -> bool:
    """Equality of two known values: same kind and equal; a date equals its ISO text."""
    left_kind, right_kind = kind(left), kind(right)
    if left_kind == right_kind:
        if left_kind == LIST:
            return len(left) == len(right) and all(map(equal, left, right))
        if left_kind == DATE:
            return as_date(left) == as_date(right)
        if left_kind == NOTHING:
            return True
        return bool(left == right)
    if {left_kind, right_kind} == {DATE, TEXT}:
        left, right = as_date(left), as_date(right)
        return left is not None and left == right
    return False


def _order(left: Any, right: Any, test: Callable[[Any, Any], bool]) -> Any:
    if left is UNKNOWN or right is UNKNOWN:
        return UNKNOWN
    left_kind, right_kind = kind(left), kind(right)
    try:
        if left_kind == right_kind and left_kind in (NUMBER, TEXT):
            return test(left, right)
        if left_kind in (DATE, TEXT) and right_kind in (DATE, TEXT):
            left, right = as_date(left), as_date(right)
            return left is not None and right is not None and test(left, right)
    except TypeError:
        pass
    return False


def op_eq(left: Any, right: Any) -> Any:
    """``==``: UNKNOWN if either is unknown; EMPTY equals only EMPTY."""
    if left is UNKNOWN or right is UNKNOWN:
        return UNKNOWN
    return equal(left, right)


def op_ne(left: Any, right: Any) -> Any:
    """``!=``: the negation of ``==``."""
    return kleene_not(op_eq(left, right))


def op_lt(left: Any, right: Any) -> Any:
    """``<`` on numbers, texts and dates; False for EMPTY or different kinds."""
    return _order(left, right, operator.lt)


def op_le(left: Any, right: Any) -> Any:
    """``<=`` (see :func:`op_lt`)."""
    return _order(left, right, operator.le)


def op_gt(left: Any, right: Any) -> Any:
    """``>`` (see :func:`op_lt`)."""
    return _order(left, right, operator.gt)


def op_ge(left: Any, right: Any) -> Any:
    """``>=`` (see :func:`op_lt`)."""
    return _order(left, right, operator.ge)


def op_in(left: Any, right: Any) -> Any:
    """``in``: membership in a list; False for EMPTY or when the right side is no list."""
    if left is UNKNOWN or right is UNKNOWN:
        return UNKNOWN
    if kind(left) == NOTHING or kind(right) != LIST:
        return False
    return any(equal(left, item) for item in right)


def op_not_in(left: Any, right: Any) -> Any:
    """``not in``: the negation of ``in`` (so True when either side is EMPTY)."""
    return kleene_not(op_in(left, right))


COMPARISONS: dict[str, Callable[[Any, Any], Any]] = {
    "==": op_eq, "!=": op_ne, "<": op_lt, "<=": op_le, ">": op_gt, ">=": op_ge,
    "in": op_in, "not in": op_not_in}


# --- computations ------------------------------------------------------------------------

def is_number(value: Any) -> bool:
    """True for int and float values (booleans are not numbers)."""
    return kind(value) == NUMBER


def bounded(value: Any) -> Any:
    """``value``, or OUT_OF_BOUNDS for a number outside :mod:`builder.numbers`' bounds."""
    return value if numbers.in_bounds(value) else OUT_OF_BOUNDS


def _arithmetic(test: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def compute(left: Any, right: Any) -> Any:
        if left is UNKNOWN or right is UNKNOWN:
            return UNKNOWN
        if left is OUT_OF_BOUNDS or right is OUT_OF_BOUNDS:
            return OUT_OF_BOUNDS
        if is_number(left) and is_number(right):
            try:
                return bounded(test(left, right))
            except ZeroDivisionError:
                return EMPTY
            except OverflowError:  # an int too large for a float (only from data out of bounds)
                return OUT_OF_BOUNDS
        return EMPTY
    compute.__doc__ = (f"``{test.__name__}`` on numbers; EMPTY for no value or no number, "
                       "OUT_OF_BOUNDS for a result out of bounds.")
    return compute


ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "+": _arithmetic(operator.add), "-": _arithmetic(operator.sub),
    "*": _arithmetic(operator.mul), "/": _arithmetic(operator.truediv)}


def negate(value: Any) -> Any:
    """Unary minus: UNKNOWN stays UNKNOWN, anything but a number gives EMPTY."""
    if value is UNKNOWN or value is OUT_OF_BOUNDS:
        return value
    return bounded(-value) if is_number(value) else EMPTY


def today_of(env: Mapping[str, Any]) -> dt.date:
    """The date ``today()`` stands for: ``env["$today"]``, or the real date when absent."""
    return as_date(env.get("$today")) or dt.date.today()


def whole_years(start: dt.date, end: dt.date) -> int:
    """Whole years from ``start`` to ``end`` (someone born on 29 February turns a year
    older on 1 March in other years)."""
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def years_since(value: Any, env: Mapping[str, Any]) -> Any:
    """``years_since(date)``: whole years up to today; EMPTY for no date."""
    if value is UNKNOWN:
        return UNKNOWN
    start = as_date(value)
    return EMPTY if start is None else whole_years(start, today_of(env))


def territory(kind: str) -> Callable[[Any], Any]:
    """``departement(c)``, ``region(c)``, ``epci(c)``: the code of the commune's
    département, région or EPCI (``"75"``, ``"11"``, ``"200054781"``); EMPTY when ``c``
    is no INSEE code of a current commune, or the commune is in no EPCI."""
    def of(value: Any) -> Any:
        if value is UNKNOWN:
            return UNKNOWN
        found = communes.find(value)
        return (getattr(found, kind) or EMPTY) if found else EMPTY
    return of


def count(value: Any) -> Any:
    """``count(list)``: its length; 0 for EMPTY; EMPTY for something that is no list."""
    if value is UNKNOWN:
        return UNKNOWN
    found = kind(value)
    if found == NOTHING:
        return 0
    return len(value) if found == LIST else EMPTY


def answered(value: Any) -> Any:
    """``answered(x)``: UNKNOWN while unanswered, False when EMPTY, True otherwise."""
    if value is UNKNOWN:
        return UNKNOWN
    return kind(value) != NOTHING
