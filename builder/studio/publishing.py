"""A service's file and versions: the YAML tab, the publish page, the history and the
restore of an earlier version.

Publishing snapshots the working copy as the next version; the mini-site serves the
latest published version while editing goes on. The publish page says what changes, in
words (:mod:`builder.editing.what_changed`), the file diff folded away; it lists what
stops publishing and what to check, each linked to where it is fixed
(:mod:`builder.editing.checklist`, :mod:`builder.studio.tasks`), and its button comes
first. Restoring a version asks first, and can keep the draft as a copy.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from builder.db import get_db
from builder.editing.diffs import readable_diff
from builder.editing.document import ServiceDocument
from builder.editing.what_changed import changes as changes_in_words
from builder.format.loader import ServiceFileError, load_service_text
from builder.storage import services as published
from builder.storage import workspace
from builder.storage.accounts import EDITOR
from builder.studio.access import current_user, login_required
from builder.studio.common import (
    ServiceAccess,
    create_service,
    require_service,
    service_title,
)
from builder.studio.editor.analysis import analyse
from builder.studio.tasks import online_state, reason_link, service_review

bp = Blueprint("studio_publish", __name__, url_prefix="/studio/o/<org_slug>/services/<service_id>")

HISTORY_PER_PAGE = 20  # versions on a page of « Historique »: each one is compared with the one before


def _user_id() -> int | None:
    user = current_user()
    return user.id if user else None


@bp.route("/yaml", methods=["GET", "POST"])
@login_required
def yaml_tab(org_slug: str, service_id: str):
    """View and edit the service file; a save is checked first and never overwrites a newer one."""
    found = require_service(org_slug, service_id, EDITOR if request.method == "POST" else "reader")
    text, problems, conflict, status = found.copy.yaml, [], None, 200
    if request.method == "POST":
        text = request.form.get("yaml", "").replace("\r\n", "\n")
        problems = _problems(text, service_id)
        if not problems:
            try:
                workspace.save(get_db(), service_id, text, int(request.form.get("revision", 0)), user_id=_user_id())
            except workspace.Conflict as error:
                conflict, status = error.current, 409
            else:
                flash(_("Le fichier est enregistré."))
                return redirect(url_for("studio_publish.yaml_tab", org_slug=org_slug, service_id=service_id))
        if problems:
            status = 422
    return render_template("studio/editor/yaml.html", copy=found.copy, org=found.access.org, text=text,
                           line_count=text.count("\n") + 1, problems=problems, conflict=conflict,
                           role=found.access.role), status


def _problems(text: str, service_id: str) -> list:
    """Every problem of the posted file (read once), including a changed id: the service's
    address depends on its id, so it cannot change in the studio."""
    try:
        service = load_service_text(text, f"{service_id}.yaml")
    except ServiceFileError as error:
        return list(error.problems)
    if service.id == service_id:
        return []
    return [_("L’identifiant du service (id: %(id)s) ne peut pas changer ici : son adresse en dépend.",
              id=service_id)]


@bp.route("/publier", methods=["GET", "POST"])
@login_required
def publish(org_slug: str, service_id: str):
    """The publish page: what changes and what stops it; a POST puts the working copy
    online as the next version, unless it changed since the page was shown or something
    stops it (then the page says what, 422)."""
    found = require_service(org_slug, service_id, EDITOR if request.method == "POST" else "reader")
    context = _publish_context(found)
    if request.method == "GET":
        return render_template("studio/editor/publish.html", **context)
    if request.form.get("revision") != str(found.copy.revision):
        flash(_("Le brouillon a changé depuis l’ouverture de cette page : relisez ce qui change avant de publier."),
              "error")
        return redirect(url_for("studio_publish.publish", org_slug=org_slug, service_id=service_id), 303)
    if context["refusals"]:
        return render_template("studio/editor/publish.html", refused=True, **context), 422
    version = published.publish(get_db(), service_id, found.copy.yaml)
    flash(_("La version %(version)d est en ligne.", version=version.version))
    return redirect(url_for("studio_publish.publish", org_slug=org_slug, service_id=service_id), 303)


def _publish_context(found: ServiceAccess) -> dict[str, Any]:
    """What the publish page shows: the reasons, linked; the changes in words; the diff."""
    analysis = analyse(found.copy)
    result = service_review(analysis, found.copy)
    live = published.get_published(get_db(), found.copy.service_id)
    slug, data = found.access.org.slug, analysis.data
    lines = {id(item.problem): item.line for item in analysis.problems}
    refusals = [reason_link(slug, found.copy, data, reason, lines.get(id(reason.problem)))
                for reason in result.refusals]
    to_check = [reason_link(slug, found.copy, data, reason) for reason in result.warnings + result.notes]
    return {"org": found.access.org, "copy": found.copy, "role": found.access.role, "live": live,
            "online": online_state(found.copy, live), "refusals": refusals, "to_check": to_check,
            "changes": [change.message(_ui()) for change in changes_in_words(_data(live.yaml if live else ""), data)],
            "diff": readable_diff(live.yaml if live else "", found.copy.yaml),
            "title": service_title(found.copy.yaml, found.copy.service_id)}


def _ui() -> str:
    return str(get_locale() or "fr")


def _data(text: str) -> dict:
    """A service's data from its text (empty when there is none, or it does not read)."""
    if not text:
        return {}
    try:
        return ServiceDocument.from_yaml(text).data
    except Exception:  # an old version that no longer reads must not hide the page
        return {}


@bp.route("/historique")
@login_required
def history(org_slug: str, service_id: str):
    """The published versions, newest first and :data:`HISTORY_PER_PAGE` a page, each
    with what changed since the one before, in words and as a file diff."""
    found = require_service(org_slug, service_id)
    pages = max(1, -(-published.count_versions(get_db(), service_id) // HISTORY_PER_PAGE))
    number = min(max(1, request.args.get("page", 1, type=int) or 1), pages)
    # one more than the page shows: the version before its oldest, to say what that one changed
    loaded = published.versions(get_db(), service_id, limit=HISTORY_PER_PAGE + 1,
                                offset=(number - 1) * HISTORY_PER_PAGE)
    shown = loaded[:HISTORY_PER_PAGE]
    before = {item.version: (loaded[index + 1].yaml if index + 1 < len(loaded) else "")
              for index, item in enumerate(shown)}
    changes = {item.version: ([change.message(_ui()) for change in
                               changes_in_words(_data(before[item.version]), _data(item.yaml))],
                              readable_diff(before[item.version], item.yaml))
               for item in shown}
    live = published.get_published(get_db(), service_id)
    return render_template("studio/editor/history.html", copy=found.copy, org=found.access.org,
                           versions=shown, changes=changes, live=live, role=found.access.role,
                           online=online_state(found.copy, live), page_number=number, pages=pages)




@bp.route("/historique/<int:version>/restaurer", methods=["GET", "POST"])
@login_required
def restore(org_slug: str, service_id: str, version: int):
    """Make an earlier version the working copy again (publish it to put it online), after
    asking: the page says what the draft would lose, and offers to keep it as a copy."""
    found = require_service(org_slug, service_id, EDITOR if request.method == "POST" else "reader")
    old = published.get_published(get_db(), service_id, version)
    if old is None:
        abort(404)
    if request.method == "GET":
        live = published.get_published(get_db(), service_id)
        lost = [change.message(_ui()) for change in changes_in_words(_data(old.yaml), _data(found.copy.yaml))]
        return render_template("studio/editor/restore.html", copy=found.copy, org=found.access.org, old=old,
                               lost=lost, unpublished=online_state(found.copy, live) != "live",
                               role=found.access.role)
    kept = None
    if request.form.get("garder") == "oui" and found.copy.yaml != old.yaml:
        kept = create_service(found.access, found.copy.yaml, None)
    workspace.save(get_db(), service_id, old.yaml, found.copy.revision, user_id=_user_id())
    flash(_("La version %(version)d est de retour dans l’éditeur. Publiez-la pour la remettre en ligne.",
            version=version))
    if kept is not None:
        flash(_("Le brouillon d’avant est gardé comme un autre service : « %(id)s ».", id=kept.service_id))
    return redirect(url_for("studio_publish.history", org_slug=org_slug, service_id=service_id), 303)
