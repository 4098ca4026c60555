"""Who is signed in, and what they may do in an organisation.

The session holds the user's id and the account's session generation at sign-in
(:mod:`builder.storage.accounts`), nothing else about them; :func:`current_user` loads
the user once per request (the same single read as before: the generation is a column of
the user's row) and keeps them on ``g``. A session whose generation is no longer the
account's has been ended (signed out, « Se déconnecter partout », a new password): it
counts as nobody. Visitors of the mini-sites have no user id: nothing is read for them.

Every studio view whose URL has ``<org_slug>`` begins with
``org = require_org(org_slug, at_least=...).org``, before it looks at anything else:
an organisation that does not exist is a 404, one the user does not belong to (or
where their role is too low) a 403, whatever the other parts of the URL.
``tests/test_studio_access.py`` walks every such route to hold every blueprint to it.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Callable, NamedTuple, TypeVar

from flask import abort, g, redirect, request, session, url_for
from flask_babel import lazy_gettext

from builder.db import get_db
from builder.storage import accounts
from builder.storage.accounts import EDITOR, HELPER, OWNER, READER, Organisation, User

# Roles from the least to the most: each may do what those before it may.
ROLE_ORDER = accounts.ROLES
ROLE_LABELS = {
    READER: lazy_gettext("Lecture"),
    HELPER: lazy_gettext("Accompagnement"),
    EDITOR: lazy_gettext("Édition"),
    OWNER: lazy_gettext("Propriétaire"),
}
ROLE_DESCRIPTIONS = {
    READER: lazy_gettext("consulte les services et les réponses"),
    HELPER: lazy_gettext("consulte, et remplit des demandes pour d’autres personnes, sans modifier les services"),
    EDITOR: lazy_gettext("consulte et modifie les services"),
    OWNER: lazy_gettext("modifie les services et gère les membres"),
}
# What a role lets someone do, after « vous pourrez » (for the person invited).
ROLE_ABILITIES = {
    READER: lazy_gettext("consulter les services et les réponses"),
    HELPER: lazy_gettext("consulter, et remplir des demandes pour d’autres personnes, sans modifier les services"),
    EDITOR: lazy_gettext("consulter et modifier les services"),
    OWNER: lazy_gettext("modifier les services et gérer les membres"),
}
_SESSION_KEY = "user_id"
_GENERATION_KEY = "session_generation"  # absent in sessions signed before it existed: 0
_KEPT_ON_LOGIN = ("lang",)  # the language chosen survives signing in

View = TypeVar("View", bound=Callable)


class OrgAccess(NamedTuple):
    """An organisation and the current user's role in it."""

    org: Organisation
    role: str


def current_user() -> User | None:
    """The signed-in user, loaded from the session once per request, or None (also when
    the session was ended: it is then cleared)."""
    if "user" not in g:
        user_id = session.get(_SESSION_KEY)
        user = accounts.get_user(get_db(), user_id) if type(user_id) is int else None
        if user is not None and session.get(_GENERATION_KEY, 0) != user.session_generation:
            _clear_session()
            user = None
        g.user = user
    return g.user


def login_user(user: User) -> None:
    """Sign ``user`` in on a new session: nothing set before signing in is carried over."""
    _clear_session()
    session[_SESSION_KEY] = user.id
    session[_GENERATION_KEY] = user.session_generation
    g.user = user


def logout_user() -> None:
    """Sign out, ending every session of the account (this one and any other, on any
    device: see :func:`builder.storage.accounts.end_sessions`); the session is cleared
    (the language choice is kept)."""
    user = current_user()
    if user is not None:
        accounts.end_sessions(get_db(), user.id)
    forget_session()


def forget_session() -> None:
    """Clear this session (the language choice is kept) without ending any other."""
    _clear_session()
    g.user = None


def keep_this_session(user: User, generation: int) -> None:
    """After the account's other sessions were ended (a new password), carry on in this
    one: it takes the new ``generation``."""
    login_user(dataclasses.replace(user, session_generation=generation))


def _clear_session() -> None:
    kept = {key: session[key] for key in _KEPT_ON_LOGIN if key in session}
    session.clear()
    session.update(kept)


def login_url(next_path: str | None = None) -> str:
    """The sign-in page, coming back to ``next_path`` (by default, this page) after."""
    if next_path is None:
        next_path = request.full_path.rstrip("?") if request.method == "GET" else request.path
    return url_for("auth.login", next=next_path)


def login_required(view: View) -> View:
    """Send anyone not signed in to the sign-in page, then back to this page."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if current_user() is None:
            return redirect(login_url())
        return view(*args, **kwargs)

    wrapped.login_required = True
    return wrapped


def has_role(role: str | None, at_least: str) -> bool:
    """True when ``role`` is ``at_least`` or above it (None is no role)."""
    return accounts.role_rank(role) >= accounts.role_rank(at_least) >= 0


def membership(user_id: int, org_id: int) -> str | None:
    """The role of ``user_id`` in ``org_id``, or None when they are not a member."""
    return accounts.role_of(get_db(), user_id, org_id)


def require_role(org_id: int, at_least: str = EDITOR) -> str:
    """The current user's role in ``org_id``, which must be ``at_least``.

    404 when the organisation does not exist, 403 when the user is not a member or
    their role is lower; someone not signed in is sent to the sign-in page.
    """
    org = accounts.get_organisation(get_db(), org_id)
    if org is None:
        abort(404)
    return _check(org, at_least).role


def require_org(org_slug: str, at_least: str = READER) -> OrgAccess:
    """The organisation named ``org_slug`` and the user's role there (see :func:`require_role`).

    Also kept on ``g.org`` and ``g.role`` for the templates.
    """
    org = accounts.get_organisation_by_slug(get_db(), org_slug)
    if org is None:
        abort(404)
    return _check(org, at_least)


def _check(org: Organisation, at_least: str) -> OrgAccess:
    if at_least not in ROLE_ORDER:
        raise ValueError(f"unknown role: {at_least!r}")
    user = current_user()
    if user is None:
        abort(redirect(login_url()))
    role = membership(user.id, org.id)
    if not has_role(role, at_least):
        abort(403)
    g.org, g.role = org, role
    return OrgAccess(org, role)
