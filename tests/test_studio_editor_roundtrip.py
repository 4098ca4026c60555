"""The round-trip guarantee: every example, created in the studio from its template and
saved back through the editor without a change (every block's and outcome's form posted
as the page shows it, every step renamed to its own title), gives an equivalent file:
the same data as the example, the same bytes as when it was created, personas passing."""

from __future__ import annotations

from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from builder.editing.document import ServiceDocument
from builder.editing.locate import entries
from builder.format.loader import load_service_text
from builder.rules.personas import run_personas
from test_studio_editor import Studio, people  # noqa: F401  (fixture)

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.yaml"))


class FormReader(HTMLParser):
    """What a browser posts for each ``method="post"`` form of a page, untouched: hidden
    and text fields, checked boxes and radios, selected options, textareas."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str]]] = []
        self.fields: list[tuple[str, str]] = []
        self.depth = 0  # 1 inside a form
        self.textarea: str | None = None
        self.select: str | None = None
        self.options: list[tuple[str, bool]] = []
        self.buffer = ""

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and attributes.get("method") == "post":
            self.depth, self.fields = 1, []
            self.forms.append(self.fields)
        if self.depth != 1:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text")
            if kind not in ("checkbox", "radio") or "checked" in attributes:
                self.fields.append((name, attributes.get("value", "")))
        elif tag == "textarea":
            self.textarea, self.buffer = name, ""
        elif tag == "select":
            self.select, self.options = name, []
        elif tag == "option":
            self.options.append((attributes.get("value", ""), "selected" in attributes))

    def handle_data(self, data):
        if self.textarea is not None:
            self.buffer += data

    def handle_endtag(self, tag):
        if self.depth != 1:
            return
        if tag == "textarea" and self.textarea is not None:
            text = self.buffer[1:] if self.buffer.startswith("\n") else self.buffer  # as browsers do
            self.fields.append((self.textarea, unescape(text)))
            self.textarea = None
        elif tag == "select" and self.select is not None:
            chosen = [value for value, selected in self.options if selected] or [self.options[0][0]]
            self.fields.append((self.select, chosen[0]))
            self.select = None
        elif tag == "form":
            self.depth = 0


def untouched_form(html: str) -> dict[str, list[str]]:
    """The first form of the page that edits the service (it carries a revision)."""
    reader = FormReader()
    reader.feed(html)
    fields = next(fields for fields in reader.forms if any(name == "revision" for name, _ in fields))
    form: dict[str, list[str]] = {}
    for name, value in fields:
        form.setdefault(name, []).append(value)
    return form


def save_untouched(studio: Studio, path: str) -> None:
    form = untouched_form(studio.page(path))
    form.pop("revision")
    response = studio.post(path, form)
    assert response.status_code == 303, (path, response.get_data(as_text=True)[:2000])


def step_title_form(studio: Studio, step_id: str) -> dict[str, list[str]]:
    """The title field(s) of a step's « Renommer » form, as the editor shows them."""
    after = studio.page().split(f'id="etape-{step_id}"', 1)[1].split("rename-form", 1)[1]
    form = untouched_form('<form method="post" class="' + after)
    return {name: values for name, values in form.items() if name.startswith("title")}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_comes_back_equivalent_through_the_editor(people, path):
    studio = people.studio("olga", path.stem)
    response = studio.client.post(f"/studio/o/{studio.slug}/services/nouveau",
                                  data={"source": "modele", "template": path.stem})
    assert response.status_code == 302 and response.location.endswith(f"/services/{path.stem}/")
    original = ServiceDocument.from_yaml(path.read_text(encoding="utf-8")).data
    created = studio.copy().yaml

    for _, _, key, _ in list(entries(studio.data())):
        save_untouched(studio, f"blocs/{key}")
    for step in studio.data()["steps"]:
        titles = step_title_form(studio, step["id"])
        assert studio.post(f"etapes/{step['id']}/titre", titles).status_code == 303
    for outcome in studio.data().get("outcomes", []):
        save_untouched(studio, f"resultats/{outcome['id']}")

    assert studio.copy().yaml == created  # a save without a change changes nothing, not even a byte

    first = studio.data()["steps"][0]["id"]  # a change, then its reverse: two real saves
    titles = step_title_form(studio, first)
    name = next(iter(titles))
    studio.post(f"etapes/{first}/titre", {**titles, name: "Un autre titre"})
    studio.post(f"etapes/{first}/titre", titles)
    saved = studio.copy()
    assert saved.revision == 3 and saved.yaml == created
    assert ServiceDocument.from_yaml(saved.yaml).data == original
    service = load_service_text(saved.yaml, path.name)
    assert all(result.passed for result in run_personas(service))
    assert ServiceDocument.from_yaml(saved.yaml).to_yaml() == saved.yaml  # and it is stable
