"""The paper version's own phrases (:mod:`builder.rules.in_words`): the shape of its
« si … » sentence, each key with its French, then its English. The words it shares with
the studio and the mini-site (comparisons, units, quotes, lists) are those of
:mod:`builder.rules.vocabulary`.

Templates take ``{q}`` (a question's label, quoted), ``{s}`` (a subject as a noun
phrase), ``{v}`` (the values: « moins de 18 ans », « « Oui » »), or ``{0}``, ``{1}``.
A language without its own phrases gets the French ones.
"""

from __future__ import annotations

from typing import Mapping

from builder.rules.vocabulary import LANGUAGES

_PHRASES: dict[str, tuple[str, str]] = {
    "if": ("si {0}", "if {0}"),
    "either": ("soit {0}", "either {0}"),
    "either_list": (", soit ", ", "),
    "either_last": (", soit ", " or "),
    "always": ("dans tous les cas", "in every case"),
    "never": ("dans aucun cas", "in no case"),
    "value": ("une valeur calculée", "a computed value"),
    "+": ("{0} plus {1}", "{0} plus {1}"),
    "-": ("{0} moins {1}", "{0} minus {1}"),
    "*": ("{0} multiplié par {1}", "{0} multiplied by {1}"),
    "/": ("{0} divisé par {1}", "{0} divided by {1}"),
    "minus": ("moins {0}", "minus {0}"),
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
    "territory": ("{s} est {v}", "{s} is {v}"),
    "value_not": ("{s} ne vaut pas {v}", "{s} is not {v}"),
    "value_none": ("{s} ne vaut ni {v}", "{s} is neither {v}"),
    "value_contains": ("{s} contient {v}", "{s} includes {v}"),
    "value_lacks": ("{s} ne contient pas {v}", "{s} does not include {v}"),
    "answered": ("vous avez répondu à {0}", "you answered {0}"),
    "unanswered": ("vous n'avez pas répondu à {0}", "you did not answer {0}"),
    "true_value": ("{0} n'est ni vide ni nul", "{0} is neither empty nor zero"),
    "false_value": ("{0} est vide ou nul", "{0} is empty or zero"),
    "a_date": ("une date {0}", "a date {0}"),
}
_BY_LANGUAGE = {lang: {key: pair[index] for key, pair in _PHRASES.items()} for index, lang in enumerate(LANGUAGES)}


def phrases(lang: str) -> Mapping[str, str]:
    """The phrases of ``lang`` (French when Tremplin has none in that language)."""
    return _BY_LANGUAGE.get(lang, _BY_LANGUAGE["fr"])
