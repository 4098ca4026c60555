"""The editor of one service, in the studio: its page (steps, blocks, outcomes, personas
and the live preview side by side) and every edit.

Every edit is a real form (POST) that saves at once through the working copy, with the
revision its page was shown with (:mod:`~builder.studio.editor.helpers`); htmx only
enhances the forms, swapping what changed instead of reloading the page. The views are
grouped by what they edit, each module registering its routes on :data:`bp`:
:mod:`~.steps` (the page, steps, undo), :mod:`~.blocks`, :mod:`~.conditions`,
:mod:`~.outcomes`, :mod:`~.personas` and :mod:`~.persona_form`, :mod:`~.service` (the
service's own texts and where the answers go), :mod:`~.options` (languages, computed
values, the path's options), :mod:`~.org_blocks` (the organisation's own reusable blocks),
:mod:`~.demarche` (which answers prefill a démarche).

The live preview (:mod:`~.preview`) has a blueprint of its own, :data:`preview_bp`: its
pages are the mini-site's, shown in a frame of the editor, with the mini-site's
templates and the right to be framed by the studio alone.

Code shared by several views is in :mod:`~.helpers`, :mod:`~.fields`, :mod:`~.analysis`
and :mod:`~.preview_state`; the editing itself, which knows nothing of Flask, is in
:mod:`builder.editing`.
"""

from __future__ import annotations

from flask import Blueprint

from builder.studio.editor.helpers import template_helpers

SERVICE_URL = "/studio/o/<org_slug>/services/<service_id>"

bp = Blueprint("studio_editor", __name__, url_prefix=SERVICE_URL)
preview_bp = Blueprint("studio_preview", __name__, url_prefix=f"{SERVICE_URL}/apercu")


@bp.context_processor
def editor_helpers() -> dict:
    """What the editor's templates call (anchors, labels, conditions as text)."""
    return template_helpers()


@bp.after_request
def vary_on_htmx(response):
    """The editor's pages differ for htmx (a partial): caches must know it."""
    response.vary.add("HX-Request")
    return response


# The views register their routes on bp and preview_bp.
from builder.studio.editor import (  # noqa: E402,F401
    blocks,
    conditions,
    demarche,
    options,
    org_blocks,
    outcomes,
    persona_form,
    personas,
    preview,
    service,
    steps,
)
