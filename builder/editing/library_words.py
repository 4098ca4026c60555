"""The reusable blocks of the library as the studio names them: « Coordonnées : e-mail et
téléphone », never ``coordonnees``; and the questions a ``use:`` entry asks, by their
labels. French first, English beside; a reusable block added later without a name here is
named by the comment that opens its file.
"""

from __future__ import annotations

import functools
from typing import Any

from blocks.library import LIBRARY_DIR, library_blocks
from builder.editing.document import leading_comments
from builder.editing.ids import use_ids
from builder.format.model import localize

TITLES: dict[str, tuple[str, str]] = {
    "identite": ("Identité : prénom, nom et date de naissance", "Identity: first name, family name and date of birth"),
    "coordonnees": ("Coordonnées : e-mail et téléphone", "Contact details: email and phone"),
    "adresse": ("Adresse postale : rue, code postal et commune", "Postal address: street, postcode and town"),
    "consentement": ("Accord pour utiliser les réponses (RGPD)", "Consent to use the answers (GDPR)"),
    "avis": ("Avis : une note et un commentaire", "Feedback: a mark and a comment"),
}


def library_title(name: Any, lang: str = "fr") -> str:
    """The name of a reusable block for people."""
    pair = TITLES.get(str(name))
    if pair:
        return pair[1] if lang == "en" else pair[0]
    return _described(str(name)) or str(name)


@functools.lru_cache(maxsize=None)
def _described(name: str) -> str:
    """What a reusable block holds, from the comment that opens its file."""
    path = LIBRARY_DIR / f"{name}.yaml"
    if not path.is_file():
        return ""
    first = next(iter(leading_comments(path.read_text(encoding="utf-8")).splitlines()), "")
    return first.lstrip("# ").strip()


def use_questions(entry: dict, lang: str = "fr") -> list[str]:
    """The labels of the questions a ``use:`` entry asks (its ``only`` and ``prefix`` applied)."""
    try:
        by_id = {block["id"]: block for block in library_blocks(entry["use"])}
    except (KeyError, TypeError):  # a reusable block that does not exist: the entry’s problem says so
        return []
    prefix = str(entry.get("prefix") or "")
    labels = []
    for ident in use_ids(entry):
        block = by_id.get(ident[len(prefix):] if prefix and ident.startswith(prefix) else ident, {})
        labels.append(localize(block.get("label"), lang) or ident)
    return labels
