"""Baseline: the schema as Tremplin made it before migrations (commit 96fd7c9).

Revision ID: 0001
Revises:
Create Date: 2026-12-03

A database made by that Tremplin already has these tables (without the
``alembic_version`` one): each table that exists is kept as it is, with its records,
and only the missing ones are created. A database made before
``submissions.duration_seconds`` existed gets the column.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _text(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.Text, nullable=nullable)


def _int(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.Integer, nullable=nullable)


def _pk() -> sa.Column:
    return sa.Column("id", sa.Integer, primary_key=True)


TABLES = {
    "published_services": ([_text("service_id"), _int("version"), _text("yaml", False), _text("published_at", False),
                            _text("withdrawn_at"), sa.PrimaryKeyConstraint("service_id", "version")], []),
    "drafts": ([sa.Column("code", sa.Text, primary_key=True), _text("service_id", False), _text("answers", False),
                _text("step_id"), _text("created_at", False), _text("updated_at", False),
                _text("expires_at", False)],
               [("idx_drafts_expires_at", ["expires_at"], False)]),
    "submissions": ([_pk(), _text("reference", False), _text("idempotency_key", False), _text("service_id", False),
                     _int("service_version"), _text("answers", False), _text("outcomes"), _text("lang"),
                     _text("created_at", False), _int("duration_seconds")],
                    [("idx_submissions_reference", ["reference"], True),
                     ("idx_submissions_idempotency_key", ["idempotency_key"], True),
                     ("idx_submissions_service_id_created_at", ["service_id", "created_at"], False)]),
    "events": ([_pk(), _text("service_id", False), _text("step_id"), _text("kind", False),
                _text("journey_id", False), _text("at", False)],
               [("idx_events_service_id_step_id_kind", ["service_id", "step_id", "kind"], False),
                ("idx_events_journey_id", ["journey_id"], False)]),
    "outbox": ([_pk(), _int("submission_id"), _text("sender", False), _text("recipients", False), _text("subject"),
                sa.Column("message", sa.LargeBinary),
                sa.Column("status", sa.Text, nullable=False, server_default=sa.text("'pending'")),
                sa.Column("attempts", sa.Integer, nullable=False, server_default=sa.text("0")),
                _text("created_at", False), _text("next_attempt_at", False), _text("sent_at"), _text("last_error")],
               [("idx_outbox_status_next_attempt_at", ["status", "next_attempt_at"], False),
                ("idx_outbox_submission_id", ["submission_id"], False)]),
    "rate_hits": ([_text("key", False), _text("at", False)],
                  [("idx_rate_hits_key_at", ["key", "at"], False), ("idx_rate_hits_at", ["at"], False)]),
    "users": ([_pk(), _text("email", False), _text("name", False), _text("password_hash", False),
               _text("created_at", False)],
              [("idx_users_email", ["email"], True)]),
    "organisations": ([_pk(), _text("slug", False), _text("name", False), _text("created_at", False)],
                      [("idx_organisations_slug", ["slug"], True)]),
    "memberships": ([sa.Column("org_id", sa.Integer, sa.ForeignKey("organisations.id"), nullable=False),
                     sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
                     _text("role", False), _text("created_at", False), sa.PrimaryKeyConstraint("org_id", "user_id")],
                    [("idx_memberships_user_id", ["user_id"], False)]),
    "invitations": ([_pk(), _text("token_hash", False),
                     sa.Column("org_id", sa.Integer, sa.ForeignKey("organisations.id"), nullable=False),
                     _text("role", False), _text("email"), _int("created_by"), _text("created_at", False),
                     _text("expires_at", False), _text("used_at"), _int("used_by")],
                    [("idx_invitations_token_hash", ["token_hash"], True),
                     ("idx_invitations_org_id", ["org_id"], False)]),
    "password_resets": ([sa.Column("token_hash", sa.Text, primary_key=True),
                         sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
                         _text("created_at", False), _text("expires_at", False), _text("used_at")],
                        [("idx_password_resets_user_id", ["user_id"], False)]),
    "working_copies": ([sa.Column("service_id", sa.Text, primary_key=True), _int("org_id", False),
                        _text("yaml", False), _int("revision", False), _text("created_at"), _text("updated_at"),
                        _int("updated_by"), _text("archived_at")],
                       [("idx_working_copies_org_id", ["org_id"], False)]),
    "meta": ([sa.Column("key", sa.Text, primary_key=True), _text("value")], []),
}


def upgrade() -> None:
    """Create the tables a database lacks; keep those it has, and their records."""
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    for name, (columns, indexes) in TABLES.items():
        if name not in existing:
            op.create_table(name, *columns)
        for index_name, index_columns, unique in indexes:
            op.create_index(index_name, name, index_columns, unique=unique, if_not_exists=True)
    if "submissions" in existing:
        columns = {column["name"] for column in sa.inspect(op.get_bind()).get_columns("submissions")}
        if "duration_seconds" not in columns:  # a database made before it existed
            op.add_column("submissions", sa.Column("duration_seconds", sa.Integer))


def downgrade() -> None:
    """Not supported: restore a backup instead (tremplin backup)."""
    raise NotImplementedError("Tremplin's migrations go forward only")
