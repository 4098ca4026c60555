"""Slugs and words made from what people write, without accents: one rule for the
whole application (organisations, steps, outcomes, question ids).

« Mission locale d'Évry » → ``mission-locale-d-evry``; « Œuvre » → ``oeuvre``.
"""

from __future__ import annotations

import re
import unicodedata

MAX_LENGTH = 40
_NOT_ALPHANUMERIC = re.compile(r"[^a-z0-9]+")
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss"})


def words(text: str) -> list[str]:
    """The lowercase words of ``text`` without accents (« Élève n°2 » → eleve, n, 2)."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_LIGATURES))
    ascii_text = "".join(char for char in decomposed if not unicodedata.combining(char))
    return [word for word in _NOT_ALPHANUMERIC.split(ascii_text) if word]


def shorten(parts: list[str], separator: str, max_length: int = MAX_LENGTH) -> str:
    """``parts`` joined by ``separator``, whole words only, at most ``max_length`` long."""
    text = ""
    for part in parts:
        candidate = f"{text}{separator}{part}" if text else part
        if len(candidate) > max_length:
            break
        text = candidate
    return text or parts[0][:max_length]


def slugify(text: str, default: str = "etape", max_length: int = MAX_LENGTH) -> str:
    """A slug ``[a-z0-9-]``: « Votre âge » → ``votre-age`` (``default`` when nothing is left)."""
    parts = words(text)
    return shorten(parts, "-", max_length) if parts else default
