"""Accounts of the studio: users, organisations, members and their roles, invitations,
password resets.

- A user signs in with an e-mail address, unique whatever its case (it is stored in
  lower case), and a password kept only as a Werkzeug hash (scrypt).
- An organisation (an association) has a slug for its URLs and members, each with one
  role of :data:`ROLES`, from the least to the most: a reader reads, an editor also
  changes the services, an owner also manages the members. An organisation always
  keeps at least one owner (:class:`LastOwner`).
- Sessions are signed cookies; each carries the account's *session generation* at
  sign-in. Ending an account's sessions (:func:`end_sessions`: signing out, « Se
  déconnecter partout », a new password) adds one to it, so that every cookie signed
  before no longer opens the studio, on every server sharing this database.
- An invitation is a link carrying a random token, for one role, valid
  :data:`INVITATION_TTL`, used once. A password reset is the same for one user,
  valid :data:`RESET_TTL`. Only a SHA-256 of each token is stored: a copy of the
  database does not hand out working links.

Functions that write several rows do it atomically, joining the caller's transaction
when there is one (a savepoint), so that a mail can be put in the outbox together.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import secrets
import sqlite3
from typing import Any, ContextManager, Mapping, TypeVar

from sqlite_utils import Database
from werkzeug.security import check_password_hash, generate_password_hash

from builder import slugs
from builder.storage import as_utc, iso, parse_iso
from builder.storage.database import transaction

READER, EDITOR, OWNER = "reader", "editor", "owner"
ROLES = (READER, EDITOR, OWNER)  # least to most: each role may do what those before it do
INVITATION_TTL = dt.timedelta(days=7)
RESET_TTL = dt.timedelta(hours=1)
_SLUG_MAX = 40
Record = TypeVar("Record")


class AccountError(Exception):
    """A change refused by the rules of accounts (the message is for developers)."""


class EmailTaken(AccountError):
    """An account already uses this e-mail address."""


class LastOwner(AccountError):
    """The change would leave the organisation without an owner."""


@dataclasses.dataclass(frozen=True)
class User:
    """A person with an account. The password hash never leaves this module."""

    id: int
    email: str
    name: str
    created_at: dt.datetime
    # sessions signed with another one are over; not part of who the user is
    session_generation: int = dataclasses.field(default=0, compare=False)


@dataclasses.dataclass(frozen=True)
class Organisation:
    """An association using the studio; ``slug`` names it in URLs."""

    id: int
    slug: str
    name: str
    created_at: dt.datetime
    time_zone: str | None = None  # an IANA name (« Europe/Paris »); None: the instance's


@dataclasses.dataclass(frozen=True)
class Member:
    """A user's place in an organisation."""

    user: User
    role: str


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

def create_tables(db: Database) -> None:
    """Create the tables of this module that do not exist yet (see :mod:`builder.storage.schema`)."""
    _create(db, "users", {"id": int, "email": str, "name": str, "password_hash": str,
                          "created_at": str, "session_generation": int}, pk="id",
            defaults={"session_generation": 0})
    if "session_generation" not in db["users"].columns_dict:  # a database made before it existed
        db["users"].add_column("session_generation", int, not_null_default=0)
    db["users"].create_index(["email"], unique=True, if_not_exists=True)
    _create(db, "organisations", {"id": int, "slug": str, "name": str, "created_at": str,
                                  "time_zone": str}, pk="id", optional={"time_zone"})
    if "time_zone" not in db["organisations"].columns_dict:  # a database made before it existed
        db["organisations"].add_column("time_zone", str)
    db["organisations"].create_index(["slug"], unique=True, if_not_exists=True)
    _create(db, "memberships", {"org_id": int, "user_id": int, "role": str, "created_at": str},
            pk=("org_id", "user_id"),
            foreign_keys=[("org_id", "organisations", "id"), ("user_id", "users", "id")])
    db["memberships"].create_index(["user_id"], if_not_exists=True)
    _create(db, "invitations", {
        "id": int, "token_hash": str, "org_id": int, "role": str, "email": str,
        "created_by": int, "created_at": str, "expires_at": str, "used_at": str, "used_by": int,
    }, pk="id", foreign_keys=[("org_id", "organisations", "id")],
        optional={"email", "created_by", "used_at", "used_by"})
    db["invitations"].create_index(["token_hash"], unique=True, if_not_exists=True)
    db["invitations"].create_index(["org_id"], if_not_exists=True)
    _create(db, "password_resets", {"token_hash": str, "user_id": int, "created_at": str,
                                    "expires_at": str, "used_at": str},
            pk="token_hash", foreign_keys=[("user_id", "users", "id")], optional={"used_at"})
    db["password_resets"].create_index(["user_id"], if_not_exists=True)


def _create(db: Database, name: str, columns: dict[str, type], *, pk: Any,
            foreign_keys: list | None = None, optional: set[str] = frozenset(),
            defaults: dict[str, Any] | None = None) -> None:
    not_null = {column for column in columns if column != pk and column not in optional}
    db[name].create(columns, pk=pk, not_null=not_null, foreign_keys=foreign_keys,
                    defaults=defaults, if_not_exists=True)


def _load(cls: type[Record], row: Mapping[str, Any]) -> Record:
    """A record from its row: the columns it has, times parsed."""
    values = {field.name: row[field.name] for field in dataclasses.fields(cls)}
    return cls(**{key: parse_iso(value) if key.endswith("_at") else value
                  for key, value in values.items()})


def _atomic(db: Database) -> ContextManager[Database]:
    """A write transaction of its own, or a savepoint inside the caller's."""
    return db.atomic() if db.conn.in_transaction else transaction(db)


# -- Users and passwords -----------------------------------------------------------------

def normalize_email(email: str) -> str:
    """The stored form of an address: no surrounding spaces, lower case."""
    return email.strip().lower()


def create_user(db: Database, email: str, name: str, password: str, *,
                now: dt.datetime | None = None) -> User:
    """Create an account and return it; :class:`EmailTaken` if the address is used."""
    row = {"email": normalize_email(email), "name": name.strip(),
           "password_hash": generate_password_hash(password), "created_at": iso(now),
           "session_generation": 0}
    try:
        with _atomic(db):
            user_id = db["users"].insert(row).last_pk
    except sqlite3.IntegrityError as error:
        raise EmailTaken(row["email"]) from error
    return _load(User, {**row, "id": user_id})


def get_user(db: Database, user_id: int) -> User | None:
    """The user with this id, if any."""
    return _first_user(db, "id = ?", [user_id])


def get_user_by_email(db: Database, email: str) -> User | None:
    """The user with this address (any case), if any."""
    return _first_user(db, "email = ?", [normalize_email(email)])


def authenticate(db: Database, email: str, password: str) -> User | None:
    """The user if ``password`` is theirs, else None.

    An unknown address costs as much time as a wrong password, so that the answer
    time does not tell which addresses have an account.
    """
    row = next(db["users"].rows_where("email = ?", [normalize_email(email)]), None)
    if row is None:
        check_password_hash(_decoy_hash(), password)
        return None
    return _load(User, row) if check_password_hash(row["password_hash"], password) else None


def change_password(db: Database, user_id: int, current: str, new: str) -> int | None:
    """Replace the user's password if ``current`` is theirs, ending their sessions; the
    new session generation, or None when ``current`` is wrong."""
    row = db.execute("SELECT password_hash FROM users WHERE id = ?", [user_id]).fetchone()
    if row is None or not check_password_hash(row[0], current):
        return None
    password_hash = generate_password_hash(new)
    with _atomic(db):
        db.execute("UPDATE users SET password_hash = ? WHERE id = ?", [password_hash, user_id])
        return end_sessions(db, user_id)


def end_sessions(db: Database, user_id: int) -> int:
    """End every session of ``user_id`` (see the module's docstring); the new generation,
    which a session signed from now on carries."""
    with _atomic(db):
        db.execute("UPDATE users SET session_generation = session_generation + 1 WHERE id = ?", [user_id])
        row = db.execute("SELECT session_generation FROM users WHERE id = ?", [user_id]).fetchone()
    return row[0] if row else 0


@functools.lru_cache(maxsize=1)
def _decoy_hash() -> str:
    return generate_password_hash(secrets.token_urlsafe(16))


def _first_user(db: Database, where: str, args: list) -> User | None:
    row = next(db["users"].rows_where(where, args, limit=1), None)
    return _load(User, row) if row else None


# -- Organisations -----------------------------------------------------------------------

def slugify(name: str) -> str:
    """A URL slug for ``name`` (:func:`builder.slugs.slugify`): ``Mission locale d'Évry``
    gives ``mission-locale-d-evry``, and a name with no letter ``organisation``."""
    return slugs.slugify(name, "organisation", _SLUG_MAX)


def create_organisation(db: Database, name: str, owner_id: int, *, time_zone: str | None = None,
                        now: dt.datetime | None = None) -> Organisation:
    """Create an organisation whose only member, ``owner_id``, is its owner.

    The slug comes from the name, with ``-2``, ``-3``... when it is already taken.
    """
    with _atomic(db):
        row = {"slug": _free_slug(db, slugify(name)), "name": name.strip(),
               "created_at": iso(now), "time_zone": time_zone}
        org_id = db["organisations"].insert(row).last_pk
        db["memberships"].insert({"org_id": org_id, "user_id": owner_id, "role": OWNER,
                                  "created_at": iso(now)})
    return _load(Organisation, {**row, "id": org_id})


def _free_slug(db: Database, base: str) -> str:
    slug, number = base, 1
    while db["organisations"].count_where("slug = ?", [slug]):
        number += 1
        slug = f"{base}-{number}"
    return slug


def set_time_zone(db: Database, org_id: int, time_zone: str | None) -> None:
    """The organisation's time zone (an IANA name), in which the studio shows times."""
    db["organisations"].update(org_id, {"time_zone": time_zone})


def get_organisation(db: Database, org_id: int) -> Organisation | None:
    """The organisation with this id, if any."""
    return _first_organisation(db, "id = ?", [org_id])


def get_organisation_by_slug(db: Database, slug: str) -> Organisation | None:
    """The organisation with this slug, if any."""
    return _first_organisation(db, "slug = ?", [slug])


def organisations_of(db: Database, user_id: int) -> list[tuple[Organisation, str]]:
    """The organisations ``user_id`` belongs to, by name, each with their role there."""
    rows = db.query(
        "SELECT o.*, m.role FROM organisations AS o JOIN memberships AS m ON m.org_id = o.id"
        " WHERE m.user_id = ? ORDER BY o.name COLLATE NOCASE, o.id", [user_id])
    return [(_load(Organisation, row), row["role"]) for row in rows]


def _first_organisation(db: Database, where: str, args: list) -> Organisation | None:
    row = next(db["organisations"].rows_where(where, args, limit=1), None)
    return _load(Organisation, row) if row else None


# -- Members and roles -------------------------------------------------------------------

def role_rank(role: str | None) -> int:
    """0 for a reader up to 2 for an owner; -1 for no role at all."""
    return ROLES.index(role) if role in ROLES else -1


def role_of(db: Database, user_id: int, org_id: int) -> str | None:
    """The role of ``user_id`` in ``org_id``, or None if they are not a member."""
    row = db.execute("SELECT role FROM memberships WHERE org_id = ? AND user_id = ?",
                     [org_id, user_id]).fetchone()
    return row[0] if row else None


def members(db: Database, org_id: int) -> list[Member]:
    """The members of ``org_id``: owners first, then editors, then readers, by name."""
    rows = db.query(
        "SELECT u.*, m.role FROM memberships AS m JOIN users AS u ON u.id = m.user_id"
        " WHERE m.org_id = ? ORDER BY CASE m.role WHEN 'owner' THEN 0 WHEN 'editor' THEN 1"
        " ELSE 2 END, u.name COLLATE NOCASE, u.id", [org_id])
    return [Member(user=_load(User, row), role=row["role"]) for row in rows]


def add_member(db: Database, org_id: int, user_id: int, role: str, *,
               now: dt.datetime | None = None) -> str:
    """Make ``user_id`` a member as ``role`` and return their role.

    A member keeps a higher role they already have: joining never demotes anyone.
    """
    _check_role(role)
    with _atomic(db):
        current = role_of(db, user_id, org_id)
        if current is None:
            db["memberships"].insert({"org_id": org_id, "user_id": user_id, "role": role,
                                      "created_at": iso(now)})
            return role
        if role_rank(role) > role_rank(current):
            db["memberships"].update((org_id, user_id), {"role": role})
            return role
    return current


def change_role(db: Database, org_id: int, user_id: int, role: str) -> bool:
    """Give member ``user_id`` the role ``role``; False if they are not a member.

    :class:`LastOwner` when that would demote the organisation's only owner.
    """
    _check_role(role)
    return _change_membership(db, org_id, user_id, role)


def remove_member(db: Database, org_id: int, user_id: int) -> bool:
    """Take ``user_id`` out of ``org_id``; False if they were not a member.

    :class:`LastOwner` when they are the organisation's only owner.
    """
    return _change_membership(db, org_id, user_id, None)


def _change_membership(db: Database, org_id: int, user_id: int, role: str | None) -> bool:
    with _atomic(db):
        current = role_of(db, user_id, org_id)
        if current is None:
            return False
        if current == OWNER and role != OWNER:
            _keep_an_owner(db, org_id)
        if role is None:
            db["memberships"].delete((org_id, user_id))
        else:
            db["memberships"].update((org_id, user_id), {"role": role})
    return True


def _keep_an_owner(db: Database, org_id: int) -> None:
    owners = db["memberships"].count_where("org_id = ? AND role = ?", [org_id, OWNER])
    if owners <= 1:
        raise LastOwner(f"organisation {org_id} would have no owner")


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise ValueError(f"unknown role: {role!r}")


# -- Invitations -------------------------------------------------------------------------

def create_invitation(db: Database, org_id: int, role: str, *, created_by: int | None,
                      email: str | None = None,
                      now: dt.datetime | None = None) -> tuple[str, Invitation]:
    """A new invitation to ``org_id`` as ``role``: its token (for the link) and itself."""
    _check_role(role)
    now = as_utc(now)
    token = secrets.token_urlsafe(32)
    row = {"token_hash": _digest(token), "org_id": org_id, "role": role,
           "email": normalize_email(email) if email else None, "created_by": created_by,
           "created_at": iso(now), "expires_at": iso(now + INVITATION_TTL),
           "used_at": None, "used_by": None}
    invitation_id = db["invitations"].insert(row).last_pk
    return token, _load(Invitation, {**row, "id": invitation_id})


def get_invitation(db: Database, token: str, *, now: dt.datetime | None = None
                   ) -> Invitation | None:
    """The invitation of this token if it can still be accepted (unused, not expired)."""
    row = next(db["invitations"].rows_where(
        "token_hash = ? AND used_at IS NULL AND expires_at > ?",
        [_digest(token), iso(now)]), None)
    return _load(Invitation, row) if row else None


def accept_invitation(db: Database, token: str, user_id: int, *,
                      now: dt.datetime | None = None) -> Invitation | None:
    """Make ``user_id`` a member as the invitation says, and use it up.

    None when the token is unknown, used or expired. An invitation works once.
    """
    with _atomic(db):
        invitation = get_invitation(db, token, now=now)
        if invitation is None:
            return None
        db["invitations"].update(invitation.id, {"used_at": iso(now), "used_by": user_id})
        add_member(db, invitation.org_id, user_id, invitation.role, now=now)
    return invitation


def pending_invitations(db: Database, org_id: int, *, now: dt.datetime | None = None
                        ) -> list[Invitation]:
    """The invitations to ``org_id`` that can still be accepted, newest first."""
    rows = db["invitations"].rows_where(
        "org_id = ? AND used_at IS NULL AND expires_at > ?", [org_id, iso(now)],
        order_by="id DESC")
    return [_load(Invitation, row) for row in rows]


def revoke_invitation(db: Database, org_id: int, invitation_id: int) -> bool:
    """Cancel an unused invitation of ``org_id``; False if there was none."""
    cursor = db.execute(
        "DELETE FROM invitations WHERE id = ? AND org_id = ? AND used_at IS NULL",
        [invitation_id, org_id])
    return cursor.rowcount > 0


# -- Password resets ---------------------------------------------------------------------

def create_password_reset(db: Database, user_id: int, *,
                          now: dt.datetime | None = None) -> str:
    """A new token letting ``user_id`` choose a password within :data:`RESET_TTL`."""
    now = as_utc(now)
    token = secrets.token_urlsafe(32)
    db["password_resets"].insert({
        "token_hash": _digest(token), "user_id": user_id, "created_at": iso(now),
        "expires_at": iso(now + RESET_TTL), "used_at": None})
    return token


def password_reset_user(db: Database, token: str, *, now: dt.datetime | None = None
                        ) -> User | None:
    """The user a reset token is for, if it is unused and not expired."""
    row = db.execute(
        "SELECT user_id FROM password_resets WHERE token_hash = ? AND used_at IS NULL"
        " AND expires_at > ?", [_digest(token), iso(now)]).fetchone()
    return get_user(db, row[0]) if row else None


def reset_password(db: Database, token: str, password: str, *,
                   now: dt.datetime | None = None) -> User | None:
    """Set a new password with a reset token; None if the token cannot be used.

    Every reset token of that user is used up, so that older mails stop working too,
    and every session of theirs ends.
    """
    password_hash = generate_password_hash(password)  # slow: outside the transaction
    with _atomic(db):
        user = password_reset_user(db, token, now=now)
        if user is None:
            return None
        db["users"].update(user.id, {"password_hash": password_hash})
        db.execute("UPDATE password_resets SET used_at = ? WHERE user_id = ?"
                   " AND used_at IS NULL", [iso(now), user.id])
        end_sessions(db, user.id)
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()

