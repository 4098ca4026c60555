"""Where a person goes next: the path through a service for the answers given so far.

Pure functions over a service and an evaluation, so the rules are easy to test:
- the path is the steps shown for these answers (hidden steps skipped);
- in an eligibility service, a step whose questions can no longer change any
  outcome is skipped (the engine's ``missing``), unless the service turns it off
  or collects a submission (then every question is wanted);
- the next page is the first step of the path not yet done, else the check page.
"""

from __future__ import annotations

from builder.format.model import Block, Service, Step
from builder.rules.engine import Evaluation

VISITED = "$visited"  # key of the draft that lists the content-only steps already seen


def skips_unneeded(service: Service) -> bool:
    """Whether questions that cannot change an outcome are skipped."""
    settings = service.data.get("settings") or {}
    return bool(service.outcomes) and "submission" not in service.data and settings.get("ask_only_needed", True)


def visible_blocks(step: Step, evaluation: Evaluation) -> list[Block]:
    """The blocks of ``step`` shown for these answers."""
    return [block for block in step.blocks if evaluation.is_shown(block)]


def page_answers(step: Step, answers: dict, posted: dict | None = None) -> dict:
    """The answers as the page of ``step`` stands, to decide which of its blocks it shows.

    Its own questions take the posted answers (else the saved ones), and one not answered
    yet is empty, not unknown: a block that depends on it stays hidden until it is
    answered, then appears (with htmx at once, without JavaScript when « Continuer »
    shows the page again).
    """
    own = posted if posted is not None else answers
    return {**answers, **{block.id: own.get(block.id) for block in step.questions}}


def _is_answered(block: Block, answers: dict) -> bool:
    return block.id in answers


def is_done(step: Step, evaluation: Evaluation, answers: dict) -> bool:
    """Whether every visible question of ``step`` has an answer (or the step was seen)."""
    questions = [block for block in visible_blocks(step, evaluation) if block.is_question]
    if not questions:
        return step.id in answers.get(VISITED, ())
    return all(_is_answered(block, answers) for block in questions)


def _is_needed(step: Step, evaluation: Evaluation, answers: dict, skipping: bool) -> bool:
    if not skipping:
        return True
    questions = [block for block in visible_blocks(step, evaluation) if block.is_question]
    if not questions:
        return bool(evaluation.missing)
    missing = set(evaluation.missing)
    return any(_is_answered(block, answers) or block.id in missing for block in questions)


def path(service: Service, evaluation: Evaluation, answers: dict) -> list[Step]:
    """The steps this person goes through, in order."""
    shown = set(evaluation.steps)
    skipping = skips_unneeded(service)
    return [step for step in service.steps
            if step.id in shown and _is_needed(step, evaluation, answers, skipping)]


def next_step(service: Service, evaluation: Evaluation, answers: dict) -> Step | None:
    """The first step of the path not done yet; None when it is time to check the answers."""
    for step in path(service, evaluation, answers):
        if not is_done(step, evaluation, answers):
            return step
    return None


def previous_step(service: Service, evaluation: Evaluation, answers: dict, step_id: str) -> Step | None:
    """The step before ``step_id`` on the path (None: back to the start page)."""
    steps = path(service, evaluation, answers)
    ids = [step.id for step in steps]
    if step_id not in ids:
        return steps[-1] if steps else None
    index = ids.index(step_id)
    return steps[index - 1] if index > 0 else None


def answered_questions(service: Service, evaluation: Evaluation, answers: dict) -> list[tuple[Step, Block]]:
    """The questions to show on the check page: on the path, visible, answered."""
    return [(step, block) for step in path(service, evaluation, answers)
            for block in visible_blocks(step, evaluation)
            if block.is_question and _is_answered(block, answers)]


def submitted_answers(service: Service, evaluation: Evaluation, answers: dict) -> dict:
    """The answers to send (or to save as a correction): the questions on this person's
    path, in the file's order."""
    return {block.id: answers[block.id] for _, block in answered_questions(service, evaluation, answers)}
