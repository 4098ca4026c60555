"""The editor's page, and the edits of its steps (add, rename, move, delete) and undo.

The page shows the person's last « Annuler » again after a reload (kept in storage,
:func:`~builder.studio.editor.helpers.keep_undo`), without moving the focus to it."""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _

from builder.editing import operations as ops
from builder.editing.locate import find_step, step_of
from builder.editing.placeholders import new_step_title
from builder.messages import Problem, Problems
from builder.studio.access import login_required
from builder.studio.common import require_service
from builder.studio.editor import bp
from builder.studio.editor.fields import STEP_FIELDS, languages_of
from builder.studio.editor.helpers import (
    after_edit,
    anchor,
    author_text,
    kept_undo,
    read_undo,
    refuse,
    render_editor,
    start_edit,
    ui_lang,
)


@bp.route("/")
@login_required
def edit(org_slug: str, service_id: str):
    """The service's page: the editor, its problems and hints, personas, the preview."""
    found = require_service(org_slug, service_id)
    return render_editor(found, undo=kept_undo(service_id), undo_kept=True)


# --- steps ------------------------------------------------------------------------------

@bp.route("/etapes", methods=["POST"])
@login_required
def add_step(org_slug: str, service_id: str):
    """Add a step (at the end, or after the step ``after``)."""
    editing = start_edit(org_slug, service_id)
    title = request.form.get("title", "").strip() or new_step_title(ui_lang())
    try:
        data, step_id = ops.add_step(editing.data, title, request.form.get("after") or None)
    except Problem as problem:
        return refuse(editing, problem)
    return after_edit(editing, data, _("L’étape « %(title)s » est ajoutée.", title=title), anchor("etape", step_id))


@bp.route("/etapes/<step_id>/titre", methods=["POST"])
@login_required
def rename_step(org_slug: str, service_id: str, step_id: str):
    """Give a step a new title (its id, in addresses and exports, stays)."""
    editing = start_edit(org_slug, service_id)
    try:
        step = step_of(editing.data, step_id)
        fields = STEP_FIELDS.read(request.form, step, languages_of(editing.data))
        data = ops.update_step(editing.data, step_id, fields)
    except (Problem, Problems) as problem:
        return refuse(editing, problem)
    title = author_text(fields.get("title")) or step_id
    return after_edit(editing, data, _("L’étape s’appelle maintenant « %(title)s ».", title=title),
                      anchor("etape", step_id))


@bp.route("/etapes/<step_id>/deplacer", methods=["POST"])
@login_required
def move_step(org_slug: str, service_id: str, step_id: str):
    """Move a step one place up or down."""
    editing = start_edit(org_slug, service_id)
    try:
        index = find_step(editing.data, step_id) + (-1 if request.form.get("direction") == "up" else 1)
        data = ops.move_step(editing.data, step_id, index)
    except Problem as problem:
        return refuse(editing, problem)
    return after_edit(editing, data, _("L’étape est déplacée."), anchor("etape", step_id))


@bp.route("/etapes/<step_id>/supprimer", methods=["POST"])
@login_required
def delete_step(org_slug: str, service_id: str, step_id: str):
    """Delete a step and its blocks (« Annuler » puts them back)."""
    editing = start_edit(org_slug, service_id)
    try:
        data, token = ops.delete_step(editing.data, step_id)
    except Problem as problem:
        return refuse(editing, problem)
    return after_edit(editing, data, _("L’étape est supprimée."), undo=token)


@bp.route("/annuler", methods=["POST"])
@login_required
def undo(org_slug: str, service_id: str):
    """Put back what a delete removed, where it was."""
    editing = start_edit(org_slug, service_id)
    token = read_undo(service_id, request.form.get("undo", ""))
    if token is None:
        return refuse(editing, Problem("editing.undo_invalid"), 400)
    try:
        data = ops.undo(editing.data, token)
    except Problem as problem:
        return refuse(editing, problem)
    return after_edit(editing, data, _("C’est annulé : ce qui était supprimé est de retour."))
