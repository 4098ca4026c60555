"""Handing a person over to a booking page with what they already said.

A link of the help box (``help.appointment_url`` with ``help.appointment_handoff``) or of
an outcome (``links: [{…, handoff: …}]``) may carry, in its address:

- the person's reference (``handoff.reference`` names the parameter: ``?ref=TRM-K7Q-42M``),
  once they have one, that is once their answers were sent;
- the answers to the questions ``handoff.answers`` names, only when the person chose the
  link that says it passes them on (``?transmettre=oui`` on the mini-site's route): each
  as its export writes it (``2007-03-02``, ``apprenti``, ``oui``).

What the booking page does with them is its own business: Tremplin only writes them into
the address, and only into an address written in the service.
"""

from __future__ import annotations

from typing import Any, Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from builder.format.model import Service

SHARE = "transmettre"  # the mini-site's parameter: the person chose to pass their answers on


def handoff_url(url: str, handoff: Mapping[str, Any] | None, service: Service, *, reference: str | None,
                answers: Mapping[str, Any], share: bool) -> str:
    """``url`` with the reference and, when ``share``, the chosen answers added to its query."""
    if not handoff:
        return url
    added: list[tuple[str, str]] = []
    if reference and handoff.get("reference"):
        added.append((handoff["reference"], reference))
    if share:
        added += shared_answers(handoff, service, answers)
    if not added:
        return url
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + added
    return urlunsplit(parts._replace(query=urlencode(query)))


def shared_answers(handoff: Mapping[str, Any], service: Service, answers: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(question id, answer)`` for each question the hand-off names that has an answer."""
    found = []
    for name in handoff.get("answers") or []:
        block, stored = service.questions.get(name), answers.get(name)
        if block is None or stored is None:
            continue
        value = block.type.value_from_json(block.params, stored)
        found.append((name, block.type.format_csv(block.params, value)))
    return found


def shared_labels(handoff: Mapping[str, Any] | None, service: Service, lang: str) -> list[str]:
    """The labels of the questions whose answers the link may pass on (none without a hand-off)."""
    names = (handoff or {}).get("answers") or []
    return [service.questions[name].text("label", lang, service.languages) for name in names
            if name in service.questions]
