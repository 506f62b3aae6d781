"""Which grid (or community) each point lies in: vectorised point-in-polygon.

One STRtree over the polygons, one bulk query with the ``intersects``
predicate (points on a shared boundary count as inside; the first polygon in
input order wins). No Python loop over pairs.
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
    out = np.full(len(points), -1, dtype=np.int64)
    if len(points) == 0 or len(polygons) == 0:
        return out
    tree = shapely.STRtree(np.asarray(polygons, dtype=object))
    pt_idx, poly_idx = tree.query(points, predicate="intersects")
    if len(pt_idx):
        # keep the smallest polygon index per point: sort by (point, polygon), take firsts
        order = np.lexsort((poly_idx, pt_idx))
        pt_sorted, poly_sorted = pt_idx[order], poly_idx[order]
        first = np.ones(len(pt_sorted), dtype=bool)
        first[1:] = pt_sorted[1:] != pt_sorted[:-1]
        out[pt_sorted[first]] = poly_sorted[first]
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
