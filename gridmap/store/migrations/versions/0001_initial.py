"""Initial schema: streets, communities, grids, workers, points, issues, users, audit.

Revision ID: 0001
Revises:
Create Date: 2025-01-01

Frozen: this file spells out every table as it was at revision 0001. Later
changes go into new revisions, never into this one.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from gridmap.store.types import Geometry, JSONType, UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    is_postgresql = op.get_bind().dialect.name == "postgresql"
    if is_postgresql:
        op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=True),
        sa.Column("action", sa.String(length=50), nullable=False),
        sa.Column("table_name", sa.String(length=64), nullable=True),
        sa.Column("row_id", sa.Integer(), nullable=True),
        sa.Column("before", JSONType, nullable=True),
        sa.Column("after", JSONType, nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"], unique=False)
    op.create_index("ix_audit_log_table_row", "audit_log", ["table_name", "row_id"], unique=False)
    op.create_table(
        "grid_history",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("grid_code", sa.String(length=32), nullable=False),
        sa.Column("community_code", sa.String(length=32), nullable=True),
        sa.Column("geom", Geometry(), nullable=True),
        sa.Column("attrs", JSONType, nullable=True),
        sa.Column("retired_at", UTCDateTime(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grid_history")),
    )
    op.create_index(op.f("ix_grid_history_grid_code"), "grid_history", ["grid_code"], unique=False)
    op.create_table(
        "internet_cafes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("geom", Geometry(), nullable=False),
        sa.Column("source_crs", sa.String(length=64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_internet_cafes")),
    )
    op.create_table(
        "issue_reports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=32), nullable=True),
        sa.Column("category", sa.String(length=100), nullable=False),
        sa.Column("subcategory", sa.String(length=100), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("reporter", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reported_at", UTCDateTime(), nullable=False),
        sa.Column("deadline", UTCDateTime(), nullable=True),
        sa.Column("grid_code", sa.String(length=32), nullable=True),
        sa.Column("geom", Geometry(), nullable=True),
        sa.Column("source_crs", sa.String(length=64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issue_reports")),
        sa.UniqueConstraint("code", name=op.f("uq_issue_reports_code")),
    )
    op.create_index(op.f("ix_issue_reports_category"), "issue_reports", ["category"], unique=False)
    op.create_index(
        op.f("ix_issue_reports_grid_code"), "issue_reports", ["grid_code"], unique=False
    )
    op.create_index(op.f("ix_issue_reports_status"), "issue_reports", ["status"], unique=False)
    op.create_table(
        "layer_sources",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("layer", sa.String(length=32), nullable=False),
        sa.Column("file", sa.Text(), nullable=True),
        sa.Column("source_crs", sa.String(length=64), nullable=True),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("imported_at", UTCDateTime(), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_layer_sources")),
    )
    op.create_index(op.f("ix_layer_sources_layer"), "layer_sources", ["layer"], unique=False)
    op.create_table(
        "meta",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_meta")),
    )
    op.create_table(
        "points",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column(
            "subtype",
            sa.String(length=64),
            nullable=True,
            comment="board_type / equipment_type / bin_type",
        ),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("last_inspected", sa.Date(), nullable=True),
        sa.Column("attrs", JSONType, nullable=True, comment="the other kind-specific columns"),
        sa.Column("geom", Geometry(), nullable=False),
        sa.Column("source_crs", sa.String(length=64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("retired_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint("kind IN ('board', 'fitness', 'bin')", name=op.f("ck_points_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_points")),
        sa.UniqueConstraint("code", name=op.f("uq_points_code")),
    )
    op.create_index(op.f("ix_points_kind"), "points", ["kind"], unique=False)
    op.create_table(
        "roads",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("road_class", sa.String(length=20), nullable=False),
        sa.Column("geom", Geometry(), nullable=False),
        sa.Column("source_crs", sa.String(length=64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roads")),
    )
    op.create_index(op.f("ix_roads_road_class"), "roads", ["road_class"], unique=False)
    op.create_table(
        "schools",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=True),
        sa.Column("geom", Geometry(), nullable=False),
        sa.Column("source_crs", sa.String(length=64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schools")),
    )
    op.create_table(
        "streets",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "code", sa.String(length=9), nullable=True, comment="6 district + 3 street digits"
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("city", sa.String(length=200), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_streets")),
        sa.UniqueConstraint("code", name=op.f("uq_streets_code")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column(
            "scope",
            JSONType,
            nullable=True,
            comment="list of community codes; NULL: the whole street",
        ),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("last_login", UTCDateTime(), nullable=True),
        sa.Column(
            "locked_until",
            UTCDateTime(),
            nullable=True,
            comment="refuse logins until then (too many failures)",
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "workers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("active_from", sa.Date(), nullable=True),
        sa.Column("active_to", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workers")),
        sa.UniqueConstraint("code", name=op.f("uq_workers_code")),
    )
    op.create_index(op.f("ix_workers_name"), "workers", ["name"], unique=False)
    op.create_table(
        "communities",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("street_id", sa.Integer(), nullable=True),
        sa.Column("households", sa.Integer(), nullable=True),
        sa.Column("residents", sa.Integer(), nullable=True),
        sa.Column("geom", Geometry(), nullable=False),
        sa.Column("source_crs", sa.String(length=64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["street_id"], ["streets.id"], name=op.f("fk_communities_street_id_streets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_communities")),
        sa.UniqueConstraint("code", name=op.f("uq_communities_code")),
    )
    op.create_index(op.f("ix_communities_street_id"), "communities", ["street_id"], unique=False)
    op.create_table(
        "issue_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("user", sa.String(length=100), nullable=True),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["issue_id"], ["issue_reports.id"], name=op.f("fk_issue_events_issue_id_issue_reports")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issue_events")),
    )
    op.create_index(op.f("ix_issue_events_issue_id"), "issue_events", ["issue_id"], unique=False)
    op.create_table(
        "maintenance",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("condition", sa.String(length=20), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("by", sa.String(length=100), nullable=True),
        sa.Column("photo", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["point_id"], ["points.id"], name=op.f("fk_maintenance_point_id_points")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_maintenance")),
    )
    op.create_index(op.f("ix_maintenance_point_id"), "maintenance", ["point_id"], unique=False)
    op.create_table(
        "compounds",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=32), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.Column("households", sa.Integer(), nullable=True),
        sa.Column("enclosed", sa.Boolean(), nullable=False),
        sa.Column("geom", Geometry(), nullable=False),
        sa.Column("source_crs", sa.String(length=64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"], ["communities.id"], name=op.f("fk_compounds_community_id_communities")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compounds")),
        sa.UniqueConstraint("code", name=op.f("uq_compounds_code")),
    )
    op.create_index(op.f("ix_compounds_community_id"), "compounds", ["community_id"], unique=False)
    op.create_index(op.f("ix_compounds_name"), "compounds", ["name"], unique=False)
    op.create_table(
        "grids",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("households", sa.Integer(), nullable=True),
        sa.Column("residents", sa.Integer(), nullable=True),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.Column("geom", Geometry(), nullable=False),
        sa.Column("source_crs", sa.String(length=64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"], ["communities.id"], name=op.f("fk_grids_community_id_communities")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grids")),
        sa.UniqueConstraint("code", name=op.f("uq_grids_code")),
    )
    op.create_index(op.f("ix_grids_community_id"), "grids", ["community_id"], unique=False)
    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column(
            "valid_from", sa.Date(), nullable=True, comment="NULL: since before records began"
        ),
        sa.Column("valid_to", sa.Date(), nullable=True, comment="NULL: still valid"),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["grid_id"], ["grids.id"], name=op.f("fk_assignments_grid_id_grids")
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["workers.id"], name=op.f("fk_assignments_worker_id_workers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
    )
    op.create_index(op.f("ix_assignments_grid_id"), "assignments", ["grid_id"], unique=False)
    op.create_index(op.f("ix_assignments_worker_id"), "assignments", ["worker_id"], unique=False)
    op.create_table(
        "buildings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=64), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("households", sa.Integer(), nullable=True),
        sa.Column("residents", sa.Integer(), nullable=True),
        sa.Column("compound_id", sa.Integer(), nullable=True),
        sa.Column("residential", sa.Boolean(), nullable=False),
        sa.Column("floors", sa.Integer(), nullable=True),
        sa.Column("geom", Geometry(), nullable=False),
        sa.Column("source_crs", sa.String(length=64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["compound_id"], ["compounds.id"], name=op.f("fk_buildings_compound_id_compounds")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_buildings")),
    )
    op.create_index(op.f("ix_buildings_code"), "buildings", ["code"], unique=False)
    op.create_index(op.f("ix_buildings_compound_id"), "buildings", ["compound_id"], unique=False)
    op.create_table(
        "entrances",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("of", sa.String(length=16), nullable=False),
        sa.Column("compound_id", sa.Integer(), nullable=True),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.Column("pedestrian", sa.Boolean(), nullable=False),
        sa.Column("geom", Geometry(), nullable=False),
        sa.Column("source_crs", sa.String(length=64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"], ["communities.id"], name=op.f("fk_entrances_community_id_communities")
        ),
        sa.ForeignKeyConstraint(
            ["compound_id"], ["compounds.id"], name=op.f("fk_entrances_compound_id_compounds")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entrances")),
    )
    op.create_index(op.f("ix_entrances_community_id"), "entrances", ["community_id"], unique=False)
    op.create_index(op.f("ix_entrances_compound_id"), "entrances", ["compound_id"], unique=False)
    if is_postgresql:
        op.create_index(
            "ix_grid_history_geom", "grid_history", ["geom"], unique=False, postgresql_using="gist"
        )
        op.create_index(
            "ix_internet_cafes_geom",
            "internet_cafes",
            ["geom"],
            unique=False,
            postgresql_using="gist",
        )
        op.create_index(
            "ix_issue_reports_geom",
            "issue_reports",
            ["geom"],
            unique=False,
            postgresql_using="gist",
        )
        op.create_index("ix_points_geom", "points", ["geom"], unique=False, postgresql_using="gist")
        op.create_index("ix_roads_geom", "roads", ["geom"], unique=False, postgresql_using="gist")
        op.create_index(
            "ix_schools_geom", "schools", ["geom"], unique=False, postgresql_using="gist"
        )
        op.create_index(
            "ix_communities_geom", "communities", ["geom"], unique=False, postgresql_using="gist"
        )
        op.create_index(
            "ix_compounds_geom", "compounds", ["geom"], unique=False, postgresql_using="gist"
        )
        op.create_index("ix_grids_geom", "grids", ["geom"], unique=False, postgresql_using="gist")
        op.create_index(
            "ix_buildings_geom", "buildings", ["geom"], unique=False, postgresql_using="gist"
        )
        op.create_index(
            "ix_entrances_geom", "entrances", ["geom"], unique=False, postgresql_using="gist"
        )


def downgrade() -> None:
    op.drop_table("entrances")
    op.drop_table("buildings")
    op.drop_table("assignments")
    op.drop_table("grids")
    op.drop_table("compounds")
    op.drop_table("maintenance")
    op.drop_table("issue_events")
    op.drop_table("communities")
    op.drop_table("workers")
    op.drop_table("users")
    op.drop_table("streets")
    op.drop_table("schools")
    op.drop_table("roads")
    op.drop_table("points")
    op.drop_table("meta")
    op.drop_table("layer_sources")
    op.drop_table("issue_reports")
    op.drop_table("internet_cafes")
    op.drop_table("grid_history")
    op.drop_table("audit_log")
