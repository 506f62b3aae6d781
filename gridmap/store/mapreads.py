"""What a city-size map page reads: sizes, extents, one grid and what lies in it.

A page of a city store must not read whole layers (:func:`gridmap.snapshot.load_frames`
reads every one). These reads answer exactly what the map page and its side
panel show:

* :func:`map_feature_count` -- how many features a map would draw (the size
  :func:`gridmap.maps.tiles.use_tiles` decides on), three ``COUNT`` queries;
* :func:`community_extent` -- the bounds of the communities a user may see;
* :func:`grid_record` -- one grid by code, with its community;
* :func:`grid_contents` -- the point records per kind and the issue reports
  inside one grid: a bounding-box read through the spatial index
  (:mod:`gridmap.store.spatial`) and an exact point-in-polygon test.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from sqlalchemy import func, select, type_coerce

from gridmap.store import schema, spatial
from gridmap.store.types import GeometryWKB

if TYPE_CHECKING:
    from gridmap.store.repository import Store

__all__ = ["community_extent", "grid_contents", "grid_record", "map_feature_count"]


def map_feature_count(store: Store) -> int:
    """Return the number of features a street map draws: communities, grids, points, issues.

    Retired point records are not counted (the map does not draw them).
    """
    tables = (schema.communities, schema.grids, schema.issue_reports)
    with store._connect() as conn:
        total = sum(int(conn.execute(select(func.count()).select_from(t)).scalar() or 0)
                    for t in tables)  # fmt: skip
        total += int(conn.execute(select(func.count()).select_from(schema.points)
                                  .where(schema.points.c.retired_at.is_(None))).scalar() or 0)
    return total


def community_extent(
    store: Store, codes: Iterable[str] | None = None
) -> tuple[float, float, float, float] | None:
    """Return ``(minx, miny, maxx, maxy)`` (WGS-84) of the communities, or None if there are none.

    Parameters
    ----------
    store
        The store.
    codes
        Only these community codes (a user's scope); ``None``: all.
    """
    table = schema.communities
    stmt = select(_wkb(table.c.geom)).where(table.c.geom.is_not(None))
    if codes is not None:
        stmt = stmt.where(table.c.code.in_(sorted(set(codes))))
    with store._connect() as conn:
        wkb = [r[0] for r in conn.execute(stmt).all()]
    return _bounds(wkb)


def _wkb(column: Any) -> Any:
    return type_coerce(column, GeometryWKB())


def _bounds(wkb: Sequence[bytes | None]) -> tuple[float, float, float, float] | None:
    geoms = shapely.from_wkb(np.array([w for w in wkb if w is not None], dtype=object))
    if not len(geoms):
        return None
    bounds = shapely.bounds(geoms)
    finite = np.isfinite(bounds).all(axis=1)
    if not finite.any():
        return None
    bounds = bounds[finite]
    return (float(bounds[:, 0].min()), float(bounds[:, 1].min()),
            float(bounds[:, 2].max()), float(bounds[:, 3].max()))  # fmt: skip


def grid_record(store: Store, code: str) -> dict[str, Any] | None:
    """Return one grid by code, or None.

    Returns
    -------
    dict or None
        ``id``, ``code``, ``name``, ``households``, ``residents``, ``community``
        (code), ``community_name`` and ``geometry`` (shapely, WGS-84).
    """
    grids, communities = schema.grids, schema.communities
    stmt = (
        select(grids.c.id, grids.c.code, grids.c.name, grids.c.households, grids.c.residents,
               communities.c.code.label("community"),
               communities.c.name.label("community_name"), _wkb(grids.c.geom).label("wkb"))
        .select_from(grids.join(communities, grids.c.community_id == communities.c.id))
        .where(grids.c.code == code)
    )  # fmt: skip
    with store._connect() as conn:
        row = conn.execute(stmt).mappings().first()
    if row is None:
        return None
    out = {k: row[k] for k in ("id", "code", "name", "households", "residents", "community",
                               "community_name")}  # fmt: skip
    out["geometry"] = None if row["wkb"] is None else shapely.from_wkb(row["wkb"])
    return out


#: Columns :func:`grid_contents` returns per layer.
_CONTENT_COLUMNS = {"issues": ("id", "code", "category", "status", "reported_at")}


def grid_contents(
    store: Store, geometry: Any, layers: Sequence[str]
) -> dict[str, dict[str, np.ndarray]]:
    """Return the features of point layers that lie in one grid's geometry.

    Parameters
    ----------
    store
        The store.
    geometry
        The grid's polygon (WGS-84), e.g. from :func:`grid_record`.
    layers
        Point layers: ``boards``, ``fitness``, ``bins`` (records not retired)
        and ``issues``.

    Returns
    -------
    dict
        Layer -> column -> array: ``id``, ``code``, ``status`` for point records;
        ``id``, ``code``, ``category``, ``status``, ``reported_at`` for issues.
        A point on the grid's outline counts as inside.
    """
    out: dict[str, dict[str, np.ndarray]] = {}
    box = tuple(float(v) for v in shapely.bounds(geometry))
    for layer in layers:
        columns = _CONTENT_COLUMNS.get(layer, ("id", "code", "status"))
        values, geoms = spatial.read_layer_bbox(store, layer, box, columns=columns)
        inside = shapely.intersects(geoms, geometry) if len(geoms) else np.zeros(0, dtype=bool)
        out[layer] = {name: column[inside] for name, column in values.items()}
    return out
