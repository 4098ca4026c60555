"""The engine on whole services: hidden questions, unknowns, missing, steps, errors."""

from __future__ import annotations

import datetime as dt

import pytest

from builder.format.loader import load_service_text
from builder.rules.engine import decide, evaluate

SERVICE = """\
tremplin: 1
id: aide
title: Aide
computed:
  age: years_since(naissance)
steps:
  - id: vous
    blocks:
      - {type: date, id: naissance, label: Date de naissance}
      - {type: choice, id: statut, label: Situation, options: [etudiant, apprenti, autre]}
  - id: bourse
    show_if: statut == "etudiant"
    blocks:
      - {type: yesno, id: boursier, label: Boursier ?}
  - id: revenus
    blocks:
      - {type: number, id: salaire, label: Salaire, min: 0, max: 10000, show_if: 'statut != "etudiant"'}
      - {type: text, id: commentaire, label: Commentaire, required: false}
outcomes:
  - id: repas
    title: Repas à 1 €
    when: {all: ['statut == "etudiant"', boursier]}
  - id: permis
    title: Aide au permis
    when: {all: ['statut == "apprenti"', "age >= 18"]}
  - id: prime
    title: Prime
    when: {all: ["age >= 18", "salaire > 0", "salaire <= 2000"]}
"""
TODAY = dt.date(2026, 11, 1)


@pytest.fixture(scope="module")
def service():
    return load_service_text(SERVICE)


def run(service, **answers):
    return evaluate(service, answers, TODAY)


def test_nothing_answered_everything_is_unknown_and_missing(service):
    result = run(service)
    assert result.outcomes == {"repas": "unknown", "permis": "unknown", "prime": "unknown"}
    assert result.missing == ["naissance", "statut", "boursier", "salaire"]
    assert result.steps == ["vous", "bourse", "revenus"]


def test_hidden_questions_are_empty_not_unknown(service):
    result = run(service, naissance="2007-03-02", statut="apprenti")
    assert result.steps == ["vous", "revenus"]
    assert result.outcomes["repas"] == "no"           # boursier is hidden: empty, known
    assert result.outcomes["permis"] == "yes"
    assert result.missing == ["salaire"]


def test_an_answer_to_a_hidden_question_is_ignored(service):
    result = run(service, naissance="2007-03-02", statut="apprenti", boursier=True)
    assert result.outcomes["repas"] == "no"


def test_an_unknown_show_if_makes_its_question_unknown_and_its_decider_missing(service):
    result = run(service, naissance="2007-03-02", boursier=True)
    assert result.outcomes["repas"] == "unknown"
    assert "statut" in result.missing and "boursier" not in result.missing


def test_invalid_answers_are_errors_and_count_as_unanswered(service):
    result = run(service, naissance="2007-02-30", statut="chomeur", salaire=-5)
    assert set(result.errors) == {"naissance", "statut", "salaire"}
    assert "naissance" in result.missing and "statut" in result.missing
    assert result.outcomes["permis"] == "unknown"


def test_an_answer_for_no_question_is_reported(service):
    assert "agee" in run(service, agee=19).errors


def test_null_is_empty_and_known(service):
    result = run(service, naissance="2007-03-02", statut="autre", salaire=None)
    assert result.outcomes["prime"] == "no"
    assert result.missing == []


def test_one_outcome_known_does_not_need_the_others_questions(service):
    result = run(service, naissance="2015-01-01")       # 11 years old
    assert result.outcomes["permis"] == "no" and result.outcomes["prime"] == "no"
    assert result.missing == ["statut", "boursier"]    # only the meal can still apply


def test_birthdays_decide_the_age(service):
    eve = decide(service, {"naissance": "2008-11-02", "statut": "apprenti"}, TODAY)
    day = decide(service, {"naissance": "2008-11-01", "statut": "apprenti"}, TODAY)
    assert (eve["permis"], day["permis"]) == ("no", "yes")


def test_json_has_exactly_the_shape_of_the_design(service):
    data = run(service, naissance="2007-03-02", statut="etudiant", boursier=True).to_json()
    assert list(data) == ["outcomes", "missing", "steps", "errors"]
    assert data["outcomes"]["repas"] == "yes"


def test_explanations_are_readable_lines(service):
    lines = run(service, naissance="2007-03-02", statut="apprenti").explanation("permis")
    assert not any(line.startswith("toutes ces conditions") for line in lines)  # never bare
    assert "Situation : apprenti — il faut : apprenti ✓" in [line.strip() for line in lines]


def test_a_computed_value_is_explained_with_the_words_the_file_gives_it():
    labelled = SERVICE.replace("  age: years_since(naissance)\n",
                               "  age: years_since(naissance)\n  reste: 2000 - salaire\n"
                               "computed_labels:\n  reste: {fr: Reste à vivre, en: Money left}\n")
    labelled = labelled.replace('"salaire <= 2000"]', '"reste >= 0"]')
    service = load_service_text(labelled)
    french = evaluate(service, {"naissance": "2000-01-01", "statut": "apprenti", "salaire": 1500}, TODAY).explanation("prime")
    english = evaluate(service, {"naissance": "2000-01-01", "statut": "apprenti", "salaire": 1500}, TODAY, "en").explanation("prime")
    assert any(line.strip().startswith("Reste à vivre : 500") for line in french), french
    assert any(line.strip().startswith("Money left: 500") for line in english), english
