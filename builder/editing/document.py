"""A service file as an editable document, and the one way the studio writes YAML.

:meth:`ServiceDocument.from_yaml` reads a file (safely, with the loader's limits) and
keeps its data and its opening comment; :meth:`ServiceDocument.to_yaml` writes it back in
a stable, readable style, the same every time:

- top-level keys in the order of format 1 (``tremplin, id, title, summary, …, steps,
  outcomes, submission, settings, tests``), unknown keys after them as they came; keys
  inside steps, blocks, outcomes… keep the order they have;
- block style, lists indented under their key, a blank line between sections and
  between steps, outcomes and personas;
- a short list of plain values on one line (``languages: [fr]``, ``expect: []``);
- strings quoted only when YAML needs it, and numbers that must stay text
  (``"01 23 45 67 89"``, ``"01000"``, ``"5"``) always in double quotes;
- multi-line Markdown as ``|`` literal blocks (a text that ends with several line breaks,
  rare, in double quotes), dates as ``YYYY-MM-DD``;
- ``use:`` entries written as they are, never expanded.

Comments inside the file are lost (YAML readers drop them); the comment lines at the very
top of the file are kept. Writing what was read gives an equivalent file, and writing it
again gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import Any

import yaml

from builder.editing.fragments import FragmentMemory, Section, WrittenText
from builder.format.loader import LocatedProblem, ServiceFileError, check_service_text
from builder.format.spec import SERVICE
from builder.format.yaml_lines import YamlProblem, read_yaml
from builder.messages import Problem

TOP_LEVEL_ORDER: tuple[str, ...] = tuple(SERVICE.fields)
SPACED_KEYS = frozenset({"computed", "steps", "outcomes", "submission", "settings", "tests"})
SPACED_ITEMS = frozenset({"steps", "outcomes", "tests"})
FLOW_LIST_LIMIT = 60        # a list of plain values this long at most fits on one line
LINE_WIDTH = 4096           # never fold a long text over several lines
UNICODE_BREAKS = "\x85\u2028\u2029"
NUMBER_LIKE = re.compile(r"[+0-9][0-9 .()/+-]*")
DUMPS_KEPT = 8192           # dumped sections and items kept (an edit changes only a few)
_STR, _SEQ, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"


class _Dumper(yaml.SafeDumper):
    """PyYAML's safe dumper with lists indented under their key and no anchors."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if any(char in value for char in UNICODE_BREAKS):
        return dumper.represent_scalar(_STR, value, style='"')  # escaped, or YAML would read "\n"
    if "\n" in value:
        # A literal block keeps at most one final line break: with more, YAML's "keep"
        # indicator would swallow the blank line that follows the block.
        literal = value.strip("\n") and not value.endswith("\n\n")
        return dumper.represent_scalar(_STR, value, style="|" if literal else '"')
    if NUMBER_LIKE.fullmatch(value):
        return dumper.represent_scalar(_STR, value, style='"')
    return dumper.represent_scalar(_STR, value)


def _is_plain_value(value: Any) -> bool:
    if isinstance(value, str):
        return "\n" not in value
    return value is None or isinstance(value, (int, float, bool, dt.date))


class _BlockList(list):
    """A list always written one item per line (the conditions of ``all:`` / ``any:``)."""


def _represent_list(dumper: yaml.SafeDumper, value: list) -> yaml.SequenceNode:
    short = not isinstance(value, _BlockList) and all(_is_plain_value(item) for item in value) and \
        sum(len(str(item)) + 2 for item in value) <= FLOW_LIST_LIMIT
    return dumper.represent_sequence(_SEQ, value, flow_style=short)


def _represent_dict(dumper: yaml.SafeDumper, value: dict) -> yaml.MappingNode:
    return dumper.represent_mapping(_MAP, value, flow_style=False)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(tuple, _represent_list)
_Dumper.add_representer(_BlockList, _represent_list)
_Dumper.add_representer(dict, _represent_dict)


def _conditions_one_per_line(value: Any, in_condition: bool = False) -> Any:
    """A copy of ``value`` where the lists inside ``show_if`` and ``when`` are block lists."""
    if isinstance(value, dict):
        return {key: _conditions_one_per_line(item, in_condition or key in ("show_if", "when"))
                for key, item in value.items()}
    if isinstance(value, list):
        items = [_conditions_one_per_line(item, in_condition) for item in value]
        return _BlockList(items) if in_condition else items
    return value


def dump_yaml(value: Any) -> str:
    """Any value (a block, a step…) as YAML in the studio's style."""
    text = yaml.dump(_conditions_one_per_line(value), Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=LINE_WIDTH)
    return text[:-4] if text.endswith("\n...\n") else text


def load_yaml(text: str) -> Any:
    """The value of a YAML fragment written by :func:`dump_yaml` (read safely)."""
    data, _ = read_yaml(text)
    return data


def ordered_keys(data: dict) -> list[str]:
    """The top-level keys in the order of format 1, unknown keys last, as they came."""
    known = [key for key in TOP_LEVEL_ORDER if key in data]
    return known + [key for key in data if key not in TOP_LEVEL_ORDER]


def dump_service(data: dict, header: str = "") -> str:
    """The service ``data`` as the text of a service file, after the ``header`` comment."""
    return write_service(data, header).text


def write_service(data: dict, header: str = "") -> WrittenText:
    """The service ``data`` as written in a service file, section by section and, in
    ``steps``, ``outcomes`` and ``tests``, item by item (each dumped only when its value
    is not one dumped lately), with what reading the text gives (:mod:`fragments`)."""
    sections = []
    for key in ordered_keys(data):
        spaced = bool(sections) and key in SPACED_KEYS
        value = data[key]
        if key in SPACED_ITEMS and isinstance(value, list) and value:
            fragments = tuple(_FRAGMENTS.get([item], item=True) for item in value)
            sections.append(Section(key, fragments, listed=True, spaced=spaced))
        else:
            sections.append(Section(key, (_FRAGMENTS.get({key: value}),), listed=False, spaced=spaced))
    return WrittenText(header, tuple(sections))


def _dump_fragment(value: Any, item: bool) -> str:
    text = dump_yaml(value)
    return _indent(text) if item else text


_FRAGMENTS = FragmentMemory(_dump_fragment, DUMPS_KEPT)


def _indent(text: str) -> str:
    """``text`` shifted two spaces right; empty lines stay empty (no trailing spaces).
    A line of other blanks (a no-break space…) is content: it moves with its block."""
    return "".join(line if line == "\n" else "  " + line for line in text.splitlines(keepends=True))


def leading_comments(text: str) -> str:
    """The comment lines at the very top of a file (blank lines between them kept)."""
    lines: list[str] = []
    for line in text.splitlines():
        if not (line.startswith("#") or not line.strip()):
            break
        lines.append(line.rstrip())
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return "".join(line + "\n" for line in lines)


@dataclass(frozen=True)
class ServiceDocument:
    """A service being edited: its data (plain dicts and lists, as YAML gives them) and
    the comment that opens its file. Edits never change a document: they return a new
    one (see :meth:`with_data` and :mod:`builder.editing.operations`)."""

    data: dict
    header: str = ""

    @classmethod
    def from_yaml(cls, text: str, path: str = "<texte>") -> "ServiceDocument":
        """Read a service file's text; raises :class:`ServiceFileError` (with the line)
        only when it is not readable YAML or not a mapping. A readable file with
        problems still opens: :meth:`problems` lists them."""
        return cls.read(text, path)[0]

    @classmethod
    def read(cls, text: str, path: str = "<texte>") -> tuple["ServiceDocument", dict[tuple, int]]:
        """As :meth:`from_yaml`, with the line of every value in ``text`` (for the loader:
        :func:`builder.format.loader.compile_read`)."""
        try:
            data, lines = read_yaml(text)
        except YamlProblem as problem:
            raise ServiceFileError([LocatedProblem(path, problem.line, problem)]) from None
        if not isinstance(data, dict):
            raise ServiceFileError([LocatedProblem(path, 1, Problem("file_not_mapping"))])
        return cls(data, leading_comments(text)), lines

    def to_yaml(self) -> str:
        """The file's text in the studio's style (see the module's docstring)."""
        return dump_service(self.data, self.header)

    def written(self) -> WrittenText:
        """As :meth:`to_yaml`, with what reading that text back gives (its ``read()``)."""
        return write_service(self.data, self.header)

    def with_data(self, data: dict) -> "ServiceDocument":
        """The same document with other data (the header comment is kept)."""
        return replace(self, data=data)

    def problems(self, path: str = "<texte>") -> list[LocatedProblem]:
        """Every problem of the service as the loader reports it, with lines of
        :meth:`to_yaml`'s text."""
        return check_service_text(self.to_yaml(), path)


def open_yaml_tab(text: str, path: str = "<texte>") -> tuple[ServiceDocument | None, list[LocatedProblem]]:
    """What the YAML tab needs when someone saves: the document (None when the text is
    not readable YAML) and every problem, located on the lines of ``text`` as typed."""
    try:
        document = ServiceDocument.from_yaml(text, path)
    except ServiceFileError as error:
        return None, error.problems
    return document, check_service_text(text, path)
