"""The links the studio sends by mail: invitations to an organisation and password resets.

An invitation is a link carrying a random token, for one role, valid
:data:`INVITATION_TTL`, used once. A password reset is the same for one user, valid
:data:`RESET_TTL`. Only a SHA-256 of each token is stored: a copy of the database does
not hand out working links.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import secrets

from sqlalchemy import Column, ForeignKey, Index, Integer, Table, Text, delete, select, update
from werkzeug.security import generate_password_hash

from builder.storage import as_utc, iso
from builder.storage.accounts import (
    User,
    add_member,
    check_role,
    end_sessions,
    get_user,
    load_record,
    normalize_email,
    users,
)
from builder.storage.database import Database, atomic, metadata

INVITATION_TTL = dt.timedelta(days=7)
RESET_TTL = dt.timedelta(hours=1)


@dataclasses.dataclass(frozen=True)
class Invitation:
    """An invitation to join ``org_id`` as ``role`` (the token itself is not kept)."""

    id: int
    org_id: int
    role: str
    email: str | None
    created_by: int | None
    created_at: dt.datetime
    expires_at: dt.datetime
    used_at: dt.datetime | None


# -- Schema ------------------------------------------------------------------------------

invitations = Table(
    "invitations", metadata,
    Column("id", Integer, primary_key=True), Column("token_hash", Text, nullable=False),
    Column("org_id", Integer, ForeignKey("organisations.id"), nullable=False),
    Column("role", Text, nullable=False), Column("email", Text), Column("created_by", Integer),
    Column("created_at", Text, nullable=False), Column("expires_at", Text, nullable=False),
    Column("used_at", Text), Column("used_by", Integer),
    Index("idx_invitations_token_hash", "token_hash", unique=True),
    Index("idx_invitations_org_id", "org_id"),
)
password_resets = Table(
    "password_resets", metadata,
    Column("token_hash", Text, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("created_at", Text, nullable=False), Column("expires_at", Text, nullable=False),
    Column("used_at", Text),
    Index("idx_password_resets_user_id", "user_id"),
)


# -- Invitations -------------------------------------------------------------------------

def create_invitation(db: Database, org_id: int, role: str, *, created_by: int | None,
                      email: str | None = None,
                      now: dt.datetime | None = None) -> tuple[str, Invitation]:
    """A new invitation to ``org_id`` as ``role``: its token (for the link) and itself."""
    check_role(role)
    now = as_utc(now)
    token = secrets.token_urlsafe(32)
    row = {"token_hash": _digest(token), "org_id": org_id, "role": role,
           "email": normalize_email(email) if email else None, "created_by": created_by,
           "created_at": iso(now), "expires_at": iso(now + INVITATION_TTL),
           "used_at": None, "used_by": None}
    invitation_id = db.execute(invitations.insert(), row).inserted_primary_key[0]
    return token, load_record(Invitation, {**row, "id": invitation_id})


def get_invitation(db: Database, token: str, *, now: dt.datetime | None = None
                   ) -> Invitation | None:
    """The invitation of this token if it can still be accepted (unused, not expired)."""
    row = db.execute(select(invitations).where(
        invitations.c.token_hash == _digest(token), invitations.c.used_at.is_(None),
        invitations.c.expires_at > iso(now))).mappings().first()
    return load_record(Invitation, row) if row else None


def accept_invitation(db: Database, token: str, user_id: int, *,
                      now: dt.datetime | None = None) -> Invitation | None:
    """Make ``user_id`` a member as the invitation says, and use it up.

    None when the token is unknown, used or expired. An invitation works once.
    """
    with atomic(db):
        invitation = get_invitation(db, token, now=now)
        if invitation is None:
            return None
        db.execute(update(invitations).where(invitations.c.id == invitation.id)
                   .values(used_at=iso(now), used_by=user_id))
        add_member(db, invitation.org_id, user_id, invitation.role, now=now)
    return invitation


def pending_invitations(db: Database, org_id: int, *, now: dt.datetime | None = None
                        ) -> list[Invitation]:
    """The invitations to ``org_id`` that can still be accepted, newest first."""
    rows = db.execute(select(invitations).where(
        invitations.c.org_id == org_id, invitations.c.used_at.is_(None), invitations.c.expires_at > iso(now))
        .order_by(invitations.c.id.desc())).mappings()
    return [load_record(Invitation, row) for row in rows]


def revoke_invitation(db: Database, org_id: int, invitation_id: int) -> bool:
    """Cancel an unused invitation of ``org_id``; False if there was none."""
    cursor = db.execute(delete(invitations).where(
        invitations.c.id == invitation_id, invitations.c.org_id == org_id, invitations.c.used_at.is_(None)))
    return cursor.rowcount > 0


# -- Password resets ---------------------------------------------------------------------

def create_password_reset(db: Database, user_id: int, *,
                          now: dt.datetime | None = None) -> str:
    """A new token letting ``user_id`` choose a password within :data:`RESET_TTL`."""
    now = as_utc(now)
    token = secrets.token_urlsafe(32)
    db.execute(password_resets.insert(), {
        "token_hash": _digest(token), "user_id": user_id, "created_at": iso(now),
        "expires_at": iso(now + RESET_TTL), "used_at": None})
    return token


def password_reset_user(db: Database, token: str, *, now: dt.datetime | None = None
                        ) -> User | None:
    """The user a reset token is for, if it is unused and not expired."""
    user_id = db.execute(select(password_resets.c.user_id).where(
        password_resets.c.token_hash == _digest(token), password_resets.c.used_at.is_(None),
        password_resets.c.expires_at > iso(now))).scalar()
    return get_user(db, user_id) if user_id is not None else None


def reset_password(db: Database, token: str, password: str, *,
                   now: dt.datetime | None = None) -> User | None:
    """Set a new password with a reset token; None if the token cannot be used.

    Every reset token of that user is used up, so that older mails stop working too,
    and every session of theirs ends.
    """
    password_hash = generate_password_hash(password)  # slow: outside the transaction
    with atomic(db):
        user = password_reset_user(db, token, now=now)
        if user is None:
            return None
        db.execute(update(users).where(users.c.id == user.id).values(password_hash=password_hash))
        db.execute(update(password_resets).where(password_resets.c.user_id == user.id,
                                                 password_resets.c.used_at.is_(None)).values(used_at=iso(now)))
        end_sessions(db, user.id)
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()

