"""The pages of a journey, shared by the mini-sites and the studio's preview: a step
(shown, answered, checked field by field with htmx), « Vérifier vos réponses » and the
result. What differs between the two is a :class:`builder.site.places.Place`: where the
answers are kept, how links are made, whether funnel events are recorded.

Answering a step:

- the posted answers decide which blocks the page shows (:func:`shown_blocks`); a
  question that appears with this very answer (it was not in ``_shown``) is not an error:
  without htmx the page comes back with it and a note;
- with htmx (``if htmx:``, flask-htmx), the page's form comes back alone with the error of
  the one field that changed (``_source``), never one of the others;
- otherwise the page comes back with every error (422), or the answers are kept and the
  person goes on to the next page (:func:`next_url`).

A step page as first shown (none of its questions answered) is the same for everyone who
reaches it the same way: it is rendered once and shared (:mod:`builder.site.shared_pages`),
except for an intermediary filling it in for someone (:mod:`builder.site.assisted`).
"""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, request
from flask.typing import ResponseReturnValue

from builder.extensions import htmx
from builder.format.model import Block, Outcome, Service, Step
from builder.rules.engine import Evaluation
from builder.site import journey, state
from builder.site.forms import cleaned_answers, posted_answers, step_form
from builder.site.places import Place
from builder.site.shared_pages import shared_page
from builder.site.summary import email_answer, summary_rows

STATUSES = ("yes", "no", "unknown")


def next_url(place: Place, answers: dict[str, Any]) -> str:
    """The page that comes after these answers: the next step, else the check page."""
    step = journey.next_step(place.service, place.evaluate(answers), answers)
    return place.url_for("site.step", step_id=step.id) if step else place.url_for("site.check")


def shown_blocks(place: Place, step: Step, answers: dict[str, Any],
                 posted: dict[str, Any] | None = None) -> list[Block]:
    """The blocks the page of ``step`` shows (see :func:`journey.page_answers`)."""
    page = journey.page_answers(step, answers, posted)
    return journey.visible_blocks(step, place.evaluate(page))


def show_step(place: Place, step: Step, answers: dict[str, Any], evaluation: Evaluation) -> str:
    """The step as first shown: kept and shared while none of its questions is answered."""
    place.record(step.id, "view")
    blocks = shown_blocks(place, step, answers)
    today = evaluation.values["$today"]

    def render(**extra: Any) -> str:
        form = step_form(place.service, blocks, answers, place.lang, today)
        return render_step(place, step, blocks, form, answers, evaluation, **extra)

    if place.assisted or any(answers.get(block.id) is not None for block in blocks if block.is_question):
        return render()  # the person's own answers, or the intermediary's banner, are on it
    key = (step.id, place.lang, tuple(block.id for block in blocks),
           back_url(place, step, evaluation, answers), request.script_root)
    return shared_page(place.service, key, render, day=today)


def answer_step(place: Place, step: Step, answers: dict[str, Any], formdata: Any) -> ResponseReturnValue:
    """The step posted: shown again (a question appeared, an htmx check, a mistake) or
    answered, the answers kept and the person sent on."""
    posted = posted_answers(place.service, formdata, state.today())
    merged = {**answers, **posted}
    evaluation = place.evaluate(merged)
    blocks = shown_blocks(place, step, answers, posted)
    form = step_form(place.service, blocks, answers, place.lang, evaluation.values["$today"], formdata=formdata)
    shown_before = set(formdata.getlist("_shown"))
    revealed = [block for block in blocks if block.is_question and block.id not in shown_before]
    valid = form.validate()
    if revealed and not htmx:
        _clear_errors(form, revealed)
        return render_step(place, step, blocks, form, merged, evaluation, revealed=revealed)
    if htmx:
        # htmx checks the one field that changed (``_source``): no error on the others,
        # least of all on a question that has only just appeared
        source = formdata.get("_source")
        _clear_errors(form, [block for block in blocks if block.is_question and block.id != source])
        return render_step(place, step, blocks, form, merged, evaluation, partial=True)
    if not valid:
        place.record(step.id, "error")
        return render_step(place, step, blocks, form, merged, evaluation), 422
    updated = {key: value for key, value in answers.items() if key not in {block.id for block in step.blocks}}
    updated.update(cleaned_answers(form, blocks))
    updated = state.mark_visited(updated, step.id)
    place.save(updated, step.id)
    place.record(step.id, "answer")
    return redirect(next_url(place, updated), 303)


def _clear_errors(form: Any, blocks: list[Block]) -> None:
    for block in blocks:
        form[block.id].errors = []


def back_url(place: Place, step: Step, evaluation: Evaluation, answers: dict[str, Any]) -> str:
    """Where « Retour » leads: the step shown before this one, else the start page
    (each URL built once per place and script root, then kept with the service)."""
    service = place.service
    previous = journey.previous_step(service, evaluation, answers, step.id)
    key = ("back url", place.name, previous.id if previous else None, request.script_root)
    url = service.derived.get(key)
    if url is None:
        url = service.derived[key] = (place.url_for("site.step", step_id=previous.id) if previous
                                      else place.url_for("site.start"))
    return url


def controllers(step: Step) -> set[str]:
    """Questions of this step that another block of the same step depends on."""
    own = {block.id for block in step.blocks}
    names: set[str] = set()
    for block in step.blocks:
        if block.show_if is not None:
            names |= set(block.show_if.names) & own
    return names


def single_question(step: Step, blocks: list[Block], controlling: set[str]) -> Block | None:
    """The question alone on its page, whose label is then the page's ``h1``, else None.

    A block that may appear on this page (its ``show_if`` depends on a question of the
    page) counts as if it were shown: the headings stay put when it appears.
    """
    questions = [block for block in blocks if block.is_question]
    shown = {block.id for block in blocks}
    may_appear = [block for block in step.blocks if block.id not in shown
                  and block.show_if is not None and set(block.show_if.names) & controlling]
    return questions[0] if len(questions) == 1 and len(blocks) + len(may_appear) == 1 else None


def render_step(place: Place, step: Step, blocks: list[Block], form: Any, answers: dict[str, Any],
                evaluation: Evaluation, revealed: list[Block] | tuple = (), partial: bool = False,
                **extra: Any) -> str:
    """The step page (its form alone when ``partial``, for htmx)."""
    controlling = controllers(step)
    template = "site/_step_form.html" if partial else "site/step.html"
    return render_template(template, step=step, blocks=blocks, form=form,
                           back_url=back_url(place, step, evaluation, answers),
                           single=single_question(step, blocks, controlling), revealed=revealed,
                           controllers=controlling, **extra)


def check_page(place: Place, answers: dict[str, Any], evaluation: Evaluation, **extra: Any) -> str:
    """« Vérifier vos réponses »: every answer of the path so far, with a « Modifier » link
    (``extra`` for the template: ``correcting``, the reference of a request being corrected)."""
    rows = summary_rows(place.service, evaluation, answers, place.lang)
    back = place.url_for("site.step", step_id=rows[-1].step.id) if rows else place.url_for("site.start")
    return render_template("site/check.html", rows=rows, back_url=back,
                           has_email=place.sends and bool(email_answer(rows)), **extra)


def outcome_groups(service: Service, evaluation: Evaluation) -> dict[str, list[Outcome]]:
    """The outcomes by status (``yes``, ``no``, ``unknown``), in the file's order."""
    return {status: [outcome for outcome in service.outcomes if evaluation.outcomes[outcome.id] == status]
            for status in STATUSES}


def result_page(place: Place, answers: dict[str, Any], evaluation: Evaluation,
                handoff: dict[str, Any] | None = None) -> str:
    """The result of an eligibility service, with why each outcome applies or not."""
    place.record(None, "result")
    groups = outcome_groups(place.service, evaluation)
    for outcome in groups["yes"]:  # for the studio's figures: which outcomes applied, no answers
        place.record(outcome.id, "outcome")
    has_email = place.sends and bool(email_answer(summary_rows(place.service, evaluation, answers, place.lang)))
    return render_template("site/result.html", evaluation=evaluation, groups=groups, has_email=has_email,
                           back_url=place.url_for("site.check"), handoff=handoff, link_url=place.link_url)
