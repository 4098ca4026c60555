"""A block's parameter form: generated from its type, and a save without changes keeps
the block exactly as it was."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from blocks import REGISTRY
from builder.editing import operations as ops
from builder.editing.document import ServiceDocument
from builder.editing.forms import form_to_params, param_fields, use_fields, use_form_to_params
from builder.editing.locate import entries
from builder.messages import Problems

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.yaml"))


def posted(fields) -> dict:
    """What a browser posts for a form showing ``fields`` untouched."""
    form = {}
    for field in fields:
        if isinstance(field.value, dict):
            form.update({f"{field.name}.{lang}": text for lang, text in field.value.items()})
        elif isinstance(field.value, bool):
            form[field.name] = ["non", "oui"] if field.value else "non"
        else:
            form[field.name] = field.value
    return form


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_saving_every_form_untouched_keeps_the_service_the_same(path):
    data = ServiceDocument.from_yaml(path.read_text(encoding="utf-8")).data
    for _, _, key, block in entries(data):
        if "use" in block:
            continue
        block_type = REGISTRY.get(block["type"])
        params = form_to_params(block_type, posted(param_fields(block_type, block)), block)
        assert ops.update_block(data, key, params) == data, key


@pytest.mark.parametrize("block_type", list(REGISTRY), ids=lambda t: t.name)
def test_every_parameter_has_a_french_label_and_a_widget(block_type):
    for field in param_fields(block_type):
        assert field.label and field.help and field.widget
        assert field.required == block_type.param(field.name).required


def test_fields_show_the_block_values():
    block = {"type": "date", "id": "jour", "label": "Jour", "min": dt.date(2026, 9, 1), "max": "today",
             "required": False}
    fields = {field.name: field for field in param_fields(REGISTRY.get("date"), block)}
    assert (fields["min"].value, fields["max"].value, fields["required"].value) == \
        ("2026-09-01", "aujourd'hui", False)
    assert fields["min"].label == "Date la plus ancienne acceptée" and fields["show_if"].widget == "condition"
    content = {field.name: field for field in param_fields(REGISTRY.get("content"))}
    assert content["label"].label == "Titre" and content["body"].widget == "textarea"


def test_typed_values_are_converted_to_parameter_kinds():
    number = REGISTRY.get("number")
    assert form_to_params(number, {"min": "1,5", "max": "1 500", "step": "", "required": ["non", "oui"]}) == \
        {"min": 1.5, "max": 1500, "step": None, "required": None}
    date = REGISTRY.get("date")
    assert form_to_params(date, {"min": "14/07/2006", "max": "Aujourd'hui"}) == \
        {"min": dt.date(2006, 7, 14), "max": "today"}
    choices = REGISTRY.get("choices")
    assert form_to_params(choices, {"min_choices": "2", "required": "non"}) == {"min_choices": 2, "required": False}


def test_options_are_one_per_line():
    choice = REGISTRY.get("choice")
    text = "apprenti | En apprentissage\r\nAutre\n\n  etudiant|Étudiant ou étudiante  \n"
    assert form_to_params(choice, {"options": text})["options"] == [
        {"value": "apprenti", "label": "En apprentissage"}, "Autre",
        {"value": "etudiant", "label": "Étudiant ou étudiante"}]
    assert form_to_params(choice, {"options": "oui | Oui | Yes"}, languages=("fr", "en"))["options"] == [
        {"value": "oui", "label": {"fr": "Oui", "en": "Yes"}}]


def test_texts_in_several_languages_have_a_field_each():
    text = REGISTRY.get("text")
    block = {"id": "nom", "label": {"fr": "Votre nom", "en": "Your name"}}
    label = next(field for field in param_fields(text, block, ("fr", "en")) if field.name == "label")
    assert label.languages == ("fr", "en") and label.value == {"fr": "Votre nom", "en": "Your name"}
    assert form_to_params(text, {"label.fr": "Nom", "label.en": "Name"}, block, ("fr", "en")) == \
        {"label": {"fr": "Nom", "en": "Name"}}
    assert form_to_params(text, {"label.fr": "Nom", "label.en": ""}, block, ("fr", "en")) == {"label": "Nom"}


def test_a_condition_typed_in_the_form_is_checked():
    text = REGISTRY.get("text")
    assert form_to_params(text, {"show_if": "age >= 18"}) == {"show_if": "age >= 18"}
    block = {"show_if": {"all": ["age >= 18", "boursier"]}}
    assert form_to_params(text, {"show_if": "age >= 18 and boursier"}, block) == {"show_if": block["show_if"]}


def test_every_field_that_cannot_be_read_is_reported():
    with pytest.raises(Problems) as error:
        form_to_params(REGISTRY.get("text"), {"id": "Mon id", "max_length": "dix", "show_if": "age >= 18 et x",
                                              "autocomplete": "téléphone", "pattern": "[a-"})
    found = {problem.path: problem.message() for problem in error.value.problems}
    assert set(found) == {("id",), ("max_length",), ("show_if",), ("autocomplete",), ("pattern",)}
    assert found[("max_length",)] == "« max_length » doit être un nombre entier, par exemple 10."
    assert found[("show_if",)].startswith("Écrivez « and » au lieu de « et »")


def test_a_library_block_has_its_own_small_form():
    entry = {"use": "coordonnees", "only": ["telephone"]}
    only, prefix = use_fields(entry)
    assert (only.choices, only.value, prefix.value) == (("email", "telephone"), ["telephone"], "")
    assert use_form_to_params(entry, {"only": ["email", "telephone"], "prefix": "parent_"}) == \
        {"only": None, "prefix": "parent_"}
    assert use_form_to_params(entry, {"only": "email", "prefix": ""}) == {"only": ["email"], "prefix": None}
