"""The blocks of a service's steps: the palette, a block's parameter form (generated from
what its type declares), its type, reorder, move to another step, duplicate, delete with
undo."""

from __future__ import annotations

from typing import Any, Mapping

from flask import abort, make_response, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from blocks import REGISTRY
from builder.editing import operations as ops
from builder.editing.block_operations import block_type_named, dropped_by_type_change
from builder.editing.checklist import with_sending
from builder.editing.document import ServiceDocument
from builder.editing.library_words import library_title
from builder.editing.forms import (
    FieldSpec,
    form_to_params,
    param_fields,
    param_label,
    use_fields,
    use_form_to_params,
)
from builder.editing.locate import block_key, find_block, find_step
from builder.extensions import htmx
from builder.messages import Problem, Problems
from builder.db import get_db
from builder.storage import workspace
from builder.storage.accounts import EDITOR, READER
from builder.studio.access import has_role, login_required
from builder.studio.common import require_service
from builder.studio.editor import bp
from builder.studio.editor.analysis import analyse
from builder.studio.editor.fields import languages_of
from builder.studio.editor.helpers import (
    Editing,
    after_edit,
    anchor,
    author_text,
    editor_url,
    field_errors,
    posted_revision,
    published_ids,
    refuse,
    start_edit,
    step_of,
    type_label,
    ui_lang,
    with_posted,
)


@bp.route("/etapes/<step_id>/blocs", methods=["POST"])
@login_required
def add_block(org_slug: str, service_id: str, step_id: str):
    """Add a block from the palette (a block type, or a reusable block) to a step."""
    editing = start_edit(org_slug, service_id)
    library, type_name = request.form.get("library"), request.form.get("type", "")
    try:
        if library:
            data, key = ops.add_library_block(editing.data, step_id, library,
                                              prefix=request.form.get("prefix") or None)
        else:
            data, key = ops.add_block(editing.data, step_id, type_name)
    except Problem as problem:
        return refuse(editing, problem)
    notice = _("Le bloc est ajouté. Écrivez sa question.") if not library \
        else _("Les questions « %(name)s » sont ajoutées.", name=library_title(library, ui_lang()))
    sending = with_sending(data)
    if sending is not data:  # contact details asked: the answers must reach someone
        notice += " " + _("Le service demande maintenant des coordonnées : ses réponses seront envoyées. "
                          "Vérifiez où elles vont (« Où vont les réponses »).")
    if library:
        return after_edit(editing, sending, notice, anchor("bloc", key))
    # a new question is written next: with htmx its form opens in place, else it is the next page
    form = url_for("studio_editor.block", org_slug=org_slug, service_id=service_id, block_id=key)
    return after_edit(editing, sending, notice, anchor("bloc", key),
                      trigger={"tremplin:open": "#" + anchor("bloc", key)}, then=form)


@bp.route("/etapes/<step_id>/ajouter")
@login_required
def palette_page(org_slug: str, service_id: str, step_id: str):
    """The palette of a step: the block types and reusable blocks to add to it."""
    found = require_service(org_slug, service_id, EDITOR)
    data, step = step_of(found, step_id)
    return render_template("studio/editor/palette.html", org=found.access.org, copy=found.copy, step_id=step_id,
                           step_title=author_text(step.get("title")) or step_id, lang=ui_lang(),
                           org_blocks=workspace.org_blocks(get_db(), found.access.org.id),
                           back=editor_url(found, anchor("etape", step_id)))


@bp.route("/blocs/<block_id>", methods=["GET", "POST"])
@login_required
def block(org_slug: str, service_id: str, block_id: str):
    """A block's parameters in a form generated from what its type declares."""
    found = require_service(org_slug, service_id, EDITOR if request.method == "POST" else READER)
    document = ServiceDocument.from_yaml(found.copy.yaml, service_id)
    entry = _entry(document.data, block_id)
    languages = languages_of(document.data)
    errors: dict[str, str] = {}
    if request.method == "POST":
        editing = Editing(found, document, posted_revision())
        try:
            data = ops.update_block(editing.data, block_id, read_block_form(entry, request.form, languages),
                                    published_ids(service_id))
        except (Problem, Problems) as error:
            errors = field_errors(error)
        else:
            key = _key_after(data, editing.data, block_id)
            return after_edit(editing, data, _("Le bloc est enregistré."), anchor("bloc", key), back=request.url)
    fields = block_fields(entry, languages, request.form if errors else None)
    key = block_key(entry)
    context = {"org": found.access.org, "copy": found.copy, "entry": entry, "data": document.data, "key": key,
               "fields": fields, "errors": errors, "can_edit": has_role(found.access.role, EDITOR),
               "back": editor_url(found, anchor("bloc", key)), "lang": ui_lang()}
    if errors and htmx:  # the form opened in place: show it again there, with its mistakes
        response = make_response(render_template("studio/editor/_block_form.html", **context), 422)
        response.headers.update({"HX-Retarget": "#formulaire-bloc", "HX-Reswap": "outerHTML"})
        return response
    analysis = analyse(found.copy)
    body = render_template("studio/editor/block.html", problems=analysis.problems_at(block=key),
                           hints=analysis.hints_at(block=key), **context)
    return body, (422 if errors else 200)


@bp.route("/blocs/<block_id>/type", methods=["GET", "POST"])
@login_required
def block_type(org_slug: str, service_id: str, block_id: str):
    """Change a block's type: its id, texts, condition and the parameters the new type
    also declares are kept; the form says, type by type, what would be lost."""
    found = require_service(org_slug, service_id, EDITOR)
    analysis = analyse(found.copy)
    entry = _entry(analysis.data, block_id)
    if "use" in entry:
        abort(404)  # a reusable block has no type of its own
    error = ""
    if request.method == "POST":
        editing = Editing(found, analysis.document, posted_revision())
        chosen = request.form.get("type", "")
        if chosen in REGISTRY and chosen != entry["type"]:
            data = ops.change_block_type(editing.data, block_id, chosen)
            notice = _("Le bloc est maintenant : %(type)s.", type=type_label(chosen))
            return after_edit(editing, data, notice, anchor("bloc", _key_after(data, editing.data, block_id)),
                              back=request.url)
        error = _("Choisissez le nouveau type du bloc.")
    choices = [(other.name, type_label(other.name), _param_labels(entry, dropped_by_type_change(entry, other.name)))
               for other in REGISTRY if other.name != entry["type"]]
    key = block_key(entry)
    body = render_template("studio/editor/block_type.html", org=found.access.org, copy=found.copy, entry=entry,
                           key=key, choices=choices, error=error, chosen=request.form.get("type", ""),
                           back=editor_url(found, anchor("bloc", key)))
    return body, (422 if error else 200)


def _param_labels(entry: Mapping, names: list[str]) -> list[str]:
    """The names of the block's parameters as its form shows them (« Réponses possibles »)."""
    declared = {param.name: param for param in block_type_named(entry["type"]).all_params()}
    return [param_label(block_type_named(entry["type"]), declared[name], ui_lang()) if name in declared else name
            for name in names]


def _entry(data: dict, block_id: str) -> dict:
    """The entry ``block_id`` of one of the steps (404 when there is none)."""
    try:
        step_index, index = find_block(data, block_id)
    except Problem:
        abort(404)
    entry = data["steps"][step_index]["blocks"][index]
    if not isinstance(entry, dict) or ("use" not in entry and entry.get("type") not in REGISTRY):
        abort(404)  # a block the form cannot describe: the YAML tab can fix it
    return entry


def _key_after(data: dict, before: dict, block_id: str) -> str:
    """The key of the edited block once saved (its id may have followed its label)."""
    step_index, index = find_block(before, block_id)
    step = data["steps"][step_index]
    return block_key(step["blocks"][index], step.get("id"), index)


def read_block_form(entry: Mapping, form: MultiDict, languages: tuple[str, ...]) -> dict:
    """The block's new parameters from its posted form (raises Problems)."""
    if "use" in entry:
        posted: dict[str, Any] = {"prefix": form.get("prefix", "")}
        if "only_shown" in form:
            posted["only"] = form.getlist("only")
        return use_form_to_params(entry, posted)
    formdata = {key: form.getlist(key) for key in form}  # the last value wins (checkboxes)
    return form_to_params(block_type_named(entry["type"]), formdata, entry, languages)


def block_fields(entry: Mapping, languages: tuple[str, ...], posted: MultiDict | None = None) -> list[FieldSpec]:
    """The fields of the block's form, showing what was posted after a mistake."""
    specs = use_fields(entry, ui_lang()) if "use" in entry \
        else param_fields(block_type_named(entry["type"]), entry, languages, ui_lang())
    return [with_posted(spec, posted) for spec in specs] if posted is not None else specs


@bp.route("/blocs/<block_id>/deplacer", methods=["POST"])
@login_required
def move_block(org_slug: str, service_id: str, block_id: str):
    """Move a block up or down in its step, to the end of another step, or (dragged and
    dropped) to a ``position`` in a step."""
    editing = start_edit(org_slug, service_id)
    try:
        step_index, index = find_block(editing.data, block_id)
        step_id = editing.data["steps"][step_index].get("id")
        target = request.form.get("to_step")
        position = request.form.get("position", "")
        if target and position.isdigit():  # dropped among the blocks of a step (studio.js)
            find_step(editing.data, target)
            data = ops.move_block(editing.data, block_id, target, int(position))
        elif target:
            find_step(editing.data, target)
            data = ops.move_block(editing.data, block_id, target)
        else:
            data = ops.move_block(editing.data, block_id, step_id,
                                  index + (-1 if request.form.get("direction") == "up" else 1))
    except Problem as problem:
        return refuse(editing, problem)
    notice = _("Le bloc est déplacé dans une autre étape.") if target and target != step_id \
        else _("Le bloc est déplacé.")
    return after_edit(editing, data, notice, anchor("bloc", block_id))


@bp.route("/blocs/<block_id>/etape")
@login_required
def move_block_page(org_slug: str, service_id: str, block_id: str):
    """Choose the step a block moves to (the form posts to :func:`move_block`)."""
    found = require_service(org_slug, service_id, EDITOR)
    data = analyse(found.copy).data
    entry = _entry(data, block_id)
    step_index, _index = find_block(data, block_id)
    targets = [(step["id"], author_text(step.get("title")) or step["id"])
               for position, step in enumerate(data["steps"]) if position != step_index and isinstance(step, dict)]
    title = library_title(entry["use"], ui_lang()) if "use" in entry else author_text(entry.get("label")) or \
        type_label(entry.get("type"))
    return render_template("studio/editor/move_block.html", org=found.access.org, copy=found.copy,
                           key=block_key(entry), title=title, targets=targets,
                           back=editor_url(found, anchor("bloc", block_key(entry))))


@bp.route("/blocs/<block_id>/dupliquer", methods=["POST"])
@login_required
def duplicate_block(org_slug: str, service_id: str, block_id: str):
    """Put a copy of a block right after it."""
    editing = start_edit(org_slug, service_id)
    try:
        data, new_id = ops.duplicate_block(editing.data, block_id)
    except Problem as problem:
        return refuse(editing, problem)
    return after_edit(editing, data, _("Le bloc est dupliqué."), anchor("bloc", new_id))


@bp.route("/blocs/<block_id>/supprimer", methods=["POST"])
@login_required
def delete_block(org_slug: str, service_id: str, block_id: str):
    """Delete a block (« Annuler » puts it back)."""
    editing = start_edit(org_slug, service_id)
    try:
        data, token = ops.delete_block(editing.data, block_id)
    except Problem as problem:
        return refuse(editing, problem)
    return after_edit(editing, data, _("Le bloc est supprimé."), undo=token)

