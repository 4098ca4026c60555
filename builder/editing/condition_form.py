"""The state of the condition form: rows « question / comparaison / valeur » grouped by
« toutes » or « au moins une », or one expression in the text mode.

Pure functions over what was posted (no Flask): :func:`from_condition` fills the form
from a saved condition (the text mode when rows cannot show it), :func:`from_post`
reads a posted form, :func:`build` turns it into the condition to save, with a French
message next to each row or at the column of the expression that is wrong.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any, Mapping

from blocks import REGISTRY
from builder.editing.conditions import (
    Operator,
    Row,
    Subject,
    check_expression,
    condition_to_rows,
    condition_to_text,
    expanded_blocks,
    make_row,
    operators_for_kind,
    rows_to_condition,
    subjects,
)
from builder.editing.locate import entries
from builder.messages import Problem, register
from builder.rules.kinds import ANSWER_KINDS

MAX_ROWS = 40

register({
    "editing.condition_required": (
        "Ce résultat a besoin d'une condition : dites quand il s'applique.",
        "This outcome needs a condition: say when it applies."),
    "editing.too_complex": (
        "Cette condition ne tient pas en lignes « question / comparaison / valeur » : elle reste en texte.",
        "This condition does not fit in “question / comparison / value” rows: it stays as text."),
})


@dataclass
class RowForm:
    """One row as the form shows it (texts, as typed), and its message."""

    subject: str = ""
    operator: str = ""
    value: str = ""
    value2: str = ""
    values: tuple[str, ...] = ()
    error: str = ""


@dataclass
class ConditionForm:
    """The whole form: its mode (``rows`` or ``text``), group, rows and expression, with
    the messages of what is wrong (``column`` points into the expression)."""

    mode: str = "rows"
    group: str = "all"
    rows: list[RowForm] = field(default_factory=list)
    expression: str = ""
    errors: list[tuple[int | None, str]] = field(default_factory=list)
    notice: str = ""

    @property
    def has_errors(self) -> bool:
        """Whether something stops the condition from being saved."""
        return bool(self.errors) or any(row.error for row in self.rows)


def row_subjects(data: dict) -> dict[str, Subject]:
    """What rows can test: the questions and computed values that have a kind."""
    return {name: subject for name, subject in subjects(data).items() if subject.kind}


def operators(subject: Subject | None) -> list[Operator]:
    """The comparisons that fit a question (none before one is chosen)."""
    return operators_for_kind(subject.kind) if subject else []


def operator_of(row: RowForm, known: Mapping[str, Subject]) -> Operator | None:
    """The row's comparison, or the first one that fits its question."""
    fitting = operators(known.get(row.subject))
    return next((op for op in fitting if op.code == row.operator), fitting[0] if fitting else None)


# --- from a saved condition, from a posted form -----------------------------------------

def from_condition(condition: Any, known: Mapping[str, Subject], lang: str = "fr") -> ConditionForm:
    """The form showing a saved condition: rows when they can show it, else text."""
    if condition is None:
        return ConditionForm(rows=[RowForm()])
    found = condition_to_rows(condition, known)
    if found is None:
        return ConditionForm(mode="text", expression=condition_to_text(condition),
                             notice=Problem("editing.too_complex").message(lang))
    group, rows = found
    return ConditionForm(group=group, rows=[row_form(row) for row in rows],
                         expression=condition_to_text(condition))


def row_form(row: Row) -> RowForm:
    """A saved row as its fields show it (French numbers and dates)."""
    value = row.value
    if isinstance(value, tuple) and value and all(isinstance(item, str) for item in value):
        return RowForm(row.subject, row.operator, "\n".join(value), values=value)
    if isinstance(value, tuple):
        return RowForm(row.subject, row.operator, _shown(value[0]), _shown(value[1]))
    return RowForm(row.subject, row.operator, _shown(value))


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(value).replace(".", ",")
    if isinstance(value, str) and len(value) == 10 and value[4:5] == "-":
        try:
            return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    return str(value)


def from_post(form: Any) -> ConditionForm:
    """The form as it was posted (``form`` is a MultiDict)."""
    try:
        count = min(max(int(form.get("count", "0")), 0), MAX_ROWS)
    except ValueError:
        count = 0
    rows = [_posted_row(form, i) for i in range(count)]
    return ConditionForm(mode="text" if form.get("mode") == "text" else "rows",
                         group="any" if form.get("group") == "any" else "all", rows=rows,
                         expression=" ".join(str(form.get("expression", "")).split()))


def _posted_row(form: Any, i: int) -> RowForm:
    """Row ``i`` as posted; a question just changed starts again without its comparison
    and value (they were the other question's)."""
    subject, was = form.get(f"row-{i}-subject", ""), form.get(f"row-{i}-was")
    if was is not None and was != subject:
        return RowForm(subject)
    return RowForm(subject, form.get(f"row-{i}-operator", ""), form.get(f"row-{i}-value", ""),
                   form.get(f"row-{i}-value2", ""), tuple(form.getlist(f"row-{i}-values")))


# --- what the buttons do ----------------------------------------------------------------

def add_row(state: ConditionForm) -> ConditionForm:
    """One more empty row."""
    return replace(state, rows=[*state.rows, RowForm()][:MAX_ROWS])


def remove_row(state: ConditionForm, index: int) -> ConditionForm:
    """The form without row ``index``."""
    return replace(state, rows=[row for i, row in enumerate(state.rows) if i != index])


def to_text(state: ConditionForm, known: Mapping[str, Subject]) -> ConditionForm:
    """The rows written as one expression, for the text mode."""
    built, checked = build(state, known, required=False)
    if checked.has_errors:
        return checked
    return replace(checked, mode="text", expression=condition_to_text(built) if built is not None else "")


def to_rows(state: ConditionForm, known: Mapping[str, Subject], names: tuple[set, set, dict],
            lang: str = "fr") -> ConditionForm:
    """The expression shown as rows again, when rows can show it."""
    if not state.expression.strip():
        return replace(state, mode="rows", rows=[RowForm()], errors=[])
    problems = check_expression(state.expression, *names)
    if problems:
        return replace(state, errors=[(problem.column, problem.message(lang)) for problem in problems])
    found = from_condition(state.expression, known, lang)
    return replace(state, errors=[], notice=found.notice) if found.mode == "text" else found


# --- the condition to save --------------------------------------------------------------

def build(state: ConditionForm, known: Mapping[str, Subject], names: tuple[set, set, dict] = (set(), set(), {}),
          required: bool = False, lang: str = "fr") -> tuple[Any, ConditionForm]:
    """``(condition, form)``: the condition to save (None for none), and the form with a
    message next to each mistake (then the condition is not to be saved)."""
    if state.mode == "text":
        return _build_text(state, names, required, lang)
    rows, checked = [], []
    for row in state.rows:
        if not row.subject and not row.value and not row.values:
            continue  # an empty row is ignored
        try:
            rows.append(_make(row, known))
            checked.append(replace(row, error=""))
        except Problem as problem:
            checked.append(replace(row, error=problem.message(lang)))
    state = replace(state, rows=checked or [RowForm()], errors=[])
    if not rows and required and not state.has_errors:
        state.errors.append((None, Problem("editing.condition_required").message(lang)))
    return (rows_to_condition(rows, state.group) if not state.has_errors else None), state


def _build_text(state: ConditionForm, names: tuple[set, set, dict], required: bool,
                lang: str) -> tuple[Any, ConditionForm]:
    text = state.expression.strip()
    if not text:
        errors = [(None, Problem("editing.condition_required").message(lang))] if required else []
        return None, replace(state, errors=errors)
    problems = check_expression(text, *names)
    return text, replace(state, errors=[(problem.column, problem.message(lang)) for problem in problems])


def _make(row: RowForm, known: Mapping[str, Subject]) -> Row:
    subject = known.get(row.subject)
    if subject is None:
        raise Problem("editing.row_subject")
    operator = next((op for op in operators(subject) if op.code == row.operator), None)
    if operator is None:
        raise Problem("editing.row_operator")
    raw: Any = {"none": None, "range": (row.value, row.value2), "years_range": (row.value, row.value2),
                "texts": list(row.values) or row.value}.get(operator.value, row.value)
    return make_row(subject, operator.code, raw)


def _asks_nothing(type_name: Any) -> bool:
    return isinstance(type_name, str) and type_name in REGISTRY and not REGISTRY.get(type_name).is_question


def expression_names(data: dict) -> tuple[set, set, dict]:
    """The names an expression may use, those of blocks that ask nothing (content: they
    have no value), and the kinds of the names' values (:mod:`builder.rules.kinds`)."""
    content = set()
    for _, _, _, entry in entries(data):
        for block in expanded_blocks(entry):
            if _asks_nothing(block.get("type")) and isinstance(block.get("id"), str):
                content.add(block["id"])
    found = subjects(data)
    return set(found), content, {name: ANSWER_KINDS.get(subject.kind) for name, subject in found.items()}


