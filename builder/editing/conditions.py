"""The condition builder: rows « question / opérateur / valeur » grouped by « toutes » or
« au moins une », for ``show_if`` and for outcomes' ``when``.

Each operator writes exactly what a person would write in the file:

=====================  ===========================================================
operator (code)        expression
=====================  ===========================================================
est (eq)               ``statut == "apprenti"`` (``age == 18`` for a number)
n'est pas (ne)         ``statut != "apprenti"``
parmi (in)             ``statut in ["apprenti", "etudiant"]`` (``not_in``: pas parmi)
contient (contains)    ``"logement" in besoins`` (``lacks``: ne contient pas)
au plus (le)…          ``revenus <= 2000`` (lt moins de, gt plus de, ge au moins)
entre (between)        ``age >= 16 and age <= 25``: one row, both ends included
oui / non (yes / no)   ``boursier`` / ``not boursier``
avant / après          ``date_rdv < "2026-09-01"`` / ``date_rdv > "2026-09-01"``
âge : au moins…        ``years_since(date_naissance) >= 18`` (… ``and … <= 25``)
est rempli / vide      ``answered(telephone)`` / ``not answered(telephone)``
=====================  ===========================================================

One row gives one expression; several rows give ``all:`` (toutes) or ``any:`` (au moins
une) with one expression per row. :func:`condition_to_rows` reads these forms back (and
``a and b`` / ``a or b`` written on one line, ``18 <= age``, ``16 <= age <= 25``); any
other condition (a ``not:``, groups inside groups, arithmetic…) gives None, and the
editor offers the text mode (:mod:`builder.editing.condition_text`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

from blocks import REGISTRY
from blocks.library import expand_use
from blocks.types.choice import iter_options
from blocks.types.date import parse_date
from builder import numbers
from builder.editing.condition_text import check_expression, condition_to_text
from builder.editing.locate import as_list
from builder.editing.row_patterns import (
    expression_kind,
    leaf_pattern,
    parse_root,
    split_logic,
)
from builder.format.model import localize
from builder.messages import Problem, register
from builder.rules.requirements import computed_label, is_age
from builder.rules.vocabulary import is_iso_date, phrase

__all__ = ["Operator", "Row", "Subject", "OPERATORS", "operators_for", "operators_for_kind",
           "subjects", "make_row", "rows_to_condition", "condition_to_rows", "row_expression",
           "check_expression", "condition_to_text"]

register({
    "editing.row_subject": ("Choisissez une question.", "Choose a question."),
    "editing.row_operator": ("Choisissez une comparaison qui convient à cette question.",
                             "Choose a comparison that fits this question."),
    "editing.row_number": ("Écrivez un nombre, par exemple 18 ou 2,5.", "Write a number, for example 18 or 2.5."),
    "editing.row_number_bounds": ("Écrivez un nombre de 15 chiffres au plus.",
                                  "Write a number of at most 15 digits."),
    "editing.row_whole": ("Écrivez un nombre d'années, par exemple 18.", "Write a number of years, for example 18."),
    "editing.row_date": ("Écrivez une date, par exemple 14 07 2026.", "Write a date, for example 14 07 2026."),
    "editing.row_text": ("Choisissez ou écrivez une valeur.", "Choose or write a value."),
    "editing.row_text_chars": (
        "Une valeur ne peut pas contenir de barre « \\ », de retour à la ligne, ni les deux sortes "
        "de guillemets à la fois.",
        "A value cannot contain a backslash “\\”, a line break, or both kinds of quotes."),
    "editing.row_range": ("Le premier nombre doit être plus petit que le second.",
                          "The first number must be smaller than the second."),
})


@dataclass(frozen=True)
class Operator:
    """One comparison offered for a question: its ``code``, its French label, and what
    value it takes (``none``, ``text``, ``texts``, ``number``, ``range``, ``date``,
    ``years``, ``years_range``)."""

    code: str
    label_fr: str
    value: str = "none"
    label_en: str = ""

    def label(self, lang: str = "fr") -> str:
        """The comparison's name in the studio's language."""
        return self.label_en if lang == "en" and self.label_en else self.label_fr


_ENGLISH = {"eq": "is", "ne": "is not", "in": "is one of", "not_in": "is none of", "contains": "includes",
            "lacks": "does not include", "lt": "less than", "le": "at most", "gt": "more than", "ge": "at least",
            "between": "between", "yes": "yes", "no": "no", "before": "before", "after": "after",
            "age_ge": "age: at least (years)", "age_lt": "age: under (years)", "age_between": "age: between (years)",
            "answered": "is answered",
            "not_answered": "is not answered"}


def _ops(*items: tuple[str, str, str]) -> tuple[Operator, ...]:
    return tuple(Operator(*item, label_en=_ENGLISH[item[0]]) for item in items)


_FILLED = (("answered", "a une réponse", "none"), ("not_answered", "n'a pas de réponse", "none"))
OPERATORS: dict[str, tuple[Operator, ...]] = {
    "option": _ops(("eq", "est", "text"), ("ne", "n'est pas", "text"), ("in", "est parmi", "texts"),
                   ("not_in", "n'est pas parmi", "texts"), *_FILLED),
    "options": _ops(("contains", "contient", "text"), ("lacks", "ne contient pas", "text"), *_FILLED),
    # In words, not signs: « Âge » [au moins] [18] reads as a sentence.
    "number": _ops(("eq", "est égal à", "number"), ("ne", "n'est pas égal à", "number"),
                   ("lt", "moins de", "number"), ("le", "au plus", "number"), ("gt", "plus de", "number"),
                   ("ge", "au moins", "number"), ("between", "entre", "range"), *_FILLED),
    "boolean": _ops(("yes", "oui", "none"), ("no", "non", "none")),
    "date": _ops(("before", "avant le", "date"), ("after", "après le", "date"),
                 ("age_ge", "âge : au moins (ans)", "years"), ("age_lt", "âge : moins de (ans)", "years"),
                 ("age_between", "âge : entre (ans)", "years_range"), *_FILLED),
    "string": _ops(("eq", "est", "text"), ("ne", "n'est pas", "text"), ("in", "est parmi", "texts"),
                   ("answered", "est rempli", "none"), ("not_answered", "n'est pas rempli", "none")),
}


@dataclass(frozen=True)
class Subject:
    """Something a row can test: a question or a computed value, with its French label,
    its kind (a block type's ``answer_type``: ``option``, ``number``…; ``""`` when rows
    cannot test it), for choices its ``(value, label)`` options, the ``unit`` its numbers
    are written with (« ans » for an age) and whether it is a ``computed`` value (then
    ``source``, its expression)."""

    name: str
    label: str
    kind: str
    options: tuple[tuple[str, str], ...] = ()
    unit: str = ""
    computed: bool = False
    source: str = ""
    # How an answer reads (a commune's name, « Oui »): the block type's own words.
    said: Callable[[Any], str] | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Row:
    """One row of the builder. ``value`` is None, a text, a number, a tuple of texts
    (``in``), a ``(low, high)`` tuple (``between``) or an ISO date text."""

    subject: str
    operator: str
    value: Any = None


def operators_for_kind(kind: str) -> list[Operator]:
    """The operators that fit an answer kind (``option``, ``number``…)."""
    return list(OPERATORS.get(kind, ()))


def operators_for(block_type_name: str) -> list[Operator]:
    """The operators that fit the answers of a block type (none for ``content``)."""
    answer_type = REGISTRY.get(block_type_name).answer_type
    return operators_for_kind(answer_type or "")


def subjects(data: dict) -> dict[str, Subject]:
    """Every question of the service (``use:`` entries expanded) and computed value."""
    found: dict[str, Subject] = {}
    for step in as_list(data.get("steps")):
        for entry in as_list(step.get("blocks") if isinstance(step, dict) else None):
            for block in expanded_blocks(entry):
                subject = _block_subject(block)
                if subject is not None:
                    found.setdefault(subject.name, subject)
    computed = data.get("computed")
    labels = data.get("computed_labels") if isinstance(data.get("computed_labels"), dict) else {}
    for name, source in (computed.items() if isinstance(computed, dict) else ()):
        found.setdefault(name, computed_subject(name, source, found, labels.get(name)))
    return found


def computed_subject(name: str, source: Any, known: Mapping[str, Subject], label: Any = None) -> Subject:
    """A computed value as rows test it: its ``label`` when the file gives one (else « Âge »
    for an age, its name in words otherwise), an age counted in years."""
    root = parse_root(source)
    words = localize(label, "fr") if label else ""
    if root is not None and is_age(root):
        return Subject(name, words or phrase("age", "fr"), "number", unit="ans", computed=True, source=str(source))
    return Subject(name, words or (computed_label(name, root) if root is not None else name),
                   _computed_kind(source, known), computed=True, source=str(source))


def make_row(subject: Subject, operator: str, raw: Any = None) -> Row:
    """A row from what a form gave (texts): numbers (``2,5``), dates (``14/07/2026``),
    lists and ranges are converted; a Problem with a French message when they cannot be."""
    found = {op.code: op for op in operators_for_kind(subject.kind)}
    if operator not in found:
        raise Problem("editing.row_operator")
    return Row(subject.name, operator, _value(found[operator].value, raw))


def row_expression(row: Row) -> str:
    """The expression a row stands for, written as a person would write it."""
    name, value = row.subject, row.value
    return _TEMPLATES[row.operator](name, value)


def rows_to_condition(rows: Iterable[Row], group: str = "all") -> str | dict | None:
    """What to write in ``show_if`` or ``when``: None for no rows, the expression of a
    single row, else ``{all: […]}`` (toutes) or ``{any: […]}`` (au moins une)."""
    leaves = [row_expression(row) for row in rows]
    if not leaves:
        return None
    return leaves[0] if len(leaves) == 1 else {"any" if group == "any" else "all": leaves}


def condition_to_rows(condition: Any, questions: Mapping[str, Subject]) -> tuple[str, list[Row]] | None:
    """``(group, rows)`` for a condition the builder can show, else None (text mode)."""
    if isinstance(condition, str):
        return _text_rows(condition, questions)
    if isinstance(condition, dict) and len(condition) == 1:
        (group, leaves), = condition.items()
        if group in ("all", "any") and isinstance(leaves, list) and leaves:
            rows = [_match(leaf, questions) for leaf in leaves]
            return (group, rows) if None not in rows else None
    return None


# --- helpers ----------------------------------------------------------------------------

def _literal(value: Any) -> str:
    """A value as the expression language writes it. A text is put between the quotes it
    does not contain (the language has no backslash escapes)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    if "\\" in text or ('"' in text and "'" in text) or any(char < " " or char == "\x7f" for char in text):
        raise Problem("editing.row_text_chars")
    quote = "'" if '"' in text else '"'
    return f"{quote}{text}{quote}"


def _list_literal(values: Any) -> str:
    return "[" + ", ".join(_literal(item) for item in values) + "]"


_TEMPLATES = {
    "eq": lambda n, v: f"{n} == {_literal(v)}", "ne": lambda n, v: f"{n} != {_literal(v)}",
    "lt": lambda n, v: f"{n} < {_literal(v)}", "le": lambda n, v: f"{n} <= {_literal(v)}",
    "gt": lambda n, v: f"{n} > {_literal(v)}", "ge": lambda n, v: f"{n} >= {_literal(v)}",
    "in": lambda n, v: f"{n} in {_list_literal(v)}", "not_in": lambda n, v: f"{n} not in {_list_literal(v)}",
    "contains": lambda n, v: f"{_literal(v)} in {n}", "lacks": lambda n, v: f"{_literal(v)} not in {n}",
    "between": lambda n, v: f"{n} >= {_literal(v[0])} and {n} <= {_literal(v[1])}",
    "yes": lambda n, v: n, "no": lambda n, v: f"not {n}",
    "answered": lambda n, v: f"answered({n})", "not_answered": lambda n, v: f"not answered({n})",
    "before": lambda n, v: f"{n} < {_literal(v)}", "after": lambda n, v: f"{n} > {_literal(v)}",
    "age_ge": lambda n, v: f"years_since({n}) >= {_literal(v)}",
    "age_lt": lambda n, v: f"years_since({n}) < {_literal(v)}",
    "age_between": lambda n, v: (f"years_since({n}) >= {_literal(v[0])} and "
                                 f"years_since({n}) <= {_literal(v[1])}"),
}


def _text_rows(source: str, questions: Mapping[str, Subject]) -> tuple[str, list[Row]] | None:
    root = parse_root(source)
    single = _match(root, questions)
    if single is not None:
        return "all", [single]
    split = split_logic(root) if root is not None else None
    if split is None:
        return None
    group, parts = split
    rows = [_match(part, questions) for part in parts]
    return (group, list(rows)) if None not in rows else None


# Operators that a question's kind reads differently: ``d < "2026-09-01"`` is « avant le ».
_ALIASES = {"date": {"lt": "before", "gt": "after"}}
_VALUE_CHECKS = {
    "none": lambda v: v is None,
    "text": lambda v: isinstance(v, str),
    "texts": lambda v: isinstance(v, tuple) and all(isinstance(item, str) for item in v),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "range": lambda v: isinstance(v, tuple) and all(_VALUE_CHECKS["number"](i) for i in v) and v[0] <= v[1],
    "date": is_iso_date,
    "years": lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
    "years_range": lambda v: isinstance(v, tuple) and all(_VALUE_CHECKS["years"](i) for i in v) and v[0] <= v[1],
}


def _match(leaf: Any, questions: Mapping[str, Subject]) -> Row | None:
    """The row a leaf (a text or a parsed node) stands for, if its question fits."""
    root = parse_root(leaf)
    pattern = leaf_pattern(root) if root is not None else None
    if pattern is None or pattern[0] not in questions:
        return None
    name, code, value = pattern
    kind = questions[name].kind
    code = _ALIASES.get(kind, {}).get(code, code)
    operator = next((op for op in operators_for_kind(kind) if op.code == code), None)
    if operator is None or not _VALUE_CHECKS[operator.value](value):
        return None
    return Row(name, code, value)


def expanded_blocks(entry: Any) -> list[dict]:
    """The blocks a step entry stands for: itself, or what its ``use:`` brings (none if broken)."""
    if isinstance(entry, dict) and "use" in entry:
        try:
            return expand_use(entry)
        except (Problem, KeyError, TypeError):
            return []
    return [entry] if isinstance(entry, dict) else []


def _block_subject(block: dict) -> Subject | None:
    type_name, name = block.get("type"), block.get("id")
    if type_name not in REGISTRY or not isinstance(name, str):
        return None
    kind = REGISTRY.get(type_name).answer_type
    if kind is None:
        return None
    options = tuple((value, localize(label, "fr")) for value, label in iter_options(block))
    unit = block.get("unit") if isinstance(block.get("unit"), str) else ""
    return Subject(name, localize(block.get("label"), "fr") or name, kind, options, unit,
                   said=_answer_words(REGISTRY.get(type_name), block))


def _answer_words(block_type: Any, block: dict) -> Callable[[Any], str]:
    """An answer as the block type writes it for people (a commune's name, « Oui »)."""
    def said(value: Any) -> str:
        try:
            return block_type.format_text(block, block_type.value_from_json(block, value), "fr")
        except Exception:  # noqa: BLE001  (a constant of another type than the answers)
            return str(value)
    return said


def _computed_kind(source: Any, known: Mapping[str, Subject]) -> str:
    return expression_kind(source, {name: subject.kind for name, subject in known.items()})


def _number(raw: Any, code: str = "editing.row_number") -> int | float:
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        number, text = raw, ""
    else:
        text = str(raw or "").replace("\u00a0", "").replace(" ", "").replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            raise Problem(code) from None
    if not numbers.in_bounds(number):  # nor inf, nor nan: an expression could not hold it
        raise Problem("editing.row_number_bounds")
    return int(number) if text and number.is_integer() and "." not in text else number


def _range(raw: Any, code: str = "editing.row_number") -> tuple:
    if not isinstance(raw, (list, tuple)) or len(raw) != 2:
        raise Problem(code)
    low, high = _number(raw[0], code), _number(raw[1], code)
    if low > high:
        raise Problem("editing.row_range")
    return low, high


def _years(raw: Any) -> int:
    number = _number(raw, "editing.row_whole")
    if not isinstance(number, int) or number < 0:
        raise Problem("editing.row_whole")
    return number


def _value(kind: str, raw: Any) -> Any:
    """A row's value of ``kind`` from what a form gave."""
    if kind == "none":
        return None
    return _CONVERTERS[kind](raw)


def _text(raw: Any) -> str:
    text = str(raw).strip() if raw is not None else ""
    if not text:
        raise Problem("editing.row_text")
    _literal(text)  # a Problem now rather than when the condition is written
    return text


def _texts(raw: Any) -> tuple[str, ...]:
    items = raw if isinstance(raw, (list, tuple)) else str(raw or "").splitlines()
    texts = tuple(_text(item) for item in items if str(item).strip())
    if not texts:
        raise Problem("editing.row_text")
    return texts


def _date(raw: Any) -> str:
    try:
        return parse_date(raw).isoformat() if not isinstance(raw, dt.date) else raw.isoformat()
    except Problem:
        raise Problem("editing.row_date") from None


_CONVERTERS = {
    "text": _text, "texts": _texts, "number": _number, "range": _range, "date": _date,
    "years": _years, "years_range": lambda raw: tuple(_years(item) for item in _range(raw, "editing.row_whole")),
}
