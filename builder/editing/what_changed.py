"""What changed between two versions of a service, in words.

:func:`changes` compares two services' data (what is online and the draft, or a version
and the one before) thing by thing, as the person built them: « Question ajoutée :
« Votre âge » dans l'étape « Vous » », « Condition du résultat « Aide au permis »
modifiée », « Exemple supprimé : « Léa, 19 ans » ». Steps and outcomes are followed by
their id, questions by their key (:func:`~builder.editing.locate.block_key`), examples
by their name; what has no words of its own is named by its part of the file. The file
diff stays available beside it, for those who read YAML.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator, Mapping

from builder.editing.locate import as_list, block_key
from builder.format.model import localize
from builder.messages import known_codes, register, render

register({
    "changed.title": ("Titre du service modifié : « {after} »", "Service title changed: “{after}”"),
    "changed.section": ("{part} : modifié", "{part}: changed"),
    "changed.sending_on": ("Les réponses sont maintenant envoyées", "The answers are now sent"),
    "changed.sending_off": ("Les réponses ne sont plus envoyées", "The answers are no longer sent"),
    "changed.step_added": ("Étape ajoutée : « {title} »", "Step added: “{title}”"),
    "changed.step_removed": ("Étape supprimée : « {title} »", "Step deleted: “{title}”"),
    "changed.step_renamed": ("Étape « {before} » renommée « {title} »", "Step “{before}” renamed “{title}”"),
    "changed.step_condition": ("Condition de l'étape « {title} » modifiée", "Condition of the step “{title}” changed"),
    "changed.steps_moved": ("Ordre des étapes modifié", "Order of the steps changed"),
    "changed.block_added": ("Question ajoutée : « {label} » dans l'étape « {step} »",
                            "Question added: “{label}” in the step “{step}”"),
    "changed.block_removed": ("Question supprimée : « {label} » (étape « {step} »)",
                              "Question deleted: “{label}” (step “{step}”)"),
    "changed.block_moved": ("Question « {label} » déplacée dans l'étape « {step} »",
                            "Question “{label}” moved to the step “{step}”"),
    "changed.block_label": ("Question reformulée : « {before} » devient « {label} »",
                            "Question reworded: “{before}” becomes “{label}”"),
    "changed.block_condition": ("Condition de la question « {label} » modifiée",
                                "Condition of the question “{label}” changed"),
    "changed.block_changed": ("Question « {label} » modifiée", "Question “{label}” changed"),
    "changed.blocks_moved": ("Ordre des questions de l'étape « {step} » modifié",
                             "Order of the questions of the step “{step}” changed"),
    "changed.outcome_added": ("Résultat ajouté : « {title} »", "Outcome added: “{title}”"),
    "changed.outcome_removed": ("Résultat supprimé : « {title} »", "Outcome deleted: “{title}”"),
    "changed.outcome_condition": ("Condition du résultat « {title} » modifiée",
                                  "Condition of the outcome “{title}” changed"),
    "changed.outcome_changed": ("Résultat « {title} » modifié", "Outcome “{title}” changed"),
    "changed.persona_added": ("Exemple ajouté : « {name} »", "Example added: “{name}”"),
    "changed.persona_removed": ("Exemple supprimé : « {name} »", "Example deleted: “{name}”"),
    "changed.persona_changed": ("Exemple « {name} » modifié", "Example “{name}” changed"),
    # the parts of the file without words of their own
    "changed.part.summary": ("Présentation du service", "Service description"),
    "changed.part.duration": ("Temps pour répondre", "Time to answer"),
    "changed.part.requirements": ("Ce qu'il faut avoir sous la main", "What to have at hand"),
    "changed.part.languages": ("Langues du service", "Languages of the service"),
    "changed.part.organisation": ("Organisation", "Organisation"),
    "changed.part.help": ("Encadré « Besoin d'aide ? »", "“Need help?” box"),
    "changed.part.computed": ("Valeurs calculées", "Computed values"),
    "changed.part.submission": ("Envoi des réponses", "Sending the answers"),
    "changed.part.settings": ("Réglages", "Settings"),
    "changed.part.other": ("Partie « {key} » du fichier", "Part “{key}” of the file"),
})

# Compared thing by thing below; any other top-level key is compared as a whole.
_OWN_WORDS = ("tremplin", "id", "title", "steps", "outcomes", "tests", "submission")


@dataclass(frozen=True)
class Change:
    """One change, as a message code of :mod:`builder.messages` and its parameters."""

    code: str
    params: tuple[tuple[str, str], ...] = ()

    def message(self, lang: str = "fr") -> str:
        """The change in words, in ``lang``."""
        params = dict(self.params)
        if self.code == "changed.section":
            key = params.pop("key")
            part_code = f"changed.part.{key}"
            params["part"] = render(part_code if part_code in known_codes() else "changed.part.other", lang, key=key)
        return render(self.code, lang, **params)


def _change(code: str, **params: Any) -> Change:
    return Change(code, tuple((key, str(value)) for key, value in params.items()))


def changes(before: Mapping, after: Mapping) -> list[Change]:
    """What turned ``before`` into ``after``, in the order of the file (an empty mapping
    for a service never published)."""
    lang = _language(after)
    found: list[Change] = []
    if before.get("title") != after.get("title"):
        found.append(_change("changed.title", after=_text(after.get("title"), lang)))
    found += list(_sections(before, after))
    found += list(_steps(before, after, lang))
    found += list(_blocks(before, after, lang))
    found += list(_outcomes(before, after, lang))
    found += list(_personas(before, after))
    return found


def _language(data: Mapping) -> str:
    languages = [lang for lang in as_list(data.get("languages")) if isinstance(lang, str)]
    return languages[0] if languages else "fr"


def _text(value: Any, lang: str) -> str:
    return localize(value, lang) if value is not None else ""


def _sections(before: Mapping, after: Mapping) -> Iterator[Change]:
    was, now = before.get("submission"), after.get("submission")
    if bool(was) != bool(now):
        yield _change("changed.sending_on" if now else "changed.sending_off")
    elif was != now:
        yield _change("changed.section", key="submission")
    keys = [key for key in (*after, *(key for key in before if key not in after)) if key not in _OWN_WORDS]
    for key in keys:
        if before.get(key) != after.get(key):
            yield _change("changed.section", key=key)


def _by_id(items: Any) -> dict[str, dict]:
    return {item["id"]: item for item in as_list(items) if isinstance(item, dict) and isinstance(item.get("id"), str)}


def _steps(before: Mapping, after: Mapping, lang: str) -> Iterator[Change]:
    old, new = _by_id(before.get("steps")), _by_id(after.get("steps"))
    for step_id, step in new.items():
        title = _text(step.get("title"), lang) or step_id
        if step_id not in old:
            yield _change("changed.step_added", title=title)
            continue
        if old[step_id].get("title") != step.get("title"):
            yield _change("changed.step_renamed", before=_text(old[step_id].get("title"), lang) or step_id, title=title)
        if old[step_id].get("show_if") != step.get("show_if"):
            yield _change("changed.step_condition", title=title)
    for step_id, step in old.items():
        if step_id not in new:
            yield _change("changed.step_removed", title=_text(step.get("title"), lang) or step_id)
    kept = [step_id for step_id in old if step_id in new]
    if kept != [step_id for step_id in new if step_id in old]:
        yield _change("changed.steps_moved")


def _entries(data: Mapping) -> dict[str, tuple[str, int, dict]]:
    """Every entry of every step by its key: (the step's id, its place, the entry)."""
    found = {}
    for step in as_list(data.get("steps")):
        if not isinstance(step, dict):
            continue
        for index, entry in enumerate(as_list(step.get("blocks"))):
            if isinstance(entry, dict):
                found[block_key(entry, step.get("id"), index)] = (str(step.get("id")), index, entry)
    return found


def _blocks(before: Mapping, after: Mapping, lang: str) -> Iterator[Change]:
    old, new = _entries(before), _entries(after)
    titles = {**_step_titles(before, lang), **_step_titles(after, lang)}
    for key, (step_id, _index, entry) in new.items():
        label = _label(entry, key, lang)
        if key not in old:
            yield _change("changed.block_added", label=label, step=titles[step_id])
            continue
        was_step, _was_index, was = old[key]
        if was_step != step_id:
            yield _change("changed.block_moved", label=label, step=titles[step_id])
        yield from _block_edits(was, entry, label, lang)
    for key, (step_id, _index, entry) in old.items():
        if key not in new:
            yield _change("changed.block_removed", label=_label(entry, key, lang), step=titles[step_id])
    yield from _reordered(old, new, titles)


def _block_edits(was: dict, entry: dict, label: str, lang: str) -> Iterator[Change]:
    if was.get("label") != entry.get("label") and was.get("label") is not None:
        yield _change("changed.block_label", before=_text(was.get("label"), lang), label=label)
    if was.get("show_if") != entry.get("show_if"):
        yield _change("changed.block_condition", label=label)
    rest = ("label", "show_if")
    if {k: v for k, v in was.items() if k not in rest} != {k: v for k, v in entry.items() if k not in rest}:
        yield _change("changed.block_changed", label=label)


def _reordered(old: dict, new: dict, titles: dict[str, str]) -> Iterator[Change]:
    """Steps whose kept questions are no longer in the same order."""
    for step_id in dict.fromkeys(step for step, _index, _entry in new.values()):
        was = [key for key, (step, _i, _e) in sorted(old.items(), key=lambda item: item[1][1])
               if step == step_id and key in new and new[key][0] == step_id]
        now = [key for key, (step, _i, _e) in sorted(new.items(), key=lambda item: item[1][1])
               if step == step_id and key in old and old[key][0] == step_id]
        if was != now:
            yield _change("changed.blocks_moved", step=titles[step_id])


def _step_titles(data: Mapping, lang: str) -> dict[str, str]:
    return {step_id: _text(step.get("title"), lang) or step_id for step_id, step in _by_id(data.get("steps")).items()}


def _label(entry: dict, key: str, lang: str) -> str:
    if "use" in entry:
        return str(entry["use"])
    return _text(entry.get("label"), lang) or key


def _outcomes(before: Mapping, after: Mapping, lang: str) -> Iterator[Change]:
    old, new = _by_id(before.get("outcomes")), _by_id(after.get("outcomes"))
    for outcome_id, outcome in new.items():
        title = _text(outcome.get("title"), lang) or outcome_id
        if outcome_id not in old:
            yield _change("changed.outcome_added", title=title)
            continue
        was = old[outcome_id]
        if was.get("when") != outcome.get("when"):
            yield _change("changed.outcome_condition", title=title)
        if {k: v for k, v in was.items() if k != "when"} != {k: v for k, v in outcome.items() if k != "when"}:
            yield _change("changed.outcome_changed", title=title)
    for outcome_id, outcome in old.items():
        if outcome_id not in new:
            yield _change("changed.outcome_removed", title=_text(outcome.get("title"), lang) or outcome_id)


def _personas(before: Mapping, after: Mapping) -> Iterator[Change]:
    old = {str(item.get("name")): item for item in as_list(before.get("tests")) if isinstance(item, dict)}
    new = {str(item.get("name")): item for item in as_list(after.get("tests")) if isinstance(item, dict)}
    for name, persona in new.items():
        if name not in old:
            yield _change("changed.persona_added", name=name)
        elif old[name] != persona:
            yield _change("changed.persona_changed", name=name)
    for name in old:
        if name not in new:
            yield _change("changed.persona_removed", name=name)
