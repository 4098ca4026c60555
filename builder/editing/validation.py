"""Check a service while it is edited, and put each problem next to what caused it.

:func:`validate` runs the loader itself on the text the studio would save, so the editor
and ``tremplin validate`` never disagree; each problem's path in the file becomes a
:class:`~builder.editing.locate.Where` (the step, block, outcome or persona, and the
field). A few messages are worded for the editor, where « clé » and « liste » mean
nothing to the person clicking.
"""

from __future__ import annotations

from dataclasses import dataclass

from builder.editing.document import dump_service
from builder.editing.locate import Where, where_of
from builder.format.loader import (
    LocatedProblem,
    ServiceFileError,
    check_service_text,
    compile_read,
)
from builder.format.model import Service
from builder.messages import Problem, register

register({
    "editing.step_empty": ("Cette étape n'a pas encore de bloc : ajoutez une question ou un texte.",
                           "This step has no block yet: add a question or a text."),
    "editing.outcome_without_when": (
        "Dites quand ce résultat s'applique : ajoutez une condition.",
        "Say when this outcome applies: add a condition."),
    "editing.no_steps": ("Le service n'a pas encore d'étape : ajoutez-en une.",
                         "The service has no step yet: add one."),
})


@dataclass(frozen=True)
class Located:
    """A problem of the service, where it is (``where``) and its line in the saved file."""

    where: Where
    line: int
    problem: Problem

    def message(self, lang: str = "fr") -> str:
        """The message in ``lang`` (French by default)."""
        return self.problem.message(lang)

    @property
    def step_id(self) -> str | None:
        """The step the problem is in, if any."""
        return self.where.step_id

    @property
    def block_id(self) -> str | None:
        """The block (its key) the problem is in, if any."""
        return self.where.block_id

    @property
    def outcome_id(self) -> str | None:
        """The outcome the problem is in, if any."""
        return self.where.outcome_id

    @property
    def field(self) -> str | None:
        """The field of that thing the problem is about (``label``, ``show_if``…)."""
        return self.where.field


def validate(data: dict) -> list[Located]:
    """Every problem of the service ``data``, each placed next to its cause, in the order
    of the file (an empty list when the service is valid)."""
    return _placed(data, check_service_text(dump_service(data)))


def check_read(data: dict, lines: dict[tuple, int], path: str) -> tuple[list[Located], Service | None]:
    """The problems of a service file already read (its data, and the lines of the values
    in its text), each placed next to its cause, and the compiled service when there are
    none: the loader runs once, on the saved text itself, and its lines are that text's."""
    try:
        return [], compile_read(data, lines, path)
    except ServiceFileError as error:
        return _placed(data, error.problems), None


def _placed(data: dict, found: list[LocatedProblem]) -> list[Located]:
    return [Located(where_of(data, item.problem.path), item.line, _for_editor(item.problem)) for item in found]


def _for_editor(problem: Problem) -> Problem:
    """The same problem, worded for the editor when the loader's words are about YAML."""
    path, code = problem.path, problem.code
    if code == "empty_list" and len(path) == 3 and path[0] == "steps" and path[2] == "blocks":
        return Problem("editing.step_empty", path)
    if code == "empty_list" and path == ("steps",):
        return Problem("editing.no_steps", path)
    if code == "missing_key" and problem.params.get("key") == "when" and path[:1] == ("outcomes",):
        return Problem("editing.outcome_without_when", path)
    return problem
