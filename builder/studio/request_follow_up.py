"""The association's follow-up of each request: its status, who handles it, a message
for the person, notes the person never sees, and « Prévenir la personne ».

Every member of the organisation sees the follow-up (on the submission's page); editors
and owners change it. A status change may tell the person by mail, through the outbox,
in the language they used, with the link of « Suivre ma demande » (never their code,
which nobody but them knows). The service's page counts the requests still « Reçue » or
« En cours » after ``FOLLOW_UP_WAITING_DAYS`` days (7 by default).
"""

from __future__ import annotations

from typing import Any

from flask import current_app, flash
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.validators import Length

from builder import mail
from builder.addresses import external_url
from builder.db import get_db
from builder.format.model import Service
from builder.statuses import status_label
from builder.storage import accounts, followup
from builder.storage.submissions import Submission
from builder.studio.common import published_service, strip

WAITING_DAYS = 7  # the default of FOLLOW_UP_WAITING_DAYS


class FollowUpForm(FlaskForm):
    """The follow-up of one request, as an editor changes it."""

    status = SelectField(_l("Statut"), choices=[])
    handler = SelectField(_l("Suivie par"), coerce=int, choices=[])
    message = TextAreaField(_l("Message pour la personne"), filters=[strip], validators=[Length(max=2000)],
                            description=_l("Elle le lit sur sa page « Suivre ma demande »."))
    notes = TextAreaField(_l("Notes internes"), filters=[strip], validators=[Length(max=5000)],
                          description=_l("Pour l’association seulement : la personne ne les voit jamais."))
    notify = BooleanField(_l("Prévenir la personne par e-mail du changement de statut"))


def follow_up_form(org_id: int, submission: Submission, formdata: Any = None) -> FollowUpForm:
    """The form, with the statuses and the organisation's members to choose from."""
    form = FollowUpForm(formdata=formdata, data={
        "status": submission.status, "handler": submission.handler_id or 0,
        "message": submission.status_message, "notes": submission.notes})
    form.status.choices = [(status, status_label(status)) for status in followup.STATUSES]
    form.handler.choices = handler_choices(org_id)
    if submission.handler_id and submission.handler_id not in dict(form.handler.choices):
        # who handled it has left the organisation: kept until someone else is chosen
        form.handler.choices.append((submission.handler_id, submission.handler or "—"))
    return form


def handler_choices(org_id: int) -> list[tuple[int, str]]:
    """Nobody (0), then each member of the organisation, by name."""
    members = sorted(accounts.members(get_db(), org_id), key=lambda member: member.user.name.casefold())
    return [(0, _("Personne pour l’instant"))] + [(member.user.id, member.user.name) for member in members]


def person_address(service: Service | None, submission: Submission) -> str | None:
    """The e-mail address the person gave in their answers, if any."""
    for key, block in (service.questions if service else {}).items():
        value = submission.answers.get(key)
        if block.type.email_address and isinstance(value, str) and "@" in value:
            return value
    return None


def person_mail(service_id: str, submission: Submission, status: str, message: str):
    """The hook that puts the person's mail in the outbox (None when they gave no address)."""
    compiled = published_service(service_id, submission.service_version) or published_service(service_id)
    service = compiled[0] if compiled else None
    address = person_address(service, submission)
    if address is None:
        flash(_("La personne n’a pas donné d’adresse e-mail : elle n’est pas prévenue."), "error")
        return None
    title = service.text("title", submission.lang) if service else service_id
    link = external_url("site.follow_request", service_id=service_id, reference=submission.reference)

    def queue(db) -> None:
        with force_locale(submission.lang):
            notice = mail.status_notice(submission, to=address, service_title=title, message=message,
                                        status=status_label(status, submission.lang), link=link)
        mail.enqueue(db, notice, submission_id=submission.id)
    return queue


def waiting_days() -> int:
    """After how many days a request still « Reçue » or « En cours » is counted as waiting."""
    return int(current_app.config.get("FOLLOW_UP_WAITING_DAYS") or WAITING_DAYS)


def waiting(service_id: str) -> tuple[int, int]:
    """(how many requests wait, for how many days at least) for the service's page."""
    days = waiting_days()
    return followup.waiting_count(get_db(), service_id, days), days
