"""The journey: start page, one page per step, « Vérifier vos réponses », the result."""

from __future__ import annotations

from typing import Any

from flask import abort, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import refresh
from markupsafe import Markup

from builder.format.model import Step
from builder.site import bp, journey, state
from builder.site.catalog import get_live_service
from builder.site.forms import cleaned_answers, step_form
from builder.site.shared_pages import shared_page
from builder.site.summary import email_answer, summary_rows


@bp.url_value_preprocessor
def load_service(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Find the live service named in the URL (a 404 page when there is none)."""
    live = get_live_service((values or {}).pop("service_id"))
    context = g._get_current_object()
    context.live, context.service = live, live.service
    context.lang = state.language(live.service)
    refresh()  # the interface follows the service's language (see select_locale)


@bp.url_defaults
def add_service_id(endpoint: str, values: dict[str, Any]) -> None:
    """Links between pages of a mini-site keep their service."""
    if "service" in g and "service_id" not in values:
        values["service_id"] = g.service.id


@bp.context_processor
def service_context() -> dict[str, Any]:
    """What every mini-site page shows: the service, its help box, its languages."""
    service = g.get("service")
    if service is None:  # an error page before the service was found
        return {}
    return {"service": service, "lang": g.lang, "languages": list(service.languages),
            "site_name": service.text("title", g.lang), "home_url": url_for("site.start"),
            "help": service.data.get("help") or {}, "organisation": service.data.get("organisation") or {},
            "t": lambda value: _text(value), "help_box": help_box}


def help_box() -> Markup:
    """The help box of this service in this language, rendered once and kept with the service."""
    key = ("help box", g.lang)
    html = g.service.derived.get(key)
    if html is None:
        html = g.service.derived[key] = Markup(render_template("site/_help.html"))
    return html


@bp.app_template_global("t")
def _text(value: Any) -> str:
    """A text of the service in the page's language (a global: macros imported without
    context, such as those of site/_fields.html, need it too)."""
    from builder.format.model import localize
    return localize(value, g.lang, g.service.languages)


def _draft_or_start():
    """The person's draft, or where to send them: the start page, or their confirmation."""
    draft = state.load(g.service)
    if draft is None:
        return None, redirect(url_for("site.start", expire="1"))
    if state.sent_reference(draft):
        return None, redirect(url_for("site.confirmation", reference=state.sent_reference(draft)))
    return draft, None


def next_url(answers: dict[str, Any]) -> str:
    """The page that comes after these answers: the next step, else the check page."""
    evaluation = state.evaluation_of(g.service, answers, g.lang)
    step = journey.next_step(g.service, evaluation, answers)
    return url_for("site.step", step_id=step.id) if step else url_for("site.check")


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
    answers = prefilled_answers(request.form)
    state.start(g.service, answers)
    return redirect(next_url(answers), 303)


def prefilled_answers(form: Any) -> dict[str, Any]:
    """The valid answers among ``form``'s fields named like questions (the others are ignored)."""
    from builder.messages import Problem
    answers = {}
    for block_id, block in g.service.questions.items():
        values = form.getlist(block_id)
        if not values:
            continue
        raw = values if block.type.answer_type == "options" else values[0]
        try:
            value = block.type.clean_answer(block.params, raw, state.today())
        except Problem:
            continue
        if value is not None:
            answers[block_id] = block.type.format_json(block.params, value)
    return answers


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
    current = _step(step_id)
    answers = state.answers_of(draft)
    if request.method == "POST":
        return _answer_step(draft, current, answers)
    service, lang = g.service, g.lang
    evaluation = state.evaluation_of(service, answers, lang)
    if current.id not in evaluation.steps:
        return redirect(next_url(answers))
    state.record(service, current.id, "view")
    return _show_step(service, lang, current, answers, evaluation)


def _show_step(service, lang: str, current: Step, answers: dict[str, Any], evaluation) -> str:
    """The step as first shown: kept and shared while none of its questions is answered."""
    blocks = _shown_blocks(current, answers)
    today = evaluation.values["$today"]

    def render(**extra: Any) -> str:
        form = step_form(service, blocks, answers, lang, today)
        return _render_step(current, blocks, form, answers, evaluation, **extra)

    if any(answers.get(block.id) is not None for block in blocks if block.is_question):
        return render()  # the person's own answers are on it
    key = (current.id, lang, tuple(block.id for block in blocks), _back_url(current, evaluation, answers),
           request.script_root)
    return shared_page(service, key, render, day=today)


def _answer_step(draft, current: Step, answers: dict[str, Any]) -> ResponseReturnValue:
    posted = prefilled_answers(request.form)
    merged = {**answers, **posted}
    evaluation = state.evaluation_of(g.service, merged, g.lang)
    blocks = _shown_blocks(current, answers, posted)
    form = step_form(g.service, blocks, answers, g.lang, evaluation.values["$today"], formdata=request.form)
    shown_before = set(request.form.getlist("_shown"))
    revealed = [block for block in blocks if block.is_question and block.id not in shown_before]
    valid = form.validate()
    if revealed and not request.headers.get("HX-Request"):
        for block in revealed:
            form[block.id].errors = []
        return _render_step(current, blocks, form, merged, evaluation, revealed=revealed)
    if request.headers.get("HX-Request"):
        # htmx checks the one field that changed (``_source``): no error on the others,
        # least of all on a question that has only just appeared
        for block in blocks:
            if block.is_question and block.id != request.form.get("_source"):
                form[block.id].errors = []
        return _render_step(current, blocks, form, merged, evaluation, partial=True)
    if not valid:
        state.record(g.service, current.id, "error")
        return _render_step(current, blocks, form, merged, evaluation), 422
    updated = {key: value for key, value in answers.items()
               if key not in {block.id for block in current.blocks}}
    updated.update(cleaned_answers(form, blocks))
    updated = state.mark_visited(updated, current.id)
    state.save(g.service, draft, updated, current.id)
    state.record(g.service, current.id, "answer")
    return redirect(next_url(updated), 303)


def _shown_blocks(current: Step, answers: dict[str, Any], posted: dict[str, Any] | None = None) -> list:
    """The blocks this page shows (see :func:`journey.page_answers`)."""
    page = journey.page_answers(current, answers, posted)
    return journey.visible_blocks(current, state.evaluation_of(g.service, page, g.lang))


def _back_url(current: Step, evaluation, answers: dict[str, Any]) -> str:
    """Where « Retour » leads: the step shown before this one, else the start page
    (each URL built once per service and script root, then kept with the service)."""
    service = g.service
    previous = journey.previous_step(service, evaluation, answers, current.id)
    key = ("back url", previous.id if previous else None, request.script_root)
    url = service.derived.get(key)
    if url is None:
        url = service.derived[key] = (url_for("site.step", step_id=previous.id) if previous
                                      else url_for("site.start"))
    return url


def _render_step(current: Step, blocks, form, answers, evaluation, revealed=(), partial=False, **extra):
    back = _back_url(current, evaluation, answers)
    questions = [block for block in blocks if block.is_question]
    controllers = _controllers(current)
    # a block that may appear on this page counts: the headings stay put when it does
    shown = {block.id for block in blocks}
    may_appear = [block for block in current.blocks if block.id not in shown
                  and block.show_if is not None and set(block.show_if.names) & controllers]
    template = "site/_step_form.html" if partial else "site/step.html"
    return render_template(template, step=current, blocks=blocks, form=form, back_url=back,
                           single=questions[0] if len(questions) == 1 and len(blocks) + len(may_appear) == 1 else None,
                           revealed=revealed, controllers=controllers, **extra)


def _controllers(current: Step) -> set[str]:
    """Questions of this step that another block of the same step depends on."""
    own = {block.id for block in current.blocks}
    names: set[str] = set()
    for block in current.blocks:
        if block.show_if is not None:
            names |= set(block.show_if.names) & own
    return names


def _current_answers():
    """(answers, evaluation) of this person's draft, or where to send them instead."""
    draft, redirection = _draft_or_start()
    if redirection:
        return None, redirection
    answers = state.answers_of(draft)
    return (answers, state.evaluation_of(g.service, answers, g.lang)), None


@bp.route("/verifier")
def check() -> ResponseReturnValue:
    """« Vérifier vos réponses »: every answer with a « Modifier » link."""
    found, redirection = _current_answers()
    if redirection:
        return redirection
    answers, evaluation = found
    pending = journey.next_step(g.service, evaluation, answers)
    if pending is not None:
        return redirect(url_for("site.step", step_id=pending.id))
    rows = summary_rows(g.service, evaluation, answers, g.lang)
    back = url_for("site.step", step_id=rows[-1].step.id) if rows else url_for("site.start")
    return render_template("site/check.html", rows=rows, back_url=back, has_email=bool(email_answer(rows)))


@bp.route("/resultat")
def result() -> ResponseReturnValue:
    """The result of an eligibility service, with why each outcome applies or not."""
    found, redirection = _current_answers()
    if redirection:
        return redirection
    answers, evaluation = found
    if not g.service.outcomes:
        return redirect(url_for("site.check"))
    state.record(g.service, None, "result")
    groups = {status: [o for o in g.service.outcomes if evaluation.outcomes[o.id] == status]
              for status in ("yes", "no", "unknown")}
    for outcome in groups["yes"]:  # for the studio's figures: which outcomes applied, no answers
        state.record(g.service, outcome.id, "outcome")
    has_email = bool(email_answer(summary_rows(g.service, evaluation, answers, g.lang)))
    return render_template("site/result.html", evaluation=evaluation, groups=groups, has_email=has_email,
                           back_url=url_for("site.check"), handoff=_handoff(answers))


def _handoff(answers: dict[str, Any]):
    """The contact service of the same organisation, to be called back without retyping."""
    target = (g.service.data.get("settings") or {}).get("contact_service")
    if not target:
        return None
    from werkzeug.exceptions import NotFound
    try:
        contact = get_live_service(target).service
    except NotFound:
        return None
    shared = [(key, value) for key, value in answers.items() if key in contact.questions and value is not None]
    return {"url": url_for("site.begin", service_id=contact.id), "answers": _flatten(shared),
            "title": contact.text("title", g.lang)}


def _flatten(pairs):
    flat = []
    for key, value in pairs:
        for item in value if isinstance(value, list) else [value]:
            flat.append((key, "oui" if item is True else "non" if item is False else item))
    return flat
