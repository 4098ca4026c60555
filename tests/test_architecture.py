"""The import graph of ``builder``, ``blocks`` and ``exports`` has no circle.

Every ``import`` counts, at the top of a module or inside a function: a circle hidden
in a function is still two modules that cannot be understood one without the other.
The one exception is Flask's blueprint idiom: a package's ``__init__`` that creates a
blueprint imports its own view modules at the end, so that their routes register on it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("builder", "blocks", "exports")


def project_modules() -> dict[str, Path]:
    """Every module of the project by dotted name (a package by its own name)."""
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            modules[name] = path
    return modules


def _imported_names(tree: ast.AST, module: str, is_package: bool) -> set[str]:
    """The dotted names a module imports (``from a import b`` gives ``a.b``: the module
    ``a.b`` when there is one, else the name ``b`` of ``a``, see :func:`_resolve`)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".") if is_package else module.split(".")[:-1]
                anchor = anchor[:len(anchor) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The most specific project module that ``name`` stands for, if any."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def import_graph() -> dict[str, set[str]]:
    """For each project module, the project modules it imports (blueprint idiom left out)."""
    modules = project_modules()
    graph = {}
    for module, path in modules.items():
        source = path.read_text(encoding="utf-8")
        is_package = path.name == "__init__.py"
        registers_views = is_package and "Blueprint(" in source
        targets = {_resolve(name, modules) for name in _imported_names(ast.parse(source), module, is_package)}
        graph[module] = {target for target in targets if target and target != module
                         and not (registers_views and target.rpartition(".")[0] == module)}
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_project_imports_have_no_circle():
    assert circles(import_graph()) == []


def test_a_circle_is_found():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert circles(graph) == [["a", "b", "c"]]


@pytest.mark.parametrize("source, expected", [
    ("from builder.site import bp, views", {"builder.site", "builder.site.views"}),
    ("import builder.rules.engine", {"builder.rules.engine"}),
    ("from . import nodes", {"builder.rules.nodes"}),
    ("from .values import EMPTY", {"builder.rules.values"}),
])
def test_imports_are_read_as_python_resolves_them(source, expected):
    modules = project_modules()
    names = _imported_names(ast.parse(source), "builder.rules.explain", False)
    assert {_resolve(name, modules) for name in names} == expected
