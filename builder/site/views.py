"""The journey: start page, one page per step, « Vérifier vos réponses », the result."""

from __future__ import annotations

from typing import Any

from flask import abort, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import refresh

from builder.format.model import Service, Step
from builder.site import assisted, bp, catalog, context, flow, journey, state
from builder.site.catalog import get_live_service
from builder.site.forms import posted_answers
from builder.site.places import MiniSite


@bp.url_value_preprocessor
def load_service(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Find the live service named in the URL (a 404 page when there is none)."""
    live = get_live_service((values or {}).pop("service_id"))
    current = g._get_current_object()
    current.live, current.service = live, live.service
    current.lang = state.language(live.service)
    refresh()  # the interface follows the service's language (see select_locale)


@bp.url_defaults
def add_service_id(endpoint: str, values: dict[str, Any]) -> None:
    """Links between pages of a mini-site keep their service."""
    if "service" in g and "service_id" not in values:
        values["service_id"] = g.service.id


@bp.context_processor
def service_context() -> dict[str, Any]:
    """What every mini-site page shows: the service, its help box, its languages, and the
    intermediary filling it in for someone, if any."""
    if g.get("service") is None:  # an error page before the service was found
        return {}
    return {**context.page_context(g.service, g.lang, url_for("site.start")),
            "assisted": assisted.current(g.service.id)}


# a global too: macros imported without context need it
bp.add_app_template_global(context.text, "t")


def _draft_or_start():
    """The person's draft, or where to send them: the start page, or their confirmation."""
    draft = state.load(g.service)
    if draft is None:
        return None, redirect(url_for("site.start", expire="1"))
    if state.sent_reference(draft):
        return None, redirect(url_for("site.confirmation", reference=state.sent_reference(draft)))
    return draft, None


def _place(draft) -> MiniSite:
    return MiniSite(g.service, g.lang, draft)


@bp.route("/")
def start() -> str:
    """The start page: what the service does, what you need, how long it takes."""
    questions = g.service.questions
    prefill = [(key, value) for key in request.args if key in questions for value in request.args.getlist(key)]
    return render_template("site/start.html", prefill=prefill, draft=state.load(g.service),
                           expired=bool(request.args.get("expire")))


@bp.route("/commencer", methods=["POST"])
def begin() -> ResponseReturnValue:
    """Start a journey, keeping the answers passed in the start link (checked like any answer)."""
    answers = posted_answers(g.service, request.form, state.today())
    draft = state.start(g.service, answers)
    return redirect(flow.next_url(_place(draft), answers), 303)


def _step(step_id: str) -> Step:
    for step in g.service.steps:
        if step.id == step_id:
            return step
    abort(404)


@bp.route("/etape/<step_id>", methods=["GET", "POST"])
def step(step_id: str) -> ResponseReturnValue:
    """One step: its questions, the error summary, « Continuer » and « Retour »."""
    draft, redirection = _draft_or_start()
    if redirection:
        return redirection
    current, place = _step(step_id), _place(draft)
    answers = state.answers_of(draft)
    if request.method == "POST":
        return flow.answer_step(place, current, answers, request.form)
    evaluation = place.evaluate(answers)
    if current.id not in evaluation.steps:
        return redirect(flow.next_url(place, answers))
    return flow.show_step(place, current, answers, evaluation)


def _current_answers():
    """(place, answers, evaluation) of this person's draft, or where to send them instead."""
    draft, redirection = _draft_or_start()
    if redirection:
        return None, redirection
    place, answers = _place(draft), state.answers_of(draft)
    return (place, answers, place.evaluate(answers)), None


@bp.route("/verifier")
def check() -> ResponseReturnValue:
    """« Vérifier vos réponses »: every answer with a « Modifier » link."""
    found, redirection = _current_answers()
    if redirection:
        return redirection
    place, answers, evaluation = found
    pending = journey.next_step(g.service, evaluation, answers)
    if pending is not None:
        return redirect(url_for("site.step", step_id=pending.id))
    return flow.check_page(place, answers, evaluation, correcting=state.correcting(place.draft))


@bp.route("/resultat")
def result() -> ResponseReturnValue:
    """The result of an eligibility service, with why each outcome applies or not."""
    found, redirection = _current_answers()
    if redirection:
        return redirection
    if not g.service.outcomes:
        return redirect(url_for("site.check"))
    place, answers, evaluation = found
    return flow.result_page(place, answers, evaluation, handoff=_handoff(answers))


def _handoff(answers: dict[str, Any]) -> dict[str, Any] | None:
    """The contact service of the same organisation, to be called back without retyping
    (:func:`builder.site.catalog.contact_service`)."""
    target = (g.service.data.get("settings") or {}).get("contact_service")
    contact = catalog.contact_service(g.service.id, target) if target else None
    if contact is None:
        return None
    return {"url": url_for("site.begin", service_id=contact.id), "answers": _handoff_fields(contact, answers),
            "title": contact.text("title", g.lang)}


def _handoff_fields(contact: Service, answers: dict[str, Any]) -> list[tuple[str, Any]]:
    """The answers ``contact`` also asks, as its form fields take them (one pair per value)."""
    fields = []
    for key, value in answers.items():
        block = contact.questions.get(key)
        if block is None or value is None:
            continue
        shown = block.type.value_for_form(block.params, value)
        fields += [(key, item) for item in (shown if isinstance(shown, list) else [shown])]
    return fields
