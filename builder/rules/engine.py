"""The rule engine: from answers to outcomes, with what is missing and why.

A service is compiled once into a :class:`Program` (a flat list of questions and
computed values in dependency order, each with its compiled ``show_if``). Then:

- :func:`decide` is the fast path: outcome id → ``"yes" | "no" | "unknown"``;
- :func:`evaluate` gives the whole :class:`Evaluation`: outcomes, ``missing``
  (unanswered questions that could still change an unknown outcome), the steps
  shown, answer errors, and a readable explanation per outcome.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable, Mapping

from builder.format.model import Block, Service
from builder.messages import Problem, register, render
from builder.rules.requirements import computed_label, is_age
from builder.rules.values import EMPTY, OUT_OF_BOUNDS, UNKNOWN
from builder.rules.vocabulary import years_text
from builder.rules.words import default_format_value

STATUS = {True: "yes", False: "no"}
_NOT_ANSWERS = (UNKNOWN, EMPTY, OUT_OF_BOUNDS)  # said by the explanations' words, not by a block
_ABSENT = object()

register({
    "not_a_question": ("Ce service n'a pas de question « {name} ».", "This service has no question \"{name}\"."),
})


@dataclass(frozen=True)
class _Question:
    id: str
    block: Block
    step_id: str
    step_visible: Callable | None
    visible: Callable | None


@dataclass(frozen=True)
class _Computed:
    id: str
    fn: Callable


@dataclass
class Program:
    """A service compiled for evaluation: what to compute, in which order."""

    entries: list[_Question | _Computed]
    outcomes: list[tuple[str, Callable]]


def compile_program(service: Service) -> Program:
    """Compile ``service`` once (the loader calls this; the request path never does)."""
    steps = {step.id: step for step in service.steps}
    entries: list[_Question | _Computed] = []
    for name in service.order:
        if name in service.computed:
            entries.append(_Computed(name, service.computed[name].expression.fn))
            continue
        block = service.blocks[name]
        step_condition = steps[block.step_id].show_if
        entries.append(_Question(name, block, block.step_id,
                                 step_condition.fn if step_condition else None,
                                 block.show_if.fn if block.show_if else None))
    outcomes = [(outcome.id, outcome.when.fn) for outcome in service.outcomes]
    return Program(entries, outcomes)


def _and(left: Any, right: Any) -> Any:
    if left is False or right is False:
        return False
    if left is UNKNOWN or right is UNKNOWN:
        return UNKNOWN
    return True


def _visibility(entry: _Question, env: dict, steps_seen: dict) -> Any:
    visible: Any = True
    if entry.step_visible is not None:
        visible = steps_seen.get(entry.step_id, _ABSENT)
        if visible is _ABSENT:
            visible = steps_seen[entry.step_id] = _truth(entry.step_visible(env))
    if entry.visible is not None and visible is not False:
        visible = _and(visible, _truth(entry.visible(env)))
    return visible


def _truth(value: Any) -> Any:
    if value is UNKNOWN:
        return UNKNOWN
    return value is not EMPTY and bool(value)


def _answer(entry: _Question, answers: Mapping, today: dt.date, errors: dict, lang: str) -> Any:
    raw = answers.get(entry.id, _ABSENT)
    if raw is _ABSENT:
        return UNKNOWN
    block_type = entry.block.type
    if raw is None or block_type.is_blank(raw):
        return EMPTY
    try:
        return block_type.clean(entry.block.params, raw, today)
    except Problem as problem:
        errors[entry.id] = problem.message(lang)
        return UNKNOWN


def compute_values(service: Service, answers: Mapping, today: dt.date | None = None,
                   lang: str = "fr") -> tuple[dict[str, Any], dict[str, str]]:
    """Every question and computed value for ``answers``, and the answers' errors.

    Hidden questions are EMPTY; unanswered or invalid ones are UNKNOWN; a question
    whose visibility is unknown is UNKNOWN.
    """
    env: dict[str, Any] = {"$today": today or dt.date.today()}
    errors: dict[str, str] = {}
    steps_seen: dict[str, Any] = {}
    for entry in service.evaluator.entries:
        if isinstance(entry, _Computed):
            env[entry.id] = entry.fn(env)
            continue
        visible = _visibility(entry, env, steps_seen)
        if visible is False:
            env[entry.id] = EMPTY
            continue
        value = _answer(entry, answers, env["$today"], errors, lang)
        env[entry.id] = value if visible is True else UNKNOWN
    return env, errors


def decide(service: Service, answers: Mapping, today: dt.date | None = None) -> dict[str, str]:
    """Outcome id → ``"yes" | "no" | "unknown"`` (the fast path: no explanations)."""
    env, _ = compute_values(service, answers, today)
    return {outcome_id: STATUS.get(fn(env), "unknown") for outcome_id, fn in service.evaluator.outcomes}


def evaluate(service: Service, answers: Mapping, today: dt.date | None = None, lang: str = "fr") -> "Evaluation":
    """The whole evaluation of ``answers``: outcomes, missing, steps, errors, explanations."""
    env, errors = compute_values(service, answers, today, lang)
    for key in answers:
        if key not in service.questions and key not in service.computed:
            errors[key] = render("not_a_question", lang, name=key)
    outcomes = {outcome_id: STATUS.get(fn(env), "unknown") for outcome_id, fn in service.evaluator.outcomes}
    return Evaluation(service, dict(answers), env, errors, outcomes, lang)


@dataclass
class Evaluation:
    """The result of evaluating a service on some answers."""

    service: Service
    answers: dict[str, Any]
    values: dict[str, Any]
    errors: dict[str, str]
    outcomes: dict[str, str]
    lang: str = "fr"
    _visible: dict = field(default_factory=dict, repr=False)

    @cached_property
    def missing(self) -> list[str]:
        """Unanswered questions that could still change an unknown outcome, in the file's order."""
        pending = [name for outcome in self.service.outcomes if self.outcomes[outcome.id] == "unknown"
                   for name in outcome.when.unknown_support(self.values)]
        needed = self._unanswered_behind(pending)
        return [name for name in self.service.questions if name in needed]

    def missing_for(self, outcome_id: str) -> list[str]:
        """The unanswered questions that could still change this one outcome."""
        if self.outcomes[outcome_id] != "unknown":
            return []
        support = list(self.service.outcome(outcome_id).when.unknown_support(self.values))
        needed = self._unanswered_behind(support)
        return [name for name in self.service.questions if name in needed]

    def _unanswered_behind(self, pending: list[str]) -> set[str]:
        """The unanswered questions an unknown value depends on, through computed values and show_if."""
        seen: set[str] = set()
        needed: set[str] = set()
        while pending:
            name = pending.pop()
            if name in seen:
                continue
            seen.add(name)
            if name in self.service.computed:
                pending.extend(self.service.computed[name].expression.unknown_support(self.values))
                continue
            block = self.service.blocks.get(name)
            if block is None:
                continue
            if name not in self.answers or name in self.errors:
                needed.add(name)
            for condition in self._conditions_of(block):
                if condition.evaluate(self.values) is UNKNOWN:
                    pending.extend(condition.unknown_support(self.values))
        return needed

    def _conditions_of(self, block: Block) -> list:
        step = self.service.step_by_id[block.step_id]
        return [condition for condition in (step.show_if, block.show_if) if condition is not None]

    def is_shown(self, block: Block) -> bool:
        """Whether ``block`` may be shown for these answers (its conditions are not false)."""
        return all(_truth(c.evaluate(self.values)) is not False for c in self._conditions_of(block))

    @cached_property
    def steps(self) -> list[str]:
        """The steps shown for these answers, in order: not hidden, with a block that is not hidden."""
        shown = []
        values = self.values
        for step in self.service.steps:
            if step.show_if is not None and _truth(step.show_if.evaluate(values)) is False:
                continue
            # the step's own condition is not false: a block is shown unless its own is
            if any(block.show_if is None or _truth(block.show_if.evaluate(values)) is not False
                   for block in step.blocks):
                shown.append(step.id)
        return shown

    def explain(self, outcome_id: str):
        """The tree of checks behind an outcome (see builder.rules.conditions.Check)."""
        return self.service.outcome(outcome_id).when.explain(self.values)

    def explanation(self, outcome_id: str) -> list[str]:
        """The explanation of an outcome as lines a person can read."""
        from builder.rules.conditions import render_explanation
        return render_explanation(self.explain(outcome_id), self.labels(), self.format_value, self.lang)

    def labels(self) -> dict[str, str]:
        """Short labels for the names used in conditions."""
        labels = {name: computed_label(name, computed.expression.root, self.lang, computed.label,
                                       self.service.languages)
                  for name, computed in self.service.computed.items()}
        for name, block in self.service.questions.items():
            labels[name] = block.text("label", self.lang, self.service.languages) or name
        return labels

    def format_value(self, name: str, value: Any) -> str:
        """A value as a person reads it (option labels, French dates…)."""
        block = self.service.blocks.get(name)
        if block is not None and block.is_question and not any(value is mark for mark in _NOT_ANSWERS):
            return block.type.format_text(block.params, value, self.lang)
        computed = self.service.computed.get(name)
        if computed is not None and is_age(computed.expression.root) and isinstance(value, int):
            return years_text(value, self.lang)
        return default_format_value(name, value, self.lang)

    def to_json(self) -> dict[str, Any]:
        """The machine-readable result, as ``tremplin evaluate`` prints it (docs/expressions.md)."""
        return {"outcomes": self.outcomes, "missing": self.missing, "steps": self.steps, "errors": self.errors}

