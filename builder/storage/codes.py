"""Codes people can read out on the phone or copy on paper.

The alphabet leaves out 0/O, 1/I/L (and so every pair a tired eye or a bad line
mixes up): a draft code looks like ``K7Q-42M``, a submission reference like
``TRM-7K4-2QX``. Codes come from :mod:`secrets`: they must not be guessable.
"""

from __future__ import annotations

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCE_PREFIX = "TRM"

_SEPARATORS = str.maketrans("", "", " -_.")


def random_group(size: int = 3) -> str:
    """``size`` random characters of :data:`ALPHABET`."""
    return "".join(secrets.choice(ALPHABET) for _ in range(size))


def new_code(groups: int = 2, size: int = 3) -> str:
    """A fresh code of ``groups`` groups joined by dashes, e.g. ``K7Q-42M``."""
    return "-".join(random_group(size) for _ in range(groups))


def new_reference(prefix: str = REFERENCE_PREFIX) -> str:
    """A fresh submission reference, e.g. ``TRM-7K4-2QX``."""
    return f"{prefix}-{new_code()}"


def normalize(text: str | None, groups: int = 2, size: int = 3) -> str | None:
    """The canonical form of a code a person typed, or None if it cannot be one.

    Case, spaces and dashes do not matter: ``k7q 42m`` and ``K7Q42M`` give ``K7Q-42M``.
    """
    if not text:
        return None
    compact = text.upper().translate(_SEPARATORS)
    if len(compact) != groups * size or any(c not in ALPHABET for c in compact):
        return None
    return "-".join(compact[i : i + size] for i in range(0, len(compact), size))
