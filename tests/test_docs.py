"""docs/format.md documents every block type, parameter, reusable block and file key.

The doc is written by hand; these tests fail when the code grows something the doc
does not describe (or the doc describes something the code no longer has).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from blocks import REGISTRY
from blocks.library import library_blocks, library_names

FORMAT_DOC = Path(__file__).parent.parent / "docs" / "format.md"
BLOCK_TYPES = "Types de blocs"
LIBRARY = "Blocs réutilisables"
REFERENCE = "Référence : les clés du fichier"
# The public keys of format 1 (docs/format.md): they may be added to, never renamed.
FORMAT_KEYS = {
    "tremplin", "id", "title", "summary", "languages", "organisation", "help", "computed",
    "steps", "outcomes", "submission", "tests",
    "text", "phone", "email", "address", "hours", "appointment_url",     # help
    "show_if", "blocks",                                                 # steps
    "when", "body", "amount", "links", "source",                         # outcomes
    "confirmation",                                                      # submission
    "name", "answers", "expect", "today",                                # tests
}
CODE_NAME = re.compile(r"^`([^`]+)`")


def sections(markdown: str) -> dict[str, dict[str, str]]:
    """``{h2 title: {h3 title: text}}``; text before the first h3 is under ``""``."""
    tree: dict[str, dict[str, str]] = {}
    h2 = h3 = ""
    in_code = False
    for line in markdown.splitlines():
        in_code = in_code != line.startswith("```")
        if not in_code and line.startswith("## "):
            h2, h3 = line[3:].strip(), ""
        elif not in_code and line.startswith("### "):
            h3 = line[4:].strip()
        else:
            tree.setdefault(h2, {}).setdefault(h3, "")
            tree[h2][h3] += line + "\n"
    return tree


def table_names(text: str) -> set[str]:
    """Every `name` in the first cell of a table row (several per cell are allowed)."""
    names: set[str] = set()
    for line in text.splitlines():
        if line.startswith("|"):
            first_cell = line.split("|")[1]
            names |= set(re.findall(r"`([^`]+)`", first_cell))
    return names


def code_headings(part: dict[str, str]) -> dict[str, str]:
    """The h3 sections titled with a `name`, by name."""
    return {match.group(1): text for title, text in part.items()
            if (match := CODE_NAME.match(title))}


DOC = sections(FORMAT_DOC.read_text(encoding="utf-8"))


@pytest.mark.parametrize("block_type", list(REGISTRY), ids=lambda t: t.name)
def test_every_block_type_and_parameter_is_documented(block_type):
    documented = code_headings(DOC[BLOCK_TYPES])
    assert block_type.name in documented, f"no « ### `{block_type.name}` » section"
    missing = {param.name for param in block_type.all_params()} - \
        table_names(documented[block_type.name])
    assert not missing, f"{block_type.name}: parameters not in its table: {sorted(missing)}"


def test_no_documented_block_type_or_parameter_is_stale():
    for name, text in code_headings(DOC[BLOCK_TYPES]).items():
        assert name in REGISTRY, f"docs describe a block type that does not exist: {name}"
        declared = {param.name for param in REGISTRY.get(name).all_params()}
        stale = table_names(text) - declared
        assert not stale, f"{name}: documented parameters that do not exist: {sorted(stale)}"


@pytest.mark.parametrize("name", library_names())
def test_every_library_block_is_documented(name):
    documented = code_headings(DOC[LIBRARY])
    assert name in documented, f"no « ### `{name}` » section under « {LIBRARY} »"
    ids = {block["id"] for block in library_blocks(name)}
    assert table_names(documented[name]) == ids


def test_use_keys_are_documented():
    assert {"use", "only", "prefix"} <= table_names(DOC[LIBRARY][""])


def test_every_key_of_the_design_is_documented():
    documented = set().union(*(table_names(text) for text in DOC[REFERENCE].values()))
    assert not FORMAT_KEYS - documented, sorted(FORMAT_KEYS - documented)


def test_every_key_the_loader_accepts_is_documented():
    spec = pytest.importorskip("builder.format.spec")
    documented = set().union(*(table_names(text) for text in DOC[REFERENCE].values()))
    assert not _keys(spec.SERVICE) - documented, sorted(_keys(spec.SERVICE) - documented)


def _keys(shape) -> set[str]:
    """Every key name in a shape of builder.format.spec, nested ones included."""
    names = set(shape.fields)
    for child in [*shape.fields.values(), shape.item]:
        if child is not None:
            names |= _keys(child)
    return names


def test_the_parser_reads_headings_tables_and_skips_code():
    tree = sections("## A\nintro\n### `x`\n| `p`, `q` | v |\n```\n### `y`\n```\n")
    assert set(tree["A"]) == {"", "`x`"}
    assert table_names(tree["A"]["`x`"]) == {"p", "q"}
