"""A service's figures in the studio: where people give up, which outcomes apply and are
taken up, how long it takes.

Tables, each with a caption and its numbers written out (a bar shows the same share,
never alone): the funnel step by step, how often each outcome applied and how often its
link was followed (« Faire la demande »), the median time from the first page to
« Envoyer », and the opinions left with « Donnez votre avis » (``settings.feedback``):
how many per rating, their average and the latest comments. Every member of the organisation may
see them; they hold no personal data (see :mod:`builder.storage.figures`).
``/chiffres.json`` is the same page for a program.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, jsonify, render_template
from flask_babel import gettext as _
from flask_babel import format_decimal, ngettext

from builder.db import get_db
from builder.format.model import Service, localize
from builder.site.funnel import flush as write_waiting_events
from builder.site.opinions import asks_feedback
from builder.storage import feedback, figures, submissions
from builder.studio.access import login_required
from builder.studio.common import (
    display_language,
    published_service,
    require_service,
    service_title,
)

bp = Blueprint("studio_figures", __name__, url_prefix="/studio/o/<org_slug>/services/<service_id>")


@dataclass(frozen=True)
class Share:
    """``count`` out of ``total``, as a percentage and as the width of a bar (steps of 5)."""

    count: int
    total: int

    @property
    def percent(self) -> int:
        """The share in whole percent (0 when there is no total)."""
        return round(100 * self.count / self.total) if self.total else 0

    @property
    def bar(self) -> int:
        """The bar's width class, a multiple of 5 from 0 to 100."""
        return min(100, 5 * round(self.percent / 5))


@dataclass(frozen=True)
class StepRow:
    """A line of the funnel: a step, and its journeys as shares."""

    step_id: str
    title: str
    viewed: Share
    answered: Share
    gave_up: Share
    current: bool = True  # False for a step the service no longer has


@dataclass(frozen=True)
class OutcomeRow:
    """A line of the outcomes table: how often it applied, and how often one of its links
    was followed (out of the times it applied)."""

    outcome_id: str
    title: str
    applied: Share
    followed: Share


def duration_text(seconds: float) -> str:
    """A duration for a person to read: « 45 s », « 3 min 05 s », « 2 h 10 min », « 3 jours »."""
    seconds = round(seconds)
    minutes, rest = divmod(seconds, 60)
    hours, minutes_left = divmod(minutes, 60)
    if minutes < 1:
        return _("%(seconds)d s", seconds=seconds)
    if hours < 1:
        return _("%(minutes)d min %(seconds)02d s", minutes=minutes, seconds=rest)
    if hours < 48:
        return _("%(hours)d h %(minutes)02d min", hours=hours, minutes=minutes_left)
    return ngettext("%(num)d jour", "%(num)d jours", hours // 24)


def funnel_rows(service: Service | None, funnel: figures.Funnel, lang: str) -> list[StepRow]:
    """The funnel's steps with their titles: reach out of all journeys, the rest out of views."""
    titles = {step.id: localize(step.title, lang, service.languages) for step in service.steps} if service else {}
    return [StepRow(step.step_id, titles.get(step.step_id) or step.step_id,
                    Share(step.viewed, funnel.journeys), Share(step.answered, step.viewed),
                    Share(step.gave_up, step.viewed), step.step_id in titles)
            for step in funnel.steps]


def outcome_source(service: Service | None) -> str:
    """Where outcomes are counted: the submissions of a service that sends, else the result pages."""
    return "submissions" if service is None or "submission" in service.data else "results"


def outcome_rows(db: Any, service: Service | None, service_id: str, lang: str) -> tuple[list[OutcomeRow], int]:
    """How often each outcome applied, and out of how many submissions or results."""
    if outcome_source(service) == "submissions":
        counts = figures.outcomes_in_submissions(db, service_id)
    else:
        counts = figures.outcomes_in_results(db, service_id)
    followed = figures.links_followed(db, service_id)
    known = [(o.id, localize(o.title, lang, service.languages)) for o in service.outcomes] if service else []
    former = [(key, key) for key in sorted({*counts.applied, *followed}) if key not in dict(known)]
    rows = [OutcomeRow(key, title, Share(counts.applied.get(key, 0), counts.total),
                       Share(followed.get(key, 0), counts.applied.get(key, 0)))
            for key, title in known + former]
    return rows, counts.total


def report(service_id: str) -> dict[str, Any]:
    """Everything the page shows, from the newest published version's steps and outcomes."""
    write_waiting_events()  # this process's; other workers write theirs within a second
    db = get_db()
    compiled = published_service(service_id)
    service, version = compiled if compiled else (None, None)
    lang = display_language(service)
    funnel = figures.funnel(db, service_id, [step.id for step in service.steps] if service else [])
    outcomes, outcomes_total = outcome_rows(db, service, service_id, lang)
    median, timed = figures.median_duration(db, service_id)
    return {"service": service, "version": version, "funnel": funnel, "steps": funnel_rows(service, funnel, lang),
            "check": Share(funnel.gave_up_on_check, funnel.journeys), "outcomes": outcomes,
            "outcomes_total": outcomes_total, "outcome_source": outcome_source(service),
            "median": median, "median_text": duration_text(median) if median is not None else None,
            "timed": timed, "submissions": submissions.count_for_service(db, service_id),
            **opinions_report(db, service, service_id)}


def opinions_report(db: Any, service: Service | None, service_id: str) -> dict[str, Any]:
    """The opinions left with « Donnez votre avis »: per rating from 5 to 1, their average
    (written for the page's language), the latest comments."""
    opinions = feedback.summary(db, service_id)
    return {"opinions": opinions, "asks_feedback": bool(service and asks_feedback(service)) or bool(opinions.count),
            "average_text": format_decimal(opinions.average, format="0.0") if opinions.count else "",
            "ratings": [(rating, Share(opinions.ratings.get(rating, 0), opinions.count)) for rating in (5, 4, 3, 2, 1)]}


@bp.get("/chiffres")
@login_required
def index(org_slug: str, service_id: str):
    """The funnel, the outcomes and the median time to complete, as accessible tables."""
    found = require_service(org_slug, service_id)
    return render_template("studio/figures/index.html", copy=found.copy, org=found.access.org,
                           role=found.access.role, title=service_title(found.copy.yaml, service_id),
                           **report(service_id))


@bp.get("/chiffres.json")
@login_required
def as_json(org_slug: str, service_id: str):
    """The same figures for a program (a dashboard, a spreadsheet)."""
    require_service(org_slug, service_id)
    data = report(service_id)
    return jsonify({
        "service": service_id, "version": data["version"], "journeys": data["funnel"].journeys,
        "steps": [{"id": row.step_id, "title": row.title, "viewed": row.viewed.count,
                   "answered": row.answered.count, "gave_up": row.gave_up.count, "current": row.current}
                  for row in data["steps"]],
        "gave_up_on_check": data["funnel"].gave_up_on_check, "ended": data["funnel"].ended,
        "outcomes": {"source": data["outcome_source"], "total": data["outcomes_total"],
                     "applied": {row.outcome_id: row.applied.count for row in data["outcomes"]},
                     "followed": {row.outcome_id: row.followed.count for row in data["outcomes"]}},
        "submissions": data["submissions"],
        "median_seconds": data["median"], "timed_submissions": data["timed"],
        "feedback": {"count": data["opinions"].count, "average": data["opinions"].average,
                     "ratings": {str(rating): share.count for rating, share in data["ratings"]},
                     "comments": [{"day": comment.day.isoformat(), "rating": comment.rating, "text": comment.text}
                                  for comment in data["opinions"].comments]},
    })
