"""Words and lines that explain a result to a person, French first.

:func:`render_explanation` turns the :class:`~builder.rules.conditions.Check` tree of a
condition into lines such as ``âge : 19 — âge ≥ 18 ✓``. The small vocabulary used by
``describe`` (``≥``, « parmi », « entre … et … ») lives here too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Mapping

from builder.rules.values import EMPTY, UNKNOWN

FormatValue = Callable[[str, Any], str]

_WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "==": "=", "!=": "≠", "<": "<", "<=": "≤", ">": ">", ">=": "≥",
        "in": "parmi", "not in": "pas parmi", "contains": "contient",
        "lacks": "ne contient pas", "and": "et", "or": "ou", "not": "non",
        "between": "{0} entre {1} et {2}", "years_since": "années depuis {0}",
        "today": "aujourd'hui", "count": "nombre de {0}", "answered": "{0} renseigné",
        "true": "oui", "false": "non", "all": "toutes ces conditions",
        "any": "au moins une de ces conditions", "not_group": "pas : {0}",
        "unknown": "pas encore répondu", "empty": "vide", "value": "{0} : {1}",
        "always": "toujours", "never": "jamais",
        "open": "« ", "close": " »",
    },
    "en": {
        "==": "=", "!=": "≠", "<": "<", "<=": "≤", ">": ">", ">=": "≥",
        "in": "one of", "not in": "not one of", "contains": "includes",
        "lacks": "does not include", "and": "and", "or": "or", "not": "not",
        "between": "{0} between {1} and {2}", "years_since": "years since {0}",
        "today": "today", "count": "number of {0}", "answered": "{0} answered",
        "true": "yes", "false": "no", "all": "all of these conditions",
        "any": "at least one of these conditions", "not_group": "not: {0}",
        "unknown": "not answered yet", "empty": "empty", "value": "{0}: {1}",
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


def render_explanation(check: Any, labels: Mapping[str, str] | None = None,
                       format_value: FormatValue | None = None, lang: str = "fr") -> list[str]:
    """Lines a person can read, one per condition, groups first and their parts indented
    by two spaces: ``âge : 19 — âge ≥ 18 ✓``; ``✗`` when false, ``?`` when unknown.

    ``format_value(name, value)`` formats every value shown (option labels, dates…),
    UNKNOWN and EMPTY included; without it, :func:`default_format_value` is used
    (« pas encore répondu », « vide », 02/03/2007…).
    """
    labels = labels or {}
    lines: list[str] = []
    _render(check, labels, format_value, lang, 0, lines)
    return lines


def _render(check: Any, labels: Mapping[str, str], format_value: FormatValue | None,
            lang: str, depth: int, lines: list[str]) -> None:
    lines.append("  " * depth + _line(check, labels, format_value, lang))
    for child in check.children:
        _render(child, labels, format_value, lang, depth + 1, lines)


def _line(check: Any, labels: Mapping[str, str], format_value: FormatValue | None,
          lang: str) -> str:
    mark = "✓" if check.result is True else "✗" if check.result is False else "?"
    text = _text(check, labels, lang)
    if check.kind != "leaf" or not check.values:
        return f"{text} {mark}"
    expression = getattr(check, "expression", None)
    if format_value is not None and expression is not None:
        from builder.rules.requirements import requirement  # late: the nodes import this module
        text = requirement(expression.root, format_value, lang) or text
    values = ", ".join(
        word("value", lang).format(labels.get(name, name),
                                   _value(name, value, format_value, lang))
        for name, value in check.values.items())
    return f"{values} — {text} {mark}"


def _text(check: Any, labels: Mapping[str, str], lang: str) -> str:
    expression = getattr(check, "expression", None)
    if check.kind == "leaf":
        return expression.describe(labels, lang) if expression is not None else check.text
    child = _text(check.children[0], labels, lang) if check.kind == "not" else ""
    return group_text(check.kind, child, lang)


def _value(name: str, value: Any, format_value: FormatValue | None, lang: str) -> str:
    if format_value is None:
        return default_format_value(name, value, lang)
    return format_value(name, value)
