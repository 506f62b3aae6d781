"""The gridmap database schema as SQLAlchemy Core tables.

This module is the reference the migrations are checked against
(``tests/store/test_store.py`` compares the migrated database with
:data:`metadata`). Changing a table here needs a new Alembic revision in
``gridmap/store/migrations/versions/``.

Conventions: every table has an integer ``id``; editable tables carry a
``version`` (optimistic locking: an update names the version it read) and
``created_at``/``updated_at`` in UTC; geometries are EPSG:4326
(:class:`~gridmap.store.types.Geometry`); references are foreign keys to ``id``
(codes are resolved by the repository). GIST indexes exist on PostgreSQL only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from gridmap.store.types import Geometry, JSONType, UTCDateTime

__all__ = [
    "GEOMETRY_TABLES",
    "LAYER_TABLES",
    "POSTGRESQL_ONLY",
    "api_tokens",
    "assignments",
    "audit_log",
    "buildings",
    "code_counters",
    "communities",
    "compounds",
    "entrances",
    "grid_history",
    "grids",
    "hoardings",
    "include_object_for",
    "internet_cafes",
    "issue_events",
    "issue_photos",
    "issue_reports",
    "layer_sources",
    "login_attempts",
    "maintenance",
    "meta",
    "metadata",
    "outbox",
    "outbox_attempts",
    "points",
    "report_drafts",
    "roads",
    "schools",
    "service_centres",
    "sessions",
    "streets",
    "supervision_events",
    "supervision_items",
    "supervision_orders",
    "supervision_photos",
    "users",
    "workers",
]

#: Deterministic constraint and index names, so migrations can refer to them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

#: ``Index.info`` marker of indexes that exist on PostgreSQL only.
POSTGRESQL_ONLY = "postgresql_only"


def _id() -> Column[Any]:
    return Column("id", Integer, primary_key=True, autoincrement=True)


def _editable() -> list[Column[Any]]:
    """Version and timestamps of a row users edit."""
    return [
        Column("version", Integer, nullable=False, default=1),
        Column("created_at", UTCDateTime, nullable=False),
        Column("updated_at", UTCDateTime, nullable=False),
    ]


def _geom(*, nullable: bool = False) -> list[Column[Any]]:
    """Geometry (EPSG:4326) plus the coordinate system the data came in."""
    return [
        Column("geom", Geometry, nullable=nullable),
        Column("source_crs", String(64)),
    ]


def _gist(table: Table) -> Index:
    """Declare a GIST index on ``table.geom``, created on PostgreSQL only."""
    index = Index(
        f"ix_{table.name}_geom",
        table.c.geom,
        postgresql_using="gist",
        info={POSTGRESQL_ONLY: True},
    )
    index.ddl_if(dialect="postgresql")
    return index


meta = Table(
    "meta",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("value", Text),
)

#: The last number given out per code prefix (see :mod:`gridmap.store.counters`).
code_counters = Table(
    "code_counters",
    metadata,
    Column("prefix", String(40), primary_key=True),
    Column("value", BigInteger, nullable=False),
)

#: The data version of each table (points: of each kind), bumped by every commit that
#: changed it (see :mod:`gridmap.store.versions`); a missing row is version 0.
data_versions = Table(  # revision 0012_data_versions
    "data_versions",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("version", BigInteger, nullable=False),
)

streets = Table(
    "streets",
    metadata,
    _id(),
    Column("code", String(9), unique=True, comment="6 district + 3 street digits"),
    Column("name", String(200), nullable=False),
    Column("city", String(200)),
    *_editable(),
)

communities = Table(
    "communities",
    metadata,
    _id(),
    Column("code", String(32), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("street_id", Integer, ForeignKey("streets.id"), index=True),
    Column("households", Integer),
    Column("residents", Integer),
    *_geom(),
    *_editable(),
)

grids = Table(
    "grids",
    metadata,
    _id(),
    Column("code", String(32), nullable=False, unique=True),
    Column("community_id", Integer, ForeignKey("communities.id"), nullable=False, index=True),
    Column("name", String(200)),
    Column("households", Integer),
    Column("residents", Integer),
    Column("locked", Boolean, nullable=False, default=False),
    *_geom(),
    *_editable(),
)

grid_history = Table(
    "grid_history",
    metadata,
    _id(),
    Column("grid_code", String(32), nullable=False, index=True),
    Column("community_code", String(32)),
    Column("geom", Geometry),
    Column("attrs", JSONType),
    Column("retired_at", UTCDateTime, nullable=False),
    Column("reason", Text),
)

workers = Table(
    "workers",
    metadata,
    _id(),
    Column("code", String(32), nullable=False, unique=True),
    Column("name", String(100), nullable=False, index=True),
    Column("phone", String(32)),
    Column("notes", Text),
    Column("active", Boolean, nullable=False, default=True),
    Column("active_from", Date),
    Column("active_to", Date),
    *_editable(),
)

assignments = Table(
    "assignments",
    metadata,
    _id(),
    Column("grid_id", Integer, ForeignKey("grids.id"), nullable=False, index=True),
    Column("worker_id", Integer, ForeignKey("workers.id"), nullable=False, index=True),
    Column("role", String(20), nullable=False),
    Column("valid_from", Date, comment="NULL: since before records began"),
    Column("valid_to", Date, comment="NULL: still valid"),
    *_editable(),
)

compounds = Table(
    "compounds",
    metadata,
    _id(),
    Column("code", String(32), unique=True),
    Column("name", String(200), nullable=False, index=True),
    Column("community_id", Integer, ForeignKey("communities.id"), index=True),
    Column("households", Integer),
    Column("enclosed", Boolean, nullable=False, default=True),
    *_geom(),
    *_editable(),
)

entrances = Table(
    "entrances",
    metadata,
    _id(),
    Column("name", String(200)),
    Column("of", String(16), nullable=False, default="compound"),
    Column("compound_id", Integer, ForeignKey("compounds.id"), index=True),
    Column("community_id", Integer, ForeignKey("communities.id"), index=True),
    Column("pedestrian", Boolean, nullable=False, default=True),
    *_geom(),
    *_editable(),
)

buildings = Table(
    "buildings",
    metadata,
    _id(),
    Column("code", String(64), index=True),
    Column("name", String(200)),
    Column("households", Integer),
    Column("residents", Integer),
    Column("compound_id", Integer, ForeignKey("compounds.id"), index=True),
    Column("residential", Boolean, nullable=False, default=True),
    Column("floors", Integer),
    *_geom(),
    *_editable(),
)

roads = Table(
    "roads",
    metadata,
    _id(),
    Column("name", String(200)),
    Column("road_class", String(20), nullable=False, index=True),
    Column("owner", String(200)),  # revision 0003: responsible grid or unit (门前三包)
    *_geom(),
    *_editable(),
)

service_centres = Table(  # revision 0005_rules_layers
    "service_centres",
    metadata,
    _id(),
    Column("code", String(32)),
    Column("name", String(200), nullable=False),
    Column("community", String(32)),
    *_geom(),
    *_editable(),
)

hoardings = Table(  # revision 0005_rules_layers
    "hoardings",
    metadata,
    _id(),
    Column("code", String(32)),
    Column("name", String(200)),
    Column("length_m", Float),
    Column("panels", Integer),
    Column("public_ad_panels", Integer),
    Column("public_ad_length_m", Float),
    *_geom(),
    *_editable(),
)

schools = Table(
    "schools",
    metadata,
    _id(),
    Column("name", String(200), nullable=False),
    Column("level", String(20)),
    *_geom(),
    *_editable(),
)

internet_cafes = Table(
    "internet_cafes",
    metadata,
    _id(),
    Column("name", String(200), nullable=False),
    Column("address", Text),
    *_geom(),
    *_editable(),
)

points = Table(
    "points",
    metadata,
    _id(),
    Column("kind", String(10), nullable=False, index=True),
    Column("code", String(32), nullable=False, unique=True),
    Column("name", String(200)),
    Column("subtype", String(64), comment="board_type / equipment_type / bin_type"),
    Column("status", String(20), nullable=False, default="active"),
    Column("last_inspected", Date),
    Column("attrs", JSONType, comment="the other kind-specific columns"),
    *_geom(),
    *_editable(),
    Column("retired_at", UTCDateTime),
    CheckConstraint("kind IN ('board', 'fitness', 'bin')", name="kind"),
)

maintenance = Table(
    "maintenance",
    metadata,
    _id(),
    Column("point_id", Integer, ForeignKey("points.id"), nullable=False, index=True),
    Column("date", Date, nullable=False),
    Column("action", String(20), nullable=False),
    Column("condition", String(20)),
    Column("note", Text),
    Column("by", String(100)),
    Column("photo", LargeBinary),
    Column("created_at", UTCDateTime, nullable=False),
)

issue_reports = Table(
    "issue_reports",
    metadata,
    _id(),
    Column("code", String(32), unique=True),
    Column("category", String(100), nullable=False, index=True),
    Column("subcategory", String(100)),
    Column("description", Text),
    Column("reporter", String(100)),
    Column("status", String(20), nullable=False, index=True),
    Column("reported_at", UTCDateTime, nullable=False),
    Column("deadline", UTCDateTime),
    Column("grid_code", String(32), index=True),
    *_geom(nullable=True),
    *_editable(),
    # revision 0002_issue_photos
    Column("duplicate_of", Integer, comment="id of the report a merged duplicate points to"),
    Column("attrs", JSONType, comment="routing details: boundary distance, flags, links"),
    # revision 0010_field_roles
    Column("client_token", String(64), unique=True, index=True,
           comment="the submitting form's token: a repeated submit returns the first report"),
)

issue_events = Table(
    "issue_events",
    metadata,
    _id(),
    Column("issue_id", Integer, ForeignKey("issue_reports.id"), nullable=False, index=True),
    Column("at", UTCDateTime, nullable=False),
    Column("user", String(100)),
    Column("from_status", String(20)),
    Column("to_status", String(20)),
    Column("note", Text),
)

issue_photos = Table(  # revision 0002_issue_photos
    "issue_photos",
    metadata,
    _id(),
    Column("issue_id", Integer, ForeignKey("issue_reports.id"), nullable=False, index=True),
    Column("event_id", Integer, ForeignKey("issue_events.id")),
    Column("kind", String(10), nullable=False, comment="report, before or after"),
    Column("jpeg", LargeBinary, nullable=False, comment="re-encoded, EXIF removed"),
    Column("created_at", UTCDateTime, nullable=False),
    CheckConstraint("kind IN ('report', 'before', 'after')", name="kind"),
)

users = Table(
    "users",
    metadata,
    _id(),
    Column("username", String(100), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),
    Column("role", String(20), nullable=False),
    Column("scope", JSONType, comment="list of community codes; NULL: the whole street"),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("failed_logins", Integer, nullable=False, default=0),
    Column("last_login", UTCDateTime),
    Column("locked_until", UTCDateTime, comment="refuse logins until then (too many failures)"),
    *_editable(),
    # revision 0010_field_roles
    Column("worker_code", String(32), comment="role worker: the code of the worker record"),
)

report_drafts = Table(  # revision 0010_field_roles
    "report_drafts",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("data", JSONType, nullable=False,
           comment="the report form: category, position, text, submit token"),
    Column("photo", LargeBinary, comment="the photo taken, re-encoded without EXIF"),
    Column("updated_at", UTCDateTime, nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    _id(),
    Column("token_hash", String(64), nullable=False, unique=True,
           comment="SHA-256 of the cookie token (the token itself is never stored)"),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False, comment="absolute end of the session"),
    Column("idle_expires_at", UTCDateTime, nullable=False,
           comment="end unless used again before then"),
    Column("user_agent", String(300)),
    Column("revoked_at", UTCDateTime),
    Column("revoked_reason", String(20),
           comment="logout, ended, disabled, role_changed, password_reset, password_changed"),
)

login_attempts = Table(
    "login_attempts",
    metadata,
    Column("username", String(100), primary_key=True,
           comment="a name that is not a user: counted like one, so locks do not tell"),
    Column("failures", Integer, nullable=False, default=0),
    Column("last_failure_at", UTCDateTime),
    Column("locked_until", UTCDateTime),
)

audit_log = Table(
    "audit_log",
    metadata,
    _id(),
    Column("at", UTCDateTime, nullable=False, index=True),
    Column("username", String(100)),
    Column("action", String(50), nullable=False),
    Column("table_name", String(64)),
    Column("row_id", Integer),
    Column("before", JSONType),
    Column("after", JSONType),
    Column("note", Text),
    Index("ix_audit_log_table_row", "table_name", "row_id"),
)

api_tokens = Table(  # revision 0004_api_tokens
    "api_tokens",
    metadata,
    _id(),
    Column("name", String(100), nullable=False, unique=True),
    Column(
        "token_hash", String(64), nullable=False, unique=True, comment="sha256 hex of the token"
    ),
    Column("prefix", String(16), nullable=False, comment="first characters, to recognise it"),
    Column("scope", JSONType, comment="list of community codes; NULL: the whole street"),
    Column("rights", JSONType, nullable=False, comment="list of: report, read, phones"),
    Column("rate_limit", Integer, nullable=False, comment="calls per minute"),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime),
    Column("created_by", String(100)),
    Column("last_used_at", UTCDateTime),
    *_editable(),
)

outbox = Table(  # revision 0007_outbox
    "outbox",
    metadata,
    _id(),
    Column("kind", String(20), nullable=False,
           comment="dispatched, returned, warning, overdue, daily, supervision, test"),
    Column("channel", String(64), nullable=False, index=True,
           comment="name of a channel of [notify.channels] in gridmap.toml"),
    Column("recipient", String(300), comment="who it is meant for: worker:W001, office, ..."),
    Column("payload", JSONType, nullable=False, comment="the message (already masked)"),
    Column("status", String(10), nullable=False, index=True,
           comment="pending, sending, sent or dead"),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_at", UTCDateTime, nullable=False, index=True, comment="due from then on"),
    Column("lease_until", UTCDateTime, comment="a sender holds the row until then"),
    Column("last_error", Text),
    Column("ref", String(100), comment="the event: issue_events id, issue id, order date ..."),
    Column("dedupe", String(200), unique=True,
           comment="one row per key: one warning per case, deadline and channel"),
    Column("created_at", UTCDateTime, nullable=False),
    Column("sent_at", UTCDateTime),
    CheckConstraint("status IN ('pending', 'sending', 'sent', 'dead')", name="status"),
)

outbox_attempts = Table(  # revision 0007_outbox
    "outbox_attempts",
    metadata,
    _id(),
    Column("outbox_id", Integer, ForeignKey("outbox.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("at", UTCDateTime, nullable=False),
    Column("ok", Boolean, nullable=False),
    Column("error", Text),
    Column("sender", String(100), comment="host:pid of the sender"),
)

layer_sources = Table(
    "layer_sources",
    metadata,
    _id(),
    Column("layer", String(32), nullable=False, index=True),
    Column("file", Text),
    Column("source_crs", String(64)),
    Column("rows", Integer, nullable=False),
    Column("imported_at", UTCDateTime, nullable=False),
    Column("username", String(100)),
)

supervision_orders = Table(  # revision 0008_doc_numbers
    "supervision_orders",
    metadata,
    _id(),
    Column("year", Integer, nullable=False, comment="year of the document number"),
    Column("seq", Integer, nullable=False, comment="sequence within the year, from 1"),
    Column("number", String(100), nullable=False, unique=True, comment="文号 as printed"),
    Column("grid", String(32), nullable=False, comment="grid code the order is about"),
    Column("community", String(32), comment="community code"),
    Column("issued_on", Date, nullable=False),
    Column("deadline", Date, nullable=False),
    Column("failures", Integer, nullable=False, comment="failures listed"),
    Column("issued_by", String(100)),
    Column("created_at", UTCDateTime, nullable=False),
    # revision 0011_supervision_loop: the order as a tracked object
    Column("state", String(20), nullable=False, server_default="issued", index=True,
           comment="issued, rectifying, rectified, failed_recheck, passed, done"),
    Column("origin", String(10), nullable=False, server_default="checks",
           comment="checks or cases"),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("updated_at", UTCDateTime),
    Column("closed_at", UTCDateTime),
    UniqueConstraint("year", "seq", name="uq_supervision_orders_year_seq"),
)

supervision_items = Table(  # revision 0011_supervision_loop
    "supervision_items",
    metadata,
    _id(),
    Column("order_id", Integer, ForeignKey("supervision_orders.id"), nullable=False, index=True),
    Column("kind", String(10), nullable=False, comment="rule or case"),
    Column("rule_id", String(64), comment="the rule that failed (kind rule)"),
    Column("object_id", String(64), nullable=False, comment="failing object id, or the case code"),
    Column("layer", String(32)),
    Column("grid", String(32)),
    Column("message", Text),
    Column("weight", Float, nullable=False, server_default="1"),
    Column("resolved_at", UTCDateTime, comment="when a re-check found it fixed"),
)

supervision_events = Table(  # revision 0011_supervision_loop
    "supervision_events",
    metadata,
    _id(),
    Column("order_id", Integer, ForeignKey("supervision_orders.id"), nullable=False, index=True),
    Column("at", UTCDateTime, nullable=False),
    Column("user", String(100)),
    Column("from_state", String(20)),
    Column("to_state", String(20), nullable=False),
    Column("note", Text),
    Column("details", JSONType, comment="re-check counts"),
)

supervision_photos = Table(  # revision 0011_supervision_loop
    "supervision_photos",
    metadata,
    _id(),
    Column("order_id", Integer, ForeignKey("supervision_orders.id"), nullable=False, index=True),
    Column("event_id", Integer, ForeignKey("supervision_events.id")),
    Column("jpeg", LargeBinary, nullable=False, comment="re-encoded, EXIF removed"),
    Column("created_at", UTCDateTime, nullable=False),
)

#: Tables with a geometry column ``geom``.
GEOMETRY_TABLES = tuple(t for t in metadata.sorted_tables if "geom" in t.c)

for _table in GEOMETRY_TABLES:
    _gist(_table)

#: The table each layer of :data:`gridmap.model.LAYERS` is stored in.
LAYER_TABLES: dict[str, Table] = {
    "communities": communities,
    "grids": grids,
    "workers": workers,
    "assignments": assignments,
    "compounds": compounds,
    "entrances": entrances,
    "buildings": buildings,
    "roads": roads,
    "schools": schools,
    "internet_cafes": internet_cafes,
    "service_centres": service_centres,
    "hoardings": hoardings,
    "boards": points,
    "fitness": points,
    "bins": points,
    "issues": issue_reports,
    "maintenance": maintenance,
}


def include_object_for(dialect_name: str) -> Callable[..., bool]:
    """Return an Alembic ``include_object`` filter for one database dialect.

    The filter skips PostgreSQL-only indexes (GIST) when comparing against
    another dialect, PostGIS's own table ``spatial_ref_sys``, and the
    side tables of the SQLite spatial index (``sidx_*``, made by
    :mod:`gridmap.store.spatial` on SQLite only).

    Parameters
    ----------
    dialect_name
        ``"sqlite"`` or ``"postgresql"``.

    Returns
    -------
    callable
        ``include_object(obj, name, type_, reflected, compare_to) -> bool`` for
        ``context.configure`` or ``alembic.autogenerate.compare_metadata``.
    """

    def include_object(
        obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
    ) -> bool:
        if type_ == "table" and name == "spatial_ref_sys":
            return False
        if type_ == "table" and reflected and (name or "").startswith("sidx_"):
            return False
        return not (
            type_ == "index"
            and not reflected
            and obj.info.get(POSTGRESQL_ONLY)
            and dialect_name != "postgresql"
        )

    return include_object
