"""An Aides Jeunes benefit as a Tremplin outcome: its title, its explanation (the
description, the conditions written for people, the institution), its amount and
periodicity, its links (the page, the online service, the form, the instructions) and
its source (the benefit's link, checked on the day of the import)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from builder.format.spec import URL
from builder.messages import register
from exports.aidesjeunes_conditions import institutions

PERIODS = {"mensuelle": "par mois", "annuelle": "par an", "ponctuelle": "une fois", "autre": ""}
LINKS = (("link", "En savoir plus"), ("teleservice", "Faire la demande en ligne"),
         ("form", "Le formulaire de demande"), ("instructions", "Comment faire la demande"))

register({
    "aj.link_dropped": (
        "Le lien « {key} » ({value}) n'est pas une adresse web : il n'est pas repris.",
        "The link \"{key}\" ({value}) is not a web address: it is not carried over."),
    "aj.no_source": (
        "L'aide n'a pas de lien (« link ») : le résultat n'a pas de source.",
        "The benefit has no link (\"link\"): the outcome has no source."),
    "aj.institution_name": (
        "L'organisme « {institution} » n'est pas dans la liste d'Aides Jeunes livrée avec Tremplin : "
        "son identifiant est écrit à la place de son nom.",
        "The institution \"{institution}\" is not in the Aides Jeunes list shipped with Tremplin: "
        "its identifier is written instead of its name."),
})


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _number(value: Any) -> str:
    """``1 500`` (a thin space between thousands, a comma for decimals)."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}".replace(",", "\u202f").replace(".", ",")
    return f"{int(value):,}".replace(",", "\u202f")


def amount(benefit: dict) -> str:
    """``200 € maximum, une fois``, or "" for a benefit without an amount."""
    value = benefit.get("montant")
    if benefit.get("type") != "float" or isinstance(value, bool) or not isinstance(value, (int, float)):
        return ""
    unit = _text(benefit.get("unit"))
    parts = [f"{_number(value)} {unit}".strip(), _text(benefit.get("legend"))]
    written = " ".join(part for part in parts if part)
    period = PERIODS.get(benefit.get("periodicite"), "")
    return f"{written}, {period}" if period else written


def institution_name(benefit: dict, note: Callable[..., None]) -> str:
    """The name of the benefit's institution (its identifier, noted, when unknown)."""
    slug = benefit.get("institution")
    found = institutions().get(slug) if isinstance(slug, str) else None
    if found is None:
        note(getattr(benefit, "line", 1), "aj.institution_name", institution=slug)
        return _text(slug)
    return found.name


def body(benefit: dict, institution: str) -> str:
    """The description, the conditions to meet as a list, and who gives the benefit."""
    parts = [str(benefit.get("description") or "").strip()]
    conditions = [_text(item) for item in (benefit.get("conditions") or []) + (benefit.get("voluntary_conditions") or [])
                  if _text(item)]
    if conditions:
        parts.append("**Conditions à remplir :**\n\n" + "\n".join(f"- {item}" for item in conditions))
    if institution:
        parts.append(f"**Organisme :** {institution}")
    return "\n\n".join(part for part in parts if part)


def links(benefit: dict, note: Callable[..., None]) -> list[dict[str, str]]:
    """The benefit's web links, each once."""
    found, seen = [], set()
    for key, label in LINKS:
        value = benefit.get(key)
        if not value:
            continue
        url = str(value).strip()
        if not URL.match(url) or "{" in url:
            note(getattr(benefit, "line", 1), "aj.link_dropped", key=key, value=url)
        elif url not in seen:
            seen.add(url)
            found.append({"label": label, "url": url})
    return found


def outcome(identifier: str, benefit: dict, when: Any, today: dt.date, note: Callable[..., None]) -> dict[str, Any]:
    """The outcome of one benefit, whose condition is ``when``."""
    label = _text(benefit.get("label")) or identifier
    data: dict[str, Any] = {"id": identifier, "title": label[:1].upper() + label[1:], "when": when}
    data["body"] = body(benefit, institution_name(benefit, note))
    if amount(benefit):
        data["amount"] = amount(benefit)
    found = links(benefit, note)
    if found:
        data["links"] = found
    link = str(benefit.get("link") or "").strip()
    if URL.match(link):
        data["source"] = {"url": link, "label": f"Aides Jeunes : {label}", "checked": today}
    else:
        note(getattr(benefit, "line", 1), "aj.no_source")
    return data
