"""Persistence: the gridmap store (SQLite embedded default, PostgreSQL/PostGIS for scale).

Use :func:`open_store` to open (and upgrade) the store named by a URL, the
``GRIDMAP_DB`` environment variable, or the default SQLite file in the user's
data directory. Everything else goes through :class:`Store` and the store's
query modules: they hold every SQL statement of gridmap (a test enforces that no
module outside ``gridmap/store/`` runs or builds SQL).

``repository``   :class:`Store`: engine, transactions, migrations, settings,
                 versioned row edits (insert/update/delete), audit log, users and
                 the login counters; thin ``read_layer``/``write_layer``/``workers_of``
``layers``       layers in and out (frames <-> rows, codes <-> foreign keys, bulk
                 import), the lean point read of the exporters
``convert``      cell values <-> column dtypes, JSON-safe values
``jsontext``     JSON documents of many rows written a column at a time (import attrs)
``assignments``  who holds which grid when: validity, workers of a grid, a
                 worker's grids, ending assignments, plan state, grid history
``issues``       issue reports, their status moves and photos
``counters``     generated codes (reports, points, workers) from per-prefix counters
``drafts``       report forms kept server-side per user (reload-proof drafts)
``sessions``     login sessions (hashed cookie tokens, expiry, revocation) and
                 the failure counters of names that are not users
``outbox``       the notification outbox: enqueue in the event's transaction,
                 leased claims, outcomes and attempts, the one-sender lease
``mbtiles``      read-only tiles of a local MBTiles basemap package
``tokens``       API tokens: hashed secrets, scope, rights, expiry, the rate window
``documents``    issued supervision orders (督办单) and their per-year numbers (文号)
``supervision``  the 督办 loop: order states (versioned moves), items, events, photos
``features``     layer reads filtered by a bounding box (the API's GeoJSON)
``spatial``      the spatial index (GIST on PostGIS, trigger-kept side tables on
                 SQLite), bounding-box reads, the map tiles' lean reads
``mapreads``     what a city-size map page reads: feature count, extent of a
                 scope, one grid and the points and issues inside it
``versions``     per-layer data versions: counters bumped at commit by every data
                 write (not by logins, sessions, tokens or exports), the caches' keys
``baseline``     plain-SQL baselines the benchmark compares the store with
``schema``       the tables (SQLAlchemy Core), checked against the migrations
``types``        geometry / UTC timestamp / JSON column types for both backends
``migrations``   Alembic environment and revisions

Functions that take ``conn`` run in the caller's :meth:`Store.transaction`; the
others open their own connection. Database failures reach callers as
:class:`~gridmap.errors.StoreError`, never as SQLAlchemy exceptions.
"""

from __future__ import annotations

from gridmap.store.repository import Store, default_url, open_store

__all__ = ["Store", "default_url", "open_store"]
