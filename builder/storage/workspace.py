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

from sqlite_utils import Database

from builder.storage import iso, parse_iso
from builder.storage.database import transaction


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


def create_tables(db: Database) -> None:
    """Create the table when it is missing (safe to run again)."""
    db["working_copies"].create(
        {"service_id": str, "org_id": int, "yaml": str, "revision": int, "created_at": str,
         "updated_at": str, "updated_by": int, "archived_at": str},
        pk="service_id", not_null={"org_id", "yaml", "revision"}, if_not_exists=True)
    db["working_copies"].create_index(["org_id"], if_not_exists=True)
    db["undo_tokens"].create({"service_id": str, "user_id": int, "token": str, "created_at": str},
                             pk=("service_id", "user_id"), not_null={"token", "created_at"}, if_not_exists=True)
    db["org_blocks"].create({"org_id": int, "name": str, "title": str, "yaml": str, "created_at": str,
                             "created_by": int},
                            pk=("org_id", "name"), not_null={"title", "yaml", "created_at"}, if_not_exists=True)


def _to_copy(row: Mapping[str, Any]) -> WorkingCopy:
    return WorkingCopy(row["service_id"], row["org_id"], row["yaml"], row["revision"],
                       parse_iso(row["created_at"]), parse_iso(row["updated_at"]), row["updated_by"],
                       parse_iso(row["archived_at"]) if row["archived_at"] else None)


def get(db: Database, service_id: str) -> WorkingCopy | None:
    """The working copy of ``service_id``, or None."""
    row = next(db["working_copies"].rows_where("service_id = ?", [service_id]), None)
    return _to_copy(row) if row else None


def for_org(db: Database, org_id: int, *, archived: bool = False) -> list[WorkingCopy]:
    """The organisation's services, most recently changed first."""
    condition = "org_id = ? AND archived_at IS " + ("NOT NULL" if archived else "NULL")
    return [_to_copy(row) for row in db["working_copies"].rows_where(condition, [org_id],
                                                                      order_by="updated_at DESC")]


def id_taken(db: Database, service_id: str) -> bool:
    """Whether a working copy or a published service already uses ``service_id``."""
    if get(db, service_id) is not None:
        return True
    return db.execute("SELECT 1 FROM published_services WHERE service_id = ? LIMIT 1",
                      [service_id]).fetchone() is not None


def free_id(db: Database, base: str) -> str:
    """``base``, or ``base-2``, ``base-3``… whichever is free."""
    base = re.sub(r"-\d+$", "", base) if id_taken(db, base) else base
    candidate, number = base, 1
    while id_taken(db, candidate):
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def create(db: Database, org_id: int, service_id: str, yaml_text: str, *, user_id: int | None = None,
           now: dt.datetime | None = None) -> WorkingCopy:
    """A new working copy at revision 1 (raises IdTaken)."""
    stamp = iso(now)
    row = {"service_id": service_id, "org_id": org_id, "yaml": yaml_text, "revision": 1, "created_at": stamp,
           "updated_at": stamp, "updated_by": user_id, "archived_at": None}
    with transaction(db):
        if id_taken(db, service_id):
            raise IdTaken(service_id)
        db["working_copies"].insert(row)
    return _to_copy(row)


def save(db: Database, service_id: str, yaml_text: str, expected_revision: int, *,
         user_id: int | None = None, now: dt.datetime | None = None) -> WorkingCopy:
    """Store a new text if nobody saved since ``expected_revision``; else raise Conflict."""
    with transaction(db):
        cursor = db.execute(
            "UPDATE working_copies SET yaml = ?, revision = revision + 1, updated_at = ?, updated_by = ?"
            " WHERE service_id = ? AND revision = ?",
            [yaml_text, iso(now), user_id, service_id, expected_revision])
        current = get(db, service_id)
    if cursor.rowcount != 1:
        if current is None:
            raise KeyError(service_id)
        raise Conflict(current)
    return current


def set_archived(db: Database, service_id: str, archived: bool, *, now: dt.datetime | None = None) -> None:
    """Archive a service (hidden from the list, nothing deleted) or bring it back."""
    db["working_copies"].update(service_id, {"archived_at": iso(now) if archived else None})


def keep_undo(db: Database, service_id: str, user_id: int, token: str, *, now: dt.datetime | None = None) -> None:
    """Keep ``token`` as the person's last « Annuler » on the service (replacing any other)."""
    db.execute("INSERT OR REPLACE INTO undo_tokens (service_id, user_id, token, created_at) VALUES (?, ?, ?, ?)",
               [service_id, user_id, token, iso(now)])


def kept_undo(db: Database, service_id: str, user_id: int) -> str | None:
    """The person's last « Annuler » on the service, if they have one."""
    row = db.execute("SELECT token FROM undo_tokens WHERE service_id = ? AND user_id = ?",
                     [service_id, user_id]).fetchone()
    return row[0] if row else None


def forget_undo(db: Database, service_id: str, user_id: int) -> None:
    """Forget the person's last « Annuler » on the service (they did something else since)."""
    db.execute("DELETE FROM undo_tokens WHERE service_id = ? AND user_id = ?", [service_id, user_id])


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
    db.execute("INSERT OR REPLACE INTO org_blocks (org_id, name, title, yaml, created_at, created_by) "
               "VALUES (?, ?, ?, ?, ?, ?)", [org_id, name, title, yaml_text, iso(now), user_id])
    return OrgBlock(org_id, name, title, yaml_text)


def org_blocks(db: Database, org_id: int) -> list[OrgBlock]:
    """The organisation's reusable blocks, by title."""
    rows = db.execute("SELECT org_id, name, title, yaml FROM org_blocks WHERE org_id = ? ORDER BY title, name",
                      [org_id]).fetchall()
    return [OrgBlock(*row) for row in rows]


def get_org_block(db: Database, org_id: int, name: str) -> OrgBlock | None:
    """One of the organisation's reusable blocks, or None."""
    row = db.execute("SELECT org_id, name, title, yaml FROM org_blocks WHERE org_id = ? AND name = ?",
                     [org_id, name]).fetchone()
    return OrgBlock(*row) if row else None


def delete_org_block(db: Database, org_id: int, name: str) -> None:
    """Forget one of the organisation's reusable blocks (services that used it keep their copy)."""
    db.execute("DELETE FROM org_blocks WHERE org_id = ? AND name = ?", [org_id, name])
