"""Load a service file: read, check everything, report every problem with its line, compile.

``load_service(path)`` / ``load_service_text(text)`` return a compiled
:class:`~builder.format.model.Service` or raise :class:`ServiceFileError` holding
every problem found, each as ``FILE:LINE: message`` in French (or English).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from builder.format import references as refs
from builder.format.blocks_check import CheckedBlock, check_step_blocks
from builder.format.graph import evaluation_order
from builder.format.model import Block, Computed, Outcome, Persona, Service, Step
from builder.format.spec import IDENTIFIER, SERVICE, check_shape
from builder.format.yaml_lines import MAX_BYTES, YamlProblem, read_yaml
from builder.messages import Problem, Problems, register
from builder.rules.conditions import parse_condition
from builder.rules.expressions import parse

register({
    "file_not_found": ("Fichier introuvable.", "File not found."),
    "file_not_mapping": ("Un fichier de service commence par des clés (tremplin: 1, id:, title:, steps: …).",
                         "A service file starts with keys (tremplin: 1, id:, title:, steps: …)."),
    "computed_not_identifier": (
        "Le nom « {value} » ne peut pas servir dans une condition : lettres minuscules sans accent, "
        "chiffres et « _ », en commençant par une lettre.",
        "The name \"{value}\" cannot be used in a condition: lowercase letters, digits and \"_\", "
        "starting with a letter."),
    "computed_label_unknown": (
        "« {value} » n'est pas une valeur calculée : computed_labels ne nomme que des valeurs de computed.",
        "\"{value}\" is not a computed value: computed_labels names only values of computed."),
})


@dataclass
class LocatedProblem:
    """A problem with the file and line it stands on."""

    file: str
    line: int
    problem: Problem

    def format(self, lang: str = "fr") -> str:
        """``FILE:LINE: message``."""
        return f"{self.file}:{self.line}: {self.problem.message(lang)}"


class ServiceFileError(Exception):
    """A service file that cannot be loaded, with every problem found, in line order."""

    def __init__(self, problems: list[LocatedProblem]):
        super().__init__("\n".join(p.format() for p in problems))
        self.problems = problems

    def format(self, lang: str = "fr") -> str:
        """One ``FILE:LINE: message`` per line."""
        return "\n".join(problem.format(lang) for problem in self.problems)


def load_service(path: str | Path) -> Service:
    """Load, check and compile the service file at ``path``."""
    name = str(path)
    try:
        raw = Path(path).read_bytes() if Path(path).stat().st_size <= MAX_BYTES else None
    except OSError:
        raise ServiceFileError([LocatedProblem(name, 1, Problem("file_not_found"))]) from None
    if raw is None:
        size = Path(path).stat().st_size
        raise ServiceFileError([LocatedProblem(name, 1, Problem("file_too_large", size=size, limit=MAX_BYTES))])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ServiceFileError([LocatedProblem(name, 1, Problem("file_not_utf8"))]) from None
    return load_service_text(text, name)


def load_service_text(text: str, path: str = "<texte>") -> Service:
    """Load, check and compile a service file given as text (``path`` names it in messages)."""
    try:
        data, lines = read_yaml(text)
    except YamlProblem as problem:
        raise ServiceFileError([LocatedProblem(path, problem.line, problem)]) from None
    return compile_read(data, lines, path)


def compile_read(data: Any, lines: dict[tuple, int], path: str = "<texte>") -> Service:
    """Check and compile a file already read by :func:`read_yaml` (its data and the lines
    of its values), for a caller that needs the data too and should not read it twice."""
    return _Compiler(data, lines, path).compile()


def check_service_text(text: str, path: str = "<texte>") -> list[LocatedProblem]:
    """Every problem of a service file given as text (an empty list when it is valid)."""
    try:
        load_service_text(text, path)
    except ServiceFileError as error:
        return error.problems
    return []


class _Compiler:
    """Checks one parsed file, collecting every problem, then builds the model."""

    def __init__(self, data: Any, lines: dict[tuple, int], path: str):
        self.data, self.lines, self.path = data, lines, path
        self.problems: list[Problem] = []
        self.conditions: dict[tuple, Any] = {}
        self.expressions: dict[str, Any] = {}

    def line_of(self, path: tuple) -> int:
        """The line of ``path``, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 1)

    def compile(self) -> Service:
        """Check the file and build the compiled service, or raise ServiceFileError."""
        if not isinstance(self.data, dict):
            self._fail([Problem("file_not_mapping")])
        check_shape(self.data, SERVICE, (), self.problems)
        steps = self._step_blocks()
        self._check_ids(steps)
        order = self._check_references(steps)
        if not self.problems:
            self._check_calculations(steps, order)
        questions = {block.params.get("id") for _, blocks in steps for block in blocks if block.is_question}
        outcome_ids = {o.get("id") for o in self._list("outcomes") if isinstance(o, dict)}
        refs.check_personas(self.data.get("tests"), questions, outcome_ids, self.problems)
        refs.check_handoffs(self.data, questions, self.problems)
        refs.check_demarches(self._list("outcomes"), questions, self.problems)
        if self.problems:
            self._fail(self.problems)
        return self._build(steps, order)

    def _fail(self, problems: list[Problem]) -> None:
        located = [LocatedProblem(self.path, self.line_of(p.path), p) for p in problems]
        located.sort(key=lambda item: item.line)
        raise ServiceFileError(located)

    def _list(self, key: str) -> list:
        value = self.data.get(key)
        return value if isinstance(value, list) else []

    def _step_blocks(self) -> list[tuple[dict, list[CheckedBlock]]]:
        steps = []
        for index, step in enumerate(self._list("steps")):
            if isinstance(step, dict):
                path = ("steps", index, "blocks")
                steps.append((step, check_step_blocks(step.get("blocks"), path, self.problems)))
        return steps

    def _check_ids(self, steps: list[tuple[dict, list[CheckedBlock]]]) -> None:
        entries: list[tuple[str, tuple]] = []
        for index, (step, blocks) in enumerate(steps):
            entries.append((step.get("id"), ("steps", index, "id")))
            entries.extend((block.params.get("id"), block.path + ("id",)) for block in blocks)
        computed = self.data.get("computed")
        for name in computed if isinstance(computed, dict) else {}:
            entries.append((name, ("computed", name)))
            if not IDENTIFIER.match(name):
                self.problems.append(Problem("computed_not_identifier", ("computed", name), value=name))
        labels = self.data.get("computed_labels")
        for name in labels if isinstance(labels, dict) else {}:
            if name not in (computed if isinstance(computed, dict) else {}):
                self.problems.append(Problem("computed_label_unknown", ("computed_labels", name), value=name))
        for index, outcome in enumerate(self._list("outcomes")):
            if isinstance(outcome, dict):
                entries.append((outcome.get("id"), ("outcomes", index, "id")))
        entries = [(identifier, path) for identifier, path in entries if isinstance(identifier, str)]
        refs.check_unique_ids(entries, self.line_of, self.problems)

    def _check_references(self, steps: list[tuple[dict, list[CheckedBlock]]]) -> list[str]:
        """Check every expression's names, then order the values; return the order."""
        blocks = [block for _, step_blocks in steps for block in step_blocks]
        content = {b.params.get("id") for b in blocks if not b.is_question}
        computed = self.data.get("computed") if isinstance(self.data.get("computed"), dict) else {}
        known = {b.params.get("id") for b in blocks if b.is_question} | set(computed)
        dependencies: dict[str, set[str]] = {}
        for index, (step, step_blocks) in enumerate(steps):
            step_key = self._step_dependencies(step, ("steps", index), known, content, dependencies)
            for block in step_blocks:
                names = self._condition(block.params.get("show_if"), block.path + ("show_if",), known, content)
                if block.is_question and isinstance(block.params.get("id"), str):
                    dependencies[block.params["id"]] = names | ({step_key} if step_key else set())
        for name, source in computed.items():
            path = ("computed", name)
            dependencies[name] = refs.check_expression_names(str(source), path, known, content, self.problems)
        for index, outcome in enumerate(self._list("outcomes")):
            if isinstance(outcome, dict):
                self._condition(outcome.get("when"), ("outcomes", index, "when"), known, content)
        order, cycle = evaluation_order(dependencies)
        if cycle:
            self.problems.append(refs.cycle_problem(cycle, self._path_of_name(cycle[0], steps)))
        return order

    def _check_calculations(self, steps: list[tuple[dict, list[CheckedBlock]]], order: list[str]) -> None:
        """Calculations on what can never be a number (every expression reads well by now)."""
        roots = {leaf.path: leaf.expression.root for condition in self.conditions.values()
                 for leaf in condition.leaves() if hasattr(leaf, "expression")}
        answer_types = {block.params.get("id"): block.type.answer_type for _, blocks in steps for block in blocks
                        if block.is_question}
        computed = self.data.get("computed") if isinstance(self.data.get("computed"), dict) else {}
        refs.check_calculations(roots, computed, order, answer_types, self.problems)

    def _step_dependencies(self, step: dict, path: tuple, known: set, content: set, dependencies: dict) -> str | None:
        if step.get("show_if") is None:
            return None
        key = f"$step:{step.get('id')}"
        dependencies[key] = self._condition(step["show_if"], path + ("show_if",), known, content)
        return key

    def _condition(self, data: Any, path: tuple, known: set, content: set) -> set[str]:
        """Check a condition's names and structure; keep the parsed condition for the build."""
        if data is None:
            return set()
        before = len(self.problems)
        names = refs.check_condition_names(data, path, known, content, self.problems)
        if len(self.problems) == before:
            try:
                self.conditions[path] = parse_condition(data, path)
            except Problems as error:
                self.problems.extend(error.problems)
        return names

    def _path_of_name(self, name: str, steps: list[tuple[dict, list[CheckedBlock]]]) -> tuple:
        if name in (self.data.get("computed") or {}):
            return ("computed", name)
        for index, (step, blocks) in enumerate(steps):
            if name == f"$step:{step.get('id')}":
                return ("steps", index, "show_if")
            for block in blocks:
                if block.params.get("id") == name:
                    return block.path
        return ()

    def _build(self, steps: list[tuple[dict, list[CheckedBlock]]], order: list[str]) -> Service:
        built_steps = [self._build_step(index, step, blocks) for index, (step, blocks) in enumerate(steps)]
        languages = tuple(self.data.get("languages") or ("fr",))
        service = Service(
            data=self.data, id=self.data["id"], title=self.data["title"], languages=languages,
            steps=built_steps,
            blocks={block.id: block for step in built_steps for block in step.blocks},
            computed={name: Computed(name, parse(str(source)), self.line_of(("computed", name)),
                                     (self.data.get("computed_labels") or {}).get(name))
                      for name, source in (self.data.get("computed") or {}).items()},
            outcomes=[self._build_outcome(index, outcome) for index, outcome in enumerate(self._list("outcomes"))],
            personas=[self._build_persona(index, persona) for index, persona in enumerate(self._list("tests"))],
            order=[name for name in order if not name.startswith("$step:")],
            path=self.path, lines=self.lines,
        )
        from builder.rules.engine import compile_program
        service.evaluator = compile_program(service)
        return service

    def _build_step(self, index: int, step: dict, blocks: list[CheckedBlock]) -> Step:
        built = [Block(b.params["id"], b.type, b.params, step["id"],
                       self.conditions.get(b.path + ("show_if",)), self.line_of(b.path)) for b in blocks]
        return Step(step["id"], step.get("title") or "", built, self.conditions.get(("steps", index, "show_if")),
                    self.line_of(("steps", index)))

    def _build_outcome(self, index: int, outcome: dict) -> Outcome:
        return Outcome(outcome["id"], outcome["title"], self.conditions[("outcomes", index, "when")],
                       outcome.get("body"), outcome.get("amount"), list(outcome.get("links") or []),
                       outcome.get("source"), self.line_of(("outcomes", index)))

    def _build_persona(self, index: int, persona: dict) -> Persona:
        return Persona(persona["name"], dict(persona.get("answers") or {}), list(persona.get("expect") or []),
                       persona.get("today"), self.line_of(("tests", index)))
