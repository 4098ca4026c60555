"""Which answers prefill a démarche of démarches-simplifiées: for one link of an outcome,
the démarche's field id for each question (empty: not sent), its name in its address and
its number (to create the dossier through the public API). Stored under the link as
``demarche:`` (docs/format.md); the mini-site's side is :mod:`builder.demarches`."""

from __future__ import annotations

import copy

from flask import abort, render_template, request
from flask_babel import gettext as _

from builder.editing.conditions import subjects
from builder.editing.document import ServiceDocument
from builder.editing.locate import find_outcome
from builder.messages import Problem
from builder.storage.accounts import EDITOR, READER
from builder.studio.access import has_role, login_required
from builder.studio.common import require_service
from builder.studio.editor import bp
from builder.studio.editor.helpers import Editing, after_edit, anchor, editor_url, posted_revision


def _questions(data: dict) -> list[tuple[str, str]]:
    """``(id, label)`` of every question of the service (those of reusable blocks too), in its order."""
    return [(name, subject.label) for name, subject in subjects(data).items() if not subject.computed]


def read_mapping(form, questions: list[tuple[str, str]]) -> tuple[dict | None, dict[str, str]]:
    """The ``demarche`` posted (None when no field is filled) and the errors by field."""
    champs = {qid: form.get(f"champ-{qid}", "").strip() for qid, _label in questions}
    champs = {qid: champ for qid, champ in champs.items() if champ}
    number, errors = form.get("number", "").strip(), {}
    if number and not number.isdigit():
        errors["number"] = _("Écrivez le numéro de la démarche en chiffres, par exemple 12345, ou laissez vide.")
    if errors or not champs:
        return None, errors
    mapping: dict = {"champs": champs}
    if form.get("path", "").strip():
        mapping["path"] = form["path"].strip()
    if number:
        mapping["number"] = int(number)
    return mapping, errors


@bp.route("/resultats/<outcome_id>/liens/<int:position>/demarche", methods=["GET", "POST"])
@login_required
def demarche(org_slug: str, service_id: str, outcome_id: str, position: int):
    """The démarche of an outcome's link: which question fills which of its fields."""
    found = require_service(org_slug, service_id, EDITOR if request.method == "POST" else READER)
    document = ServiceDocument.from_yaml(found.copy.yaml, service_id)
    try:
        index = find_outcome(document.data, outcome_id)
        link = document.data["outcomes"][index]["links"][position]
    except (Problem, KeyError, IndexError, TypeError):
        abort(404)
    questions, errors = _questions(document.data), {}
    if request.method == "POST":
        mapping, errors = read_mapping(request.form, questions)
        if not errors:
            data = copy.deepcopy(document.data)
            target = data["outcomes"][index]["links"][position]
            target.pop("demarche", None)
            target.update({"demarche": mapping} if mapping else {})
            notice = _("La démarche sera préremplie.") if mapping else _("La démarche ne sera pas préremplie.")
            return after_edit(Editing(found, document, posted_revision()), data, notice,
                              anchor("resultat", outcome_id), back=request.url)
    current = request.form if errors else _shown(link.get("demarche") or {})
    return render_template("studio/editor/demarche.html", org=found.access.org, copy=found.copy, link=link,
                           questions=questions, current=current, errors=errors,
                           can_edit=has_role(found.access.role, EDITOR),
                           back=editor_url(found, anchor("resultat", outcome_id))), (422 if errors else 200)


def _shown(mapping: dict) -> dict[str, str]:
    """The form's values for a stored ``demarche``."""
    shown = {f"champ-{qid}": str(champ) for qid, champ in (mapping.get("champs") or {}).items()}
    return {**shown, "path": str(mapping.get("path") or ""), "number": str(mapping.get("number") or "")}
