"""The text mode of conditions: one expression, checked as the person types.

:func:`check_expression` gives every problem of an expression with its column (the
parser's, then one per unknown name, pointing at the name); :func:`condition_to_text`
writes an ``all:`` / ``any:`` / ``not:`` tree as the one expression it stands for, for a
person who switches from rows (or from a tree written by hand) to the text mode.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from builder.format.references import calculation_problems  # also registers « unknown_name »…
from builder.messages import Problem, Suggestion
from builder.rules.expressions import parse
from builder.rules.nodes import AND, ATOM, NOT, OR

_GROUP_LEVEL = {"all": AND, "any": OR}


def check_expression(text: str, known_names: Iterable[str], content_names: Iterable[str] = (),
                     kinds: Mapping[str, str | None] | None = None) -> list[Problem]:
    """Every problem of the expression ``text`` (empty when it is fine), each a
    :class:`~builder.messages.Problem` whose ``column`` (from 1) points at the mistake and
    whose ``message(lang)`` says what to write instead; with the ``kinds`` of the names,
    a calculation on what can never be a number too (as the loader finds it)."""
    try:
        expression = parse(text)
    except Problem as problem:
        return [problem]
    known, content = set(known_names), set(content_names)
    problems = []
    for name, column in expression.name_columns():
        if name in content:
            problems.append(Problem("content_has_no_value", column=column, name=name))
        elif name not in known:
            problems.append(Problem("unknown_name", column=column, name=name,
                                    hint=Suggestion.among(name, known)))
    if not problems and kinds is not None:
        problems = calculation_problems(expression.root, dict(kinds))
    return problems


def condition_to_text(condition: Any) -> str:
    """The condition as one expression: ``{all: [a, b]}`` → ``a and b``, ``{any: …}`` →
    ``… or …``, ``{not: a}`` → ``not (a)``; brackets only where they are needed. A
    condition that is not well formed comes back as its plain text."""
    text, _ = _text_and_level(condition)
    return text


def _text_and_level(condition: Any) -> tuple[str, int]:
    if isinstance(condition, bool):
        return ("true" if condition else "false"), ATOM
    if isinstance(condition, str):
        try:
            return condition.strip(), parse(condition).root.precedence
        except Problem:
            return condition.strip(), OR
    if isinstance(condition, dict) and len(condition) == 1:
        (key, value), = condition.items()
        if key in _GROUP_LEVEL and isinstance(value, list) and value:
            return _group_text(key, value), _GROUP_LEVEL[key]
        if key == "not" and not isinstance(value, list):
            inner, level = _text_and_level(value)
            return f"not {_bracket(inner, level, NOT)}", NOT
    return str(condition), OR


def _group_text(key: str, items: list) -> str:
    level = _GROUP_LEVEL[key]
    parts = [_bracket(*_text_and_level(item), level) for item in items]
    return f" {'and' if key == 'all' else 'or'} ".join(parts)


def _bracket(text: str, level: int, needed: int) -> str:
    return f"({text})" if level < needed else text
