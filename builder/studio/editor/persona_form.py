"""An example (persona) in a form of its own: its name, its answers (one field per
question, checked as the question checks them), the outcomes it expects and the date it
is checked on. Saving runs every persona again, as every edit does."""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from flask import abort, render_template, request
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from blocks.types.date import parse_date
from builder.editing import operations as ops
from builder.format.model import Block, Service
from builder.messages import Problem, Problems, register
from builder.site import state
from builder.storage.accounts import EDITOR
from builder.studio.access import login_required
from builder.studio.common import require_service
from builder.studio.editor import bp
from builder.studio.editor.analysis import analyse, preview_service
from builder.studio.editor.helpers import (
    Editing,
    after_edit,
    anchor,
    editor_url,
    posted_revision,
    ui_lang,
)

register({
    "editing.persona_today": ("Écrivez une date comme 2026-09-01, ou laissez vide pour la date du jour.",
                              "Write a date such as 2026-09-01, or leave it empty for today's date."),
    "editing.persona_no_answer": ("Donnez au moins une réponse.", "Give at least one answer."),
})

ANSWER_PREFIX = "reponse-"


def _date_text(day: Any) -> str:
    """The example's date as its field shows it (``01/09/2026``; "" for none)."""
    if day is None:
        return ""
    return day.strftime("%d/%m/%Y") if isinstance(day, dt.date) else str(day)


def read_answers(questions: Mapping[str, Block], form: MultiDict, today: dt.date | None,
                 errors: dict[str, str]) -> dict[str, Any]:
    """The answers posted, each cleaned by its question's type (its messages go to
    ``errors`` by field name); blank fields are questions not answered."""
    answers: dict[str, Any] = {}
    for name, block in questions.items():
        text = form.get(ANSWER_PREFIX + name, "").strip()
        if not text:
            continue
        try:
            answers[name] = block.type.clean(block.params, block.type.value_from_text(block.params, text), today)
        except Problem as problem:
            errors[ANSWER_PREFIX + name] = problem.message(ui_lang())
    return answers


def read_today(form: MultiDict, errors: dict[str, str]) -> dt.date | None:
    """The persona's date (None: the day it is checked)."""
    text = form.get("today", "").strip()
    if not text:
        return None
    try:
        return parse_date(text)
    except (Problem, ValueError):
        errors["today"] = Problem("editing.persona_today").message(ui_lang())
        return None


def read_persona(service: Service, form: MultiDict) -> tuple[dict[str, Any], dict[str, str]]:
    """The persona's fields from its posted form, and the messages of what is wrong."""
    errors: dict[str, str] = {}
    name = form.get("name", "").strip()
    if not name:
        errors["name"] = Problem("editing.persona_name").message(ui_lang())
    today = read_today(form, errors)
    answers = read_answers(service.questions, form, today, errors)
    if not answers and not errors:
        errors[""] = Problem("editing.persona_no_answer").message(ui_lang())
    return {"name": name, "answers": answers, "expect": form.getlist("expect"), "today": today}, errors


@bp.route("/exemples/<int:index>/modifier", methods=["GET", "POST"])
@login_required
def edit_persona(org_slug: str, service_id: str, index: int):
    """Change an example: its name, its answers, the outcomes it expects, its date."""
    found = require_service(org_slug, service_id, EDITOR)
    analysis = analyse(found.copy)
    personas = analysis.data.get("tests")
    if not isinstance(personas, list) or not 0 <= index < len(personas) or not isinstance(personas[index], dict):
        abort(404)
    persona = personas[index]
    service, _current = preview_service(found.copy)  # the questions, even while the service has a problem
    errors: dict[str, str] = {}
    if request.method == "POST" and service is not None:
        editing = Editing(found, analysis.document, posted_revision())
        fields, errors = read_persona(service, request.form)
        if not errors:
            try:
                data = ops.update_persona(editing.data, index, fields)
            except (Problem, Problems) as error:
                errors[""] = " ".join(item.message(ui_lang()) for item in getattr(error, "problems", [error]))
            else:
                notice = _("L’exemple « %(name)s » est enregistré.", name=fields["name"])
                return after_edit(editing, data, notice, anchor("exemple", index), back=request.url)
    body = render_template("studio/editor/persona.html", **_page(found, analysis, service, persona, index, errors))
    return body, (422 if errors else 200)


@bp.route("/exemples/ecrire", methods=["GET", "POST"])
@login_required
def write_persona(org_slug: str, service_id: str):
    """A new example whose answers are typed, one field per question (no preview needed);
    its date is today's, so that ages stay as they are."""
    found = require_service(org_slug, service_id, EDITOR)
    analysis = analyse(found.copy)
    service, _current = preview_service(found.copy)
    errors: dict[str, str] = {}
    if request.method == "POST" and service is not None:
        editing = Editing(found, analysis.document, posted_revision())
        fields, errors = read_persona(service, request.form)
        if not errors:
            data, index = ops.add_persona(editing.data, fields["name"], fields["answers"], fields["expect"],
                                          fields["today"])
            notice = _("L’exemple « %(name)s » est ajouté.", name=fields["name"])
            return after_edit(editing, data, notice, anchor("exemple", index), back=request.url)
    page = _page(found, analysis, service, {"today": state.today()}, None, errors)
    body = render_template("studio/editor/persona.html", **{**page, "back": editor_url(found, "exemples")})
    return body, (422 if errors else 200)


def _page(found, analysis, service: Service | None, persona: dict, index: int | None,
          errors: dict[str, str]) -> dict:
    """What the persona's page is drawn from (after a mistake, what was posted)."""
    posted = request.form if errors else None
    answers = persona.get("answers") if isinstance(persona.get("answers"), dict) else {}
    questions = list(service.questions.values()) if service is not None else []
    shown = {block.id: posted.get(ANSWER_PREFIX + block.id, "") if posted
             else block.type.value_for_text(block.params, answers.get(block.id)) for block in questions}
    outcomes = [item for item in analysis.data.get("outcomes") or [] if isinstance(item, dict)]
    return {"org": found.access.org, "copy": found.copy, "index": index, "service": service,
            "questions": questions, "shown": shown, "outcomes": outcomes, "errors": errors,
            "name": posted.get("name", "") if posted else persona.get("name", ""),
            "expect": posted.getlist("expect") if posted else list(persona.get("expect") or []),
            "today": posted.get("today", "") if posted else _date_text(persona.get("today")),
            "lost": [name for name in answers if service is not None and name not in service.questions],
            "prefix": ANSWER_PREFIX, "lang": ui_lang(),
            "back": editor_url(found, anchor("exemple", index) if index is not None else "exemples")}
