"""What the editor shows beside a working copy: its problems, its plain-language hints,
its compiled service (for the preview) and how its personas fare.

All of it is worked out once per revision and kept (:func:`analyse`), so that the
editor page, its htmx partials and every preview page of the same revision share it.
The last revision that compiled is also kept per service, so that the preview still
works while an edit in progress leaves the service with a problem (an empty step…).
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Iterable

from flask import current_app

from builder.editing.document import ServiceDocument, leading_comments
from builder.editing.fragments import WrittenText
from builder.editing.locate import Where
from builder.editing.plain_language import Hint, service_hints
from builder.editing.validation import Located, check_read
from builder.format.model import Service
from builder.rules.personas import PersonaResult, run_personas
from builder.storage.workspace import WorkingCopy

CACHE_SIZE = 64  # revisions kept in memory (each is one service, compiled), two at most per service

_LOCK = threading.Lock()
_CACHE: OrderedDict[tuple, "Analysis"] = OrderedDict()
_LAST_GOOD: dict[tuple, tuple[int, Service]] = {}


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

    def problems_at(self, step: str | None = None, block: str | None = None,
                    outcome: str | None = None, persona: int | None = None) -> list[Located]:
        """The problems of one thing: a step (its own, not its blocks'), a block, an
        outcome or a persona (by index)."""
        return list(self._owned[0].get(_wanted(step, block, outcome, persona), ()))

    def general_problems(self) -> list[Located]:
        """The problems of the service itself (title, help, computed values…)."""
        return [item for item in self.problems if _owner(item.where) is None]

    def hints_at(self, step: str | None = None, block: str | None = None,
                 outcome: str | None = None) -> list[Hint]:
        """The plain-language hints of one step, block or outcome."""
        return list(self._owned[1].get(_wanted(step, block, outcome, None), ()))

    @functools.cached_property
    def _owned(self) -> tuple[dict[tuple, list[Located]], dict[tuple, list[Hint]]]:
        """The problems and the hints by what they belong to (each page asks for them
        thing by thing)."""
        problems: dict[tuple | None, list[Located]] = {}
        for item in self.problems:
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


def analyse(copy: WorkingCopy, written: WrittenText | None = None) -> Analysis:
    """The analysis of this revision of the working copy (worked out once, then kept).

    It is found by the revision and the text read from the database with the request,
    never by anything kept in this process: a save by anyone else (another tab, another
    worker) makes a new revision, hence a new analysis. ``written`` is how the studio
    wrote that text, when it just did: what reading it gives is then worked out from
    the parts that changed (:mod:`builder.editing.fragments`)."""
    key = (current_app.config["DATABASE"], copy.service_id, copy.revision)
    with _LOCK:
        found = _CACHE.get(key)
        if found is not None and found.text == copy.yaml:
            _CACHE.move_to_end(key)
            return found
    analysis = _work_out(copy, written)
    with _LOCK:
        _CACHE[key] = analysis
        for older in [kept for kept in _CACHE if kept[:2] == key[:2] and kept[2] < key[2] - 1]:
            del _CACHE[older]  # only the latest revision is ever asked for, and the one before during an edit
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
        if analysis.service is not None:
            _LAST_GOOD[key[:2]] = (copy.revision, analysis.service)
    return analysis


def _work_out(copy: WorkingCopy, written: WrittenText | None) -> Analysis:
    """Read the text once, check and compile it once, run the personas."""
    read = written.read() if written is not None and written.text == copy.yaml else None
    if read is not None:
        document, lines = ServiceDocument(read[0], leading_comments(copy.yaml)), read[1]
    else:
        document, lines = ServiceDocument.read(copy.yaml, copy.service_id)
    problems, service = check_read(document.data, lines, copy.service_id)
    personas = tuple(run_personas(service)) if service is not None else ()
    return Analysis(copy.revision, copy.yaml, document, tuple(problems), service_hints(document.data), service,
                    personas)


def preview_service(copy: WorkingCopy) -> tuple[Service | None, bool]:
    """The service the preview shows, and whether it is this very revision (False: the
    last revision without problems, shown while this one has some)."""
    analysis = analyse(copy)
    if analysis.service is not None:
        return analysis.service, True
    with _LOCK:
        last = _LAST_GOOD.get((current_app.config["DATABASE"], copy.service_id))
    return (last[1], False) if last else (None, False)


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
