"""The outcomes of an eligibility service: add, edit (title, amount, explanation, links,
source; the condition has its own page), reorder, delete with undo."""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _

from builder.editing import operations as ops
from builder.editing.document import ServiceDocument
from builder.editing.locate import find_outcome, outcome_of
from builder.messages import Problem, Problems
from builder.storage.accounts import EDITOR, READER
from builder.studio.access import has_role, login_required
from builder.studio.common import require_service
from builder.studio.editor import bp
from builder.studio.editor.analysis import analyse
from builder.studio.editor.fields import (
    OUTCOME_FIELDS,
    languages_of,
    read_outcome,
    show_links,
    show_source,
)
from builder.studio.editor.helpers import (
    Editing,
    after_edit,
    anchor,
    editor_url,
    field_errors,
    posted_revision,
    refuse,
    start_edit,
    with_posted,
)


@bp.route("/resultats", methods=["POST"])
@login_required
def add_outcome(org_slug: str, service_id: str):
    """Add an outcome; its condition comes next (the editor asks for it)."""
    editing = start_edit(org_slug, service_id)
    title = request.form.get("title", "").strip() or _("Nouveau résultat")
    try:
        data, outcome_id = ops.add_outcome(editing.data, title)
    except Problem as problem:
        return refuse(editing, problem)
    condition = url_for("studio_editor.outcome_condition", org_slug=org_slug, service_id=service_id,
                        outcome_id=outcome_id)
    return after_edit(editing, data, _("Le résultat « %(title)s » est ajouté : dites quand il s’applique.",
                                       title=title), anchor("resultat", outcome_id), trigger={"tremplin:visit": condition})


@bp.route("/resultats/<outcome_id>", methods=["GET", "POST"])
@login_required
def outcome(org_slug: str, service_id: str, outcome_id: str):
    """An outcome's texts, links and source, in a form."""
    found = require_service(org_slug, service_id, EDITOR if request.method == "POST" else READER)
    document = ServiceDocument.from_yaml(found.copy.yaml, service_id)
    try:
        current = outcome_of(document.data, outcome_id)
    except Problem:
        abort(404)
    languages = languages_of(document.data)
    errors: dict[str, str] = {}
    if request.method == "POST":
        editing = Editing(found, document, posted_revision())
        try:
            data = ops.update_outcome(editing.data, outcome_id, read_outcome(request.form, current, languages))
        except (Problem, Problems) as error:
            errors = field_errors(error)
        else:
            return after_edit(editing, data, _("Le résultat est enregistré."), anchor("resultat", outcome_id),
                              back=request.url)
    fields = OUTCOME_FIELDS.fields(current, languages)
    shown = {"links": show_links(current.get("links")), **show_source(current.get("source"))}
    if errors:
        fields = [with_posted(spec, request.form) for spec in fields]
        shown = {key: request.form.get(key, "") for key in shown}
    analysis = analyse(found.copy)
    body = render_template("studio/editor/outcome.html", org=found.access.org, copy=found.copy, outcome=current,
                           data=document.data,
                           fields=fields, shown=shown, errors=errors, can_edit=has_role(found.access.role, EDITOR),
                           problems=analysis.problems_at(outcome=outcome_id),
                           hints=analysis.hints_at(outcome=outcome_id),
                           back=editor_url(found, anchor("resultat", outcome_id)))
    return body, (422 if errors else 200)


@bp.route("/resultats/<outcome_id>/deplacer", methods=["POST"])
@login_required
def move_outcome(org_slug: str, service_id: str, outcome_id: str):
    """Move an outcome one place up or down (the order of the result page)."""
    editing = start_edit(org_slug, service_id)
    try:
        index = find_outcome(editing.data, outcome_id) + (-1 if request.form.get("direction") == "up" else 1)
        data = ops.move_outcome(editing.data, outcome_id, index)
    except Problem as problem:
        return refuse(editing, problem)
    return after_edit(editing, data, _("Le résultat est déplacé."), anchor("resultat", outcome_id))


@bp.route("/resultats/<outcome_id>/supprimer", methods=["POST"])
@login_required
def delete_outcome(org_slug: str, service_id: str, outcome_id: str):
    """Delete an outcome (« Annuler » puts it back)."""
    editing = start_edit(org_slug, service_id)
    try:
        data, token = ops.delete_outcome(editing.data, outcome_id)
    except Problem as problem:
        return refuse(editing, problem)
    return after_edit(editing, data, _("Le résultat est supprimé."), undo=token)
