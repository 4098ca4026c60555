"""Import Aides Jeunes benefit files (``data/benefits/javascript/*.yml`` of
betagouv/aides-jeunes): one or several benefits make one simulator.

Each benefit becomes an outcome whose condition is its general conditions, all true, and
its profiles, one of them true (:mod:`exports.aidesjeunes_conditions`); the questions
they need are asked one per page (:mod:`exports.aidesjeunes_questions`); the amount,
periodicity, links, institution and source go into the outcome
(:mod:`exports.aidesjeunes_outcomes`); generated personas make each outcome apply at
least once (:mod:`exports.aidesjeunes_personas`). What cannot be carried over is noted
``FILE:LINE: message``. The importer interface is described in :mod:`exports.interop`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import PurePath
from typing import Any, Sequence

import yaml

from builder.editing.document import dump_service
from builder.editing.ids import unique
from builder.format.loader import check_service_text, load_service_text
from builder.messages import register, render
from builder.rules.engine import decide
from builder.slugs import slugify
from exports.aidesjeunes_conditions import Translator
from exports.aidesjeunes_outcomes import outcome
from exports.aidesjeunes_personas import Solver
from exports.aidesjeunes_questions import CATALOGUE, Questions
from exports.aidesjeunes_read import looks_like_benefit, read_benefit
from exports.notes import Imported, ImportFailed, Note, Source

name = "aides-jeunes"
label = ("Aides Jeunes (fichiers d'aides)", "Aides Jeunes (benefit files)")
suffixes = (".yml", ".yaml")
USED = {"label", "institution", "description", "conditions", "voluntary_conditions", "conditions_generales",
        "profils", "interestFlag", "type", "montant", "unit", "legend", "periodicite", "link", "teleservice",
        "form", "instructions"}
SHOWN_ONLY = {"prefix", "imgSrc", "private", "top", "floorAt", "is_teleservice_need_register", "id", "source"}

register({
    "aj.header": (
        "Importé d'Aides Jeunes (betagouv/aides-jeunes, licence AGPL-3.0) le {date} : {files}.\n"
        "Ce qui n'a pas pu être repris tel quel est signalé à l'import, ligne par ligne\n"
        "(voir docs/import.md de Tremplin).",
        "Imported from Aides Jeunes (betagouv/aides-jeunes, AGPL-3.0 licence) on {date}: {files}.\n"
        "What could not be carried over as it was is reported by the import, line by line\n"
        "(see Tremplin's docs/import.md)."),
    "aj.not_yaml": ("Ce fichier n'est pas un fichier YAML lisible ({error}).",
                    "This file is not a readable YAML file ({error})."),
    "aj.not_benefit": (
        "Ce fichier n'est pas une aide d'Aides Jeunes (il lui faut label, institution et conditions_generales).",
        "This file is not an Aides Jeunes benefit (it needs label, institution and conditions_generales)."),
    "aj.key_dropped": ("La clé « {key} » n'est pas reprise : {why}",
                       "The key \"{key}\" is not carried over: {why}"),
    "aj.why_prefill": ("le lien prérempli d'Aides Jeunes dépend de leur simulateur ; le lien « teleservice » "
                       "est gardé.", "Aides Jeunes' prefilled link depends on their simulator; the "
                       "\"teleservice\" link is kept."),
    "aj.why_unknown": ("Tremplin ne la connaît pas.", "Tremplin does not know it."),
    "aj.no_persona": (
        "Aucun exemple n'a pu être trouvé pour lequel l'aide « {id} » s'applique (ses conditions se "
        "contredisent peut-être) : vérifiez-les.",
        "No example could be found for which the benefit \"{id}\" applies (its conditions may contradict "
        "each other): check them."),
    "aj.persona": ("Pour « {title} »", "For “{title}”"),
    "aj.summary": (
        "Répondez à quelques questions : nous vous montrons les aides que vous pouvez sans doute demander.\n\n"
        "Le résultat est une indication : c'est l'organisme qui décide.",
        "Answer a few questions: we show you the benefits you can probably ask for.\n\n"
        "The result is an indication: the organisation decides."),
    "aj.no_question": ("Ces aides ne demandent aucune condition : voyez-les tout de suite.",
                       "These benefits have no condition: see them now."),
    "aj.title": ("Les aides pour les jeunes", "Benefits for young people"),
})


def recognises(source: Source) -> bool:
    """Whether ``source`` is an Aides Jeunes benefit file (by its content)."""
    try:
        return looks_like_benefit(read_benefit(source.content))
    except (yaml.YAMLError, UnicodeDecodeError):
        return False


def import_service(sources: Sequence[Source], today: dt.date | None = None) -> Imported:
    """The simulator of the benefits of ``sources``, and the notes of what changed."""
    return _Import(today or dt.date.today()).run(sources)


class _Import:
    """One import: reads each benefit, translates it, then writes the questions and personas."""

    def __init__(self, today: dt.date):
        self.today, self.questions, self.notes = today, Questions(), []
        self.outcomes: list[dict[str, Any]] = []
        self.paths: dict[str, list[list[str]]] = {}
        self.files: dict[str, str] = {}

    def run(self, sources: Sequence[Source]) -> Imported:
        benefits = [(source, self._read(source)) for source in sources]
        for source, benefit in benefits:
            self._benefit(source, benefit)
        data = self._service(sources)
        data["tests"] = self._personas(dump_service(data))
        header = "\n".join(f"# {line}" for line in render(
            "aj.header", "fr", date=self.today.isoformat(),
            files=", ".join(PurePath(source.name).name for source in sources)).splitlines()) + "\n"
        text = dump_service(data, header)
        problems = check_service_text(text, "import.yaml")
        if problems:  # a bug of this importer: say it rather than write a broken file
            raise ImportFailed([Note(sources[0].name, 1, "aj.not_benefit")] +
                               [Note("import.yaml", p.line, "aj.key_dropped", {"key": "?", "why": p.format()})
                                for p in problems])
        return Imported(text, sorted(self.notes, key=lambda note: (note.file, note.line)))

    def _read(self, source: Source) -> dict:
        try:
            data = read_benefit(source.content)
        except (yaml.YAMLError, UnicodeDecodeError) as error:
            line = getattr(getattr(error, "problem_mark", None), "line", 0) + 1
            raise ImportFailed([Note(source.name, line, "aj.not_yaml", {"error": str(error).splitlines()[0]})]) \
                from None
        if not looks_like_benefit(data):
            raise ImportFailed([Note(source.name, 1, "aj.not_benefit")])
        return data

    def _benefit(self, source: Source, benefit: dict) -> None:
        def note(line: int, code: str, **params: Any) -> None:
            self.notes.append(Note(source.name, line, code, params))

        self._note_keys(benefit, note)
        taken = [o["id"] for o in self.outcomes] + list(CATALOGUE) + ["age", "presentation", "sans_condition"]
        identifier = unique(slugify(PurePath(source.name).stem, "aide"), taken)
        translator = Translator(self.questions, benefit, note)
        general = [e for e in map(translator.condition, benefit.get("conditions_generales") or []) if e]
        if isinstance(benefit.get("interestFlag"), str):
            general.append(self.questions.interest(benefit["interestFlag"]))
        profiles = self._profiles(translator, benefit.get("profils") or [])
        self.files[identifier] = source.name
        self.paths[identifier] = [general + profile for profile in profiles] if profiles is not None else [general]
        self.outcomes.append(outcome(identifier, benefit, _when(general, profiles), self.today, note))

    def _profiles(self, translator: Translator, profiles: list) -> list[list[str]] | None:
        """Each profile's test and conditions; None when the benefit has no profile."""
        if not profiles:
            return None
        found = []
        for profile in profiles:
            test = translator.profile(profile)
            if test is not None:
                conditions = profile.get("conditions") or [] if isinstance(profile, dict) else []
                found.append([test] + [e for e in map(translator.condition, conditions) if e])
        return found

    def _note_keys(self, benefit: dict, note: Any) -> None:
        for key in benefit:
            if key in USED or key in SHOWN_ONLY:
                continue
            why = "aj.why_prefill" if key == "teleservicePrefill" else "aj.why_unknown"
            note(benefit.line_of(key), "aj.key_dropped", key=key, why=render(why, "fr"))

    def _service(self, sources: Sequence[Source]) -> dict[str, Any]:
        single = len(self.outcomes) == 1
        blocks = self.questions.blocks()
        data: dict[str, Any] = {
            "tremplin": 1,
            "id": self.outcomes[0]["id"] if single else "aides-jeunes",
            "title": self.outcomes[0]["title"] if single else render("aj.title", "fr"),
            "summary": render("aj.summary", "fr"),
        }
        if self.questions.computed:
            data["computed"] = dict(self.questions.computed)
        if self.questions.computed_labels:
            data["computed_labels"] = dict(self.questions.computed_labels)
        data["steps"] = [{"id": "page-" + block["id"].replace("_", "-"), "blocks": [block]} for block in blocks] or \
            [{"id": "presentation", "blocks": [{"type": "content", "id": "sans_condition",
                                                  "body": render("aj.no_question", "fr")}]}]
        data["outcomes"] = self.outcomes
        return data

    def _personas(self, text: str) -> list[dict[str, Any]]:
        service = load_service_text(text, "import.yaml")
        solver = Solver(self.questions.blocks(), self.questions.computed, self.today)
        personas = []
        for found in self.outcomes:
            if any(found["id"] in persona["expect"] for persona in personas):
                continue  # an earlier example already shows it
            answers = next((found for found in map(solver.solve, self.paths[found["id"]]) if found is not None), None)
            if answers is None:
                self.notes.append(Note(self.files[found["id"]], 1, "aj.no_persona", {"id": found["id"]}))
                continue
            statuses = decide(service, answers, self.today)
            personas.append({"name": render("aj.persona", "fr", title=found["title"]), "today": self.today,
                             "answers": answers,
                             "expect": [key for key, status in statuses.items() if status == "yes"]})
        return personas


def _when(general: list[str], profiles: list[list[str]] | None) -> Any:
    """``all:`` the general conditions, and ``any:`` of the profiles (each ``all:`` its own)."""
    parts: list[Any] = list(general)
    if profiles is not None:
        alternatives = [p[0] if len(p) == 1 else {"all": p} for p in profiles]
        parts.append({"any": alternatives} if len(alternatives) > 1 else alternatives[0] if alternatives else "false")
    if not parts:
        return "true"
    return parts[0] if len(parts) == 1 else {"all": parts}
