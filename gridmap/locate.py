"""Which grid (or community) each point lies in: vectorised point-in-polygon.

One STRtree over the polygons, one bulk bounding-box query, then one
vectorised ``contains_xy`` test of the candidate pairs; points on a boundary
(rare) are retested with ``intersects_xy``, so they count as inside, and the
first polygon in input order wins. No Python loop over pairs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["locate_points", "polygon_index_of_points"]


def polygon_index_of_points(points: np.ndarray, polygons: np.ndarray) -> np.ndarray:
    """Return, for each point, the position of the polygon containing it, or -1.

    Parameters
    ----------
    points
        Array of shapely Points (any CRS, the same as ``polygons``).
    polygons
        Array of shapely (Multi)Polygons.

    Returns
    -------
    numpy.ndarray
        int64 array of len(points); -1 where no polygon contains the point.

    Examples
    --------
    >>> import shapely
    >>> sq = shapely.box(0, 0, 1, 1)
    >>> polygon_index_of_points(shapely.points([(0.5, 0.5), (2, 2)]), [sq]).tolist()
    [0, -1]
    """
    points = np.asarray(points, dtype=object)
    n = len(points)
    out = np.full(n, -1, dtype=np.int64)
    if n == 0 or len(polygons) == 0:
        return out
    polygons = np.asarray(polygons, dtype=object)
    tree = shapely.STRtree(polygons)
    xy = shapely.get_coordinates(points)
    if len(xy) != n or shapely.is_empty(points).any():  # not all plain points
        pt_idx, poly_idx = tree.query(points, predicate="intersects")
    else:
        pt_idx, poly_idx = tree.query(points)  # bounding-box candidates
        hit = shapely.contains_xy(polygons[poly_idx], xy[pt_idx, 0], xy[pt_idx, 1])
        # points on a boundary: contains_xy says no, intersects_xy says yes
        found = np.zeros(n, dtype=bool)
        found[pt_idx[hit]] = True
        retry = ~hit & ~found[pt_idx]
        if retry.any():
            sel = np.flatnonzero(retry)
            hit[sel] = shapely.intersects_xy(polygons[poly_idx[sel]], xy[pt_idx[sel], 0],
                                             xy[pt_idx[sel], 1])
        pt_idx, poly_idx = pt_idx[hit], poly_idx[hit]
    best = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(best, pt_idx, poly_idx)  # the first polygon in input order wins
    located = best != np.iinfo(np.int64).max
    out[located] = best[located]
    return out


def locate_points(points: gpd.GeoDataFrame, polygons: gpd.GeoDataFrame, *,
                  column: str = "code") -> pd.Series:
    """Return the ``column`` value of the polygon each point lies in (``None`` if none).

    Parameters
    ----------
    points, polygons
        GeoDataFrames in the same CRS.
    column
        Column of ``polygons`` to return, e.g. the grid ``code``.

    Returns
    -------
    pandas.Series
        On ``points``' index, object dtype.
    """
    idx = polygon_index_of_points(points.geometry.to_numpy(), polygons.geometry.to_numpy())
    values = polygons[column].to_numpy(dtype=object)
    result = np.where(idx >= 0, values[np.clip(idx, 0, None)] if len(values) else None, None)
    return pd.Series(result, index=points.index, name=column, dtype=object)
