"""Computed values without code (the ``computed:`` key): the age a date of birth gives,
offered by itself, and simple calculations an author names in a form.

- :func:`offered_ages`: for each date question whose age the service does not compute
  yet, a value a condition row can test (« Âge »), written into ``computed`` only when
  a condition uses it (:func:`with_used_values`);
- :func:`calculation`: ``a + b``, ``a - b``, ``a * b``, ``a / b`` (a question or a
  number on the right), ``count(choices)``, ``years_since(date)``, from a form's fields;
- :func:`add_value` / :func:`remove_value`: the ``computed`` mapping changed, the name
  made from the words the author gave (« Revenu par personne » → ``revenu_personne``).
"""

from __future__ import annotations

import copy
import re
from typing import Any, Mapping

from builder.editing.conditions import Subject, computed_subject, expanded_blocks, subjects
from builder.editing.ids import question_id, taken_ids, unique
from builder.editing.locate import as_list
from builder.format.model import localize
from builder.messages import Problem, register
from builder.rules.expressions import parse

register({
    "editing.value_name": ("Donnez un nom à la valeur, par exemple : Revenu par personne.",
                           "Give the value a name, for example: Income per person."),
    "editing.value_number": ("Pour ce calcul, choisissez une question qui demande un nombre.",
                             "For this calculation, choose a question that asks for a number."),
    "editing.value_date": ("Pour l'âge, choisissez une question qui demande une date.",
                           "For the age, choose a question that asks for a date."),
    "editing.value_options": ("Pour compter des cases cochées, choisissez une question à choix multiples.",
                              "To count ticked boxes, choose a multiple-choice question."),
    "editing.value_right": ("Choisissez une question, ou écrivez un nombre, par exemple 12.",
                            "Choose a question, or write a number, for example 12."),
    "editing.value_used": ("La valeur « {name} » est encore utilisée par une condition : retirez-la d'abord de « {where} ».",
                           "The value “{name}” is still used by a condition: take it out of “{where}” first."),
})

OPERATIONS = {"plus": "+", "minus": "-", "times": "*", "divided": "/"}


def offered_ages(data: dict) -> dict[str, str]:
    """``{name: "years_since(date)"}`` for each date question whose age is not computed
    yet: ``age`` for the first, ``age_<question>`` for the others."""
    computed = data.get("computed") if isinstance(data.get("computed"), dict) else {}
    already = {str(source).replace(" ", "") for source in computed.values()}
    taken, offered = taken_ids(data), {}
    dates = {name for name, subject in subjects(data).items() if subject.kind == "date" and not subject.computed}
    for block in _questions(data):
        if block.get("id") not in dates or f"years_since({block['id']})" in already:
            continue
        base = "age" if not offered and "age" not in taken else f"age_{block['id']}"[:40]
        name = unique(base, taken | set(offered), "_")
        offered[name] = f"years_since({block['id']})"
    return offered


def offered_subjects(data: dict) -> dict[str, Subject]:
    """What condition rows can test: the questions and values, and the ages on offer."""
    known = {name: subject for name, subject in subjects(data).items() if subject.kind}
    labels = {block["id"]: localize(block.get("label"), "fr") for block in _questions(data)}
    for name, source in offered_ages(data).items():
        date = source[len("years_since("):-1]
        subject = computed_subject(name, source, known)
        known[name] = Subject(name, f"{subject.label} (d’après « {labels.get(date, date)} »)", subject.kind,
                              unit=subject.unit, computed=True)
    return known


def with_used_values(data: dict, condition: Any) -> dict:
    """``data`` with the offered ages that ``condition`` uses written into ``computed``."""
    offered = offered_ages(data)
    used = [name for name in offered if re.search(rf"\b{re.escape(name)}\b", str(condition))]
    if not used:
        return data
    data = copy.deepcopy(data)
    computed = data.get("computed") if isinstance(data.get("computed"), dict) else {}
    data["computed"] = {**computed, **{name: offered[name] for name in used}}
    return data


def calculation(kind: str, first: str, operation: str = "", second: str = "",
                known: Mapping[str, Subject] | None = None) -> str:
    """The expression of a calculation from a form (see the module's docstring)."""
    known = known or {}
    wanted = {"age": "date", "count": "options"}.get(kind, "number")
    if first not in known or known[first].kind != wanted:
        raise Problem(f"editing.value_{wanted}", ("first",))
    if kind == "age":
        return f"years_since({first})"
    if kind == "count":
        return f"count({first})"
    right = second.strip().replace(",", ".").replace(" ", "")
    if right not in known and not re.fullmatch(r"\d+(\.\d+)?", right):
        raise Problem("editing.value_right", ("second",))
    return f"{first} {OPERATIONS.get(operation, '+')} {right}"


def add_value(data: dict, label: str, source: str) -> tuple[dict, str]:
    """Add a computed value named from ``label``, which is kept as its words for people
    (``computed_labels``: the name loses accents and capitals); returns the data and its name."""
    label = " ".join(label.split())
    if not label:
        raise Problem("editing.value_name", ("label",))
    parse(source)  # a Problem if the calculation cannot be read
    name = unique(question_id(label, "valeur"), taken_ids(data), "_")
    data = copy.deepcopy(data)
    computed = data.get("computed") if isinstance(data.get("computed"), dict) else {}
    data["computed"] = {**computed, name: source}
    labels = data.get("computed_labels") if isinstance(data.get("computed_labels"), dict) else {}
    languages = as_list(data.get("languages")) or ["fr"]
    data["computed_labels"] = {**labels, name: label if len(languages) == 1 else {languages[0]: label}}
    return data, name


def remove_value(data: dict, name: str, used_in: str | None = None, label: str | None = None) -> dict:
    """Remove the computed value ``name`` (a Problem while a condition uses it: ``used_in``,
    the value named by its ``label``)."""
    if used_in:
        raise Problem("editing.value_used", name=label or name, where=used_in)
    data = copy.deepcopy(data)
    for key in ("computed", "computed_labels"):
        kept = dict(data.get(key) or {}) if isinstance(data.get(key), dict) else {}
        kept.pop(name, None)
        if kept:
            data[key] = kept
        else:
            data.pop(key, None)
    return data


def _questions(data: dict) -> list[dict]:
    found = []
    for step in as_list(data.get("steps")):
        for entry in as_list(step.get("blocks") if isinstance(step, dict) else None):
            found.extend(block for block in expanded_blocks(entry) if isinstance(block.get("id"), str))
    return found
