"""The condition builder writes what a person would write, and reads it back."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from builder.editing.conditions import (Row, Subject, check_expression, condition_to_rows, condition_to_text,
                                        make_row, operators_for, operators_for_kind, row_expression,
                                        rows_to_condition, subjects)
from builder.editing.document import ServiceDocument
from builder.editing.references import condition_places
from builder.messages import Problem
from builder.rules.conditions import parse_condition
from builder.rules.expressions import parse
from builder.rules.values import UNKNOWN

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.yaml"))
QUESTIONS = {
    "statut": Subject("statut", "Votre situation", "option", (("apprenti", "En apprentissage"),)),
    "besoins": Subject("besoins", "Vos besoins", "options"),
    "revenus": Subject("revenus", "Vos revenus", "number"),
    "boursier": Subject("boursier", "Boursier ?", "boolean"),
    "date_naissance": Subject("date_naissance", "Date de naissance", "date"),
    "ville": Subject("ville", "Votre ville", "string"),
}
# One row per operator of every kind, with what it must write.
EXPECTED = [
    (Row("statut", "eq", "apprenti"), 'statut == "apprenti"'),
    (Row("statut", "ne", "apprenti"), 'statut != "apprenti"'),
    (Row("statut", "in", ("apprenti", "etudiant")), 'statut in ["apprenti", "etudiant"]'),
    (Row("statut", "not_in", ("apprenti",)), 'statut not in ["apprenti"]'),
    (Row("statut", "answered"), "answered(statut)"),
    (Row("statut", "not_answered"), "not answered(statut)"),
    (Row("besoins", "contains", "logement"), '"logement" in besoins'),
    (Row("besoins", "lacks", "logement"), '"logement" not in besoins'),
    (Row("revenus", "eq", 0), "revenus == 0"),
    (Row("revenus", "ne", 0), "revenus != 0"),
    (Row("revenus", "lt", 1100), "revenus < 1100"),
    (Row("revenus", "le", 2000.5), "revenus <= 2000.5"),
    (Row("revenus", "gt", -3), "revenus > -3"),
    (Row("revenus", "ge", 1100), "revenus >= 1100"),
    (Row("revenus", "between", (16, 25)), "revenus >= 16 and revenus <= 25"),
    (Row("boursier", "yes"), "boursier"),
    (Row("boursier", "no"), "not boursier"),
    (Row("date_naissance", "before", "2008-01-01"), 'date_naissance < "2008-01-01"'),
    (Row("date_naissance", "after", "2008-01-01"), 'date_naissance > "2008-01-01"'),
    (Row("date_naissance", "age_ge", 18), "years_since(date_naissance) >= 18"),
    (Row("date_naissance", "age_lt", 26), "years_since(date_naissance) < 26"),
    (Row("date_naissance", "age_between", (16, 25)),
     "years_since(date_naissance) >= 16 and years_since(date_naissance) <= 25"),
    (Row("ville", "eq", "Lille « centre »"), 'ville == "Lille « centre »"'),
    (Row("ville", "in", ("Lille", 'Say "hi"')), 'ville in ["Lille", \'Say "hi"\']'),
    (Row("ville", "ne", "l'Isle"), 'ville != "l\'Isle"'),
    (Row("ville", "answered"), "answered(ville)"),
]


def test_operators_fit_each_kind_of_question():
    labels = lambda name: [op.label_fr for op in operators_for(name)]  # noqa: E731
    assert labels("choice")[:3] == ["est", "n'est pas", "est parmi"]
    assert labels("choices")[:2] == ["contient", "ne contient pas"]
    assert labels("number")[:7] == ["est égal à", "n'est pas égal à", "moins de", "au plus", "plus de", "au moins",
                                    "entre"]
    assert labels("yesno") == labels("consent") == ["oui", "non"]
    assert labels("date")[:3] == ["avant le", "après le", "âge : au moins (ans)"]
    for name in ("text", "textarea", "email", "phone", "postcode"):
        assert "est rempli" in labels(name) and "est" in labels(name)
    assert operators_for("content") == []


def test_every_operator_of_every_kind_is_tested_here():
    tested = {(QUESTIONS[row.subject].kind, row.operator) for row, _ in EXPECTED}
    offered = {(kind, op.code) for kind in {s.kind for s in QUESTIONS.values()} for op in operators_for_kind(kind)}
    assert offered - tested <= {("options", "answered"), ("options", "not_answered"), ("number", "answered"),
                                ("number", "not_answered"), ("date", "answered"), ("date", "not_answered"),
                                ("string", "ne"), ("string", "not_answered")}


@pytest.mark.parametrize("row, expression", EXPECTED, ids=[e for _, e in EXPECTED])
def test_each_row_writes_what_a_person_would_write_and_reads_back(row, expression):
    assert row_expression(row) == expression
    parse(expression)
    assert rows_to_condition([row]) == expression
    assert condition_to_rows(expression, QUESTIONS) == ("all", [row])


@pytest.mark.parametrize("group", ["all", "any"])
def test_groups_of_rows_read_back_identically(group):
    for first, second in itertools.combinations([row for row, _ in EXPECTED], 2):
        condition = rows_to_condition([first, second], group)
        assert condition == {group: [row_expression(first), row_expression(second)]}
        assert condition_to_rows(condition, QUESTIONS) == (group, [first, second])


def test_no_rows_means_no_condition():
    assert rows_to_condition([]) is None


def test_conditions_written_by_hand_that_rows_can_show():
    read = lambda condition: condition_to_rows(condition, QUESTIONS)  # noqa: E731
    assert read("18 <= revenus") == ("all", [Row("revenus", "ge", 18)])
    assert read("16 <= revenus <= 25") == ("all", [Row("revenus", "between", (16, 25))])
    assert read("revenus <= 25 and revenus >= 16") == ("all", [Row("revenus", "between", (16, 25))])
    assert read('boursier or statut == "apprenti"') == ("any", [Row("boursier", "yes"),
                                                               Row("statut", "eq", "apprenti")])
    assert read({"all": ['statut == "apprenti"']}) == ("all", [Row("statut", "eq", "apprenti")])
    assert read("revenus >= 30 and revenus <= 20") == ("all", [Row("revenus", "ge", 30), Row("revenus", "le", 20)])


@pytest.mark.parametrize("condition", [
    {"not": "boursier"}, {"all": ["boursier", {"any": ["revenus > 0", "boursier"]}]},
    "revenus * 12 > 1000", "revenus > 0 and boursier or ville", "inconnu == 3", "boursier == 3",
    "revenus == \"18\"", 'date_naissance < "hier"', True, "count(besoins) >= 2",
    "statut in [1, 2]", "revenus in [1, 2]", "age >= ", {"all": []},
])
def test_other_conditions_are_left_to_the_text_mode(condition):
    assert condition_to_rows(condition, QUESTIONS) is None


def environments(names, constants):
    """Every mix of unknown, empty and interesting values for the names used."""
    values = [UNKNOWN, None, True, False, [], *constants, *[[c] for c in constants if isinstance(c, str)]]
    for combination in itertools.product(values, repeat=len(names)):
        yield {"$today": dt.date(2026, 11, 1), **dict(zip(names, combination))}


def constants_of(condition):
    found = set()
    for node in (n for leaf in _leaves(condition) for n in parse(leaf).root.walk()):
        value = getattr(node, "value", None)
        if isinstance(value, (int, float, str)) and not isinstance(value, bool):
            found |= {value, value + 1, value - 1} if isinstance(value, (int, float)) else {value}
    return sorted(found, key=repr)


def _leaves(condition):
    if isinstance(condition, str):
        yield condition
    elif isinstance(condition, dict):
        for value in condition.values():
            yield from _leaves(value if isinstance(value, list) else [value])
    elif isinstance(condition, list):
        for item in condition:
            yield from _leaves(item)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_condition_is_shown_as_equivalent_rows_or_left_as_text(path):
    data = ServiceDocument.from_yaml(path.read_text(encoding="utf-8")).data
    questions = subjects(data)
    shown = 0
    for _, condition in condition_places(data):
        read = condition_to_rows(condition, questions)
        if read is None:
            continue
        shown += 1
        rewritten = rows_to_condition(read[1], read[0])
        before, after = parse_condition(condition), parse_condition(rewritten)
        names = sorted(before.names)
        for env in environments(names, constants_of(condition)):
            assert before.evaluate(env) == after.evaluate(env), (condition, env)
    assert shown or path.name == "rappel-benevole.yaml"


def test_subjects_of_a_service_include_library_questions_and_computed_values():
    data = ServiceDocument.from_yaml((EXAMPLES[-1]).read_text(encoding="utf-8")).data  # soutien-scolaire
    found = subjects(data)
    assert found["parent_telephone"].kind == "string" and found["age"].kind == "number"
    assert found["classe"].options[0] == ("cp", "CP")
    assert "intro_parent" not in found  # content has no answer


def test_rows_are_made_from_what_a_form_gives():
    assert make_row(QUESTIONS["revenus"], "ge", "1 100,5") == Row("revenus", "ge", 1100.5)
    assert make_row(QUESTIONS["revenus"], "between", ["16", "25"]) == Row("revenus", "between", (16, 25))
    assert make_row(QUESTIONS["date_naissance"], "before", "14/07/2008") == \
        Row("date_naissance", "before", "2008-07-14")
    assert make_row(QUESTIONS["statut"], "in", ["apprenti", " etudiant "]) == \
        Row("statut", "in", ("apprenti", "etudiant"))
    assert make_row(QUESTIONS["boursier"], "no", "ignored") == Row("boursier", "no")
    for subject, operator, raw, message in [
            ("revenus", "ge", "beaucoup", "Écrivez un nombre"), ("revenus", "between", ["25", "16"], "plus petit"),
            ("date_naissance", "before", "32/13/2008", "Écrivez une date"),
            ("date_naissance", "age_ge", "17,5", "nombre d'années"), ("statut", "eq", " ", "Choisissez"),
            ("boursier", "contains", "x", "Choisissez une comparaison"),
            ("ville", "eq", "l'\"autre\"", "deux sortes de guillemets"),
            ("revenus", "le", "1e400", "15 chiffres au plus"), ("revenus", "ge", "nan", "15 chiffres au plus"),
            ("revenus", "between", ["0", "1" * 20], "15 chiffres au plus")]:
        with pytest.raises(Problem, match=message):
            make_row(QUESTIONS[subject], operator, raw)


@given(st.text(st.one_of(st.sampled_from("\"'\\\n é«»,[]()"), st.characters(blacklist_categories=("Cs",))),
               min_size=1, max_size=20),
       st.one_of(st.integers(-10**9, 10**9), st.floats(-9e14, 9e14)))
def test_any_text_or_number_reads_back_or_is_refused_in_french(text, number):
    try:
        rows = [make_row(QUESTIONS["statut"], "eq", text), Row("revenus", "le", number)]
    except Problem as problem:
        assert problem.code in ("editing.row_text", "editing.row_text_chars")
        return
    condition = rows_to_condition(rows, "any")
    assert condition_to_rows(condition, QUESTIONS) == ("any", rows)


def test_the_text_mode_is_checked_as_you_type():
    known = {"age", "statut"}
    assert check_expression('age >= 18 and statut == "apprenti"', known) == []
    [problem] = check_expression('age >= 18 and statu == "apprenti"', known)
    assert problem.column == 15 and "Vouliez-vous dire « statut »" in problem.message()
    [problem] = check_expression("age >= 18 et statut", known)
    assert problem.column == 11 and "« and »" in problem.message()
    [problem] = check_expression("intro", known, content_names={"intro"})
    assert "bloc de texte" in problem.message()


def test_a_tree_becomes_one_expression_for_the_text_mode():
    tree = {"all": ['statut == "sans_activite"', "age >= 16",
                    {"any": ["age <= 25", {"all": ["rqth", "age <= 29"]}]}, {"not": "a or b"}]}
    text = condition_to_text(tree)
    assert text == 'statut == "sans_activite" and age >= 16 and (age <= 25 or rqth and age <= 29) ' \
                   'and not (a or b)'
    before, after = parse_condition(tree), parse_condition(text)
    for env in environments(["statut", "age", "rqth", "a", "b"], ["sans_activite", 16, 29]):
        assert before.evaluate(env) == after.evaluate(env)
    assert condition_to_text(True) == "true" and condition_to_text("age >= 18") == "age >= 18"


def test_conditions_read_in_words_with_labels_units_and_the_age():
    from builder.editing.condition_words import condition_summary
    data = {"computed": {"age": "years_since(date_naissance)"},
            "steps": [{"id": "vous", "blocks": [
                {"type": "date", "id": "date_naissance", "label": "Votre date de naissance"},
                {"type": "yesno", "id": "allocation", "label": "Votre famille touche-t-elle l'allocation ?"},
                {"type": "choice", "id": "statut", "label": "Votre situation",
                 "options": [{"value": "etudiant", "label": "Étudiant"}, "Autre"]},
                {"type": "number", "id": "revenus", "label": "Vos revenus", "unit": "€"}]}]}
    known = subjects(data)
    said = {condition: condition_summary(condition, known) for condition in (
        "age >= 11 and age <= 17 and allocation", "years_since(date_naissance) < 18",
        'statut in ["etudiant", "Autre"]', "revenus + 2 > 3 or not allocation", "not answered(revenus)")}
    assert list(said.values()) == [
        "Âge : entre 11 et 17\xa0ans, et « Votre famille touche-t-elle l'allocation ? » : Oui",
        "Âge : moins de 18\xa0ans",
        "« Votre situation » : Étudiant ou Autre",
        "soit la réponse à « Vos revenus » plus 2 vaut plus de 3, soit vous avez répondu « Non » à "
        "« Votre famille touche-t-elle l'allocation ? »",  # rows cannot show it: said as on paper
        "« Vos revenus » n'a pas de réponse"]
    for condition, text in said.items():
        assert "years_since" not in text and "==" not in text and "and" not in text.split()
    assert condition_summary("age >= 11 and age <= 17 and allocation", known, "en") == \
        "Age: between 11 and 17\xa0years, and “Votre famille touche-t-elle l'allocation ?”: Yes"
