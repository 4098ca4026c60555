"""Conditions in plain words: the question's label and the option's label, never an id,
an operator or a function name (builder.rules.in_words)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from builder.format.loader import load_service, load_service_text
from builder.rules.conditions import parse_condition
from builder.rules.in_words import always, glossary_of, if_clause, never
from builder.rules.in_words_phrases import phrases
from builder.rules.vocabulary import phrases as shared_phrases

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.yaml"))
SYMBOLS = re.compile(r"==|!=|<=|>=|[<>≤≥≠=+*/×÷]|years_since|count\(|answered\(|today\(")
KEYWORDS = re.compile(r"\b(and|or|not|in|true|false)\b")  # in French words, leftovers of an expression

SERVICE = """
tremplin: 1
id: mots
title: Mots
computed:
  age: years_since(date_naissance)
  age_enfant: years_since(naissance_enfant)
  foyer: nb_enfants + 1
  jeune: age >= 16 and age <= 25
steps:
  - id: tout
    blocks:
      - {type: date, id: date_naissance, label: Votre date de naissance}
      - {type: date, id: naissance_enfant, label: La date de naissance de l'enfant}
      - {type: date, id: date_rdv, label: Le jour du rendez-vous}
      - type: choice
        id: statut
        label: Quelle est votre situation ?
        options: [{value: apprenti, label: Apprentissage}, {value: etudiant, label: Études}, Autre]
      - type: choices
        id: besoins
        label: De quoi avez-vous besoin ?
        options: [{value: logement, label: Un logement}, {value: emploi, label: Un emploi}]
      - {type: yesno, id: boursier, label: Avez-vous une bourse ?}
      - {type: number, id: revenus, label: Vos revenus, unit: €}
      - {type: number, id: nb_enfants, label: Combien d'enfants ?}
      - {type: text, id: ville, label: Votre ville, required: false}
"""


@pytest.fixture(scope="module")
def service():
    return load_service_text(SERVICE)


def words(service, condition, lang="fr") -> str:
    return if_clause(parse_condition(condition), glossary_of(service, lang), lang)


@pytest.mark.parametrize("condition, expected", [
    ('statut == "apprenti"', "si vous avez répondu « Apprentissage » à « Quelle est votre situation ? »"),
    ('statut != "apprenti"', "si vous n'avez pas répondu « Apprentissage » à « Quelle est votre situation ? »"),
    ('statut in ["apprenti", "etudiant", "Autre"]',
     "si vous avez répondu « Apprentissage », « Études » ou « Autre » à « Quelle est votre situation ? »"),
    ('statut not in ["apprenti", "etudiant"]',
     "si vous n'avez répondu ni « Apprentissage », ni « Études » à « Quelle est votre situation ? »"),
    ('"logement" in besoins', "si vous avez coché « Un logement » à « De quoi avez-vous besoin ? »"),
    ('"logement" not in besoins', "si vous n'avez pas coché « Un logement » à « De quoi avez-vous besoin ? »"),
    ("count(besoins) >= 2", "si vous avez coché 2\u00a0réponses ou plus à « De quoi avez-vous besoin ? »"),
    ("count(besoins) == 1", "si vous avez coché 1\u00a0réponse à « De quoi avez-vous besoin ? »"),
    ("boursier", "si vous avez répondu « Oui » à « Avez-vous une bourse ? »"),
    ("not boursier", "si vous avez répondu « Non » à « Avez-vous une bourse ? »"),
    ("boursier == false", "si vous avez répondu « Non » à « Avez-vous une bourse ? »"),
    ("revenus < 1000", "si vous avez répondu moins de 1\u00a0000\u00a0€ à « Vos revenus »"),
    ("revenus <= 1000", "si vous avez répondu 1\u00a0000\u00a0€ ou moins à « Vos revenus »"),
    ("revenus > 0", "si vous avez répondu plus de 0\u00a0€ à « Vos revenus »"),
    ("revenus >= 1100", "si vous avez répondu 1\u00a0100\u00a0€ ou plus à « Vos revenus »"),
    ("1100 <= revenus", "si vous avez répondu 1\u00a0100\u00a0€ ou plus à « Vos revenus »"),
    ("500 <= revenus <= 900", "si vous avez répondu entre 500\u00a0€ et 900\u00a0€ à « Vos revenus »"),
    ("not (revenus >= 1100)", "si vous avez répondu moins de 1\u00a0100\u00a0€ à « Vos revenus »"),
    ("age >= 18", "si vous avez 18\u00a0ans ou plus"),
    ("age < 26", "si vous avez moins de 26\u00a0ans"),
    ("age == 17", "si vous avez 17\u00a0ans"),
    ("age != 17", "si vous n'avez pas 17\u00a0ans"),
    ("16 <= age <= 25", "si vous avez entre 16 et 25\u00a0ans"),
    ({"all": ["age >= 16", "age <= 25"]}, "si vous avez entre 16 et 25\u00a0ans"),
    ("years_since(date_naissance) >= 18", "si vous avez 18\u00a0ans ou plus"),
    ("jeune", "si vous avez entre 16 et 25\u00a0ans"),
    ("not jeune", "si vous avez moins de 16\u00a0ans ou si vous avez plus de 25\u00a0ans"),
    ("age_enfant < 3",
     "si l'âge d'après « La date de naissance de l'enfant » vaut moins de 3\u00a0ans"),
    ('date_rdv < "2026-09-01"', "si vous avez répondu une date avant le 01/09/2026 à « Le jour du rendez-vous »"),
    ('date_rdv >= "2026-09-01"', "si vous avez répondu le 01/09/2026 ou après à « Le jour du rendez-vous »"),
    ("date_rdv > today()", "si vous avez répondu une date après aujourd'hui à « Le jour du rendez-vous »"),
    ("answered(ville)", "si vous avez répondu à « Votre ville »"),
    ("not answered(ville)", "si vous n'avez pas répondu à « Votre ville »"),
    ('ville == "Lille"', "si vous avez répondu « Lille » à « Votre ville »"),
    ("foyer >= 3", "si la réponse à « Combien d'enfants ? » plus 1 vaut 3 ou plus"),
    ("revenus / foyer < 800",
     "si la réponse à « Vos revenus » divisé par (la réponse à « Combien d'enfants ? » plus 1) vaut moins de 800"),
    ("revenus > nb_enfants", "si la réponse à « Vos revenus » vaut plus de la réponse à « Combien d'enfants ? »"),
    ({"any": ["boursier", 'statut == "etudiant"']},
     "si vous avez répondu « Oui » à « Avez-vous une bourse ? » ou si vous avez répondu « Études » "
     "à « Quelle est votre situation ? »"),
    ({"not": {"any": ["boursier", "age < 18"]}},
     "si vous avez répondu « Non » à « Avez-vous une bourse ? » et si vous avez 18\u00a0ans ou plus"),
    ({"all": ["age >= 18", {"any": ["boursier", {"all": ['statut == "apprenti"', "revenus > 0"]}]}]},
     "si vous avez 18\u00a0ans ou plus et si soit vous avez répondu « Oui » à « Avez-vous une bourse ? », "
     "soit vous avez répondu « Apprentissage » à « Quelle est votre situation ? » et vous avez répondu plus "
     "de 0\u00a0€ à « Vos revenus »"),
    (True, "si dans tous les cas"),
    (False, "si dans aucun cas"),
])
def test_each_kind_of_condition_reads_in_words(service, condition, expected):
    assert words(service, condition) == expected


@pytest.mark.parametrize("condition, expected", [
    ('statut == "apprenti"', "if you answered “Apprentissage” to “Quelle est votre situation ?”"),
    ("age >= 18", "if you are 18\u00a0years old or more"),
    ({"all": ["age >= 18", {"any": ["boursier", '"emploi" in besoins']}]},
     "if you are 18\u00a0years old or more and if either you answered “Yes” to “Avez-vous une bourse ?” "
     "or you ticked “Un emploi” for “De quoi avez-vous besoin ?”"),
    ('statut not in ["apprenti", "etudiant"]',
     "if you answered neither “Apprentissage” nor “Études” to “Quelle est votre situation ?”"),
])
def test_english_words(service, condition, expected):
    assert words(service, condition, "en") == expected


def test_a_computed_value_the_file_names_is_said_by_its_name():
    named = load_service_text(SERVICE.replace("  jeune: age", "  annuel: revenus * 12\n  jeune: age") +
                              "computed_labels:\n  annuel: {fr: Revenu annuel, en: Yearly income}\n  age: Âge\n")
    assert words(named, "annuel < 12000") == "si « Revenu annuel » vaut moins de 12\u00a0000"
    assert words(named, "annuel / foyer < 800") == \
        "si « Revenu annuel » divisé par (la réponse à « Combien d'enfants ? » plus 1) vaut moins de 800"
    assert words(named, "annuel < 12000", "en") == "if “Yearly income” is less than 12,000"
    assert words(named, "age >= 18") == "si vous avez 18\u00a0ans ou plus"  # an age stays the person's


def test_a_condition_that_always_holds_needs_no_words():
    assert always(None) and always(parse_condition(True)) and always(parse_condition("true"))
    assert not always(parse_condition("age >= 18")) and not always(parse_condition(False))
    assert never(parse_condition(False)) and never(parse_condition({"not": True}))
    assert not never(None) and not never(parse_condition("age >= 18"))


def conditions(service):
    """Every condition of a service: steps', blocks' and outcomes' (None where there is none)."""
    for step in service.steps:
        yield step.show_if
        yield from (block.show_if for block in step.blocks)
    yield from (outcome.when for outcome in service.outcomes)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.stem)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_condition_of_every_example_has_no_id_and_no_operator(path, lang):
    service = load_service(path)
    glossary = glossary_of(service, lang)
    labels = [question.label for question in glossary.questions.values()]
    ids = set(service.questions) | set(service.computed)
    said = [if_clause(condition, glossary, lang) for condition in conditions(service) if condition]
    # the phrases' own words (« age » in “the age from”) are not ids left behind
    vocabulary = set(re.findall(r"\w+", " ".join([*phrases(lang).values(), *shared_phrases(lang).values()])))
    for text in said:
        # what remains once the quoted labels (the service's own words) are taken out
        bare = re.sub(r"«[^»]*»|“[^”]*”", "", text)
        assert not SYMBOLS.search(bare), text
        assert lang == "en" or not KEYWORDS.search(bare), text
        assert not (set(re.findall(r"\w+", bare)) - vocabulary) & ids, text
        assert any(label in text for label in labels) or "ans" in text or "years" in text, text


def test_the_examples_have_conditions_to_say():
    assert sum(1 for path in EXAMPLES for condition in conditions(load_service(path)) if condition) >= 15
