"""Where the preview keeps the answers a person gives in it: server-side like a
mini-site's draft (under ``apercu/<service_id>``, one day), the session holding only
their code; where that person's preview stands (:func:`preview_url`); and the preview as
a :class:`builder.site.places.Place` for the pages it shares with the mini-sites
(:class:`Preview`: those answers, its own URLs, no funnel events, nothing sent).
"""

from __future__ import annotations

from typing import Any

from flask import g, session, url_for

from builder.db import get_db
from builder.format.model import Service
from builder.site import journey, state
from builder.site.places import Place
from builder.storage import drafts, workspace
from builder.studio.editor.analysis import preview_service

ANSWERS_DAYS = 1
_SESSION_KEY = "apercu"
# The mini-site's pages the preview has; any other (save for later, resume…) is not here.
PAGES = {"site.start": "start", "site.begin": "begin", "site.step": "step", "site.check": "check",
         "site.result": "result", "site.send": "send"}


def _draft_key(service_id: str) -> str:
    return f"apercu/{service_id}"


def preview_answers(service_id: str) -> dict[str, Any]:
    """The answers this person gave in the preview of ``service_id`` (none yet: {})."""
    code = session.get(_SESSION_KEY, {}).get(service_id)
    draft = drafts.load_draft(get_db(), code, _draft_key(service_id)) if code else None
    return dict(draft.answers) if draft else {}


def save_answers(service_id: str, answers: dict[str, Any]) -> None:
    """Keep this person's preview answers (a new code the first time)."""
    code = session.get(_SESSION_KEY, {}).get(service_id)
    draft = drafts.save_draft(get_db(), _draft_key(service_id), answers, code=code, ttl_days=ANSWERS_DAYS)
    session.setdefault(_SESSION_KEY, {})[service_id] = draft.code
    session.modified = True


def real_answers(answers: dict[str, Any]) -> dict[str, Any]:
    """The answers without the journey's bookkeeping (``$visited``…)."""
    return {key: value for key, value in answers.items() if not key.startswith("$")}


def preview_url(org_slug: str, copy: workspace.WorkingCopy) -> str:
    """Where this person's preview stands: their next step, the check page once every
    step is done, the start page before they begin."""
    answers = preview_answers(copy.service_id)
    service, _current = preview_service(copy)
    # the revision in the address: the frame loads again after every edit, even when it
    # stays on the same page (a morphing swap keeps the frame, and reloads it only then)
    values = {"org_slug": org_slug, "service_id": copy.service_id, "r": copy.revision}
    if service is None or not answers:
        return url_for("studio_preview.start", **values)
    evaluation = state.evaluation_of(service, real_answers(answers), service.default_language)
    step = journey.next_step(service, evaluation, answers)
    if step is None:
        return url_for("studio_preview.check", **values)
    return url_for("studio_preview.step", step_id=step.id, **values)


def preview_url_for(endpoint: str, **values: Any) -> str:
    """``url_for`` for the mini-site's templates: ``site.*`` pages become the preview's
    (of the service the preview shows, ``g.preview_org`` and ``g.preview_service_id``)."""
    if not endpoint.startswith("site."):
        return url_for(endpoint, **values)
    page = PAGES.get(endpoint, "unavailable")
    kept = {"step_id": values["step_id"]} if page == "step" and "step_id" in values else {}
    return url_for(f"studio_preview.{page}", org_slug=g.preview_org, service_id=g.preview_service_id, **kept)


class Preview(Place):
    """The preview as a place for the journey's pages: the answers of this person's
    preview, the preview's URLs, no funnel event, nothing sent."""

    name = "preview"

    def __init__(self, service: Service, lang: str, service_id: str):
        super().__init__(service, lang)
        self.service_id = service_id  # the working copy's, under which the answers are kept

    def url_for(self, endpoint: str, **values: Any) -> str:
        """The preview's page standing for the mini-site's ``endpoint``."""
        return preview_url_for(endpoint, **values)

    def save(self, answers: dict[str, Any], step_id: str) -> None:
        """Keep the answers in this person's preview."""
        save_answers(self.service_id, answers)


def preview_place(service: Service) -> Preview:
    """The preview of ``service`` shown on this page (its language, its working copy)."""
    return Preview(service, g.lang, g.preview_service_id)
