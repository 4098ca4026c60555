"""« Suivre ma demande »: the status of a request and its correction, without an account.

The person types the reference and the follow-up code they were given when sending
(:mod:`builder.site.sending`); each try counts against a rate limit, as signing in does
(``FOLLOW_RATE_LIMIT`` tries per ``FOLLOW_RATE_WINDOW`` seconds and address), and so do
the tries on one reference from any address (``FOLLOW_REFERENCE_LIMIT`` per
``FOLLOW_REFERENCE_WINDOW`` seconds), which many addresses could not share out. Once the
code was right, this browser's session remembers the reference: nothing of the request
shows without it.

Until the association marks the request « Traitée » or « Close », « Corriger ma demande »
puts the sent answers in a new draft: the same journey (:mod:`builder.site.flow`) then
ends on « Vérifier vos réponses » with a button that saves the correction, kept as a
revision (:mod:`builder.storage.followup`) and told to the association by mail.
"""

from __future__ import annotations

from flask import abort, current_app, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale

from builder import mail, security
from builder.db import get_db
from builder.site import bp, journey, state
from builder.editing import checklist
from builder.site.summary import summary_rows
from builder.storage import followup, submissions
from builder.storage.submissions import Submission

DEFAULTS = {"limit": 10, "window": 600}  # as signing in: FOLLOW_RATE_LIMIT, FOLLOW_RATE_WINDOW
# FOLLOW_REFERENCE_LIMIT, FOLLOW_REFERENCE_WINDOW: a day at most (builder.storage.ratelimit.MAX_WINDOW)
REFERENCE_DEFAULTS = {"limit": 20, "window": 24 * 3600}


@bp.route("/suivre", methods=["GET", "POST"])
def follow_request() -> ResponseReturnValue:
    """The reference and the code: the request's follow-up page when both are right."""
    if "submission" not in g.service.data:
        abort(404)
    errors = {}
    reference, code = request.values.get("reference", "").strip()[:40], request.form.get("code", "").strip()[:40]
    if request.method == "POST":
        config = current_app.config
        security.limit_rate(f"follow:{g.service.id}", **{
            name: config.get(f"FOLLOW_RATE_{name.upper()}", default) for name, default in DEFAULTS.items()})
        errors = _form_errors(reference, code) or _reference_errors(reference)
        keys = [current_app.secret_key, *(config.get("SECRET_KEY_FALLBACKS") or ())]
        found = None if errors else followup.find(get_db(), g.service.id, reference, code, keys)
        if found is not None:
            state.remember_followed(g.service, found.reference)
            return redirect(url_for("site.request_status", reference=found.reference), 303)
        errors = errors or {"code": "wrong"}
    status = 429 if errors.get("code") == "locked" else 422 if errors else 200
    return render_template("site/follow.html", errors=errors, reference=reference,
                           back_url=url_for("site.start")), status


def _form_errors(reference: str, code: str) -> dict[str, str]:
    errors = {}
    if not reference:
        errors["reference"] = "missing"
    if not code:
        errors["code"] = "missing"
    return errors


def _reference_errors(reference: str) -> dict[str, str]:
    """``{"code": "locked"}`` when this reference was tried too often, from anywhere."""
    config = current_app.config
    limits = {name: int(config.get(f"FOLLOW_REFERENCE_{name.upper()}", default))
              for name, default in REFERENCE_DEFAULTS.items()}
    tried = submissions.normal_reference(reference)
    return {} if security.within_rate_on(f"follow-reference:{g.service.id}", tried, **limits) else {"code": "locked"}


def _followed_or_none(reference: str) -> Submission | None:
    """The request, when this browser gave its code; None otherwise."""
    if not state.is_followed(g.service, reference):
        return None
    submission = submissions.get_by_reference(get_db(), reference)
    return submission if submission is not None and submission.service_id == g.service.id else None


@bp.route("/suivre/<reference>")
def request_status(reference: str) -> ResponseReturnValue:
    """The status the association set, its date, its message, the answers and « Corriger »."""
    submission = _followed_or_none(reference)
    if submission is None:
        return redirect(url_for("site.follow_request", reference=reference))
    evaluation = state.evaluation_of(g.service, submission.answers, g.lang)
    lines = [(row.label, row.text or "—") for row in summary_rows(g.service, evaluation, submission.answers, g.lang)]
    return render_template("site/followed.html", submission=submission, lines=lines,
                           can_correct=followup.can_correct(submission) and bool(g.service.steps),
                           corrected=bool(request.args.get("corrige")), back_url=url_for("site.start"))


@bp.route("/suivre/<reference>/corriger", methods=["POST"])
def correct(reference: str) -> ResponseReturnValue:
    """Begin a correction: the sent answers in a new draft, shown on « Vérifier vos réponses »."""
    submission = _followed_or_none(reference)
    if submission is None:
        return redirect(url_for("site.follow_request", reference=reference), 303)
    if not followup.can_correct(submission):
        return redirect(url_for("site.request_status", reference=reference), 303)
    answers = {**submission.answers, journey.VISITED: [step.id for step in g.service.steps]}
    state.start_correction(g.service, answers, submission.reference)
    return redirect(url_for("site.check"), 303)


@bp.route("/suivre/<reference>/enregistrer", methods=["POST"])
def save_correction(reference: str) -> ResponseReturnValue:
    """Save the corrected answers (outcomes evaluated again) and tell the association."""
    submission = _followed_or_none(reference)
    draft = state.load(g.service)
    if submission is None or state.correcting(draft) != submission.reference:
        return redirect(url_for("site.follow_request", reference=reference), 303)
    answers = state.answers_of(draft)
    evaluation = state.evaluation_of(g.service, answers, g.lang)
    if journey.next_step(g.service, evaluation, answers) is not None:
        return redirect(url_for("site.check"), 303)
    if followup.can_correct(submission):
        sent = journey.submitted_answers(g.service, evaluation, answers)
        lines = [(row.label, row.text or "—") for row in summary_rows(g.service, evaluation, answers, g.lang)]
        try:
            followup.correct(get_db(), submission, sent, evaluation.outcomes,
                             within=_tell_the_association(submission, lines, sent))
        except ValueError:  # marked « Traitée » meanwhile: the follow-up page says so
            return redirect(url_for("site.request_status", reference=reference), 303)
        mail.deliver_after_response()
    state.mark_sent(g.service, draft, submission.reference)
    return redirect(url_for("site.request_status", reference=reference, corrige="1"), 303)


def _tell_the_association(submission: Submission, lines: list[tuple[str, str]], sent: dict):
    """The hook that puts the correction's notice in the outbox, in the correction's transaction."""
    recipients = checklist.recipients(g.service.data)  # as for a new submission
    changed = [g.service.questions[change.key].text("label", g.service.default_language, g.service.languages)
               if change.key in g.service.questions else change.key
               for change in followup.changes_between(submission.answers, sent)]

    def queue(db) -> None:
        if recipients:
            with force_locale(g.service.default_language):
                notice = mail.correction_notice(submission, to=recipients, service_title=g.service.text(
                    "title", g.service.default_language), lines=lines, changed=changed)
            mail.enqueue(db, notice, submission_id=submission.id)
    return queue
