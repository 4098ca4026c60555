"""The answers as a person reads them: for the check page, the confirmation and the mails."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from builder.format.model import Block, Service, Step
from builder.rules.engine import Evaluation
from builder.rules.values import EMPTY, UNKNOWN
from builder.site import journey


@dataclass(frozen=True)
class Row:
    """One answered question: its step, block, label and formatted answer ("" when blank)."""

    step: Step
    block: Block
    label: str
    text: str


def summary_rows(service: Service, evaluation: Evaluation, answers: dict[str, Any], lang: str) -> list[Row]:
    """Every answered question on this person's path, in order, formatted."""
    rows = []
    for step, block in journey.answered_questions(service, evaluation, answers):
        value = evaluation.values.get(block.id)
        blank = value is None or value is EMPTY or value is UNKNOWN
        text = "" if blank else block.type.format_text(block.params, value, lang)
        rows.append(Row(step, block, block.text("label", lang, service.languages), text))
    return rows


def email_answer(rows: list[Row]) -> str | None:
    """The first e-mail address the person gave, if any (for their copy, and reply-to)."""
    for row in rows:
        if row.block.type.email_address and row.text:
            return row.text
    return None
