"""An organisation's own reusable blocks: a step's questions kept under a name
(« Enregistrer comme bloc réutilisable »), offered in every palette of the organisation's
services, and copied into a step when chosen: a service file never depends on them, so a
downloaded file loads anywhere.
"""

from __future__ import annotations

import yaml
from flask import abort, flash, redirect, render_template, request
from flask_babel import gettext as _

from builder.db import get_db
from builder.editing import operations as ops
from builder.editing.ids import question_id
from builder.messages import Problem
from builder.storage import workspace
from builder.storage.accounts import EDITOR
from builder.studio.access import current_user, login_required
from builder.studio.common import require_service
from builder.studio.editor import bp
from builder.studio.editor.helpers import (
    after_edit,
    anchor,
    author_text,
    editor_url,
    posted_revision,
    refuse,
    start_edit,
    step_of,
)


def blocks_of(org_block: workspace.OrgBlock) -> list[dict]:
    """The blocks an organisation's reusable block holds (none when its text is broken)."""
    try:
        blocks = yaml.safe_load(org_block.yaml)
    except yaml.YAMLError:
        return []
    return [block for block in blocks if isinstance(block, dict)] if isinstance(blocks, list) else []


@bp.route("/etapes/<step_id>/blocs-organisation", methods=["POST"])
@login_required
def add_org_block(org_slug: str, service_id: str, step_id: str):
    """Copy one of the organisation's reusable blocks (``org_block``) into the step."""
    editing = start_edit(org_slug, service_id)
    kept = workspace.get_org_block(get_db(), editing.found.access.org.id, request.form.get("org_block", ""))
    if kept is None:
        abort(404)
    try:
        data, key = ops.add_copies(editing.data, step_id, blocks_of(kept))
    except Problem as problem:
        return refuse(editing, problem)
    return after_edit(editing, data, _("Les questions « %(name)s » sont ajoutées.", name=kept.title),
                      anchor("bloc", key))


@bp.route("/etapes/<step_id>/enregistrer", methods=["GET", "POST"])
@login_required
def save_step_as_block(org_slug: str, service_id: str, step_id: str):
    """Keep a step's questions as one of the organisation's reusable blocks."""
    found = require_service(org_slug, service_id, EDITOR)
    data, step = step_of(found, step_id)
    title = request.form.get("title", "").strip() if request.method == "POST" else author_text(step.get("title"))
    error = ""
    if request.method == "POST":
        blocks = ops.step_questions(data, step_id)
        if not title:
            error = _("Donnez un nom au bloc, par exemple : Coordonnées d’un parent.")
        elif not blocks:
            error = _("Cette étape n’a pas encore de question à garder.")
        else:
            user = current_user()
            text = yaml.safe_dump(blocks, allow_unicode=True, sort_keys=False)
            workspace.save_org_block(get_db(), found.access.org.id, question_id(title, "bloc"), title, text,
                                     user_id=user.id if user else None)
            flash(_("« %(title)s » est enregistré : il est proposé dans « Ajouter un bloc » de tous les services "
                    "de l’organisation.", title=title))
            return redirect(editor_url(found, anchor("etape", step_id)), 303)
    body = render_template("studio/editor/org_block.html", org=found.access.org, copy=found.copy, step_id=step_id,
                           step_title=author_text(step.get("title")) or step_id, title=title, error=error,
                           back=editor_url(found, anchor("etape", step_id)))
    return body, (422 if error else 200)


@bp.route("/blocs-organisation/<name>/retirer", methods=["POST"])
@login_required
def delete_org_block(org_slug: str, service_id: str, name: str):
    """Forget one of the organisation's reusable blocks (services keep their copies)."""
    found = require_service(org_slug, service_id, EDITOR)
    posted_revision()  # a form of the studio, like any other
    workspace.delete_org_block(get_db(), found.access.org.id, name)
    flash(_("Le bloc réutilisable est retiré. Les services qui l’utilisent gardent leurs questions."))
    back = request.form.get("back", "")
    studio_page = back.startswith(f"/studio/o/{org_slug}/") and "//" not in back  # never elsewhere
    return redirect(back if studio_page else editor_url(found), 303)
