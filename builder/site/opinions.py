"""The « Donnez votre avis » form at the end of a service whose file turns it on
(``settings.feedback``): the library's ``avis`` blocks (a rating from 1 to 5, then a
comment), asked under ids of their own (``avis_…``) so that they never meet the service's
questions. Their block types draw, check and read them, as on any step.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm

from blocks import REGISTRY
from blocks.library import expand_use
from builder.format.model import Block, Service

PREFIX = "avis_"
RATING, COMMENT = f"{PREFIX}satisfaction", f"{PREFIX}commentaire"


class _Meta:
    csrf = False  # CSRFProtect checks every POST already (builder.security)


def asks_feedback(service: Service) -> bool:
    """Whether the service ends with « Donnez votre avis » (``settings.feedback``)."""
    return bool((service.data.get("settings") or {}).get("feedback"))


def feedback_blocks(service: Service) -> list[Block]:
    """The rating and the comment, as blocks (made once per service)."""
    blocks = service.derived.get("feedback blocks")
    if blocks is None:
        blocks = service.derived["feedback blocks"] = [
            Block(item["id"], REGISTRY.get(item["type"]), REGISTRY.get(item["type"]).normalize(item), "avis")
            for item in expand_use({"use": "avis", "prefix": PREFIX})]
    return blocks


def feedback_form(service: Service, lang: str, formdata: Any = None) -> FlaskForm:
    """The form of the rating and the comment, in ``lang`` (filled from ``formdata`` when posted)."""
    key = ("feedback form", lang)
    form_class = service.derived.get(key)
    if form_class is None:
        fields = {block.id: block.type.form_field(block.params, lang, service.languages)
                  for block in feedback_blocks(service)}
        form_class = service.derived[key] = type("FeedbackForm", (FlaskForm,), {**fields, "Meta": _Meta})
    return form_class(formdata=formdata)


def opinion(form: FlaskForm) -> tuple[int, str | None]:
    """The rating (1 to 5) and the comment of a validated form."""
    return int(form[RATING].cleaned), form[COMMENT].cleaned
