"""How a block is drawn: its template, where that template is found, and the one
``params`` mapping every block template takes (as GOV.UK Frontend's components do).

A block type names its template ``blocks/<name>.html`` (``BlockType.template``) and the
folder that holds it (``BlockType.template_folder``). The built-in types' templates are
in :data:`BUILTIN_TEMPLATES` (``blocks/templates/blocks/``, shipped with the package),
with the parts they share (``blocks/_parts.html``: label, hint and error, a field drawn
by WTForms, radio buttons and boxes). A block type added by an extension brings its
template in a folder of its own::

    @REGISTRY.register
    class Siret(BlockType):
        name, template = "siret", "blocks/siret.html"
        template_folder = str(Path(__file__).parent / "templates")

The application looks templates up in its own folder first, then with
:class:`BlockTemplates`: the built-in folder, then each registered type's folder in
registration order, at the time a template is first asked for (so a type registered after
the application was made is found too). A template of the application or a built-in one
is never replaced by an extension's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from jinja2 import BaseLoader, Environment, FileSystemLoader, TemplateNotFound

BUILTIN_TEMPLATES = str(Path(__file__).resolve().parent / "templates")


class BlockTemplates(BaseLoader):
    """A Jinja loader for the templates of the block types of a registry."""

    def __init__(self, registry: Iterable[Any]):
        self.registry = registry
        self._loaders: dict[str, FileSystemLoader] = {}

    def folders(self) -> list[str]:
        """The built-in folder, then each registered type's own, without repeats."""
        return list(dict.fromkeys([BUILTIN_TEMPLATES, *(kind.template_folder for kind in self.registry)]))

    def _loader(self, folder: str) -> FileSystemLoader:
        loader = self._loaders.get(folder)
        if loader is None:
            loader = self._loaders[folder] = FileSystemLoader(folder)
        return loader

    def get_source(self, environment: Environment, template: str) -> tuple[str, str | None, Callable[[], bool]]:
        """The source of ``template`` from the first folder that has it."""
        for folder in self.folders():
            try:
                return self._loader(folder).get_source(environment, template)
            except TemplateNotFound:
                continue
        raise TemplateNotFound(template)

    def list_templates(self) -> list[str]:
        """Every template of every folder."""
        return sorted({name for folder in self.folders() for name in self._loader(folder).list_templates()})


def params(block_id: str, block: Mapping, field: Any, heading: bool) -> dict:
    """The mapping a block template takes.

    ``id`` and ``block`` (the block's parameters), ``field`` (its bound WTForms field,
    None for a block that asks nothing) and ``heading`` (its label is the page's ``h1``:
    it is alone on its page). For a question, also ``error`` (the first error, or None),
    ``hint_id`` and ``error_id`` (the ids of the hint and of the error, "" when there is
    none), ``describedby`` (both, for ``aria-describedby``) and ``attributes`` (those of
    the field: ``aria-describedby``, and ``aria-invalid`` when there is an error).
    """
    found = {"id": block_id, "block": block, "field": field, "heading": heading}
    if field is not None:
        error = field.errors[0] if field.errors else None
        hint_id = f"{field.id}-aide" if field.description else ""
        error_id = f"{field.id}-erreur" if error else ""
        found.update(error=error, hint_id=hint_id, error_id=error_id,
                     describedby=" ".join(part for part in (hint_id, error_id) if part))
        found["attributes"] = _attributes(found["describedby"], error)
    return found


def _attributes(describedby: str, error: str | None) -> dict[str, str]:
    attributes = {"aria-describedby": describedby} if describedby else {}
    if error:
        attributes["aria-invalid"] = "true"
    return attributes
