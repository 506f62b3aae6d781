"""Notification outbox and its delivery attempts.

Revision ID: 0007_outbox
Revises: 0006_spatial_index
Create Date: 2026-12-10

Adds ``outbox`` (one row per message and channel, written in the transaction of
the event it tells about, sent later by the notification sender with retries,
backoff and a dead-letter state) and ``outbox_attempts`` (one row per delivery
attempt: when, whether it worked, the error). See :mod:`gridmap.notify`.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from gridmap.store.types import JSONType, UTCDateTime

revision = "0007_outbox"
down_revision = "0006_spatial_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False,
                  comment="dispatched, returned, warning, overdue, daily, supervision, test"),
        sa.Column("channel", sa.String(length=64), nullable=False,
                  comment="name of a channel of [notify.channels] in gridmap.toml"),
        sa.Column("recipient", sa.String(length=300), nullable=True,
                  comment="who it is meant for: worker:W001, office, ..."),
        sa.Column("payload", JSONType, nullable=False, comment="the message (already masked)"),
        sa.Column("status", sa.String(length=10), nullable=False,
                  comment="pending, sending, sent or dead"),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_at", UTCDateTime(), nullable=False, comment="due from then on"),
        sa.Column("lease_until", UTCDateTime(), nullable=True,
                  comment="a sender holds the row until then"),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("ref", sa.String(length=100), nullable=True,
                  comment="the event: issue_events id, issue id, order date ..."),
        sa.Column("dedupe", sa.String(length=200), nullable=True,
                  comment="one row per key: one warning per case, deadline and channel"),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint("status IN ('pending', 'sending', 'sent', 'dead')",
                           name=op.f("ck_outbox_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("dedupe", name=op.f("uq_outbox_dedupe")),
    )
    op.create_index(op.f("ix_outbox_channel"), "outbox", ["channel"])
    op.create_index(op.f("ix_outbox_status"), "outbox", ["status"])
    op.create_index(op.f("ix_outbox_next_at"), "outbox", ["next_at"])
    op.create_table(
        "outbox_attempts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("sender", sa.String(length=100), nullable=True,
                  comment="host:pid of the sender"),
        sa.ForeignKeyConstraint(["outbox_id"], ["outbox.id"], ondelete="CASCADE",
                                name=op.f("fk_outbox_attempts_outbox_id_outbox")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_attempts")),
    )
    op.create_index(op.f("ix_outbox_attempts_outbox_id"), "outbox_attempts", ["outbox_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_outbox_attempts_outbox_id"), table_name="outbox_attempts")
    op.drop_table("outbox_attempts")
    op.drop_index(op.f("ix_outbox_next_at"), table_name="outbox")
    op.drop_index(op.f("ix_outbox_status"), table_name="outbox")
    op.drop_index(op.f("ix_outbox_channel"), table_name="outbox")
    op.drop_table("outbox")
