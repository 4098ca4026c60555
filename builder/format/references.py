"""Check what a service file's expressions and personas refer to.

Every condition leaf and computed expression is parsed; names must be questions
or computed values; persona answers must name questions and persona expectations
outcomes. Each problem carries the path of the exact leaf, hence its line.
"""

from __future__ import annotations

from typing import Any, Iterator

from builder.messages import Problem, Suggestion, register
from builder.rules.expressions import parse
from builder.rules.kinds import ANSWER_KINDS, kind_of, not_numbers

register({
    "demarche_unknown_question": (
        "« {name} » n'est pas une question de ce service : la démarche ne peut pas être préremplie avec.{hint}",
        "\"{name}\" is not a question of this service: the démarche cannot be prefilled with it.{hint}"),
    "unknown_name": ("« {name} » n'est ni une question ni une valeur calculée de ce service.{hint}",
                     "\"{name}\" is neither a question nor a computed value of this service.{hint}"),
    "content_has_no_value": ("« {name} » est un bloc de texte (content) : il n'a pas de réponse à tester.",
                             "\"{name}\" is a content block: it has no answer to test."),
    "duplicate_id": ("L'identifiant « {id} » est déjà utilisé ligne {first} : chaque étape, question, "
                     "valeur calculée et résultat doit avoir le sien.",
                     "The id \"{id}\" is already used on line {first}: every step, question, computed value "
                     "and outcome needs its own."),
    "cycle": ("Ces valeurs dépendent les unes des autres en boucle : {cycle}.",
              "These values depend on each other in a loop: {cycle}."),
    "persona_unknown_question": ("L'exemple « {persona} » répond à « {name} », qui n'est pas une question "
                                 "de ce service.{hint}",
                                 "The example \"{persona}\" answers \"{name}\", which is not a question of this "
                                 "service.{hint}"),
    "persona_unknown_outcome": ("L'exemple « {persona} » attend le résultat « {name} », qui n'existe pas.{hint}",
                                "The example \"{persona}\" expects the outcome \"{name}\", which does not "
                                "exist.{hint}"),
    "handoff_unknown_question": ("« {name} » n'est pas une question de ce service : elle ne peut pas être "
                                 "transmise.{hint}",
                                 "\"{name}\" is not a question of this service: it cannot be passed on.{hint}"),
    "calculation_not_number": (
        "Un calcul (+ - * /) porte ici sur {what_fr}, pas sur un nombre : son résultat serait toujours vide.",
        "A calculation (+ - * /) here works on {what_en}, not a number: its result would always be empty."),
    "condition_bad_leaf": ("Une condition doit être une expression entre guillemets, ou « all: », « any: » "
                           "ou « not: ».",
                           "A condition must be a quoted expression, or \"all:\", \"any:\" or \"not:\"."),
})


# What a calculation was given instead of a number, by kind (see builder.rules.kinds).
_KIND_WORDS = {"boolean": ("un oui ou non (une condition, vraie ou fausse)",
                           "a yes or no (a condition, true or false)"),
               "text": ("un texte", "a text"), "date": ("une date", "a date"), "list": ("une liste", "a list")}


def check_calculations(roots: dict[tuple, Any], computed: dict[str, Any], order: list[str],
                       answer_types: dict[str, str | None], problems: list[Problem]) -> None:
    """Report every calculation on what can never be a number (:mod:`builder.rules.kinds`):
    ``roots`` are the parsed leaves of the conditions by path, ``computed`` the computed
    values' sources, ``order`` the order they are worked out in, ``answer_types`` the
    questions' ``answer_type``."""
    kinds = {name: ANSWER_KINDS.get(answer_type or "") for name, answer_type in answer_types.items()}
    roots = dict(roots)
    for name in order:
        if name in computed:
            root = parse(str(computed[name])).root
            roots[("computed", name)] = root
            kinds[name] = kind_of(root, kinds)
    for path, root in roots.items():
        problems += calculation_problems(root, kinds, path)


def calculation_problems(root: Any, kinds: dict[str, str | None], path: tuple = ()) -> list[Problem]:
    """One problem per side of a calculation under ``root`` that can never be a number
    (``kinds``: the kinds of the names, :data:`builder.rules.kinds.ANSWER_KINDS`' values)."""
    return [Problem("calculation_not_number", path, column=node.column, what_fr=_KIND_WORDS[kind][0],
                    what_en=_KIND_WORDS[kind][1]) for node, kind in not_numbers(root, kinds)]


def condition_leaves(data: Any, path: tuple) -> Iterator[tuple[tuple, Any]]:
    """Every leaf of a condition tree with its path (the tree's shape is checked elsewhere)."""
    if isinstance(data, dict) and len(data) == 1:
        (key, value), = data.items()
        if key in ("all", "any") and isinstance(value, list):
            for index, item in enumerate(value):
                yield from condition_leaves(item, path + (key, index))
            return
        if key == "not":
            yield from condition_leaves(value, path + (key,))
            return
    yield path, data


def check_expression_names(source: str, path: tuple, known: set[str], content: set[str],
                           problems: list[Problem]) -> set[str]:
    """Parse ``source`` and report syntax errors and names that are not ``known``; return its names."""
    try:
        expression = parse(source)
    except Problem as problem:
        problem.path = path
        problems.append(problem)
        return set()
    for name in sorted(expression.names):
        if name in content:
            problems.append(Problem("content_has_no_value", path, name=name))
        elif name not in known:
            problems.append(Problem("unknown_name", path, name=name, hint=Suggestion.among(name, known)))
    return set(expression.names)


def check_condition_names(data: Any, path: tuple, known: set[str], content: set[str],
                          problems: list[Problem]) -> set[str]:
    """Check every leaf of a condition; return all the names it uses."""
    names: set[str] = set()
    for leaf_path, leaf in condition_leaves(data, path):
        if isinstance(leaf, str):
            names |= check_expression_names(leaf, leaf_path, known, content, problems)
        elif not isinstance(leaf, bool):
            problems.append(Problem("condition_bad_leaf", leaf_path))
    return names


def check_unique_ids(entries: list[tuple[str, tuple]], line_of, problems: list[Problem]) -> None:
    """Report every id used more than once, pointing at the first use."""
    first: dict[str, tuple] = {}
    for identifier, path in entries:
        if identifier in first:
            problems.append(Problem("duplicate_id", path, id=identifier, first=line_of(first[identifier])))
        else:
            first[identifier] = path


def cycle_problem(cycle: list[str], path: tuple) -> Problem:
    """A problem describing a dependency loop, e.g. « a → b → a »."""
    shown = [name.removeprefix("$step:") for name in cycle]
    return Problem("cycle", path, cycle=" → ".join(shown))


def check_demarches(outcomes: list, questions: set[str], problems: list[Problem]) -> None:
    """A démarche's fields are filled from questions of the service."""
    for index, outcome in enumerate(outcomes):
        links = outcome.get("links") if isinstance(outcome, dict) else None
        for position, link in enumerate(links if isinstance(links, list) else []):
            demarche = link.get("demarche") if isinstance(link, dict) else None
            champs = demarche.get("champs") if isinstance(demarche, dict) else None
            for key in champs if isinstance(champs, dict) else []:
                if key not in questions:
                    problems.append(Problem("demarche_unknown_question",
                                            ("outcomes", index, "links", position, "demarche", "champs", key),
                                            name=key, hint=Suggestion.among(str(key), questions)))


def check_personas(personas: Any, questions: set[str], outcomes: set[str], problems: list[Problem]) -> None:
    """Persona answers must name questions, and expectations outcomes."""
    if not isinstance(personas, list):
        return
    for index, persona in enumerate(personas):
        if not isinstance(persona, dict):
            continue
        name = persona.get("name", f"n° {index + 1}")
        answers = persona.get("answers")
        if isinstance(answers, dict):
            for key in answers:
                if key not in questions:
                    problems.append(Problem("persona_unknown_question", ("tests", index, "answers", key),
                                            persona=name, name=key, hint=Suggestion.among(key, questions)))
        expect = persona.get("expect")
        if isinstance(expect, list):
            for position, outcome in enumerate(expect):
                if isinstance(outcome, str) and outcome not in outcomes:
                    problems.append(Problem("persona_unknown_outcome", ("tests", index, "expect", position),
                                            persona=name, name=outcome, hint=Suggestion.among(outcome, outcomes)))


def handoff_paths(data: dict) -> Iterator[tuple[tuple, Any]]:
    """Each hand-off of the file (the help box's appointment, each outcome's links) with its path."""
    help_box = data.get("help")
    if isinstance(help_box, dict) and isinstance(help_box.get("appointment_handoff"), dict):
        yield ("help", "appointment_handoff"), help_box["appointment_handoff"]
    outcomes = data.get("outcomes")
    for index, outcome in enumerate(outcomes if isinstance(outcomes, list) else []):
        links = outcome.get("links") if isinstance(outcome, dict) else None
        for number, link in enumerate(links if isinstance(links, list) else []):
            if isinstance(link, dict) and isinstance(link.get("handoff"), dict):
                yield ("outcomes", index, "links", number, "handoff"), link["handoff"]


def check_handoffs(data: dict, questions: set[str], problems: list[Problem]) -> None:
    """The answers a hand-off may pass on must be questions of the service."""
    for path, handoff in handoff_paths(data):
        answers = handoff.get("answers")
        for position, name in enumerate(answers if isinstance(answers, list) else []):
            if isinstance(name, str) and name not in questions:
                problems.append(Problem("handoff_unknown_question", path + ("answers", position), name=name,
                                        hint=Suggestion.among(name, questions)))
