"""Timings of the exports for ``gridmap bench``, with plain-library baselines.

:func:`bench_roster` and :func:`bench_dossier` time the real exports into memory
(each run writes its audit row, so use a scratch store); :func:`baseline_roster`
times what a plain pandas + openpyxl script would do for the same table: read
the grids, workers and point records with SQL, locate the points with
:func:`geopandas.sjoin`, count them per grid and write the table to XLSX
without any formatting.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from gridmap.auth import User
from gridmap.bench._timing import best_of
from gridmap.model import UserRole

if TYPE_CHECKING:
    from gridmap.store import Store

__all__ = ["baseline_roster", "bench_dossier", "bench_roster"]

#: Who the benchmark exports as: a street-wide administrator.
BENCH_USER = User("bench", UserRole.ADMIN)


def bench_roster(store: Store, *, repeat: int = 1) -> float:
    """Time the street-wide XLSX roster (every grid), written into memory.

    Parameters
    ----------
    store
        The store (each run adds an audit row).
    repeat
        Runs; the fastest counts.

    Returns
    -------
    float
        Seconds of the fastest run.

    Raises
    ------
    gridmap.errors.GridmapError
        If the export fails.
    """
    from gridmap.export.roster import export_roster

    return best_of(lambda: export_roster(store, io.BytesIO(), user=BENCH_USER), repeat)[0]


def bench_dossier(store: Store, community_code: str) -> float:
    """Time the PDF dossier of one community (every grid, maps and contents page).

    Parameters
    ----------
    store
        The store (the run adds an audit row).
    community_code
        The community exported.

    Returns
    -------
    float
        Seconds of the run.

    Raises
    ------
    gridmap.errors.NotFound
        If the community does not exist or has no grids.
    gridmap.errors.GridmapError
        If no CJK font is found.
    """
    from gridmap.export.dossier import export_dossier

    def run() -> None:
        export_dossier(store, io.BytesIO(), user=BENCH_USER, community=community_code)

    return best_of(run, 1)[0]


def _plain_roster(store: Store) -> bytes:
    """Build the roster table with plain pandas/geopandas and write it with openpyxl."""
    import geopandas as gpd
    import pandas as pd
    import shapely

    from gridmap.store.baseline import roster_tables_plain

    grids, staff, points = roster_tables_plain(store)
    areas = gpd.GeoDataFrame(
        grids.drop(columns="geom"), geometry=shapely.from_wkb(grids["geom"]), crs="EPSG:4326"
    )
    located = gpd.sjoin(
        gpd.GeoDataFrame(
            {"kind": points["kind"]}, geometry=shapely.from_wkb(points["geom"]), crs="EPSG:4326"
        ),
        areas[["id", "geometry"]],
        predicate="within",
    )
    counts = pd.crosstab(located["id"], located["kind"])
    people = staff.groupby("id").agg(
        workers=("name", "、".join), phones=("phone", lambda p: "；".join(p.dropna()))
    )
    table = (
        areas.assign(area_m2=areas.to_crs(areas.estimate_utm_crs()).area.round())
        .drop(columns="geometry")
        .join(people, on="id")
        .join(counts, on="id")
        .drop(columns="id")
    )
    buf = io.BytesIO()
    pd.DataFrame(table).to_excel(buf, index=False, engine="openpyxl")
    return buf.getvalue()


def baseline_roster(store: Store) -> float:
    """Time a plain pandas/geopandas/openpyxl roster of every grid (no formatting).

    The baseline reads with SQL, locates the point records with
    :func:`geopandas.sjoin`, counts them per grid, joins the workers and writes
    the table with :meth:`pandas.DataFrame.to_excel`.

    Parameters
    ----------
    store
        The store (a SQLite or PostGIS store; nothing is written to it).

    Returns
    -------
    float
        Seconds of one run.
    """
    return best_of(lambda: _plain_roster(store), 1)[0]
