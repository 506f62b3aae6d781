"""Side panels of the map: which grid or point was clicked, and what to show about it.

:func:`grid_at` and :func:`point_at` turn a clicked position into a grid code or a
point (a vectorised point-in-polygon / nearest-point lookup, never parsing of
popup HTML). :func:`grid_panel` gathers what the app (and later the per-grid
dossier export) shows about one grid: code, community, workers with roles and
phones (masked unless the user may see them), households, residents, area,
counts of each point kind and the open issue reports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap import auth
from gridmap.crs import metric_crs, to_metric
from gridmap.errors import NotFound, PermissionDenied
from gridmap.locate import polygon_index_of_points
from gridmap.model import LAYERS
from gridmap.snapshot import CLOSED_ISSUE_STATUSES, POINT_LAYERS, mask_phone
from gridmap.store import mapreads

if TYPE_CHECKING:
    from gridmap.auth import User
    from gridmap.store import Store

__all__ = [
    "community_names",
    "feature_attributes",
    "grid_at",
    "grid_panel",
    "names_by_code",
    "picked_place",
    "point_at",
    "point_statuses",
    "search_view",
    "shows",
    "worker_names",
]

#: Zoom a map opens at on a search hit.
SEARCH_ZOOM = 17

#: Default radius of :func:`point_at`, in metres.
CLICK_RADIUS_M = 3.0
_M_PER_DEG_LAT = 111_320.0  # only to turn a metre radius into a search window


def _grids_of(source: Any) -> gpd.GeoDataFrame:
    if isinstance(source, gpd.GeoDataFrame):
        return source
    if isinstance(source, Mapping):
        return source["grids"]
    return source.read_layer("grids")


def grid_at(
    source: Store | gpd.GeoDataFrame | Mapping[str, pd.DataFrame], lon: float, lat: float
) -> str | None:
    """Return the code of the grid containing a position, or ``None``.

    Parameters
    ----------
    source
        A store, the grids GeoDataFrame, or frames from :func:`gridmap.snapshot.visible_frames`
        (then only grids the user may see are found).
    lon, lat
        The position in WGS-84 degrees.

    Returns
    -------
    str or None
        The grid code; on a shared boundary, the first grid in the frame's order.
    """
    grids = _grids_of(source)
    if grids.empty:
        return None
    index = polygon_index_of_points(
        np.array([shapely.Point(lon, lat)], dtype=object), grids.geometry.to_numpy()
    )[0]
    return None if index < 0 else str(grids["code"].iloc[int(index)])


def point_at(
    frames: Mapping[str, pd.DataFrame], lon: float, lat: float, *, radius_m: float = CLICK_RADIUS_M
) -> tuple[str, int] | None:
    """Return the point record or issue nearest to a clicked position.

    Parameters
    ----------
    frames
        Frames with the point layers of :data:`gridmap.snapshot.POINT_LAYERS`.
    lon, lat
        The clicked position in WGS-84 degrees (a marker click reports the
        marker's own position).
    radius_m
        Only points closer than this (metres, measured in the metric CRS of the
        position) are found.

    Returns
    -------
    tuple or None
        ``(layer, id)`` of the nearest point, or ``None``.
    """
    window = radius_m / _M_PER_DEG_LAT * 2  # generous lon/lat window, filtered in metres below
    box = shapely.box(lon - window * 2, lat - window, lon + window * 2, lat + window)
    candidates = []
    for layer in POINT_LAYERS:
        frame = frames.get(layer)
        if frame is None or frame.empty:
            continue
        geoms = frame.geometry.to_numpy()
        idx = shapely.STRtree(geoms).query(box, predicate="intersects")
        for i in idx:
            candidates.append((layer, int(frame["id"].iloc[int(i)]), geoms[int(i)]))
    if not candidates:
        return None
    crs = metric_crs(lon, lat)
    here = to_metric(gpd.GeoSeries([shapely.Point(lon, lat)], crs="EPSG:4326"), crs=crs)
    there = to_metric(gpd.GeoSeries([g for _, _, g in candidates], crs="EPSG:4326"), crs=crs)
    distances = there.distance(here.iloc[0]).to_numpy()
    best = int(np.argmin(distances))
    if distances[best] > radius_m:
        return None
    layer, row_id, _ = candidates[best]
    return layer, row_id


def feature_attributes(
    frames: Mapping[str, pd.DataFrame], layer: str, row_id: int
) -> dict[str, Any]:
    """Return the canonical attributes of one feature of a frame, plus its location.

    Parameters
    ----------
    frames
        Frames from :func:`gridmap.snapshot.visible_frames`.
    layer
        The layer name.
    row_id
        The feature's ``id``.

    Returns
    -------
    dict
        ``layer``, ``id``, ``lon``, ``lat``, the layer's canonical columns (empty
        values left out), and ``grid``/``community`` where known.

    Raises
    ------
    gridmap.errors.NotFound
        If the feature is not in the frames (or not visible to the user).
    """
    frame = frames[layer]
    rows = frame[frame["id"] == row_id]
    if rows.empty:
        raise NotFound.keyed("maps.feature_gone", layer=layer, row_id=row_id)
    row = rows.iloc[0]
    out: dict[str, Any] = {"layer": layer, "id": int(row_id)}
    geom = row.geometry
    if geom is not None and not geom.is_empty:
        point = geom if geom.geom_type == "Point" else geom.representative_point()
        out["lon"], out["lat"] = float(point.x), float(point.y)
    columns = [c.name for c in LAYERS[layer].columns] + ["grid", "community", "version"]
    for name in columns:
        if name in row.index:
            value = row[name]
            if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
                continue
            out[name] = value.item() if isinstance(value, np.generic) else value
    return out


def grid_panel(
    store: Store,
    grid_code: str,
    *,
    user: User,
    on: dt.date | None = None,
    frames: Mapping[str, pd.DataFrame] | None = None,
) -> dict[str, Any]:
    """Gather what the side panel shows about one grid.

    Parameters
    ----------
    store
        The store.
    grid_code
        The grid's code.
    user
        Who looks: the grid must be in the user's scope; phone numbers are masked
        unless the user has the ``see_phones`` right.
    on
        The day whose assignments count (default today).
    frames
        Already loaded frames (:func:`gridmap.snapshot.load_frames` or
        :func:`~gridmap.snapshot.visible_frames` for the same day) to avoid reading the
        store again.

    Returns
    -------
    dict
        ``code``, ``name``, ``community`` (code), ``community_name``,
        ``workers`` (list of dicts ``name, code, role, phone``, grid head first),
        ``households``, ``residents``, ``area_m2`` (in the metric CRS of the grid),
        ``counts`` (``{"boards": n, "fitness": n, "bins": n, "issues": n}``,
        point records not retired; ``issues`` counts open reports),
        ``open_issues`` (list of dicts ``code, category, status, reported_at``),
        ``lon``/``lat`` of a point inside the grid and ``bounds`` (WGS-84).

    Raises
    ------
    gridmap.errors.NotFound
        If there is no such grid.
    gridmap.errors.PermissionDenied
        If the user may not view, or the grid's community is outside the user's scope.
    """
    auth.require(user, "view")
    day = on or dt.date.today()
    if frames is None:
        return _grid_panel_from_store(store, grid_code, user=user, day=day)
    grids = frames["grids"]
    rows = grids.iloc[np.flatnonzero((grids["code"] == grid_code).to_numpy())]
    if rows.empty:
        if grid_code in set(store.read_layer("grids")["code"]):
            raise PermissionDenied.keyed("maps.grid_out_of_scope", grid=grid_code,
                                         user=user.username)
        raise NotFound.keyed("io.assign.no_grid", grid=grid_code)
    grid = rows.iloc[0]
    community = str(grid["community"])
    auth.require(user, "view", community=community)
    workers = _panel_workers(store, grid_code, user=user, day=day)
    shape = gpd.GeoSeries([grid.geometry], crs="EPSG:4326")
    area_m2 = float(to_metric(shape).area.iloc[0])
    inside = grid.geometry.representative_point()
    counts: dict[str, int] = {}
    open_issues: list[dict[str, Any]] = []
    for layer in POINT_LAYERS:
        points = frames[layer]
        here = ((points["grid"] == grid_code).to_numpy(dtype=bool) if "grid" in points
                else np.zeros(len(points), dtype=bool))  # masks: no frame is copied
        if layer == "issues":
            here = here & ~points["status"].isin(CLOSED_ISSUE_STATUSES).to_numpy(dtype=bool)
            shown = points.loc[here, ["code", "category", "status", "reported_at"]]
            open_issues = [
                {"code": r["code"], "category": r["category"], "status": r["status"],
                 "reported_at": r["reported_at"]}
                for _, r in shown.sort_values("reported_at").iterrows()
            ]
        counts[layer] = int(here.sum())

    def _number(value: Any) -> int | None:
        return None if value is None or pd.isna(value) else int(value)

    minx, miny, maxx, maxy = (float(v) for v in grid.geometry.bounds)
    return {
        "code": str(grid["code"]),
        "name": None if pd.isna(grid.get("name")) else grid.get("name"),
        "community": community,
        "community_name": grid.get("community_name", community),
        "workers": workers,
        "households": _number(grid.get("households")),
        "residents": _number(grid.get("residents")),
        "area_m2": area_m2,
        "counts": counts,
        "open_issues": open_issues,
        "lon": float(inside.x),
        "lat": float(inside.y),
        "bounds": (minx, miny, maxx, maxy),
    }


def _panel_workers(store: Store, grid_code: str, *, user: User, day: dt.date) -> list[dict]:
    """Return the grid's workers (grid head first), phones masked unless the user may see."""
    see_phones = auth.can(user, "see_phones")
    workers = []
    for w in store.workers_of(grid_code, on=day):
        phone = w.get("phone")
        workers.append(
            {
                "name": w["name"],
                "code": w["code"],
                "role": w["role"],
                "phone": (phone or None) if see_phones else mask_phone(phone),
            }
        )
    return workers


def _grid_panel_from_store(store: Store, grid_code: str, *, user: User,
                           day: dt.date) -> dict[str, Any]:
    """:func:`grid_panel` from store queries on this one grid (no layer is read whole)."""
    grid = mapreads.grid_record(store, grid_code)
    if grid is None:
        raise NotFound.keyed("io.assign.no_grid", grid=grid_code)
    community = str(grid["community"])
    if user.scope is not None and community not in set(user.scope):
        raise PermissionDenied.keyed("maps.grid_out_of_scope", grid=grid_code,
                                     user=user.username)
    auth.require(user, "view", community=community)
    geometry = grid["geometry"]
    contents = mapreads.grid_contents(store, geometry, POINT_LAYERS)
    counts: dict[str, int] = {}
    open_issues: list[dict[str, Any]] = []
    for layer in POINT_LAYERS:
        values = contents[layer]
        if layer == "issues":
            keep = np.array([s not in CLOSED_ISSUE_STATUSES for s in values["status"]], dtype=bool)
            rows = sorted(
                zip(values["reported_at"][keep], values["code"][keep],
                    values["category"][keep], values["status"][keep], strict=True),
                key=lambda r: (pd.Timestamp(r[0]), str(r[1])),
            )  # fmt: skip
            open_issues = [
                {"code": c, "category": cat, "status": st, "reported_at": pd.Timestamp(at)}
                for at, c, cat, st in rows
            ]
            counts[layer] = len(open_issues)
        else:
            counts[layer] = len(values["id"])
    shape = gpd.GeoSeries([geometry], crs="EPSG:4326")
    inside = geometry.representative_point()
    minx, miny, maxx, maxy = (float(v) for v in geometry.bounds)
    return {
        "code": str(grid["code"]),
        "name": grid["name"] or None,
        "community": community,
        "community_name": grid["community_name"] or community,
        "workers": _panel_workers(store, grid_code, user=user, day=day),
        "households": None if grid["households"] is None else int(grid["households"]),
        "residents": None if grid["residents"] is None else int(grid["residents"]),
        "area_m2": float(to_metric(shape).area.iloc[0]),
        "counts": counts,
        "open_issues": open_issues,
        "lon": float(inside.x),
        "lat": float(inside.y),
        "bounds": (minx, miny, maxx, maxy),
    }


# --- what the pages' filters and captions read from the frames ----------------------------


def community_names(
    frames: Mapping[str, pd.DataFrame] | pd.DataFrame, *, user: User | None = None
) -> dict[str, str]:
    """Return community code -> name of the communities in ``frames`` (in their order).

    ``frames`` is a mapping of frames with ``communities``, or the communities frame itself;
    with ``user``, only the communities in that user's scope (what a planner may change).
    """
    comms = frames if isinstance(frames, pd.DataFrame) else frames["communities"]
    names = dict(zip(comms["code"], comms["name"], strict=True))
    return names if user is None else {c: n for c, n in names.items() if user.in_scope(c)}


def names_by_code(frames: Mapping[str, pd.DataFrame]) -> dict[str, str]:
    """Return worker code -> name of the workers in ``frames``."""
    workers = frames["workers"]
    return dict(zip(workers["code"], workers["name"], strict=True))


def worker_names(frames: Mapping[str, pd.DataFrame]) -> list[str]:
    """Return the names of the workers answering for the grids in ``frames``, sorted, once each."""
    return sorted({name for names in frames["grids"]["worker_names"] for name in names})


def point_statuses(frames: Mapping[str, pd.DataFrame]) -> list[str]:
    """Return the statuses the point layers of ``frames`` hold, sorted, once each."""
    return sorted({s for layer in POINT_LAYERS for s in frames[layer]["status"].dropna()})


def shows(
    shown: Mapping[str, pd.DataFrame],
    *,
    point: tuple[str, int] | None = None,
    grid: str | None = None,
) -> bool:
    """Whether filtered frames still hold a point record ``(layer, id)`` or a grid code.

    Returns True when neither is given (nothing selected is hidden by a filter).
    """
    if point is not None:
        layer, row_id = point
        frame = shown.get(layer)
        if frame is None or "id" not in frame.columns or not (frame["id"] == row_id).any():
            return False
    return grid is None or grid in set(shown["grids"]["code"])


def search_view(
    bounds: tuple[float, float, float, float],
) -> tuple[tuple[float, float], int]:
    """Return the map's ``((lat, lon), zoom)`` centred on a search hit's WGS-84 bounds."""
    minx, miny, maxx, maxy = bounds
    return ((miny + maxy) / 2, (minx + maxx) / 2), SEARCH_ZOOM


def picked_place(
    frames: Mapping[str, pd.DataFrame], lon: float, lat: float
) -> tuple[str, str] | None:
    """Return ``(grid code, community name)`` of a picked WGS-84 position, or None outside.

    The community shows by its name, else by its code, else as ``—``.
    """
    grids = frames.get("grids")
    code = grid_at(grids, lon, lat) if grids is not None and len(grids) else None
    if code is None:
        return None
    row = grids[grids["code"] == code].iloc[0]
    community = row.get("community")
    return code, community_names(frames).get(community, community or "—")
