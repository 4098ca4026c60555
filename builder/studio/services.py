"""The organisation's services: list, create (blank, template, import), duplicate,
archive, download. Nothing is saved until the file is valid.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from builder.db import get_db
from builder.editing.document import ServiceDocument
from builder.editing.placeholders import BLANK_SERVICE, new_service_title
from builder.format.loader import (
    ServiceFileError,
    check_service_text,
    load_service_text,
)
from builder.serving import EXAMPLES
from builder.storage import services as published
from builder.storage import workspace
from builder.storage.accounts import EDITOR
from builder.studio.access import login_required, require_org
from builder.studio.common import create_service, require_service
from exports import interop
from exports.notes import ImportFailed, Source

bp = Blueprint("studio_services", __name__, url_prefix="/studio/o/<org_slug>/services")



@functools.lru_cache(maxsize=1)
def templates() -> dict[str, str]:
    """The example services offered as templates: file stem → title (read once per process)."""
    found = {}
    for path in sorted(EXAMPLES.glob("*.yaml")):
        document = ServiceDocument.from_yaml(path.read_text(encoding="utf-8"))
        title = document.data.get("title")
        found[path.stem] = title if isinstance(title, str) else path.stem
    return found


class NewServiceForm(FlaskForm):
    """Create a service: from blank, from a template, or by importing a file."""

    source = RadioField(_l("Comment commencer ?"), default="vide", choices=[
        SelectChoice("vide", _l("Un service vide")), SelectChoice("modele", _l("À partir d’un modèle")),
        SelectChoice("import", _l("En important un fichier : un service (YAML), un XLSForm d’ODK ou de KoboToolbox, "
                                  "ou des aides d’Aides Jeunes"))])
    title = StringField(_l("Titre du service"), validators=[Optional(), Length(max=120)])
    template = SelectField(_l("Modèle"), validators=[Optional()])
    upload = MultipleFileField(_l("Fichier à importer"))
    text = TextAreaField(_l("Ou collez le contenu du fichier"), validators=[Optional()])


@bp.route("/")
@login_required
def index(org_slug: str):
    """The organisation's services (and, on request, the archived ones)."""
    access = require_org(org_slug)
    archived = request.args.get("archives") == "1"
    copies = workspace.for_org(get_db(), access.org.id, archived=archived)
    rows = [(copy, _title(copy.yaml), published.get_published(get_db(), copy.service_id)) for copy in copies]
    return render_template("studio/services/index.html", rows=rows, archived=archived, org=access.org,
                           role=access.role)


@functools.lru_cache(maxsize=1024)
def _title(yaml_text: str) -> str:
    """The service's title, read once per text (the list page must not parse YAML each time)."""
    try:
        title = ServiceDocument.from_yaml(yaml_text).data.get("title")
    except Exception:  # a broken file must not hide the list
        return "?"
    return title if isinstance(title, str) else (title or {}).get("fr", "?")


@bp.route("/nouveau", methods=["GET", "POST"])
@login_required
def new(org_slug: str):
    """Create a service; an import is checked first and shown with its errors by line."""
    access = require_org(org_slug, EDITOR)
    form = NewServiceForm()
    form.template.choices = [SelectChoice(stem, title) for stem, title in templates().items()]
    problems, notes = [], None
    if form.validate_on_submit():
        text, problems, notes = _source_text(form)
        if notes is not None and not problems:  # an import from another tool: reviewed first
            form.source.data, form.text.data = "import", text
        elif text is not None and not problems:
            copy = create_service(access, text, form.title.data)
            flash(_("Le service est créé."))
            return redirect(url_for("studio_editor.edit", org_slug=org_slug, service_id=copy.service_id))
    first = not (workspace.for_org(get_db(), access.org.id) or workspace.for_org(get_db(), access.org.id, archived=True))
    return render_template("studio/services/new.html", form=form, problems=problems, notes=notes,
                           org=access.org, first=first), (422 if problems else 200)


def _source_text(form: NewServiceForm) -> tuple[str | None, list, list | None]:
    """The text of the new service, the problems of an imported file, and for an import
    from another tool the notes of what could not be carried over (else None)."""
    if form.source.data == "modele" and form.template.data in templates():
        return (EXAMPLES / f"{form.template.data}.yaml").read_text(encoding="utf-8"), [], None
    if form.source.data == "import":
        sources = _uploaded(form)
        source = sources[0]
        if any(module.recognises(source) for module in interop.IMPORTERS.values()):
            return _imported(sources)
        if len(sources) > 1:
            return None, [_("Plusieurs fichiers ne s’importent ensemble que si ce sont des aides d’Aides Jeunes.")], None
        try:
            text = source.content.decode("utf-8")
        except UnicodeDecodeError:
            return None, [_("Le fichier n’est pas en UTF-8 : enregistrez-le en UTF-8.")], None
        return text, [problem.format() for problem in check_service_text(text, source.name)], None
    title = (form.title.data or "").strip() or new_service_title(str(get_locale() or "fr"))
    return BLANK_SERVICE.format(id="service", title=json.dumps(title, ensure_ascii=False)), [], None


def _uploaded(form: NewServiceForm) -> list[Source]:
    """The files sent (one or several), else the pasted text as ``service.yaml``."""
    files = [upload for upload in form.upload.data or [] if getattr(upload, "filename", None)]
    if not files:
        return [Source("service.yaml", (form.text.data or "").encode("utf-8"))]
    return [Source(Path(upload.filename).name, upload.read()) for upload in files]


def _imported(sources: list[Source]) -> tuple[str | None, list, list | None]:
    """Files from another tool (an XLSForm workbook, Aides Jeunes benefits…) imported,
    with their notes in the studio's language."""
    lang = "en" if str(get_locale()) == "en" else "fr"
    try:
        result = interop.import_files(sources)
    except ImportFailed as error:
        return None, [note.format(lang) for note in error.notes], None
    return result.text, [], [note.format(lang) for note in result.notes]


@bp.route("/<service_id>/dupliquer", methods=["POST"])
@login_required
def duplicate(org_slug: str, service_id: str):
    """A copy of the service under a new id, in the same organisation."""
    found = require_service(org_slug, service_id, EDITOR)
    copy = create_service(found.access, found.copy.yaml, None)
    flash(_("Le service est dupliqué."))
    return redirect(url_for("studio_editor.edit", org_slug=org_slug, service_id=copy.service_id))


@bp.route("/<service_id>/archiver", methods=["POST"])
@login_required
def archive(org_slug: str, service_id: str):
    """Archive the service (or bring it back): it leaves the list, nothing is deleted."""
    found = require_service(org_slug, service_id, EDITOR)
    archived = request.form.get("archiver", "1") == "1"
    workspace.set_archived(get_db(), found.copy.service_id, archived)
    if archived:
        published.withdraw(get_db(), found.copy.service_id)
    flash(_("Le service est archivé.") if archived else _("Le service est de retour dans la liste."))
    return redirect(url_for("studio_services.index", org_slug=org_slug))


@bp.route("/<service_id>/telecharger")
@login_required
def download(org_slug: str, service_id: str) -> Response:
    """The service file, as YAML."""
    found = require_service(org_slug, service_id)
    return Response(found.copy.yaml, mimetype="application/yaml",
                    headers={"Content-Disposition": f'attachment; filename="{service_id}.yaml"'})


@bp.route("/<service_id>/xlsform")
@login_required
def download_xlsform(org_slug: str, service_id: str) -> Response:
    """The service as an XLSForm workbook, for ODK Collect or KoboToolbox."""
    found = require_service(org_slug, service_id)
    try:
        service = load_service_text(found.copy.yaml, f"{service_id}.yaml")
    except ServiceFileError:
        flash(_("Le fichier du service a des erreurs : corrigez-les avant de le télécharger en XLSForm."), "error")
        return redirect(url_for("studio_editor.edit", org_slug=org_slug, service_id=service_id))
    workbook = interop.converter("xlsform")
    return Response(workbook.convert(service).content, mimetype=workbook.media_type,
                    headers={"Content-Disposition": f'attachment; filename="{service_id}.xlsx"'})
