"""The three places that say a condition in words — the mini-site's « Pourquoi ? », the
studio's summary and the paper version's « si … » — say each comparison with the same
words (builder.rules.vocabulary), each in a sentence of its own shape."""

import datetime as dt

import pytest
import yaml

from builder.editing.condition_words import condition_summary
from builder.editing.conditions import subjects
from builder.format.loader import load_service_text
from builder.rules.conditions import parse_condition
from builder.rules.engine import evaluate
from builder.rules.in_words import glossary_of, if_clause
from builder.rules.vocabulary import between, format_date, format_number, joined, with_unit

CONDITIONS = {
    "choices": 'statut in ["apprenti", "etudiant", "salarie"]',
    "none_of": 'statut not in ["apprenti", "etudiant"]',
    "ticked": '"autre" in matieres',
    "age_range": "age >= 11 and age <= 17",
    "one_year": "age >= 1",
    "amount": "revenus <= 2000",
    "date": 'rendez_vous < "2026-09-01"',
}
SERVICE = """\
tremplin: 1
id: mots
title: Les mêmes mots
computed:
  age: years_since(date_naissance)
steps:
  - id: vous
    blocks:
      - {type: date, id: date_naissance, label: Votre date de naissance}
      - {type: choice, id: statut, label: Votre situation, options: [{value: apprenti, label: Apprentissage}, {value: etudiant, label: Études}, {value: salarie, label: Emploi}]}
      - {type: choices, id: matieres, label: Vos matières, options: [{value: maths, label: Maths}, {value: autre, label: Autre}]}
      - {type: number, id: revenus, label: Vos revenus, unit: €}
      - {type: date, id: rendez_vous, label: Le jour du rendez-vous}
outcomes:
""" + "".join(f"  - {{id: {name}, title: {name}, when: '{condition}'}}\n" for name, condition in CONDITIONS.items())
ANSWERS = {"date_naissance": dt.date(2011, 3, 2), "statut": "etudiant", "matieres": ["autre"], "revenus": 900,
           "rendez_vous": dt.date(2026, 8, 1)}

SAID = {  # (the site's « il faut : … », the studio's summary, the paper's « si … »)
    "choices": ("il faut : Apprentissage, Études ou Emploi",
                "« Votre situation » : Apprentissage, Études ou Emploi",
                "si vous avez répondu « Apprentissage », « Études » ou « Emploi » à « Votre situation »"),
    "none_of": ("il faut : ni Apprentissage, ni Études",
                "« Votre situation » : ni Apprentissage, ni Études",
                "si vous n'avez répondu ni « Apprentissage », ni « Études » à « Votre situation »"),
    "ticked": ("il faut : Autre cochée", "« Vos matières » : Autre cochée",
               "si vous avez coché « Autre » à « Vos matières »"),
    "age_range": ("il faut : entre 11 et 17\xa0ans", "Âge : entre 11 et 17\xa0ans",
                  "si vous avez entre 11 et 17\xa0ans"),
    "one_year": ("il faut : 1\xa0an ou plus", "Âge : 1\xa0an ou plus", "si vous avez 1\xa0an ou plus"),
    "amount": ("il faut : 2\xa0000\xa0€ ou moins", "« Vos revenus » : 2\xa0000\xa0€ ou moins",
               "si vous avez répondu 2\xa0000\xa0€ ou moins à « Vos revenus »"),
    "date": ("il faut : avant le 01/09/2026", "« Le jour du rendez-vous » : avant le 01/09/2026",
             "si vous avez répondu une date avant le 01/09/2026 à « Le jour du rendez-vous »"),
}


@pytest.fixture(scope="module")
def service():
    return load_service_text(SERVICE)


@pytest.mark.parametrize("name", CONDITIONS)
def test_the_site_the_studio_and_the_paper_say_a_condition_with_the_same_words(service, name):
    site, studio, paper = SAID[name]
    line, = evaluate(service, ANSWERS, today=dt.date(2026, 11, 1)).explanation(name)
    assert line.split(" — ")[1][:-2] == site
    assert condition_summary(CONDITIONS[name], subjects(yaml.safe_load(SERVICE))) == studio
    assert if_clause(parse_condition(CONDITIONS[name]), glossary_of(service)) == paper


SAID_EN = {
    "none_of": ("needed: neither Apprentissage nor Études", "“Votre situation”: neither Apprentissage nor Études",
                "if you answered neither “Apprentissage” nor “Études” to “Votre situation”"),
    "ticked": ("needed: Autre ticked", "“Vos matières”: Autre ticked", "if you ticked “Autre” for “Vos matières”"),
    "one_year": ("needed: 1\xa0year or more", "Age: 1\xa0year or more", "if you are 1\xa0year old or more"),
}


@pytest.mark.parametrize("name", SAID_EN)
def test_in_english_too(service, name):
    site, studio, paper = SAID_EN[name]
    line, = evaluate(service, ANSWERS, today=dt.date(2026, 11, 1), lang="en").explanation(name)
    assert line.split(" — ")[1][:-2] == site
    assert condition_summary(CONDITIONS[name], subjects(yaml.safe_load(SERVICE)), "en") == studio
    assert if_clause(parse_condition(CONDITIONS[name]), glossary_of(service, "en"), "en") == paper


def test_units_lists_and_dates_read_as_people_write_them():
    assert [with_unit("1", "years"), with_unit("0", "years"), with_unit("2", "years")] == \
        ["1\xa0an", "0\xa0an", "2\xa0ans"]
    assert [with_unit("1", "years", "en"), with_unit("0", "years", "en")] == ["1\xa0year", "0\xa0years"]
    assert with_unit("2\xa0000", "€") == "2\xa0000\xa0€"
    assert between("1\xa0500\xa0€", "2\xa0000\xa0€") == "entre 1\xa0500 et 2\xa0000\xa0€"
    assert between("1\xa0500", "2\xa0000", "en") == "between 1\xa0500 and 2\xa0000"
    assert joined(["A", "B", "C"], "or") == "A, B ou C" and joined(["A", "B"], "nor", "en") == "A nor B"
    assert [format_number(1500.5), format_number(1500.5, "en"), format_number(18.0)] == ["1\xa0500,5", "1,500.5", "18"]
    assert format_date(dt.date(2026, 7, 14)) == "14/07/2026"
