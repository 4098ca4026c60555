"""The links that leave the mini-site: an outcome's (« Faire la demande »), and the help
box's appointment link when it hands the person over (``help.appointment_handoff``).

``/lien/<outcome_id>/<index>`` records a ``follow`` event for the outcome, under a
journey id of its own (the person's is never used: nothing ties the click to their
answers), so that the studio's « Chiffres » can say how often each outcome was taken up;
a click is counted once per outcome and session. ``/rendez-vous`` leads to the help box's
appointment page. Both add what the link's hand-off carries (:mod:`builder.site.handoff`:
the person's reference, and their answers when they chose ``?transmettre=oui``). Only the
addresses written in the service are reached this way: an unknown outcome or link is a
404, never a redirect to an address taken from the request.
"""

from __future__ import annotations

from typing import Any, Mapping

from flask import abort, g, redirect, request, session
from flask.typing import ResponseReturnValue

from builder.db import get_db
from builder.site import bp, funnel, state
from builder.site.handoff import SHARE, handoff_url
from builder.storage import events, submissions

_FOLLOWED = "followed"  # in the session: service id -> the outcomes whose link was followed


def outcome_link(outcome_id: str, index: int) -> Mapping[str, Any]:
    """The outcome's link number ``index`` (404 when there is none)."""
    try:
        links = g.service.outcome(outcome_id).links
    except KeyError:
        abort(404)
    if not 0 <= index < len(links):
        abort(404)
    return links[index]


@bp.route("/lien/<outcome_id>/<int:index>")
def follow(outcome_id: str, index: int) -> ResponseReturnValue:
    """Count the click (once per outcome and session), then go to the link's address."""
    link = outcome_link(outcome_id, index)
    followed = session.get(_FOLLOWED, {}).get(g.service.id, [])
    if outcome_id not in followed:
        funnel.record(g.service.id, outcome_id, events.FOLLOW, events.new_journey_id())
        session.setdefault(_FOLLOWED, {})[g.service.id] = [*followed, outcome_id]
        session.modified = True
    return redirect(handed_over(link["url"], link.get("handoff")), 302)


@bp.route("/rendez-vous")
def appointment() -> ResponseReturnValue:
    """The help box's appointment page, with what its hand-off carries."""
    help_box = g.service.data.get("help") or {}
    if not help_box.get("appointment_url"):
        abort(404)
    return redirect(handed_over(help_box["appointment_url"], help_box.get("appointment_handoff")), 302)


def handed_over(url: str, handoff: Mapping[str, Any] | None) -> str:
    """``url`` with the person's reference and, if they chose so, their answers."""
    if not handoff:
        return url
    share = request.args.get(SHARE) == "oui"
    reference, answers = _person(share)
    return handoff_url(url, handoff, g.service, reference=reference, answers=answers, share=share)


def _person(with_answers: bool) -> tuple[str | None, dict[str, Any]]:
    """This person's reference (once their answers were sent) and, when asked, their
    answers: their draft's, or once sent, their own submission's."""
    draft = state.load(g.service)
    reference = state.sent_reference(draft) or session.get("sent", {}).get(g.service.id)
    if not with_answers:
        return reference, {}
    if reference is None:
        return None, state.answers_of(draft)
    sent = submissions.get_by_reference(get_db(), reference)
    return reference, dict(sent.answers) if sent is not None and sent.service_id == g.service.id else {}
