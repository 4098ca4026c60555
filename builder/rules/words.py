"""The small vocabulary of explanations, French first: ``≥``, « parmi », « entre … et … »,
and how constants and answers are written for people (``2,5``, « apprenti », 02/03/2007).

The expression nodes (:mod:`builder.rules.nodes`) describe themselves with these words;
:mod:`builder.rules.explain` builds the lines a person reads with them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from builder.rules.values import EMPTY, OUT_OF_BOUNDS, UNKNOWN

FormatValue = Callable[[str, Any], str]

_WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "==": "=", "!=": "≠", "<": "<", "<=": "≤", ">": ">", ">=": "≥",
        "in": "parmi", "not in": "pas parmi", "contains": "contient",
        "lacks": "ne contient pas", "and": "et", "or": "ou", "not": "non",
        "between": "{0} entre {1} et {2}", "years_since": "âge (d'après {0})",
        "today": "aujourd'hui", "count": "nombre de {0}", "answered": "{0} renseigné",
        "departement": "département de {0}", "region": "région de {0}", "epci": "intercommunalité de {0}",
        "true": "oui", "false": "non", "all": "toutes ces conditions",
        "any": "au moins une de ces conditions", "not_group": "pas : {0}",
        "all_header": "Il faut tout ceci", "any_header": "Il suffit d'une de ces conditions",
        "unknown": "pas encore répondu", "empty": "vide", "value": "{0} : {1}",
        "out_of_bounds": "nombre trop grand pour être calculé",
        "always": "toujours", "never": "jamais",
        "open": "« ", "close": " »",
    },
    "en": {
        "==": "=", "!=": "≠", "<": "<", "<=": "≤", ">": ">", ">=": "≥",
        "in": "one of", "not in": "not one of", "contains": "includes",
        "lacks": "does not include", "and": "and", "or": "or", "not": "not",
        "between": "{0} between {1} and {2}", "years_since": "age (from {0})",
        "today": "today", "count": "number of {0}", "answered": "{0} answered",
        "departement": "département of {0}", "region": "region of {0}", "epci": "EPCI of {0}",
        "true": "yes", "false": "no", "all": "all of these conditions",
        "any": "at least one of these conditions", "not_group": "not: {0}",
        "all_header": "All of these are needed", "any_header": "One of these is enough",
        "unknown": "not answered yet", "empty": "empty", "value": "{0}: {1}",
        "out_of_bounds": "a number too large to compute",
        "always": "always", "never": "never",
        "open": "“", "close": "”",
    },
}


def word(key: str, lang: str = "fr") -> str:
    """One word or phrase template of the explanations, in ``lang`` (French by default)."""
    return _WORDS.get(lang, _WORDS["fr"])[key]


def format_number(value: int | float, lang: str = "fr") -> str:
    """A number as people write it: ``2,5`` in French, ``18`` rather than ``18.0``."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    text = repr(value)
    return text.replace(".", ",") if lang == "fr" else text


def format_constant(value: Any, lang: str = "fr") -> str:
    """A constant of an expression: « apprenti », 18, oui, or a list of those."""
    if isinstance(value, bool):
        return word("true" if value else "false", lang)
    if isinstance(value, (int, float)):
        return format_number(value, lang)
    if isinstance(value, (list, tuple)):
        return ", ".join(format_constant(item, lang) for item in value)
    return f"{word('open', lang)}{value}{word('close', lang)}"


def default_format_value(name: str, value: Any, lang: str = "fr") -> str:
    """An answer for a person: dates as 02/03/2007 in French, oui/non, « vide »…"""
    if value is UNKNOWN:
        return word("unknown", lang)
    if value is EMPTY or value is None:
        return word("empty", lang)
    if value is OUT_OF_BOUNDS:
        return word("out_of_bounds", lang)
    if isinstance(value, bool):
        return word("true" if value else "false", lang)
    if isinstance(value, (int, float)):
        return format_number(value, lang)
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y") if lang == "fr" else value.isoformat()
    if isinstance(value, (list, tuple)):
        return ", ".join(default_format_value(name, item, lang) for item in value)
    return str(value)


def group_text(kind: str, child_text: str, lang: str = "fr") -> str:
    """The phrase of a group: « toutes ces conditions », « pas : … »…"""
    if kind == "not":
        return word("not_group", lang).format(child_text)
    return word(kind, lang)
