"""What every page of a mini-site shows, whether it is served published or in the
studio's preview: the service, its language, its help box, its links home, and the
« Donnez votre avis » form of a service that asks for it."""

from __future__ import annotations

from typing import Any

from flask import g, render_template
from markupsafe import Markup

from builder.format.model import Service, localize
from builder.site.handoff import shared_labels
from builder.site.opinions import asks_feedback, feedback_blocks, feedback_form


def page_context(service: Service, lang: str, home_url: str) -> dict[str, Any]:
    """The template context of every page of ``service`` (in ``lang``)."""
    return {"service": service, "lang": lang, "languages": list(service.languages),
            "site_name": service.text("title", lang), "home_url": home_url,
            "help": service.data.get("help") or {}, "organisation": service.data.get("organisation") or {},
            "t": text, "help_box": help_box,
            # « Donnez votre avis », when the service asks for it (site/_feedback.html)
            "feedback_form": lambda: feedback_form(service, lang) if asks_feedback(service) else None,
            "feedback_blocks": lambda: feedback_blocks(service),
            # the questions a link may pass on to a booking page (site/_handoff.html)
            "handoff_labels": lambda handoff: shared_labels(handoff, service, lang)}


def text(value: Any) -> str:
    """A text of the service in the page's language (``t`` in templates)."""
    return localize(value, g.lang, g.service.languages)


def help_box() -> Markup:
    """The help box of this service in this language, rendered once and kept with the service."""
    key = ("help box", g.lang)
    html = g.service.derived.get(key)
    if html is None:
        html = g.service.derived[key] = Markup(render_template("site/_help.html"))
    return html
