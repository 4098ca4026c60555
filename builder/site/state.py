"""A person's journey through one service: their draft, their language, their events.

The answers live server-side in a draft (found again with a short code); the
session cookie only holds, per service, the draft code and an anonymous journey id
for the funnel. Nothing here holds SQL: it calls builder.storage.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import current_app, session

from builder.db import get_db
from builder.languages import select_locale
from builder.format.model import Service
from builder.rules.engine import Evaluation, evaluate
from builder.site import funnel
from builder.site.journey import VISITED
from builder.storage import drafts, events


def language(service: Service) -> str:
    """The page language: the person's choice when the service has it, else its default.

    The choice is read as a code (:func:`builder.languages.select_locale`), without asking
    Flask-Babel for a parsed locale that the service's own language replaces at once.
    """
    if len(service.languages) == 1:
        return service.default_language  # nothing to choose: the request need not be read
    asked = select_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]
    return asked if asked in service.languages else service.default_language


def _slot(service_id: str) -> dict[str, Any]:
    journeys = session.setdefault("journeys", {})
    return journeys.setdefault(service_id, {})


def draft_ttl(service: Service) -> int:
    """How many days a draft is kept (the service's ``settings.draft_days``, 30 by default)."""
    return int((service.data.get("settings") or {}).get("draft_days", 30))


def load(service: Service) -> drafts.Draft | None:
    """The person's live draft for ``service``, or None."""
    code = session.get("journeys", {}).get(service.id, {}).get("code")
    return drafts.load_draft(get_db(), code, service.id) if code else None


def start(service: Service, answers: dict[str, Any]) -> drafts.Draft:
    """A new draft (with prefilled answers) and a new anonymous journey."""
    draft = drafts.save_draft(get_db(), service.id, answers, ttl_days=draft_ttl(service))
    slot = _slot(service.id)
    slot.update(code=draft.code, journey=events.new_journey_id())
    session.modified = True
    return draft


def resume(service: Service, code: str) -> drafts.Draft | None:
    """Take up the draft ``code`` on this device; None when it is unknown or expired."""
    draft = drafts.load_draft(get_db(), code, service.id)
    if draft is not None:
        slot = _slot(service.id)
        slot.update(code=draft.code, journey=slot.get("journey") or events.new_journey_id())
        session.modified = True
    return draft


def save(service: Service, draft: drafts.Draft, answers: dict[str, Any], step_id: str | None) -> drafts.Draft:
    """Store the answers (the draft's expiry moves on)."""
    return drafts.save_draft(get_db(), service.id, answers, code=draft.code, step_id=step_id,
                             ttl_days=draft_ttl(service))


def mark_visited(answers: dict[str, Any], step_id: str) -> dict[str, Any]:
    """The answers with ``step_id`` noted as seen (for steps without questions)."""
    visited = list(answers.get(VISITED, []))
    if step_id not in visited:
        visited.append(step_id)
    return {**answers, VISITED: visited}


def record(service: Service, step_id: str | None, kind: str) -> None:
    """Record a funnel event for this journey (no personal data)."""
    # read without setdefault: touching the session would make Flask sign and send it again
    journey = session.get("journeys", {}).get(service.id, {}).get("journey")
    if journey:
        funnel.record(service.id, step_id, kind, journey)  # written in batches: see builder.site.funnel


SENT = "$sent"  # key of a draft whose answers were sent: it keeps only the reference


def mark_sent(service: Service, draft: drafts.Draft, reference: str) -> None:
    """Replace the draft's answers by the submission's reference.

    Nothing personal is kept twice, and a repeated « Envoyer » (double click, back
    button, an old cookie) finds the reference instead of starting over.
    """
    drafts.save_draft(get_db(), service.id, {SENT: reference}, code=draft.code, ttl_days=draft_ttl(service))
    session.setdefault("sent", {})[service.id] = reference
    session.modified = True


def sent_reference(draft: drafts.Draft | None) -> str | None:
    """The reference of the submission this draft became, if it was sent."""
    return draft.answers.get(SENT) if draft else None


def remember_followed(service: Service, reference: str, code: str | None = None) -> None:
    """This browser sent or followed ``reference`` (with its code): its follow-up page opens.

    The code is kept only to be shown again on the confirmation page of the request just sent.
    """
    followed = session.setdefault("following", {})
    followed[service.id] = [reference] + [known for known in followed.get(service.id, []) if known != reference][:4]
    if code:
        session.setdefault("follow_code", {})[service.id] = [reference, code]
    session.modified = True


def is_followed(service: Service, reference: str) -> bool:
    """Whether this browser gave the code of ``reference`` (or sent it)."""
    return reference in session.get("following", {}).get(service.id, [])


def follow_code(service: Service, reference: str) -> str | None:
    """The follow-up code of the request this browser just sent, to show on its confirmation."""
    kept = session.get("follow_code", {}).get(service.id)
    return kept[1] if kept and kept[0] == reference else None


CORRECTING = "$correcting"  # key of a draft that corrects a sent request: its reference


def start_correction(service: Service, answers: dict[str, Any], reference: str) -> drafts.Draft:
    """A new draft holding the sent answers, to go through the journey again and correct them."""
    return start(service, {**answers, CORRECTING: reference})


def correcting(draft: drafts.Draft | None) -> str | None:
    """The reference of the request this draft corrects, if it is a correction."""
    return draft.answers.get(CORRECTING) if draft else None


def answers_of(draft: drafts.Draft | None) -> dict[str, Any]:
    """The answers of a draft (empty without one)."""
    return dict(draft.answers) if draft else {}


def today() -> dt.date:
    """The date the rules use: today, unless the configuration fixes one (``TODAY``, for tests and demos)."""
    fixed = current_app.config.get("TODAY")
    return dt.date.fromisoformat(str(fixed)) if fixed else dt.date.today()


def evaluation_of(service: Service, answers: dict[str, Any], lang: str) -> Evaluation:
    """Evaluate the real answers (the bookkeeping keys left out)."""
    real = {key: value for key, value in answers.items() if not key.startswith("$")}
    return evaluate(service, real, today(), lang)
