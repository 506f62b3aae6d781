"""Plain-SQL baselines that :mod:`gridmap.bench` measures the store against.

Not used by gridmap itself: each function does what a script without gridmap
would do (bare ``sqlite3`` inserts, ``pandas.read_sql`` of hand-written joins), so
the benchmark can print how far the store's own code is from it. They live here
because the store owns every SQL statement of the package.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from gridmap.store.repository import Store

__all__ = ["insert_points_bare", "insert_rows_bare", "roster_tables_plain"]


def insert_points_bare(path: str | Path, rows: Iterable[tuple[str, str, bytes]]) -> None:
    """Write ``(code, kind, WKB)`` rows into a new SQLite file with bare ``sqlite3`` executemany.

    Parameters
    ----------
    path
        The SQLite file (its table ``p`` must not exist yet).
    rows
        Point code, kind and 2-D WKB geometry (EPSG:4326) per point.
    """
    con = sqlite3.connect(path)
    try:
        con.execute("CREATE TABLE p (id INTEGER PRIMARY KEY, code TEXT, kind TEXT, geom BLOB)")
        with con:
            con.executemany("INSERT INTO p (code, kind, geom) VALUES (?, ?, ?)", rows)
    finally:
        con.close()


def insert_rows_bare(path: str | Path, columns: list[str], rows: Iterable[tuple]) -> None:
    """Write rows of ``columns`` into a new SQLite table ``p`` with bare ``sqlite3`` executemany.

    The table has an integer primary key and the named columns, untyped, no index.
    """
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" * len(columns))
    con = sqlite3.connect(path)
    try:
        con.execute(f"CREATE TABLE p (id INTEGER PRIMARY KEY, {names})")
        with con:
            con.executemany(f"INSERT INTO p ({names}) VALUES ({marks})", rows)
    finally:
        con.close()


def roster_tables_plain(store: Store) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Read what a roster needs with three hand-written ``pandas.read_sql`` queries.

    Returns
    -------
    tuple of pandas.DataFrame
        Grids (``id, community, code, name, households, residents, geom``), staff
        (``id`` of the grid, ``name, phone, role``) and points not retired
        (``kind, geom``); geometries as WKB bytes (EPSG:4326).
    """
    with store.connect() as conn:
        grids = pd.read_sql(
            "SELECT g.id, c.name AS community, g.code, g.name, g.households, g.residents, g.geom"
            " FROM grids g JOIN communities c ON c.id = g.community_id ORDER BY g.code",
            conn,
        )
        staff = pd.read_sql(
            "SELECT a.grid_id AS id, w.name, w.phone, a.role"
            " FROM assignments a JOIN workers w ON w.id = a.worker_id",
            conn,
        )
        points = pd.read_sql("SELECT kind, geom FROM points WHERE retired_at IS NULL", conn)
    return grids, staff, points
