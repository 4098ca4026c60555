"""« Donnez votre avis »: the ``feedback`` table (the ratings and comments people leave).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03

Each opinion is kept alone: the service, the rating (1 to 5), the comment and the day.
A database made by a Tremplin of the paper branch, before migrations, has the table
already (it created it itself): it is kept as it is, with its records.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the table and its index, unless the database has them (with their records)."""
    if sa.inspect(op.get_bind()).has_table("feedback"):
        return
    op.create_table("feedback", sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("service_id", sa.Text, nullable=False),
                    sa.Column("rating", sa.Integer, nullable=False), sa.Column("comment", sa.Text),
                    sa.Column("day", sa.Text, nullable=False))
    op.create_index("idx_feedback_service_id_day", "feedback", ["service_id", "day"])


def downgrade() -> None:
    """Not supported: restore a backup instead (tremplin backup)."""
    raise NotImplementedError("Tremplin's migrations go forward only")
