"""What format 1 has beyond steps and outcomes, without YAML: the service's languages
(« Langues », and the texts still missing in one), its computed values (« Valeurs
calculées »: the age, and simple calculations named in a form) and the options of its
path (« Options du parcours »: ask only what is needed, how long answers are kept, the
hand-off to a contact service of the same organisation).

Each page is a plain form that saves through the working copy with the revision it was
shown with, like every form of the editor.
"""

from __future__ import annotations

from typing import Any

from flask import abort, render_template, request
from flask_babel import gettext as _

from builder.db import get_db
from builder.editing import named_values
from builder.editing import operations as ops
from builder.editing.checklist import untranslated
from builder.editing.condition_words import condition_in_words
from builder.editing.conditions import subjects
from builder.editing.document import ServiceDocument
from builder.editing.references import condition_places
from builder.format.model import localize
from builder.languages import LANGUAGE_NAMES
from builder.messages import Problem, Problems, register
from builder.storage import workspace
from builder.storage.accounts import EDITOR, READER
from builder.studio.access import has_role, login_required
from builder.studio.common import ServiceAccess, require_service
from builder.studio.editor import bp
from builder.studio.editor.analysis import analyse
from builder.studio.editor.fields import languages_of
from builder.studio.editor.helpers import (
    Editing,
    after_edit,
    editor_url,
    field_errors,
    posted_revision,
    ui_lang,
)
from builder.studio.tasks import place_url

register({
    "editing.days": ("Écrivez un nombre de jours, par exemple 30.", "Write a number of days, for example 30."),
    "editing.contact_service": ("Choisissez un service de votre organisation.",
                                "Choose a service of your organisation."),
})


def _page(template: str, found: ServiceAccess, status: int = 200, **context: Any):
    """One of these pages, with what they all show."""
    body = render_template(template, org=found.access.org, copy=found.copy, back=editor_url(found),
                           can_edit=has_role(found.access.role, EDITOR), **context)
    return body, status


def _found(org_slug: str, service_id: str) -> tuple[ServiceAccess, ServiceDocument]:
    found = require_service(org_slug, service_id, EDITOR if request.method == "POST" else READER)
    return found, ServiceDocument.from_yaml(found.copy.yaml, service_id)


# --- languages --------------------------------------------------------------------------

@bp.route("/langues", methods=["GET", "POST"])
@login_required
def languages(org_slug: str, service_id: str):
    """The service's languages (French first) and the texts not yet in every one."""
    found, document = _found(org_slug, service_id)
    if request.method == "POST":
        chosen = [code for code in LANGUAGE_NAMES if code != "fr" and code in request.form.getlist("languages")]
        wanted = ["fr", *chosen] if chosen else None
        editing = Editing(found, document, posted_revision())
        data = ops.update_service(editing.data, {"languages": wanted})
        return after_edit(editing, data, _("Les langues du service sont enregistrées."), back=request.url)
    data = document.data
    missing = [(localize(value, "fr") or "…", place_url(org_slug, service_id, data, path))
               for path, value in untranslated(data)]
    return _page("studio/editor/languages.html", found, languages=languages_of(data), names=LANGUAGE_NAMES,
                 missing=missing)


# --- computed values ----------------------------------------------------------------------

@bp.route("/valeurs", methods=["GET", "POST"])
@login_required
def computed(org_slug: str, service_id: str):
    """The service's computed values in words; add the age, or name a calculation."""
    found, document = _found(org_slug, service_id)
    known = subjects(document.data)
    errors: dict[str, str] = {}
    if request.method == "POST":
        editing = Editing(found, document, posted_revision())
        form = request.form
        try:
            source = named_values.calculation(form.get("kind", ""), form.get("first", ""), form.get("operation", ""),
                                              form.get("second", ""), known)
            data, _name = named_values.add_value(editing.data, form.get("label", ""), source)
        except (Problem, Problems) as error:
            errors = field_errors(error)
        else:
            notice = _("La valeur « %(label)s » est ajoutée : les conditions peuvent l’utiliser.",
                       label=form.get("label", "").strip())
            return after_edit(editing, data, notice, back=request.url)
    return _page("studio/editor/computed.html", found, 422 if errors else 200, errors=errors, form=request.form,
                 values=_values_in_words(document.data), questions=_operands(known))


@bp.route("/valeurs/<name>/supprimer", methods=["POST"])
@login_required
def delete_computed(org_slug: str, service_id: str, name: str):
    """Remove a computed value that no condition uses any more."""
    found, document = _found(org_slug, service_id)
    if name not in (document.data.get("computed") or {}):
        abort(404)
    editing = Editing(found, document, posted_revision())
    try:
        label = subjects(document.data)[name].label
        data = named_values.remove_value(editing.data, name, _used_in(document.data, name), label)
    except Problem as problem:
        return _page("studio/editor/computed.html", found, 422, errors={"": problem.message(ui_lang())},
                     form={}, values=_values_in_words(document.data), questions=_operands(subjects(document.data)))
    return after_edit(editing, data, _("La valeur est retirée."), back=request.url)


def _values_in_words(data: dict) -> list[tuple[str, str, str]]:
    """Each computed value: its name, its name for people, and how it is worked out, in words."""
    known = subjects(data)
    values = []
    for name, source in (data.get("computed") or {}).items():
        subject = known.get(name)
        label = subject.label if subject else name
        values.append((name, label, condition_in_words(str(source), known, ui_lang())))
    return values


def _operands(known: dict) -> list[tuple[str, str, str]]:
    """What a calculation can start from: ``(name, label, kind)``."""
    return [(name, subject.label, subject.kind) for name, subject in known.items()
            if subject.kind in ("number", "date", "options")]


def _used_in(data: dict, name: str) -> str | None:
    """Where a condition uses ``name``, in words (None when none does)."""
    for path, condition in condition_places(data):
        if name in str(condition).replace("(", " ").replace(")", " ").split():
            return _place_name(data, path)
    for other, source in (data.get("computed") or {}).items():
        if other != name and name in str(source).replace("(", " ").replace(")", " ").split():
            return other
    return None


def _place_name(data: dict, path: tuple) -> str:
    item = data[path[0]][path[1]]
    if path[0] == "outcomes":
        return localize(item.get("title"), "fr") or str(item.get("id"))
    if len(path) > 3:
        item = item["blocks"][path[3]]
        return localize(item.get("label"), "fr") or str(item.get("id"))
    return localize(item.get("title"), "fr") or str(item.get("id"))


# --- the path's options -------------------------------------------------------------------

@bp.route("/options", methods=["GET", "POST"])
@login_required
def path_options(org_slug: str, service_id: str):
    """Ask only what is needed, how long answers are kept, the contact service."""
    found, document = _found(org_slug, service_id)
    contacts = _contact_services(found)
    errors: dict[str, str] = {}
    if request.method == "POST":
        editing = Editing(found, document, posted_revision())
        try:
            settings = _read_options(request.form, editing.data, contacts)
            data = ops.update_service(editing.data, {"settings": settings or None})
        except (Problem, Problems) as error:
            errors = field_errors(error)
        else:
            return after_edit(editing, data, _("Les options du parcours sont enregistrées."), back=request.url)
    settings = document.data.get("settings") if isinstance(document.data.get("settings"), dict) else {}
    shown = request.form if errors else settings
    return _page("studio/editor/options.html", found, 422 if errors else 200, errors=errors, shown=shown,
                 settings=settings, contacts=contacts, has_outcomes=bool(document.data.get("outcomes")))


def _contact_services(found: ServiceAccess) -> list[tuple[str, str]]:
    """The organisation's other services a person can be handed to: ``(id, title)``."""
    services = []
    for other in workspace.for_org(get_db(), found.access.org.id):
        if other.service_id == found.copy.service_id:
            continue
        title = analyse(other).data.get("title")
        services.append((other.service_id, localize(title, "fr") or other.service_id))
    return services


def _read_options(form: Any, data: dict, contacts: list[tuple[str, str]]) -> dict:
    """The ``settings`` mapping from the form (defaults left out)."""
    settings = {key: value for key, value in (data.get("settings") or {}).items()}
    settings["ask_only_needed"] = None if form.get("ask_only_needed", "oui") == "oui" else False
    problems = []
    for key, default in (("draft_days", 30), ("retention_days", 365)):
        text = str(form.get(key, "")).strip()
        if not text:
            settings[key] = None
        elif text.isdigit() and int(text) > 0:
            settings[key] = None if int(text) == default else int(text)
        else:
            problems.append(Problem("editing.days", (key,)))
    contact = form.get("contact_service", "")
    if contact and contact not in dict(contacts):
        problems.append(Problem("editing.contact_service", ("contact_service",)))
    settings["contact_service"] = contact or None
    if problems:
        raise Problems(problems)
    return {key: value for key, value in settings.items() if value is not None}
