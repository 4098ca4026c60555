"""What importers and converters give back: the files, the notes, the failures.

A :class:`Note` is one thing that could not be carried over from a format to another,
and what was done instead, located at a row of a spreadsheet or a line of a service
file: ``FILE:ROW: message``. See :mod:`exports.interop` for the registries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, Sequence

from builder.messages import Localized, render


@dataclass(frozen=True)
class Source:
    """One file given to an importer: its name (for messages) and its bytes."""

    name: str
    content: bytes

    @property
    def suffix(self) -> str:
        """The file's extension in lower case (``.xlsx``), '' when it has none."""
        return PurePath(self.name).suffix.lower()


@dataclass(frozen=True)
class Note:
    """Something that could not be carried over, and what was done instead, located
    at a row of a sheet or a line of a file (``sheet`` names the sheet when it is not
    the main one)."""

    file: str
    line: int
    code: str
    params: dict[str, Any] = field(default_factory=dict, compare=False)
    sheet: str = ""

    def message(self, lang: str = "fr") -> str:
        """The message alone, in ``lang``."""
        return render(self.code, lang, **self.params)

    def format(self, lang: str = "fr") -> str:
        """``FILE:ROW: message`` (``FILE:ROW: [sheet] message`` outside the main sheet)."""
        where = f"[{self.sheet}] " if self.sheet else ""
        return f"{self.file}:{self.line}: {where}{self.message(lang)}"


@dataclass
class Imported:
    """What an importer gives: the text of a valid service file and its notes."""

    text: str
    notes: list[Note] = field(default_factory=list)


@dataclass
class Converted:
    """What a converter gives: the file's bytes and its notes."""

    content: bytes
    notes: list[Note] = field(default_factory=list)


class ImportFailed(Exception):
    """Nothing could be imported; ``notes`` say why, each located."""

    def __init__(self, notes: Sequence[Note]):
        self.notes = list(notes)
        super().__init__("\n".join(note.format() for note in self.notes))

    def format(self, lang: str = "fr") -> str:
        """One ``FILE:ROW: message`` per line."""
        return "\n".join(note.format(lang) for note in self.notes)


class Text(Localized):
    """A registered message used as a parameter of another one."""

    def __init__(self, code: str, **params: object):
        self.code, self.params = code, params

    def localized(self, lang: str) -> str:
        return render(self.code, lang, **self.params)
