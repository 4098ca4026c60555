"""What stands between a service and the person at the other end: the reasons publishing
refuses or warns, and the studio's task list drawn from them.

:func:`review` looks at a service as it would go online and gives its :class:`Reason`\\ s,
each with the place in the file it is about (its problem's ``path``) and the task of the
task list where it is fixed:

- **refused** (:data:`REFUSE`): every problem of the file; nobody to contact (no phone,
  e-mail, address or appointment link in « Besoin d'aide ? »); an example that fails;
  a stand-in text left in (:mod:`builder.editing.placeholders`); questions asking for
  contact details or consent in a service that sends nothing (the person would fill
  them in for nobody);
- **warned** (:data:`WARN`): a rule source checked longer ago than the delay (a setting,
  365 days by default); a step asking several unrelated questions; a contact service
  (« Être rappelé·e ») that is not online, so that the result page would offer nothing;
- **to look at again** (:data:`NOTE`, task list only): no example, answers sent without
  a word on what happens next, texts missing in a language of the service, a contact
  service missing one of them.

The studio's publish page and ``tremplin validate --strict`` list the same reasons, but
for the contact service, which only the studio knows (``contact``: a :class:`ContactService`).
No Flask here: the messages are in :mod:`builder.messages`, French and English.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from blocks import REGISTRY
from blocks.library import expand_use
from builder.editing.locate import as_list
from builder.editing.operations import update_service
from builder.editing.placeholders import placeholders
from builder.editing.plain_language import text_places
from builder.format.model import Service, localize
from builder.messages import Problem, register, render

register({
    "checklist.no_human": (
        "Personne à contacter : l'encadré « Besoin d'aide ? » n'a ni téléphone, ni adresse e-mail, "
        "ni adresse où venir, ni lien pour prendre rendez-vous.",
        "Nobody to contact: the “Need help?” box has no phone number, email address, address "
        "to visit or appointment link."),
    "checklist.persona_failed": (
        "L'exemple « {name} » ne passe pas : le service ne donne pas les résultats attendus.",
        "The example “{name}” fails: the service does not give the expected outcomes."),
    "checklist.placeholder": (
        "Un texte de départ est resté : « {text} ». Remplacez-le par le vôtre.",
        "A starting text is still there: “{text}”. Replace it with your own."),
    "checklist.contact_not_sent": (
        "Le service demande des coordonnées ou un accord ({questions}) mais n'envoie pas les réponses : "
        "personne ne les recevrait. Dites où elles vont.",
        "The service asks for contact details or consent ({questions}) but does not send the answers: "
        "nobody would receive them. Say where they go."),
    "checklist.source_old": (
        "La règle du résultat « {title} » a été vérifiée le {date}, il y a plus de {days} jours : "
        "vérifiez qu'elle n'a pas changé, puis mettez la date à jour.",
        "The rule of the outcome “{title}” was checked on {date}, more than {days} days ago: "
        "check that it has not changed, then update the date."),
    "checklist.step_crowded": (
        "L'étape « {title} » pose plusieurs questions qui ne vont pas ensemble ({questions}) : "
        "une question par page se comprend mieux.",
        "The step “{title}” asks several unrelated questions ({questions}): one question per page "
        "is easier to understand."),
    "checklist.no_examples": (
        "Aucun exemple : ajoutez-en un, depuis l'aperçu, pour que le service se vérifie lui-même.",
        "No example: add one, from the preview, so that the service checks itself."),
    "checklist.no_confirmation": (
        "Les réponses sont envoyées : vérifiez où elles vont et dites à la personne ce qui se passe "
        "ensuite (le message après l'envoi).",
        "The answers are sent: check where they go and tell the person what happens next "
        "(the message after sending)."),
    "checklist.untranslated": (
        "Des textes ne sont pas encore traduits dans toutes les langues du service : {count}.",
        "Texts not yet translated into every language of the service: {count}."),
    "checklist.contact_offline": (
        "Le service « {title} », proposé pour être rappelé·e, n'est pas en ligne : la page de résultat "
        "n'aura pas le bouton « Être rappelé·e ». Publiez-le, ou choisissez-en un autre "
        "(« Options du parcours »).",
        "The service “{title}”, offered for a call back, is not online: the result page will not have the "
        "“Ask for a call back” button. Publish it, or choose another one (“Path options”)."),
    "checklist.contact_languages": (
        "Le service « {title} », proposé pour être rappelé·e, n'est pas dans toutes les langues de celui-ci : "
        "une personne qui lit ce service dans une autre langue y arrivera dans la langue de départ de « {title} ».",
        "The service “{title}”, offered for a call back, is not in every language of this one: a person "
        "reading this service in another language will find it in the first language of “{title}”."),
    "checklist.warning": ("attention : {message}", "warning: {message}"),
})

REFUSE, WARN, NOTE = "refuse", "warn", "note"
QUESTIONS, OUTCOMES, HELP, SENDING, EXAMPLES, LANGUAGES, PUBLISH = (
    "questions", "resultats", "aide", "envoi", "exemples", "langues", "publier")
TASKS = (QUESTIONS, OUTCOMES, HELP, SENDING, EXAMPLES, LANGUAGES, PUBLISH)
TODO, DONE, REVIEW = "a-faire", "fait", "a-revoir"
NEVER, CHANGED, LIVE = "never", "changed", "live"  # a service's state online

SOURCE_MAX_AGE_DAYS = 365
HELP_CONTACTS = ("phone", "email", "address", "appointment_url")
# The HTML autocomplete tokens of contact details: a block that asks for one collects them
# (an « email » or « phone » block by default, a text block set to ``email``…).
CONTACT_AUTOCOMPLETE = frozenset({"email", "tel", "street-address", "address-line1"})
# Block types whose answer is an agreement. The block interface declares no such thing;
# this is the one place that names them.
CONSENT_TYPES = frozenset({"consent"})
# Where each part of the file is fixed, by its top-level key (anything else: the questions).
TASK_OF_SECTION = {"steps": QUESTIONS, "outcomes": OUTCOMES, "help": HELP, "submission": SENDING,
                   "organisation": SENDING, "tests": EXAMPLES, "languages": LANGUAGES}


@dataclass(frozen=True)
class Reason:
    """Why a service may not, or should not yet, go online: a problem (its ``path`` says
    where in the file), how much it weighs (:data:`REFUSE`, :data:`WARN`, :data:`NOTE`)
    and the task of the task list where it is fixed."""

    level: str
    task: str
    problem: Problem

    @property
    def path(self) -> tuple:
        """Where in the file."""
        return self.problem.path

    def message(self, lang: str = "fr") -> str:
        """The reason in ``lang``."""
        return self.problem.message(lang)


@dataclass(frozen=True)
class Task:
    """One line of the task list: its key (:data:`TASKS`), its state (:data:`TODO`,
    :data:`DONE`, :data:`REVIEW`) and the reasons behind it."""

    key: str
    state: str
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class ContactService:
    """The service a result page hands people to (``settings.contact_service``), as the
    studio finds it: its title, and its languages when it is online (None when not)."""

    title: str
    languages: tuple[str, ...] | None


@dataclass(frozen=True)
class Review:
    """Every reason of a service, in the order of the task list."""

    reasons: tuple[Reason, ...]

    @property
    def refusals(self) -> list[Reason]:
        """What stops publishing."""
        return [reason for reason in self.reasons if reason.level == REFUSE]

    @property
    def warnings(self) -> list[Reason]:
        """What publishing warns about."""
        return [reason for reason in self.reasons if reason.level == WARN]

    @property
    def notes(self) -> list[Reason]:
        """What the task list asks to look at again."""
        return [reason for reason in self.reasons if reason.level == NOTE]

    @property
    def publishable(self) -> bool:
        """Whether nothing stops publishing."""
        return not self.refusals


def review(data: Mapping, service: Service | None = None, personas: Iterable[Any] = (), *,
           problems: Iterable[Problem] = (), today: dt.date | None = None,
           source_max_age_days: int = SOURCE_MAX_AGE_DAYS, contact: ContactService | None = None) -> Review:
    """The reasons of the service ``data`` (compiled as ``service``, None while the file
    has ``problems``; ``personas``: the results of its examples; ``contact``: its contact
    service, when it names one the studio found)."""
    today = today or dt.date.today()
    found = [Reason(REFUSE, task_of(problem.path), problem) for problem in problems]
    found += _help(data) + _placeholders(data) + _sending(data, service)
    if service is not None:
        found += _personas(service, personas) + _old_sources(service, today, source_max_age_days)
        found += _crowded_steps(data, service)
    found += _examples(data) + _translations(data) + _contact(data, contact)
    order = {task: index for index, task in enumerate(TASKS)}
    return Review(tuple(sorted(found, key=lambda reason: order[reason.task])))


def line_of(lines: Mapping[tuple, int], path: tuple) -> int:
    """The line of ``path`` in a file whose values are at ``lines`` (that of the nearest
    enclosing value; 1 for the file as a whole)."""
    path = tuple(path)
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return 1


def report_lines(result: Review, lines: Mapping[tuple, int], name: str, lang: str = "fr") -> list[str]:
    """``FILE:LINE: message`` for each refusal and warning (« attention : » before a warning),
    as ``tremplin validate --strict`` prints them."""
    printed = []
    for reason in result.refusals + result.warnings:
        message = reason.message(lang)
        if reason.level == WARN:
            message = render("checklist.warning", lang, message=message)
        printed.append(f"{name}:{line_of(lines, reason.path)}: {message}")
    return printed


def task_of(path: tuple) -> str:
    """The task where what is at ``path`` in the file is fixed."""
    return TASK_OF_SECTION.get(str(path[0]) if path else "", QUESTIONS)


def tasks(result: Review, data: Mapping, online: str) -> list[Task]:
    """The task list: each task with its state. « Résultats » only for a service with
    outcomes (a simulator); « Publier » from ``online`` (:data:`NEVER`, :data:`CHANGED`,
    :data:`LIVE`)."""
    shown = [key for key in TASKS if key != OUTCOMES or as_list(data.get("outcomes"))
             or any(reason.task == OUTCOMES for reason in result.reasons)]
    listed = []
    for key in shown:
        reasons = tuple(reason for reason in result.reasons if reason.task == key)
        state = _state(reasons) if key != PUBLISH else {LIVE: DONE, CHANGED: REVIEW}.get(online, TODO)
        listed.append(Task(key, state, reasons))
    return listed


def _state(reasons: tuple[Reason, ...]) -> str:
    if any(reason.level == REFUSE for reason in reasons):
        return TODO
    return REVIEW if reasons else DONE


# --- refused ----------------------------------------------------------------------------

def _help(data: Mapping) -> list[Reason]:
    box = data.get("help") if isinstance(data.get("help"), dict) else {}
    if any(box.get(key) for key in HELP_CONTACTS):
        return []
    return [Reason(REFUSE, HELP, Problem("checklist.no_human", ("help",)))]


def _placeholders(data: Mapping) -> list[Reason]:
    return [Reason(REFUSE, task_of(path), Problem("checklist.placeholder", path, text=text))
            for path, text in placeholders(dict(data))]


def _sending(data: Mapping, service: Service | None) -> list[Reason]:
    """Contact questions in a service that sends nothing; sending without a word on what
    happens next."""
    if data.get("submission"):
        sent = data["submission"] if isinstance(data["submission"], dict) else {}
        if not sent.get("confirmation"):
            return [Reason(NOTE, SENDING, Problem("checklist.no_confirmation", ("submission",)))]
        return []
    asked = contact_questions(data)
    if not asked:
        return []
    questions = ", ".join(_question_label(service, identifier) if service is not None else identifier
                          for _path, identifier in asked)
    return [Reason(REFUSE, SENDING, Problem("checklist.contact_not_sent", asked[0][0], questions=questions))]


def _contact(data: Mapping, contact: ContactService | None) -> list[Reason]:
    """A contact service that is not online, or that lacks a language of this service."""
    if contact is None:
        return []
    path = ("settings", "contact_service")
    if contact.languages is None:
        return [Reason(WARN, HELP, Problem("checklist.contact_offline", path, title=contact.title))]
    languages = [lang for lang in as_list(data.get("languages")) if isinstance(lang, str)] or ["fr"]
    if any(lang not in contact.languages for lang in languages):
        return [Reason(NOTE, LANGUAGES, Problem("checklist.contact_languages", path, title=contact.title))]
    return []


def recipients(data: Mapping) -> list[str]:
    """Who a mail tells of each answer sent: ``submission.notify``, else the organisation's
    address, else the help box's."""
    sent = data.get("submission") if isinstance(data.get("submission"), dict) else {}
    notify = [str(address) for address in as_list(sent.get("notify"))]
    organisation = data.get("organisation") if isinstance(data.get("organisation"), dict) else {}
    box = data.get("help") if isinstance(data.get("help"), dict) else {}
    fallback = organisation.get("email") or box.get("email")
    return notify or ([str(fallback)] if fallback else [])


def with_sending(data: dict) -> dict:
    """``data`` sending its answers when it asks for contact details or consent and sends
    nothing yet (a copy; ``data`` itself when nothing changes): whoever adds such a
    question wants them back."""
    if data.get("submission") or not contact_questions(data):
        return data
    return update_service(data, {"submission": {"copy": True}})


def asks_contact(type_name: Any, params: Mapping) -> bool:
    """Whether a block of type ``type_name`` with ``params`` asks for contact details or
    consent (an unknown type asks nothing)."""
    if type_name not in REGISTRY:
        return False
    block_type = REGISTRY.get(type_name)
    return type_name in CONSENT_TYPES or block_type.value(params, "autocomplete") in CONTACT_AUTOCOMPLETE


def contact_questions(data: Mapping) -> list[tuple[tuple, str]]:
    """``(path, id)`` of each question asking for contact details or consent (a reusable
    block's questions at the path of its ``use:``)."""
    found = []
    for step_index, step in enumerate(as_list(data.get("steps"))):
        entries = as_list(step.get("blocks")) if isinstance(step, dict) else []
        for block_index, entry in enumerate(entries):
            path = ("steps", step_index, "blocks", block_index)
            found += [(path, str(block.get("id"))) for block in _blocks_of(entry)
                      if asks_contact(block.get("type"), block)]
    return found


def _blocks_of(entry: Any) -> list[dict]:
    """The blocks an entry of a step stands for (a ``use:`` expanded; nothing when broken)."""
    if not isinstance(entry, dict):
        return []
    if "use" not in entry:
        return [entry]
    try:
        return expand_use(entry)
    except Problem:
        return []


def _personas(service: Service, personas: Iterable[Any]) -> list[Reason]:
    return [Reason(REFUSE, EXAMPLES, Problem("checklist.persona_failed", ("tests", index), name=result.persona.name))
            for index, result in enumerate(personas) if not result.passed]


# --- warned -----------------------------------------------------------------------------

def _old_sources(service: Service, today: dt.date, days: int) -> list[Reason]:
    found = []
    for index, outcome in enumerate(service.outcomes):
        checked = (outcome.source or {}).get("checked")
        if isinstance(checked, str):
            try:
                checked = dt.date.fromisoformat(checked)
            except ValueError:
                continue
        if isinstance(checked, dt.date) and (today - checked).days > days:
            title = localize(outcome.title, service.default_language, service.languages)
            found.append(Reason(WARN, OUTCOMES, Problem("checklist.source_old", ("outcomes", index, "source", "checked"),
                                                        title=title, date=checked.strftime("%d/%m/%Y"), days=days)))
    return found


def _crowded_steps(data: Mapping, service: Service) -> list[Reason]:
    """Steps asking two choices (or more) that are not one reusable block, nor a question and
    the follow-ups it reveals: each deserves its page."""
    found = []
    for index, (raw, step) in enumerate(zip(as_list(data.get("steps")), service.steps)):
        groups = _choice_groups(raw, step)
        if len(groups) >= 2:
            title = localize(step.title, service.default_language, service.languages) or step.id
            questions = ", ".join(_question_label(service, group[0]) for group in groups)
            found.append(Reason(WARN, QUESTIONS, Problem("checklist.step_crowded", ("steps", index),
                                                         title=title, questions=questions)))
    return found


def _choice_groups(raw: Any, step: Any) -> list[list[str]]:
    """The groups of questions of a step that hold a choice: one per ``use:`` entry, one
    per other question with the questions whose condition names it."""
    group_of: dict[str, str] = {}
    for entry in as_list(raw.get("blocks")) if isinstance(raw, dict) else []:
        ids = [str(block.get("id")) for block in _blocks_of(entry)]
        for identifier in ids:
            group_of[identifier] = ids[0]
    for block in step.blocks:
        named = [name for name in (block.show_if.names if block.show_if is not None else ())
                 if name in group_of]
        if named and group_of.get(block.id) == block.id:
            group_of[block.id] = group_of[named[0]]
    groups: dict[str, list[str]] = {}
    for block in step.blocks:
        if block.type.answer_type in ("option", "options", "boolean", "number") and block.id in group_of:
            groups.setdefault(group_of[block.id], []).append(block.id)
    return list(groups.values())


def _question_label(service: Service, block_id: str) -> str:
    """« Quel est votre âge ? »: a question by its label, not its id."""
    block = service.blocks.get(block_id)
    label = block.text("label", service.default_language, service.languages) if block is not None else ""
    return f"« {label or block_id} »"


# --- to look at again ---------------------------------------------------------------------

def untranslated(data: Mapping) -> list[tuple[tuple, Any]]:
    """``(path, text)`` of each text not yet in every language of the service."""
    languages = [lang for lang in as_list(data.get("languages")) if isinstance(lang, str)]
    if len(languages) < 2:
        return []
    return [(path, value) for path, value in text_places(dict(data)) if not _in_every(value, languages)]


def _translations(data: Mapping) -> list[Reason]:
    languages = [lang for lang in as_list(data.get("languages")) if isinstance(lang, str)]
    missing = untranslated(data)
    if not missing:
        return []
    return [Reason(NOTE, LANGUAGES, Problem("checklist.untranslated", ("languages",), count=len(missing),
                                            languages=", ".join(languages)))]


def _in_every(value: Any, languages: list[str]) -> bool:
    return isinstance(value, dict) and all(isinstance(value.get(lang), str) and value[lang].strip()
                                           for lang in languages)


def _examples(data: Mapping) -> list[Reason]:
    if as_list(data.get("tests")):
        return []
    return [Reason(NOTE, EXAMPLES, Problem("checklist.no_examples", ("tests",)))]
