"""Lines that explain a result to a person, French first.

:func:`render_explanation` turns the :class:`~builder.rules.conditions.Check` tree of a
condition into lines such as ``Votre âge : 15 ans — il faut : entre 11 et 17 ans ✓``.
Its words are those of :mod:`builder.rules.words` and :mod:`builder.rules.requirements`.
The conditions a result needs all of are simply listed (no line « toutes ces
conditions » standing alone); a group inside says what it asks (« Il suffit d'une de
ces conditions »), its lines below it.
"""

from __future__ import annotations

from typing import Any, Mapping

from builder.rules.requirements import age_label, age_text, requirement, subject_of
from builder.rules.words import FormatValue, default_format_value, group_text, word


def render_explanation(check: Any, labels: Mapping[str, str] | None = None,
                       format_value: FormatValue | None = None, lang: str = "fr") -> list[str]:
    """Lines a person can read, one per condition, the parts of a group inside another
    indented by two spaces: ``âge : 19 — âge ≥ 18 ✓``; ``✗`` when false, ``?`` when
    unknown. The parts of a condition that needs all of them are lines of their own.

    ``format_value(name, value)`` formats every value shown (option labels, dates…),
    UNKNOWN and EMPTY included; without it, :func:`default_format_value` is used
    (« pas encore répondu », « vide », 02/03/2007…).
    """
    labels = labels or {}
    lines: list[str] = []
    for part in (check.children if check.kind == "all" else [check]):
        _render(part, labels, format_value, lang, 0, lines)
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
        age = _age_value(check, expression, lang)
        if age is not None:
            return f"{word('value', lang).format(age_label(lang), age)} — {text} {mark}"
    values = ", ".join(
        word("value", lang).format(labels.get(name, name),
                                   _value(name, value, format_value, lang))
        for name, value in check.values.items())
    return f"{values} — {text} {mark}"


def _age_value(check: Any, expression: Any, lang: str) -> str | None:
    """« 15 ans » when the leaf is about the age a date gives (None otherwise, or when
    the date is not known yet: the line then shows the date's own answer)."""
    subject = subject_of(expression.root)
    if subject is None or subject[0] != "age":
        return None
    return age_text(check.values.get(subject[1]), getattr(check, "today", None), lang)


def _text(check: Any, labels: Mapping[str, str], lang: str) -> str:
    expression = getattr(check, "expression", None)
    if check.kind == "leaf":
        return expression.describe(labels, lang) if expression is not None else check.text
    if check.kind == "not":
        return group_text("not", _text(check.children[0], labels, lang), lang)
    return word(f"{check.kind}_header", lang)


def _value(name: str, value: Any, format_value: FormatValue | None, lang: str) -> str:
    if format_value is None:
        return default_format_value(name, value, lang)
    return format_value(name, value)
