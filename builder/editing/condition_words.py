"""A condition as the studio shows it: in words, never as an expression.

« Âge : entre 11 et 17 ans, et « Votre famille touche-t-elle l'allocation ? » : Oui ».
Each row the condition builder would show (:func:`~builder.editing.conditions.condition_to_rows`)
becomes the question's label, quoted, and what it must be, with the option labels and
units the person sees; rows are joined by « et » or « ou ». A condition rows cannot show
(groups inside groups, arithmetic) is described by the expression's own words, questions
named by their labels. French first, English beside.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from builder.editing.conditions import Row, Subject, condition_to_rows
from builder.messages import Problem, Problems
from builder.rules.conditions import parse_condition
from builder.rules.words import format_number

_WORDS = {
    "fr": {"eq": "{0}", "ne": "autre chose que {0}", "in": "{0}", "not_in": "ni {0}", "contains": "{0} cochée",
           "lacks": "{0} pas cochée", "lt": "moins de {0}", "le": "{0} ou moins", "gt": "plus de {0}",
           "ge": "{0} ou plus", "between": "entre {0} et {1}", "yes": "Oui", "no": "Non",
           "answered": "répondu", "not_answered": "sans réponse", "before": "avant le {0}", "after": "après le {0}",
           "age_ge": "{0} ou plus", "age_lt": "moins de {0}", "age_between": "entre {0} et {1}",
           "or": " ou ", "nor": " ni ", "all": ", et ", "any": ", ou ", "subject": "« {0} » : {1}",
           "named": "{0} : {1}", "age": "Âge", "years": "ans", "true": "toujours", "false": "jamais",
           "quote": "« {0} »"},
    "en": {"eq": "{0}", "ne": "anything but {0}", "in": "{0}", "not_in": "neither {0}", "contains": "{0} ticked",
           "lacks": "{0} not ticked", "lt": "less than {0}", "le": "{0} or less", "gt": "more than {0}",
           "ge": "{0} or more", "between": "between {0} and {1}", "yes": "Yes", "no": "No",
           "answered": "answered", "not_answered": "not answered", "before": "before {0}", "after": "after {0}",
           "age_ge": "{0} or more", "age_lt": "less than {0}", "age_between": "between {0} and {1}",
           "or": " or ", "nor": " nor ", "all": ", and ", "any": ", or ", "subject": "“{0}”: {1}",
           "named": "{0}: {1}", "age": "Age", "years": "years", "true": "always", "false": "never",
           "quote": "“{0}”"},
}
_AGE_OPERATORS = frozenset({"age_ge", "age_lt", "age_between"})
MAX_LABEL = 60


def condition_in_words(condition: Any, known: Mapping[str, Subject], lang: str = "fr") -> str:
    """The condition in words, for the studio (see the module's docstring)."""
    words = _WORDS.get(lang, _WORDS["fr"])
    if isinstance(condition, bool):
        return words["true" if condition else "false"]
    found = condition_to_rows(condition, known)
    if found is None:
        return _described(condition, known, words, lang)
    group, rows = found
    if group == "all":
        rows = _ranges_joined(rows)
    return words[group].join(row_in_words(row, known[row.subject], lang) for row in rows)


def _ranges_joined(rows: list[Row]) -> list[Row]:
    """``age >= 11`` then ``age <= 17`` (written on one line) read as one range."""
    joined: list[Row] = []
    for row in rows:
        last = joined[-1] if joined else None
        if (last is not None and (last.operator, row.operator) == ("ge", "le") and last.subject == row.subject
                and last.value <= row.value):
            joined[-1] = Row(row.subject, "between", (last.value, row.value))
        else:
            joined.append(row)
    return joined


def row_in_words(row: Row, subject: Subject, lang: str = "fr") -> str:
    """One row: « « Votre situation » : Étudiant », « Âge : 18 ans ou plus »."""
    words = _WORDS.get(lang, _WORDS["fr"])
    value = _value_words(row, subject, words, lang)
    phrase = words[row.operator].format(*value) if isinstance(value, tuple) else words[row.operator].format(value)
    if row.operator in _AGE_OPERATORS or _is_age(subject):
        return words["named"].format(words["age"], phrase)
    if subject.computed:
        return words["named"].format(subject.label, phrase)
    return words["subject"].format(short_label(subject.label), phrase)


def short_label(label: str) -> str:
    """A question's label, cut after :data:`MAX_LABEL` characters (« … » at the cut)."""
    label = " ".join(str(label).split())
    return label if len(label) <= MAX_LABEL else label[:MAX_LABEL - 1].rstrip() + "…"


def _is_age(subject: Subject) -> bool:
    return subject.computed and subject.unit == "ans"


def _value_words(row: Row, subject: Subject, words: dict, lang: str) -> Any:
    value, labels = row.value, dict(subject.options)
    if row.operator in ("before", "after"):
        return _date(value, lang)
    if row.operator in ("in", "not_in"):
        return (words["or"] if row.operator == "in" else words["nor"]).join(labels.get(v, v) for v in value)
    if isinstance(value, tuple):
        unit = _unit(row, subject, words)
        return (format_number(value[0], lang), _with_unit(value[1], unit, lang))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _with_unit(value, _unit(row, subject, words), lang)
    if isinstance(value, str):
        return labels.get(value, value)
    return ""


def _unit(row: Row, subject: Subject, words: dict) -> str:
    if row.operator in _AGE_OPERATORS or _is_age(subject):
        return words["years"]
    return subject.unit


def _with_unit(number: Any, unit: str, lang: str) -> str:
    text = format_number(number, lang)
    return f"{text}\u00a0{unit}" if unit else text


def _date(value: str, lang: str) -> str:
    day = dt.date.fromisoformat(value)
    return day.strftime("%d/%m/%Y") if lang == "fr" else day.strftime("%d %B %Y").lstrip("0")


def _described(condition: Any, known: Mapping[str, Subject], words: dict, lang: str) -> str:
    """A condition rows cannot show, in the expression's own words (labels, ≥, et, ou)."""
    labels = {name: subject.label if subject.computed else words["quote"].format(short_label(subject.label))
              for name, subject in known.items()}
    try:
        return parse_condition(condition).describe(labels, lang)
    except (Problem, Problems):
        return str(condition)
