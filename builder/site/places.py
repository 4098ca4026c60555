"""Where a journey runs: what differs between a published mini-site and the studio's
preview, for the pages they share (:mod:`builder.site.flow`).

A :class:`Place` says where the answers are kept, how the links between pages are made,
whether funnel events are recorded and whether « Envoyer » really sends. The mini-site
is :class:`MiniSite` (a draft found by the session's code, ``url_for``, the funnel); the
preview is :class:`builder.studio.editor.preview_state.Preview`.
"""

from __future__ import annotations

from typing import Any

from flask import url_for

from builder.format.model import Service
from builder.rules.engine import Evaluation
from builder.site import state
from builder.storage.drafts import Draft


class Place:
    """Where the pages of one service are shown, for one person, in one language."""

    name = ""
    sends = False  # whether « Envoyer » really sends (the person's copy is offered then)

    def __init__(self, service: Service, lang: str):
        self.service, self.lang = service, lang

    def url_for(self, endpoint: str, **values: Any) -> str:
        """The URL of a page, named as the mini-site's (``site.step``, ``site.check``…)."""
        raise NotImplementedError

    def save(self, answers: dict[str, Any], step_id: str) -> None:
        """Keep the answers after the step ``step_id`` was answered."""
        raise NotImplementedError

    def record(self, step_id: str | None, kind: str) -> None:
        """Record a funnel event (``view``, ``error``, ``answer``…): nothing by default."""

    def link_url(self, outcome_id: str, index: int, url: str, share: bool = False) -> str | None:
        """Where an outcome's link number ``index`` leads: straight to ``url`` by default;
        ``share``: the same, passing the person's answers on (None where it cannot)."""
        return None if share else url

    def evaluate(self, answers: dict[str, Any]) -> Evaluation:
        """The answers evaluated on the date the rules use (bookkeeping keys left out)."""
        return state.evaluation_of(self.service, answers, self.lang)


class MiniSite(Place):
    """A published mini-site: the person's draft, Flask's ``url_for``, the funnel."""

    name = "site"
    sends = True

    def __init__(self, service: Service, lang: str, draft: Draft | None):
        super().__init__(service, lang)
        self.draft = draft

    def url_for(self, endpoint: str, **values: Any) -> str:
        """Flask's ``url_for`` (the service's id is added by the blueprint)."""
        return url_for(endpoint, **values)

    def save(self, answers: dict[str, Any], step_id: str) -> None:
        """Store the answers in the draft (its expiry moves on)."""
        self.draft = state.save(self.service, self.draft, answers, step_id)

    def record(self, step_id: str | None, kind: str) -> None:
        """Record the event for this journey (no personal data)."""
        state.record(self.service, step_id, kind)

    def link_url(self, outcome_id: str, index: int, url: str, share: bool = False) -> str | None:
        """Through the mini-site's link route, which counts the click and adds what the
        link hands over (builder.site.links)."""
        extra = {"transmettre": "oui"} if share else {}
        return url_for("site.follow", outcome_id=outcome_id, index=index, **extra)
