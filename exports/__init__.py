"""Exports of a service's submissions: one module per format, one registry.

Each format module has ``export(service, submissions, lang="fr", *, version=None,
history=()) -> bytes``, a ``media_type`` and an ``extension``; :data:`EXPORTERS` maps
format names to them. :func:`export` runs one by name; :mod:`exports.published` reads
a published service and its submissions from an instance database; :mod:`exports.cli`
is the ``tremplin export`` command. The columns every format shares are in
:mod:`exports.table`; see docs/exports.md.

The services themselves (not their submissions) go to and from other tools' formats
(XLSForm) through :mod:`exports.interop`; see docs/import.md.
"""

from __future__ import annotations

import datetime as dt
from types import ModuleType
from typing import Any, Iterable

from builder.format.model import Service
from exports import csv_export, json_export, sqlite_export, xlsx_export

EXPORTERS: dict[str, ModuleType] = {
    "csv": csv_export,
    "xlsx": xlsx_export,
    "json": json_export,
    "sqlite": sqlite_export,
}


class UnknownFormat(ValueError):
    """An export format that :data:`EXPORTERS` does not have."""

    def __init__(self, name: str):
        super().__init__(f"unknown export format {name!r} (known: {', '.join(EXPORTERS)})")
        self.name = name


def exporter(format_name: str) -> ModuleType:
    """The module of ``format_name`` (UnknownFormat when there is none)."""
    try:
        return EXPORTERS[format_name]
    except KeyError:
        raise UnknownFormat(format_name) from None


def export(
    format_name: str,
    service: Service,
    submissions: Iterable[Any],
    lang: str = "fr",
    **options: Any,
) -> bytes:
    """``submissions`` to ``service`` in ``format_name``; ``options`` go to the format
    (``version``: the published version number, ``history``: older versions)."""
    return exporter(format_name).export(service, submissions, lang, **options)


def filename(service_id: str, format_name: str, day: dt.date | None = None) -> str:
    """A file name for an export: ``aide-permis-reponses-2026-09-01.csv``."""
    day = day or dt.date.today()
    return f"{service_id}-reponses-{day.isoformat()}.{exporter(format_name).extension}"
