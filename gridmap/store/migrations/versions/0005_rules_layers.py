"""Layers of the issue-19 rules: service centres, hoardings, road owners.

Revision ID: 0005_rules_layers
Revises: 0004_api_tokens
Create Date: 2026-12-05

Adds the tables ``service_centres`` (community service centres, where public-service
ads are counted like in a compound) and ``hoardings`` (construction-site hoardings with
their panels and lengths of public-service ads), and the column ``roads.owner`` (the
grid or unit responsible for a road segment: 路段管理责任制, 门前三包).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from gridmap.store.types import Geometry, UTCDateTime

revision = "0005_rules_layers"
down_revision = "0004_api_tokens"
branch_labels = None
depends_on = None


def _editable() -> list[sa.Column]:
    return [
        sa.Column("geom", Geometry(), nullable=False),
        sa.Column("source_crs", sa.String(length=64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    ]


def upgrade() -> None:
    is_postgresql = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "service_centres",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=32), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("community", sa.String(length=32), nullable=True),
        *_editable(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_centres")),
    )
    op.create_table(
        "hoardings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=32), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("length_m", sa.Float(), nullable=True),
        sa.Column("panels", sa.Integer(), nullable=True),
        sa.Column("public_ad_panels", sa.Integer(), nullable=True),
        sa.Column("public_ad_length_m", sa.Float(), nullable=True),
        *_editable(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hoardings")),
    )
    if is_postgresql:
        for table in ("service_centres", "hoardings"):
            op.create_index(
                f"ix_{table}_geom", table, ["geom"], unique=False, postgresql_using="gist"
            )
    with op.batch_alter_table("roads") as batch:
        batch.add_column(sa.Column("owner", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("roads") as batch:
        batch.drop_column("owner")
    is_postgresql = op.get_bind().dialect.name == "postgresql"
    for table in ("hoardings", "service_centres"):
        if is_postgresql:
            op.drop_index(f"ix_{table}_geom", table_name=table)
        op.drop_table(table)
