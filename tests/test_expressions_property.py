"""Random expressions agree with a plain reference evaluator written from docs/expressions.md, and
``unknown_support`` says exactly which unknown answers could still change a result."""

from __future__ import annotations

import datetime as dt
import math
import operator

from hypothesis import given, settings, strategies as st

from builder.rules.conditions import parse_condition
from builder.rules.expressions import parse, rename_identifiers
from builder.rules.values import EMPTY, UNKNOWN

U, E = UNKNOWN, EMPTY
TODAY = dt.date(2025, 3, 1)
NAMES = ["a", "b", "c", "age"]
# Few distinct values, so that equal values meet often.
NUMBERS = [0, 1, 2, 18, 25, -1, 0.5, 2.5, 18.0]
TEXTS = ["a", "b", "apprenti", "", "é ≤ ≠", "2007-03-02", "2025-03-01", "2025-13-01"]
DATES = [dt.date(2007, 3, 2), dt.date(2007, 3, 1), dt.date(2008, 2, 29), TODAY]
LISTS = [["a", "b"], [], ["apprenti"], [1, 2.5], [True], ["2025-03-01"]]
OPS = ["==", "!=", "<", "<=", ">", ">=", "in", "not in"]
ORDER_OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
ARITHMETIC = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}


# --- the reference: a plain recursive walk over the rules of docs/expressions.md--------------

def kind_of(value):
    if value is E:
        return "empty"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "num"
    if isinstance(value, dt.date):
        return "date"
    return {str: "str", list: "list"}[type(value)]


def as_date(value):
    if isinstance(value, dt.date):
        return value
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value)
    except ValueError:
        pass
    return None


def truth(value):
    if value is U:
        return U
    return False if value is E else bool(value)


def kleene_and(values):
    values = [truth(v) for v in values]
    return False if False in values else (U if U in values else True)


def kleene_or(values):
    values = [truth(v) for v in values]
    return True if True in values else (U if U in values else False)


def kleene_not(value):
    value = truth(value)
    return U if value is U else not value


def ref_equal(a, b):
    ka, kb = kind_of(a), kind_of(b)
    if ka == kb == "list":
        return len(a) == len(b) and all(ref_equal(x, y) for x, y in zip(a, b))
    if ka == kb:
        return a == b
    if {ka, kb} == {"date", "str"}:
        return as_date(a) is not None and as_date(a) == as_date(b)
    return False


def ref_compare(op, a, b):
    if a is U or b is U:
        return U
    if op == "==":
        return ref_equal(a, b)
    if op == "!=":
        return not ref_equal(a, b)
    if op in ("in", "not in"):
        found = a is not E and kind_of(b) == "list" and any(ref_equal(a, x) for x in b)
        return found if op == "in" else not found
    ka, kb = kind_of(a), kind_of(b)
    if ka == kb and ka in ("num", "str"):
        return ORDER_OPS[op](a, b)
    if {ka, kb} <= {"date", "str"} and as_date(a) and as_date(b):
        return ORDER_OPS[op](as_date(a), as_date(b))
    return False


def ref_call(name, args, env):
    if name == "today":
        return env["$today"]
    value = args[0]
    if value is U:
        return U
    if name == "answered":
        return value is not E
    if name == "count":
        return 0 if value is E else (len(value) if kind_of(value) == "list" else E)
    born = as_date(value) if kind_of(value) in ("date", "str") else None
    if born is None:
        return E
    today = env["$today"]
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def ref(tree, env):
    tag = tree[0]
    if tag == "const":
        return tree[1]
    if tag == "name":
        value = env.get(tree[1], U)
        return E if value is None else value
    if tag == "list":
        items = [ref(item, env) for item in tree[1]]
        return U if U in items else [item for item in items if item is not E]
    if tag == "neg":
        value = ref(tree[1], env)
        return U if value is U else (-value if kind_of(value) == "num" else E)
    if tag == "arith":
        a, b = ref(tree[2], env), ref(tree[3], env)
        if a is U or b is U:
            return U
        if kind_of(a) != "num" or kind_of(b) != "num":
            return E
        try:
            return ARITHMETIC[tree[1]](a, b)
        except ZeroDivisionError:
            return E
    if tag == "cmp":
        operands = [ref(item, env) for item in tree[2]]
        return kleene_and([ref_compare(op, a, b)
                           for op, a, b in zip(tree[1], operands, operands[1:])])
    if tag in ("and", "or"):
        return (kleene_and if tag == "and" else kleene_or)([ref(t, env) for t in tree[1]])
    if tag == "not":
        return kleene_not(ref(tree[1], env))
    if tag == "answered":
        return ref_call("answered", [ref(("name", tree[1]), env)], env)
    return ref_call(tag, [ref(t, env) for t in tree[1]], env)


# --- rendering trees as text -------------------------------------------------------------

def render(tree):
    tag = tree[0]
    if tag == "const":
        value = tree[1]
        if isinstance(value, bool):
            return "true" if value else "false"
        return f'"{value}"' if isinstance(value, str) else repr(value)
    if tag == "name":
        return tree[1]
    if tag == "list":
        return "[" + ", ".join(render(t) for t in tree[1]) + "]"
    if tag == "neg":
        return f"-({render(tree[1])})"
    if tag == "arith":
        return f"({render(tree[2])}) {tree[1]} ({render(tree[3])})"
    if tag == "cmp":
        parts = [f"({render(tree[2][0])})"]
        for op, operand in zip(tree[1], tree[2][1:]):
            parts += [op, f"({render(operand)})"]
        return " ".join(parts)
    if tag in ("and", "or"):
        return f" {tag} ".join(f"({render(t)})" for t in tree[1])
    if tag == "not":
        return f"not ({render(tree[1])})"
    if tag == "answered":
        return f"answered({tree[1]})"
    return f"{tag}(" + ", ".join(render(t) for t in tree[1]) + ")"


# --- strategies ----------------------------------------------------------------------------

constants = st.sampled_from(NUMBERS + TEXTS + [True, False]).map(lambda value: ("const", value))
leaves = st.one_of(constants, st.sampled_from(NAMES).map(lambda name: ("name", name)),
                   st.just(("today", [])))


constant_lists = st.lists(constants, max_size=3).map(lambda items: ("list", items))
# The usual shape, compiled to a specialised closure: a name against a constant.
name_against_constant = st.tuples(
    st.sampled_from(NAMES).map(lambda name: ("name", name)), st.sampled_from(OPS),
    st.one_of(constants, constant_lists), st.booleans()).map(
        lambda t: ("cmp", [t[1]], [t[0], t[2]] if t[3] else [t[2], t[0]]))


def extend(children):
    comparison = st.lists(st.sampled_from(OPS), min_size=1, max_size=2).flatmap(
        lambda ops: st.lists(children, min_size=len(ops) + 1, max_size=len(ops) + 1).map(
            lambda operands: ("cmp", ops, operands)))
    return st.one_of(
        comparison, comparison, name_against_constant,
        st.lists(children, min_size=2, max_size=3).map(lambda items: ("and", items)),
        st.lists(children, min_size=2, max_size=3).map(lambda items: ("or", items)),
        children.map(lambda child: ("not", child)),
        st.lists(children, max_size=3).map(lambda items: ("list", items)),
        children.map(lambda child: ("neg", child)),
        st.tuples(st.sampled_from("+-*/"), children, children).map(lambda t: ("arith", *t)),
        st.one_of(children, leaves).map(lambda child: ("years_since", [child])),
        children.map(lambda child: ("count", [child])),
        st.sampled_from(NAMES).map(lambda name: ("answered", name)),
    )


trees = st.recursive(leaves, extend, max_leaves=8)
KNOWN = NUMBERS + TEXTS + [True, False] + DATES + LISTS + [E, None]
known_values = st.sampled_from(KNOWN)
ABSENT = object()
slot_values = st.sampled_from(KNOWN + [U, U, ABSENT, ABSENT])


@st.composite
def environments(draw):
    env = {"$today": TODAY}
    for name in NAMES:
        value = draw(slot_values)
        if value is not ABSENT:
            env[name] = value
    return env


def same(x, y):
    if isinstance(x, list) and isinstance(y, list):
        return len(x) == len(y) and all(same(a, b) for a, b in zip(x, y))
    if isinstance(x, float) and isinstance(y, float) and math.isnan(x) and math.isnan(y):
        return True
    return type(x) is type(y) and (x is y or x == y)


def unknown_names(env):
    return {name for name in NAMES if env.get(name, U) is U}


# --- properties ------------------------------------------------------------------------------

@settings(deadline=None, max_examples=300)
@given(trees, environments())
def test_agrees_with_the_reference_evaluator(tree, env):
    source = render(tree)
    expected = ref(tree, env)
    expression = parse(source)
    assert same(expression.evaluate(env), expected), source
    assert same(expression.fn(env), expected)
    assert expression.test(env) is truth(expected)


@settings(deadline=None, max_examples=300)
@given(trees, environments())
def test_support_is_empty_exactly_when_the_result_is_known(tree, env):
    expression = parse(render(tree))
    support = expression.unknown_support(env)
    assert (expression.evaluate(env) is U) == bool(support)
    assert support <= unknown_names(env)
    assert support <= expression.names


@settings(deadline=None, max_examples=300)
@given(trees, environments(), st.data())
def test_answering_the_support_makes_the_result_known(tree, env, data):
    expression = parse(render(tree))
    support = expression.unknown_support(env)
    filled = dict(env, **{name: data.draw(known_values) for name in sorted(support)})
    assert expression.evaluate(filled) is not U


@settings(deadline=None, max_examples=300)
@given(trees, environments(), st.data())
def test_answering_other_unknowns_changes_nothing(tree, env, data):
    expression = parse(render(tree))
    before = expression.evaluate(env)
    others = unknown_names(env) - expression.unknown_support(env)
    filled = dict(env, **{name: data.draw(known_values) for name in sorted(others)})
    assert same(expression.evaluate(filled), before)


@settings(deadline=None, max_examples=300)
@given(trees, environments())
def test_describe_and_values_used_work_for_any_expression(tree, env):
    expression = parse(render(tree))
    assert isinstance(expression.describe({"age": "âge"}), str)
    assert isinstance(expression.describe(lang="en"), str)
    assert set(expression.values_used(env)) == expression.names


@settings(deadline=None, max_examples=300)
@given(trees, environments())
def test_renaming_names_keeps_the_meaning(tree, env):
    source = render(tree)
    renamed = rename_identifiers(source, {name: f"x_{name}" for name in NAMES})
    moved = {("x_" + key if key in NAMES else key): value for key, value in env.items()}
    again = parse(renamed)
    assert again.names == {f"x_{name}" for name in parse(source).names}
    assert same(again.evaluate(moved), parse(source).evaluate(env))


conditions = st.recursive(
    trees.map(render),
    lambda children: st.one_of(
        st.lists(children, min_size=1, max_size=3).map(lambda items: {"all": items}),
        st.lists(children, min_size=1, max_size=3).map(lambda items: {"any": items}),
        children.map(lambda child: {"not": child})),
    max_leaves=5)


def ref_condition(data, env):
    if isinstance(data, str):
        return truth(parse(data).evaluate(env))
    (key, value), = data.items()
    if key == "not":
        return kleene_not(ref_condition(value, env))
    combine = kleene_and if key == "all" else kleene_or
    return combine([ref_condition(item, env) for item in value])


@settings(deadline=None, max_examples=300)
@given(conditions, environments(), st.data())
def test_condition_trees_follow_kleene_logic(data_tree, env, data):
    condition = parse_condition(data_tree)
    result = condition.evaluate(env)
    assert result is ref_condition(data_tree, env)
    support = condition.unknown_support(env)
    assert (result is U) == bool(support)
    filled = dict(env, **{name: data.draw(known_values) for name in sorted(support)})
    assert condition.evaluate(filled) is not U
    assert condition.explain(env).result is result
