"""The form a person fills in on one step, built from the block types.

Each question block gives its own WTForms field (``BlockType.form_field``), whose
validator is the block type's ``clean``: the page and the engine share one check. A
stored answer goes into its field through ``BlockType.value_for_form``, and what a person
posted comes out through ``BlockType.value_from_form``.
Form classes are built once per step, visible blocks, language and date, then kept
with the service (``Service.derived_on(today)``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_wtf import FlaskForm

from builder.format.model import Block, Service
from builder.messages import Problem


class _Meta:
    # CSRFProtect checks the token of every POST before any view runs (builder.security):
    # a second token per form would only cost a signature on every page
    csrf = False


def _form_class(service: Service, blocks: list[Block], lang: str, today: dt.date) -> type:
    kept = service.derived_on(today)  # a date field's limits may depend on today
    key = ("form", tuple(block.id for block in blocks), lang)
    form_class = kept.get(key)
    if form_class is None:
        fields = {block.id: block.type.form_field(block.params, lang, service.languages, today)
                  for block in blocks if block.is_question}
        form_class = kept[key] = type("StepForm", (FlaskForm,), {**fields, "Meta": _Meta})
    return form_class


def step_form(service: Service, blocks: list[Block], answers: dict, lang: str, today: dt.date,
              formdata: Any = None) -> FlaskForm:
    """The form of a step: filled from ``formdata`` when posted, else from the saved answers."""
    form_class = _form_class(service, blocks, lang, today)
    if formdata is not None:
        return form_class(formdata=formdata)
    data = {block.id: block.type.value_for_form(block.params, answers.get(block.id))
            for block in blocks if block.is_question}
    return form_class(formdata=None, data=data)


def cleaned_answers(form: FlaskForm, blocks: list[Block]) -> dict[str, Any]:
    """The answers of a validated form, as JSON-able values for the draft."""
    answers = {}
    for block in blocks:
        if block.is_question:
            value = getattr(form[block.id], "cleaned", None)
            answers[block.id] = None if value is None else block.type.format_json(block.params, value)
    return answers


def posted_answers(service: Service, formdata: Any, today: dt.date) -> dict[str, Any]:
    """The valid answers among ``formdata``'s fields named like questions, as JSON-able
    values (each read by its block type; the others, and invalid ones, are left out)."""
    answers = {}
    for block_id, block in service.questions.items():
        posted = formdata.getlist(block_id)
        if not posted:
            continue
        try:
            value = block.type.clean_answer(block.params, block.type.value_from_form(block.params, posted), today)
        except Problem:
            continue
        if value is not None:
            answers[block_id] = block.type.format_json(block.params, value)
    return answers
