"""Prefilling a démarche of démarches-simplifiées with a person's answers.

An outcome's link may name a démarche (``demarche:`` under the link, see docs/format.md):
``champs`` maps question ids to the démarche's field ids. Its documented prefill comes in
two forms, both built here:

- a link, ``{origin}/commencer/{path}?champ_{id}=value…``, which the person opens;
- with the démarche's ``number``, the public API: ``POST {origin}/api/public/v1/demarches/
  {number}/dossiers`` with the fields as JSON, which answers with the ``dossier_url`` of a
  new prefilled dossier.

Nothing here runs by itself: the mini-site first shows the person what would be sent
(:func:`fields`) and calls :func:`prefill_link` or :func:`create_dossier` only when they
click. The API is only called on the hosts of ``DEMARCHES_HOSTS`` (a setting), with a short
timeout; what goes wrong is a :class:`DemarcheError` with a French and English message.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Mapping
from urllib.parse import urlencode, urlsplit

from builder.format.model import Service
from builder.messages import Problem, register

DEFAULT_HOSTS = ("www.demarches-simplifiees.fr", "demarches-simplifiees.fr", "demarche.numerique.gouv.fr")  # as DEMARCHES_HOSTS
TIMEOUT_SECONDS = 5

register({
    "demarche.host": (
        "Le préremplissage n'est pas permis vers « {host} » : ce n'est pas une adresse de démarches-simplifiées "
        "connue de ce serveur.",
        "Prefilling is not allowed towards “{host}”: it is not a démarches-simplifiées address this server knows."),
    "demarche.unreachable": (
        "Le site des démarches n'a pas répondu à temps. Réessayez dans quelques minutes, ou commencez la "
        "démarche sans préremplissage.",
        "The online procedures site did not answer in time. Try again in a few minutes, or start the "
        "application without prefilling."),
    "demarche.refused": (
        "Le site des démarches a refusé de créer le dossier (erreur {status}). Commencez la démarche sans "
        "préremplissage.",
        "The online procedures site refused to create the application (error {status}). Start the "
        "application without prefilling."),
    "demarche.no_url": (
        "Le site des démarches n'a pas donné l'adresse du dossier. Commencez la démarche sans préremplissage.",
        "The online procedures site did not give the application's address. Start the application "
        "without prefilling."),
})


class DemarcheError(Problem):
    """The prefill could not be made; its message says why, in French and English."""


@dataclass(frozen=True)
class Demarche:
    """A démarche named by an outcome's link: where it is, its number, its fields."""

    url: str
    path: str
    number: int | None
    champs: dict[str, str]

    @classmethod
    def of(cls, link: Mapping[str, Any]) -> "Demarche | None":
        """The démarche of ``link`` (None for a plain link)."""
        demarche = link.get("demarche")
        if not isinstance(demarche, Mapping):
            return None
        path = demarche.get("path") or urlsplit(link["url"]).path.rstrip("/").rsplit("/", 1)[-1]
        return cls(link["url"], str(path), demarche.get("number"), dict(demarche.get("champs") or {}))

    @property
    def origin(self) -> str:
        """``https://www.demarches-simplifiees.fr``: where the démarche lives."""
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"


@dataclass(frozen=True)
class Field:
    """One answer to send: the démarche's field key, the question and the answer as shown
    to the person, and the value as the démarche takes it."""

    key: str
    question: str
    shown: str
    value: Any


def champ_key(champ: str) -> str:
    """``champ_Q2hh…``: the parameter of a field id (written with or without ``champ_``)."""
    return champ if champ.startswith("champ_") else f"champ_{champ}"


def fields(service: Service, demarche: Demarche, answers: Mapping[str, Any], lang: str) -> list[Field]:
    """The answered questions the démarche takes, in its order, each as it will be sent."""
    found = []
    for question, champ in demarche.champs.items():
        block, stored = service.questions.get(question), answers.get(question)
        if block is None or stored is None:
            continue
        value = block.type.value_from_json(block.params, stored)
        found.append(Field(champ_key(champ), block.text("label", lang, service.languages),
                           block.type.format_text(block.params, value, lang),
                           block.type.format_prefill(block.params, value)))
    return found


def prefill_link(demarche: Demarche, sent: list[Field]) -> str:
    """The documented prefill link: ``/commencer/{path}?champ_…=…`` (a list repeats its key
    with ``[]``)."""
    pairs: list[tuple[str, str]] = []
    for field in sent:
        if isinstance(field.value, list):
            pairs += [(f"{field.key}[]", str(item)) for item in field.value]
        else:
            pairs.append((field.key, str(field.value)))
    query = urlencode(pairs)
    return f"{demarche.origin}/commencer/{demarche.path}" + (f"?{query}" if query else "")


def create_dossier(demarche: Demarche, sent: list[Field], hosts: tuple[str, ...] = DEFAULT_HOSTS,
                   timeout: float = TIMEOUT_SECONDS) -> str:
    """Create a prefilled dossier through the public API; its ``dossier_url``."""
    host = urlsplit(demarche.url).netloc
    if host not in hosts:
        raise DemarcheError("demarche.host", host=host)
    body = json.dumps({field.key: field.value for field in sent}).encode("utf-8")
    request = urllib.request.Request(f"{demarche.origin}/api/public/v1/demarches/{demarche.number}/dossiers",
                                     data=body, method="POST",
                                     headers={"Content-Type": "application/json", "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (host checked above)
            answer = json.loads(response.read(1_000_000) or b"{}")
    except urllib.error.HTTPError as error:
        raise DemarcheError("demarche.refused", status=error.code) from None
    except (urllib.error.URLError, TimeoutError, OSError, ValueError):
        raise DemarcheError("demarche.unreachable") from None
    url = answer.get("dossier_url") if isinstance(answer, dict) else None
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        raise DemarcheError("demarche.no_url")
    return url
