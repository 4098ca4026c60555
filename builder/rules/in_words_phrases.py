"""The phrases of :mod:`builder.rules.in_words`, French first, then English.

Templates take ``{q}`` (a question's label, quoted), ``{s}`` (a subject as a noun
phrase), ``{v}`` (the values: « moins de 18 ans », « « Oui » »), or ``{0}``, ``{1}``.
A language without its own phrases gets the French ones.
"""

from __future__ import annotations

from typing import Mapping

_FR = {
    "lang": "fr", "if": "si {0}", "list": ", ", "and_if": " et ", "or_if": " ou ", "and": " et ",
    "either": "soit {0}", "either_list": ", soit ", "either_last": ", soit ",
    "or_list": ", ", "or": " ou ", "nor_list": ", ni ", "nor": ", ni ",
    "always": "dans tous les cas", "never": "dans aucun cas",
    "quoted": "« {0} »", "yes": "Oui", "no": "Non", "value": "une valeur calculée",
    "+": "{0} plus {1}", "-": "{0} moins {1}", "*": "{0} multiplié par {1}", "/": "{0} divisé par {1}",
    "minus": "moins {0}", "today": "aujourd'hui",
    "age_of": "l'âge d'après {0}", "answer_to": "la réponse à {0}",
    "count_of": "le nombre de réponses cochées à {0}",
    "ticked_contains": "vous avez coché {0} à {1}", "ticked_lacks": "vous n'avez pas coché {0} à {1}",
    "answer_is": "vous avez répondu {v} à {q}", "answer_not": "vous n'avez pas répondu {v} à {q}",
    "answer_none": "vous n'avez répondu ni {v} à {q}",
    "person_is": "vous avez {v}", "person_not": "vous n'avez pas {v}", "person_none": "vous n'avez ni {v}",
    "count_is": "vous avez coché {v} à {q}", "count_not": "vous n'avez pas coché {v} à {q}",
    "count_none": "vous n'avez coché ni {v} à {q}",
    "value_is": "{s} vaut {v}", "value_not": "{s} ne vaut pas {v}", "value_none": "{s} ne vaut ni {v}",
    "value_contains": "{s} contient {v}", "value_lacks": "{s} ne contient pas {v}",
    "answered": "vous avez répondu à {0}", "unanswered": "vous n'avez pas répondu à {0}",
    "true_value": "{0} n'est ni vide ni nul", "false_value": "{0} est vide ou nul",
    "answered_value": "{0} a une réponse", "unanswered_value": "{0} n'a pas de réponse",
    "==": "{0}", "<": "moins de {0}", "<=": "{0} ou moins", ">": "plus de {0}", ">=": "{0} ou plus",
    "contains": "{0}", "between": "entre {0} et {1}",
    "==_date": "{0}", "<_date": "une date avant {0}", "<=_date": "{0} ou avant",
    ">_date": "une date après {0}", ">=_date": "{0} ou après", "between_date": "une date entre {0} et {1}",
    "on_date": "le {0}",
    "with_unit": "{0}\u00a0{1}", "singular": ("0", "1"),
    "years": "ans", "years_one": "an", "answers": "réponses", "answers_one": "réponse",
}

_EN = {
    "lang": "en", "if": "if {0}", "list": ", ", "and_if": " and ", "or_if": " or ", "and": " and ",
    "either": "either {0}", "either_list": ", ", "either_last": " or ",
    "or_list": ", ", "or": " or ", "nor_list": ", ", "nor": " nor ",
    "always": "in every case", "never": "in no case",
    "quoted": "“{0}”", "yes": "Yes", "no": "No", "value": "a computed value",
    "+": "{0} plus {1}", "-": "{0} minus {1}", "*": "{0} multiplied by {1}", "/": "{0} divided by {1}",
    "minus": "minus {0}", "today": "today",
    "age_of": "the age from {0}", "answer_to": "the answer to {0}",
    "count_of": "the number of answers ticked for {0}",
    "ticked_contains": "you ticked {0} for {1}", "ticked_lacks": "you did not tick {0} for {1}",
    "answer_is": "you answered {v} to {q}", "answer_not": "you did not answer {v} to {q}",
    "answer_none": "you answered neither {v} to {q}",
    "person_is": "you are {v}", "person_not": "you are not {v}", "person_none": "you are neither {v}",
    "count_is": "you ticked {v} for {q}", "count_not": "you did not tick {v} for {q}",
    "count_none": "you ticked neither {v} for {q}",
    "value_is": "{s} is {v}", "value_not": "{s} is not {v}", "value_none": "{s} is neither {v}",
    "value_contains": "{s} includes {v}", "value_lacks": "{s} does not include {v}",
    "answered": "you answered {0}", "unanswered": "you did not answer {0}",
    "true_value": "{0} is neither empty nor zero", "false_value": "{0} is empty or zero",
    "answered_value": "{0} has an answer", "unanswered_value": "{0} has no answer",
    "==": "{0}", "<": "less than {0}", "<=": "{0} or less", ">": "more than {0}", ">=": "{0} or more",
    "contains": "{0}", "between": "between {0} and {1}",
    "==_date": "{0}", "<_date": "a date before {0}", "<=_date": "{0} or before",
    ">_date": "a date after {0}", ">=_date": "{0} or after", "between_date": "a date between {0} and {1}",
    "on_date": "{0}",
    "with_unit": "{0}\u00a0{1}", "singular": ("1",),
    "years": "years old", "years_one": "year old", "answers": "answers", "answers_one": "answer",
}

_PHRASES = {"fr": _FR, "en": _EN}


def phrases(lang: str) -> Mapping[str, object]:
    """The phrases of ``lang`` (French when Tremplin has none in that language)."""
    return _PHRASES.get(lang, _FR)
