"""Personas, the service's own examples: made from the answers given in the preview,
named, with the outcomes they expect; all of them run again after every edit (the
editor shows each one ✓ or ✗, with why)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import render_template, request
from flask_babel import gettext as _

from builder.editing import operations as ops
from builder.format.model import Service
from builder.messages import Problem, register
from builder.site import state
from builder.site.summary import summary_rows
from builder.storage.accounts import EDITOR
from builder.studio.access import login_required
from builder.studio.common import require_service
from builder.studio.editor import bp
from builder.studio.editor.analysis import preview_service
from builder.studio.editor.helpers import (
    after_edit,
    anchor,
    editor_url,
    refuse,
    start_edit,
    ui_lang,
)
from builder.studio.editor.preview_state import preview_answers, real_answers

register({
    "editing.persona_name": ("Donnez un nom à cet exemple, par exemple « Apprentie de 19 ans ».",
                             "Give this example a name, for example “Apprentice aged 19”."),
    "editing.persona_empty": ("Remplissez d'abord l'aperçu : ses réponses deviennent celles de l'exemple.",
                              "Fill in the preview first: its answers become the example's."),
})


def persona_answers(service: Service, answers: dict[str, Any]) -> dict[str, Any]:
    """The preview's answers as a persona keeps them: only the service's questions, in
    its order, dates as dates (so that the file reads ``2007-03-02``)."""
    kept = {}
    for name, block in service.questions.items():
        if name not in answers:
            continue
        kept[name] = block.type.value_from_json(block.params, answers[name])
    return kept


def _preview_state(found) -> tuple[Service | None, dict, Any]:
    """The preview's service, this person's answers, and their evaluation."""
    service, _current = preview_service(found.copy)
    answers = preview_answers(found.copy.service_id)
    if service is None:
        return None, answers, None
    return service, answers, state.evaluation_of(service, real_answers(answers), service.default_language)


@bp.route("/exemples/nouveau", methods=["GET", "POST"])
@login_required
def new_persona(org_slug: str, service_id: str):
    """Make an example of the answers given in the preview: the outcomes that apply to
    them are expected, and can be changed before saving."""
    found = require_service(org_slug, service_id, EDITOR)
    service, answers, evaluation = _preview_state(found)
    errors: dict[str, str] = {}
    kept = persona_answers(service, answers) if service is not None else {}
    if request.method == "POST":
        editing = start_edit(org_slug, service_id)
        name = request.form.get("name", "").strip()
        if not kept:
            return refuse(editing, Problem("editing.persona_empty"))
        if name:
            today = state.today() if any(isinstance(value, dt.date) for value in kept.values()) else None
            data, index = ops.add_persona(editing.data, name, kept, request.form.getlist("expect"), today)
            return after_edit(editing, data, _("L’exemple « %(name)s » est ajouté.", name=name),
                              anchor("exemple", index))
        errors["name"] = Problem("editing.persona_name").message(ui_lang())
    applying = [outcome_id for outcome_id, status in evaluation.outcomes.items() if status == "yes"] \
        if evaluation is not None else []
    chosen = request.form.getlist("expect") if request.method == "POST" else applying
    rows = summary_rows(service, evaluation, answers, ui_lang()) if evaluation is not None else []
    body = render_template("studio/editor/persona_new.html", org=found.access.org, copy=found.copy,
                           service=service, rows=rows, kept=kept, applying=applying, chosen=chosen,
                           errors=errors, name=request.form.get("name", ""), back=editor_url(found, "exemples"))
    return body, (422 if errors else 200)


@bp.route("/exemples/<int:index>", methods=["POST"])
@login_required
def update_persona(org_slug: str, service_id: str, index: int):
    """Rename an example, or change the outcomes it expects."""
    editing = start_edit(org_slug, service_id)
    fields: dict[str, Any] = {}
    if "name" in request.form:
        fields["name"] = request.form["name"].strip()
        if not fields["name"]:
            return refuse(editing, Problem("editing.persona_name"))
    if "expect_shown" in request.form:
        fields["expect"] = request.form.getlist("expect")
    try:
        data = ops.update_persona(editing.data, index, fields)
    except Problem as problem:
        return refuse(editing, problem)
    return after_edit(editing, data, _("L’exemple est enregistré."), anchor("exemple", index))


@bp.route("/exemples/<int:index>/supprimer", methods=["POST"])
@login_required
def delete_persona(org_slug: str, service_id: str, index: int):
    """Delete an example (« Annuler » puts it back)."""
    editing = start_edit(org_slug, service_id)
    try:
        data, token = ops.delete_persona(editing.data, index)
    except Problem as problem:
        return refuse(editing, problem)
    return after_edit(editing, data, _("L’exemple est supprimé."), undo=token)
