"""The interface language of a request: chosen with ``?lang=``, remembered in the
session, else the browser's, else French; a mini-site page speaks its service's. Times
are shown in the time zone of the organisation the studio page is about.

See docs/translations.md. The mini-sites read :func:`select_locale` too, to pick the
language of a service that has several (:func:`builder.site.state.language`).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import Babel, get_locale
from flask_babel import lazy_gettext as _l

# Each language in itself: the switcher at the top of every page, for people who may not
# read the page's language.
LANGUAGE_NAMES = {"fr": "Français", "en": "English"}
# Each language in the interface's: the studio's authors choose and fill translations in
# their own language (« Anglais » in the French studio, « French » in the English one).
_NAMES_IN_INTERFACE = {"fr": _l("Français"), "en": _l("Anglais")}

babel = Babel()


def init_app(app: Flask) -> None:
    """Choose each request's language with :func:`select_locale`, remember ``?lang=``,
    and give templates ``lang``, ``languages`` and ``language_names``."""
    babel.init_app(app, default_locale="fr", locale_selector=select_locale,
                   timezone_selector=select_timezone)
    app.before_request(remember_language)
    app.context_processor(language_context)


def select_locale() -> str | None:
    """``?lang=``, then the language chosen before (session), then the browser's.

    A mini-site page speaks its service's language (``g.lang``, set by
    :mod:`builder.site` once the service is known), so that it is never half French,
    half English (a service language the interface lacks gives the default, French).
    """
    if not has_request_context():
        return None  # outside a request (mails from the CLI): the default, French
    languages = current_app.config["LANGUAGES"]
    chosen = g.get("lang")
    if chosen:
        return chosen if chosen in languages else None
    current = request._get_current_object()  # one lookup of the proxy for the three reads
    asked = current.args.get("lang")
    if asked in languages:
        return asked
    remembered = session.get("lang")
    if remembered in languages:
        return remembered
    return current.accept_languages.best_match(languages)


def select_timezone() -> str | None:
    """The time zone of the organisation the page is about (``g.org``, set by the studio's
    access checks), else the default (``BABEL_DEFAULT_TIMEZONE``)."""
    org = g.get("org") if has_request_context() else None
    return getattr(org, "time_zone", None) or None


def remember_language() -> None:
    """Keep the language asked with ``?lang=`` for the next pages."""
    asked = request.args.get("lang")
    if asked in current_app.config["LANGUAGES"] and session.get("lang") != asked:
        session["lang"] = asked


def language_label(code: str) -> str:
    """The name of the language ``code`` in the interface's language (the code itself
    for a language Tremplin does not name)."""
    name = _NAMES_IN_INTERFACE.get(code)
    return str(name) if name is not None else code


def language_context() -> dict[str, Any]:
    """What every template knows of languages: the page's, the interface's, their names
    (each in itself, ``language_names``; in the interface's language, ``language_label``)."""
    return {
        "lang": str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]),
        "languages": current_app.config["LANGUAGES"],
        "language_names": LANGUAGE_NAMES,
        "language_label": language_label,
    }
