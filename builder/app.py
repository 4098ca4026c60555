"""The application factory: ``create_app()`` builds a configured Tremplin application.

Configuration, each layer overriding the one before:

1. the defaults below, and those of :mod:`builder.security` and :mod:`builder.mail`;
2. ``instance/config.py`` when it exists;
3. environment variables ``TREMPLIN_<KEY>`` (``TREMPLIN_MAIL_SERVER=smtp.example.org``;
   values that read as JSON, such as ``587`` or ``true``, are decoded);
4. ``test_config``.

The instance folder is ``TREMPLIN_INSTANCE_PATH`` (or ``INSTANCE_PATH`` in
``test_config``), else Flask's default ``instance/``. The database is the SQLite file
``instance/tremplin.sqlite3``, unless ``DATABASE_URL`` (``TREMPLIN_DATABASE_URL``)
names a PostgreSQL database; ``DATABASE`` is then that URL.

The secret key is never a default written in the code. With SQLite, without
``SECRET_KEY`` one is generated once and kept in ``instance/secret_key``. With a
database URL, several servers share the database and must sign alike: ``SECRET_KEY``
(``TREMPLIN_SECRET_KEY``) is required, and the application refuses to start without it.
"""

from __future__ import annotations

import gc
import importlib
import os
import secrets
import tempfile
from typing import Any, Mapping

import click
from flask import Flask, current_app, make_response, render_template
from flask_wtf.csrf import CSRFError
from jinja2 import ChoiceLoader
from sqlalchemy import text
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from blocks import REGISTRY
from blocks.rendering import BlockTemplates
from builder import db, delivery, languages, mail, markdown, security, statuses
from builder.extensions import htmx
from builder.messages import register, render

# Blueprints registered by create_app, as "module:attribute" import paths (imported
# late, so that this module does not import the whole application when it loads).
# The mini-sites add themselves here: "builder.site:bp".
BLUEPRINTS: list[str] = [
    "builder.studio.auth:bp",
    "builder.studio.orgs:bp",
    "builder.studio.services:bp",
    "builder.studio.editor:bp",
    "builder.studio.editor:preview_bp",
    "builder.studio.publishing:bp",
    "builder.studio.sharing:bp",
    "builder.studio.submissions:bp",
    "builder.studio.assisting:bp",
    "builder.studio.follow_up:bp",
    "builder.studio.figures:bp",
]

DEFAULTS: dict[str, Any] = {
    "LANGUAGES": ["fr", "en"],  # the interface languages, the default first
    "BABEL_DEFAULT_LOCALE": "fr",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Paris",
    "DRAFT_TTL_DAYS": 30,
    "PROXY_FIX_X_FOR": 0,  # how many reverse proxies stand in front of the application
    "SEND_FILE_MAX_AGE_DEFAULT": 24 * 3600,  # a year for fingerprinted URLs (builder.delivery)
    "GC_FREEZE": True,  # freeze the loaded application out of the collector's reach (not when TESTING)
    "PUBLIC_URL": None,  # the address people reach Tremplin at (« https://tremplin.example.org »), for links and QR codes
    "SOURCE_MAX_AGE_DAYS": 365,  # a rule source checked longer ago is flagged before publishing
    # the hosts whose démarches may be prefilled through their public API (builder.demarches)
    "DEMARCHES_HOSTS": ["www.demarches-simplifiees.fr", "demarches-simplifiees.fr", "demarche.numerique.gouv.fr"],
}


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Create and configure a Tremplin application (see the module docstring)."""
    app = Flask(__name__, instance_path=_instance_path(test_config),
                instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    _configure(app, test_config)

    db.init_app(app)
    languages.init_app(app)
    statuses.init_app(app)
    htmx.init_app(app)
    security.init_app(app)
    mail.init_app(app)
    markdown.init_app(app)
    delivery.init_app(app)
    _init_templates(app)
    _init_error_pages(app)

    app.add_url_rule("/healthz", "healthz", healthz)
    for target in BLUEPRINTS:
        app.register_blueprint(_import(target))
    from builder import site
    site.init_app(app)
    if app.config["GC_FREEZE"] and not app.testing:
        freeze_loaded_objects()
    return app


def freeze_loaded_objects() -> None:
    """Move every object alive now (modules, the application, its templates and
    settings) into the garbage collector's permanent generation, after collecting what
    start-up left behind.

    A serving process keeps these objects until it ends; without this, every full
    collection walks all of them again (tens of milliseconds, every few requests that
    allocate a lot, such as studio edits). Tests build thousands of applications in one
    process, so a ``TESTING`` application never freezes anything (and ``GC_FREEZE``
    turns it off elsewhere).
    """
    gc.collect()
    gc.freeze()


def _instance_path(test_config: Mapping[str, Any] | None) -> str | None:
    path = (test_config or {}).get("INSTANCE_PATH") or os.environ.get("TREMPLIN_INSTANCE_PATH")
    return os.path.abspath(path) if path else None


def _configure(app: Flask, test_config: Mapping[str, Any] | None) -> None:
    app.config.from_mapping(DEFAULTS, **security.DEFAULTS, **mail.DEFAULTS)
    app.config["DATABASE"] = os.path.join(app.instance_path, "tremplin.sqlite3")
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("TREMPLIN")
    if test_config:
        app.config.from_mapping(test_config)
    if app.config.get("DATABASE_URL"):
        app.config["DATABASE"] = app.config["DATABASE_URL"]
    if not app.config.get("SECRET_KEY"):
        if app.config.get("DATABASE_URL"):
            raise ConfigurationError(render("app.secret_key_required", "fr") + "\n"
                                     + render("app.secret_key_required", "en"))
        app.config["SECRET_KEY"] = load_or_create_secret_key(app.instance_path)
    proxies = int(app.config["PROXY_FIX_X_FOR"])
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)


class ConfigurationError(click.ClickException):
    """A setting the application cannot start without (the message says which, in French and English).

    A :class:`click.ClickException`: every ``tremplin`` command that builds the
    application prints the message and exits with status 1, without a traceback."""


register({
    "app.secret_key_required": (
        "TREMPLIN_DATABASE_URL est réglé : donnez aussi TREMPLIN_SECRET_KEY (la même clé secrète "
        "à chaque serveur, par exemple python -c \"import secrets; print(secrets.token_hex(32))\").",
        "TREMPLIN_DATABASE_URL is set: give TREMPLIN_SECRET_KEY too (the same secret key to every "
        "server, e.g. python -c \"import secrets; print(secrets.token_hex(32))\")."),
})


def load_or_create_secret_key(instance_path: str) -> str:
    """The key in ``instance_path/secret_key``, generated with :mod:`secrets` if missing.

    The file is written aside then hard-linked into place, which fails if it exists:
    two workers starting together end up with the same key.
    """
    path = os.path.join(instance_path, "secret_key")
    if not os.path.exists(path):
        fd, draft = tempfile.mkstemp(dir=instance_path, prefix=".secret_key.")
        try:
            with os.fdopen(fd, "w", encoding="ascii") as file:
                file.write(secrets.token_hex(32))
            try:
                os.link(draft, path)
            except FileExistsError:
                pass  # another worker was first: use its key
        finally:
            os.unlink(draft)
    with open(path, encoding="ascii") as file:
        return file.read().strip()


def _import(target: str) -> Any:
    module_name, _, attribute = target.partition(":")
    return getattr(importlib.import_module(module_name), attribute)


def _init_templates(app: Flask) -> None:
    # the block types' templates, after the application's own (see blocks.rendering)
    app.jinja_env.loader = ChoiceLoader([app.jinja_env.loader, BlockTemplates(REGISTRY)])


def _init_error_pages(app: Flask) -> None:
    app.register_error_handler(HTTPException, render_error)


def render_error(error: HTTPException):
    """A page in plain French for every HTTP error, with the error's own headers."""
    code = error.code or 500
    templates = [f"errors/{code}.html", "errors/error.html"]
    try:
        body = render_template(templates, error=error, csrf=isinstance(error, CSRFError))
    except Exception:  # the error page must not fail in turn: say it plainly
        current_app.logger.exception("error page %s failed", code)
        body = "Désolé, une erreur est survenue. Réessayez dans quelques minutes."
    response = make_response(body, code)
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def healthz() -> tuple[str, int, dict[str, str]]:
    """Liveness check for the host: "ok" when the database answers."""
    db.get_db().execute(text("SELECT 1"))
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}
