"""Sessions that can be ended, organisations' time zones, « Annuler » kept across reloads.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03

- ``users.session_generation`` (0 for every account: the sessions signed so far, which
  carry none, stay open);
- ``organisations.time_zone`` (none: the instance's time zone, as before);
- the ``undo_tokens`` table (each person's last « Annuler » per service).

A database made by a Tremplin of that time without migrations may have some of them
already (it added them itself): what exists is kept, with its records.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

COLUMNS = {
    "users": sa.Column("session_generation", sa.Integer, nullable=False, server_default=sa.text("0")),
    "organisations": sa.Column("time_zone", sa.Text),
}


def upgrade() -> None:
    """Add the two columns and the table, unless the database has them."""
    inspector = sa.inspect(op.get_bind())
    for table, column in COLUMNS.items():
        if column.name not in {found["name"] for found in inspector.get_columns(table)}:
            op.add_column(table, column)
    if not inspector.has_table("undo_tokens"):
        op.create_table("undo_tokens", sa.Column("service_id", sa.Text), sa.Column("user_id", sa.Integer),
                        sa.Column("token", sa.Text, nullable=False), sa.Column("created_at", sa.Text, nullable=False),
                        sa.PrimaryKeyConstraint("service_id", "user_id"))


def downgrade() -> None:
    """Not supported: restore a backup instead (tremplin backup)."""
    raise NotImplementedError("Tremplin's migrations go forward only")
