"""Reading a layer's features inside a bounding box.

The layer is read as :meth:`gridmap.store.Store.read_layer` reads it and the rows
whose envelope overlaps the box (bounding boxes compared in double precision) are
kept, the same on SQLite and PostGIS. An exact intersection test is the caller's.
Filtering in SQL (``geom && ST_MakeEnvelope`` on PostGIS) would need ``read_layer``
to take a row filter; PostGIS's ``&&`` compares single-precision boxes rounded
outwards, so the envelope test here would still run after it.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import shapely

from gridmap.errors import InputError

if TYPE_CHECKING:
    import geopandas as gpd

    from gridmap.store import Store

__all__ = ["read_layer_in_bbox"]


def _check_bbox(bbox: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    try:
        west, south, east, north = (float(v) for v in bbox)
    except (TypeError, ValueError):
        raise InputError.keyed("store.bbox_four", bbox=bbox) from None
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise InputError.keyed("store.bbox_finite")
    if west > east or south > north:
        raise InputError.keyed("store.bbox_order", bbox=bbox)
    return west, south, east, north


def read_layer_in_bbox(
    store: Store, layer: str, bbox: tuple[float, float, float, float] | None = None
) -> gpd.GeoDataFrame:
    """Read a geometry layer, keeping the features whose envelope overlaps ``bbox``.

    Parameters
    ----------
    store
        The store.
    layer
        A geometry layer of :data:`gridmap.model.LAYERS` (``grids``, ``boards`` ...).
    bbox
        ``(west, south, east, north)`` in EPSG:4326 degrees; ``None`` keeps every feature.

    Returns
    -------
    geopandas.GeoDataFrame
        As :meth:`gridmap.store.Store.read_layer` (EPSG:4326), filtered.

    Raises
    ------
    gridmap.errors.InputError
        If the box is not four finite numbers in order.
    """
    frame = store.read_layer(layer)
    if bbox is None:
        return frame
    west, south, east, north = _check_bbox(bbox)
    bounds = shapely.bounds(frame.geometry.to_numpy())
    keep = (
        (bounds[:, 0] <= east) & (bounds[:, 2] >= west)
        & (bounds[:, 1] <= north) & (bounds[:, 3] >= south)
    )  # fmt: skip
    return frame[keep].copy()
