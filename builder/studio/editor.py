"""The editor of one service: its page (steps, blocks, outcomes, personas and the live
preview side by side) and the edits of its steps.

Every edit is a real form (POST) that saves at once through the working copy, with the
revision its page was shown with (:mod:`builder.studio.editor_common`); htmx only
enhances the forms, swapping the editor's partial (``_editor.html``) instead of
reloading the page. Blocks, conditions, outcomes and personas have their own modules,
whose routes register on this blueprint: :mod:`~builder.studio.editor_blocks`,
:mod:`~builder.studio.editor_conditions`, :mod:`~builder.studio.editor_outcomes`,
:mod:`~builder.studio.editor_personas`. The preview is its own blueprint
(:mod:`~builder.studio.editor_preview`).
"""

from __future__ import annotations

from flask import Blueprint, request
from flask_babel import gettext as _

from builder.editing import operations as ops
from builder.editing.locate import find_step
from builder.messages import Problem, Problems
from builder.studio.access import login_required
from builder.studio.common import require_service
from builder.studio.editor_common import (after_edit, anchor, author_text, read_undo, refuse, render_editor,
                                          start_edit, template_helpers)
from builder.studio.editor_fields import STEP_FIELDS, languages_of

bp = Blueprint("studio_editor", __name__, url_prefix="/studio/o/<org_slug>/services/<service_id>")


@bp.context_processor
def editor_helpers() -> dict:
    """What the editor's templates call (anchors, labels, conditions as text)."""
    return template_helpers()


@bp.route("/")
@login_required
def edit(org_slug: str, service_id: str):
    """The service's page: the editor, its problems and hints, personas, the preview."""
    found = require_service(org_slug, service_id)
    return render_editor(found)


# --- steps ------------------------------------------------------------------------------

@bp.route("/etapes", methods=["POST"])
@login_required
def add_step(org_slug: str, service_id: str):
    """Add a step (at the end, or after the step ``after``)."""
    editing = start_edit(org_slug, service_id)
    title = request.form.get("title", "").strip() or _("Nouvelle étape")
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
        step = editing.data["steps"][find_step(editing.data, step_id)]
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


@bp.after_request
def vary_on_htmx(response):
    """The editor's pages differ for htmx (a partial): caches must know it."""
    response.vary.add("HX-Request")
    return response


# The other parts of the editor register their routes on ``bp``.
from builder.studio import (editor_blocks, editor_conditions, editor_outcomes, editor_persona_form,  # noqa: E402,F401
                            editor_personas)
