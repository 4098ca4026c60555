"""« Donnez votre avis »: the rating and the comment a person may leave at the end of a
service (``settings.feedback``), kept apart from any answer (:mod:`builder.storage.feedback`).

The form is shown under the confirmation of a service that sends, under the result of one
that does not (``site/_feedback.html``), and on a page of its own, ``/avis``, which also
shows it again with its errors.
"""

from __future__ import annotations

from flask import abort, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from builder import security
from builder.db import get_db
from builder.site import bp
from builder.site.opinions import asks_feedback, feedback_blocks, feedback_form, opinion
from builder.storage import feedback


def _only_when_asked() -> None:
    if not asks_feedback(g.service):
        abort(404)


@bp.route("/avis", methods=["GET", "POST"])
def give_feedback() -> ResponseReturnValue:
    """The rating and the comment: shown, or kept and thanked for."""
    _only_when_asked()
    if request.method == "GET":
        return render_template("site/feedback.html", form=feedback_form(g.service, g.lang),
                               blocks=feedback_blocks(g.service))
    if security.is_spam():
        return redirect(url_for("site.feedback_thanks"), 303)
    form = feedback_form(g.service, g.lang, formdata=request.form)
    if not form.validate():
        return render_template("site/feedback.html", form=form, blocks=feedback_blocks(g.service)), 422
    security.limit_rate(f"feedback:{g.service.id}")
    feedback.record(get_db(), g.service.id, *opinion(form))
    return redirect(url_for("site.feedback_thanks"), 303)


@bp.route("/avis/merci")
def feedback_thanks() -> str:
    """Thanks, and the way back to the start."""
    _only_when_asked()
    return render_template("site/feedback_thanks.html")
