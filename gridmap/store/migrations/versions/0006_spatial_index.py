"""Spatial index on SQLite: indexed bbox side tables per geometry table, kept by triggers.

Revision ID: 0006_spatial_index
Revises: 0005_rules_layers
Create Date: 2026-12-01

PostgreSQL already has a GIST index on every geometry column (revision 0001);
nothing changes there. On SQLite this creates ``sidx_<table>(id, cell, minx, miny, maxx,
maxy)`` for every table of :data:`gridmap.store.spatial.INDEXED_TABLES`,
the triggers that keep it equal to the table on every write, and fills it from
the rows already stored (see :mod:`gridmap.store.spatial`).
"""

from __future__ import annotations

from alembic import op

from gridmap.store import spatial

revision = "0006_spatial_index"
down_revision = "0005_rules_layers"
branch_labels = None
depends_on = None


#: The geometry tables at this revision (later revisions index the tables they add).
TABLES = ("hoardings", "internet_cafes", "issue_reports", "points", "roads", "schools",
          "service_centres", "communities", "compounds", "grids", "buildings", "entrances")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        spatial.install_sqlite(bind, TABLES)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        spatial.drop_sqlite(bind, TABLES)
