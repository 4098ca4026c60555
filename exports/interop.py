"""Services in other formats: importers that write a Tremplin service file from another
tool's files, converters that write a service in another tool's format.

Each format is one module, listed in :data:`IMPORTERS` or :data:`CONVERTERS`; the
``tremplin import --from NAME`` and ``tremplin convert --to NAME`` choices and the
studio's import come from these two registries, so adding a format is writing its
module and naming it here.

An **importer** module has:

- ``name`` (``"xlsform"``), ``label`` (French, English) and ``suffixes`` (``(".xlsx", ".xls")``);
- ``recognises(source) -> bool``: whether a file looks like its format (by its content);
- ``import_service(sources) -> Imported``: the service file (YAML, format 1, valid) and
  the :class:`Note` of everything that could not be carried over; raises
  :class:`ImportFailed` when nothing can be imported.

A **converter** module has ``name``, ``label``, ``extension``, ``media_type`` and
``convert(service) -> Converted`` (the bytes and the notes, located by line of the
service file). Notes read ``FILE:ROW: message`` (a spreadsheet row) or ``FILE:LINE:
message`` (a line of a service file), in French or English.
"""

from __future__ import annotations

from types import ModuleType
from typing import Sequence

from builder.messages import register
from exports import aidesjeunes_import, xlsform_export, xlsform_import
from exports.notes import Imported, ImportFailed, Note, Source

IMPORTERS: dict[str, ModuleType] = {
    "xlsform": xlsform_import,
    "aides-jeunes": aidesjeunes_import,
}
CONVERTERS: dict[str, ModuleType] = {
    "xlsform": xlsform_export,
}

register({
    "interop.unknown_source": (
        "Le format de ce fichier n'est pas reconnu : précisez-le avec --from ({known}).",
        "The format of this file is not recognised: give it with --from ({known})."),
})


def importer(name: str) -> ModuleType:
    """The importer called ``name`` (KeyError when there is none)."""
    return IMPORTERS[name]


def converter(name: str) -> ModuleType:
    """The converter called ``name`` (KeyError when there is none)."""
    return CONVERTERS[name]


def guess_importer(sources: Sequence[Source]) -> ModuleType:
    """The importer that recognises the first source, else the one its extension names;
    ImportFailed when none does."""
    first = sources[0]
    for module in IMPORTERS.values():
        if module.recognises(first):
            return module
    for module in IMPORTERS.values():
        if first.suffix in module.suffixes:
            return module
    raise ImportFailed([Note(first.name, 1, "interop.unknown_source", {"known": ", ".join(IMPORTERS)})])


def import_files(sources: Sequence[Source], name: str | None = None) -> Imported:
    """Import ``sources`` with the importer ``name`` (guessed from the files when None)."""
    module = importer(name) if name else guess_importer(sources)
    return module.import_service(sources)
