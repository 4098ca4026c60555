"""What a simple condition asks for, in the words of the answers: « il faut : 18 ou plus ».

An explanation line reads ``label : answer — il faut : requirement ✓``. For a leaf
about one subject (``statut == "apprenti"``, ``age >= 18``, ``boursier``,
``statut in [...]``, ``16 <= age <= 25``, ``age >= 16 and age <= 25``,
``"autre" in matieres``), the requirement is written with the question's own
formatting, so a choice shows its option label, never its internal value. A subject is
a question or computed value (a name), or the age a date gives (``years_since(d)``),
which is said « Votre âge : 15 ans », never with the function's own words. Other leaves
fall back to the expression's description. The words are those of
:mod:`builder.rules.vocabulary` (shared with the studio and the paper version); « il
faut : … » is the mini-site's own.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from builder.format.model import localize
from builder.rules import nodes
from builder.rules.values import UNKNOWN, as_date, whole_years
from builder.rules.vocabulary import (
    TERRITORIES,
    between,
    date_compared,
    in_territory,
    is_iso_date,
    joined,
    phrase,
    said,
    years_text,
)

FormatValue = Callable[[str, Any], str]
# ("name", id) for a question or a computed value; ("age", id) for the age a date gives;
# ("region", id), ("departement", id) or ("epci", id) for where the commune ``id`` lies.
Subject = tuple[str, str]

_NEEDED = {"fr": "il faut : {0}", "en": "needed: {0}"}
_COMPARISONS = ("==", "!=", "<", "<=", ">", ">=")
_OPPOSITE = {"==": "!=", "!=": "==", "in": "not in", "not in": "in"}


def requirement(root: nodes.Node, format_value: FormatValue, lang: str = "fr") -> str | None:
    """« il faut : … » for a leaf about one subject, or None when the leaf is not that simple."""
    text = _phrase(root, format_value, lang)
    return _NEEDED.get(lang, _NEEDED["fr"]).format(text) if text else None


def subject_of(root: nodes.Node) -> Subject | None:
    """The one subject a simple leaf is about (see :func:`requirement`), else None."""
    if isinstance(root, nodes.Not):
        root = root.children[0]
    direct = _subject(root)
    if direct is not None:
        return direct
    if isinstance(root, nodes.Compare):
        return _subject(root.children[0]) or _subject(root.children[1])
    if isinstance(root, nodes.Chain):
        return _subject(root.children[0].children[1])
    if is_range(root):
        return _subject(_oriented(root.children[0])[0])
    return None


def is_range(root: nodes.Node) -> bool:
    """Whether ``root`` is ``x >= a and x <= b`` (a range written as two comparisons,
    as the studio writes « entre »), about one subject."""
    return _range_ends(root) is not None


def age_label(lang: str = "fr") -> str:
    """« Votre âge », the label of the age a date of birth gives."""
    return phrase("your_age", lang)


def age_text(date: Any, today: dt.date | None, lang: str = "fr") -> str | None:
    """« 15 ans »: the whole years since ``date`` on ``today`` (None when unknown)."""
    start = as_date(date) if date is not UNKNOWN else None
    if start is None or today is None:
        return None
    return years_text(whole_years(start, today), lang)


def is_age(root: nodes.Node) -> bool:
    """Whether a computed value is the age a date gives (``years_since(date_naissance)``)."""
    subject = _subject(root)
    return subject is not None and subject[0] == "age"


def computed_label(name: str, root: nodes.Node, lang: str = "fr", label: Any = None,
                   languages: tuple[str, ...] = ()) -> str:
    """How a computed value is named for people: its ``label`` (``computed_labels``) when
    the file gives one, « Votre âge » for an age, else its name in words
    (``revenu_par_personne`` → « Revenu par personne »)."""
    if label:
        return localize(label, lang, languages or ("fr",))
    if is_age(root):
        return age_label(lang)
    words = name.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _subject(node: nodes.Node) -> Subject | None:
    if isinstance(node, nodes.Name):
        return ("name", node.name)
    if (isinstance(node, nodes.Call) and node.function == "years_since" and len(node.children) == 1
            and isinstance(node.children[0], nodes.Name)):
        return ("age", node.children[0].name)
    if (isinstance(node, nodes.Call) and node.function in TERRITORIES and len(node.children) == 1
            and isinstance(node.children[0], nodes.Name)):
        return (node.function, node.children[0].name)
    return None


def _phrase(node: nodes.Node, format_value: FormatValue, lang: str) -> str | None:
    if isinstance(node, nodes.Name):
        return _shown(("name", node.name), True, format_value, lang)
    if isinstance(node, nodes.Not) and isinstance(node.children[0], nodes.Name):
        return _shown(("name", node.children[0].name), False, format_value, lang)
    if isinstance(node, nodes.Compare):
        return _comparison(node, format_value, lang)
    if isinstance(node, nodes.Not) and isinstance(node.children[0], nodes.Compare):
        return _outside(node.children[0], lang)
    if isinstance(node, nodes.Chain) and len(node.children) == 2:
        return _between(node, format_value, lang)
    ends = _range_ends(node)
    if ends is not None:
        return _between_text(ends[0], ends[1], ends[2], format_value, lang)
    return None


def _oriented(node: nodes.Compare) -> tuple[nodes.Node, str, Any] | tuple[None, None, None]:
    """``(subject node, operator, constant)`` with the subject on the left."""
    left, right = node.children
    if _subject(left) is not None and right.constant is not nodes.NOT_CONSTANT:
        return left, node.op, right.constant
    if _subject(right) is not None and left.constant is not nodes.NOT_CONSTANT:
        if node.op in nodes.FLIPPED:
            return right, nodes.FLIPPED[node.op], left.constant
        if node.op in ("in", "not in"):  # "autre" in matieres: a box ticked among several
            return right, node.op, left.constant
    return None, None, None


def _range_ends(node: nodes.Node) -> tuple[Subject, Any, Any] | None:
    if not (isinstance(node, nodes.Logic) and node.op == "and" and len(node.children) == 2):
        return None
    if not all(isinstance(child, nodes.Compare) for child in node.children):
        return None
    (first, op1, low), (second, op2, high) = (_oriented(child) for child in node.children)
    if first is None or second is None or _subject(first) != _subject(second):
        return None
    if (op1, op2) == ("<=", ">="):
        (op1, low), (op2, high) = (op2, high), (op1, low)
    if (op1, op2) != (">=", "<=") or not _is_number(low) or not _is_number(high):
        return None
    return _subject(first), low, high


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _comparison(node: nodes.Compare, format_value: FormatValue, lang: str) -> str | None:
    left, right = node.children
    subject_node, op, constant = _oriented(node)
    if subject_node is None:
        return None
    subject = _subject(subject_node)
    if subject[0] in TERRITORIES:
        return _territory(subject[0], op, constant, lang)
    if subject_node is right and node.op in ("in", "not in"):
        return said("contains" if node.op == "in" else "lacks", lang, _shown(subject, [constant], format_value, lang))
    if op in ("in", "not in"):
        if not isinstance(constant, list):
            return None
        items = (_shown(subject, item, format_value, lang) for item in constant)
        return said(op, lang, joined(items, "or" if op == "in" else "nor", lang))
    if op not in _COMPARISONS:
        return None
    if is_iso_date(constant):  # a date question: « avant le 01/09/2026 », never « moins de »
        return date_compared(op, lang, _shown(subject, dt.date.fromisoformat(constant), format_value, lang))
    return said(op, lang, _shown(subject, constant, format_value, lang))


def _territory(kind: str, op: str, constant: Any, lang: str) -> str | None:
    """« une commune de la région Bretagne »: a territory by its name, never its code."""
    codes = constant if isinstance(constant, list) else [constant]
    if op not in ("==", "!=", "in", "not in") or isinstance(constant, list) != (op in ("in", "not in")):
        return None
    return in_territory(kind, codes, op in ("==", "in"), lang)


def _outside(node: nodes.Compare, lang: str) -> str | None:
    """``not (region(commune) == "53")``: « une commune hors de la région Bretagne »."""
    subject_node, op, constant = _oriented(node)
    if subject_node is None or _subject(subject_node)[0] not in TERRITORIES or op not in _OPPOSITE:
        return None
    return _territory(_subject(subject_node)[0], _OPPOSITE[op], constant, lang)


def _between(node: nodes.Chain, format_value: FormatValue, lang: str) -> str | None:
    first, second = node.children
    ops = (first.op, second.op)
    low, middle, high = first.children[0], first.children[1], second.children[1]
    if ops not in (("<=", "<="), (">=", ">=")) or _subject(middle) is None:
        return None
    if ops[0] == ">=":
        low, high = high, low
    if nodes.NOT_CONSTANT in (low.constant, high.constant):
        return None
    if is_iso_date(low.constant) and is_iso_date(high.constant):
        shown = (_shown(_subject(middle), dt.date.fromisoformat(end.constant), format_value, lang) for end in (low, high))
        return date_compared("between", lang, *shown)
    return _between_text(_subject(middle), low.constant, high.constant, format_value, lang)


def _between_text(subject: Subject, low: Any, high: Any, format_value: FormatValue, lang: str) -> str:
    """« entre 16 et 25 ans »: a unit both ends share is written once, at the end."""
    return between(_shown(subject, low, format_value, lang), _shown(subject, high, format_value, lang), lang)


def _shown(subject: Subject, value: Any, format_value: FormatValue, lang: str) -> str:
    """A constant formatted as the answer to the subject would be (option labels, units…)."""
    kind, name = subject
    if kind == "age":
        return years_text(value, lang) if _is_number(value) else str(value)
    try:
        return format_value(name, value)
    except Exception:  # a constant the question's formatter cannot take (a type mismatch)
        return str(value)
