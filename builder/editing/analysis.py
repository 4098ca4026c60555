"""A revision of a service as the editor sees it: its problems, its plain-language hints,
its compiled service (for the preview) and how its personas fare, worked out from its text
once (:func:`work_out`). :mod:`builder.studio.editor.analysis` keeps them per revision.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, Iterable

from builder.editing.document import ServiceDocument, leading_comments
from builder.editing.fragments import WrittenText
from builder.editing.locate import Where
from builder.editing.plain_language import Hint, service_hints
from builder.editing.validation import Located, check_read
from builder.format.model import Service
from builder.rules.personas import PersonaResult, run_personas
from builder.storage.workspace import WorkingCopy

# Problems of a service still being built, not mistakes: a new step has no block yet. The
# editor does not show them in red next to their cause; the task list has them « à faire »
# (and publishing refuses them, as every problem).
UNFINISHED = frozenset({"editing.step_empty", "editing.no_steps"})


@dataclass(frozen=True)
class Analysis:
    """A revision of a service as the editor sees it."""

    revision: int
    text: str  # the working copy's text at that revision
    document: ServiceDocument
    problems: tuple[Located, ...]
    hints: dict[Where, list[Hint]] = field(default_factory=dict)
    service: Service | None = None  # None while the service has problems
    personas: tuple[PersonaResult, ...] = ()

    @property
    def data(self) -> dict:
        """The service's data (plain dicts and lists)."""
        return self.document.data

    @functools.cached_property
    def errors(self) -> list[Located]:
        """The problems shown in red: all but those of a service still being built
        (:data:`UNFINISHED`)."""
        return [item for item in self.problems if item.problem.code not in UNFINISHED]

    def problems_at(self, step: str | None = None, block: str | None = None,
                    outcome: str | None = None, persona: int | None = None) -> list[Located]:
        """The problems shown in red of one thing: a step (its own, not its blocks'), a
        block, an outcome or a persona (by index)."""
        return list(self._owned[0].get(_wanted(step, block, outcome, persona), ()))

    def general_problems(self) -> list[Located]:
        """The problems shown in red of the service itself (title, help, computed values…)."""
        return [item for item in self.errors if _owner(item.where) is None]

    def hints_at(self, step: str | None = None, block: str | None = None,
                 outcome: str | None = None) -> list[Hint]:
        """The plain-language hints of one step, block or outcome."""
        return list(self._owned[1].get(_wanted(step, block, outcome, None), ()))

    @functools.cached_property
    def _owned(self) -> tuple[dict[tuple, list[Located]], dict[tuple, list[Hint]]]:
        """The problems and the hints by what they belong to (each page asks for them
        thing by thing)."""
        problems: dict[tuple | None, list[Located]] = {}
        for item in self.errors:
            problems.setdefault(_owner(item.where), []).append(item)
        hints: dict[tuple | None, list[Hint]] = {}
        for where, found in self.hints.items():
            hints.setdefault(_owner(where), []).extend(found)
        return problems, hints

    def general_hints(self) -> list[Hint]:
        """The hints about the service's own texts (title, summary, help…)."""
        return [hint for where, hints in self.hints.items() if _owner(where) is None for hint in hints]

    def persona_result(self, index: int) -> PersonaResult | None:
        """How the persona at ``index`` fares (None while the service has problems)."""
        return self.personas[index] if index < len(self.personas) else None

    @property
    def failing(self) -> int:
        """How many personas fail."""
        return sum(1 for result in self.personas if not result.passed)


def _owner(where: Where) -> tuple | None:
    """What a problem or hint belongs to: ("block", key), ("step", id)… or None."""
    if where.block_id is not None:
        return ("block", where.block_id)
    if where.step_id is not None:
        return ("step", where.step_id)
    if where.outcome_id is not None:
        return ("outcome", where.outcome_id)
    if where.persona is not None:
        return ("persona", where.persona)
    return None


def _wanted(step: str | None, block: str | None, outcome: str | None, persona: int | None) -> tuple:
    return (("block", block) if block is not None else ("step", step) if step is not None
            else ("outcome", outcome) if outcome is not None else ("persona", persona))


def work_out(copy: WorkingCopy, written: WrittenText | None) -> Analysis:
    """Read the text of this revision once, check and compile it once, run the personas
    (``written``: how the studio just wrote that text, to read only what changed)."""
    read = written.read() if written is not None and written.text == copy.yaml else None
    if read is not None:
        document, lines = ServiceDocument(read[0], leading_comments(copy.yaml)), read[1]
    else:
        document, lines = ServiceDocument.read(copy.yaml, copy.service_id)
    problems, service = check_read(document.data, lines, copy.service_id)
    personas = tuple(run_personas(service)) if service is not None else ()
    return Analysis(copy.revision, copy.yaml, document, tuple(problems), service_hints(document.data), service,
                    personas)


def status_changes(before: Analysis, after: Analysis) -> list[tuple[str, bool]]:
    """The personas whose result changed between two revisions: (name, passes now)."""
    if before.service is None or after.service is None:
        return []
    was = {result.persona.name: result.passed for result in before.personas}
    return [(result.persona.name, result.passed) for result in after.personas
            if result.persona.name in was and was[result.persona.name] != result.passed]


def ids_of(items: Iterable[Any]) -> list[str]:
    """The ids of the dicts among ``items`` (steps, outcomes)."""
    return [item["id"] for item in items if isinstance(item, dict) and isinstance(item.get("id"), str)]
