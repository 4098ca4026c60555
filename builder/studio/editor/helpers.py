"""What the editor's views share: starting an edit, saving it without overwriting
anyone, and answering (the whole page, or the editor's partial for htmx).

Every form of the editor carries the ``revision`` its page was shown with. An edit is
made on the working copy as it is now, and saved only if that is still the revision the
person saw (:func:`store`); otherwise it is refused with a 409 and a « Recharger »
link, and the other person's work stays as it is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote

from flask import (
    abort,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from jinja2 import Undefined, pass_context
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from blocks import REGISTRY
from blocks.library import library_names
from builder.db import get_db
from builder.editing.analysis import Analysis, status_changes
from builder.editing.changes import page_changes
from builder.editing.condition_words import condition_summary
from builder.editing.conditions import Subject, subjects
from builder.editing.document import ServiceDocument
from builder.editing.forms import FieldSpec
from builder.editing.fragments import WrittenText
from builder.editing.ids import taken_ids
from builder.editing.library_words import library_title, use_questions
from builder.editing.locate import block_key, find_step
from builder.extensions import htmx
from builder.format.model import localize
from builder.messages import Problem, Problems
from builder.storage import services as published
from builder.storage import workspace
from builder.storage.accounts import EDITOR
from builder.studio import request_follow_up as follow_up
from builder.studio.access import current_user, has_role
from builder.studio.common import ServiceAccess, anchor, require_service
from builder.studio.editor.analysis import analyse, preview_service
from builder.studio.editor.fields import STEP_FIELDS, languages_of
from builder.studio.editor.preview_state import preview_url
from builder.studio.tasks import online_state, problem_words, service_review, task_list

EDITOR_TEMPLATE = "studio/editor/overview.html"
EDITOR_PARTIAL = "studio/editor/_editor.html"
EDITOR_CHANGES = "studio/editor/_changes.html"
_UNDO_SALT = "tremplin.editor.undo"


@dataclass(frozen=True)
class Editing:
    """An edit under way: the service as it is now, and the revision the person saw."""

    found: ServiceAccess
    document: ServiceDocument
    revision: int

    @property
    def data(self) -> dict:
        """The service's data as it is now."""
        return self.document.data

    @property
    def copy(self) -> workspace.WorkingCopy:
        """The working copy as it is now."""
        return self.found.copy


def start_edit(org_slug: str, service_id: str) -> Editing:
    """An editor's edit of the service (403 for a reader, 400 without a revision)."""
    found = require_service(org_slug, service_id, EDITOR)
    # the document of this revision is already read (the page showed it): edits never change it
    return Editing(found, analyse(found.copy).document, posted_revision())


def step_of(found: ServiceAccess, step_id: str) -> tuple[dict, dict]:
    """The service's data and its step ``step_id`` (404 when there is none)."""
    data = analyse(found.copy).data
    try:
        return data, data["steps"][find_step(data, step_id)]
    except Problem:
        abort(404)


def posted_revision() -> int:
    """The revision the form was shown with (400 when it is missing)."""
    try:
        return int(request.form.get("revision", ""))
    except ValueError:
        abort(400)


def published_ids(service_id: str) -> frozenset[str]:
    """The ids of the service's version online: answers are kept under them, so they no
    longer follow their labels (:func:`builder.editing.operations.update_block`)."""
    live = published.get_published(get_db(), service_id)
    if live is None:
        return frozenset()
    try:
        return frozenset(taken_ids(ServiceDocument.from_yaml(live.yaml, service_id).data))
    except (Problem, Problems):  # a published file is valid; nothing to keep if it cannot be read
        return frozenset()


def ui_lang() -> str:
    """The interface language (for messages)."""
    return str(get_locale() or "fr")


def store(editing: Editing, data: dict) -> tuple[workspace.WorkingCopy, WrittenText | None]:
    """Save ``data`` as the next revision; raises :class:`workspace.Conflict` when someone
    saved since the person's page was shown. Nothing is written when nothing changed.
    Returns the working copy and, when it was written now, how its text was written
    (for :func:`analyse`, which then need not parse it all again)."""
    if editing.revision != editing.copy.revision:
        raise workspace.Conflict(editing.copy)
    written = editing.document.with_data(data).written()
    text = written.text
    if text == editing.copy.yaml:
        return editing.copy, None
    user = current_user()
    copy = workspace.save(get_db(), editing.copy.service_id, text, editing.revision,
                          user_id=user.id if user else None)
    return copy, written


def after_edit(editing: Editing, data: dict, notice: str, anchor: str = "", undo: dict | None = None,
               back: str | None = None, trigger: dict | None = None, then: str | None = None) -> Response:
    """Save the edit, then show the editor: the partial for htmx, else back to the page
    (the page itself after a delete, with its « Annuler » button, also kept for the
    person's next visit: :func:`keep_undo`). ``back`` is the page to reload after a
    conflict (the editor by default). ``trigger`` names what studio.js does next with
    htmx (``{"tremplin:open": "#bloc-age"}`` opens that block's form in place,
    ``{"tremplin:visit": url}`` goes on to a page); the page itself stays the one a
    reload shows. Without htmx, ``then`` is the page to go on to instead of the editor
    (a new question's form, as htmx opens it in place)."""
    try:
        copy, written = store(editing, data)
    except workspace.Conflict as conflict:
        return conflict_response(editing, conflict.current, back)
    before = analyse(editing.copy)
    changes = status_changes(before, analyse(copy, written))
    found = ServiceAccess(editing.found.access, copy)
    signed = sign_undo(copy.service_id, undo) if undo else None
    keep_undo(copy.service_id, signed)
    if htmx:
        response = render_changes(found, before, notice=notice, persona_changes=changes, undo=signed)
        if trigger:
            response.headers["HX-Trigger"] = json.dumps(trigger)
        return response
    if undo is not None:
        return render_editor(found, notice=notice, persona_changes=changes, undo=signed)
    flash(notice)
    for name, passes in changes:
        flash(persona_change_message(name, passes), "persona")
    return redirect(then or editor_url(found, anchor), 303)


def refuse(editing: Editing, error: Problem | Problems, status: int = 422) -> Response:
    """An edit that cannot be made: its message on the editor (nothing is saved)."""
    message = problem_text(error)
    if htmx:
        return render_editor(editing.found, status=status, error=message)
    flash(message, "error")
    return redirect(editor_url(editing.found), 303)


def problem_text(error: Problem | Problems) -> str:
    """The French (or English) message of a problem, or of several."""
    problems = error.problems if isinstance(error, Problems) else [error]
    return " ".join(problem_words(problem) for problem in problems)


def conflict_response(editing: Editing, current: workspace.WorkingCopy, back: str | None = None) -> Response:
    """409: someone saved since the page was shown; nothing of theirs is lost, and the
    person can reload the latest version."""
    found = ServiceAccess(editing.found.access, current)
    if htmx:
        return render_editor(found, status=409, conflict=True)
    body = render_template("studio/editor/conflict.html", org=found.access.org, copy=current,
                           back=back or editor_url(found))
    return make_response(body, 409)


def persona_change_message(name: str, passes: bool) -> str:
    """What an edit did to a persona, in words (not only in colour)."""
    if passes:
        return _("✓ L’exemple « %(name)s » passe de nouveau.", name=name)
    return _("✗ L’exemple « %(name)s » ne passe plus.", name=name)


def editor_url(found: ServiceAccess, anchor: str = "") -> str:
    """The editor page of the service, at ``anchor``."""
    url = url_for("studio_editor.edit", org_slug=found.access.org.slug, service_id=found.copy.service_id)
    return f"{url}#{anchor}" if anchor else url


def render_editor(found: ServiceAccess, status: int = 200, **context: Any) -> Response:
    """The editor: the whole page, or only its partial for htmx."""
    template = EDITOR_PARTIAL if htmx else EDITOR_TEMPLATE
    if not htmx:  # the service's page, not its editor alone: how many requests wait
        context.setdefault("waiting", follow_up.waiting(found.copy.service_id))
    body = render_template(template, **editor_context(found), **context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response


def render_changes(found: ServiceAccess, before: Analysis, **context: Any) -> Response:
    """For htmx after an edit: only the parts of the page that changed since it showed
    ``before``, swapped out of band (:mod:`builder.editing.changes`); the whole
    editor when the page's outline changed."""
    shown = editor_context(found)
    changes = page_changes(before, shown["analysis"], ui_lang())
    if changes is None:
        return render_editor(found, **context)
    response = make_response(render_template(EDITOR_CHANGES, changes=changes, **shown, **context))
    response.vary.add("HX-Request")
    return response


def editor_context(found: ServiceAccess) -> dict[str, Any]:
    """What the editor's templates are drawn from."""
    analysis = analyse(found.copy)
    live = published.get_published(get_db(), found.copy.service_id)
    result = service_review(analysis, found.copy)
    return {"org": found.access.org, "copy": found.copy, "role": found.access.role,
            "can_edit": has_role(found.access.role, EDITOR), "analysis": analysis, "data": analysis.data,
            "live": live, "online": online_state(found.copy, live),
            "tasks": task_list(found.access.org.slug, analysis, result, found.copy, live),
            "preview_src": preview_url(found.access.org.slug, found.copy),
            "blocks_url": url_for("studio_editor.block", org_slug=found.access.org.slug,
                                  service_id=found.copy.service_id, block_id="-")[:-1],
            "block_words": block_words(),
            "preview_current": preview_service(found.copy)[1]}


# --- undo -------------------------------------------------------------------------------

def _undo_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_UNDO_SALT)


def sign_undo(service_id: str, token: dict) -> str:
    """An undo token, signed, for the « Annuler » form (nobody can forge what it puts back)."""
    return _undo_serializer().dumps({"service": service_id, "token": token})


def keep_undo(service_id: str, signed: str | None) -> None:
    """Keep the person's last « Annuler » for their next visit to the editor (a reload
    shows it again), or forget it: any other edit of theirs replaces it."""
    user = current_user()
    if user is None:
        return
    if signed:
        workspace.keep_undo(get_db(), service_id, user.id, signed)
    elif workspace.kept_undo(get_db(), service_id, user.id) is not None:  # a read, not a write, most times
        workspace.forget_undo(get_db(), service_id, user.id)


def kept_undo(service_id: str) -> str | None:
    """The person's last « Annuler » on the service, if it is still one of theirs."""
    user = current_user()
    signed = workspace.kept_undo(get_db(), service_id, user.id) if user else None
    return signed if signed and read_undo(service_id, signed) is not None else None


def read_undo(service_id: str, signed: str) -> dict | None:
    """The undo token of that form, or None when it is not one of this service's."""
    try:
        content = _undo_serializer().loads(signed)
    except BadSignature:
        return None
    if not isinstance(content, dict) or content.get("service") != service_id:
        return None
    return content.get("token") if isinstance(content.get("token"), dict) else None


# --- what the templates use -------------------------------------------------------------

def type_label(name: Any) -> str:
    """A block type's name for people, in the interface's language."""
    if name not in REGISTRY:
        return str(name)
    block_type = REGISTRY.get(name)
    return block_type.label_en if ui_lang() == "en" and block_type.label_en else block_type.label


def palette() -> dict[str, list[tuple[str, str, str]]]:
    """The palette: every block type (name, label, English label) and every reusable
    block (name, its name for people, the questions it asks)."""
    lang = ui_lang()
    types = [(block_type.name, block_type.label, block_type.label_en) for block_type in REGISTRY]
    library = [(name, library_title(name, lang), ", ".join(use_questions({"use": name}, lang)))
               for name in library_names()]
    return {"types": types, "library": library}


def author_text(value: Any) -> str:
    """A text of the service (a title, a label…) as the editor shows it: in French, else
    in the first language it has."""
    if value is None or isinstance(value, Undefined):  # a key the item does not have
        return ""
    return localize(value, "fr")


@pass_context
def condition_words(context: Any, condition: Any) -> str:
    """A condition in words (« Âge : entre 11 et 17 ans, et … »), its questions named as
    the service of the page (``data``) names them."""
    return condition_summary(condition, known_subjects(context.get("data") or {}), ui_lang())


def known_subjects(data: dict) -> dict[str, Subject]:
    """The questions and computed values of ``data``, worked out once per request."""
    cached = g.get("editor_subjects")
    if cached is None or cached[0] is not data:
        cached = (data, subjects(data))
        g.editor_subjects = cached
    return cached[1]


def block_words() -> dict[str, str]:
    """The words of every block of the editor, translated once per page."""
    return {"edit": _("Modifier"), "view": _("Voir"), "more": _("Plus d’actions"),
            "condition": _("Condition d’affichage"), "type": _("Changer de type"), "up": _("Monter"),
            "down": _("Descendre"), "move": _("Déplacer vers une autre étape"), "duplicate": _("Dupliquer"),
            "delete": _("Supprimer"), "optional": _("facultative"), "shown_if": _("Montré seulement si :"),
            "questions": _("Questions :"), "unreadable": _("Bloc illisible")}


def url_part(key: str) -> str:
    """A block's key as a segment of its address (what ``url_for`` would write)."""
    return quote(key, safe="!$&'()*+,/:;=@")


def template_helpers() -> dict[str, Any]:
    """Functions the editor's templates call."""
    return {"anchor": anchor, "type_label": type_label, "condition_words": condition_words,
            "problem_words": problem_words, "url_part": url_part,
            "text": author_text, "palette": palette, "block_key": block_key,
            "library_title": lambda name: library_title(name, ui_lang()),
            "use_questions": lambda entry: use_questions(entry, ui_lang()),
            "step_fields": lambda step, data: STEP_FIELDS.fields(step, languages_of(data))}


def with_posted(spec: FieldSpec, posted: MultiDict) -> FieldSpec:
    """The field showing what was posted (after a mistake, nothing typed is lost)."""
    if spec.widget == "condition":
        return spec
    if spec.widget == "checkboxes":
        return replace(spec, value=posted.getlist(spec.name))
    if spec.widget == "checkbox":
        return replace(spec, value=(posted.getlist(spec.name) or [""])[-1] == "oui")
    if isinstance(spec.value, dict):
        return replace(spec, value={lang: posted.get(f"{spec.name}.{lang}", "") for lang in spec.value})
    return replace(spec, value=posted.get(spec.name, ""))


def field_errors(error: Problem | Problems) -> dict[str, str]:
    """The messages of a refused form, by field name ("" for the form as a whole)."""
    problems = error.problems if isinstance(error, Problems) else [error]
    errors: dict[str, str] = {}
    for problem in problems:
        name = str(problem.path[0]) if problem.path else ""
        errors[name] = (errors.get(name, "") + " " + problem.message(ui_lang())).strip()
    return errors
