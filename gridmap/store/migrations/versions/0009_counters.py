"""Counters of generated codes (issue reports, points, workers).

Revision ID: 0009_counters
Revises: 0008_doc_numbers
Create Date: 2026-12-05

Adds ``code_counters(prefix, value)``: the last number given out per code prefix
(``AJ20261205``, ``B``, ``W`` ...), advanced in the writing transaction so that
concurrent writers never generate the same code (see
:mod:`gridmap.store.counters`). The rows are created on first use, starting after
the largest number already stored with the prefix.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_counters"
down_revision = "0008_doc_numbers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "code_counters",
        sa.Column("prefix", sa.String(length=40), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("prefix", name=op.f("pk_code_counters")),
    )


def downgrade() -> None:
    op.drop_table("code_counters")
