"""The studio's working copies of services: the draft each organisation edits.

One row per service: its YAML text, the organisation it belongs to, and a revision
number that grows with every save. A save names the revision it started from; if
someone else saved in between, it is refused (:class:`Conflict`) instead of silently
overwriting their work. Publishing copies the text into ``published_services``.

Each person's last « Annuler » (the signed token of their last delete) is kept per
service in ``undo_tokens``, so that it survives a reload; their next edit replaces it.

An organisation's own reusable blocks (« Enregistrer comme bloc réutilisable ») are in
``org_blocks``: a name for people and the YAML of the blocks, copied into a step when
chosen in the palette (so that a service file never depends on them).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Mapping

from sqlalchemy import Column, Index, Integer, PrimaryKeyConstraint, Table, Text, delete, exists, select, update

from builder.storage import iso, parse_iso
from builder.storage.database import Database, atomic, metadata
from builder.storage.services import published_services
from builder.storage.upsert import insert_or_replace


class IdTaken(Exception):
    """Another service already has this id (ids are global: they are in the mini-site's URL)."""


class Conflict(Exception):
    """Someone saved the service after the revision this save started from."""

    def __init__(self, current: "WorkingCopy"):
        super().__init__(current.service_id)
        self.current = current


@dataclass(frozen=True)
class WorkingCopy:
    """A service as the studio edits it."""

    service_id: str
    org_id: int
    yaml: str
    revision: int
    created_at: dt.datetime
    updated_at: dt.datetime
    updated_by: int | None = None
    archived_at: dt.datetime | None = None


working_copies = Table(
    "working_copies", metadata,
    Column("service_id", Text, primary_key=True), Column("org_id", Integer, nullable=False),
    Column("yaml", Text, nullable=False), Column("revision", Integer, nullable=False),
    Column("created_at", Text), Column("updated_at", Text), Column("updated_by", Integer),
    Column("archived_at", Text),
    Index("idx_working_copies_org_id", "org_id"),
)
_table = working_copies
undo_tokens = Table(
    "undo_tokens", metadata,
    Column("service_id", Text), Column("user_id", Integer),
    Column("token", Text, nullable=False), Column("created_at", Text, nullable=False),
    PrimaryKeyConstraint("service_id", "user_id"),
)
org_blocks_table = Table(
    "org_blocks", metadata,
    Column("org_id", Integer), Column("name", Text),
    Column("title", Text, nullable=False), Column("yaml", Text, nullable=False),
    Column("created_at", Text, nullable=False), Column("created_by", Integer),
    PrimaryKeyConstraint("org_id", "name"),
)


def _to_copy(row: Mapping[str, Any]) -> WorkingCopy:
    return WorkingCopy(row["service_id"], row["org_id"], row["yaml"], row["revision"],
                       parse_iso(row["created_at"]), parse_iso(row["updated_at"]), row["updated_by"],
                       parse_iso(row["archived_at"]) if row["archived_at"] else None)


def get(db: Database, service_id: str) -> WorkingCopy | None:
    """The working copy of ``service_id``, or None."""
    row = db.execute(select(_table).where(_table.c.service_id == service_id)).mappings().first()
    return _to_copy(row) if row else None


def for_org(db: Database, org_id: int, *, archived: bool = False) -> list[WorkingCopy]:
    """The organisation's services, most recently changed first."""
    condition = _table.c.archived_at.is_not(None) if archived else _table.c.archived_at.is_(None)
    rows = db.execute(select(_table).where(_table.c.org_id == org_id, condition)
                      .order_by(_table.c.updated_at.desc())).mappings()
    return [_to_copy(row) for row in rows]


def id_taken(db: Database, service_id: str) -> bool:
    """Whether a working copy or a published service already uses ``service_id``."""
    if get(db, service_id) is not None:
        return True
    return db.execute(select(exists().where(published_services.c.service_id == service_id))).scalar()


def free_id(db: Database, base: str) -> str:
    """``base``, or ``base-2``, ``base-3``… whichever is free."""
    base = re.sub(r"-\d+$", "", base) if id_taken(db, base) else base
    candidate, number = base, 1
    while id_taken(db, candidate):
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def create(db: Database, org_id: int, service_id: str, yaml_text: str, *, user_id: int | None = None,
           now: dt.datetime | None = None, claim_published: bool = False) -> WorkingCopy:
    """A new working copy at revision 1 (raises IdTaken).

    ``claim_published``: a service published without a working copy (by ``tremplin run``'s
    examples) may get one (``tremplin publish`` deploying it for an organisation).
    """
    stamp = iso(now)
    row = {"service_id": service_id, "org_id": org_id, "yaml": yaml_text, "revision": 1, "created_at": stamp,
           "updated_at": stamp, "updated_by": user_id, "archived_at": None}
    with atomic(db):
        if get(db, service_id) is not None or (id_taken(db, service_id) and not claim_published):
            raise IdTaken(service_id)
        db.execute(_table.insert(), row)
    return _to_copy(row)


def save(db: Database, service_id: str, yaml_text: str, expected_revision: int, *,
         user_id: int | None = None, now: dt.datetime | None = None) -> WorkingCopy:
    """Store a new text if nobody saved since ``expected_revision``; else raise Conflict."""
    with atomic(db):
        cursor = db.execute(
            update(_table).where(_table.c.service_id == service_id, _table.c.revision == expected_revision)
            .values(yaml=yaml_text, revision=_table.c.revision + 1, updated_at=iso(now), updated_by=user_id))
        current = get(db, service_id)
    if cursor.rowcount != 1:
        if current is None:
            raise KeyError(service_id)
        raise Conflict(current)
    return current


def set_archived(db: Database, service_id: str, archived: bool, *, now: dt.datetime | None = None) -> None:
    """Archive a service (hidden from the list, nothing deleted) or bring it back."""
    db.execute(update(_table).where(_table.c.service_id == service_id)
               .values(archived_at=iso(now) if archived else None))


def keep_undo(db: Database, service_id: str, user_id: int, token: str, *, now: dt.datetime | None = None) -> None:
    """Keep ``token`` as the person's last « Annuler » on the service (replacing any other)."""
    insert_or_replace(db, undo_tokens, {"service_id": service_id, "user_id": user_id, "token": token,
                                        "created_at": iso(now)})


def kept_undo(db: Database, service_id: str, user_id: int) -> str | None:
    """The person's last « Annuler » on the service, if they have one."""
    return db.execute(select(undo_tokens.c.token).where(_undo_of(service_id, user_id))).scalar()


def forget_undo(db: Database, service_id: str, user_id: int) -> None:
    """Forget the person's last « Annuler » on the service (they did something else since)."""
    db.execute(delete(undo_tokens).where(_undo_of(service_id, user_id)))


def _undo_of(service_id: str, user_id: int) -> Any:
    return (undo_tokens.c.service_id == service_id) & (undo_tokens.c.user_id == user_id)



_ORG_BLOCK_COLUMNS = (org_blocks_table.c.org_id, org_blocks_table.c.name, org_blocks_table.c.title,
                      org_blocks_table.c.yaml)


@dataclass(frozen=True)
class OrgBlock:
    """One of an organisation's own reusable blocks: its name, its title for people, the
    YAML of its blocks."""

    org_id: int
    name: str
    title: str
    yaml: str


def save_org_block(db: Database, org_id: int, name: str, title: str, yaml_text: str, *,
                   user_id: int | None = None, now: dt.datetime | None = None) -> OrgBlock:
    """Keep (or replace) the organisation's reusable block ``name``."""
    insert_or_replace(db, org_blocks_table, {"org_id": org_id, "name": name, "title": title, "yaml": yaml_text,
                                             "created_at": iso(now), "created_by": user_id})
    return OrgBlock(org_id, name, title, yaml_text)


def org_blocks(db: Database, org_id: int) -> list[OrgBlock]:
    """The organisation's reusable blocks, by title."""
    rows = db.execute(select(*_ORG_BLOCK_COLUMNS).where(org_blocks_table.c.org_id == org_id)
                      .order_by(org_blocks_table.c.title, org_blocks_table.c.name)).fetchall()
    return [OrgBlock(*row) for row in rows]


def get_org_block(db: Database, org_id: int, name: str) -> OrgBlock | None:
    """One of the organisation's reusable blocks, or None."""
    row = db.execute(select(*_ORG_BLOCK_COLUMNS).where(_org_block(org_id, name))).fetchone()
    return OrgBlock(*row) if row else None


def delete_org_block(db: Database, org_id: int, name: str) -> None:
    """Forget one of the organisation's reusable blocks (services that used it keep their copy)."""
    db.execute(delete(org_blocks_table).where(_org_block(org_id, name)))


def _org_block(org_id: int, name: str) -> Any:
    return (org_blocks_table.c.org_id == org_id) & (org_blocks_table.c.name == name)
