"""The association's follow-up of each request, as editors and owners change it (the form
and the mail are :mod:`builder.studio.request_follow_up`'s; the submission's page shows
them, see :mod:`builder.studio.submissions`).
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from builder import mail
from builder.addresses import external_url
from builder.db import get_db
from builder.storage import codes, followup
from builder.storage.accounts import HELPER
from builder.studio.access import login_required
from builder.studio.common import require_service, require_submission
from builder.studio.request_follow_up import follow_up_form, person_mail

bp = Blueprint("studio_follow_up", __name__,
               url_prefix="/studio/o/<org_slug>/services/<service_id>/reponses")


@bp.post("/<reference>/suivi")
@login_required
def update(org_slug: str, service_id: str, reference: str):
    """Save the follow-up of one request (« Accompagnement » and above: following requests is
    their work), and tell the person if asked."""
    found = require_service(org_slug, service_id, HELPER)
    submission = require_submission(service_id, reference)
    form = follow_up_form(found.access.org.id, submission, formdata=request.form)
    detail = url_for("studio_submissions.detail", org_slug=org_slug, service_id=service_id, reference=reference)
    if not form.validate():
        flash(_("Le suivi n’est pas enregistré : vérifiez les champs."), "error")
        return redirect(detail)
    changed = form.status.data != submission.status
    tell = person_mail(service_id, submission, form.status.data, form.message.data or "") \
        if changed and form.notify.data else None
    followup.set_follow_up(get_db(), submission, status=form.status.data, handler_id=form.handler.data or None,
                           message=form.message.data or "", notes=form.notes.data or "", within=tell)
    if tell is not None:
        mail.deliver_after_response()
    flash(_("Le suivi est enregistré."), "success")
    if tell is not None:
        flash(_("La personne est prévenue par e-mail."), "success")
    return redirect(detail)




@bp.post("/<reference>/nouveau-code")
@login_required
def new_code(org_slug: str, service_id: str, reference: str):
    """A new follow-up code for a person who lost theirs (« Accompagnement » and above), to
    read out or print: only its keyed hash is kept, and the former code stops working."""
    found = require_service(org_slug, service_id, HELPER)
    submission = require_submission(service_id, reference)
    code = codes.new_code()
    followup.replace_code(get_db(), submission, followup.hash_code(code, current_app.secret_key))
    page = render_template("studio/submissions/new_code.html", org=found.access.org, copy=found.copy,
                           role=found.access.role, submission=submission, code=code,
                           follow_address=external_url("site.follow_request", service_id=service_id))
    response = make_response(page)
    response.headers["Cache-Control"] = "no-store"  # the code is shown once, never kept by a browser or proxy
    return response
