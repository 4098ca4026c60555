"""Filling in for someone else (« mode accompagnant ») on a published mini-site.

Only the studio starts it (:mod:`builder.studio.assisting`): a signed-in member whose
role is « accompagnant » or above posts a form (CSRF-protected) giving their name, their
structure and the person's agreement. The studio then starts a fresh draft and writes the
intermediary into this person's session slot for the service (``assisted``). The session
is Flask's signed cookie, shared by the studio and the mini-sites: a visitor cannot write
to it, and no field of a mini-site's forms ever reaches it. Signing out clears it.

While the slot holds an intermediary, every page says so (a banner with « Arrêter »),
step pages are rendered for this person alone (never the shared copy), and « Envoyer »
records the intermediary with the submission, after checking that the account that
started the mode is still signed in here and still has the role. At the end, the
confirmation leads to a printable slip for the person. The routes (« Arrêter », the
slip) are in :mod:`builder.site.assisting`.
"""

from __future__ import annotations

from flask import session

from builder.db import get_db
from builder.format.model import Service
from builder.site import state
from builder.storage import accounts, drafts, workspace
from builder.storage.intermediaries import Intermediary
from builder.studio.access import current_user, has_role

SLOT_KEY = "assisted"  # in the session's slot of the service (see builder.site.state)
RETURN_KEY = "assisted_return"  # the studio page « Arrêter » leads back to


def current(service_id: str) -> Intermediary | None:
    """The intermediary filling in ``service_id`` in this session, or None (read only)."""
    kept = session.get("journeys", {}).get(service_id, {}).get(SLOT_KEY)
    return Intermediary.from_dict(kept) if kept else None


def begin(service: Service, intermediary: Intermediary, return_to: str) -> drafts.Draft:
    """A fresh draft of ``service`` filled in by ``intermediary`` (the studio checked the role)."""
    draft = state.start(service, {})
    slot = session["journeys"][service.id]
    slot.update({SLOT_KEY: intermediary.as_dict(), RETURN_KEY: return_to})
    session.modified = True
    return draft


def may_send(service_id: str, intermediary: Intermediary) -> bool:
    """Whether the account that started the mode is the one signed in, still with the role."""
    user = current_user()
    copy = workspace.get(get_db(), service_id)
    if user is None or copy is None or user.id != intermediary.user_id:
        return False
    return has_role(accounts.role_of(get_db(), user.id, copy.org_id), accounts.HELPER)
