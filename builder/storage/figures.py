"""The figures of a service for the studio: its funnel, its outcomes, its time to complete.

Everything here is read from the anonymous journey events (:mod:`builder.storage.events`)
and from the submissions, and is counted in journeys or submissions, never tied to a
person:

- :func:`funnel`: per step, the journeys that viewed it, answered it, and gave up there
  (an ``abandon`` event, recorded by :func:`events.mark_abandoned` once a journey has
  been idle, on a step the journey viewed and never answered). A journey that stopped
  just after answering its last step stopped on « Vérifier vos réponses »:
  :attr:`Funnel.gave_up_on_check`.
- :func:`outcomes_in_submissions` and :func:`outcomes_in_results`: how often each
  outcome applied, from the outcomes stored with the submissions, or, for a service
  that sends nothing, from the ``outcome`` events of the result page (the last result
  each journey saw).
- :func:`links_followed`: how many times each outcome's links were followed (the
  ``follow`` events of the mini-site's link route, each under an id of its own).
- :func:`median_duration`: the median time from the first page to « Envoyer ».
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import exists, func, select

from builder.storage import events
from builder.storage.database import Database
from builder.storage.events import events as _events
from builder.storage.submissions import submissions as _submissions


@dataclass(frozen=True)
class StepFigures:
    """The journeys that viewed a step, answered it, and gave up on it without answering."""

    step_id: str
    viewed: int = 0
    answered: int = 0
    gave_up: int = 0


@dataclass(frozen=True)
class Funnel:
    """The funnel of a service, step by step."""

    journeys: int  # every journey that began
    steps: list[StepFigures]
    gave_up_on_check: int = 0  # stopped after answering their last step
    ended: dict[str, int] = field(default_factory=dict)  # "result" / "submit" -> journeys


@dataclass(frozen=True)
class OutcomeCounts:
    """How many times each outcome applied, out of ``total`` results or submissions."""

    total: int
    applied: dict[str, int]  # outcome id -> how many times it was "yes"


def journeys(db: Database, service_id: str) -> int:
    """How many journeys through ``service_id`` began (have any event but a lone click)."""
    return db.execute(select(func.count(_events.c.journey_id.distinct()))
                      .where(_events.c.service_id == service_id, _events.c.kind.not_in(events.LONE_KINDS))).scalar()


def links_followed(db: Database, service_id: str) -> dict[str, int]:
    """Per outcome, how many times one of its links was followed (« Faire la demande »)."""
    return dict(db.execute(select(_events.c.step_id, func.count())
                           .where(_events.c.service_id == service_id, _events.c.kind == events.FOLLOW)
                           .group_by(_events.c.step_id)).all())


def funnel(db: Database, service_id: str, step_ids: list[str]) -> Funnel:
    """The funnel over ``step_ids`` in order, then any other step the events name (an old one)."""
    counts = events.step_counts(db, service_id)
    before, after = _gave_up(db, service_id)
    seen = [step for step in counts if step is not None and step not in step_ids and _is_step(counts[step])]
    steps = [StepFigures(step, counts.get(step, {}).get(events.VIEW, 0),
                         counts.get(step, {}).get(events.ANSWER, 0), before.get(step, 0))
             for step in [*step_ids, *sorted(seen)]]
    ended = {kind: counts.get(None, {}).get(kind, 0) for kind in (events.RESULT, events.SUBMIT)}
    return Funnel(journeys(db, service_id), steps, sum(after.values()), ended)


def _is_step(kinds: dict[str, int]) -> bool:
    """True for the counts of a step (an outcome's id only has ``outcome`` events)."""
    return any(kind in kinds for kind in (events.VIEW, events.ANSWER, events.ERROR))


def _gave_up(db: Database, service_id: str) -> tuple[dict[str, int], dict[str, int]]:
    """Abandoned journeys per step: those that never answered it, and those that had."""
    a, b = _events.alias("a"), _events.alias("b")
    answered = exists().where(b.c.journey_id == a.c.journey_id, b.c.step_id == a.c.step_id,
                              b.c.kind == events.ANSWER)
    abandons = (select(a.c.step_id, a.c.journey_id, answered.label("answered"))
                .where(a.c.service_id == service_id, a.c.kind == events.ABANDON, a.c.step_id.is_not(None))
                .subquery())
    rows = db.execute(select(abandons.c.step_id, func.count(abandons.c.journey_id.distinct()), abandons.c.answered)
                      .group_by(abandons.c.step_id, abandons.c.answered))
    before: dict[str, int] = {}
    after: dict[str, int] = {}
    for step_id, count, had_answered in rows:
        (after if had_answered else before)[step_id] = count
    return before, after


def outcomes_in_results(db: Database, service_id: str) -> OutcomeCounts:
    """Per outcome, the journeys whose last result page showed it as applying."""
    of_service = _events.c.service_id == service_id
    total = db.execute(select(func.count(_events.c.journey_id.distinct()))
                       .where(of_service, _events.c.kind == events.RESULT)).scalar()
    last = (select(_events.c.journey_id, func.max(_events.c.id).label("last"))
            .where(of_service, _events.c.kind == events.RESULT).group_by(_events.c.journey_id).subquery())
    o = _events.alias("o")
    rows = db.execute(
        select(o.c.step_id, func.count(o.c.journey_id.distinct()))
        .join(last, (last.c.journey_id == o.c.journey_id) & (o.c.id > last.c.last))
        .where(o.c.service_id == service_id, o.c.kind == events.OUTCOME).group_by(o.c.step_id))
    return OutcomeCounts(total, dict(rows.all()))


def outcomes_in_submissions(db: Database, service_id: str) -> OutcomeCounts:
    """Per outcome, the submissions that stored it as applying (out of those that stored any)."""
    stored = db.execute(select(_submissions.c.outcomes).where(
        _submissions.c.service_id == service_id, _submissions.c.outcomes.is_not(None),
        _submissions.c.outcomes.not_in(["", "{}"]))).scalars()
    total, applied = 0, {}
    for text in stored:  # the JSON is read here: SQLite and PostgreSQL spell JSON functions differently
        total += 1
        for outcome_id, status in json.loads(text).items():
            if status == "yes":
                applied[outcome_id] = applied.get(outcome_id, 0) + 1
    return OutcomeCounts(total, applied)


def median_duration(db: Database, service_id: str) -> tuple[float | None, int]:
    """The median time to complete, in seconds (None without any), and how many it is over."""
    durations = _submissions.c.duration_seconds
    where = (_submissions.c.service_id == service_id) & durations.is_not(None)
    count = db.execute(select(func.count()).select_from(_submissions).where(where)).scalar()
    if not count:
        return None, 0
    middle = db.execute(select(durations).where(where).order_by(durations)
                        .limit(2 - count % 2).offset((count - 1) // 2)).scalars().all()
    return sum(middle) / len(middle), count
