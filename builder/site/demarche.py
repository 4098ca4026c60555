"""« Faire la demande » prefilled: the page that tells the person which answers a démarche
would receive, and sends them only when they click (see :mod:`builder.demarches`)."""

from __future__ import annotations

from flask import abort, current_app, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from builder.demarches import DEFAULT_HOSTS, Demarche, DemarcheError, create_dossier, fields, prefill_link
from builder.site import bp, state
from builder.site.places import MiniSite


def _demarche(outcome_id: str, position: int, evaluation) -> tuple:
    """The outcome and the démarche of its link ``position``; 404 unless the outcome
    applies to this person and that link names a démarche."""
    outcome = next((o for o in g.service.outcomes if o.id == outcome_id), None)
    if outcome is None or evaluation.outcomes.get(outcome_id) != "yes" or not 0 <= position < len(outcome.links):
        abort(404)
    demarche = Demarche.of(outcome.links[position])
    if demarche is None:
        abort(404)
    return outcome, outcome.links[position], demarche


@bp.route("/resultat/demarche/<outcome_id>/<int:position>", methods=["GET", "POST"])
def demarche(outcome_id: str, position: int) -> ResponseReturnValue:
    """What would be sent to the démarche, and a button; on POST, the prefilled démarche."""
    draft = state.load(g.service)
    if draft is None or state.sent_reference(draft):
        return redirect(url_for("site.start"))
    answers = state.answers_of(draft)
    evaluation = MiniSite(g.service, g.lang, draft).evaluate(answers)
    outcome, link, target = _demarche(outcome_id, position, evaluation)
    sent = fields(g.service, target, answers, g.lang)
    error = None
    if request.method == "POST":
        try:
            return redirect(_destination(target, sent), 303)
        except DemarcheError as problem:
            error = problem.message(g.lang)
    return render_template("site/demarche.html", outcome=outcome, link=link, sent=sent, error=error,
                           api=target.number is not None), (502 if error else 200)


def _destination(target: Demarche, sent: list) -> str:
    """Where the person goes: a new dossier through the API, else the prefill link."""
    if target.number is None:
        return prefill_link(target, sent)
    hosts = tuple(current_app.config.get("DEMARCHES_HOSTS") or DEFAULT_HOSTS)
    return create_dossier(target, sent, hosts)
