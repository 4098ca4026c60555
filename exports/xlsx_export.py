"""XLSX (Excel, LibreOffice) through openpyxl, in write-only mode so that large exports
stay light.

One sheet: a bold header row, frozen so that it stays in view; a width per column
from its longest text; dates as real dates and numbers as real numbers, so that
sorting and sums work. Every text is written as text, never as a formula: a cell
whose text starts like a formula (``=SUM(A1)``) is typed as a string and marked with
Excel's quote prefix, so that editing it later does not run it either.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any, Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from builder.format.model import Service
from builder.messages import register, render
from exports.csv_export import FORMULA_STARTS
from exports.table import Table, build_table

media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
extension = "xlsx"
MAX_CELL_CHARACTERS = 32_767  # Excel's limit: a longer text makes it "repair" the file
MIN_WIDTH, MAX_WIDTH = 10, 60
DATE_FORMATS = {"fr": ("dd/mm/yyyy", "dd/mm/yyyy hh:mm"), "en": ("yyyy-mm-dd", "yyyy-mm-dd hh:mm")}

register({"exports.sheet_title": ("Réponses", "Answers")})


def export(
    service: Service,
    submissions: Iterable[Any],
    lang: str = "fr",
    *,
    version: int | None = None,
    history: Iterable[Service] = (),
) -> bytes:
    """The submissions to ``service`` as an XLSX workbook (see the module docstring)."""
    table = build_table(service, submissions, lang, version=version, history=history)
    rows = list(table.rows(lambda column, value: column.native(value)))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(render("exports.sheet_title", lang))
    sheet.freeze_panes = "A2"
    for index, width in enumerate(column_widths(table, rows), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    sheet.append([_cell(sheet, header, table.lang, font=bold) for header in table.header()])
    for row in rows:
        sheet.append([_cell(sheet, value, table.lang) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def column_widths(table: Table, rows: list[list[Any]]) -> list[float]:
    """A width per column, from its longest header or value, within bounds."""
    widths = []
    for index, header in enumerate(table.header()):
        longest = max([len(header), *(_display_length(row[index]) for row in rows)])
        widths.append(float(min(max(longest + 2, MIN_WIDTH), MAX_WIDTH)))
    return widths


def _display_length(value: Any) -> int:
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    return max((len(line) for line in str(value or "").splitlines()), default=0)


def _cell(sheet: Any, value: Any, lang: str, font: Font | None = None) -> WriteOnlyCell:
    """A cell holding ``value``: text stays text, dates get a date format."""
    date_format, datetime_format = DATE_FORMATS.get(lang, DATE_FORMATS["fr"])
    if isinstance(value, str):
        cell = _text_cell(sheet, value)
    else:
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, dt.date):
            cell.number_format = datetime_format if isinstance(value, dt.datetime) else date_format
    if font is not None:
        cell.font = font
    return cell


def _text_cell(sheet: Any, text: str) -> WriteOnlyCell:
    """A string cell, never a formula, without the characters XLSX cannot hold."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)[:MAX_CELL_CHARACTERS]
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return cell
