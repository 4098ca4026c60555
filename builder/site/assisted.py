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

The draft keeps the intermediary too (``$assisted``), so that « Enregistrer et reprendre
plus tard » takes the mode up again on another device — for that same account, signed in
there with the role. Anyone else who types the draft's code takes it up as their own
journey, without the banner, and sends it as their own.
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
DRAFT_KEY = "$assisted"  # in the draft's answers: the slot's two keys, to take the mode up elsewhere


def current(service_id: str) -> Intermediary | None:
    """The intermediary filling in ``service_id`` in this session, or None (read only)."""
    kept = session.get("journeys", {}).get(service_id, {}).get(SLOT_KEY)
    return Intermediary.from_dict(kept) if kept else None


def begin(service: Service, intermediary: Intermediary, return_to: str) -> drafts.Draft:
    """A fresh draft of ``service`` filled in by ``intermediary`` (the studio checked the role)."""
    kept = {SLOT_KEY: intermediary.as_dict(), RETURN_KEY: return_to}
    draft = state.start(service, {DRAFT_KEY: kept})
    session["journeys"][service.id].update(kept)
    session.modified = True
    return draft


def take_up(service: Service, draft: drafts.Draft) -> None:
    """The draft was just taken up on this device (:func:`builder.site.state.resume`): the
    mode goes on when its intermediary's account is signed in here with the role, and stops
    for anyone else (nor does a mode of this session carry over to another person's draft)."""
    slot = session["journeys"][service.id]
    kept = draft.answers.get(DRAFT_KEY)
    if isinstance(kept, dict) and isinstance(kept.get(SLOT_KEY), dict) \
            and may_send(service.id, Intermediary.from_dict(kept[SLOT_KEY])):
        slot.update(kept)
    else:
        slot.pop(SLOT_KEY, None)
        slot.pop(RETURN_KEY, None)
    session.modified = True


def may_send(service_id: str, intermediary: Intermediary) -> bool:
    """Whether the account that started the mode is the one signed in, still with the role."""
    user = current_user()
    copy = workspace.get(get_db(), service_id)
    if user is None or copy is None or user.id != intermediary.user_id:
        return False
    return has_role(accounts.role_of(get_db(), user.id, copy.org_id), accounts.HELPER)
