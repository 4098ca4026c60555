"""Who filled in a submission for someone else: the ``submission_intermediaries`` table.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03

One row per submission filled in by an intermediary (« mode accompagnant »): their name
and structure, the person's name when given, the person's agreement, the studio account
(see :mod:`builder.storage.intermediaries`). Submissions sent before have none.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the table (a database that has it keeps it)."""
    if sa.inspect(op.get_bind()).has_table("submission_intermediaries"):
        return
    op.create_table(
        "submission_intermediaries",
        sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id"), primary_key=True),
        sa.Column("name", sa.Text, nullable=False), sa.Column("structure", sa.Text, nullable=False),
        sa.Column("person", sa.Text), sa.Column("agreement", sa.Text, nullable=False),
        sa.Column("user_id", sa.Integer))


def downgrade() -> None:
    """Not supported: restore a backup instead (tremplin backup)."""
    raise NotImplementedError("Tremplin's migrations go forward only")
