"""The live preview: the DRAFT of a service, served with the mini-site's own pages and
journey, without publishing it, inside a phone-sized frame of the editor.

The working copy is compiled once per revision (:mod:`builder.studio.editor.analysis`);
while an edit leaves it with a problem, the last revision without problems is shown.
The person's preview answers are kept server-side like a mini-site's draft (under
``apercu/<service_id>``, one day), the session holding only their code; nothing is
recorded in the funnel and nothing is ever sent. The mini-site's templates link to
``site.*`` pages: here ``url_for`` sends those links to the preview's own pages.

These pages may be shown in a frame by the studio itself (``frame-ancestors 'self'``,
:func:`builder.security.allow_framing_by_same_site`); every other page keeps
``frame-ancestors 'none'``.
"""

from __future__ import annotations

from typing import Any

from flask import g, redirect, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import refresh

from builder import security
from builder.format.model import Service, Step
from builder.site import flow, state
from builder.site.context import page_context
from builder.storage.accounts import EDITOR, READER
from builder.studio.access import login_required
from builder.studio.common import require_service
from builder.studio.editor import preview_bp
from builder.studio.editor.analysis import preview_service
from builder.studio.editor.preview_state import (
    preview_answers,
    preview_place,
    preview_url_for,
    save_answers,
)


def _open(org_slug: str, service_id: str, at_least: str = READER) -> Service | None:
    """The service the preview shows (kept on ``g`` for the mini-site's templates)."""
    found = require_service(org_slug, service_id, at_least)
    service, _current = preview_service(found.copy)
    g.preview_org, g.preview_service_id = found.access.org.slug, service_id
    if service is not None:
        g.service = service
        g.lang = state.language(service)
        refresh()
    return service


@preview_bp.context_processor
def preview_context() -> dict[str, Any]:
    """What the mini-site's pages need, their links leading to the preview's pages."""
    if g.get("service") is None:
        return {}
    return {**page_context(g.service, g.lang, preview_url_for("site.start")), "url_for": preview_url_for}


@preview_bp.after_request
def framed_by_the_studio(response):
    """The studio shows these pages in its own frame: allow that, and only that."""
    return security.allow_framing_by_same_site(response)


def _broken() -> tuple[str, int]:
    return render_template("studio/editor/preview_broken.html"), 200


@preview_bp.route("/")
@login_required
def start(org_slug: str, service_id: str) -> ResponseReturnValue:
    """The start page of the draft."""
    if _open(org_slug, service_id) is None:
        return _broken()
    return render_template("site/start.html", prefill=[], draft=None, expired=False)


@preview_bp.route("/commencer", methods=["POST"])
@login_required
def begin(org_slug: str, service_id: str) -> ResponseReturnValue:
    """Start the preview again, with no answers."""
    service = _open(org_slug, service_id, EDITOR)
    if service is None:
        return _broken()
    save_answers(service_id, {})
    return redirect(flow.next_url(preview_place(service), {}), 303)


def _step(service: Service, step_id: str) -> Step | None:
    return next((step for step in service.steps if step.id == step_id), None)


@preview_bp.route("/etape/<step_id>", methods=["GET", "POST"])
@login_required
def step(org_slug: str, service_id: str, step_id: str) -> ResponseReturnValue:
    """One step of the draft, as the mini-site shows it and answers it
    (:mod:`builder.site.flow`); any step can be seen, even one the answers would skip."""
    service = _open(org_slug, service_id, EDITOR if request.method == "POST" else READER)
    if service is None:
        return _broken()
    current = _step(service, step_id)
    if current is None:
        return redirect(preview_url_for("site.start"))
    place, answers = preview_place(service), preview_answers(service_id)
    if request.method == "POST":
        return flow.answer_step(place, current, answers, request.form)
    return flow.show_step(place, current, answers, place.evaluate(answers))


@preview_bp.route("/verifier")
@login_required
def check(org_slug: str, service_id: str) -> ResponseReturnValue:
    """« Vérifier vos réponses » for the answers given so far (even before the end)."""
    service = _open(org_slug, service_id)
    if service is None:
        return _broken()
    place, answers = preview_place(service), preview_answers(service_id)
    return flow.check_page(place, answers, place.evaluate(answers))


@preview_bp.route("/resultat")
@login_required
def result(org_slug: str, service_id: str) -> ResponseReturnValue:
    """The result page, with why each outcome applies or not."""
    service = _open(org_slug, service_id)
    if service is None:
        return _broken()
    if not service.outcomes:
        return check(org_slug, service_id)
    place, answers = preview_place(service), preview_answers(service_id)
    return flow.result_page(place, answers, place.evaluate(answers))


@preview_bp.route("/envoyer", methods=["POST"])
@login_required
def send(org_slug: str, service_id: str) -> ResponseReturnValue:
    """In the preview nothing is sent: say so, and show what the person would read."""
    service = _open(org_slug, service_id, EDITOR)
    if service is None:
        return _broken()
    confirmation = (service.data.get("submission") or {}).get("confirmation")
    return render_template("studio/editor/preview_sent.html", confirmation=confirmation)


@preview_bp.route("/indisponible")
@login_required
def unavailable(org_slug: str, service_id: str) -> ResponseReturnValue:
    """Saving for later and resuming with a code work on the published service only."""
    if _open(org_slug, service_id) is None:
        return _broken()
    return render_template("studio/editor/preview_unavailable.html")
