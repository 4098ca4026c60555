"""Every block type converts its own answers: stored, shown in a field, posted back,
typed in the studio's example form, and back again (Wagtail's ``value_for_form`` and
``value_from_form``). The tests run over every valid example of every registered type."""

from __future__ import annotations

import pytest

from blocks import REGISTRY

CASES = [pytest.param(block_type, example, value, cleaned, id=f"{block_type.name}-{index}-{value!r}")
         for block_type in REGISTRY if block_type.is_question
         for index, example in enumerate(block_type.examples)
         for value, cleaned in example.valid]


def block_of(block_type, example) -> dict:
    return block_type.normalize({"type": block_type.name, **example.block})


@pytest.mark.parametrize("block_type, example, value, cleaned", CASES)
def test_a_stored_answer_shown_in_its_field_and_posted_back_is_the_same(block_type, example, value, cleaned):
    block = block_of(block_type, example)
    shown = block_type.value_for_form(block, block_type.format_json(block, cleaned))
    posted = [str(item) for item in shown] if isinstance(shown, list) else [str(shown)]
    again = block_type.clean_answer(block, block_type.value_from_form(block, posted), example.today)
    assert again == cleaned


@pytest.mark.parametrize("block_type, example, value, cleaned", CASES)
def test_an_answer_typed_in_the_example_form_as_shown_is_the_same(block_type, example, value, cleaned):
    block = block_of(block_type, example)
    text = block_type.value_for_text(block, cleaned)
    assert isinstance(text, str) and text
    assert block_type.clean(block, block_type.value_from_text(block, text), example.today) == cleaned


@pytest.mark.parametrize("block_type, example, value, cleaned", CASES)
def test_a_stored_answer_reads_back_as_the_types_own_value(block_type, example, value, cleaned):
    block = block_of(block_type, example)
    assert block_type.value_from_json(block, block_type.format_json(block, cleaned)) == cleaned


def test_nothing_posted_is_no_answer_and_several_boxes_are_a_list():
    assert REGISTRY.get("text").value_from_form({}, []) is None
    assert REGISTRY.get("choices").value_from_form({}, ["a", "b"]) == ["a", "b"]
    assert REGISTRY.get("number").value_for_form({}, 7.5) == "7,5"
    assert REGISTRY.get("date").value_for_form({}, "2006-07-14") == "14/07/2006"
    assert REGISTRY.get("yesno").value_for_form({}, False) == "non"


def test_only_the_email_type_gives_an_address_to_write_to():
    assert [block_type.name for block_type in REGISTRY if block_type.email_address] == ["email"]
