"""The library of reusable blocks, and the expansion of ``use:`` entries.

Each ``blocks/library/NAME.yaml`` is a list of blocks with their ids. In a service file,
``- use: NAME`` stands for those blocks; ``only: [ids]`` keeps some of them (in the
library's order) and ``prefix: x_`` puts ``x_`` before each id, so that the same
blocks can be asked twice (``prefix: parent_``)::

    >>> [block["id"] for block in expand_use({"use": "identite", "only": ["nom"],
    ...                                       "prefix": "parent_"})]
    ['parent_nom']
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any, Mapping

import yaml

from blocks.params import ID_PATTERN
from builder.messages import Problem, Suggestion, register

LIBRARY_DIR = Path(__file__).parent / "library"
USE_KEYS = ("use", "only", "prefix")

register({
    "library.unknown": (
        "Le bloc réutilisable « {name} » n'existe pas.{hint}",
        "There is no reusable block “{name}”.{hint}"),
    "library.use_type": (
        "Après « use: », écrivez le nom d'un bloc réutilisable, par exemple coordonnees.",
        "After “use:”, write the name of a reusable block, for example coordonnees."),
    "library.only_type": (
        "« only » doit être une liste d'identifiants, par exemple [email].",
        "“only” must be a list of ids, for example [email]."),
    "library.only_unknown": (
        "Le bloc réutilisable « {name} » n'a pas de question « {id} ». "
        "Questions disponibles : {available}.",
        "The reusable block “{name}” has no question “{id}”. "
        "Available questions: {available}."),
    "library.prefix": (
        "Le préfixe « {prefix} » ne convient pas : utilisez des lettres minuscules sans "
        "accents, des chiffres et _, en commençant par une lettre (par exemple parent_).",
        "The prefix “{prefix}” is not valid: use lowercase letters without accents, digits "
        "and _, starting with a letter (for example parent_)."),
    "library.key_unknown": (
        "« {key} » n'est pas permis à côté de « use » : "
        "seuls « only » et « prefix » le sont.",
        "“{key}” is not allowed beside “use”: only “only” and “prefix” are."),
})


def library_names() -> list[str]:
    """The names of the reusable blocks, in alphabetical order."""
    return sorted(path.stem for path in LIBRARY_DIR.glob("*.yaml"))


@functools.lru_cache(maxsize=None)
def _load(name: str) -> tuple[dict, ...]:
    if name not in library_names():
        raise KeyError(name)
    with open(LIBRARY_DIR / f"{name}.yaml", encoding="utf-8") as stream:
        return tuple(yaml.safe_load(stream))


def library_blocks(name: str) -> list[dict]:
    """The blocks of the reusable block ``name``, as written (a fresh copy each call).

    KeyError when there is no such reusable block.
    """
    return copy.deepcopy(list(_load(name)))


def check_use(entry: Mapping, path: tuple = ()) -> list[Problem]:
    """Every problem of a ``use:`` entry (paths start with ``path``)."""
    problems = [Problem("library.key_unknown", path=(*path, key), key=key)
                for key in entry if key not in USE_KEYS]
    name = entry.get("use")
    if not isinstance(name, str):
        return problems + [Problem("library.use_type", path=(*path, "use"))]
    if name not in library_names():
        return problems + [_unknown(name, (*path, "use"))]
    problems += _check_only(name, entry.get("only"), "only" in entry, (*path, "only"))
    prefix = entry.get("prefix", "")
    if not (isinstance(prefix, str) and (not prefix or ID_PATTERN.fullmatch(prefix))):
        problems.append(Problem("library.prefix", path=(*path, "prefix"), prefix=prefix))
    return problems


def _unknown(name: str, path: tuple) -> Problem:
    return Problem("library.unknown", path=path, name=name,
                   hint=Suggestion.among(name, library_names()))


def _check_only(name: str, only: Any, given: bool, path: tuple) -> list[Problem]:
    if not given:
        return []
    if not (isinstance(only, list) and all(isinstance(item, str) for item in only)):
        return [Problem("library.only_type", path=path)]
    ids = [block["id"] for block in _load(name)]
    return [Problem("library.only_unknown", path=(*path, index), name=name, id=item,
                    available=", ".join(ids))
            for index, item in enumerate(only) if item not in ids]


def expand_use(entry: Mapping, path: tuple = ()) -> list[dict]:
    """The blocks a ``use:`` entry stands for, filtered by ``only`` and renamed by
    ``prefix``. Raises the first :class:`Problem` of :func:`check_use`."""
    problems = check_use(entry, path)
    if problems:
        raise problems[0]
    only = entry.get("only")
    prefix = entry.get("prefix", "")
    blocks = [block for block in library_blocks(entry["use"])
              if only is None or block["id"] in only]
    for block in blocks:
        block["id"] = prefix + block["id"]
    return blocks
