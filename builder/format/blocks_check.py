"""Check the blocks of a service file against the block registry.

Expands ``use:`` entries from the library, then checks each block's type, keys,
parameter kinds and impossible parameter combinations, collecting every problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from blocks import REGISTRY
from blocks.library import check_use, expand_use
from builder.messages import Problem, Suggestion, register

register({
    "block_not_mapping": ("Un bloc doit contenir des clés (type:, id:, label: …) ou « use: ».",
                          "A block must contain keys (type:, id:, label: …) or \"use:\"."),
    "block_without_type": ("Ce bloc n'a pas de « type: » (ni de « use: »).{hint}",
                           "This block has no \"type:\" (nor \"use:\").{hint}"),
    "unknown_block_type": ("Le type de bloc « {name} » n'existe pas.{hint}",
                           "The block type \"{name}\" does not exist.{hint}"),
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
        return self.type is None or self.type.is_question


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
        found = check_use(entry, path)
        if found:
            problems.extend(found)
            return []
        return expand_use(entry, path)
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
    found = [_rooted(problem, path) for problem in block_type.check_block(params)]
    problems.extend(found)
    return CheckedBlock(block_type.normalize(params) if not found else params, block_type, path, sound=not found)


def _rooted(problem: Problem, path: tuple) -> Problem:
    """The same problem, its path made absolute by putting ``path`` in front."""
    if tuple(problem.path[: len(path)]) != tuple(path):
        problem.path = tuple(path) + tuple(problem.path)
    return problem
