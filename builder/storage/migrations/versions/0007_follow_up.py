"""Following a request: its status, handler, notes, the hash of the person's code, their corrections.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03

- on ``submissions``: ``status`` (« Reçue », ``received``, for every request already
  there), ``status_at`` (its sending time for those), ``status_message``, ``handler_id``,
  ``notes`` and ``follow_hash`` (none for those: they were sent without a follow-up code);
- the ``submission_revisions`` table (each correction a person makes to their answers).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

COLUMNS = [
    sa.Column("status", sa.Text, nullable=False, server_default="received"),
    sa.Column("status_at", sa.Text), sa.Column("status_message", sa.Text), sa.Column("handler_id", sa.Integer),
    sa.Column("notes", sa.Text), sa.Column("follow_hash", sa.Text),
]


def upgrade() -> None:
    """Add the columns (the requests already there are « Reçue » since they were sent) and the table."""
    inspector = sa.inspect(op.get_bind())
    present = {found["name"] for found in inspector.get_columns("submissions")}
    for column in COLUMNS:
        if column.name not in present:
            op.add_column("submissions", column)
    op.execute("UPDATE submissions SET status_at = created_at WHERE status_at IS NULL")
    if not inspector.has_table("submission_revisions"):
        op.create_table("submission_revisions", sa.Column("id", sa.Integer, primary_key=True),
                        sa.Column("submission_id", sa.Integer, nullable=False), sa.Column("at", sa.Text, nullable=False),
                        sa.Column("author", sa.Text, nullable=False), sa.Column("changes", sa.Text, nullable=False))
        op.create_index("idx_submission_revisions_submission_id", "submission_revisions", ["submission_id"])


def downgrade() -> None:
    """Not supported: restore a backup instead (tremplin backup)."""
    raise NotImplementedError("Tremplin's migrations go forward only")
