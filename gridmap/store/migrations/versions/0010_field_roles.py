"""Field roles: worker accounts, report drafts and submit tokens.

Revision ID: 0010_field_roles
Revises: 0009_counters
Create Date: 2026-12-05

Adds ``users.worker_code`` (the worker record a ``worker`` user is), the
table ``report_drafts`` (one report form kept server-side per user, so a reload
or a trip to the camera keeps it) and ``issue_reports.client_token`` with a
unique index (a repeated submit of one form returns the first report).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from gridmap.store.types import JSONType, UTCDateTime

revision = "0010_field_roles"
down_revision = "0009_counters"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "users",
        sa.Column("worker_code", sa.String(length=32), nullable=True,
                  comment="role worker: the code of the worker record"),
    )
    op.add_column(
        "issue_reports",
        sa.Column("client_token", sa.String(length=64), nullable=True,
                  comment="the submitting form's token: "
                  "a repeated submit returns the first report"),
    )
    op.create_index(op.f("ix_issue_reports_client_token"), "issue_reports", ["client_token"],
                    unique=True)
    op.create_table(
        "report_drafts",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("data", JSONType, nullable=False,
                  comment="the report form: category, position, text, submit token"),
        sa.Column("photo", sa.LargeBinary(), nullable=True,
                  comment="the photo taken, re-encoded without EXIF"),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_report_drafts_user_id_users")),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_report_drafts")),
    )


def downgrade() -> None:
    op.drop_table("report_drafts")
    op.drop_index(op.f("ix_issue_reports_client_token"), table_name="issue_reports")
    with op.batch_alter_table("issue_reports") as batch:
        batch.drop_column("client_token")
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":  # the rebuilt table lost its spatial-index triggers
        from gridmap.store import spatial

        spatial.install_sqlite(bind, ["issue_reports"])
    with op.batch_alter_table("users") as batch:
        batch.drop_column("worker_code")
