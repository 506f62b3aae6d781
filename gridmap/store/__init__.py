"""Persistence: the gridmap store (SQLite embedded default, PostgreSQL/PostGIS for scale).

Use :func:`open_store` to open (and upgrade) the store named by a URL, the
``GRIDMAP_DB`` environment variable, or the default SQLite file in the user's
data directory. Everything else goes through :class:`Store`.

``schema``      the tables (SQLAlchemy Core), checked against the migrations
``types``       geometry / UTC timestamp / JSON column types for both backends
``repository``  :class:`Store`: layers in and out, versioned edits, audit log
``migrations``  Alembic environment and revisions
"""

from __future__ import annotations

from gridmap.store.repository import Store, default_url, open_store

__all__ = ["Store", "default_url", "open_store"]
