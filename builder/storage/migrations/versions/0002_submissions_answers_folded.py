"""Submissions keep their answers folded (no case, no accents) for the studio's search.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03

The search used to fold the answers in SQL with a Python function that SQLite called
row by row (and json_each, which PostgreSQL spells otherwise): the folded text is now
written once, with the submission, and searched with LIKE on both engines. The
submissions already stored get theirs here, a thousand at a time.
"""

from __future__ import annotations

import json
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

BATCH = 1000


def _fold(text: object) -> str:
    """As builder.storage.submissions.fold at this revision (kept here: a migration never changes)."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def _folded(answers_json: str) -> str:
    values = []
    for value in json.loads(answers_json).values():
        for item in value if isinstance(value, list) else [value]:
            if item is not None and not isinstance(item, bool):
                values.append(_fold(item))
    return "\n".join(values)


def upgrade() -> None:
    """Add ``submissions.answers_folded`` and fill it for every submission already stored."""
    op.add_column("submissions", sa.Column("answers_folded", sa.Text))
    table = sa.table("submissions", sa.column("id", sa.Integer), sa.column("answers", sa.Text),
                     sa.column("answers_folded", sa.Text))
    bind = op.get_bind()
    last = 0
    while True:
        rows = bind.execute(sa.select(table.c.id, table.c.answers).where(table.c.id > last)
                            .order_by(table.c.id).limit(BATCH)).all()
        if not rows:
            return
        bind.execute(table.update().where(table.c.id == sa.bindparam("row_id"))
                     .values(answers_folded=sa.bindparam("folded")),
                     [{"row_id": row.id, "folded": _folded(row.answers)} for row in rows])
        last = rows[-1].id


def downgrade() -> None:
    """Not supported: restore a backup instead (tremplin backup)."""
    raise NotImplementedError("Tremplin's migrations go forward only")
