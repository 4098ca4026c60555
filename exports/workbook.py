"""Read a spreadsheet workbook (.xlsx or .xls) into sheets of text rows.

The format is told by the content, never by the file name: real XLSForms often come
as ``.xls`` files renamed ``.xlsx`` (or the other way round). ``.xlsx`` is read with
openpyxl, ``.xls`` (Excel 97–2003, BIFF) with xlrd. Every cell becomes text the way
pyxform reads it: numbers without a useless ``.0``, booleans ``TRUE``/``FALSE``, dates
``YYYY-MM-DD``, no-break spaces turned into spaces, ends stripped.

A zipped workbook whose content would unpack to more than :data:`MAX_UNPACKED` bytes is
refused before it is opened (a "zip bomb" must not fill the memory); openpyxl reads its
XML through defusedxml (a dependency), so that entities cannot expand either.
"""

from __future__ import annotations

import datetime as dt
import io
import warnings
import zipfile
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from builder.messages import Problem, register

MAX_UNPACKED = 64 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 300
EMPTY_ROWS_AT_END = 60  # after this many empty rows in a row, the sheet has ended (as pyxform)
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

register({
    "workbook.not_a_workbook": (
        "Ce fichier n'est pas un classeur Excel ou LibreOffice (.xlsx ou .xls).",
        "This file is not an Excel or LibreOffice workbook (.xlsx or .xls)."),
    "workbook.unreadable": (
        "Le classeur ne peut pas être lu ({detail}). Ouvrez-le dans un tableur et "
        "enregistrez-le de nouveau au format .xlsx.",
        "The workbook cannot be read ({detail}). Open it in a spreadsheet and save it "
        "again as .xlsx."),
    "workbook.too_large": (
        "Le classeur est trop gros une fois décompressé (plus de {limit} Mo).",
        "The workbook is too large once unpacked (more than {limit} MB)."),
    "workbook.encrypted": (
        "Le classeur est protégé par un mot de passe : enregistrez-en une copie sans mot de passe.",
        "The workbook is protected by a password: save a copy without a password."),
})


@dataclass
class Sheet:
    """One sheet: its name as written and its non-empty rows, each numbered as in the
    spreadsheet (the first row is 1) and given as the texts of its cells ('' when empty)."""

    name: str
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


def workbook_kind(content: bytes) -> str | None:
    """``"xlsx"`` or ``"xls"`` from the first bytes of a file, else None."""
    if content.startswith(ZIP_MAGIC):
        return "xlsx"
    if content.startswith(OLE_MAGIC):
        return "xls"
    return None


def read_workbook(content: bytes) -> list[Sheet]:
    """The sheets of a workbook given as bytes; raises a :class:`Problem` when the bytes
    are not a workbook this module can read."""
    kind = workbook_kind(content)
    if kind == "xlsx":
        return _read_xlsx(content)
    if kind == "xls":
        return _read_xls(content)
    raise Problem("workbook.not_a_workbook")


def _read_xlsx(content: bytes) -> list[Sheet]:
    from openpyxl import load_workbook

    _check_unpacked_size(content)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about Excel extensions it skips (data validation, slicers…)
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            try:
                return [_sheet(sheet.title, (tuple(cell for cell in row) for row in sheet.iter_rows(values_only=True)))
                        for sheet in book.worksheets]
            finally:
                book.close()
    except Problem:
        raise
    except Exception as error:  # a damaged file can fail anywhere inside openpyxl
        raise Problem("workbook.unreadable", detail=_short(error)) from None


def _check_unpacked_size(content: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(entry.file_size for entry in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise Problem("workbook.unreadable", detail=_short(error)) from None
    if unpacked > MAX_UNPACKED:
        raise Problem("workbook.too_large", limit=MAX_UNPACKED // (1024 * 1024))


def _read_xls(content: bytes) -> list[Sheet]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=content, logfile=io.StringIO(), on_demand=True)
    except Exception as error:  # xlrd raises XLRDError, but also struct and index errors
        if "encrypted" in str(error).lower():
            raise Problem("workbook.encrypted") from None
        raise Problem("workbook.unreadable", detail=_short(error)) from None
    try:
        return [_sheet(name, _xls_rows(book, book.sheet_by_name(name))) for name in book.sheet_names()]
    except Exception as error:
        raise Problem("workbook.unreadable", detail=_short(error)) from None
    finally:
        book.release_resources()


def _xls_rows(book: Any, sheet: Any) -> Iterator[tuple[Any, ...]]:
    import xlrd

    for index in range(min(sheet.nrows, MAX_ROWS + 1)):
        values = []
        for cell in sheet.row(index)[:MAX_COLUMNS]:
            if cell.ctype == xlrd.XL_CELL_DATE:
                values.append(_xls_date(cell.value, book.datemode))
            elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                values.append(bool(cell.value))
            elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
                values.append(None)
            else:
                values.append(cell.value)
        yield tuple(values)


def _xls_date(value: float, datemode: int) -> Any:
    import xlrd

    try:
        parts = xlrd.xldate_as_tuple(value, datemode)
    except Exception:  # an ambiguous or impossible date: keep the number
        return value
    if parts[:3] == (0, 0, 0):
        return dt.time(*parts[3:])
    return dt.datetime(*parts)


def _sheet(name: str, rows: Iterable[tuple[Any, ...]]) -> Sheet:
    """Keep the non-empty rows, as texts, until a long run of empty rows."""
    sheet, empty_run = Sheet(str(name)), 0
    for number, row in enumerate(rows, start=1):
        if number > MAX_ROWS:
            break
        texts = [cell_text(value) for value in row[:MAX_COLUMNS]]
        if not any(texts):
            empty_run += 1
            if empty_run > EMPTY_ROWS_AT_END:
                break
            continue
        empty_run = 0
        sheet.rows.append((number, texts))
    return sheet


def cell_text(value: Any) -> str:
    """A cell's value as text, the way pyxform reads it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value).replace("\u00a0", " ").strip()


def _short(error: Exception) -> str:
    text = str(error).strip() or type(error).__name__
    return text if len(text) <= 120 else text[:117] + "…"
