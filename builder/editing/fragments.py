"""The YAML of a service's sections and items, kept by value, and how each reads back.

Saving an edit dumps only the step (or outcome, persona, section) that changed: the
YAML of the others is kept by the ``repr`` of their value (:class:`FragmentMemory`; the
dump depends on the value alone, so the text is the same, byte for byte). Each kept
:class:`Fragment` also keeps, once worked out, what reading it gives: its value and the
line of every value in it. A file the studio writes is such fragments end to end, so
what reading it gives follows from them (:meth:`WrittenText.read`): the same data and
lines as :func:`~builder.format.yaml_lines.read_yaml` on the whole text, without
parsing again the steps that did not change.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable

from builder.format.yaml_lines import MAX_BYTES, MAX_VALUES, YamlProblem, read_yaml

PLAIN_TYPES = (str, int, float, bool, type(None), dt.date)  # what YAML and the edits give
ITEMS_KEY = "items"  # an item is read under this key, as deep as in the file


class Fragment:
    """One part of a file as it stands in it: a section (``key: value``, ``item`` false)
    or one item of a list section (``  - …``, two spaces in)."""

    __slots__ = ("text", "item", "newlines", "_read")

    def __init__(self, text: str, item: bool):
        self.text, self.item = text, item
        self.newlines = text.count("\n")
        self._read: tuple[Any, dict[tuple, int]] | None = None

    def read(self) -> tuple[Any, dict[tuple, int]]:
        """The value read from the text (for a section, the mapping ``{key: value}``)
        and the 0-based line in the text of every value in it, by its path below the
        item (for a section, below the root). Raises ``YamlProblem`` as ``read_yaml``."""
        if self._read is None:
            if self.item:  # as deep as in the file, where the item stands in a list under a key
                data, lines = read_yaml(f"{ITEMS_KEY}:\n{self.text}")
                self._read = (data[ITEMS_KEY][0], {path[2:]: line - 2 for path, line in lines.items()
                                                   if path[:2] == (ITEMS_KEY, 0)})
            else:
                data, lines = read_yaml(self.text)
                self._read = (data, {path: line - 1 for path, line in lines.items() if path})
        return self._read


def is_plain(value: Any) -> bool:
    """Whether ``value`` holds only dicts, lists and the scalars YAML gives (so that its
    ``repr`` names it exactly: no two such values share one)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if type(item) is dict:
            stack.extend(item.keys())
            stack.extend(item.values())
        elif type(item) is list:
            stack.extend(item)
        elif type(item) not in PLAIN_TYPES:
            return False
    return True


class FragmentMemory:
    """The fragments dumped lately, by the ``repr`` of their value (an edit changes only
    a few: the others need not be dumped, nor read, again)."""

    def __init__(self, dump: Callable[[Any, bool], str], size: int):
        self.dump, self.size = dump, size
        self.kept: OrderedDict[str, Fragment] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, value: Any, item: bool = False) -> Fragment:
        """The fragment of a section (``value`` is ``{key: …}``) or of an item
        (``value`` is ``[item]``), dumped again only when it is not kept."""
        if not is_plain(value):
            return Fragment(self.dump(value, item), item)
        key = f"{item}:{value!r}"
        with self.lock:
            fragment = self.kept.get(key)
            if fragment is not None:
                self.kept.move_to_end(key)
                return fragment
        fragment = Fragment(self.dump(value, item), item)
        with self.lock:
            self.kept[key] = fragment
            while len(self.kept) > self.size:
                self.kept.popitem(last=False)
        return fragment


@dataclass(frozen=True)
class Section:
    """A top-level key as written: its fragments (one, or one per item of a list
    section written item by item), and whether a blank line comes before it."""

    key: str
    fragments: tuple[Fragment, ...]
    listed: bool
    spaced: bool


@dataclass(frozen=True)
class WrittenText:
    """A service file's text as the studio writes it: a header comment, then sections."""

    header: str
    sections: tuple[Section, ...]

    @functools.cached_property
    def text(self) -> str:
        """The file's text."""
        parts = [self.header]
        for section in self.sections:
            if section.spaced:
                parts.append("\n")
            if section.listed:
                parts.append(f"{section.key}:\n" + "\n".join(fragment.text for fragment in section.fragments))
            else:
                parts.append(section.fragments[0].text)
        return "".join(parts)

    def read(self) -> tuple[dict, dict[tuple, int]] | None:
        """``read_yaml(self.text)``, worked out from the fragments; None when the whole
        text must be read instead (empty, or over the reader's limits: that read reports
        it)."""
        if not self.sections or len(self.text.encode("utf-8")) > MAX_BYTES:
            return None
        try:
            return self._read_sections()
        except YamlProblem:  # a value the reader refuses (a number out of bounds): read whole
            return None

    def _read_sections(self) -> tuple[dict, dict[tuple, int]] | None:
        data: dict[str, Any] = {}
        at = self.header.count("\n")  # lines before the section
        lines: dict[tuple, int] = {(): at + 1}
        for section in self.sections:
            at += section.spaced
            if section.listed:
                data[section.key], at = self._read_items(section, at, lines)
            else:
                value, relative = section.fragments[0].read()
                data.update(value)
                lines.update({path: at + line + 1 for path, line in relative.items()})
                at += section.fragments[0].newlines
        return (data, lines) if len(lines) <= MAX_VALUES else None

    @staticmethod
    def _read_items(section: Section, at: int, lines: dict[tuple, int]) -> tuple[list, int]:
        lines[(section.key,)] = at + 1
        at += 1
        items = []
        for index, fragment in enumerate(section.fragments):
            at += index > 0  # the blank line between items
            value, relative = fragment.read()
            items.append(value)
            prefix = (section.key, index)
            lines.update({prefix + path: at + line + 1 for path, line in relative.items()})
            at += fragment.newlines
        return items, at
