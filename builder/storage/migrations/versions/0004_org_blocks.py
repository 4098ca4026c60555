"""An organisation's own reusable blocks.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03

- the ``org_blocks`` table: each organisation's blocks saved with « Enregistrer comme bloc
  réutilisable » (a name, a title for people, the YAML of the blocks).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the table, unless the database has it."""
    if not sa.inspect(op.get_bind()).has_table("org_blocks"):
        op.create_table("org_blocks", sa.Column("org_id", sa.Integer), sa.Column("name", sa.Text),
                        sa.Column("title", sa.Text, nullable=False), sa.Column("yaml", sa.Text, nullable=False),
                        sa.Column("created_at", sa.Text, nullable=False), sa.Column("created_by", sa.Integer),
                        sa.PrimaryKeyConstraint("org_id", "name"))


def downgrade() -> None:
    """Not supported: restore a backup instead (tremplin backup)."""
    raise NotImplementedError("Tremplin's migrations go forward only")
