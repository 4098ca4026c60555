"""The loader reports every problem of a service file at once, each on its line, in French."""

from __future__ import annotations

import textwrap

import pytest

from builder.format.loader import ServiceFileError, load_service, load_service_text

VALID = """\
tremplin: 1
id: aide-test
title: Aide de test
computed:
  age: years_since(date_naissance)
steps:
  - id: vous
    title: Vous
    blocks:
      - type: date
        id: date_naissance
        label: Quelle est votre date de naissance ?
      - type: choice
        id: statut
        label: Quelle est votre situation ?
        options:
          - {value: apprenti, label: En apprentissage}
          - Autre
outcomes:
  - id: aide
    title: Vous pouvez avoir l'aide
    when:
      all:
        - statut == "apprenti"
        - age >= 18
tests:
  - name: Apprentie de 19 ans
    answers: {date_naissance: 2007-03-02, statut: apprenti}
    expect: [aide]
    today: 2026-09-01
"""


def problems_of(text: str, lang: str = "fr") -> list[tuple[int, str]]:
    """(line, message) of every problem the loader reports for ``text``."""
    with pytest.raises(ServiceFileError) as caught:
        load_service_text(textwrap.dedent(text), "service.yaml")
    return [(problem.line, problem.problem.message(lang)) for problem in caught.value.problems]


def replaced(old: str, new: str) -> str:
    assert old in VALID
    return VALID.replace(old, new, 1)


def test_valid_file_loads_into_a_compiled_service():
    service = load_service_text(VALID)
    assert service.id == "aide-test"
    assert list(service.questions) == ["date_naissance", "statut"]
    assert service.blocks["statut"].params["options"][1] == {"value": "Autre", "label": "Autre"}
    assert service.order.index("age") > service.order.index("date_naissance")


def test_yaml_syntax_error_gives_its_line():
    [(line, message)] = problems_of(replaced("title: Vous\n", "title: Vous: et moi\n"))
    assert line == 8
    assert "YAML" in message and "colonne" in message


def test_unknown_key_suggests_the_right_one():
    [(line, message)] = problems_of(replaced("    title: Vous\n", "    titel: Vous\n"))
    assert line == 8
    assert "« titel »" in message and "Vouliez-vous dire « title » ?" in message


def test_unknown_key_in_a_block_suggests_a_parameter():
    problems = problems_of(replaced("        label: Quelle est votre situation ?\n",
                                    "        lable: Quelle est votre situation ?\n"))
    assert any(line == 15 and "« lable »" in message and "Vouliez-vous dire « label » ?" in message
               for line, message in problems), problems


def test_unknown_block_type_is_located_and_suggested():
    [(line, message)] = problems_of(replaced("type: choice", "type: choise"))
    assert line == 13
    assert "« choise »" in message and "« choice »" in message


@pytest.mark.parametrize("old, new, line, first", [
    ("  - id: vous\n", "  - id: aide\n", 20, 7),                        # step vs outcome
    ("        id: statut\n", "        id: date_naissance\n", 14, 11),   # two blocks
    ("  age: years_since", "  statut: years_since", 5, 14),            # computed vs block
])
def test_duplicate_ids_anywhere_are_reported(old, new, line, first):
    problems = problems_of(replaced(old, new))
    assert any(l == line and f"déjà utilisé ligne {first}" in m for l, m in problems), problems


def test_expression_naming_an_unknown_id():
    [(line, message)] = problems_of(replaced('- statut == "apprenti"', '- statu == "apprenti"'))
    assert line == 24
    assert "« statu »" in message and "Vouliez-vous dire « statut » ?" in message


def test_expression_syntax_error_gives_line_and_column():
    [(line, message)] = problems_of(replaced("- age >= 18", "- age >= (18"))
    assert line == 25
    assert "colonne" in message


@pytest.mark.parametrize("block, line_offset, needle", [
    ("      - type: number\n        id: n\n        label: N\n        min: 10\n        max: 5\n", 0, "min"),
    ("      - type: choice\n        id: c\n        label: C\n", 0, "option"),
    ("      - type: choice\n        id: c\n        label: C\n        options: [a, b, a]\n", 0, "a"),
])
def test_impossible_parameters_are_reported(block, line_offset, needle):
    text = replaced("outcomes:\n", block + "outcomes:\n")
    problems = problems_of(text)
    assert problems and all(19 <= line <= 23 for line, _ in problems), problems
    assert any(needle in message for _, message in problems)


def test_cycle_between_computed_values():
    text = replaced("  age: years_since(date_naissance)\n",
                    "  age: years_since(date_naissance) + bonus\n  bonus: age - 18\n")
    problems = problems_of(text)
    assert any("boucle" in message and "age" in message and "bonus" in message for _, message in problems)


@pytest.mark.parametrize("computed, condition, what, column", [
    ("  total: (age or 0) * 12\n", "total > 5", "un oui ou non", 2),  # « or » gives true or false
    ("  total: age + statut\n", "total > 5", "un texte", 7),           # the answer to a choice
    ("  total: age * 2\n", 'total + "1" > 5', "un texte", 9),
    ("  total: age * 2\n", "-date_naissance < 0", "une date", 2),
    ("  total: age * 2\n", "(total > 5) / 2", "un oui ou non", 2),
])
def test_a_calculation_on_what_is_never_a_number_is_located(computed, condition, what, column):
    text = replaced("  age: years_since(date_naissance)\n", "  age: years_since(date_naissance)\n" + computed)
    text = text.replace("        - age >= 18\n", f"        - {condition}\n")
    [(line, message)] = problems_of(text)
    assert "Un calcul (+ - * /) porte ici sur " + what in message and f"(colonne {column})" in message
    wrong = computed if "statut" in computed or " or " in computed else f"        - {condition}\n"
    assert line == text[:text.index(wrong)].count("\n") + 1  # the line of the computed value, or of the leaf


def test_calculations_on_numbers_and_unknown_kinds_load():
    text = replaced("  age: years_since(date_naissance)\n",
                    "  age: years_since(date_naissance)\n  double: age * 2 - count([1, 2]) / 2\n"
                    "  moitie: -double / 2\n")
    assert load_service_text(text.replace("        - age >= 18\n", "        - moitie + age > 0\n"))


def test_computed_labels_give_a_value_its_words_and_name_only_computed_values():
    labelled = replaced("  age: years_since(date_naissance)\n",
                        "  age: years_since(date_naissance)\ncomputed_labels:\n  age: {fr: Votre âge aujourd’hui}\n")
    assert load_service_text(labelled).computed["age"].label == {"fr": "Votre âge aujourd’hui"}
    [(line, message)] = problems_of(labelled.replace("  age: {fr:", "  agee: {fr:"))
    assert line == 7 and "« agee » n'est pas une valeur calculée" in message


def test_use_of_a_library_block_that_does_not_exist():
    [(line, message)] = problems_of(replaced("      - type: choice\n", "      - use: coordonnes\n      - type: choice\n"))
    assert line == 13
    assert "« coordonnes »" in message and "« coordonnees »" in message


def test_persona_answering_an_unknown_question():
    [(line, message)] = problems_of(replaced("statut: apprenti}", "statu: apprenti}"))
    assert line == 28
    assert "« statu »" in message and "« statut »" in message


def test_persona_expecting_an_unknown_outcome():
    [(line, message)] = problems_of(replaced("expect: [aide]", "expect: [aides]"))
    assert line == 29
    assert "« aides »" in message


def test_wrong_format_version():
    [(line, message)] = problems_of(replaced("tremplin: 1", "tremplin: 2"))
    assert line == 1
    assert "tremplin: 1" in message


def test_every_problem_is_reported_at_once_in_line_order():
    text = replaced("tremplin: 1", "tremplin: 3").replace("type: choice", "type: choise").replace(
        "expect: [aide]", "expect: [aides]")
    lines = [line for line, _ in problems_of(text)]
    assert lines == [1, 13, 29]


def test_messages_exist_in_english():
    [(_, message)] = problems_of(replaced("    title: Vous\n", "    titel: Vous\n"), lang="en")
    assert message == 'Unknown key "titel" here. Did you mean "title"?'


def test_file_over_one_megabyte_is_refused(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text(VALID + "#" * 1_100_000, encoding="utf-8")
    with pytest.raises(ServiceFileError) as caught:
        load_service(path)
    assert "trop gros" in caught.value.format()


def test_alias_bomb_is_refused_without_expanding():
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 9) + "]")
    problems = problems_of("\n".join(lines) + "\n")
    assert "alias" in problems[0][1]


def test_deeply_nested_yaml_is_refused():
    problems = problems_of("a: " + "[" * 50_000 + "\n")
    assert "profondément" in problems[0][1]


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(ServiceFileError) as caught:
        load_service(tmp_path / "nope.yaml")
    assert caught.value.format().endswith(":1: Fichier introuvable.")


def test_an_impossible_date_is_a_located_error_not_a_crash():
    text = replaced("    when:\n", "    source: {url: https://example.org, checked: 2026-02-30}\n    when:\n")
    [(line, message)] = problems_of(text)
    assert line == 22
    assert "AAAA-MM-JJ" in message


@pytest.mark.parametrize("value, message", [
    ("!foo x", "L'étiquette YAML « !foo » n'est pas permise"),
    ("!!timestamp nope", "La valeur « nope » ne se lit pas comme !!timestamp"),
    ("!!python/name:os.system", "L'étiquette YAML « !!python/name:os.system » n'est pas permise"),
    ("!!bool peut-être", "ne se lit pas comme !!bool"),
    ("!!binary aGVsbG8=", "« !!binary » n'est pas permise"),
    ("!!set {a: null}", "« !!set » n'est pas permise"),
])
def test_a_tagged_value_is_a_located_problem(value, message):
    [(line, text)] = problems_of(replaced("title: Aide de test", f"title: {value}"))
    assert line == 3 and message in text


@pytest.mark.parametrize("value", ["1" * 4301, "0x" + "f" * 4000, ".inf", ".nan", "1.0e+300"])
def test_a_number_out_of_bounds_in_the_file_is_a_located_problem(value):
    [(line, text)] = problems_of(replaced("title: Aide de test", f"title: Aide\nduration: {value}"))
    assert line == 4 and "un nombre s'écrit avec 15 chiffres au plus" in text


def test_a_file_of_too_many_values_is_refused_before_it_is_built():
    many = "".join(f"  k{n}: 0\n" for n in range(20_001))
    [(line, text)] = problems_of(VALID + f"organisation:\n{many}")
    assert "Le fichier a trop de valeurs (plus de 20000)" in text
    assert line > VALID.count("\n")
