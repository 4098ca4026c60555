"""Lines that explain a result to a person, French first.

:func:`render_explanation` turns the :class:`~builder.rules.conditions.Check` tree of a
condition into lines such as ``âge : 19 — âge ≥ 18 ✓``. Its words are those of
:mod:`builder.rules.words`.
"""

from __future__ import annotations

from typing import Any, Mapping

from builder.rules.requirements import requirement
from builder.rules.words import FormatValue, default_format_value, group_text, word


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
