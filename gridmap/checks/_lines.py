"""Shared adapters of the rules: roads as merged lines, gaps along them, reach to facilities."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.ops import substring

from gridmap.checks._context import Context, Finding, col, names, object_ids, to_bool
from gridmap.checks.core import gaps_along_lines, nearest_geometry_distance_m, positions_along_lines

__all__ = ["reach_findings", "residential_buildings", "road_gap_findings", "road_lines"]


def road_lines(
    ctx: Context, classes: list[str] | None = None
) -> tuple[NDArray[np.object_], list[str], list[str | None], list[str | None]]:
    """Return the roads as lines: features of one name and class merged end to end.

    Parameters
    ----------
    ctx
        The run.
    classes
        Road classes to keep (default all).

    Returns
    -------
    lines : numpy.ndarray
        LineStrings (metric).
    ids : list of str
        Road name, with `` (2)``, `` (3)`` ... for the further pieces of a road
        whose features do not join into one line; ``#n`` for unnamed features.
    road_names : list
        Road names.
    road_classes : list
        Road class of each line.
    """
    roads = ctx.metric("roads")
    if roads.empty:
        return np.zeros(0, dtype=object), [], [], []
    cls = list(col(roads, "road_class"))
    labels = names(roads)
    keep = [classes is None or c in classes for c in cls]
    groups: dict[tuple[Any, ...], list[Any]] = {}
    geoms = roads.geometry.to_numpy()
    for i, g in enumerate(geoms):
        if not keep[i]:
            continue
        key = (labels[i], cls[i]) if labels[i] else (f"#{i + 1}", cls[i])
        groups.setdefault(key, []).append(g)
    lines, ids, road_names, road_classes = [], [], [], []
    for (label, road_class), parts in groups.items():
        pieces = []
        for part in parts:
            pieces += list(shapely.get_parts(part))
        merged = (
            shapely.line_merge(shapely.multilinestrings(pieces)) if len(pieces) > 1 else pieces[0]
        )
        for k, line in enumerate(shapely.get_parts(merged)):
            lines.append(line)
            ids.append(label if k == 0 else f"{label} ({k + 1})")
            road_names.append(None if label.startswith("#") else label)
            road_classes.append(road_class)
    return np.array(lines, dtype=object), ids, road_names, road_classes


def road_gap_findings(
    ctx: Context,
    points: NDArray[np.object_],
    *,
    classes: list[str],
    max_gap_m: Mapping[str, float] | float,
    near_m: float,
    key: str,
    extra_args: Mapping[str, Any] | None = None,
) -> tuple[NDArray[np.object_], list[Finding]]:
    """Find the stretches of roads longer than the allowed gap with no point along them.

    Points within ``near_m`` of a road are projected onto it
    (:func:`shapely.line_locate_point`); the stretches between consecutive
    projections, and from each end of the road to the nearest projection, longer
    than the road class's ``max_gap_m`` are reported, each with its length, start
    and end, and the stretch itself as a LineString (:func:`shapely.ops.substring`).

    Returns
    -------
    checked_community : numpy.ndarray
        Community of each road checked (of its midpoint).
    findings : list of Finding
        One per uncovered stretch.
    """
    lines, ids, road_names, road_classes = road_lines(ctx, classes)
    if isinstance(max_gap_m, Mapping):
        limit = np.array([float(max_gap_m.get(c, np.inf)) for c in road_classes], dtype=float)
    else:
        limit = np.full(len(lines), float(max_gap_m))
    usable = np.isfinite(limit)
    lines, limit = lines[usable], limit[usable]
    ids = [v for v, u in zip(ids, usable, strict=True) if u]
    road_names = [v for v, u in zip(road_names, usable, strict=True) if u]
    road_classes = [v for v, u in zip(road_classes, usable, strict=True) if u]
    if len(lines) == 0:
        return np.zeros(0, dtype=object), []
    mids = shapely.line_interpolate_point(lines, 0.5, normalized=True)
    checked = ctx.community_of(mids)
    lengths = shapely.length(lines)
    li, _, pos = positions_along_lines(lines, points, near_m=near_m)
    gl, start, end = gaps_along_lines(lengths, li, pos, max_gap_m=limit)
    findings = []
    count: dict[int, int] = {}
    for line_i, s, e in zip(gl.tolist(), start.tolist(), end.tolist(), strict=True):
        line = lines[line_i]
        count[line_i] = count.get(line_i, 0) + 1
        stretch = substring(line, s, e)
        a, b = shapely.line_interpolate_point(line, [s, e])
        findings.append(
            Finding(
                layer="roads",
                object_id=ids[line_i],
                name=road_names[line_i],
                measured=e - s,
                key=key,
                args={
                    "road": road_names[line_i] or ids[line_i],
                    "length": e - s,
                    "start": s,
                    "end": e,
                    "limit": limit[line_i],
                    **(extra_args or {}),
                },
                geometry=stretch,
                anchor=shapely.line_interpolate_point(line, (s + e) / 2),
                threshold=float(limit[line_i]),
                details={
                    "road_class": road_classes[line_i],
                    "stretch": count[line_i],
                    "start_m": round(s, 1),
                    "end_m": round(e, 1),
                    "road_length_m": round(float(lengths[line_i]), 1),
                    "start_point": a,
                    "end_point": b,
                },
            )
        )
    return checked, findings


def residential_buildings(ctx: Context) -> Any:
    """Return the residential buildings (metric); ``residential`` missing counts as yes."""
    buildings = ctx.metric("buildings")
    if buildings.empty or "residential" not in buildings.columns:
        return buildings
    return buildings[to_bool(buildings["residential"], True)]


def reach_findings(
    ctx: Context,
    sources: Any,
    targets: NDArray[np.object_],
    target_ids: NDArray[np.object_],
    *,
    max_distance_m: float,
    key: str,
    source_layer: str = "buildings",
    place_key: str = "buildings/residential",
    targets_key: str | None = None,
) -> tuple[NDArray[np.object_], list[Finding]]:
    """Find sources (buildings) farther than ``max_distance_m`` from every target.

    Distances run from each source's own geometry (a building's footprint, not its
    centre) to the nearest target, with an STRtree nearest query; with
    ``targets_key`` the distances are computed once per run for that pair of layers.

    Returns
    -------
    checked_community : numpy.ndarray
        Community of each source.
    findings : list of Finding
        One per source beyond reach, measured as the distance in metres
        (``inf`` becomes ``None`` when there is no target at all).
    """
    geoms = sources.geometry.to_numpy()
    if len(geoms) == 0:
        return np.zeros(0, dtype=object), []
    anchors, checked = ctx.place(place_key, geoms)
    if targets_key is None:
        dist, idx = nearest_geometry_distance_m(geoms, targets)
    else:  # the failure and advisory rules share one nearest query
        dist, idx = ctx.cache(
            f"nearest:{place_key}:{targets_key}",
            lambda: nearest_geometry_distance_m(geoms, targets),
        )
    ids, labels = object_ids(sources), names(sources)
    findings = []
    for i in np.flatnonzero(dist > float(max_distance_m)):
        d = float(dist[i])
        nearest = target_ids[idx[i]] if idx[i] >= 0 else None
        findings.append(
            Finding(
                layer=source_layer,
                object_id=ids[i],
                name=labels[i],
                measured=d if np.isfinite(d) else None,
                key=key if np.isfinite(d) else f"{key}_none",
                args={"name": labels[i] or ids[i], "distance": d, "nearest": nearest},
                geometry=geoms[i],
                anchor=anchors[i],
                details={"nearest": nearest},
            )
        )
    return checked, findings
