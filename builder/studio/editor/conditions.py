"""Conditions without code: « Afficher seulement si… » for steps and blocks, and
« S'applique quand… » for outcomes, built from rows or written in the text mode.

The page is a plain form: « Ajouter une ligne », « Retirer », « Mettre à jour » and the
switch between rows and text post it back and show it again; « Enregistrer » saves.
With htmx, choosing a question refreshes the comparisons that fit it, and the text mode
is checked as one types (:func:`check`); without JavaScript the check happens on save.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _

from builder.editing import condition_form as conditions
from builder.editing import operations as ops
from builder.editing.condition_text import check_expression
from builder.editing.document import ServiceDocument
from builder.editing.locate import find_block, outcome_of, step_of
from builder.editing.named_values import offered_subjects, with_used_values
from builder.extensions import htmx
from builder.messages import Problem
from builder.storage.accounts import EDITOR, READER
from builder.studio.access import has_role, login_required
from builder.studio.common import ServiceAccess, require_service
from builder.studio.editor import bp
from builder.studio.editor.analysis import analyse
from builder.studio.editor.helpers import (
    Editing,
    after_edit,
    anchor,
    author_text,
    editor_url,
    posted_revision,
    problem_text,
    ui_lang,
)


@dataclass(frozen=True)
class Target:
    """What a condition belongs to: a step, a block or an outcome."""

    kind: str  # "etape", "bloc" or "resultat" (also the editor's anchor)
    ident: str
    field: str  # "show_if" or "when"
    name: str  # for people: « l'étape « Votre âge » »
    current: Any
    endpoint: str
    save: Callable[[dict, Any], dict]

    @property
    def required(self) -> bool:
        """An outcome always needs its condition."""
        return self.field == "when"


def _target(data: dict, kind: str, ident: str) -> Target:
    """The step, block or outcome ``ident`` (404 when there is none)."""
    try:
        if kind == "etape":
            step = step_of(data, ident)
            return Target(kind, ident, "show_if", _("l’étape « %(title)s »", title=author_text(step.get("title")) or ident),
                          step.get("show_if"), "studio_editor.step_condition",
                          lambda d, c: ops.update_step(d, ident, {"show_if": c}))
        if kind == "bloc":
            step_index, index = find_block(data, ident)
            block = data["steps"][step_index]["blocks"][index]
            if "use" in block:
                abort(404)  # a reusable block has no condition of its own
            return Target(kind, ident, "show_if", _("la question « %(label)s »", label=author_text(block.get("label")) or ident),
                          block.get("show_if"), "studio_editor.block_condition",
                          lambda d, c: ops.update_block(d, ident, {"show_if": c}))
        outcome = outcome_of(data, ident)
        return Target(kind, ident, "when", _("le résultat « %(title)s »", title=author_text(outcome.get("title")) or ident),
                      outcome.get("when"), "studio_editor.outcome_condition",
                      lambda d, c: ops.update_outcome(d, ident, {"when": c}))
    except Problem:
        abort(404)


@bp.route("/etapes/<step_id>/condition", methods=["GET", "POST"])
@login_required
def step_condition(org_slug: str, service_id: str, step_id: str):
    """When a step is shown."""
    return condition_page(org_slug, service_id, "etape", step_id)


@bp.route("/blocs/<block_id>/condition", methods=["GET", "POST"])
@login_required
def block_condition(org_slug: str, service_id: str, block_id: str):
    """When a question (or a text) is shown."""
    return condition_page(org_slug, service_id, "bloc", block_id)


@bp.route("/resultats/<outcome_id>/condition", methods=["GET", "POST"])
@login_required
def outcome_condition(org_slug: str, service_id: str, outcome_id: str):
    """When an outcome applies."""
    return condition_page(org_slug, service_id, "resultat", outcome_id)


def condition_page(org_slug: str, service_id: str, kind: str, ident: str):
    """Show the condition's form; on POST, do what its button says."""
    found = require_service(org_slug, service_id, EDITOR if request.method == "POST" else READER)
    document = ServiceDocument.from_yaml(found.copy.yaml, service_id)
    target = _target(document.data, kind, ident)
    known = offered_subjects(document.data)
    if request.method == "GET":
        state = conditions.from_condition(target.current, known, ui_lang())
        if target.required and target.current is None:  # a new outcome: most need two rows
            state = conditions.add_row(state)
        return _render(found, target, state)
    editing = Editing(found, document, posted_revision())
    state, action = conditions.from_post(request.form), request.form.get("action", "save")
    names = conditions.expression_names(document.data)
    if action in ("save", "clear"):
        condition, state = (None, state) if action == "clear" else \
            conditions.build(state, known, names, target.required, ui_lang())
        if not state.has_errors:
            return _save(editing, target, condition, state)
        return _render(found, target, state, 422)
    return _render(found, target, _act(action, state, known, names))


def _act(action: str, state: conditions.ConditionForm, known, names) -> conditions.ConditionForm:
    """What « Ajouter une ligne », « Retirer », « Mettre à jour » and the switches do."""
    if action == "add":
        return conditions.add_row(state)
    if action.startswith("remove-") and action[7:].isdigit():
        return conditions.remove_row(state, int(action[7:]))
    if action == "to_text":
        return conditions.to_text(state, known)
    if action == "to_rows":
        return conditions.to_rows(state, known, names, ui_lang())
    return state  # "refresh": the comparisons follow the questions chosen


def _save(editing: Editing, target: Target, condition: Any, state: conditions.ConditionForm):
    try:  # an age on offer that the condition uses becomes a computed value
        data = target.save(with_used_values(editing.data, condition), condition)
    except Problem as problem:
        state.errors.append((None, problem_text(problem)))
        return _render(editing.found, target, state, 422)
    notice = _("La condition est enregistrée.") if condition is not None else _("La condition est retirée.")
    return after_edit(editing, data, notice, anchor(target.kind, target.ident), back=request.url)


def _render(found: ServiceAccess, target: Target, state: conditions.ConditionForm, status: int = 200):
    """The condition page (only its form for htmx), with the service's questions."""
    known = offered_subjects(analyse(found.copy).data)
    context = dict(lang=ui_lang(), org=found.access.org, copy=found.copy, target=target, state=state, known=known,
                   operators=conditions.operators, operator_of=conditions.operator_of,
                   page_url=url_for(target.endpoint, org_slug=found.access.org.slug,
                                    service_id=found.copy.service_id, **_ident_argument(target)),
                   back=editor_url(found, anchor(target.kind, target.ident)),
                   can_edit=has_role(found.access.role, EDITOR))
    template = "studio/editor/_condition_form.html" if htmx else "studio/editor/condition.html"
    response = render_template(template, **context), status
    return response


def _ident_argument(target: Target) -> dict[str, str]:
    return {{"etape": "step_id", "bloc": "block_id", "resultat": "outcome_id"}[target.kind]: target.ident}


@bp.route("/condition/verifier", methods=["POST"])
@login_required
def check(org_slug: str, service_id: str):
    """Check an expression as it is typed: its problems, each with its column."""
    found = require_service(org_slug, service_id, EDITOR)
    data = analyse(found.copy).data
    text = " ".join(request.form.get("expression", "").split())
    problems = check_expression(text, *conditions.expression_names(data)) if text else []
    errors = [(problem.column, problem.message(ui_lang())) for problem in problems]
    return render_template("studio/editor/_condition_check.html", expression=text, errors=errors, checked=True)
