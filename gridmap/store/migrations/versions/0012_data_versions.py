"""Data versions: one counter per table (point records: per kind), bumped by data writes.

Revision ID: 0012_data_versions
Revises: 0011_supervision_loop
Create Date: 2026-12-12

Adds ``data_versions(name, version)``. Every commit that inserted, changed or
deleted rows of a data table adds one to that table's counter in the same
transaction (see :mod:`gridmap.store.versions`); logins, sessions, API token use
and exports, which write only accounts and audit rows, change no counter. Caches
of what a page shows are keyed by the counters of the layers they hold, so a
write invalidates only what it changed. The rows are created on first use
(a missing row is version 0).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_data_versions"
down_revision = "0011_supervision_loop"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "data_versions",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_data_versions")),
    )


def downgrade() -> None:
    op.drop_table("data_versions")
