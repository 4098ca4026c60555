"""The words for a request's follow-up status, French first (see :mod:`builder.storage.followup`).

One place for the mini-site, the studio, the mails and the exports, which also run
outside Flask: they use :mod:`builder.messages`. Templates call ``status_label(status)``,
in the page's language.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import get_locale

from builder.messages import register, render
from builder.storage.followup import STATUSES

register({
    "status.received": ("Reçue", "Received"),
    "status.in_progress": ("En cours", "In progress"),
    "status.treated": ("Traitée", "Processed"),
    "status.closed": ("Close", "Closed"),
})


def status_label(status: str, lang: str | None = None) -> str:
    """The status in ``lang`` (the page's language by default); an unknown one as stored."""
    if status not in STATUSES:
        return status
    if lang is None:
        locale = get_locale()
        lang = locale.language if locale else "fr"
    return render(f"status.{status}", lang)


def init_app(app: Flask) -> None:
    """Give templates ``status_label``."""
    app.add_template_global(status_label, "status_label")
