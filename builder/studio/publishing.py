"""A service's file, versions and sharing: the YAML tab, publish, history with diff and
restore, and the share panel (link and QR code for posters).

Publishing snapshots the working copy as the next version; the mini-site serves the
latest published version while editing goes on.
"""

from __future__ import annotations

import io

import segno
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from builder.db import get_db
from builder.editing.diffs import readable_diff
from builder.format.loader import (
    ServiceFileError,
    check_service_text,
    load_service_text,
)
from builder.storage import services as published
from builder.storage import workspace
from builder.storage.accounts import EDITOR
from builder.studio.access import current_user, login_required
from builder.studio.common import require_service

bp = Blueprint("studio_publish", __name__, url_prefix="/studio/o/<org_slug>/services/<service_id>")


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
                           problems=problems, conflict=conflict, role=found.access.role), status


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


@bp.route("/publier", methods=["POST"])
@login_required
def publish(org_slug: str, service_id: str):
    """Put the current working copy online as the next version."""
    found = require_service(org_slug, service_id, EDITOR)
    if check_service_text(found.copy.yaml, service_id):
        flash(_("Le service a des problèmes : corrigez-les avant de le publier."), "error")
    else:
        version = published.publish(get_db(), service_id, found.copy.yaml)
        flash(_("La version %(version)d est en ligne.", version=version.version))
    return redirect(url_for("studio_publish.history", org_slug=org_slug, service_id=service_id))


@bp.route("/historique")
@login_required
def history(org_slug: str, service_id: str):
    """Every published version, each with what changed since the one before."""
    found = require_service(org_slug, service_id)
    versions = published.versions(get_db(), service_id)
    newest_first = sorted(versions, key=lambda item: item.version, reverse=True)
    live = published.get_published(get_db(), service_id)
    pending = readable_diff(live.yaml if live else "", found.copy.yaml)
    changes = {item.version: readable_diff(_previous(versions, item.version), item.yaml) for item in versions}
    return render_template("studio/editor/history.html", copy=found.copy, org=found.access.org,
                           versions=newest_first, changes=changes, pending=pending, live=live,
                           role=found.access.role)


def _previous(versions, number: int) -> str:
    earlier = [item for item in versions if item.version < number]
    return max(earlier, key=lambda item: item.version).yaml if earlier else ""




@bp.route("/historique/<int:version>/restaurer", methods=["POST"])
@login_required
def restore(org_slug: str, service_id: str, version: int):
    """Make an earlier version the working copy again (publish it to put it online)."""
    found = require_service(org_slug, service_id, EDITOR)
    old = published.get_published(get_db(), service_id, version)
    if old is None:
        abort(404)
    workspace.save(get_db(), service_id, old.yaml, found.copy.revision, user_id=_user_id())
    flash(_("La version %(version)d est de retour dans l’éditeur. Publiez-la pour la remettre en ligne.",
            version=version))
    return redirect(url_for("studio_publish.history", org_slug=org_slug, service_id=service_id))


def public_url(service_id: str) -> str:
    """The address of the mini-site, to share."""
    return url_for("site.start", service_id=service_id, _external=True)


@bp.route("/partager")
@login_required
def share(org_slug: str, service_id: str):
    """The link to the mini-site and its QR code, to print on a poster."""
    found = require_service(org_slug, service_id)
    live = published.get_published(get_db(), service_id)
    return render_template("studio/editor/share.html", copy=found.copy, org=found.access.org, live=live,
                           url=public_url(service_id))


@bp.route("/qr.<any(svg, png):kind>")
@login_required
def qr_code(org_slug: str, service_id: str, kind: str) -> Response:
    """The QR code of the mini-site's address, as SVG (for print) or PNG."""
    require_service(org_slug, service_id)
    code = segno.make(public_url(service_id), error="m")
    buffer = io.BytesIO()
    if kind == "svg":
        code.save(buffer, kind="svg", scale=10, border=4, title=service_id)
        mimetype = "image/svg+xml"
    else:
        code.save(buffer, kind="png", scale=12, border=4)
        mimetype = "image/png"
    return Response(buffer.getvalue(), mimetype=mimetype,
                    headers={"Content-Disposition": f'inline; filename="{service_id}-qr.{kind}"'})
