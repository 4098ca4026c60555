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

from dataclasses import dataclass, field

from sqlite_utils import Database

from builder.storage import events


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
    lone = ", ".join("?" for _ in events.LONE_KINDS)
    row = db.execute(f"SELECT COUNT(DISTINCT journey_id) FROM events WHERE service_id = ? AND kind NOT IN ({lone})",
                     [service_id, *events.LONE_KINDS]).fetchone()
    return row[0]


def links_followed(db: Database, service_id: str) -> dict[str, int]:
    """Per outcome, how many times one of its links was followed (« Faire la demande »)."""
    rows = db.query("SELECT step_id, COUNT(*) AS n FROM events WHERE service_id = ? AND kind = ? GROUP BY step_id",
                    [service_id, events.FOLLOW])
    return {row["step_id"]: row["n"] for row in rows}


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
    rows = db.query(
        """
        SELECT a.step_id AS step_id, COUNT(DISTINCT a.journey_id) AS n,
               EXISTS (SELECT 1 FROM events AS b WHERE b.journey_id = a.journey_id
                       AND b.step_id = a.step_id AND b.kind = :answer) AS answered
        FROM events AS a
        WHERE a.service_id = :service AND a.kind = :abandon AND a.step_id IS NOT NULL
        GROUP BY a.step_id, answered
        """,
        {"service": service_id, "answer": events.ANSWER, "abandon": events.ABANDON},
    )
    before: dict[str, int] = {}
    after: dict[str, int] = {}
    for row in rows:
        (after if row["answered"] else before)[row["step_id"]] = row["n"]
    return before, after


def outcomes_in_results(db: Database, service_id: str) -> OutcomeCounts:
    """Per outcome, the journeys whose last result page showed it as applying."""
    total = db.execute(
        "SELECT COUNT(DISTINCT journey_id) FROM events WHERE service_id = ? AND kind = ?",
        [service_id, events.RESULT]).fetchone()[0]
    rows = db.query(
        """
        SELECT o.step_id AS outcome_id, COUNT(DISTINCT o.journey_id) AS n
        FROM events AS o
        JOIN (SELECT journey_id, MAX(id) AS last FROM events
              WHERE service_id = :service AND kind = :result GROUP BY journey_id) AS r
          ON r.journey_id = o.journey_id AND o.id > r.last
        WHERE o.service_id = :service AND o.kind = :outcome
        GROUP BY o.step_id
        """,
        {"service": service_id, "result": events.RESULT, "outcome": events.OUTCOME},
    )
    return OutcomeCounts(total, {row["outcome_id"]: row["n"] for row in rows})


def outcomes_in_submissions(db: Database, service_id: str) -> OutcomeCounts:
    """Per outcome, the submissions that stored it as applying (out of those that stored any)."""
    total = db.execute(
        "SELECT COUNT(*) FROM submissions WHERE service_id = ? AND outcomes IS NOT NULL"
        " AND outcomes NOT IN ('', '{}')", [service_id]).fetchone()[0]
    rows = db.query(
        """
        SELECT outcome.key AS outcome_id, COUNT(*) AS n
        FROM submissions, json_each(submissions.outcomes) AS outcome
        WHERE submissions.service_id = ? AND outcome.value = 'yes'
        GROUP BY outcome.key
        """,
        [service_id],
    )
    return OutcomeCounts(total, {row["outcome_id"]: row["n"] for row in rows})


def median_duration(db: Database, service_id: str) -> tuple[float | None, int]:
    """The median time to complete, in seconds (None without any), and how many it is over."""
    where = "service_id = ? AND duration_seconds IS NOT NULL"
    count = db.execute(f"SELECT COUNT(*) FROM submissions WHERE {where}", [service_id]).fetchone()[0]
    if not count:
        return None, 0
    middle = db.execute(
        f"SELECT duration_seconds FROM submissions WHERE {where} ORDER BY duration_seconds"
        " LIMIT ? OFFSET ?", [service_id, 2 - count % 2, (count - 1) // 2]).fetchall()
    return sum(row[0] for row in middle) / len(middle), count
