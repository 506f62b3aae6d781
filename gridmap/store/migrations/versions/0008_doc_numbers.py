"""Supervision orders (督办单) with their per-year document numbers (文号).

Revision ID: 0008_doc_numbers
Revises: 0007_outbox
Create Date: 2026-12-05

Adds the table ``supervision_orders``: one row per 督办单 issued, holding its year,
its sequence number within the year (unique together), the 文号 as printed, the grid
and community it is about, the issue date, the deadline, the number of failures it
lists and who issued it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from gridmap.store.types import UTCDateTime

revision = "0008_doc_numbers"
down_revision = "0007_outbox"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "supervision_orders",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False, comment="year of the document number"),
        sa.Column(
            "seq", sa.Integer(), nullable=False, comment="sequence within the year, from 1"
        ),
        sa.Column("number", sa.String(length=100), nullable=False, comment="文号 as printed"),
        sa.Column("grid", sa.String(length=32), nullable=False,
                  comment="grid code the order is about"),
        sa.Column("community", sa.String(length=32), nullable=True, comment="community code"),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False, comment="failures listed"),
        sa.Column("issued_by", sa.String(length=100), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_orders")),
        sa.UniqueConstraint("number", name=op.f("uq_supervision_orders_number")),
        sa.UniqueConstraint("year", "seq", name="uq_supervision_orders_year_seq"),
    )


def downgrade() -> None:
    op.drop_table("supervision_orders")
