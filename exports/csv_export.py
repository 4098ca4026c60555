"""CSV for spreadsheets set up in French (Excel, LibreOffice Calc).

- UTF-8 with a byte order mark, so that Excel reads accents right;
- ``;`` between cells and CRLF line ends, as Excel in French expects;
- numbers with a decimal comma (``2,5``), for the same reason; dates as ``2006-07-14``;
- cells a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``,
  ``@``, a tab or a carriage return) get a leading ``'``, as OWASP advises against
  CSV injection. Numbers are left alone: ``-3`` is a number, not a formula.

Quoting is the :mod:`csv` module's; the columns are those of :mod:`exports.table`.
"""

from __future__ import annotations

import csv
import io
from typing import Any, Iterable

from builder.format.model import Service
from exports.table import Column, build_table, is_number

media_type = "text/csv; charset=utf-8"
extension = "csv"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export(
    service: Service,
    submissions: Iterable[Any],
    lang: str = "fr",
    *,
    version: int | None = None,
    history: Iterable[Service] = (),
) -> bytes:
    """The submissions to ``service`` as CSV bytes (see the module docstring)."""
    table = build_table(service, submissions, lang, version=version, history=history)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise(header) for header in table.header()])
    writer.writerows(table.rows(cell_text))
    return buffer.getvalue().encode("utf-8-sig")


def cell_text(column: Column, value: Any) -> str:
    """One cell: a number with a decimal comma, any other text neutralised."""
    text = column.csv(value)
    if is_number(column.native(value)):
        return text.replace(".", ",")
    return neutralise(text)


def neutralise(text: str) -> str:
    """``text`` with a leading ``'`` when a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
