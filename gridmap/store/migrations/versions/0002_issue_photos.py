"""Issue photos (before/after/report JPEGs) and issue routing details.

Revision ID: 0002_issue_photos
Revises: 0001
Create Date: 2026-11-23

Adds the table ``issue_photos`` (EXIF-free JPEGs attached to a report or to
one of its lifecycle events) and two columns of ``issue_reports``:
``duplicate_of`` (the report a merged duplicate points to) and ``attrs``
(routing details: distance to the grid boundary, boundary flag, linked
reports, the dispatched worker).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from gridmap.store.types import JSONType, UTCDateTime

revision = "0002_issue_photos"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "issue_photos",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=False, comment="report, before or after"),
        sa.Column("jpeg", sa.LargeBinary(), nullable=False, comment="re-encoded, EXIF removed"),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('report', 'before', 'after')", name=op.f("ck_issue_photos_kind")
        ),
        sa.ForeignKeyConstraint(
            ["issue_id"], ["issue_reports.id"], name=op.f("fk_issue_photos_issue_id_issue_reports")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["issue_events.id"], name=op.f("fk_issue_photos_event_id_issue_events")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issue_photos")),
    )
    op.create_index(op.f("ix_issue_photos_issue_id"), "issue_photos", ["issue_id"], unique=False)
    with op.batch_alter_table("issue_reports") as batch:
        batch.add_column(
            sa.Column(
                "duplicate_of",
                sa.Integer(),
                nullable=True,
                comment="id of the report a merged duplicate points to",
            )
        )
        batch.add_column(
            sa.Column(
                "attrs",
                JSONType,
                nullable=True,
                comment="routing details: boundary distance, flags, links",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("issue_reports") as batch:
        batch.drop_column("attrs")
        batch.drop_column("duplicate_of")
    op.drop_index(op.f("ix_issue_photos_issue_id"), table_name="issue_photos")
    op.drop_table("issue_photos")
