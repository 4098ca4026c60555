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

import datetime as dt
from typing import Any

from flask import g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import refresh
from flask_wtf import FlaskForm

from builder import security
from builder.format.model import Service, Step, localize
from builder.site import journey, state
from builder.site.forms import cleaned_answers, initial_value
from builder.site.summary import summary_rows
from builder.site.views import help_box, prefilled_answers
from builder.storage.accounts import EDITOR, READER
from builder.studio.access import login_required
from builder.studio.common import require_service
from builder.studio.editor import preview_bp
from builder.studio.editor.analysis import preview_service
from builder.studio.editor.preview_state import (
    preview_answers,
    real_answers,
    save_answers,
)

# The mini-site's pages the preview has; any other (save for later, resume…) is not here.
PAGES = {"site.start": "start", "site.begin": "begin", "site.step": "step", "site.check": "check",
         "site.result": "result", "site.send": "send"}
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


def preview_url_for(endpoint: str, **values: Any) -> str:
    """``url_for`` for the mini-site's templates: ``site.*`` pages become the preview's."""
    if not endpoint.startswith("site."):
        return url_for(endpoint, **values)
    page = PAGES.get(endpoint, "unavailable")
    kept = {"step_id": values["step_id"]} if page == "step" and "step_id" in values else {}
    return url_for(f"studio_preview.{page}", org_slug=g.preview_org, service_id=g.preview_service_id, **kept)


@preview_bp.context_processor
def preview_context() -> dict[str, Any]:
    """What the mini-site's pages need (as :func:`builder.site.views.service_context`)."""
    service = g.get("service")
    if service is None:
        return {}
    return {"service": service, "lang": g.lang, "languages": list(service.languages),
            "site_name": service.text("title", g.lang), "url_for": preview_url_for,
            "home_url": preview_url_for("site.start"), "help": service.data.get("help") or {},
            "organisation": service.data.get("organisation") or {},
            "t": lambda value: localize(value, g.lang, service.languages), "help_box": help_box}


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
    return redirect(_next_url(service, {}), 303)


def _next_url(service: Service, answers: dict[str, Any]) -> str:
    evaluation = state.evaluation_of(service, answers, g.lang)
    step = journey.next_step(service, evaluation, answers)
    return preview_url_for("site.step", step_id=step.id) if step else preview_url_for("site.check")


def _step(service: Service, step_id: str) -> Step | None:
    return next((step for step in service.steps if step.id == step_id), None)


@preview_bp.route("/etape/<step_id>", methods=["GET", "POST"])
@login_required
def step(org_slug: str, service_id: str, step_id: str) -> ResponseReturnValue:
    """One step of the draft; any step can be seen, even one the answers would skip."""
    service = _open(org_slug, service_id, EDITOR if request.method == "POST" else READER)
    if service is None:
        return _broken()
    current = _step(service, step_id)
    if current is None:
        return redirect(preview_url_for("site.start"))
    answers = preview_answers(service_id)
    if request.method == "POST":
        return _answer_step(service, current, answers)
    evaluation = state.evaluation_of(service, real_answers(answers), g.lang)
    blocks = _shown_blocks(service, current, answers)
    form = _form(service, blocks, answers, evaluation.values["$today"])
    return _render_step(service, current, blocks, form, answers, evaluation)


def _shown_blocks(service: Service, current: Step, answers: dict[str, Any], posted: dict | None = None) -> list:
    """The blocks the page shows, decided as the mini-site does (:func:`journey.page_answers`)."""
    page = journey.page_answers(current, real_answers(answers), posted)
    return journey.visible_blocks(current, state.evaluation_of(service, page, g.lang))


def _answer_step(service: Service, current: Step, answers: dict[str, Any]) -> ResponseReturnValue:
    """As the mini-site does (see :mod:`builder.site.views`), into the preview's answers."""
    posted = prefilled_answers(request.form)
    merged = {**answers, **posted}
    evaluation = state.evaluation_of(service, real_answers(merged), g.lang)
    blocks = _shown_blocks(service, current, answers, posted)
    form = _form(service, blocks, answers, evaluation.values["$today"], request.form)
    shown_before = set(request.form.getlist("_shown"))
    revealed = [block for block in blocks if block.is_question and block.id not in shown_before]
    valid = form.validate()
    htmx = request.headers.get("HX-Request") == "true"
    if revealed and not htmx:
        for block in revealed:
            form[block.id].errors = []
        return _render_step(service, current, blocks, form, merged, evaluation, revealed=revealed)
    if htmx:
        return _render_step(service, current, blocks, form, merged, evaluation, partial=True)
    if not valid:
        return _render_step(service, current, blocks, form, merged, evaluation), 422
    own = {block.id for block in current.blocks}
    updated = {key: value for key, value in answers.items() if key not in own}
    updated.update(cleaned_answers(form, blocks))
    updated = state.mark_visited(updated, current.id)
    save_answers(service.id, updated)
    return redirect(_next_url(service, updated), 303)


def _form(service: Service, blocks: list, answers: dict[str, Any], today: dt.date, formdata: Any = None) -> FlaskForm:
    """The step's form, built for this revision (not cached: a draft changes all the time)."""
    fields = {block.id: block.type.form_field(block.params, g.lang, service.languages, today)
              for block in blocks if block.is_question}
    form_class = type("PreviewStepForm", (FlaskForm,), fields)
    if formdata is not None:
        return form_class(formdata=formdata)
    data = {block.id: initial_value(block, answers.get(block.id)) for block in blocks if block.is_question}
    return form_class(formdata=None, data=data)


def _render_step(service: Service, current: Step, blocks, form, answers, evaluation, revealed=(), partial=False):
    previous = journey.previous_step(service, evaluation, answers, current.id)
    back = preview_url_for("site.step", step_id=previous.id) if previous else preview_url_for("site.start")
    questions = [block for block in blocks if block.is_question]
    own = {block.id for block in current.blocks}
    controllers = {name for block in current.blocks if block.show_if is not None
                   for name in set(block.show_if.names) & own}
    template = "site/_step_form.html" if partial else "site/step.html"
    return render_template(template, step=current, blocks=blocks, form=form, back_url=back,
                           single=questions[0] if len(questions) == 1 and len(blocks) == 1 else None,
                           revealed=revealed, controllers=controllers)


@preview_bp.route("/verifier")
@login_required
def check(org_slug: str, service_id: str) -> ResponseReturnValue:
    """« Vérifier vos réponses » for the answers given so far (even before the end)."""
    service = _open(org_slug, service_id)
    if service is None:
        return _broken()
    answers = preview_answers(service_id)
    evaluation = state.evaluation_of(service, real_answers(answers), g.lang)
    rows = summary_rows(service, evaluation, answers, g.lang)
    back = preview_url_for("site.step", step_id=rows[-1].step.id) if rows else preview_url_for("site.start")
    return render_template("site/check.html", rows=rows, back_url=back, has_email=False)


@preview_bp.route("/resultat")
@login_required
def result(org_slug: str, service_id: str) -> ResponseReturnValue:
    """The result page, with why each outcome applies or not."""
    service = _open(org_slug, service_id)
    if service is None:
        return _broken()
    if not service.outcomes:
        return check(org_slug, service_id)
    answers = preview_answers(service_id)
    evaluation = state.evaluation_of(service, real_answers(answers), g.lang)
    groups = {status: [o for o in service.outcomes if evaluation.outcomes[o.id] == status]
              for status in ("yes", "no", "unknown")}
    return render_template("site/result.html", evaluation=evaluation, groups=groups, has_email=False,
                           back_url=preview_url_for("site.check"), handoff=None)


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
