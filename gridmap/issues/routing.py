"""Routing a report to its grid, flagging reports near grid boundaries, finding likely duplicates.

Pure functions over GeoDataFrames in EPSG:4326; every distance is measured in
the metric CRS of the report's position (:func:`gridmap.crs.metric_crs`), never
in degrees.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap.crs import metric_crs, to_metric
from gridmap.errors import InputError
from gridmap.issues.deadlines import to_utc
from gridmap.locate import polygon_index_of_points

__all__ = ["Route", "find_duplicates", "route_point"]


@dataclass(frozen=True)
class Route:
    """Where a report belongs.

    Attributes
    ----------
    grid : str
        Code of the grid containing the position.
    community : str
        Code of that grid's community.
    boundary_distance_m : float
        Distance from the position to the grid's boundary (m, metric CRS).
    flagged : bool
        Whether the distance is at most the flag distance: the dispatcher should
        confirm the grid.
    neighbours : tuple of str
        Other grids within the flag distance of the position.
    """

    grid: str
    community: str
    boundary_distance_m: float
    flagged: bool
    neighbours: tuple[str, ...] = ()


def _metric(geoms: list[shapely.Geometry] | np.ndarray, crs: object) -> gpd.GeoSeries:
    return to_metric(gpd.GeoSeries(list(geoms), crs="EPSG:4326"), crs=crs)


def route_point(
    point: shapely.Point, grids_gdf: gpd.GeoDataFrame, *, boundary_flag_m: float = 10.0
) -> Route:
    """Route a position (WGS-84) to the grid containing it.

    Parameters
    ----------
    point
        The report's position, lon/lat EPSG:4326.
    grids_gdf
        Grids with ``code`` and ``community`` columns, EPSG:4326.
    boundary_flag_m
        Positions this close to their grid's boundary (m) are flagged.

    Returns
    -------
    Route

    Raises
    ------
    gridmap.errors.InputError
        If the position lies in no grid (the message gives the nearest grid and
        its distance).
    """
    if not isinstance(point, shapely.Point) or point.is_empty:
        raise InputError.keyed("routing.no_position")
    if grids_gdf.empty:
        raise InputError.keyed("routing.no_grids")
    geoms = grids_gdf.geometry.to_numpy()
    crs = metric_crs(point.x, point.y)
    here = _metric([point], crs).iloc[0]
    index = int(polygon_index_of_points(np.array([point], dtype=object), geoms)[0])
    if index < 0:
        distances = _metric(geoms, crs).distance(here).to_numpy()
        nearest = int(np.argmin(distances))
        raise InputError.keyed(
            "routing.outside", x=point.x, y=point.y, grid=grids_gdf["code"].iloc[nearest],
            distance=float(distances[nearest]),
        )
    window = shapely.buffer(point, max(boundary_flag_m, 1.0) / 50_000.0)  # ~2x in degrees
    near = shapely.STRtree(geoms).query(window, predicate="intersects")
    near = np.union1d(near, [index]).astype(int)
    metric = _metric(geoms[near], crs)
    own = metric.iloc[int(np.flatnonzero(near == index)[0])]
    distance_m = float(own.boundary.distance(here))
    others = [
        str(grids_gdf["code"].iloc[i])
        for i, g in zip(near, metric, strict=True)
        if i != index and g.distance(here) <= boundary_flag_m
    ]
    return Route(
        grid=str(grids_gdf["code"].iloc[index]),
        community=str(grids_gdf["community"].iloc[index]),
        boundary_distance_m=distance_m,
        flagged=distance_m <= boundary_flag_m,
        neighbours=tuple(sorted(others)),
    )


def find_duplicates(
    issues_gdf: gpd.GeoDataFrame,
    point: shapely.Point,
    *,
    category: str,
    at: dt.datetime,
    radius_m: float = 50.0,
    days: float = 7.0,
    exclude_ids: tuple[int, ...] = (),
) -> pd.DataFrame:
    """Return earlier reports that are likely the same problem: same category, near, recent.

    Parameters
    ----------
    issues_gdf
        Stored reports (``id``, ``code``, ``category``, ``status``, ``reported_at``
        and, if present, ``duplicate_of``), EPSG:4326.
    point
        The new report's position (WGS-84).
    category
        The new report's category; only reports of the same category match.
    at
        When the new report was made; matches were reported in the ``days``
        before it (or at the same time).
    radius_m
        Matches lie within this distance (m, metric CRS).
    days
        Look-back window in days.
    exclude_ids
        Report ids never returned (the report itself).

    Returns
    -------
    pandas.DataFrame
        ``id, code, status, reported_at, distance_m`` of the matches, nearest first.
        Reports that were themselves merged into another are left out.
    """
    columns = ["id", "code", "status", "reported_at", "distance_m"]
    if issues_gdf.empty:
        return pd.DataFrame(columns=columns)
    at_utc = to_utc(at)
    reported = pd.to_datetime(issues_gdf["reported_at"], utc=True)
    mask = issues_gdf["category"].astype(str) == str(category)
    mask &= (reported <= at_utc) & (reported >= at_utc - dt.timedelta(days=days))
    mask &= ~issues_gdf["id"].isin(list(exclude_ids))
    if "duplicate_of" in issues_gdf.columns:
        mask &= issues_gdf["duplicate_of"].isna()
    mask &= ~(issues_gdf.geometry.isna() | issues_gdf.geometry.is_empty)
    keep = mask.to_numpy(dtype=bool)
    candidates = issues_gdf[keep]
    if candidates.empty:
        return pd.DataFrame(columns=columns)
    crs = metric_crs(point.x, point.y)
    here = _metric([point], crs).iloc[0]
    distance = _metric(candidates.geometry.to_numpy(), crs).distance(here).to_numpy()
    out = pd.DataFrame(
        {
            "id": candidates["id"].to_numpy(),
            "code": candidates["code"].to_numpy(),
            "status": candidates["status"].to_numpy(),
            "reported_at": reported[keep].to_numpy(),
            "distance_m": distance,
        }
    )
    out = out[out["distance_m"] <= radius_m]
    return out.sort_values("distance_m", kind="stable").reset_index(drop=True)
