"""The small vocabulary of explanations, French first: ``≥``, « parmi », « entre … et … »,
and how constants and answers are written for people (``2,5``, « apprenti », 02/03/2007).

The expression nodes (:mod:`builder.rules.nodes`) describe themselves with these words;
:mod:`builder.rules.explain` builds the lines a person reads with them. This is the
register of an expression described as it is written (« âge ≥ 18 », « statut parmi … »);
every word shared with the plain phrases (quotes, « aujourd'hui », « toujours », « a une
réponse », numbers and dates) is :mod:`builder.rules.vocabulary`'s.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from builder.rules.values import EMPTY, OUT_OF_BOUNDS, UNKNOWN
from builder.rules.vocabulary import format_date, format_number, phrase, quoted, yes_no

FormatValue = Callable[[str, Any], str]

_WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "==": "=", "!=": "≠", "<": "<", "<=": "≤", ">": ">", ">=": "≥",
        "in": "parmi", "not in": "pas parmi", "contains": "contient",
        "lacks": "ne contient pas", "and": "et", "or": "ou", "not": "non",
        "between": "{0} entre {1} et {2}", "years_since": "âge (d'après {0})",
        "count": "nombre de {0}",
        "departement": "département de {0}", "region": "région de {0}", "epci": "intercommunalité de {0}",
        "true": "oui", "false": "non", "all": "toutes ces conditions",
        "any": "au moins une de ces conditions", "not_group": "pas : {0}",
        "all_header": "Il faut tout ceci", "any_header": "Il suffit d'une de ces conditions",
        "unknown": "pas encore répondu", "empty": "sans réponse",
        "out_of_bounds": "nombre trop grand pour être calculé (plus de 15 chiffres)",
    },
    "en": {
        "==": "=", "!=": "≠", "<": "<", "<=": "≤", ">": ">", ">=": "≥",
        "in": "one of", "not in": "not one of", "contains": "includes",
        "lacks": "does not include", "and": "and", "or": "or", "not": "not",
        "between": "{0} between {1} and {2}", "years_since": "age (from {0})",
        "count": "number of {0}",
        "departement": "département of {0}", "region": "region of {0}", "epci": "EPCI of {0}",
        "true": "yes", "false": "no", "all": "all of these conditions",
        "any": "at least one of these conditions", "not_group": "not: {0}",
        "all_header": "All of these are needed", "any_header": "One of these is enough",
        "unknown": "not answered yet", "empty": "no answer",
        "out_of_bounds": "a number too large to compute (more than 15 digits)",
    },
}


def word(key: str, lang: str = "fr") -> str:
    """One word or phrase template of the explanations, in ``lang`` (French by default):
    this module's own, else the shared vocabulary's (« aujourd'hui », « {0} a une réponse »)."""
    words = _WORDS.get(lang, _WORDS["fr"])
    return words[key] if key in words else phrase(key, lang)


def format_constant(value: Any, lang: str = "fr") -> str:
    """A constant of an expression: « apprenti », 18, oui, or a list of those."""
    if isinstance(value, bool):
        return word("true" if value else "false", lang)
    if isinstance(value, (int, float)):
        return format_number(value, lang)
    if isinstance(value, (list, tuple)):
        return ", ".join(format_constant(item, lang) for item in value)
    return quoted(value, lang)


def default_format_value(name: str, value: Any, lang: str = "fr") -> str:
    """An answer for a person: dates as 02/03/2007, « Oui » / « Non », « sans réponse »…"""
    if value is UNKNOWN:
        return word("unknown", lang)
    if value is EMPTY or value is None:
        return word("empty", lang)
    if value is OUT_OF_BOUNDS:
        return word("out_of_bounds", lang)
    if isinstance(value, bool):
        return yes_no(value, lang)
    if isinstance(value, (int, float)):
        return format_number(value, lang)
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(default_format_value(name, item, lang) for item in value)
    return str(value)


def group_text(kind: str, child_text: str, lang: str = "fr") -> str:
    """The phrase of a group: « toutes ces conditions », « pas : … »…"""
    if kind == "not":
        return word("not_group", lang).format(child_text)
    return word(kind, lang)
