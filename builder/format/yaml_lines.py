"""Read YAML safely and remember the line of every value.

The service file is read with PyYAML's C loader when it is there. Before anything
is built, the event stream is scanned once (in C) so that a file too deeply nested
is refused without recursion; the node graph is then turned into plain Python
values by an explicit walk that counts what it builds, so an alias bomb ("billion
laughs") is stopped after a bounded number of nodes instead of eating memory.

Only the plain YAML types are read (text, numbers, booleans, null, dates, lists and
mappings): any other tag (``!foo``, ``!!binary``, ``!!python/name:…``) is a located
problem, and so is a number beyond :mod:`builder.numbers`' bounds.
"""

from __future__ import annotations

import os
from typing import Any

import yaml

from builder import numbers
from builder.messages import Problem, register

try:
    Loader = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    Loader = yaml.SafeLoader

SIZE_SETTING = "TREMPLIN_MAX_SERVICE_BYTES"
DEFAULT_MAX_BYTES = 1_000_000


def _max_bytes() -> int:
    """The largest service file, in bytes: the :data:`SIZE_SETTING` environment variable,
    else :data:`DEFAULT_MAX_BYTES`. The command line and the studio both read files
    through here, so one setting bounds both (the studio's requests follow it)."""
    value = os.environ.get(SIZE_SETTING, "").strip()
    if not value:
        return DEFAULT_MAX_BYTES
    if not (value.isdigit() and len(value) <= 12) or int(value) < 1:
        raise RuntimeError(f"{SIZE_SETTING} must be a number of bytes, not {value!r}")
    return int(value)


MAX_BYTES = _max_bytes()
MAX_DEPTH = 60
# A large service has a few hundred values (the biggest example, 400); reading costs some
# 25 µs a value, so this keeps the slowest file under half a second.
MAX_VALUES = 20_000
CORE = "tag:yaml.org,2002:"
ALLOWED_TAGS = frozenset(CORE + name for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq"))

register({
    "file_too_large": (
        "Le fichier est trop gros ({size} octets) : la limite est de {limit} octets.",
        "The file is too large ({size} bytes): the limit is {limit} bytes.",
    ),
    "file_not_utf8": (
        "Le fichier n'est pas en UTF-8 : enregistrez-le en UTF-8.",
        "The file is not UTF-8: save it as UTF-8.",
    ),
    "yaml_syntax": (
        "Le YAML est mal écrit : {detail}.",
        "The YAML is malformed: {detail}.",
    ),
    "yaml_too_deep": (
        "Le fichier est imbriqué trop profondément (plus de {limit} niveaux).",
        "The file is nested too deeply (more than {limit} levels).",
    ),
    "yaml_too_big": (
        "Le fichier produit trop de valeurs (plus de {limit}) : "
        "les alias YAML (& et *) sont sans doute répétés en boucle.",
        "The file expands to too many values (more than {limit}): "
        "YAML aliases (& and *) are probably nested.",
    ),
    "yaml_too_many_values": (
        "Le fichier a trop de valeurs (plus de {limit}) : un service en a d'ordinaire quelques "
        "centaines ; partagez-le en plusieurs services.",
        "The file has too many values (more than {limit}): a service usually has a few "
        "hundred; split it into several services.",
    ),
    "yaml_empty": ("Le fichier est vide.", "The file is empty."),
    "yaml_duplicate_key": (
        "La clé « {key} » apparaît deux fois (déjà ligne {first}).",
        "The key \"{key}\" appears twice (already on line {first}).",
    ),
    "yaml_tag": (
        "L'étiquette YAML « {tag} » n'est pas permise ici : retirez-la "
        "(un texte qui commence par « ! » s'écrit entre guillemets).",
        "The YAML tag \"{tag}\" is not allowed here: remove it "
        "(a text starting with \"!\" is written in quotes).",
    ),
    "yaml_bad_value": (
        "La valeur « {value} » ne se lit pas comme {tag} : retirez l'étiquette {tag}.",
        "The value \"{value}\" cannot be read as {tag}: remove the tag {tag}.",
    ),
    "yaml_number_bounds": (
        "Ce nombre est hors limites : un nombre s'écrit avec {digits} chiffres au plus (ni .inf ni .nan).",
        "This number is out of bounds: a number has at most {digits} digits (neither .inf nor .nan).",
    ),
    "yaml_key_not_text": (
        "Une clé doit être un texte, pas « {key} ».",
        "A key must be text, not \"{key}\".",
    ),
})

_YAML_DETAILS = {
    "mapping values are not allowed": "un « : » est mal placé (mettez entre guillemets un texte qui contient « : »)",
    "could not find expected ':'": "il manque un « : » après une clé",
    "found character": "un caractère ne peut pas commencer une valeur (une tabulation ? indentez avec des espaces)",
    "did not find expected key": "l'indentation n'est pas régulière",
    "did not find expected '-' indicator": "l'indentation d'une liste n'est pas régulière",
    "found unexpected end of stream": "le fichier se termine au milieu d'un texte entre guillemets",
    "found undefined alias": "un alias (*nom) n'a pas d'ancre (&nom)",
    "did not find expected node content": "une valeur est attendue",
    "expected a mapping or list of mappings for merging": "« <<: » ne fusionne qu'une table (clé: valeur) ou une liste de tables",
}


class YamlProblem(Problem):
    """A problem found while reading YAML, located by its 1-based line."""

    def __init__(self, code: str, line: int, **params: object):
        super().__init__(code, **params)
        self.line = line


def read_yaml(text: str) -> tuple[Any, dict[tuple, int]]:
    """Parse ``text`` and return ``(data, lines)``.

    ``lines`` maps a path (a tuple of keys and indexes) to the 1-based line where
    that value's key (or list item) stands. Raises :class:`YamlProblem`.
    """
    size = len(text.encode("utf-8"))
    if size > MAX_BYTES:
        raise YamlProblem("file_too_large", 1, size=size, limit=MAX_BYTES)
    try:
        _check_depth(text)
        node = yaml.compose(text, Loader=Loader)
    except yaml.MarkedYAMLError as error:
        if (error.problem or "").startswith("exceeded maximum nesting depth"):  # libyaml ≥ 0.2.6 stops at 1,000
            raise YamlProblem("yaml_too_deep", error.problem_mark.line + 1, limit=MAX_DEPTH) from None
        raise _syntax_problem(error) from None
    except yaml.YAMLError as error:
        raise YamlProblem("yaml_syntax", 1, detail=str(error)) from None
    if node is None:
        raise YamlProblem("yaml_empty", 1)
    try:
        return _Builder().build(node)
    except yaml.MarkedYAMLError as error:  # a merge key (<<) on something that is no mapping
        raise _syntax_problem(error) from None


def _check_depth(text: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH, and more than MAX_VALUES values (and their
    keys) as written, by counting events (no recursion, nothing built)."""
    depth = values = 0
    for event in yaml.parse(text, Loader=Loader):
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
            continue
        if isinstance(event, yaml.NodeEvent):  # a scalar (keys too), an alias, a mapping or a list
            values += 1
            if values > 2 * MAX_VALUES:  # as many keys as values at most
                raise YamlProblem("yaml_too_many_values", event.start_mark.line + 1, limit=MAX_VALUES)
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlProblem("yaml_too_deep", event.start_mark.line + 1, limit=MAX_DEPTH)


def _syntax_problem(error: yaml.MarkedYAMLError) -> YamlProblem:
    """A located French message for a PyYAML syntax error."""
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark else 1
    problem = (error.problem or "").strip()
    detail = _YAML_DETAILS.get(problem)
    if detail is None:
        detail = next((text for key, text in _YAML_DETAILS.items() if problem.startswith(key)), problem)
    if mark is not None:
        detail += f" (colonne {mark.column + 1})"
    return YamlProblem("yaml_syntax", line, detail=detail)


class _Builder:
    """Turns a composed node graph into plain values, recording lines."""

    def __init__(self) -> None:
        self.lines: dict[tuple, int] = {}
        self.built = 0
        self.constructor = yaml.SafeLoader("")

    def build(self, root: yaml.Node) -> tuple[Any, dict[tuple, int]]:
        """Build the whole document iteratively (deep files never recurse)."""
        self.lines[()] = root.start_mark.line + 1
        result: list[Any] = [None]
        stack: list[tuple[yaml.Node, tuple, Any, Any]] = [(root, (), result, 0)]
        while stack:
            node, path, parent, slot = stack.pop()
            parent[slot] = self._value(node, path, stack)
        self.constructor.dispose()
        return result[0], self.lines

    def _value(self, node: yaml.Node, path: tuple, stack: list) -> Any:
        self.built += 1
        if self.built > MAX_VALUES:
            raise YamlProblem("yaml_too_big", node.start_mark.line + 1, limit=MAX_VALUES)
        _check_tag(node)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, stack)
        if isinstance(node, yaml.SequenceNode):
            items: list[Any] = [None] * len(node.value)
            for index, child in enumerate(node.value):
                self.lines[path + (index,)] = child.start_mark.line + 1
                stack.append((child, path + (index,), items, index))
            return items
        return self._scalar(node)

    def _scalar(self, node: yaml.Node) -> Any:
        """The scalar's value; an impossible date (2007-02-30) stays text, for the checks to report."""
        try:
            value = self.constructor.construct_object(node)
        except ValueError:  # also an integer too long for Python to read: refused below
            value = numbers.LIMIT if _too_many_digits(node) else node.value
        except (KeyError, AttributeError, TypeError):  # !!bool maybe, !!timestamp nope
            raise YamlProblem("yaml_bad_value", node.start_mark.line + 1, value=node.value,
                              tag=_short_tag(node.tag)) from None
        if numbers.is_number(value) and not numbers.in_bounds(value):
            raise YamlProblem("yaml_number_bounds", node.start_mark.line + 1, digits=numbers.MAX_DIGITS)
        return value

    def _mapping(self, node: yaml.MappingNode, path: tuple, stack: list) -> dict:
        mapping: dict[str, Any] = {}
        self.constructor.flatten_mapping(node)
        for key_node, value_node in node.value:
            _check_tag(key_node)
            key = self._scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            line = key_node.start_mark.line + 1
            if not isinstance(key, (str, int, float, bool)) or isinstance(key, bool):
                raise YamlProblem("yaml_key_not_text", line, key=key)
            key = str(key)
            if key in mapping:
                raise YamlProblem("yaml_duplicate_key", line, key=key, first=self.lines[path + (key,)])
            mapping[key] = None
            self.lines[path + (key,)] = line
            stack.append((value_node, path + (key,), mapping, key))
        return mapping


def _check_tag(node: yaml.Node) -> None:
    """Refuse a node tagged with anything but a plain YAML type."""
    if node.tag not in ALLOWED_TAGS:
        raise YamlProblem("yaml_tag", node.start_mark.line + 1, tag=_short_tag(node.tag))


def _short_tag(tag: str) -> str:
    """``!!timestamp`` for ``tag:yaml.org,2002:timestamp``, as the author wrote it."""
    return "!!" + tag[len(CORE):] if tag.startswith(CORE) else tag


def _too_many_digits(node: yaml.Node) -> bool:
    return node.tag == CORE + "int" and sum(char.isdigit() for char in node.value) > numbers.MAX_DIGITS
