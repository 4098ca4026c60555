"""Accounts of the studio: users, organisations, members and their roles (the links
sent by mail, invitations and password resets, are :mod:`builder.storage.account_links`).

- A user signs in with an e-mail address, unique whatever its case (it is stored in
  lower case), and a password kept only as a Werkzeug hash (scrypt).
- An organisation (an association) has a slug for its URLs and members, each with one
  role of :data:`ROLES`, from the least to the most: a reader reads, a helper
  (« accompagnant ») also fills in requests for people (:mod:`builder.site.assisted`),
  an editor also changes the services, an owner also manages the members. An organisation always
  keeps at least one owner (:class:`LastOwner`).
- Sessions are signed cookies; each carries the account's *session generation* at
  sign-in. Ending an account's sessions (:func:`end_sessions`: signing out, « Se
  déconnecter partout », a new password) adds one to it, so that every cookie signed
  before no longer opens the studio, on every server sharing this database.

Functions that write several rows do it atomically, joining the caller's transaction
when there is one (a savepoint), so that a mail can be put in the outbox together.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import secrets
from typing import Any, Mapping, TypeVar

from sqlalchemy import (Column, ForeignKey, Index, Integer, PrimaryKeyConstraint, Table, Text, bindparam, case,
                        delete, exists, func, select, text, update)
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from builder import slugs
from builder.storage import iso, parse_iso
from builder.storage.database import Database, Prepared, atomic, metadata

READER, HELPER, EDITOR, OWNER = "reader", "helper", "editor", "owner"
ROLES = (READER, HELPER, EDITOR, OWNER)  # least to most: each role may do what those before it do
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


# -- Schema ------------------------------------------------------------------------------

users = Table(
    "users", metadata,
    Column("id", Integer, primary_key=True), Column("email", Text, nullable=False),
    Column("name", Text, nullable=False), Column("password_hash", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("session_generation", Integer, nullable=False, server_default=text("0")),
    Index("idx_users_email", "email", unique=True),
)
organisations = Table(
    "organisations", metadata,
    Column("id", Integer, primary_key=True), Column("slug", Text, nullable=False),
    Column("name", Text, nullable=False), Column("created_at", Text, nullable=False),
    Column("time_zone", Text),
    Index("idx_organisations_slug", "slug", unique=True),
)
memberships = Table(
    "memberships", metadata,
    Column("org_id", Integer, ForeignKey("organisations.id"), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("role", Text, nullable=False), Column("created_at", Text, nullable=False),
    PrimaryKeyConstraint("org_id", "user_id"),
    Index("idx_memberships_user_id", "user_id"),
)
_USER_COLUMNS = [users.c.id, users.c.email, users.c.name, users.c.created_at, users.c.session_generation]
# the user of every studio request (the session generation is checked against it)
_USER_BY_ID = Prepared(select(*_USER_COLUMNS).where(users.c.id == bindparam("id")))


def load_record(cls: type[Record], row: Mapping[str, Any]) -> Record:
    """A record from its row: the columns it has, times parsed."""
    values = {field.name: row[field.name] for field in dataclasses.fields(cls)}
    return cls(**{key: parse_iso(value) if key.endswith("_at") else value
                  for key, value in values.items()})


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
        with atomic(db):
            user_id = db.execute(users.insert(), row).inserted_primary_key[0]
    except IntegrityError as error:
        raise EmailTaken(row["email"]) from error
    return load_record(User, {**row, "id": user_id})


def get_user(db: Database, user_id: int) -> User | None:
    """The user with this id, if any (read on every studio request: a precompiled statement)."""
    row = _USER_BY_ID.first(db, id=user_id)
    return load_record(User, row) if row else None


def get_user_by_email(db: Database, email: str) -> User | None:
    """The user with this address (any case), if any."""
    return _first_user(db, users.c.email == normalize_email(email))


def authenticate(db: Database, email: str, password: str) -> User | None:
    """The user if ``password`` is theirs, else None.

    An unknown address costs as much time as a wrong password, so that the answer
    time does not tell which addresses have an account.
    """
    row = db.execute(select(users).where(users.c.email == normalize_email(email))).mappings().first()
    if row is None:
        check_password_hash(_decoy_hash(), password)
        return None
    return load_record(User, row) if check_password_hash(row["password_hash"], password) else None


def change_password(db: Database, user_id: int, current: str, new: str) -> int | None:
    """Replace the user's password if ``current`` is theirs, ending their sessions; the
    new session generation, or None when ``current`` is wrong."""
    row = db.execute(select(users.c.password_hash).where(users.c.id == user_id)).first()
    if row is None or not check_password_hash(row[0], current):
        return None
    password_hash = generate_password_hash(new)
    with atomic(db):
        db.execute(update(users).where(users.c.id == user_id).values(password_hash=password_hash))
        return end_sessions(db, user_id)


def end_sessions(db: Database, user_id: int) -> int:
    """End every session of ``user_id`` (see the module's docstring); the new generation,
    which a session signed from now on carries."""
    generation = db.execute(update(users).where(users.c.id == user_id)
                            .values(session_generation=users.c.session_generation + 1)
                            .returning(users.c.session_generation)).scalar()
    return generation or 0


@functools.lru_cache(maxsize=1)
def _decoy_hash() -> str:
    return generate_password_hash(secrets.token_urlsafe(16))


def _first_user(db: Database, where: Any) -> User | None:
    row = db.execute(select(*_USER_COLUMNS).where(where).limit(1)).mappings().first()
    return load_record(User, row) if row else None


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
    with atomic(db):
        row = {"slug": _free_slug(db, slugify(name)), "name": name.strip(),
               "created_at": iso(now), "time_zone": time_zone}
        org_id = db.execute(organisations.insert(), row).inserted_primary_key[0]
        db.execute(memberships.insert(), {"org_id": org_id, "user_id": owner_id, "role": OWNER,
                                          "created_at": iso(now)})
    return load_record(Organisation, {**row, "id": org_id})


def create_bare_organisation(db: Database, slug: str, *, name: str | None = None,
                             now: dt.datetime | None = None) -> Organisation:
    """An organisation with no member yet (``tremplin publish`` deploying for an
    organisation nobody created in the studio); ``name`` defaults to the slug."""
    if slugify(slug) != slug:
        raise ValueError(f"not a slug: {slug!r}")
    row = {"slug": slug, "name": name or slug, "created_at": iso(now), "time_zone": None}
    with atomic(db):
        org_id = db.execute(organisations.insert(), row).inserted_primary_key[0]
    return load_record(Organisation, {**row, "id": org_id})


def _free_slug(db: Database, base: str) -> str:
    slug, number = base, 1
    while db.execute(select(exists().where(organisations.c.slug == slug))).scalar():
        number += 1
        slug = f"{base}-{number}"
    return slug


def set_time_zone(db: Database, org_id: int, time_zone: str | None) -> None:
    """The organisation's time zone (an IANA name), in which the studio shows times."""
    db.execute(update(organisations).where(organisations.c.id == org_id).values(time_zone=time_zone))


def get_organisation(db: Database, org_id: int) -> Organisation | None:
    """The organisation with this id, if any."""
    return _first_organisation(db, organisations.c.id == org_id)


def get_organisation_by_slug(db: Database, slug: str) -> Organisation | None:
    """The organisation with this slug, if any."""
    return _first_organisation(db, organisations.c.slug == slug)


def organisations_of(db: Database, user_id: int) -> list[tuple[Organisation, str]]:
    """The organisations ``user_id`` belongs to, by name, each with their role there."""
    rows = db.execute(
        select(organisations, memberships.c.role).join(memberships, memberships.c.org_id == organisations.c.id)
        .where(memberships.c.user_id == user_id)
        .order_by(func.lower(organisations.c.name), organisations.c.id)).mappings()
    return [(load_record(Organisation, row), row["role"]) for row in rows]


def _first_organisation(db: Database, where: Any) -> Organisation | None:
    row = db.execute(select(organisations).where(where).limit(1)).mappings().first()
    return load_record(Organisation, row) if row else None


# -- Members and roles -------------------------------------------------------------------

def role_rank(role: str | None) -> int:
    """0 for a reader up to 3 for an owner; -1 for no role at all."""
    return ROLES.index(role) if role in ROLES else -1


def role_of(db: Database, user_id: int, org_id: int) -> str | None:
    """The role of ``user_id`` in ``org_id``, or None if they are not a member."""
    return db.execute(select(memberships.c.role).where(memberships.c.org_id == org_id,
                                                       memberships.c.user_id == user_id)).scalar()


def members(db: Database, org_id: int) -> list[Member]:
    """The members of ``org_id``, the highest roles first (owners, editors, helpers,
    readers), then by name."""
    rank = case({role: -index for index, role in enumerate(ROLES)}, value=memberships.c.role, else_=1)
    rows = db.execute(
        select(*_USER_COLUMNS, memberships.c.role).join(users, users.c.id == memberships.c.user_id)
        .where(memberships.c.org_id == org_id).order_by(rank, func.lower(users.c.name), users.c.id)).mappings()
    return [Member(user=load_record(User, row), role=row["role"]) for row in rows]


def add_member(db: Database, org_id: int, user_id: int, role: str, *,
               now: dt.datetime | None = None) -> str:
    """Make ``user_id`` a member as ``role`` and return their role.

    A member keeps a higher role they already have: joining never demotes anyone.
    """
    check_role(role)
    with atomic(db):
        current = role_of(db, user_id, org_id)
        if current is None:
            db.execute(memberships.insert(), {"org_id": org_id, "user_id": user_id, "role": role,
                                              "created_at": iso(now)})
            return role
        if role_rank(role) > role_rank(current):
            db.execute(_membership(update(memberships), org_id, user_id).values(role=role))
            return role
    return current


def change_role(db: Database, org_id: int, user_id: int, role: str) -> bool:
    """Give member ``user_id`` the role ``role``; False if they are not a member.

    :class:`LastOwner` when that would demote the organisation's only owner.
    """
    check_role(role)
    return _change_membership(db, org_id, user_id, role)


def remove_member(db: Database, org_id: int, user_id: int) -> bool:
    """Take ``user_id`` out of ``org_id``; False if they were not a member.

    :class:`LastOwner` when they are the organisation's only owner.
    """
    return _change_membership(db, org_id, user_id, None)


def _change_membership(db: Database, org_id: int, user_id: int, role: str | None) -> bool:
    with atomic(db):
        current = role_of(db, user_id, org_id)
        if current is None:
            return False
        if current == OWNER and role != OWNER:
            _keep_an_owner(db, org_id)
        if role is None:
            db.execute(_membership(delete(memberships), org_id, user_id))
        else:
            db.execute(_membership(update(memberships), org_id, user_id).values(role=role))
    return True


def _membership(statement: Any, org_id: int, user_id: int) -> Any:
    """``statement`` (an update or a delete) limited to one membership."""
    return statement.where(memberships.c.org_id == org_id, memberships.c.user_id == user_id)


def _keep_an_owner(db: Database, org_id: int) -> None:
    owners = db.execute(select(func.count()).select_from(memberships)
                        .where(memberships.c.org_id == org_id, memberships.c.role == OWNER)).scalar()
    if owners <= 1:
        raise LastOwner(f"organisation {org_id} would have no owner")


def check_role(role: str) -> None:
    """Refuse a role that is not one of :data:`ROLES`."""
    if role not in ROLES:
        raise ValueError(f"unknown role: {role!r}")
