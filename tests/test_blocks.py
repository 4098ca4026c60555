"""Every registered block type, through its own declared examples.

The tests are parametrized over the registry, so a newly registered type is covered
without touching this file.
"""

from __future__ import annotations

import datetime as dt
import json
import string

import jsonschema
import pytest
import wtforms
from hypothesis import given, strategies as st
from werkzeug.datastructures import MultiDict
from wtforms.fields import BooleanField, SelectMultipleField

from blocks import REGISTRY, BlockType, Example, Param, Registry, get_block_type
from blocks.registry import DuplicateBlockType
from builder.messages import Problem, known_codes, render

TYPES = list(REGISTRY)
EXAMPLES = [pytest.param(block_type, example, id=f"{block_type.name}-{index}")
            for block_type in TYPES for index, example in enumerate(block_type.examples)]
VALID = [pytest.param(block_type, example, value, cleaned,
                      id=f"{block_type.name}-{index}-{value!r}")
         for block_type in TYPES for index, example in enumerate(block_type.examples)
         for value, cleaned in example.valid]
INVALID = [pytest.param(block_type, example, value, id=f"{block_type.name}-{index}-{value!r}")
           for block_type in TYPES for index, example in enumerate(block_type.examples)
           for value in example.invalid]
QUESTIONS = [block_type for block_type in TYPES if block_type.answer_type is not None]
ANSWER_TYPES = {"string", "number", "date", "boolean", "option", "options", None}


def normalized(block_type: BlockType, example: Example) -> dict:
    return block_type.normalize({"type": block_type.name, **example.block})


def bind(block_type: BlockType, block: dict, values: list, lang: str = "fr",
         today: dt.date | None = None):
    """A form holding only this block's field, filled with ``values``."""
    field = block_type.form_field(block, lang=lang, today=today)
    form_class = type("OneQuestion", (wtforms.Form,), {block["id"]: field})
    form = form_class(MultiDict([(block["id"], value) for value in values]))
    return form, form[block["id"]]


def form_values(block_type: BlockType, block: dict, value) -> list | None:
    """What a browser would post for ``value``, or None when a browser cannot post it."""
    field = block_type.form_field(block)
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and issubclass(field.field_class, SelectMultipleField):
        return value
    if isinstance(value, bool) and issubclass(field.field_class, BooleanField):
        return ["y"] if value else []
    return None


def postable(case) -> bool:
    """Whether a browser could post this example's input (typed YAML values cannot)."""
    block_type, example, value = case.values[:3]
    return form_values(block_type, normalized(block_type, example), value) is not None


FORM_VALID = [case for case in VALID if postable(case)]
FORM_INVALID = [case for case in INVALID if postable(case)]


# --- declarations ---------------------------------------------------------------------

@pytest.mark.parametrize("block_type", TYPES, ids=lambda t: t.name)
def test_type_declares_its_interface(block_type):
    assert block_type.name and block_type.label and block_type.label_en
    assert block_type.answer_type in ANSWER_TYPES
    assert block_type.template == f"blocks/{block_type.name}.html"
    assert block_type.examples, "every type declares a few examples"
    names = [param.name for param in block_type.all_params()]
    assert len(names) == len(set(names))
    assert "id" in names and "show_if" in names


@pytest.mark.parametrize("block_type", TYPES, ids=lambda t: t.name)
def test_every_param_is_documented_in_both_languages(block_type):
    for param in block_type.all_params():
        assert param.doc and param.doc_en, param.name
        assert param.json_schema()["description"] == param.doc


@pytest.mark.parametrize("block_type", TYPES, ids=lambda t: t.name)
def test_json_schema_is_valid_and_accepts_examples(block_type):
    schema = block_type.json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    for example in block_type.examples:
        block = json.loads(json.dumps({"type": block_type.name, **example.block},
                                      default=str))
        jsonschema.Draft202012Validator(schema).validate(block)


@pytest.mark.parametrize("block_type,example", EXAMPLES)
def test_example_blocks_have_possible_params(block_type, example):
    assert block_type.check_block(normalized(block_type, example)) == []


def test_block_messages_exist_in_both_languages():
    codes = [code for code in known_codes() if code.startswith(("blocks.", "library."))]
    assert len(codes) > 40
    for code in codes:
        french, english = (render(code, lang, **_placeholders(code)) for lang in ("fr", "en"))
        assert french.strip() and english.strip()


def _placeholders(code: str) -> dict:
    """Every field the two templates of ``code`` name, filled with "x"."""
    templates = [render.__globals__["_CATALOGUE"][code][index] for index in (0, 1)]
    return {name: "x" for template in templates
            for _, name, _, _ in string.Formatter().parse(template) if name}


# --- cleaning ------------------------------------------------------------------------

@pytest.mark.parametrize("block_type,example,value,cleaned", VALID)
def test_valid_answers_clean_to_the_expected_value(block_type, example, value, cleaned):
    block = normalized(block_type, example)
    assert not block_type.is_blank(value)
    result = block_type.clean(block, value, today=example.today)
    assert result == cleaned
    assert type(result) is type(cleaned)


@pytest.mark.parametrize("block_type,example,value", INVALID)
def test_invalid_answers_raise_a_message_a_person_can_act_on(block_type, example, value):
    block = normalized(block_type, example)
    with pytest.raises(Problem) as caught:
        block_type.clean(block, value, today=example.today)
    french, english = caught.value.message("fr"), caught.value.message("en")
    assert french.strip() and english.strip()
    assert french != english


@pytest.mark.parametrize("block_type", QUESTIONS, ids=lambda t: t.name)
@pytest.mark.parametrize("blank", [None, "", "   ", []])
def test_blank_answers(block_type, blank):
    block = normalized(block_type, block_type.examples[0])
    assert block_type.is_blank(blank)
    with pytest.raises(Problem) as caught:
        block_type.clean_answer({**block, "required": True}, blank)
    assert caught.value.message("fr") != caught.value.message("en")
    assert block_type.clean_answer({**block, "required": False}, blank) is None


def test_a_refused_consent_is_an_answer_not_a_blank():
    consent = get_block_type("consent")
    block = {"id": "accord", "label": "J'accepte"}
    assert not consent.is_blank(False)
    with pytest.raises(Problem):
        consent.clean_answer(block, False)
    assert consent.clean_answer({**block, "required": False}, False) is False


def test_content_asks_nothing():
    content = get_block_type("content")
    block = {"id": "info", "body": "Bonjour"}
    assert content.answer_type is None
    assert content.form_field(block) is None
    assert content.clean_answer(block, "x") is None
    with pytest.raises(Problem):
        content.clean(block, "x")


# --- forms ---------------------------------------------------------------------------

@pytest.mark.parametrize("block_type,example,value,cleaned", FORM_VALID)
def test_form_accepts_valid_answers(block_type, example, value, cleaned):
    block = normalized(block_type, example)
    values = form_values(block_type, block, value)
    form, field = bind(block_type, block, values, today=example.today)
    assert form.validate(), field.errors
    assert field.cleaned == cleaned
    assert block["id"] in field()  # the widget renders


@pytest.mark.parametrize("block_type,example,value", FORM_INVALID)
def test_form_rejects_invalid_answers_in_the_respondents_language(block_type, example, value):
    block = normalized(block_type, example)
    values = form_values(block_type, block, value)
    with pytest.raises(Problem) as caught:
        block_type.clean(block, value, today=example.today)
    for lang in ("fr", "en"):
        form, field = bind(block_type, block, values, lang=lang, today=example.today)
        assert not form.validate()
        assert field.errors == [caught.value.message(lang)]
        assert field.cleaned is None


@pytest.mark.parametrize("block_type", QUESTIONS, ids=lambda t: t.name)
def test_form_field_label_hint_and_required(block_type):
    block = {**normalized(block_type, block_type.examples[0]),
             "label": {"fr": "Question", "en": "Question EN"}, "hint": "Aide"}
    form, field = bind(block_type, block, [], lang="en")
    assert field.label.text == "Question EN"
    assert field.description == "Aide"
    assert not form.validate()
    form, field = bind(block_type, {**block, "required": False}, [])
    assert form.validate(), field.errors
    assert field.cleaned is None or field.cleaned is False  # an unticked optional consent
    assert field.flags.optional


@pytest.mark.parametrize("name,extra,attributes", [
    ("number", {"step": 1}, {"inputmode": "numeric"}),
    ("number", {}, {"inputmode": "decimal"}),
    ("postcode", {}, {"inputmode": "numeric", "autocomplete": "postal-code"}),
    ("email", {}, {"type": "email", "autocomplete": "email", "spellcheck": "false"}),
    ("phone", {}, {"type": "tel", "autocomplete": "tel"}),
    ("date", {"autocomplete": "bday"}, {"inputmode": "numeric", "autocomplete": "bday"}),
    ("text", {"autocomplete": "given-name"}, {"autocomplete": "given-name"}),
])
def test_fields_help_on_phones(name, extra, attributes):
    block_type = get_block_type(name)
    block = {"id": "q", "label": "Q", **extra}
    html = bind(block_type, block, [])[1]()
    for attribute, value in attributes.items():
        assert f'{attribute}="{value}"' in html


def test_dropdown_choice_and_checkboxes():
    choice = get_block_type("choice")
    block = choice.normalize({"id": "q", "label": "Q", "options": ["a", "b"],
                              "display": "dropdown"})
    html = bind(choice, block, [])[1]()
    assert "<select" in html and "Choisissez une réponse" in html
    choices = get_block_type("choices")
    html = bind(choices, {"id": "q", "label": "Q", "options": ["a", "b"]}, [])[1]()
    assert html.count('type="checkbox"') == 2


def test_yesno_field_shows_a_stored_answer():
    yesno = get_block_type("yesno")
    field = yesno.form_field({"id": "q", "label": "Q"})
    form = type("F", (wtforms.Form,), {"q": field})(data={"q": False})
    assert [(option.data, option.checked) for option in form.q] == [("oui", False),
                                                                   ("non", True)]


# --- formatting ----------------------------------------------------------------------

@pytest.mark.parametrize("block_type,example,value,cleaned", VALID)
def test_formats_of_cleaned_answers(block_type, example, value, cleaned):
    block = normalized(block_type, example)
    for lang in ("fr", "en"):
        assert block_type.format_text(block, cleaned, lang).strip()
    cell = block_type.format_csv(block, cleaned)
    assert isinstance(cell, str) and cell
    as_json = json.loads(json.dumps(block_type.format_json(block, cleaned)))
    assert block_type.clean(block, as_json, today=example.today) == cleaned


@pytest.mark.parametrize("block_type", TYPES, ids=lambda t: t.name)
def test_blank_answers_format_as_nothing(block_type):
    block = normalized(block_type, block_type.examples[0])
    assert block_type.format_text(block, None) == ""
    assert block_type.format_csv(block, None) == ""
    assert block_type.format_json(block, None) is None


@pytest.mark.parametrize("name,block,value,text,cell,as_json", [
    ("number", {"unit": "€"}, 1500.5, "1\u00a0500,5\u00a0€", "1500.5", 1500.5),
    ("date", {}, dt.date(2006, 7, 14), "14/07/2006", "2006-07-14", "2006-07-14"),
    ("yesno", {}, True, "Oui", "oui", True),
    ("consent", {}, True, "Oui", "oui", True),
    ("choice", {"options": [{"value": "a", "label": "Apprenti"}]}, "a", "Apprenti", "a", "a"),
    ("choices", {"options": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]},
     ["a", "b"], "A, B", "a; b", ["a", "b"]),
])
def test_formats(name, block, value, text, cell, as_json):
    block_type = get_block_type(name)
    block = block_type.normalize({"id": "q", "label": "Q", **block})
    assert block_type.format_text(block, value) == text
    assert block_type.format_csv(block, value) == cell
    assert block_type.format_json(block, value) == as_json


def test_english_formats():
    assert get_block_type("number").format_text({"unit": {"fr": "ans", "en": "years"}},
                                                19.5, "en") == "19.5\u00a0years"
    assert get_block_type("yesno").format_text({}, False, "en") == "No"


@given(st.integers(min_value=-10**9, max_value=10**9) | st.floats(
    min_value=-1e6, max_value=1e6, allow_nan=False).map(lambda x: round(x, 3)))
def test_numbers_read_back_as_people_see_them(number):
    block_type = get_block_type("number")
    block = {"id": "q", "label": "Q", "unit": "€"}
    expected = int(number) if float(number).is_integer() else number
    for lang in ("fr", "en"):
        text = block_type.format_text(block, expected, lang).replace(",", "") \
            if lang == "en" else block_type.format_text(block, expected, lang)
        assert block_type.clean(block, text) == expected


@given(st.dates(min_value=dt.date(1000, 1, 1)))
def test_dates_read_back_as_people_see_them(day):
    date_type = get_block_type("date")
    block = {"id": "q", "label": "Q"}
    assert date_type.clean(block, date_type.format_text(block, day)) == day
    assert date_type.clean(block, date_type.format_csv(block, day)) == day


@given(st.from_regex(r"0[1-9][0-9]{8}", fullmatch=True),
       st.sampled_from([" ", ".", "", "-"]))
def test_french_phone_numbers_in_any_layout(digits, separator):
    phone = get_block_type("phone")
    written = separator.join(digits[i:i + 2] for i in range(0, 10, 2))
    expected = " ".join(digits[i:i + 2] for i in range(0, 10, 2))
    assert phone.clean({}, written) == expected
    assert phone.clean({}, "+33" + digits[1:]) == expected


# --- parameters ----------------------------------------------------------------------

IMPOSSIBLE = [
    ("number", {"min": 10, "max": 5}, ("min",), "blocks.min_above_max"),
    ("number", {"step": 0}, ("step",), "blocks.step_positive"),
    ("date", {"min": "2026-01-01", "max": dt.date(2025, 1, 1)}, ("min",),
     "blocks.min_above_max"),
    ("text", {"max_length": 0}, ("max_length",), "blocks.max_length_positive"),
    ("textarea", {"max_length": -3}, ("max_length",), "blocks.max_length_positive"),
    ("text", {"pattern": "[a-"}, ("pattern",), "blocks.param_pattern"),
    ("text", {"pattern_message": "Deux lettres"}, ("pattern_message",),
     "blocks.pattern_message_alone"),
    ("choice", {}, ("options",), "blocks.options_empty"),
    ("choice", {"options": []}, ("options",), "blocks.options_empty"),
    ("choices", {"options": []}, ("options",), "blocks.options_empty"),
    ("choice", {"options": ["a", "b", {"value": "a", "label": "A"}]}, ("options", 2),
     "blocks.option_duplicate"),
    ("choices", {"options": ["1", 1]}, ("options", 1), "blocks.option_duplicate"),
    ("choices", {"options": ["a", "b"], "min_choices": 2, "max_choices": 1},
     ("min_choices",), "blocks.min_choices_above_max"),
    ("choices", {"options": ["a", "b"], "min_choices": 3}, ("min_choices",),
     "blocks.min_choices_above_options"),
    ("choices", {"options": ["a", "b"], "max_choices": 0}, ("max_choices",),
     "blocks.choices_bound"),
]


@pytest.mark.parametrize("name,params,path,code", IMPOSSIBLE,
                         ids=[f"{case[0]}-{case[3]}" for case in IMPOSSIBLE])
def test_check_params_finds_impossible_parameters(name, params, path, code):
    block_type = get_block_type(name)
    block = block_type.normalize({"id": "q", "label": "Q", **params})
    found = {(problem.path, problem.code) for problem in block_type.check_params(block)}
    assert (path, code) in found
    problem = next(p for p in block_type.check_block(block) if p.path == path)
    assert problem.message("fr") != problem.message("en")


@pytest.mark.parametrize("name,block,path,code", [
    ("text", {"label": "Q"}, ("id",), "blocks.param_missing"),
    ("text", {"id": "Date-Naissance", "label": "Q"}, ("id",), "blocks.param_id"),
    ("text", {"id": "2e_enfant", "label": "Q"}, ("id",), "blocks.param_id"),
    ("text", {"id": "q", "label": ""}, ("label",), "blocks.param_text"),
    ("text", {"id": "q", "label": {"fr": "Q", "english": "Q"}}, ("label",),
     "blocks.param_text"),
    ("text", {"id": "q", "label": "Q", "max_lenght": 3}, ("max_lenght",),
     "blocks.param_unknown"),
    ("text", {"id": "q", "label": "Q", "colour": 3}, ("colour",), "blocks.param_unknown"),
    ("number", {"id": "q", "label": "Q", "min": "dix"}, ("min",), "blocks.param_number"),
    ("choices", {"id": "q", "label": "Q", "options": ["a"], "min_choices": 1.5},
     ("min_choices",), "blocks.param_integer"),
    ("yesno", {"id": "q", "label": "Q", "required": "oui"}, ("required",),
     "blocks.param_boolean"),
    ("date", {"id": "q", "label": "Q", "max": "demain"}, ("max",),
     "blocks.param_date_bound"),
    ("date", {"id": "q", "label": "Q", "max": "2026-02-30"}, ("max",),
     "blocks.param_date_bound"),
    ("choice", {"id": "q", "label": "Q", "options": ["a", {"label": "B"}]}, ("options", 1),
     "blocks.param_option"),
    ("choice", {"id": "q", "label": "Q", "options": "a, b"}, ("options",),
     "blocks.param_options"),
    ("choice", {"id": "q", "label": "Q", "options": ["a"], "display": "liste"},
     ("display",), "blocks.param_enum"),
    ("text", {"id": "q", "label": "Q", "show_if": 3}, ("show_if",), "blocks.param_condition"),
    ("content", {"id": "q"}, ("body",), "blocks.param_missing"),
    ("content", {"id": "q", "body": "B", "hint": "H"}, ("hint",), "blocks.param_unknown"),
])
def test_check_block_reports_each_wrong_parameter_once(name, block, path, code):
    problems = get_block_type(name).check_block(block)
    assert [(p.path, p.code) for p in problems] == [(path, code)]
    assert problems[0].message("fr") != problems[0].message("en")


def test_unknown_param_suggests_the_right_name():
    problem, = get_block_type("text").check_block({"id": "q", "label": "Q",
                                                   "max_lenght": 3})
    assert "« max_length »" in problem.message()


def test_options_shorthand_is_normalized():
    block = get_block_type("choice").normalize(
        {"id": "q", "label": "Q", "options": ["Autre", 3, {"value": "a"},
                                              {"value": "b", "label": {"fr": "B"}}]})
    assert block["options"] == [{"value": "Autre", "label": "Autre"},
                                {"value": "3", "label": "3"}, {"value": "a", "label": "a"},
                                {"value": "b", "label": {"fr": "B"}}]


def test_normalize_returns_a_new_dict():
    block = {"id": "q", "label": "Q", "options": ["a"]}
    normal = get_block_type("choice").normalize(block)
    assert block["options"] == ["a"] and normal is not block


def test_param_kinds_are_checked():
    with pytest.raises(ValueError):
        Param("x", "colour")
    assert Param("x", "integer").check(True) is not None
    assert Param("x", "date_bound").check(dt.date(2026, 1, 1)) is None
    assert Param("x", "string_list").check(["a", 1]).path == ("x",)


# --- registry ------------------------------------------------------------------------

def test_registry_holds_the_thirteen_types_in_palette_order():
    assert REGISTRY.names() == ["text", "textarea", "email", "phone", "number", "date",
                                "yesno", "choice", "choices", "postcode", "commune", "consent",
                                "content"]
    assert "number" in REGISTRY and "nombre" not in REGISTRY
    assert get_block_type("number") is REGISTRY.get("number")
    with pytest.raises(KeyError):
        REGISTRY.get("nombre")


def test_registering_a_duplicate_name_raises():
    registry = Registry()

    @registry.register
    class Siret(BlockType):
        name = "siret"

    assert registry.names() == ["siret"] and isinstance(registry.get("siret"), Siret)

    class OtherSiret(BlockType):
        name = "siret"

    with pytest.raises(DuplicateBlockType):
        registry.register(OtherSiret)
    with pytest.raises(DuplicateBlockType):
        REGISTRY.register(type(get_block_type("text")))


def test_registry_rejects_what_is_not_a_block_type():
    with pytest.raises(TypeError):
        Registry().register(dict)
    with pytest.raises(ValueError):
        Registry().register(type("Nameless", (BlockType,), {}))
