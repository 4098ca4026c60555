"""The submissions a service received: a table with a search, each submission in full,
exports (CSV, XLSX, JSON) and deletion.

Every member of the organisation may read and export the submissions, and see who filled
one in for someone else; members from « accompagnant » up may start doing so here
(:mod:`builder.studio.assisting`); deleting them
(one, or all at once) is for editors and owners, after a confirmation, because it
cannot be undone. A submission is shown with the questions of the published version it
answered, each answer written by its block type. Pages and downloads holding personal
data are never cached (``Cache-Control: no-store``).

Registering this blueprint also turns on the retention purge after requests, at most
once an hour (:func:`enable_purge`; see :mod:`builder.storage.retention`).
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import get_locale, ngettext
from flask_wtf import FlaskForm
from wtforms import StringField, ValidationError
from wtforms.validators import DataRequired

from builder.db import get_db
from builder.format.loader import ServiceFileError
from builder.format.model import Block, Service, localize
from builder.storage import as_utc, followup, retention, services, submissions
from builder.storage.accounts import EDITOR, HELPER
from builder.storage.intermediaries import agreement_label
from builder.storage.submissions import Submission
from builder.studio import request_follow_up as follow_up
from builder.studio.access import has_role, login_required
from builder.studio.common import (
    compile_text,
    display_language,
    published_service,
    require_service,
    require_submission,
    service_title,
    strip,
)
from exports import EXPORTERS
from exports.published import NotPublished, export_published
from exports.table import Kept, local_time, plain_text, typed_answer

bp = Blueprint("studio_submissions", __name__,
               url_prefix="/studio/o/<org_slug>/services/<service_id>/reponses")

PER_PAGE = 50
TABLE_QUESTIONS = 3  # answers shown in the table beside the reference and the date
OUTCOME_STATUS = {"yes": _l("s’applique"), "no": _l("ne s’applique pas")}


# -- The service a submission answered ---------------------------------------------------

# -- Answers as a person reads them ------------------------------------------------------

@dataclass(frozen=True)
class AnswerRow:
    """One answer of a submission: its question's label and the answer written out."""

    key: str
    label: str
    text: str
    current: bool = True  # False for an id the version answered no longer knows


def answer_text(block: Block | None, raw: Any, day: dt.date, lang: str) -> str:
    """A stored answer written by its block type ("" when blank; as stored when unreadable)."""
    value = typed_answer(block, raw, day)
    if isinstance(value, Kept):
        return plain_text(value.raw)
    if value is None or block is None:
        return ""
    return block.type.format_text(block.params, value, lang)


def question_label(service: Service | None, key: str, lang: str) -> str:
    """The label of question ``key`` in ``service``, or the id when the service does not ask it."""
    block = service.questions.get(key) if service else None
    return (block.text("label", lang, service.languages) if block else "") or key


def answer_rows(service: Service | None, submission: Submission, lang: str) -> list[AnswerRow]:
    """Each answer of ``submission`` in the order of ``service``, then the ids it does not know."""
    blocks = service.questions if service else {}
    day = local_time(submission.created_at).date()
    keys = [key for key in blocks if key in submission.answers]
    keys += [key for key in submission.answers if key not in blocks]
    return [AnswerRow(key, question_label(service, key, lang),
                      answer_text(blocks.get(key), submission.answers[key], day, lang), key in blocks)
            for key in keys]


def outcome_rows(service: Service | None, submission: Submission, lang: str) -> list[tuple[str, str]]:
    """Each stored outcome: its title and whether it applied, as a sentence."""
    titles = {o.id: o.title for o in service.outcomes} if service else {}
    rows = []
    for outcome_id, status in submission.outcomes.items():
        title = titles.get(outcome_id)
        label = localize(title, lang, service.languages) if title else outcome_id
        rows.append((label, str(OUTCOME_STATUS.get(status, _l("incertain")))))
    return rows


def revision_rows(service: Service | None, submission: Submission,
                  lang: str) -> list[tuple[followup.Revision, list[tuple[str, str, str]]]]:
    """Each correction, newest first: the revision and, per changed answer, its question's
    label, the answer before and the answer after, written out."""
    blocks = service.questions if service else {}
    day = local_time(submission.created_at).date()
    return [(revision, [(question_label(service, change.key, lang),
                         answer_text(blocks.get(change.key), change.before, day, lang) or "—",
                         answer_text(blocks.get(change.key), change.after, day, lang) or "—")
                        for change in revision.changes])
            for revision in reversed(submission.revisions)]


def table_cells(service: Service | None, submission: Submission, lang: str) -> list[str]:
    """The first answers of a submission, for the table."""
    if service is None:
        return []
    day = local_time(submission.created_at).date()
    return [answer_text(block, submission.answers.get(key), day, lang)
            for key, block in list(service.questions.items())[:TABLE_QUESTIONS]]


# -- Forms ------------------------------------------------------------------------------

class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token: a confirmation button."""


class DeleteAllForm(FlaskForm):
    """Delete every submission: the service's id typed again, so that nobody does it by mistake."""

    confirmation = StringField(_l("Pour confirmer, tapez l’identifiant du service"), filters=[strip],
                               validators=[DataRequired(_l("Tapez l’identifiant du service pour confirmer."))])

    def __init__(self, service_id: str, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.service_id = service_id

    def validate_confirmation(self, field: StringField) -> None:
        """The text typed must be the service's id, exactly."""
        if field.data != self.service_id:
            raise ValidationError(_("Tapez exactement « %(id)s » pour confirmer.", id=self.service_id))


# -- Views ------------------------------------------------------------------------------

@bp.after_request
def never_cache(response: Response) -> Response:
    """Submissions are personal data: no browser or proxy keeps a copy."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _page_number() -> int:
    return max(1, request.args.get("page", 1, type=int) or 1)


@bp.get("/")
@login_required
def index(org_slug: str, service_id: str):
    """The submissions, newest first, 50 a page, with a search over references and answers."""
    found = require_service(org_slug, service_id)
    query = request.args.get("q", "").strip()[:200]
    status = request.args.get("statut") if request.args.get("statut") in followup.STATUSES else None
    handler = request.args.get("suivi", type=int)
    page = submissions.search(get_db(), service_id, query, page=_page_number(), per_page=PER_PAGE,
                              status=status, handler_id=handler)
    compiled = published_service(service_id)
    service = compiled[0] if compiled else None
    lang = display_language(service)
    questions = [question_label(service, key, lang) for key in list(service.questions)[:TABLE_QUESTIONS]] \
        if service else []
    shown = followup.with_follow_up(get_db(), submissions.with_intermediaries(get_db(), page.submissions))
    rows = [(submission, table_cells(service, submission, lang)) for submission in shown]
    return render_template("studio/submissions/index.html", copy=found.copy, org=found.access.org,
                           role=found.access.role, title=service_title(found.copy.yaml, service_id),
                           page=page, query=query, rows=rows, questions=questions, formats=list(EXPORTERS),
                           published=compiled is not None, can_assist=_can_assist(found, service_id),
                           status=status, handler=handler, handlers=follow_up.handler_choices(found.access.org.id),
                           statuses=followup.STATUSES, waiting=follow_up.waiting(service_id),
                           total=submissions.count_for_service(get_db(), service_id))


def _can_assist(found, service_id: str) -> bool:
    """Whether the member may fill the service in for someone now (it is online and keeps answers)."""
    if not has_role(found.access.role, HELPER):
        return False
    live = services.get_published(get_db(), service_id)
    compiled = compile_text(live.yaml) if live else None
    return compiled is not None and "submission" in compiled.data


@bp.get("/<reference>")
@login_required
def detail(org_slug: str, service_id: str, reference: str):
    """One submission in full: each answer with its question, and the outcomes stored."""
    found = require_service(org_slug, service_id)
    submission = followup.with_follow_up(
        get_db(), submissions.with_intermediaries(get_db(), [require_submission(service_id, reference)]))[0]
    compiled = published_service(service_id, submission.service_version) or published_service(service_id)
    service = compiled[0] if compiled else None
    lang = display_language(service)
    return render_template("studio/submissions/detail.html", copy=found.copy, org=found.access.org,
                           role=found.access.role, submission=submission,
                           answers=answer_rows(service, submission, lang),
                           outcomes=outcome_rows(service, submission, lang),
                           agreement=_agreement(submission),
                           form=follow_up.follow_up_form(found.access.org.id, submission),
                           revisions=revision_rows(service, submission, lang))


def _agreement(submission: Submission) -> str | None:
    """The person's agreement in words, in the studio's language (None: the person sent it)."""
    if submission.intermediary is None:
        return None
    return agreement_label(submission.intermediary.agreement, str(get_locale() or "fr"))


@bp.get("/export/<format_name>")
@login_required
def export(org_slug: str, service_id: str, format_name: str):
    """Download every submission as CSV, XLSX or JSON (see docs/exports.md)."""
    require_service(org_slug, service_id)
    if format_name not in EXPORTERS:
        abort(404)
    compiled = published_service(service_id)
    try:
        result = export_published(get_db(), service_id, format_name,
                                  display_language(compiled[0] if compiled else None))
    except NotPublished:
        abort(404)
    except ServiceFileError:
        flash(_("L’export n’a pas pu se faire : la dernière version publiée ne se charge plus."), "error")
        return redirect(url_for(".index", org_slug=org_slug, service_id=service_id))
    return Response(result.content, content_type=result.media_type,
                    headers={"Content-Disposition": f'attachment; filename="{result.filename}"'})


@bp.route("/<reference>/supprimer", methods=("GET", "POST"))
@login_required
def delete(org_slug: str, service_id: str, reference: str):
    """Ask to confirm, then delete one submission and its mails (editors and owners)."""
    found = require_service(org_slug, service_id, EDITOR)
    submission = require_submission(service_id, reference)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("studio/submissions/delete.html", copy=found.copy, org=found.access.org,
                               submission=submission, form=form)
    submissions.delete(get_db(), service_id, submission.reference)
    flash(_("La réponse %(reference)s est supprimée.", reference=submission.reference))
    return redirect(url_for(".index", org_slug=org_slug, service_id=service_id))


@bp.route("/supprimer", methods=("GET", "POST"))
@login_required
def delete_all(org_slug: str, service_id: str):
    """Ask to type the service's id, then delete every submission (editors and owners)."""
    found = require_service(org_slug, service_id, EDITOR)
    form = DeleteAllForm(service_id)
    if not form.validate_on_submit():
        status = 422 if form.errors else 200
        return render_template("studio/submissions/delete_all.html", copy=found.copy, org=found.access.org,
                               form=form, total=submissions.count_for_service(get_db(), service_id)), status
    count = submissions.delete_all(get_db(), service_id)
    flash(ngettext("%(num)d réponse est supprimée.", "%(num)d réponses sont supprimées.", count))
    return redirect(url_for(".index", org_slug=org_slug, service_id=service_id))


# -- The retention purge, now and then after a request -----------------------------------

_NEXT_CHECK = "tremplin.retention_next_check"


@bp.record_once
def enable_purge(state: BlueprintSetupState) -> None:
    """Purge after requests, at most once per ``RETENTION_INTERVAL`` seconds (0: never)."""
    state.app.config.setdefault("RETENTION_INTERVAL", 3600)
    state.app.after_request(purge_now_and_then)


def purge_now_and_then(response: Response) -> Response:
    """When the turn is due, purge once the response has gone (the person does not wait)."""
    app = current_app._get_current_object()
    interval = int(app.config.get("RETENTION_INTERVAL") or 0)
    if not interval or request.endpoint in (None, "static") or g.get("retention_scheduled"):
        return response
    now = as_utc(None)
    if now < app.extensions.get(_NEXT_CHECK, now):  # this process asked the database not long ago
        return response
    app.extensions[_NEXT_CHECK] = now + dt.timedelta(seconds=min(interval, 60))
    if retention.take_turn(get_db(), interval, now=now):
        g.retention_scheduled = True
        response.call_on_close(functools.partial(_purge_quietly, app))
    return response


def _purge_quietly(app: Flask) -> None:
    try:
        retention.purge_file(app.config["DATABASE"])
    except Exception:  # the response is gone: there is nobody to show an error to
        app.logger.exception("retention purge failed")
