"""The phrases of :mod:`builder.rules.in_words`: each key with its French, then its English.

Templates take ``{q}`` (a question's label, quoted), ``{s}`` (a subject as a noun
phrase), ``{v}`` (the values: « moins de 18 ans », « « Oui » »), or ``{0}``, ``{1}``.
A language without its own phrases gets the French ones.
"""

from __future__ import annotations

from typing import Mapping

_PHRASES: dict[str, tuple] = {
    "lang": ("fr", "en"),
    "if": ("si {0}", "if {0}"),
    "list": (", ", ", "),
    "and_if": (" et ", " and "),
    "or_if": (" ou ", " or "),
    "and": (" et ", " and "),
    "either": ("soit {0}", "either {0}"),
    "either_list": (", soit ", ", "),
    "either_last": (", soit ", " or "),
    "or_list": (", ", ", "),
    "or": (" ou ", " or "),
    "nor_list": (", ni ", ", "),
    "nor": (", ni ", " nor "),
    "always": ("dans tous les cas", "in every case"),
    "never": ("dans aucun cas", "in no case"),
    "quoted": ("« {0} »", "“{0}”"),
    "yes": ("Oui", "Yes"),
    "no": ("Non", "No"),
    "value": ("une valeur calculée", "a computed value"),
    "+": ("{0} plus {1}", "{0} plus {1}"),
    "-": ("{0} moins {1}", "{0} minus {1}"),
    "*": ("{0} multiplié par {1}", "{0} multiplied by {1}"),
    "/": ("{0} divisé par {1}", "{0} divided by {1}"),
    "minus": ("moins {0}", "minus {0}"),
    "today": ("aujourd'hui", "today"),
    "age_of": ("l'âge d'après {0}", "the age from {0}"),
    "answer_to": ("la réponse à {0}", "the answer to {0}"),
    "count_of": ("le nombre de réponses cochées à {0}", "the number of answers ticked for {0}"),
    "ticked_contains": ("vous avez coché {0} à {1}", "you ticked {0} for {1}"),
    "ticked_lacks": ("vous n'avez pas coché {0} à {1}", "you did not tick {0} for {1}"),
    "answer_is": ("vous avez répondu {v} à {q}", "you answered {v} to {q}"),
    "answer_not": ("vous n'avez pas répondu {v} à {q}", "you did not answer {v} to {q}"),
    "answer_none": ("vous n'avez répondu ni {v} à {q}", "you answered neither {v} to {q}"),
    "person_is": ("vous avez {v}", "you are {v}"),
    "person_not": ("vous n'avez pas {v}", "you are not {v}"),
    "person_none": ("vous n'avez ni {v}", "you are neither {v}"),
    "count_is": ("vous avez coché {v} à {q}", "you ticked {v} for {q}"),
    "count_not": ("vous n'avez pas coché {v} à {q}", "you did not tick {v} for {q}"),
    "count_none": ("vous n'avez coché ni {v} à {q}", "you ticked neither {v} for {q}"),
    "value_is": ("{s} vaut {v}", "{s} is {v}"),
    "value_not": ("{s} ne vaut pas {v}", "{s} is not {v}"),
    "value_none": ("{s} ne vaut ni {v}", "{s} is neither {v}"),
    "value_contains": ("{s} contient {v}", "{s} includes {v}"),
    "value_lacks": ("{s} ne contient pas {v}", "{s} does not include {v}"),
    "answered": ("vous avez répondu à {0}", "you answered {0}"),
    "unanswered": ("vous n'avez pas répondu à {0}", "you did not answer {0}"),
    "true_value": ("{0} n'est ni vide ni nul", "{0} is neither empty nor zero"),
    "false_value": ("{0} est vide ou nul", "{0} is empty or zero"),
    "answered_value": ("{0} a une réponse", "{0} has an answer"),
    "unanswered_value": ("{0} n'a pas de réponse", "{0} has no answer"),
    "==": ("{0}", "{0}"),
    "<": ("moins de {0}", "less than {0}"),
    "<=": ("{0} ou moins", "{0} or less"),
    ">": ("plus de {0}", "more than {0}"),
    ">=": ("{0} ou plus", "{0} or more"),
    "contains": ("{0}", "{0}"),
    "between": ("entre {0} et {1}", "between {0} and {1}"),
    "==_date": ("{0}", "{0}"),
    "<_date": ("une date avant {0}", "a date before {0}"),
    "<=_date": ("{0} ou avant", "{0} or before"),
    ">_date": ("une date après {0}", "a date after {0}"),
    ">=_date": ("{0} ou après", "{0} or after"),
    "between_date": ("une date entre {0} et {1}", "a date between {0} and {1}"),
    "on_date": ("le {0}", "{0}"),
    "with_unit": ("{0}\u00a0{1}", "{0}\u00a0{1}"),
    "singular": (("0", "1"), ("1",)),
    "years": ("ans", "years old"),
    "years_one": ("an", "year old"),
    "answers": ("réponses", "answers"),
    "answers_one": ("réponse", "answer"),
}
_LANGUAGES = ("fr", "en")
_BY_LANGUAGE = {lang: {key: pair[index] for key, pair in _PHRASES.items()} for index, lang in enumerate(_LANGUAGES)}


def phrases(lang: str) -> Mapping[str, object]:
    """The phrases of ``lang`` (French when Tremplin has none in that language)."""
    return _BY_LANGUAGE.get(lang, _BY_LANGUAGE["fr"])
