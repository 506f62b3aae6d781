"""The 督办 loop: supervision orders as tracked objects (state, items, events, photos).

Revision ID: 0011_supervision_loop
Revises: 0010_field_roles
Create Date: 2026-12-05

Adds to ``supervision_orders`` the order's ``state`` (issued/rectifying/rectified/
failed_recheck/passed/done), where it came from (``origin``: checks or cases), a row
``version`` and when it last changed and was closed. New tables: ``supervision_items``
(one row per failure or case an order lists: rule, object id, weight, when a re-check
found it fixed), ``supervision_events`` (every state move: who, when, from, to, note,
the re-check's counts) and ``supervision_photos`` (the rectification photos).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from gridmap.store.types import JSONType, UTCDateTime

revision = "0011_supervision_loop"
down_revision = "0010_field_roles"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("supervision_orders") as batch:
        batch.add_column(
            sa.Column(
                "state",
                sa.String(length=20),
                nullable=False,
                server_default="issued",
                comment="issued, rectifying, rectified, failed_recheck, passed, done",
            )
        )
        batch.add_column(
            sa.Column(
                "origin",
                sa.String(length=10),
                nullable=False,
                server_default="checks",
                comment="checks or cases",
            )
        )
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("updated_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("closed_at", UTCDateTime(), nullable=True))
    op.create_index(
        op.f("ix_supervision_orders_state"), "supervision_orders", ["state"], unique=False
    )
    op.create_table(
        "supervision_items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False, comment="rule or case"),
        sa.Column(
            "rule_id",
            sa.String(length=64),
            nullable=True,
            comment="the rule that failed (kind rule)",
        ),
        sa.Column(
            "object_id",
            sa.String(length=64),
            nullable=False,
            comment="failing object id, or the case code",
        ),
        sa.Column("layer", sa.String(length=32), nullable=True),
        sa.Column("grid", sa.String(length=32), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("weight", sa.Float(), nullable=False, server_default="1"),
        sa.Column(
            "resolved_at", UTCDateTime(), nullable=True, comment="when a re-check found it fixed"
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["supervision_orders.id"],
            name=op.f("fk_supervision_items_order_id_supervision_orders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_items")),
    )
    op.create_index(
        op.f("ix_supervision_items_order_id"), "supervision_items", ["order_id"], unique=False
    )
    op.create_table(
        "supervision_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("user", sa.String(length=100), nullable=True),
        sa.Column("from_state", sa.String(length=20), nullable=True),
        sa.Column("to_state", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("details", JSONType, nullable=True, comment="re-check counts"),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["supervision_orders.id"],
            name=op.f("fk_supervision_events_order_id_supervision_orders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_events")),
    )
    op.create_index(
        op.f("ix_supervision_events_order_id"), "supervision_events", ["order_id"], unique=False
    )
    op.create_table(
        "supervision_photos",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("jpeg", sa.LargeBinary(), nullable=False, comment="re-encoded, EXIF removed"),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["supervision_orders.id"],
            name=op.f("fk_supervision_photos_order_id_supervision_orders"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["supervision_events.id"],
            name=op.f("fk_supervision_photos_event_id_supervision_events"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_photos")),
    )
    op.create_index(
        op.f("ix_supervision_photos_order_id"), "supervision_photos", ["order_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_supervision_photos_order_id"), table_name="supervision_photos")
    op.drop_table("supervision_photos")
    op.drop_index(op.f("ix_supervision_events_order_id"), table_name="supervision_events")
    op.drop_table("supervision_events")
    op.drop_index(op.f("ix_supervision_items_order_id"), table_name="supervision_items")
    op.drop_table("supervision_items")
    op.drop_index(op.f("ix_supervision_orders_state"), table_name="supervision_orders")
    with op.batch_alter_table("supervision_orders") as batch:
        batch.drop_column("closed_at")
        batch.drop_column("updated_at")
        batch.drop_column("version")
        batch.drop_column("origin")
        batch.drop_column("state")
