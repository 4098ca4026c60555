"""The compiled form of a service file: what the engine, the mini-sites and the studio use.

A :class:`Service` is built once by :mod:`builder.format.loader` from a valid file and
never mutated afterwards; the request path works on it and never parses YAML.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable, Mapping

Text = str | Mapping[str, str]


def localize(text: Text | None, lang: str, languages: tuple[str, ...] = ("fr",)) -> str:
    """``text`` in ``lang``: a plain string, or a mapping by language falling back to
    the service's default language, then to any language given."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    for candidate in (lang, *languages):
        if candidate in text:
            return str(text[candidate])
    return str(next(iter(text.values()), ""))


@dataclass
class Block:
    """One block of a step: a question (it has an answer) or a piece of content."""

    id: str
    type: Any  # blocks.base.BlockType
    params: dict[str, Any]
    step_id: str
    show_if: Any = None  # builder.rules.conditions.Condition | None
    line: int = 0

    @property
    def is_question(self) -> bool:
        """True when the block asks for an answer (its type says so: every type but ``content``)."""
        return self.type.is_question

    @property
    def required(self) -> bool:
        """Whether an answer is required (true unless the file says otherwise)."""
        return bool(self.params.get("required", True))

    def text(self, key: str, lang: str = "fr", languages: tuple[str, ...] = ("fr",)) -> str:
        """A text parameter (label, hint, body…) in ``lang``."""
        return localize(self.params.get(key), lang, languages)


@dataclass
class Step:
    """A page (or a group of short questions) of the journey."""

    id: str
    title: Text
    blocks: list[Block]
    show_if: Any = None
    line: int = 0

    @property
    def questions(self) -> list[Block]:
        """The blocks of this step that ask for an answer."""
        return [block for block in self.blocks if block.is_question]


@dataclass
class Computed:
    """A named expression, usable in conditions like an answer."""

    name: str
    expression: Any  # builder.rules.expressions.Expression
    line: int = 0
    label: Any = None  # its words for people (``computed_labels``), a text of the format


@dataclass
class Outcome:
    """A result of an eligibility service: an aid, a programme, a next step."""

    id: str
    title: Text
    when: Any  # builder.rules.conditions.Condition
    body: Text | None = None
    amount: Text | None = None
    links: list[dict[str, Any]] = field(default_factory=list)
    source: dict[str, Any] | None = None
    line: int = 0


@dataclass
class Persona:
    """One of the service's own examples: answers and the outcomes they must give."""

    name: str
    answers: dict[str, Any]
    expect: list[str]
    today: dt.date | None = None
    line: int = 0


@dataclass
class Service:
    """A loaded, checked and compiled service file."""

    data: dict[str, Any]  # the file as written (before `use:` is expanded)
    id: str
    title: Text
    languages: tuple[str, ...]
    steps: list[Step]
    blocks: dict[str, Block]  # every block by id, in the order of the file
    computed: dict[str, Computed]
    outcomes: list[Outcome]
    personas: list[Persona]
    order: list[str]  # answer and computed names, each after what it depends on
    evaluator: Callable[..., Any] | None = None  # set by builder.rules.engine
    path: str | None = None
    lines: Mapping[tuple, int] = field(default_factory=dict)
    # what the mini-site derives from the service once (form classes, the rendered help
    # box): kept with it, so that it goes away with it and never outlives a new version
    derived: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    @cached_property
    def questions(self) -> dict[str, Block]:
        """The blocks that ask for an answer, by id (computed once: the service never changes)."""
        return {key: block for key, block in self.blocks.items() if block.is_question}

    def derived_on(self, day: Any) -> dict[Any, Any]:
        """The part of :attr:`derived` that holds for ``day`` only (pages and forms that show
        dates); another day's is dropped when a new day's is made, so a server running for
        months keeps one day's worth."""
        key = ("on day", day)
        found = self.derived.get(key)
        if found is None:
            for old in [k for k in list(self.derived) if isinstance(k, tuple) and k[:1] == ("on day",)]:
                self.derived.pop(old, None)
            found = self.derived[key] = {}
        return found

    @cached_property
    def step_by_id(self) -> dict[str, Step]:
        """The steps by id (computed once: the service never changes)."""
        return {step.id: step for step in self.steps}

    @property
    def default_language(self) -> str:
        """The first language of the service."""
        return self.languages[0]

    def text(self, key: str, lang: str | None = None) -> str:
        """A top-level text of the file (title, summary…) in ``lang``."""
        return localize(self.data.get(key), lang or self.default_language, self.languages)

    def outcome(self, outcome_id: str) -> Outcome:
        """The outcome with this id (KeyError when there is none)."""
        for outcome in self.outcomes:
            if outcome.id == outcome_id:
                return outcome
        raise KeyError(outcome_id)
