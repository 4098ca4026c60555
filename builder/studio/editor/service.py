"""The service's own settings, without YAML: its title, presentation and duration, the
« Besoin d'aide ? » box and the organisation (« Réglages du service »); and, on a page of
its own, « Où vont les réponses » (the ``submission:`` key: whether the answers are sent,
who is told by mail, the message after sending, the copy by e-mail).

Texts (title, presentation…) are one field per language in a service with several, as
everywhere in the editor; a field left as it was keeps its value exactly. The page saves
through the working copy with the revision it was shown with, like every form of the
editor (a 409 with « Recharger » when someone saved since).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Mapping

from flask import flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from blocks.params import Param
from builder.editing import operations as ops
from builder.editing.checklist import contact_questions, recipients
from builder.editing.conditions import subjects
from builder.editing.document import ServiceDocument
from builder.editing.edits import apply_fields
from builder.editing.forms import FieldSpec
from builder.format.spec import EMAIL, HELP, ORGANISATION, SUBMISSION, URL
from builder.messages import Problem, Problems, register
from builder.storage.accounts import EDITOR, READER
from builder.studio.access import has_role, login_required
from builder.studio.common import require_service
from builder.studio.editor import bp
from builder.studio.editor.analysis import analyse
from builder.studio.editor.fields import FieldSet, languages_of
from builder.studio.editor.helpers import (
    Editing,
    after_edit,
    editor_url,
    field_errors,
    posted_revision,
    with_posted,
)
from builder.studio.tasks import sending_words

register({
    "editing.service_title": ("Donnez un titre au service.", "Give the service a title."),
    "editing.email": ("« {value} » n'est pas une adresse e-mail valable, par exemple contact@association.fr.",
                      "“{value}” is not a valid email address, for example contact@association.org."),
    "editing.notify_line": ("Ligne {number} : « {value} » n'est pas une adresse e-mail valable.",
                            "Line {number}: “{value}” is not a valid email address."),
    "editing.url": ("« {value} » n'est pas une adresse web valable : elle commence par https://.",
                    "“{value}” is not a valid web address: it starts with https://."),
    "editing.org_name": ("Donnez le nom de l'organisation, ou videz aussi son adresse e-mail.",
                         "Give the organisation's name, or clear its email address too."),
    "editing.confirmation_needed": (
        "Dites à la personne ce qui se passe après l'envoi, par exemple : Merci ! Nous vous rappelons sous 3 jours.",
        "Tell the person what happens after sending, for example: Thank you! We will call you back within 3 days."),
})

# Texts: one field per language in a service with several (form name → where it lives).
TEXTS = FieldSet(
    Param("title", "text", required=True), Param("summary", "markdown"), Param("duration", "text"),
    Param("help_text", "text"), Param("help_address", "text"), Param("help_hours", "text"),
    Param("org_name", "text"), Param("confirmation", "markdown"),
    labels={"title": _l("Titre du service"),
            "summary": _l("Présentation sur la page d’accueil"),
            "duration": _l("Temps pour répondre, par exemple « 2 minutes »"),
            "help_text": _l("Phrase d’accueil de l’encadré"),
            "help_address": _l("Adresse où venir en personne"),
            "help_hours": _l("Horaires d’ouverture"),
            "org_name": _l("Nom de l’organisation"),
            "confirmation": _l("Message affiché après l’envoi")})
HELPS = {"summary": _l("Mise en forme possible : **gras**, listes avec « - », liens [texte](https://…)."),
         "help_text": _l("Par exemple : Une question ? L’équipe vous répond."),
         "confirmation": _l("Par exemple : Merci ! Nous vous rappelons sous 3 jours. "
                            "Mise en forme possible : **gras**, listes avec « - », liens.")}
# Plain values (not translated): form name → label, help.
PLAIN = {"help_phone": (_l("Téléphone"), _l("Par exemple 01 23 45 67 89.")),
         "help_email": (_l("Adresse e-mail de contact"), _l("Par exemple contact@association.fr.")),
         "help_appointment_url": (_l("Lien pour prendre rendez-vous"), _l("Une adresse qui commence par https://.")),
         "org_email": (_l("Adresse e-mail de l’organisation"), _l("Elle reçoit les réponses envoyées.")),
         "notify": (_l("Adresses prévenues à chaque envoi"), _l("Une adresse e-mail par ligne."))}
CHECKS = {"submission": (_l("Envoyer les réponses"),
                         _l("Le mini-site propose alors un bouton « Envoyer » à la fin : les réponses arrivent "
                            "dans « Réponses ».")),
          "copy": (_l("Proposer à la personne une copie de ses réponses par e-mail"),
                   _l("Seulement quand le service lui demande son adresse e-mail."))}
# Where each form field lives in the service: (section or None, key).
PLACES = {"title": (None, "title"), "summary": (None, "summary"), "duration": (None, "duration"),
          "help_text": ("help", "text"), "help_phone": ("help", "phone"), "help_email": ("help", "email"),
          "help_address": ("help", "address"), "help_hours": ("help", "hours"),
          "help_appointment_url": ("help", "appointment_url"),
          "org_name": ("organisation", "name"), "org_email": ("organisation", "email"),
          "confirmation": ("submission", "confirmation"), "notify": ("submission", "notify"),
          "copy": ("submission", "copy")}
GROUPS = (("service", _l("Le service"), ("title", "summary", "duration")),
          ("aide", _l("L’encadré « Besoin d’aide ? »"),
           ("help_text", "help_phone", "help_email", "help_address", "help_hours", "help_appointment_url")),
          ("organisation", _l("L’organisation"), ("org_name", "org_email")))
SENDING_FIELDS = ("confirmation", "notify", "copy")
SHAPES = {"help": HELP, "organisation": ORGANISATION, "submission": SUBMISSION}


def _section(data: Mapping, name: str | None) -> Mapping:
    if name is None:
        return data
    value = data.get(name)
    return value if isinstance(value, dict) else {}


def flat(data: Mapping) -> dict[str, Any]:
    """The service's settings by form name (what the fields show)."""
    return {name: _section(data, section).get(key) for name, (section, key) in PLACES.items()}


def show_plain(name: str, value: Any) -> str:
    """A plain value as its field shows it (the notify list one per line)."""
    if name == "notify":
        return "\n".join(str(item) for item in value) if isinstance(value, list) else str(value or "")
    return "" if value is None else str(value)


def service_fields(data: Mapping) -> list[FieldSpec]:
    """Every field of the page, filled from the service, in the order of the page."""
    values = flat(data)
    texts = {spec.name: replace(spec, help=str(HELPS.get(spec.name, "")))
             for spec in TEXTS.fields(values, languages_of(data))}
    fields = list(texts.values())
    for name, (label, hint) in PLAIN.items():
        hint = _notify_hint(data) if name == "notify" else str(hint)
        fields.append(FieldSpec(name, "string_list" if name == "notify" else "string", str(label), hint,
                                False, (), None, "textarea" if name == "notify" else "text",
                                value=show_plain(name, values[name])))
    fields.append(FieldSpec("submission", "boolean", str(CHECKS["submission"][0]), str(CHECKS["submission"][1]),
                            False, (), None, "checkbox", value="submission" in data))
    fields.append(FieldSpec("copy", "boolean", str(CHECKS["copy"][0]), str(CHECKS["copy"][1]), False, (), True,
                            "checkbox", value=values["copy"] is not False))
    return fields


def _notify_hint(data: Mapping) -> str:
    """Who is told when nobody is listed (the organisation's address, else the help box's)."""
    fallback = recipients({key: value for key, value in data.items() if key != "submission"})
    if fallback:
        return _("Une adresse e-mail par ligne. Laissé vide : %(to)s est prévenu.", to=fallback[0])
    return _("Une adresse e-mail par ligne. Laissé vide : personne n’est prévenu, les réponses attendent "
             "dans « Réponses ».")


def _checked(formdata: Mapping, name: str) -> bool:
    posted = formdata.getlist(name) if hasattr(formdata, "getlist") else [formdata.get(name, "")]
    return (posted or [""])[-1] == "oui"


def _read_plain(name: str, formdata: Mapping, current: Any) -> Any:
    """A plain value as posted (the current one, exactly, when unchanged); a Problem when
    it is not of the right form."""
    posted = str(formdata.get(name, "")).replace("\r\n", "\n").strip()
    if posted == show_plain(name, current).strip():
        return current
    if name == "notify":
        lines = [line.strip() for line in posted.split("\n") if line.strip()]
        for number, line in enumerate(lines, start=1):
            if not EMAIL.match(line):
                raise Problem("editing.notify_line", (name,), number=number, value=line)
        return lines or None
    if not posted:
        return None
    if name.endswith("email") and not EMAIL.match(posted):
        raise Problem("editing.email", (name,), value=posted)
    if name.endswith("url") and not URL.match(posted):
        raise Problem("editing.url", (name,), value=posted)
    return posted


def read_service(formdata: Mapping, data: Mapping) -> dict:
    """The top-level fields for :func:`~builder.editing.operations.update_service` from
    what was posted; raises Problems with every mistake, each on its field."""
    problems: list[Problem] = []
    current = flat(data)
    values: dict[str, Any] = {}
    try:
        values.update(TEXTS.read(formdata, current, languages_of(data)))
    except Problems as error:
        problems.extend(error.problems)
    for name in PLAIN:
        if name in formdata:
            try:
                values[name] = _read_plain(name, formdata, current[name])
            except Problem as problem:
                problems.append(problem)
    if "title" in values and values["title"] is None:
        problems.append(Problem("editing.service_title", ("title",)))
    if "copy" in formdata:
        values["copy"] = (current["copy"] if current["copy"] is not False else None) \
            if _checked(formdata, "copy") else False
    if problems:
        raise Problems(problems)

    fields: dict[str, Any] = {}
    sections: dict[str, dict[str, Any]] = {}
    for name, value in values.items():
        section, key = PLACES[name]
        if section is None:
            fields[key] = value
        else:
            sections.setdefault(section, {})[key] = value
    for section, changes in sections.items():
        if section == "submission":
            continue
        kept = {key: value for key, value in _section(data, section).items() if key not in changes}
        if not kept and all(value is None for value in changes.values()):
            fields[section] = None  # every field cleared: the section goes
            continue
        try:
            merged = apply_fields(dict(_section(data, section)), changes, SHAPES[section])
        except Problem:
            raise Problems([Problem("editing.org_name", ("org_name",))]) from None
        fields[section] = merged or None
    if "submission" in formdata:
        if _checked(formdata, "submission"):
            merged = apply_fields(dict(_section(data, "submission")), sections.get("submission", {}), SUBMISSION)
            fields["submission"] = merged or {"copy": True}  # an empty mapping would read as « off »
        else:
            fields["submission"] = None
    return fields


@bp.route("/service", methods=["GET", "POST"])
@login_required
def settings(org_slug: str, service_id: str):
    """The service's own settings, in a form."""
    return _settings_page(org_slug, service_id, "studio/editor/service.html",
                          _("Les réglages du service sont enregistrés."))


@bp.route("/envoi", methods=["GET", "POST"])
@login_required
def sending(org_slug: str, service_id: str):
    """« Où vont les réponses » : whether the answers are sent (kept in « Réponses »),
    who is told by mail, and what the person reads after sending."""
    return _settings_page(org_slug, service_id, "studio/editor/sending.html",
                          _("Où vont les réponses : c’est enregistré."), check=_confirmation_needed,
                          required=("confirmation",))


def _confirmation_needed(data: Mapping) -> None:
    """Answers sent need a word on what happens next (raises a Problem on that field)."""
    sent = data.get("submission")
    if isinstance(sent, dict) and not sent.get("confirmation"):
        raise Problems([Problem("editing.confirmation_needed", ("confirmation",))])


def _settings_page(org_slug: str, service_id: str, template: str, saved: str, check=None,
                   required: tuple[str, ...] = ()):
    """A page of the service's settings: shown, or saved (then ``check``-ed) and back to
    the editor. The fields named in ``required`` are not marked « (facultatif) »."""
    found = require_service(org_slug, service_id, EDITOR if request.method == "POST" else READER)
    document = ServiceDocument.from_yaml(found.copy.yaml, service_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        editing = Editing(found, document, posted_revision())
        try:
            data = ops.update_service(editing.data, read_service(request.form, editing.data))
            if check is not None:
                check(data)
        except (Problem, Problems) as error:
            errors = field_errors(error)
        else:
            if data == editing.data and editing.revision == found.copy.revision:
                flash(saved)  # nothing changed: the file stays as it is
                return redirect(editor_url(found), 303)
            return after_edit(editing, data, saved, back=request.url)
    fields = [replace(spec, required=True) if spec.name in required else spec
              for spec in service_fields(document.data)]
    if errors:
        fields = [with_posted(spec, request.form) for spec in fields]
    by_name = {spec.name: spec for spec in fields}
    groups = [(key, label, [by_name[name] for name in names]) for key, label, names in GROUPS]
    body = render_template(template, org=found.access.org, copy=found.copy, fields=fields, by_name=by_name,
                           groups=groups, errors=errors, can_edit=has_role(found.access.role, EDITOR),
                           **_page_context(found, document.data))
    return body, (422 if errors else 200)


def _labels(ids: list[str], data: Mapping) -> list[str]:
    """Questions by their labels (« Votre adresse e-mail »), never their ids."""
    known = subjects(dict(data))
    return [f"« {known[item].label} »" if item in known else item for item in ids]


def _page_context(found, data: Mapping) -> dict[str, Any]:
    """What both pages show beside their form."""
    analysis = analyse(found.copy)
    sending_on = bool(data.get("submission")) if "submission" not in request.form \
        else _checked(request.form, "submission")
    return {"problems": analysis.general_problems(), "hints": analysis.general_hints(), "back": editor_url(found),
            "sending_on": sending_on, "contact": _labels([identifier for _path, identifier in contact_questions(data)], data),
            "sending_words": sending_words(data)}
