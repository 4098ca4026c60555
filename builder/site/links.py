"""An outcome's links (« Faire la demande »), followed through the mini-site so that the
studio's « Chiffres » can say how often each one was taken up.

``/lien/<outcome_id>/<index>`` records a ``follow`` event for the outcome, under a
journey id of its own (the person's is never used: nothing ties the click to their
answers), then sends the person on to the link's address. Only the links written in the
service are reached this way: an unknown outcome or link is a 404, never a redirect to an
address taken from the request. A click is counted once per outcome and session.
"""

from __future__ import annotations

from flask import abort, g, redirect, session
from flask.typing import ResponseReturnValue

from builder.site import bp, funnel
from builder.storage import events

_FOLLOWED = "followed"  # in the session: service id -> the outcomes whose link was followed


def outcome_link(outcome_id: str, index: int) -> str:
    """The address of the outcome's link number ``index`` (404 when there is none)."""
    try:
        links = g.service.outcome(outcome_id).links
    except KeyError:
        abort(404)
    if not 0 <= index < len(links):
        abort(404)
    return links[index]["url"]


@bp.route("/lien/<outcome_id>/<int:index>")
def follow(outcome_id: str, index: int) -> ResponseReturnValue:
    """Count the click (once per outcome and session), then go to the link's address."""
    url = outcome_link(outcome_id, index)
    followed = session.get(_FOLLOWED, {}).get(g.service.id, [])
    if outcome_id not in followed:
        funnel.record(g.service.id, outcome_id, events.FOLLOW, events.new_journey_id())
        session.setdefault(_FOLLOWED, {})[g.service.id] = [*followed, outcome_id]
        session.modified = True
    return redirect(url, 302)
