"""What a simple condition asks for, in the words of the answers: « il faut : 18 ou plus ».

An explanation line reads ``label : answer — il faut : requirement ✓``. For a leaf
about one question (``statut == "apprenti"``, ``age >= 18``, ``boursier``,
``statut in [...]``, ``16 <= age <= 25``, ``"autre" in matieres``), the requirement
is written with the question's own formatting, so a choice shows its option label,
never its internal value. Other leaves fall back to the expression's description.
"""

from __future__ import annotations

from typing import Any, Callable

from builder.rules import nodes

FormatValue = Callable[[str, Any], str]

_PHRASES = {
    "fr": {"==": "{0}", "!=": "autre chose que {0}", "<": "moins de {0}", "<=": "{0} ou moins",
           ">": "plus de {0}", ">=": "{0} ou plus", "in": "{0}", "not in": "ni {0}",
           "contains": "avoir choisi {0}", "lacks": "ne pas avoir choisi {0}", "between": "entre {0} et {1}",
           "or": " ou ", "nor": ", ni ", "needed": "il faut : {0}"},
    "en": {"==": "{0}", "!=": "anything but {0}", "<": "less than {0}", "<=": "{0} or less",
           ">": "more than {0}", ">=": "{0} or more", "in": "{0}", "not in": "neither {0}",
           "contains": "{0} chosen", "lacks": "{0} not chosen", "between": "between {0} and {1}",
           "or": " or ", "nor": " nor ", "needed": "needed: {0}"},
}
_FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


def requirement(root: nodes.Node, format_value: FormatValue, lang: str = "fr") -> str | None:
    """« il faut : … » for a leaf about one question, or None when the leaf is not that simple."""
    words = _PHRASES.get(lang, _PHRASES["fr"])
    phrase = _phrase(root, format_value, words)
    return words["needed"].format(phrase) if phrase else None


def _phrase(node: nodes.Node, format_value: FormatValue, words: dict) -> str | None:
    if isinstance(node, nodes.Name):
        return _shown(node.name, True, format_value)
    if isinstance(node, nodes.Not) and isinstance(node.children[0], nodes.Name):
        return _shown(node.children[0].name, False, format_value)
    if isinstance(node, nodes.Compare):
        return _comparison(node, format_value, words)
    if isinstance(node, nodes.Chain) and len(node.children) == 2:
        return _between(node, format_value, words)
    return None


def _comparison(node: nodes.Compare, format_value: FormatValue, words: dict) -> str | None:
    left, right = node.children
    op = node.op
    if isinstance(left, nodes.Name) and right.constant is not nodes.NOT_CONSTANT:
        name, constant = left.name, right.constant
    elif isinstance(right, nodes.Name) and left.constant is not nodes.NOT_CONSTANT:
        name, constant = right.name, left.constant
        if op in ("in", "not in"):  # "autre" in matieres: about a choice among several
            return words["contains" if op == "in" else "lacks"].format(_shown(name, [constant], format_value))
        op = _FLIPPED.get(op)
        if op is None:
            return None
    else:
        return None
    if op in ("in", "not in"):
        if not isinstance(constant, list):
            return None
        joiner = words["or"] if op == "in" else words["nor"]
        return words[op].format(joiner.join(_shown(name, item, format_value) for item in constant))
    return words[op].format(_shown(name, constant, format_value))


def _between(node: nodes.Chain, format_value: FormatValue, words: dict) -> str | None:
    first, second = node.children
    ops = (first.op, second.op)
    low, middle, high = first.children[0], first.children[1], second.children[1]
    if ops not in (("<=", "<="), (">=", ">=")) or not isinstance(middle, nodes.Name):
        return None
    if ops[0] == ">=":
        low, high = high, low
    if nodes.NOT_CONSTANT in (low.constant, high.constant):
        return None
    return words["between"].format(_shown(middle.name, low.constant, format_value),
                                   _shown(middle.name, high.constant, format_value))


def _shown(name: str, value: Any, format_value: FormatValue) -> str:
    """A constant formatted as the answer to ``name`` would be (option labels, units…)."""
    try:
        return format_value(name, value)
    except Exception:  # a constant the question's formatter cannot take (a type mismatch)
        return str(value)
