"""Where the preview keeps the answers a person gives in it: server-side like a
mini-site's draft (under ``apercu/<service_id>``, one day), the session holding only
their code; and where that person's preview stands (:func:`preview_url`).
"""

from __future__ import annotations

from typing import Any

from flask import session, url_for

from builder.db import get_db
from builder.site import journey, state
from builder.storage import drafts, workspace
from builder.studio.editor.analysis import preview_service

ANSWERS_DAYS = 1
_SESSION_KEY = "apercu"


def _draft_key(service_id: str) -> str:
    return f"apercu/{service_id}"


def preview_answers(service_id: str) -> dict[str, Any]:
    """The answers this person gave in the preview of ``service_id`` (none yet: {})."""
    code = session.get(_SESSION_KEY, {}).get(service_id)
    draft = drafts.load_draft(get_db(), code, _draft_key(service_id)) if code else None
    return dict(draft.answers) if draft else {}


def save_answers(service_id: str, answers: dict[str, Any]) -> None:
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
