"""The task list of a service and the reasons of its publish page, as the studio shows
them: the review of :mod:`builder.editing.checklist` with each task's name, state, a few
words on where it stands and its link, and each reason linked to the page (and the
field) where it is fixed.

The task list stands at the top of the service's page (``_status.html``), redrawn after
every edit; the publish page lists the same reasons (:mod:`builder.studio.publishing`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from builder.db import get_db
from builder.editing import checklist
from builder.editing.analysis import Analysis
from builder.editing.checklist import (
    CHANGED,
    DONE,
    EXAMPLES,
    HELP,
    LANGUAGES,
    LIVE,
    NEVER,
    OUTCOMES,
    PUBLISH,
    QUESTIONS,
    REVIEW,
    SENDING,
    TODO,
    Reason,
    Review,
    Task,
)
from builder.editing.document import ServiceDocument
from builder.editing.locate import Where, anchor, as_list, where_of
from builder.format.loader import ServiceFileError
from builder.format.model import localize
from builder.messages import register, render
from builder.site import catalog
from builder.site.state import today
from builder.storage import workspace
from builder.storage.services import PublishedService
from builder.storage.workspace import WorkingCopy
from builder.studio.common import display_language

TASK_LABELS = {QUESTIONS: _l("Questions"), OUTCOMES: _l("Résultats"), HELP: _l("Qui aide les personnes"),
               SENDING: _l("Où vont les réponses"), EXAMPLES: _l("Exemples de test"), LANGUAGES: _l("Langues"),
               PUBLISH: _l("Publier")}
STATE_LABELS = {TODO: _l("À faire"), DONE: _l("Fait"), REVIEW: _l("À revoir")}
# Settings fields by their place in the file (the form names of builder.studio.editor.service).
SETTINGS_FIELDS = {("title",): "title", ("summary",): "summary", ("duration",): "duration"}


@dataclass(frozen=True)
class Link:
    """A sentence and the page where it is acted on."""

    text: str
    url: str


@dataclass(frozen=True)
class ShownTask:
    """A task as the task list shows it."""

    task: Task
    label: str
    state_label: str
    url: str
    hint: str
    reasons: tuple[Link, ...]

    @property
    def key(self) -> str:
        return self.task.key

    @property
    def state(self) -> str:
        return self.task.state


def online_state(copy: WorkingCopy, live: PublishedService | None) -> str:
    """Whether the service is online, and whether the draft differs from what is."""
    if live is None:
        return NEVER
    return LIVE if live.yaml == copy.yaml else CHANGED


def service_review(analysis: Analysis, copy: WorkingCopy) -> Review:
    """The review of the revision ``analysis`` describes (of the working copy ``copy``),
    today, with the delay after which a rule source should be checked again
    (``SOURCE_MAX_AGE_DAYS``) and the contact service it names as it stands."""
    return checklist.review(analysis.data, analysis.service, analysis.personas,
                            problems=[item.problem for item in analysis.problems], today=today(),
                            source_max_age_days=int(current_app.config["SOURCE_MAX_AGE_DAYS"]),
                            contact=contact_of(analysis.data, copy))


def contact_of(data: dict, copy: WorkingCopy) -> checklist.ContactService | None:
    """The contact service ``data`` names (``settings.contact_service``): online with its
    languages, or not (None when it names none). Another organisation's is never online
    for it (:func:`builder.site.catalog.contact_service`), and keeps its name unsaid."""
    settings = data.get("settings")
    target = settings.get("contact_service") if isinstance(settings, dict) else None
    if not isinstance(target, str) or not target:
        return None
    live = catalog.contact_service(copy.service_id, target)
    if live is not None:
        return checklist.ContactService(live.text("title", display_language(live)), live.languages)
    theirs = workspace.get(get_db(), target)
    mine = theirs is not None and theirs.org_id == copy.org_id
    return checklist.ContactService((_draft_title(theirs.yaml) or target) if mine else target, None)


def _draft_title(text: str) -> str:
    """The title of a working copy in the studio's language, even while it has problems."""
    try:
        title = ServiceDocument.from_yaml(text).data.get("title")
    except ServiceFileError:
        return ""
    return localize(title, str(get_locale() or "fr")) if isinstance(title, (str, dict)) else ""


def task_list(org_slug: str, analysis: Analysis, result: Review, copy: WorkingCopy,
              live: PublishedService | None) -> list[ShownTask]:
    """The task list of the service. Under each task, the reasons to act on; the problems
    the editor already shows in red, next to their cause, are not repeated."""
    shown_elsewhere = {id(item.problem) for item in analysis.errors}
    listed = []
    for task in checklist.tasks(result, analysis.data, online_state(copy, live)):
        reasons = tuple(reason_link(org_slug, copy, analysis.data, reason) for reason in task.reasons
                        if id(reason.problem) not in shown_elsewhere)
        listed.append(ShownTask(task, str(TASK_LABELS[task.key]), str(STATE_LABELS[task.state]),
                                task_url(org_slug, copy.service_id, task.key),
                                task_hint(task.key, analysis.data, result, live, copy), reasons))
    return listed


def task_url(org_slug: str, service_id: str, key: str) -> str:
    """Where a task is done."""
    args = {"org_slug": org_slug, "service_id": service_id}
    editor = url_for("studio_editor.edit", **args)
    settings = url_for("studio_editor.settings", **args)
    return {QUESTIONS: f"{editor}#etapes-titre", OUTCOMES: f"{editor}#resultats", HELP: f"{settings}#reglages-aide",
            SENDING: url_for("studio_editor.sending", **args), EXAMPLES: f"{editor}#exemples",
            LANGUAGES: url_for("studio_editor.languages", **args), PUBLISH: url_for("studio_publish.publish", **args)}[key]


register({
    "editing.gone_question": (
        "Cette condition parle d'une question qui n'existe plus (supprimée, ou dont le type a changé) : "
        "modifiez la condition, ou annulez la suppression.",
        "This condition is about a question that no longer exists (deleted, or its type changed): "
        "change the condition, or undo the deletion."),
    "editing.condition_on_text": ("Cette condition teste un texte à lire, qui n'a pas de réponse : modifiez-la.",
                                  "This condition tests a text to read, which has no answer: change it."),
})

# Problems of the file that name ids, said in the studio's words (the command line keeps
# the file's: there, the id is what the person reads in the file).
STUDIO_WORDS = {"unknown_name": "editing.gone_question", "content_has_no_value": "editing.condition_on_text"}


def problem_words(problem: Any, lang: str | None = None) -> str:
    """A problem (or a problem located in the file) as the studio says it: without the ids
    a file's problem names."""
    lang = lang or str(get_locale() or "fr")
    problem = getattr(problem, "problem", problem)
    code = STUDIO_WORDS.get(problem.code)
    return render(code, lang) if code else problem.message(lang)


def reason_link(org_slug: str, copy: WorkingCopy, data: dict, reason: Reason, line: int | None = None) -> Link:
    """A reason in words (in the interface's language), linked to where it is fixed: the
    page of its task when the task is done on a page of its own (where the answers go),
    else the page of the thing it is about (``line``: its line in the file, for the YAML
    tab)."""
    if reason.task == SENDING:
        url = task_url(org_slug, copy.service_id, SENDING)
    else:
        url = place_url(org_slug, copy.service_id, data, reason.path, line)
    return Link(problem_words(reason.problem), url)


def place_url(org_slug: str, service_id: str, data: dict, path: tuple, line: int | None = None) -> str:
    """The page (and the field, or the thing on the editor's page) where what is at
    ``path`` in the file is changed."""
    args = {"org_slug": org_slug, "service_id": service_id}
    where = where_of(data, path)
    if where.section == "steps":
        return _step_place(args, where)
    if where.outcome_id is not None:
        field = "#champ-source_checked" if "source" in path else ""
        if where.field == "when":
            return url_for("studio_editor.outcome_condition", outcome_id=where.outcome_id, **args)
        return url_for("studio_editor.outcome", outcome_id=where.outcome_id, **args) + field
    if where.section == "tests":
        return url_for("studio_editor.edit", **args) + "#" + (anchor("exemple", where.persona)
                                                              if where.persona is not None else "exemples")
    if where.section in ("help", "languages") or tuple(path) in SETTINGS_FIELDS:
        field = SETTINGS_FIELDS.get(tuple(path))
        fragment = f"#champ-{field}" if field else ("#reglages-aide" if where.section == "help" else "")
        return url_for("studio_editor.settings", **args) + fragment
    if where.section in ("submission", "organisation"):
        return url_for("studio_editor.sending", **args)
    if where.section == "settings":
        return url_for("studio_editor.path_options", **args)
    return url_for("studio_publish.yaml_tab", **args) + (f"#ligne-{line}" if line else "")


def _step_place(args: dict, where: Where) -> str:
    if where.block_id is not None:
        if where.field == "show_if":
            return url_for("studio_editor.block_condition", block_id=where.block_id, **args)
        fragment = f"#champ-{where.field}" if where.field in ("label", "hint", "body", "options") else ""
        return url_for("studio_editor.block", block_id=where.block_id, **args) + fragment
    if where.step_id is not None and where.field == "show_if":
        return url_for("studio_editor.step_condition", step_id=where.step_id, **args)
    target = anchor("etape", where.step_id) if where.step_id is not None else "etapes-titre"
    return url_for("studio_editor.edit", **args) + f"#{target}"


def task_hint(key: str, data: dict, result: Review, live: PublishedService | None, copy: WorkingCopy) -> str:
    """A few words on where a task stands."""
    if key == QUESTIONS:
        count = len(as_list(data.get("steps")))
        return ngettext("%(num)d étape.", "%(num)d étapes.", count)
    if key == OUTCOMES:
        return ngettext("%(num)d résultat.", "%(num)d résultats.", len(as_list(data.get("outcomes"))))
    if key == HELP:
        box = data.get("help") if isinstance(data.get("help"), dict) else {}
        return " · ".join(str(box[name]) for name in checklist.HELP_CONTACTS if box.get(name))
    if key == SENDING:
        return sending_words(data)
    if key == EXAMPLES:
        return ngettext("%(num)d exemple.", "%(num)d exemples.", len(as_list(data.get("tests"))))
    if key == LANGUAGES:
        languages = [lang for lang in as_list(data.get("languages")) if isinstance(lang, str)] or ["fr"]
        names = get_locale().languages if get_locale() else {}
        return ", ".join(str(names.get(lang, lang)) for lang in languages).capitalize()
    return publish_words(result, live, copy)


def sending_words(data: dict) -> str:
    """Where the answers go, in a sentence."""
    if not data.get("submission"):
        return _("Rien n’est envoyé : le service répond seulement.")
    to = checklist.recipients(data)
    if to:
        return _("Gardées dans « Réponses » ; un e-mail prévient %(to)s à chaque envoi.", to=", ".join(to))
    return _("Gardées dans « Réponses » ; personne n’est prévenu par e-mail.")


def publish_words(result: Review, live: PublishedService | None, copy: WorkingCopy) -> str:
    """Whether the service is online, and what stops publishing."""
    state = online_state(copy, live)
    if state == NEVER:
        words = _("Jamais publié.")
    elif state == CHANGED:
        words = _("Modifications pas encore en ligne (la version %(version)d est en ligne).", version=live.version)
    else:
        words = _("En ligne : version %(version)d, à jour.", version=live.version)
    blocking = len(result.refusals)
    if blocking:
        words += " " + ngettext("%(num)d point à régler avant de publier.",
                                "%(num)d points à régler avant de publier.", blocking)
    return words
