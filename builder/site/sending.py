"""« Envoyer »: record the answers durably once, notify the organisation, confirm.

The submission is committed (synchronous=FULL) before the confirmation is shown.
Its idempotency key comes from the draft and the answers, so a double click, the
back button or a retry finds the same submission instead of making a second one.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import abort, current_app, g, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale

from builder import mail, security
from builder.addresses import external_url
from builder.db import get_db
from builder.editing import checklist
from builder.site import assisted, bp, journey, state
from builder.site.places import MiniSite
from builder.site.summary import email_answer, summary_rows
from builder.storage import as_utc, codes, followup, submissions


def idempotency_key(draft_code: str, answers: dict[str, Any]) -> str:
    """The same draft with the same answers always gives the same key."""
    canonical = json.dumps(answers, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"{g.service.id}\n{draft_code}\n{canonical}".encode()).hexdigest()


def mail_queue(lines: list[tuple[str, str]], person: str | None, copy_to: str | None,
               follow_code: str | None = None):
    """The hook that puts the mails in the outbox, in the submission's own transaction.

    The organisation's notice is written in the service's default language (its team's);
    the person's copy in the language they used.
    """
    title = g.service.text("title", g.lang)
    recipients = checklist.recipients(g.service.data)  # the same list the studio shows
    follow = (follow_code, external_url("site.follow_request")) if follow_code else None

    def queue(db, submission) -> None:
        if recipients:
            with force_locale(g.service.default_language):
                notice = mail.submission_notice(submission, to=recipients, service_title=title, lines=lines,
                                                reply_to=person)
            mail.enqueue(db, notice, submission_id=submission.id)
        if copy_to:
            with force_locale(g.lang):
                copy = mail.submission_copy(submission, to=copy_to, service_title=title, lines=lines,
                                            confirmation=_confirmation_text(), follow=follow)
            mail.enqueue(db, copy, submission_id=submission.id)
    return queue


def _ready_draft():
    """The draft to send, or the response when there is nothing (more) to send."""
    draft = state.load(g.service)
    if draft is None:
        return None, redirect(url_for("site.start", expire="1"))
    if state.sent_reference(draft):
        return None, redirect(url_for("site.confirmation", reference=state.sent_reference(draft)), 303)
    if state.correcting(draft):  # a correction is saved from its own button, never sent again
        return None, redirect(url_for("site.check"), 303)
    return draft, None


@bp.route("/envoyer", methods=["POST"])
def send() -> ResponseReturnValue:
    """Record the submission once, queue the mails, show the confirmation."""
    if "submission" not in g.service.data:
        abort(404)
    if security.is_spam():
        return render_template("site/confirmation.html", reference=None, lines=[])
    draft, answer = _ready_draft()
    if answer is not None:
        return answer
    answers = state.answers_of(draft)
    evaluation = state.evaluation_of(g.service, answers, g.lang)
    if journey.next_step(g.service, evaluation, answers) is not None:
        return redirect(url_for("site.check"))
    intermediary = assisted.current(g.service.id)
    if intermediary is not None and not assisted.may_send(g.service.id, intermediary):
        abort(403)  # the studio session that started the mode ended, or lost the role
    sent = journey.submitted_answers(g.service, evaluation, answers)
    key = idempotency_key(draft.code, sent)
    if submissions.get_by_key(get_db(), key) is None:
        security.limit_rate(f"submit:{g.service.id}")
    rows = summary_rows(g.service, evaluation, answers, g.lang)
    person = email_answer(rows)
    code = codes.new_code()  # the person's follow-up code: only its keyed hash is stored
    follow_hash = followup.hash_code(code, current_app.secret_key)
    queue = mail_queue([(row.label, row.text or "—") for row in rows], person,
                       person if request.form.get("copie") else None, code)
    submission = submissions.record(get_db(), g.service.id, sent, key, service_version=g.live.version,
                                    lang=g.lang, within=queue, outcomes=evaluation.outcomes,
                                    duration_seconds=journey_seconds(draft), intermediary=intermediary,
                                    follow_hash=follow_hash)
    if submission.created:
        state.record(g.service, None, "submit")
        state.remember_followed(g.service, submission.reference, code)
    mail.deliver_after_response()
    state.mark_sent(g.service, draft, submission.reference)
    return redirect(url_for("site.confirmation", reference=submission.reference), 303)


def journey_seconds(draft) -> int | None:
    """How long since the draft was begun: the time it took to fill in (for the studio's median)."""
    if draft.created_at is None:
        return None
    return max(0, int((as_utc(None) - draft.created_at).total_seconds()))


def _confirmation_text() -> str:
    from builder.format.model import localize
    return localize((g.service.data.get("submission") or {}).get("confirmation"), g.lang, g.service.languages)


@bp.route("/confirmation/<reference>")
def confirmation(reference: str) -> ResponseReturnValue:
    """The reference to read out on the phone, and the answers to print (for their sender only)."""
    mine = session.get("sent", {}).get(g.service.id) == reference or \
        state.sent_reference(state.load(g.service)) == reference
    if not mine:
        submission = submissions.get_by_reference(get_db(), reference)
        if submission is None or submission.service_id != g.service.id:
            abort(404)
        return render_template("site/confirmation.html", reference=submission.reference, lines=[])
    submission = submissions.get_by_reference(get_db(), reference)
    if submission is None:
        abort(404)
    evaluation = state.evaluation_of(g.service, submission.answers, g.lang)
    lines = [(row.label, row.text or "—") for row in summary_rows(g.service, evaluation, submission.answers, g.lang)]
    # what to ask for next, its links carrying the reference (builder.site.handoff)
    outcomes = [outcome for outcome in g.service.outcomes if evaluation.outcomes[outcome.id] == "yes"]
    return render_template("site/confirmation.html", reference=reference, lines=lines,
                           confirmation=_confirmation_text(), outcomes=outcomes, code=state.follow_code(g.service, reference),
                           link_url=MiniSite(g.service, g.lang, None).link_url)
