"""A condition as the studio shows it: in words, never as an expression.

« Âge : entre 11 et 17 ans, et « Votre famille touche-t-elle l'allocation ? » : Oui ».
Each row the condition builder would show (:func:`~builder.editing.conditions.condition_to_rows`)
becomes the question's label, quoted, and what it must be, with the option labels and
units the person sees; rows are joined by « , et » or « , ou ». The words are those of
:mod:`builder.rules.vocabulary`, shared with the mini-site and the paper version; the
shape « Libellé : valeur » is the studio's own. A condition rows cannot show (groups
inside groups, arithmetic) is described by the expression's own words, questions named
by their labels. French first, English beside.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Mapping

from builder.editing.conditions import Row, Subject, condition_to_rows
from builder.editing.row_patterns import parse_root
from builder.messages import Problem, Problems
from builder.rules.conditions import parse_condition
from builder.rules.in_words import Glossary, Question, in_plain_words, value_in_words
from builder.rules.vocabulary import (
    between,
    conjunction,
    date_compared,
    format_date,
    format_number,
    joined,
    labelled,
    phrase,
    quoted,
    said,
    with_unit,
    yes_no,
)

# The rows' operators as the vocabulary names them.
_PHRASE_OF = {"eq": "==", "ne": "!=", "in": "in", "not_in": "not in", "contains": "contains",
              "lacks": "lacks", "lt": "<", "le": "<=", "gt": ">", "ge": ">=", "between": "between",
              "before": "<", "after": ">", "age_ge": ">=", "age_lt": "<",
              "age_between": "between"}
_AGE_OPERATORS = frozenset({"age_ge", "age_lt", "age_between"})
_STATES = {"yes": "yes", "no": "no", "answered": "answered", "not_answered": "unanswered"}
MAX_LABEL = 60


def condition_summary(condition: Any, known: Mapping[str, Subject], lang: str = "fr") -> str:
    """The studio's summary of a condition (see the module's docstring)."""
    if isinstance(condition, bool):
        return phrase("always" if condition else "never", lang)
    found = condition_to_rows(condition, known)
    if found is None:
        return _described(condition, known, lang)
    group, rows = found
    if group == "all":
        rows = _ranges_joined(rows)
    separator = "," + conjunction("and" if group == "all" else "or", lang)
    return separator.join(row_summary(row, known[row.subject], lang) for row in rows)


def _ranges_joined(rows: list[Row]) -> list[Row]:
    """``age >= 11`` then ``age <= 17`` (written on one line) read as one range."""
    joined_rows: list[Row] = []
    for row in rows:
        last = joined_rows[-1] if joined_rows else None
        if (last is not None and (last.operator, row.operator) == ("ge", "le") and last.subject == row.subject
                and last.value <= row.value):
            joined_rows[-1] = Row(row.subject, "between", (last.value, row.value))
        else:
            joined_rows.append(row)
    return joined_rows


def row_summary(row: Row, subject: Subject, lang: str = "fr") -> str:
    """One row: « « Votre situation » : Étudiant », « Âge : 18 ans ou plus »,
    « « Votre téléphone » a une réponse »."""
    if row.operator in ("answered", "not_answered"):
        return said(_STATES[row.operator], lang, _subject_words(row, subject, lang))
    if row.operator in _STATES:
        return labelled(_subject_words(row, subject, lang), phrase(_STATES[row.operator], lang), lang)
    return labelled(_subject_words(row, subject, lang), _value_words(row, subject, lang), lang)


def _subject_words(row: Row, subject: Subject, lang: str) -> str:
    if row.operator in _AGE_OPERATORS or _is_age(subject):
        return phrase("age", lang)
    return subject.label if subject.computed else quoted(short_label(subject.label), lang)


def short_label(label: str) -> str:
    """A question's label, cut after :data:`MAX_LABEL` characters (« … » at the cut)."""
    label = " ".join(str(label).split())
    return label if len(label) <= MAX_LABEL else label[:MAX_LABEL - 1].rstrip() + "…"


def _is_age(subject: Subject) -> bool:
    return subject.computed and subject.unit == "ans"


def _value_words(row: Row, subject: Subject, lang: str) -> str:
    """What the row asks of the answer: « Étudiant ou Autre », « entre 11 et 17 ans »."""
    value, key = row.value, _PHRASE_OF[row.operator]
    if row.operator in ("before", "after"):
        return date_compared(key, lang, format_date(dt.date.fromisoformat(value)))
    if row.operator in ("in", "not_in"):
        return said(key, lang, joined((_answer_words(subject)(v) for v in value), "or" if key == "in" else "nor", lang))
    unit = "years" if row.operator in _AGE_OPERATORS or _is_age(subject) else subject.unit
    if isinstance(value, tuple):
        return between(*(with_unit(format_number(end, lang), unit, lang) for end in value), lang)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return said(key, lang, with_unit(format_number(value, lang), unit, lang))
    return said(key, lang, _answer_words(subject)(value) if isinstance(value, str) else yes_no(bool(value), lang))


def _described(condition: Any, known: Mapping[str, Subject], lang: str) -> str:
    """A condition rows cannot show (groups in groups, territories, arithmetic), as the
    paper version says it: questions by their labels, options by theirs, territories by
    their names, an age as an age (:func:`builder.rules.in_words.in_plain_words`)."""
    try:
        return in_plain_words(parse_condition(condition), _glossary(known, lang), lang)
    except (Problem, Problems):
        return str(condition)


def value_summary(source: Any, known: Mapping[str, Subject], lang: str = "fr") -> str:
    """How a computed value is worked out, in words: « la réponse à « Vos revenus » divisé par 12 »."""
    root = parse_root(source)
    return value_in_words(root, _glossary(known, lang), lang) if root is not None else str(source)


def _glossary(known: Mapping[str, Subject], lang: str) -> Glossary:
    """The words of the service as the studio knows them, for :mod:`builder.rules.in_words`."""
    questions = {name: Question(short_label(subject.label), subject.kind, _answer_words(subject))
                 for name, subject in known.items() if not subject.computed}
    computed = {name: root for name, subject in known.items()
                if subject.computed and (root := parse_root(subject.source)) is not None}
    return Glossary(questions, computed)


def _answer_words(subject: Subject) -> Callable[[Any], str]:
    """An answer to ``subject`` as people read it: its option's label, « Oui », a commune's name."""
    labels = dict(subject.options)
    return lambda value: labels.get(value) or (subject.said(value) if subject.said else str(value))
