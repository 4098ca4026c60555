"""The pages of the mode « accompagnant » on a mini-site: « Arrêter », and the slip to
give to the person (the mode itself: :mod:`builder.site.assisted`)."""

from __future__ import annotations

from flask import abort, g, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue

from builder.db import get_db
from builder.site import bp, state
from builder.site.assisted import RETURN_KEY, current
from builder.storage import drafts, submissions


@bp.post("/accompagnement/arreter")
def stop() -> ResponseReturnValue:
    """Leave the mode: the draft is deleted (the answers typed for the person go with it),
    back to the studio."""
    if current(g.service.id) is None:
        return redirect(url_for("site.start"), 303)  # nothing to stop: a person's own journey is left alone
    slot = session["journeys"].pop(g.service.id)
    session.modified = True
    drafts.delete_draft(get_db(), slot["code"])
    return redirect(slot[RETURN_KEY], 303)


@bp.get("/accompagnement/fiche/<reference>")
def slip(reference: str) -> ResponseReturnValue:
    """« Fiche à remettre à la personne »: the service, the reference and its follow-up
    code, the date, whom to ask."""
    if current(g.service.id) is None or session.get("sent", {}).get(g.service.id) != reference:
        abort(404)
    submission = submissions.get_by_reference(get_db(), reference)
    if submission is None or submission.service_id != g.service.id:
        abort(404)
    return render_template("site/slip.html", submission=submission, code=state.follow_code(g.service, reference))
