"""What reading a file the studio wrote gives, worked out from its parts
(:mod:`builder.editing.fragments`), is exactly what reading the whole text gives: the same
data, the same line for every value."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings

from builder.editing import operations
from builder.editing.document import ServiceDocument, write_service
from builder.format import yaml_lines
from builder.format.yaml_lines import read_yaml
from test_editing_document import MINIMAL, texts

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.yaml"))


def assert_reads_as_the_whole_text(document: ServiceDocument) -> None:
    written = document.written()
    assert written.text == document.to_yaml()
    data, lines = written.read()
    assert (data, lines) == read_yaml(written.text)
    assert list(data) == list(read_yaml(written.text)[0])  # the keys in the file's order


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_reads_back_from_its_parts(path):
    document = ServiceDocument.from_yaml(path.read_text(encoding="utf-8"))
    assert_reads_as_the_whole_text(document)
    assert_reads_as_the_whole_text(document)  # the second time, every part is kept


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_after_edits_the_lines_move_with_the_text(path):
    document = ServiceDocument.from_yaml(path.read_text(encoding="utf-8"))
    assert_reads_as_the_whole_text(document)
    first = document.data["steps"][0]["id"]
    for edit in (lambda data: operations.add_step(data, "Une étape ajoutée\net longue")[0],
                 lambda data: operations.move_step(data, first, 1),
                 lambda data: operations.delete_step(data, first)[0]):
        document = document.with_data(edit(document.data))
        assert_reads_as_the_whole_text(document)


def test_the_opening_comment_shifts_every_line():
    document = ServiceDocument.from_yaml("# Un service\n#\n# pour essayer\n\n" + write_service(MINIMAL).text)
    assert_reads_as_the_whole_text(document)
    assert document.written().read()[1][("steps", 0, "blocks", 0, "label")] == 13


def test_a_file_over_the_readers_limits_is_read_whole(monkeypatch):
    written = write_service(MINIMAL)
    monkeypatch.setattr("builder.editing.fragments.MAX_BYTES", 10)
    assert written.read() is None
    monkeypatch.setattr("builder.editing.fragments.MAX_BYTES", yaml_lines.MAX_BYTES)
    monkeypatch.setattr("builder.editing.fragments.MAX_VALUES", 5)
    assert written.read() is None


def test_an_empty_service_is_read_whole():
    assert write_service({}).read() is None


@settings(max_examples=200, deadline=None)
@given(label=texts, hint=texts)
def test_any_text_reads_back_from_its_parts(label, hint):
    data = dict(MINIMAL, summary=label, help={"text": hint}, steps=[{"id": "vous", "blocks": [
        {"type": "text", "id": "prenom", "label": label, "hint": hint}]}] * 3,
                tests=[{"name": hint, "answers": {"x": [label, hint], "y": [label] * 9}}])
    assert_reads_as_the_whole_text(ServiceDocument(data, "# En-tête\n"))
