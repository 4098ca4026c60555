"""Condition trees (all/any/not): every error at once with its path, Kleene logic, what is
still missing, and explanations a person can read."""

from __future__ import annotations

import datetime as dt

import pytest

from builder.messages import Problems
from builder.rules.conditions import Check, parse_condition, render_explanation
from builder.rules.values import EMPTY, UNKNOWN

WHEN = {"all": ['statut == "apprenti"', "age >= 18", {"not": "age > 25"},
                {"any": ["resident", "answered(adresse)"]}]}
PATH = ("outcomes", 0, "when")


def test_a_string_is_one_expression():
    condition = parse_condition("age >= 18")
    assert condition.names == {"age"}
    assert condition.evaluate({"age": 18}) is True
    assert condition.fn({"age": 17}) is False
    assert condition.fn({}) is UNKNOWN


def test_an_expression_leaf_is_reduced_to_a_truth_value():
    condition = parse_condition("resident")
    assert condition.fn({"resident": EMPTY}) is False
    assert condition.fn({"resident": "oui"}) is True


def test_trees_nest_freely():
    condition = parse_condition(WHEN, PATH)
    assert condition.names == {"statut", "age", "resident", "adresse"}
    env = {"statut": "apprenti", "age": 19, "resident": False, "adresse": "1 rue"}
    assert condition.evaluate(env) is True
    assert condition.evaluate({**env, "age": 26}) is False
    assert condition.evaluate({**env, "adresse": EMPTY}) is False
    del env["adresse"]
    assert condition.evaluate(env) is UNKNOWN


@pytest.mark.parametrize("data, env, expected", [
    ({"all": ["a", "b"]}, {"a": False}, False), ({"all": ["a", "b"]}, {"a": True}, UNKNOWN),
    ({"any": ["a", "b"]}, {"b": True}, True), ({"any": ["a", "b"]}, {"b": False}, UNKNOWN),
    ({"not": "a"}, {}, UNKNOWN), ({"not": "a"}, {"a": EMPTY}, True),
    ({"not": {"any": ["a", "b"]}}, {"a": False, "b": False}, True),
    ({"all": ["a"]}, {"a": 1}, True)])
def test_groups_follow_kleene(data, env, expected):
    assert parse_condition(data).evaluate(env) is expected


def test_yaml_booleans_are_constants():
    assert parse_condition(True).evaluate({}) is True
    assert parse_condition({"all": [False, "a"]}).evaluate({}) is False
    assert parse_condition(False).names == frozenset()


def test_every_error_of_the_tree_is_reported_with_its_path():
    data = {"all": ["age >=", 3, {"tous": ["a"]}, {"not": ["x"]}, {"any": []},
                    {"all": "x", "any": "y"}, None, {"any": ["ok", "a.b"]}, {"all": "a"}, ["a"], {}]}
    with pytest.raises(Problems) as caught:
        parse_condition(data, PATH)
    found = [(problem.path, problem.code, problem.column) for problem in caught.value.problems]
    assert found == [
        (PATH + ("all", 0), "expr_incomplete", 7),
        (PATH + ("all", 1), "cond_number", None),
        (PATH + ("all", 2, "tous"), "cond_unknown_key", None),
        (PATH + ("all", 3, "not"), "cond_not_one", None),
        (PATH + ("all", 4, "any"), "cond_empty_list", None),
        (PATH + ("all", 5), "cond_keys", None),
        (PATH + ("all", 6), "cond_empty", None),
        (PATH + ("all", 7, "any", 1), "expr_not_allowed", 2),
        (PATH + ("all", 8, "all"), "cond_not_list", None),
        (PATH + ("all", 9), "cond_list", None),
        (PATH + ("all", 10), "cond_keys", None),
    ]
    for problem in caught.value.problems:
        assert problem.message("fr") and problem.message("en")


def test_unknown_group_key_suggests_the_right_one():
    for key, suggestion in (("tous", "all"), ("anyy", "any"), ("NOT", "not"), ("ou", "any")):
        with pytest.raises(Problems) as caught:
            parse_condition({key: ["a"]})
        assert f"Vouliez-vous dire « {suggestion} » ?" in caught.value.problems[0].message()


def test_a_single_error_is_raised_as_problems_too():
    with pytest.raises(Problems) as caught:
        parse_condition("age >= 18 et x", ("steps", 1, "show_if"))
    [problem] = caught.value.problems
    assert problem.path == ("steps", 1, "show_if") and problem.column == 11


@pytest.mark.parametrize("env, support", [
    ({}, {"statut", "age", "resident", "adresse"}),
    ({"statut": "autre"}, set()),
    ({"statut": "apprenti", "age": 19, "resident": False}, {"adresse"}),
    ({"statut": "apprenti", "age": 19, "resident": True}, set()),
    ({"age": 30}, set()),
    ({"age": 19, "resident": True}, {"statut"})])
def test_unknown_support_of_a_tree(env, support):
    assert parse_condition(WHEN).unknown_support(env) == support


def test_explain_gives_a_tree_of_checks():
    env = {"statut": "apprenti", "age": 19}
    check = parse_condition(WHEN).explain(env)
    assert isinstance(check, Check)
    assert (check.kind, check.text, check.source, check.result) == (
        "all", "toutes ces conditions", None, UNKNOWN)
    first, second, negation, alternative = check.children
    assert (first.kind, first.text, first.source, first.values, first.result) == (
        "leaf", "statut = « apprenti »", 'statut == "apprenti"', {"statut": "apprenti"}, True)
    assert second.values == {"age": 19} and second.result is True
    assert (negation.kind, negation.text, negation.result) == ("not", "pas : age > 25", True)
    assert negation.children[0].result is False
    assert (alternative.kind, alternative.text) == ("any", "au moins une de ces conditions")
    assert [child.values for child in alternative.children] == [
        {"resident": UNKNOWN}, {"adresse": UNKNOWN}]


def test_render_explanation_reads_like_a_person_would_say_it():
    labels = {"age": "âge", "statut": "situation", "resident": "vous habitez ici"}
    options = {"apprenti": "En apprentissage"}

    def format_value(name, value):
        if value is UNKNOWN:
            return "pas encore répondu"
        return options.get(value, str(value))

    env = {"statut": "apprenti", "age": 19, "resident": False}
    lines = render_explanation(parse_condition(WHEN).explain(env), labels, format_value)
    assert lines == [  # the conditions all needed are simply listed, never under a bare « toutes ces conditions »
        "situation : En apprentissage — il faut : En apprentissage ✓",
        "âge : 19 — il faut : 18 ou plus ✓",
        "pas : âge > 25 ✓",
        "  âge : 19 — il faut : plus de 25 ✗",
        "Il suffit d'une de ces conditions ?",
        "  vous habitez ici : False — il faut : True ✗",
        "  adresse : pas encore répondu — adresse renseigné ?",
    ]


def test_render_explanation_formats_values_by_default():
    condition = parse_condition({"any": ["born < '2008-01-01'", "x > 2.5", "y == 'a'", True]})
    env = {"born": dt.date(2007, 3, 2), "x": EMPTY}
    assert render_explanation(condition.explain(env), {"born": "date de naissance"}) == [
        "Il suffit d'une de ces conditions ✓",
        "  date de naissance : 02/03/2007 — date de naissance < « 2008-01-01 » ✓",
        "  x : vide — x > 2,5 ✗",
        "  y : pas encore répondu — y = « a » ?",
        "  toujours ✓",
    ]


def test_render_explanation_in_english():
    condition = parse_condition({"not": "16 <= age <= 25"})
    assert render_explanation(condition.explain({"age": 30}), {}, None, "en") == [
        "not: age between 16 and 25 ✓",
        "  age: 30 — age between 16 and 25 ✗",
    ]


def test_describe_a_whole_condition():
    condition = parse_condition({"all": ["a or b", {"any": ["c", "d and e"]}, {"not": "f > 1"}]})
    assert condition.describe() == "(a ou b) et (c ou d et e) et non (f > 1)"
    assert [leaf.describe() for leaf in condition.leaves()] == ["a ou b", "c", "d et e", "f > 1"]


def test_explanations_name_options_by_their_labels_not_their_values():
    from builder.format.loader import load_service_text
    from builder.rules.engine import evaluate
    service = load_service_text("""\
tremplin: 1
id: s
title: S
steps:
  - id: vous
    blocks:
      - {type: choice, id: statut, label: Votre situation, options: [{value: sans_activite, label: Sans emploi}, {value: etudiant, label: Étudiant}]}
      - {type: number, id: age, label: Votre âge, unit: ans}
      - {type: yesno, id: boursier, label: Boursier ?}
outcomes:
  - id: aide
    title: Aide
    when: {all: ['statut in ["sans_activite", "etudiant"]', "16 <= age <= 25", "not boursier"]}
""")
    lines = evaluate(service, {"statut": "etudiant", "age": 30, "boursier": False}).explanation("aide")
    assert lines == [
        "Votre situation : Étudiant — il faut : Sans emploi ou Étudiant ✓",
        "Votre âge : 30\xa0ans — il faut : entre 16 et 25\xa0ans ✗",
        "Boursier ? : Non — il faut : Non ✓",
    ]


AGE_SERVICE = """\
tremplin: 1
id: vacances
title: Aide aux vacances
computed:
  age: years_since(date_naissance)
steps:
  - id: vous
    blocks:
      - {type: date, id: date_naissance, label: Votre date de naissance}
      - {type: yesno, id: allocation, label: Votre famille touche-t-elle l'allocation ?}
outcomes:
  - id: direct
    title: Direct
    when: {all: ["years_since(date_naissance) >= 11 and years_since(date_naissance) <= 17", allocation]}
  - id: named
    title: Named
    when: age >= 11 and age <= 17 and allocation
"""


@pytest.mark.parametrize("outcome", ["direct", "named"])
def test_why_says_the_age_in_years_never_the_words_of_a_function(outcome):
    from builder.format.loader import load_service_text
    from builder.rules.engine import evaluate
    service = load_service_text(AGE_SERVICE)
    answers = {"date_naissance": dt.date(2011, 3, 2), "allocation": True}
    lines = evaluate(service, answers, today=dt.date(2026, 11, 1)).explanation(outcome)
    assert lines == ["Votre âge : 15\xa0ans — il faut : entre 11 et 17\xa0ans ✓",
                     "Votre famille touche-t-elle l'allocation ? : Oui — il faut : Oui ✓"]
    english = evaluate(service, answers, today=dt.date(2026, 11, 1), lang="en").explanation(outcome)
    assert english[0] == "Your age: 15\xa0years — needed: between 11 and 17\xa0years ✓"
