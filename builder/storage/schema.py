"""The schema: every table, each created by the storage module that owns it."""

from __future__ import annotations

from types import ModuleType

from sqlite_utils import Database

from builder.storage import (
    accounts,
    drafts,
    events,
    feedback,
    outbox,
    ratelimit,
    services,
    submissions,
    turns,
    workspace,
)
from builder.storage.database import transaction


def storage_modules() -> list[ModuleType]:
    """The modules that own tables, each creating its own with ``create_tables(db)``."""
    return [services, drafts, submissions, events, feedback, outbox, ratelimit, accounts, workspace, turns]


def init_db(db: Database) -> None:
    """Create every table and index that does not exist yet (safe to run again)."""
    with transaction(db):
        for module in storage_modules():
            module.create_tables(db)
