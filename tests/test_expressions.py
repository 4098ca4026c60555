"""The expression language: every operator and function, the EMPTY/UNKNOWN rules of
docs/expressions.md, readable descriptions, renaming, and clean errors for anything else."""

from __future__ import annotations

import copy
import datetime as dt
import pickle
import re
from pathlib import Path
from string import Formatter

import pytest

from builder.messages import Problem, known_codes, render
from builder.rules import values
from builder.rules.expression_messages import MESSAGES
from builder.rules.expressions import parse, rename_identifiers
from builder.rules.values import EMPTY, OUT_OF_BOUNDS, UNKNOWN, truth

TODAY = dt.date(2025, 3, 1)


def ev(source: str, **env):
    """The value of ``source`` with ``env`` (and a fixed today)."""
    return parse(source).evaluate({"$today": TODAY, **env})


# --- values ----------------------------------------------------------------------------

def test_sentinels_are_readable_singletons():
    assert repr(UNKNOWN) == "UNKNOWN" and repr(EMPTY) == "EMPTY"
    assert pickle.loads(pickle.dumps(UNKNOWN)) is UNKNOWN
    assert copy.deepcopy([EMPTY])[0] is EMPTY


@pytest.mark.parametrize("value, expected", [
    (UNKNOWN, UNKNOWN), (EMPTY, False), (None, False), (True, True), (False, False),
    (0, False), (3, True), ("", False), ("a", True), ([], False), (["a"], True)])
def test_truth(value, expected):
    assert truth(value) is expected


# --- constants, names, arithmetic ---------------------------------------------------------

def test_constants():
    assert ev("18") == 18 and ev("2.5") == 2.5 and ev("-3") == -3
    assert ev('"apprenti"') == "apprenti" and ev("'a'") == "a"
    assert ev("true") is True and ev("false") is False
    assert ev('["a", 1, true]') == ["a", 1, True]


def test_names_may_hold_digits_and_underscores_and_numbers_python_forms():
    assert ev("x_1a + _b2 == 3", x_1a=1, _b2=2) is True
    assert ev("1_000 + 0x10 + 1e3 + .5") == 2016.5


def test_names_missing_are_unknown_and_none_is_empty():
    assert ev("age", age=19) == 19
    assert ev("age") is UNKNOWN
    assert ev("age", age=None) is EMPTY
    assert ev("age", age=EMPTY) is EMPTY


@pytest.mark.parametrize("source, expected", [
    ("1 + 2 * 3", 7), ("(1 + 2) * 3", 9), ("10 - 4 - 3", 3), ("7 / 2", 3.5),
    ("-age + 1", -18), ("2 * -age", -38), ("age / 0", EMPTY), ("age + empty", EMPTY),
    ("-empty", EMPTY), ("age + nothing", UNKNOWN), ("-nothing", UNKNOWN),
    ('age + "1"', EMPTY), ("age + true", EMPTY), ('-"a"', EMPTY), ("empty + nothing", UNKNOWN),
    ('"a" + "b"', EMPTY), ("[1] + [2]", EMPTY)])
def test_arithmetic(source, expected):
    assert ev(source, age=19, empty=EMPTY) == expected
    assert type(ev(source, age=19, empty=EMPTY)) is type(expected)


def test_arithmetic_out_of_bounds_is_out_of_bounds_and_counts_as_empty():
    big = 10 ** 14
    assert ev("n * n", n=big) is OUT_OF_BOUNDS
    assert ev("n * n * n * n - n * n * n * n", n=big) is OUT_OF_BOUNDS  # no huge number in between
    assert ev("n * n", n=1.5e14) is OUT_OF_BOUNDS and ev("n * n", n=float("inf")) is OUT_OF_BOUNDS
    assert ev("-(n * n)", n=big) is OUT_OF_BOUNDS
    assert ev("n * n > 0", n=big) is False and ev("n * n == n * n", n=big) is True
    assert ev("[n * n, 1]", n=big) == [1]
    assert ev("big / 3", big=10 ** 400) is OUT_OF_BOUNDS  # data already out of bounds
    assert ev("n * 10", n=big // 100) == big // 10  # the bound is 15 digits


@pytest.mark.parametrize("source", ["1e400", "10000000000000000 > age", "age < -1_000_000_000_000_000"])
def test_a_number_out_of_bounds_in_an_expression_is_refused(source):
    with pytest.raises(Problem) as caught:
        parse(source)
    assert caught.value.code == "expr_number_bounds"
    assert "un nombre s'écrit avec 15 chiffres au plus" in caught.value.message("fr")


# --- comparisons --------------------------------------------------------------------------

@pytest.mark.parametrize("source, expected", [
    ("age == 19", True), ("age == 19.0", True), ("age != 19", False), ("age < 20", True),
    ("age <= 19", True), ("age > 19", False), ("age >= 19", True),
    ('statut == "apprenti"', True), ('statut != "apprenti"', False),
    ('statut < "b"', True), ('statut in ["apprenti", "etudiant"]', True),
    ('statut not in ["apprenti", "etudiant"]', False), ('"fr" in langues', True),
    ('"de" in langues', False), ('"de" not in langues', True), ("age in [18, 19]", True),
    ("true == 1", False), ("age == true", False), ("oui == true", True),
    ("oui > false", False), ("[1, 2] == [1, 2]", True), ("[1, 2] == [2, 1]", False),
    ('age < "20"', False), ('"20" > age', False), ("age in 19", False),
    ('"app" in statut', False), ("langues == [\"fr\", \"en\"]", True)])
def test_comparisons(source, expected):
    env = {"age": 19, "statut": "apprenti", "langues": ["fr", "en"], "oui": True}
    assert ev(source, **env) is expected


@pytest.mark.parametrize("source, expected", [
    ("x == empty", False), ("empty == empty", True), ("empty == x2", True),
    ("x != empty", True), ("empty != empty", False), ("empty < 1", False),
    ("empty <= 1", False), ("empty > 1", False), ("empty >= 1", False), ("1 > empty", False),
    ("empty in [1]", False), ("1 in empty", False), ("empty not in [1]", True),
    ("1 not in empty", True), ("empty == false", False), ('empty == ""', False)])
def test_empty_compares_equal_only_to_empty(source, expected):
    assert ev(source, x=1, empty=EMPTY, x2=None) is expected


@pytest.mark.parametrize("op", ["==", "!=", "<", "<=", ">", ">=", "in", "not in"])
@pytest.mark.parametrize("other", ["1", "empty", "[1]"])
def test_unknown_spreads_through_every_comparison(op, other):
    assert ev(f"nothing {op} {other}", empty=EMPTY) is UNKNOWN
    assert ev(f"{other} {op} nothing", empty=EMPTY) is UNKNOWN


@pytest.mark.parametrize("source, expected", [
    ('born == "2007-03-02"', True), ('"2007-03-02" == born', True), ('born < "2008-01-01"', True),
    ('born >= "2007-03-03"', False), ('"2010-01-01" > born', True), ('born == "2007-3-2"', False),
    ('born < "not a date"', False), ('born < "2007-13-45"', False), ("born < today()", True),
    ('today() == "2025-03-01"', True), ('born_text < "2008-01-01"', True),
    ('born_text < born', False), ("born == born_text", True)])
def test_dates_compare_with_iso_texts(source, expected):
    assert ev(source, born=dt.date(2007, 3, 2), born_text="2007-03-02") is expected


@pytest.mark.parametrize("age, expected", [
    (15, False), (16, True), (20, True), (25, True), (26, False), (UNKNOWN, UNKNOWN),
    (EMPTY, False), ("20", False)])
def test_chained_comparisons_mean_and(age, expected):
    assert ev("16 <= age <= 25", age=age) is expected
    assert ev("25 >= age >= 16", age=age) is expected


def test_chained_comparison_is_false_as_soon_as_one_part_is():
    assert ev("x < 1 < y", x=5) is False
    assert ev("x < 10 < y", x=5) is UNKNOWN


# Every comparison of a name with a constant is compiled to a fast closure: it must give
# what the general rule gives, for every kind of value, on both sides.
FAST_CONSTANTS = ["18", "18.5", "0", "1", '"apprenti"', '""', '"2025-03-01"', "true", "false",
                  '["apprenti", "b"]', "[1, 2.5]", "[true]", "[]", '["2025-03-01"]', "[[1]]"]
FAST_VALUES = [18, 18.0, 18.5, 0, 1, 1.0, -2, True, False, "apprenti", "", "2025-03-01",
               dt.date(2025, 3, 1), dt.datetime(2025, 3, 1, 12), ["apprenti"], [1], [True],
               (1,), EMPTY, None, UNKNOWN]


@pytest.mark.parametrize("op", ["==", "!=", "<", "<=", ">", ">=", "in", "not in"])
@pytest.mark.parametrize("constant", FAST_CONSTANTS)
def test_fast_comparisons_agree_with_the_general_rule(op, constant):
    general = values.COMPARISONS[op]
    literal = parse(constant).evaluate({})
    ahead, behind = parse(f"x {op} {constant}"), parse(f"{constant} {op} x")
    for value in FAST_VALUES:
        env = {"x": value}
        assert ahead.fn(env) is general(value, literal), (op, constant, value)
        assert behind.fn(env) is general(literal, value), (op, constant, value)


# --- logic -----------------------------------------------------------------------------------

T, F, U, E = True, False, UNKNOWN, EMPTY
KLEENE = [(T, T, T, T), (T, F, F, T), (T, U, U, T), (F, F, F, F), (F, U, F, U), (U, U, U, U),
          (E, T, F, T), (E, U, F, U), (E, E, F, F), (E, F, F, F)]


@pytest.mark.parametrize("a, b, conjunction, disjunction", KLEENE)
def test_and_or_follow_kleene(a, b, conjunction, disjunction):
    assert ev("a and b", a=a, b=b) is conjunction
    assert ev("b and a", a=a, b=b) is conjunction
    assert ev("a or b", a=a, b=b) is disjunction
    assert ev("b or a", a=a, b=b) is disjunction


@pytest.mark.parametrize("a, expected", [(T, F), (F, T), (U, U), (E, T), (0, T), ("x", F)])
def test_not(a, expected):
    assert ev("not a", a=a) is expected


def test_and_or_return_booleans_not_operands():
    assert ev('1 and "x"') is True
    assert ev("0 or []") is False
    assert ev("a and b and c", a=True, b=True) is UNKNOWN
    assert ev("a and b and c", a=True, b=False) is False
    assert ev("a or b or c", b=1) is True


def test_precedence_not_and_or():
    assert ev("not a and b", a=False, b=True) is True
    assert ev("a or b and c", a=True, b=False, c=False) is True
    assert ev("not a == 1", a=2) is True


# --- functions --------------------------------------------------------------------------------

@pytest.mark.parametrize("born, today, years", [
    (dt.date(2007, 3, 2), dt.date(2025, 3, 1), 17), (dt.date(2007, 3, 2), dt.date(2025, 3, 2), 18),
    ("2007-03-02", dt.date(2025, 3, 2), 18), (dt.date(2008, 2, 29), dt.date(2025, 2, 28), 16),
    (dt.date(2008, 2, 29), dt.date(2025, 3, 1), 17), (dt.date(2008, 2, 29), dt.date(2028, 2, 29), 20),
    (dt.date(2025, 3, 2), dt.date(2025, 3, 1), -1), (dt.datetime(2007, 3, 2, 8), dt.date(2025, 3, 2), 18)])
def test_years_since_counts_whole_years(born, today, years):
    assert parse("years_since(born)").evaluate({"born": born, "$today": today}) == years


@pytest.mark.parametrize("born, expected", [
    (EMPTY, EMPTY), (None, EMPTY), (UNKNOWN, UNKNOWN), (18, EMPTY), ("hier", EMPTY)])
def test_years_since_without_a_date(born, expected):
    assert ev("years_since(born)", born=born) is expected


def test_today():
    assert ev("today()") == TODAY
    assert parse("today()").evaluate({}) == dt.date.today()
    assert parse("years_since(born) >= 18").evaluate({"born": "2007-03-02"}) is True


@pytest.mark.parametrize("value, expected", [
    (["a", "b"], 2), ([], 0), (EMPTY, 0), (None, 0), (UNKNOWN, UNKNOWN), ("ab", EMPTY), (3, EMPTY)])
def test_count(value, expected):
    assert ev("count(x)", x=value) == expected
    assert type(ev("count(x)", x=value)) is type(expected)


def test_list_literals_drop_empty_items_and_are_unknown_with_an_unknown_item():
    assert ev("count([a, b])", a="x", b=EMPTY) == 1
    assert ev("[a, b]", a="x") is UNKNOWN
    assert ev('"x" in [a, "y"]', a="x") is True


@pytest.mark.parametrize("value, expected", [
    ("x", True), (False, True), (0, True), (EMPTY, False), (None, False), (UNKNOWN, UNKNOWN)])
def test_answered(value, expected):
    assert ev("answered(x)", x=value) is expected


# --- what an expression knows about itself -------------------------------------------------

def test_names_exclude_functions_and_booleans():
    expression = parse("years_since(born) >= 18 and answered(tel) and ok == true and today() > d")
    assert expression.names == {"born", "tel", "ok", "d"}
    assert expression.source.startswith("years_since")


@pytest.mark.parametrize("source, env, support", [
    ("a and b", {"a": False}, set()), ("a and b", {"a": True}, {"b"}), ("a and b", {}, {"a", "b"}),
    ("a or b", {"a": True}, set()), ("a or b", {"b": False}, {"a"}),
    ("age >= 18 and statut == 'x'", {"statut": "y"}, set()),
    ("age >= 18 and statut == 'x'", {"statut": "x"}, {"age"}),
    ("not (a or b)", {"a": False}, {"b"}), ("answered(tel)", {}, {"tel"}),
    ("16 <= age <= 25", {"age": 30}, set()), ("16 <= age <= 25", {}, {"age"}),
    ("count([a, b]) > 1", {"a": 1}, {"b"}), ("x + y > 3", {"x": EMPTY}, {"y"}),
    ("a and (b or c)", {"a": True, "b": False}, {"c"})])
def test_unknown_support_names_only_what_can_still_change_the_result(source, env, support):
    assert parse(source).unknown_support(env) == support


@pytest.mark.parametrize("source, described", [
    ("age >= 18 and age <= 25", "âge ≥ 18 et âge ≤ 25"),
    ('statut == "apprenti"', "statut = « apprenti »"),
    ('statut in ["a", "b"]', "statut parmi « a », « b »"),
    ("years_since(date_naissance) >= 18", "âge (d'après date de naissance) ≥ 18"),
    ("18 <= age", "âge ≥ 18"), ("16 <= age <= 25", "âge entre 16 et 25"),
    ("0 < age < 3", "0 < âge < 3"), ('"fr" in langues', "langues contient « fr »"),
    ("not etudiant or boursier", "non etudiant ou boursier"),
    ("(a or b) and c", "(a ou b) et c"), ("not (age > 25)", "non (âge > 25)"),
    ("revenu * 2.5 ≠ 3", "revenu × 2,5 ≠ 3"), ("count(langues) > 1", "nombre de langues > 1"),
    ("resident == true", "resident = oui"), ("answered(tel)", "tel renseigné"),
    ("today() > d", "aujourd'hui > d")])
def test_describe_in_french(source, described):
    labels = {"age": "âge", "date_naissance": "date de naissance"}
    assert parse(source).describe(labels) == described


def test_describe_in_english():
    expression = parse('age >= 18 and statut in ["a"] and 16 <= age <= 25')
    assert expression.describe({}, "en") == "age ≥ 18 and statut one of “a” and age between 16 and 25"


def test_values_used_in_order_of_writing():
    env = {"statut": "a", "age": None}
    assert list(parse("statut == 'a' and age > 1 and statut != x").values_used(env).items()) == [
        ("statut", "a"), ("age", EMPTY), ("x", UNKNOWN)]


def test_french_symbols_and_line_breaks():
    assert ev("age ≥ 18 and age ≤ 25 and statut ≠ 'x'", age=19, statut="y") is True
    assert ev('statut == "≤"', statut="≤") is True
    assert ev("age >= 18\n  and age <= 25", age=19) is True


def test_rename_identifiers_keeps_everything_else_as_written():
    source = 'age ≥ 18  and  statut == "age"   or answered(age) and count(ages) > years_since(age)'
    assert rename_identifiers(source, {"age": "x_age", "ages": "x_ages", "count": "n"}) == (
        'x_age ≥ 18  and  statut == "age"   or answered(x_age) and count(x_ages) > '
        "years_since(x_age)")


def test_expressions_pickle_by_their_source():
    expression = pickle.loads(pickle.dumps(parse("age >= 18")))
    assert expression.source == "age >= 18" and expression.evaluate({"age": 20}) is True


# --- errors --------------------------------------------------------------------------------------

HOSTILE = [
    "__import__('os')", "().__class__", "9**9**9", "(" * 10000 + "1" + ")" * 10000, "x" * 1_000_000,
    '"' + "a" * 1_000_000 + '"', "[x for x in y]", "lambda: 1", "a.b", "a[0]", 'open("f")',
    "x if y else z", "(" * 51 + "1" + ")" * 51, "-" * 1999 + "1", "not " * 499 + "a",
    "+".join(["a"] * 600), "[" + "1," * 700 + "]", "a and " * 400 + "a", "{}", "{'a': 1}", "{1}", "(x := 1)", "*a",
    "f(x=1)", "years_since(x=1)", "b'x'", "f'{a}'", "1j", "...", "a is b", "a % 2", "a // 2",
    "a @ b", "a & b", "~a", "+a", "(yield)", "await a", "a(1)(2)", "\x00", "a # b", "a\\\nb",
    "'''a'''", "count(*a)", "[*a]", "a if b", "a; b", "a = 1", "import os", "True", "None",
    "eval('1')", "exec('1')", "().__class__.__bases__[0].__subclasses__()", "(1, 2)", "2,5",
    "x == \"a", "years_since(a, b)", "today(1)", "answered(a + 1)", "âge > 1", "ａge",
    "count", "", "   ", "\t\n", "((a)", "a)", "[a)", "“a”", "a && b", "x == 'é' and é"]


@pytest.mark.parametrize("source", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_expressions_give_a_clean_problem(source):
    with pytest.raises(Problem) as caught:
        parse(source)
    problem = caught.value
    assert problem.code in known_codes()
    assert problem.message("fr") and problem.message("en")
    assert problem.column is None or 1 <= problem.column <= len(source) + 1


def test_a_python_word_is_only_a_name_looked_up_in_the_answers():
    assert parse("exec").names == {"exec"}
    assert parse("__builtins__ or exec").evaluate({"exec": 1}) is True


def test_non_text_is_a_problem():
    with pytest.raises(Problem) as caught:
        parse(18)
    assert caught.value.code == "expr_not_text"


@pytest.mark.parametrize("source, code, column", [
    ("age >= 18 et resident", "expr_word", 11),
    ('statut = "apprenti"', "expr_single_equals", 8),
    ("(age > 18", "expr_unclosed_paren", 1),
    ('statut in ["a", "b"', "expr_unclosed_bracket", 11),
    ("age > 18)", "expr_unmatched", 9),
    ("(age > 18]", "expr_mismatched", 10),
    ("age >=", "expr_incomplete", 7),
    ("age >= 18 and", "expr_incomplete", 14),
    ("a ≤", "expr_incomplete", 4),
    ("statut == 'apprenti", "expr_unterminated_string", 11),
    ("age > 18ans", "expr_bad_number", 7),
    ("age > 1and x", "expr_bad_number", 7),
    ("x == 'a\\'b'", "expr_backslash", 8),
    ("x == 'a\x00'", "expr_invalid_char", 8),
    ('statut == “a”', "expr_curly_quote", 11),
    ("a && b", "expr_word", 4),
    ("a || b", "expr_word", 4),
    ("a => 3", "expr_word", 3),
    ("a b", "expr_syntax", 3),
    ("2,5", "expr_comma", 2),
    ('statut in ["a" "b"]', "expr_comma_missing", 16),
    ("x == 'a'  'b'", "expr_comma_missing", 11),
    ("age ** 2", "expr_not_allowed", 5),
    ('"é" == a.b', "expr_not_allowed", 9),
    ("a ≤ b ≤ c.d", "expr_not_allowed", 10),
    ("x == 1 and a[0]", "expr_not_allowed", 13),
    ("é ≥ 1", "expr_bad_name", 1),
    ("x ≥ 1 and é", "expr_bad_name", 11),
    ("True", "expr_python_constant", 1),
    ("age > 1 and None", "expr_none", 13),
    ("Today()", "expr_unknown_function", 1),
    ("a and years_since()", "expr_arity", 7),
    ("answered('x')", "expr_answered_name", 10),
    ("x > today", "expr_function_name", 5),
    ("a $ b", "expr_invalid_char", 3),
    ("(" * 51 + "1" + ")" * 51, "expr_too_deep", 51),
    ("x" * 2001, "expr_too_long", 2001),
    ("   ", "expr_empty", 1),
])
def test_errors_carry_the_column_where_they_are(source, code, column):
    with pytest.raises(Problem) as caught:
        parse(source)
    assert (caught.value.code, caught.value.column) == (code, column)


def test_error_messages_are_plain_french_with_english_beside():
    with pytest.raises(Problem) as caught:
        parse("age >= 18 et resident")
    assert caught.value.message() == "Écrivez « and » au lieu de « et ». (colonne 11)"
    assert caught.value.message("en") == "Write “and” instead of “et”. (column 11)"
    with pytest.raises(Problem) as caught:
        parse("yers_since(d)")
    assert "Vouliez-vous dire « years_since » ?" in caught.value.message()


def test_the_error_examples_of_the_docs_are_the_real_messages():
    docs = (Path(__file__).parent.parent / "docs" / "expressions.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([^`]*)` \| (.*) \|$", docs.split("## 4.")[1], re.MULTILINE)
    examples = [(source, message) for source, message in rows if not source.startswith(("{", "any:"))]
    assert len(examples) > 10
    for source, message in examples:
        with pytest.raises(Problem) as caught:
            parse(source)
        assert caught.value.message() == message


def _fields(template: str) -> set[str]:
    return {field.replace("what_en", "what_fr")
            for _, field, _, _ in Formatter().parse(template) if field}


def test_every_expression_message_exists_in_both_languages_with_the_same_fields():
    assert len(MESSAGES) > 20
    for code, (french, english) in MESSAGES.items():
        assert _fields(french) == _fields(english), code
        params = {field: "x" for field in _fields(french) | {"what_en"}}
        assert render(code, "fr", **params) != render(code, "en", **params)
