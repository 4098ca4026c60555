"""Starting a journey for someone else (« mode accompagnant ») from the studio.

A member whose role is « accompagnant » or above (:data:`builder.storage.accounts.HELPER`)
gives their name, their structure, optionally the person's name and the person's
agreement (« La personne est présente et d'accord » / « J'ai son mandat »); keying in a
paper form that came back by post records « formulaire papier signé » instead. The form
is posted with its CSRF token; the journey then runs on the service's published
mini-site (:mod:`builder.site.assisted` keeps the mode in the signed session).
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.exceptions import NotFound
from wtforms import RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from builder.site import assisted, state
from builder.site.catalog import get_live_service
from builder.site.journey import next_step
from builder.storage.accounts import HELPER
from builder.storage.intermediaries import MANDATE, PAPER, PRESENT, Intermediary
from builder.studio.access import current_user, login_required
from builder.studio.common import ServiceAccess, require_service, strip

bp = Blueprint("studio_assist", __name__, url_prefix="/studio/o/<org_slug>/services/<service_id>")

_MAX = 120
_TOO_LONG = _l("Ce texte doit faire au plus %(max)d caractères.")


class IntermediaryForm(FlaskForm):
    """Who fills in the form, and for whom."""

    name = StringField(_l("Votre nom"), filters=[strip], validators=[
        DataRequired(_l("Entrez votre nom.")), Length(max=_MAX, message=_TOO_LONG)])
    structure = StringField(_l("Votre structure"), filters=[strip], validators=[
        DataRequired(_l("Entrez le nom de votre structure.")), Length(max=_MAX, message=_TOO_LONG)])
    person = StringField(_l("Nom de la personne (facultatif)"), filters=[strip], validators=[
        Optional(), Length(max=_MAX, message=_TOO_LONG)])


class AssistForm(IntermediaryForm):
    """Filling in with or for a person: their agreement is required."""

    agreement = RadioField(_l("L’accord de la personne"), choices=[
        SelectChoice(PRESENT, _l("La personne est présente et d’accord")),
        SelectChoice(MANDATE, _l("J’ai son mandat"))],
        validators=[DataRequired(_l("Dites si la personne est présente et d’accord, ou si vous avez son mandat."))])


def _open(org_slug: str, service_id: str):
    """The service (the member must be « accompagnant » or above) and its published version."""
    found = require_service(org_slug, service_id, HELPER)
    try:
        live = get_live_service(service_id).service
    except NotFound:
        abort(404)  # nothing to fill in: the service is not online
    if "submission" not in live.data:
        abort(404)  # the service keeps no answers: nothing to record for the person
    return found, live


@bp.route("/accompagner", methods=("GET", "POST"))
@login_required
def start(org_slug: str, service_id: str):
    """« Remplir pour une autre personne »: who fills it in, then the journey on the mini-site."""
    found, live = _open(org_slug, service_id)
    form = AssistForm(data=_defaults(found))
    return _begin_or_ask(found, live, form, lambda: form.agreement.data, paper=False)


@bp.route("/saisie-papier", methods=("GET", "POST"))
@login_required
def paper(org_slug: str, service_id: str):
    """« Saisie d'un formulaire papier »: the same journey, agreement « formulaire papier signé »."""
    found, live = _open(org_slug, service_id)
    form = IntermediaryForm(data=_defaults(found))
    return _begin_or_ask(found, live, form, lambda: PAPER, paper=True)


def _defaults(found: ServiceAccess) -> dict[str, str]:
    return {"name": current_user().name, "structure": found.access.org.name}


def _begin_or_ask(found: ServiceAccess, live, form: IntermediaryForm, agreement, paper: bool):
    """Start the journey when the form is valid, else show it (with its errors)."""
    if not form.validate_on_submit():
        return render_template("studio/assist.html", org=found.access.org, copy=found.copy, form=form,
                               paper=paper, title=live.text("title", live.default_language)), \
            422 if form.errors else 200
    intermediary = Intermediary(name=form.name.data, structure=form.structure.data, agreement=agreement(),
                                person=form.person.data or None, user_id=current_user().id)
    back = url_for("studio_submissions.index", org_slug=found.access.org.slug, service_id=live.id)
    assisted.begin(live, intermediary, back)
    first = next_step(live, state.evaluation_of(live, {}, state.language(live)), {})
    target = url_for("site.step", service_id=live.id, step_id=first.id) if first \
        else url_for("site.check", service_id=live.id)
    return redirect(target, 303)
