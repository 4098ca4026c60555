"""The sheets of an XLSForm as rows keyed by column, the way pyxform reads them.

Sheet names are matched in any case (``survey``, ``Choices``, ``SETTINGS``); a workbook
with a single sheet of another name is its survey. Column headers are normalised as
pyxform does: any case, spaces collapsed, the old aliases (``caption``, ``relevance``,
``bind::required``, ``jr:constraintMsg``, ``list name``…), and ``::`` (or, in old files,
``:``) before a language: ``label::Français (fr)``, ``hint:English``. Each row keeps its
number in the spreadsheet, so that every message can say ``FILE:ROW:``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from exports.workbook import Sheet

SHEETS = ("survey", "choices", "settings")
TRANSLATABLE = frozenset({"label", "hint", "guidance_hint", "constraint_message", "required_message",
                          "image", "big-image", "audio", "video"})
MEDIA = ("image", "big-image", "audio", "video")
# Column names of pyxform and their old spellings (the first part of a header, in snake case).
ALIASES = {
    "caption": "label", "relevance": "relevant", "constraining_message": "constraint_message",
    "jr:constraintmsg": "constraint_message", "constraintmsg": "constraint_message",
    "jr:requiredmsg": "required_message", "requiredmsg": "required_message",
    "calculate": "calculation", "readonly": "read_only", "jr:count": "repeat_count", "count": "repeat_count",
    "command": "type", "tag": "name", "value": "name", "list name": "list_name",
    "big_image": "big-image", "jr:noapperrorstring": "no_app_error_string",
    "noapperrorstring": "no_app_error_string", "choice filter": "choice_filter",
}
# Prefixes that old files put before a column name (``bind::relevant``, ``media::image``).
NAMESPACES = ("bind", "control", "media", "body")
KNOWN_COLUMNS = {
    "survey": frozenset({"type", "name", "label", "hint", "guidance_hint", "required", "required_message",
                         "relevant", "constraint", "constraint_message", "calculation", "default",
                         "appearance", "choice_filter", "parameters", "read_only", "repeat_count",
                         "trigger", "no_app_error_string", *MEDIA}),
    "choices": frozenset({"list_name", "name", "label", *MEDIA}),
    "settings": frozenset({"form_title", "form_id", "default_language", "version", "instance_name",
                           "style", "submission_url", "public_key", "auto_send", "auto_delete",
                           "allow_choice_duplicates", "namespaces", "clean_text_values",
                           "set_form_title", "set_form_id", "prefix", "delimiter"}),
}
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Column:
    """One column: its header as written, its key, and its language tag (or None)."""

    index: int
    header: str
    key: str
    lang: str | None = None


@dataclass
class FormRow:
    """One row of a sheet: plain values by key, translatable texts by key and language
    tag (None for a column without language), and the columns this module does not know."""

    sheet: str
    number: int
    values: dict[str, str] = field(default_factory=dict)
    texts: dict[str, dict[str | None, str]] = field(default_factory=dict)
    unknown: dict[str, str] = field(default_factory=dict)

    def get(self, key: str) -> str:
        """A plain value, '' when empty."""
        return self.values.get(key, "")


@dataclass
class FormSheet:
    """A sheet's name as written, its columns and its data rows."""

    name: str
    columns: list[Column]
    rows: list[FormRow]
    header_row: int = 1
    repeated: list[str] = field(default_factory=list)  # headers given twice: the first one counts


@dataclass
class Form:
    """The three XLSForm sheets (None when absent) and the sheets the form does not use."""

    survey: FormSheet | None
    choices: FormSheet | None
    settings: FormSheet | None
    other_sheets: list[Sheet]


def read_form(sheets: list[Sheet]) -> Form:
    """The XLSForm sheets among ``sheets``, matched by name in any case."""
    found: dict[str, Sheet] = {}
    others = []
    for sheet in sheets:
        key = sheet.name.strip().lower()
        if key in SHEETS and key not in found:
            found[key] = sheet
        else:
            others.append(sheet)
    if "survey" not in found and len(sheets) == 1:
        found["survey"], others = sheets[0], []
    return Form(*(form_sheet(found[key], key) if key in found else None for key in SHEETS), others)


def form_sheet(sheet: Sheet, kind: str) -> FormSheet:
    """The rows of one sheet keyed by its normalised headers (its first non-empty row)."""
    if not sheet.rows:
        return FormSheet(sheet.name, [], [])
    header_number, headers = sheet.rows[0]
    double_colon = any("::" in header for header in headers)
    columns, seen, repeated = [], set(), []
    for index, header in enumerate(headers):
        if header.strip():
            column = parse_header(index, header, double_colon, KNOWN_COLUMNS[kind])
            if (column.key, column.lang) in seen:
                repeated.append(column.header)
            else:
                seen.add((column.key, column.lang))
                columns.append(column)
    rows = [_row(kind, number, cells, columns) for number, cells in sheet.rows[1:]]
    return FormSheet(sheet.name, columns, [row for row in rows if row.values or row.texts], header_number,
                     repeated)


def parse_header(index: int, header: str, double_colon: bool, known: frozenset[str]) -> Column:
    """A column from its header: ``label::Français (fr)`` → key ``label``, language
    ``Français (fr)``; ``bind::required`` → ``required``; unknown headers keep their text."""
    written = _SPACES.sub(" ", header.strip())
    parts = [part.strip() for part in _split(written, double_colon)]
    if len(parts) > 1 and parts[0].lower() in NAMESPACES:
        parts = parts[1:]
    key = _key(parts[0])
    if key not in known:
        return Column(index, written, written)
    lang = parts[1] if len(parts) > 1 and key in TRANSLATABLE and parts[1] else None
    return Column(index, written, key, lang)


def _split(header: str, double_colon: bool) -> list[str]:
    if double_colon or "::" in header:
        return header.split("::")
    parts = header.split(":")
    joined: list[str] = []
    for part in parts:  # "jr:constraintMsg" stays one part
        if joined and joined[-1].strip().lower() == "jr":
            joined[-1] = f"jr:{part}"
        else:
            joined.append(part)
    return joined


def _key(text: str) -> str:
    lowered = text.strip().lower()
    if lowered in ALIASES:
        return ALIASES[lowered]
    snake = "_".join(lowered.split())
    return ALIASES.get(snake, snake)


def _row(kind: str, number: int, cells: list[str], columns: list[Column]) -> FormRow:
    row = FormRow(kind, number)
    for column in columns:
        value = cells[column.index] if column.index < len(cells) else ""
        if not value:
            continue
        if column.key in TRANSLATABLE:
            row.texts.setdefault(column.key, {})[column.lang] = value
        elif column.key in KNOWN_COLUMNS[kind]:
            row.values.setdefault(column.key, value)
        else:
            row.unknown[column.header] = value
    return row
