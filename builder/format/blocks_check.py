"""Check the blocks of a service file against the block registry.

Expands ``use:`` entries from the library, then checks each block's type, keys,
parameter kinds and impossible parameter combinations, collecting every problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from blocks import REGISTRY
from blocks.library import expand_use
from builder.format.spec import IDENTIFIER, unknown_key_problem
from builder.messages import Problem, Suggestion, register

register({
    "block_not_mapping": ("Un bloc doit contenir des clés (type:, id:, label: …) ou « use: ».",
                          "A block must contain keys (type:, id:, label: …) or \"use:\"."),
    "block_without_type": ("Ce bloc n'a pas de « type: » (ni de « use: »).{hint}",
                           "This block has no \"type:\" (nor \"use:\").{hint}"),
    "unknown_block_type": ("Le type de bloc « {name} » n'existe pas.{hint}",
                           "The block type \"{name}\" does not exist.{hint}"),
    "block_id_not_identifier": (
        "L'identifiant « {value} » ne peut pas servir dans une condition : utilisez des lettres minuscules "
        "sans accent, des chiffres et « _ », en commençant par une lettre (par exemple « date_naissance »).",
        "The id \"{value}\" cannot be used in a condition: use lowercase letters, digits and \"_\", "
        "starting with a letter (e.g. \"date_naissance\")."),
    "missing_param": ("Le bloc « {block} » ({type}) doit avoir « {key} ».",
                      "The block \"{block}\" ({type}) must have \"{key}\"."),
})


@dataclass
class CheckedBlock:
    """A block after expansion and normalisation, with where it was written."""

    params: dict[str, Any]
    type: Any  # None when the type is unknown
    path: tuple
    sound: bool = True

    @property
    def is_question(self) -> bool:
        """Whether the block has an answer (a block of unknown type is assumed to, to avoid cascades)."""
        return self.type is None or self.type.answer_type is not None


def check_step_blocks(entries: Any, path: tuple, problems: list[Problem]) -> list[CheckedBlock]:
    """Expand and check the ``blocks:`` list of one step; return the blocks that are sound."""
    checked: list[CheckedBlock] = []
    if not isinstance(entries, list):
        return checked
    for index, entry in enumerate(entries):
        entry_path = path + (index,)
        for params in _expand(entry, entry_path, problems):
            block = check_block(params, entry_path, problems)
            if block is not None:
                checked.append(block)
    return checked


def _expand(entry: Any, path: tuple, problems: list[Problem]) -> list[Any]:
    if isinstance(entry, dict) and "use" in entry:
        try:
            return expand_use(entry, path)
        except Problem as problem:
            problems.append(_rooted(problem, path))
            return []
    return [entry]


def check_block(params: Any, path: tuple, problems: list[Problem]) -> CheckedBlock | None:
    """Check one block mapping; append problems and return it (normalised when sound).

    A block with problems is still returned, marked not sound, so that its id stays
    known and conditions naming it do not report a second, misleading problem.
    """
    if not isinstance(params, dict):
        problems.append(Problem("block_not_mapping", path))
        return None
    type_name = params.get("type")
    if type_name is None:
        problems.append(Problem("block_without_type", path, hint=Suggestion(None, REGISTRY.names())))
        return CheckedBlock(params, None, path, sound=False)
    if type_name not in REGISTRY:
        problems.append(Problem("unknown_block_type", path + ("type",), name=type_name,
                                hint=Suggestion.among(str(type_name), REGISTRY.names())))
        return CheckedBlock(params, None, path, sound=False)
    block_type = REGISTRY.get(type_name)
    before = len(problems)
    _check_params(params, block_type, path, problems)
    if len(problems) > before:
        return CheckedBlock(params, block_type, path, sound=False)
    normalized = block_type.normalize(params)
    for problem in block_type.check_params(normalized):
        problems.append(_rooted(problem, path))
    return CheckedBlock(normalized, block_type, path)


def _check_params(params: dict, block_type: Any, path: tuple, problems: list[Problem]) -> None:
    declared = {param.name: param for param in block_type.all_params()}
    for key, value in params.items():
        if key == "type":
            continue
        if key not in declared:
            problems.append(unknown_key_problem(key, ["type", *declared], path + (key,)))
            continue
        problem = declared[key].check(value)
        if problem is not None:
            problems.append(_rooted(problem, path))
    for name, param in declared.items():
        if param.required and name not in params:
            problems.append(Problem("missing_param", path, block=params.get("id", "?"), type=block_type.name,
                                    key=name))
    block_id = params.get("id")
    if isinstance(block_id, str) and not IDENTIFIER.match(block_id):
        problems.append(Problem("block_id_not_identifier", path + ("id",), value=block_id))


def _rooted(problem: Problem, path: tuple) -> Problem:
    """The same problem, its path made absolute by putting ``path`` in front."""
    if tuple(problem.path[: len(path)]) != tuple(path):
        problem.path = tuple(path) + tuple(problem.path)
    return problem
