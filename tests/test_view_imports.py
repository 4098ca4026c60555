"""No module takes helpers from a view module: what two modules share lives in a module
without routes (the step pages in builder.site.flow, the page context in
builder.site.context…). A package's ``__init__`` importing its own views so that their
routes register (Flask's blueprint idiom) is the one exception."""

from __future__ import annotations

import re

from test_architecture import import_graph, project_modules

ROUTE = re.compile(r"^@\w+\.(route|get|post)\(", re.M)


def view_modules() -> set[str]:
    """The modules that declare routes."""
    return {name for name, path in project_modules().items()
            if ROUTE.search(path.read_text(encoding="utf-8"))}


def test_no_module_imports_a_view_module():
    views = view_modules()
    assert "builder.site.views" in views and "builder.studio.editor.preview" in views
    found = sorted(f"{module} imports {target}" for module, targets in import_graph().items()
                   for target in targets & views)
    assert found == []
