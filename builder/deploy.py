"""Deploying service files from a repository: ``tremplin publish FILE... --organisation SLUG``.

For each file, in order, :func:`publish_file`:

1. reads and checks it (the problems, each with its line, refuse it);
2. runs its personas (one that fails refuses it: nothing red goes online);
3. puts the text in the organisation's working copy of the service (the studio shows
   it), creating it if needed; a service of another organisation is refused;
4. publishes it as a new version only when it differs from the version online, so that
   running the same deployment twice changes nothing.

The organisation is named by its slug (a name is turned into one: « Mairie de Lyon »
is ``mairie-de-lyon``); :func:`organisation_for` creates it when it does not exist yet
(with no member: an administration that deploys from its repository may have nobody
editing in the studio).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from builder.format.loader import ServiceFileError, load_service
from builder.messages import register, render
from builder.rules.personas import run_personas
from builder.storage import accounts, services, workspace
from builder.storage.database import Database, transaction

PUBLISHED, UNCHANGED, REFUSED = "published", "unchanged", "refused"

register({
    "deploy.published": ("{path} : « {service_id} » publié en version {version}.",
                         "{path}: \"{service_id}\" published as version {version}."),
    "deploy.unchanged": ("{path} : « {service_id} » inchangé, la version {version} en ligne est déjà ce fichier.",
                         "{path}: \"{service_id}\" unchanged, version {version} online is this file already."),
    "deploy.invalid": ("{path} : refusé, le fichier a des erreurs :",
                       "{path}: refused, the file has errors:"),
    "deploy.red": ("{path} : refusé, des exemples (personas) échouent :",
                   "{path}: refused, some examples (personas) fail:"),
    "deploy.other_org": ("{path} : refusé, le service « {service_id} » appartient à une autre organisation.",
                         "{path}: refused, the service \"{service_id}\" belongs to another organisation."),
    "deploy.org_created": ("Organisation « {slug} » créée (sans membre pour l'instant).",
                           "Organisation \"{slug}\" created (with no member yet)."),
})


@dataclass(frozen=True)
class Deployed:
    """What became of one file: ``status`` (published, unchanged or refused) and what to print."""

    path: str
    status: str
    service_id: str | None = None
    version: int | None = None
    details: list[str] = field(default_factory=list)
    message: str = ""

    def lines(self) -> list[str]:
        """The message, then its details indented (the problems, the failing personas)."""
        return [self.message, *("  " + line for line in self.details)]


def organisation_for(db: Database, slug_or_name: str) -> tuple[accounts.Organisation, bool]:
    """The organisation with this slug (or the slug of this name), created if missing; and
    whether it was just created."""
    slug = accounts.slugify(slug_or_name)
    found = accounts.get_organisation_by_slug(db, slug)
    if found is not None:
        return found, False
    return accounts.create_bare_organisation(db, slug, name=slug_or_name.strip()), True


def publish_file(db: Database, path: str | Path, org: accounts.Organisation, lang: str = "fr") -> Deployed:
    """Check, test and publish one service file for ``org`` (see the module docstring)."""
    shown = str(path)
    try:
        service = load_service(path)
    except ServiceFileError as error:
        return Deployed(shown, REFUSED, details=error.format(lang).splitlines(),
                        message=render("deploy.invalid", lang, path=shown))
    results = run_personas(service, lang)
    if not all(result.passed for result in results):
        details = [line for result in results if not result.passed for line in result.report(lang)]
        return Deployed(shown, REFUSED, service.id, details=details, message=render("deploy.red", lang, path=shown))
    text = Path(path).read_text(encoding="utf-8")
    return _publish_text(db, shown, service.id, text, org, lang)


def _publish_text(db: Database, shown: str, service_id: str, text: str, org: accounts.Organisation,
                  lang: str) -> Deployed:
    with transaction(db):
        copy = workspace.get(db, service_id)
        if copy is not None and copy.org_id != org.id:
            return Deployed(shown, REFUSED, service_id,
                            message=render("deploy.other_org", lang, path=shown, service_id=service_id))
        if copy is None:
            workspace.create(db, org.id, service_id, text, claim_published=True)
        elif copy.yaml != text:
            workspace.save(db, service_id, text, copy.revision)
        live = services.get_published(db, service_id)
    if live is not None and live.yaml == text:
        return Deployed(shown, UNCHANGED, service_id, live.version,
                        message=render("deploy.unchanged", lang, path=shown, service_id=service_id,
                                       version=live.version))
    version = services.publish(db, service_id, text).version
    return Deployed(shown, PUBLISHED, service_id, version,
                    message=render("deploy.published", lang, path=shown, service_id=service_id, version=version))
