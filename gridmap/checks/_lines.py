"""Shared adapters of the rules: gaps along roads, reach to facilities, counts per object.

Each adapter selects nothing itself: the rule passes the objects it checks and
the targets, the adapter calls a core of :mod:`gridmap.checks.core` and returns
the rule's :class:`~gridmap.checks._context.Outcome`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.ops import substring

from gridmap.checks._context import Context, Finding, Objects, Outcome, col, names, to_bool
from gridmap.checks.core import (
    count_within,
    gaps_along_lines,
    nearest_geometry_distance_m,
    positions_along_lines,
)

__all__ = [
    "count_outcome",
    "reach_outcome",
    "residential_buildings",
    "residential_objects",
    "road_gap_outcome",
    "road_lines",
]


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


def road_gap_outcome(
    ctx: Context,
    points: NDArray[np.object_],
    *,
    classes: list[str],
    max_gap_m: Mapping[str, float] | float,
    near_m: float,
    key: str,
    no_roads_note: str = "no roads",
) -> Outcome:
    """Find the stretches of roads longer than the allowed gap with no point along them.

    Points within ``near_m`` of a road are projected onto it
    (:func:`shapely.line_locate_point`); the stretches between consecutive
    projections, and from each end of the road to the nearest projection, longer
    than the road class's ``max_gap_m`` are reported, each with its length, start
    and end, and the stretch itself as a LineString (:func:`shapely.ops.substring`).

    Returns
    -------
    Outcome
        Checked: the roads (community of each midpoint); one finding per
        uncovered stretch; ``no_roads_note`` when no road of ``classes`` has a gap
        limit.
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
        return Outcome.skipped(no_roads_note)
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
    return Outcome(checked, findings)


def residential_buildings(ctx: Context) -> Any:
    """Return the residential buildings (metric); ``residential`` missing counts as yes."""
    buildings = ctx.metric("buildings")
    if buildings.empty or "residential" not in buildings.columns:
        return buildings
    return buildings[to_bool(buildings["residential"], True)]


def residential_objects(ctx: Context) -> Objects:
    """Return the residential buildings as the objects of a rule (anchors cached per run)."""
    return Objects(ctx, "buildings", residential_buildings(ctx), place_key="buildings/residential")


def count_outcome(
    objs: Objects,
    targets: NDArray[np.object_],
    *,
    radius_m: float,
    need: int,
    key: str,
    name_arg: str = "name",
) -> Outcome:
    """Fail the objects with fewer than ``need`` targets within ``radius_m`` of them.

    Counts with :func:`~gridmap.checks.core.count_within` (0 m: targets inside or
    on the edge). Measured: the count; the message gets ``name_arg`` (the
    object's name), ``count`` and ``min``.
    """
    counts = count_within(objs.geoms, targets, radius_m)
    rows = np.flatnonzero(counts < need)
    findings = objs.findings(
        rows,
        key=key,
        measured=counts[rows].astype(np.float64),
        args={name_arg: objs.label_of(rows), "count": counts[rows], "min": need},
    )
    return Outcome(objs.checked, findings)


def reach_outcome(
    ctx: Context,
    targets: NDArray[np.object_],
    target_ids: NDArray[np.object_],
    *,
    max_distance_m: float,
    key: str,
    targets_key: str,
    no_targets_note: str,
) -> Outcome:
    """Find residential buildings farther than ``max_distance_m`` from every target.

    Distances run from each building's own geometry (its footprint, not its
    centre) to the nearest target, with an STRtree nearest query computed once
    per run for each ``targets_key`` (the failure and advisory rules share it).
    Coverage: a circle of ``max_distance_m`` around each target, made only when
    the map asks for it.

    Returns
    -------
    Outcome
        One finding per building beyond reach, measured as the distance in metres
        (``None``, key ``<key>_none``, when there is no target at all).
    """
    homes = residential_objects(ctx)
    if homes.empty:
        return Outcome.skipped("no residential buildings")
    dist, idx = ctx.cache(
        f"nearest:buildings/residential:{targets_key}",
        lambda: nearest_geometry_distance_m(homes.geoms, targets),
    )
    rows = np.flatnonzero(dist > float(max_distance_m))
    d = dist[rows]
    finite = np.isfinite(d)
    nearest = np.full(len(rows), None, dtype=object)
    have = idx[rows] >= 0
    nearest[have] = np.asarray(target_ids, dtype=object)[idx[rows][have]]
    findings = homes.findings(
        rows,
        key=np.where(finite, key, f"{key}_none").astype(object),
        measured=np.where(finite, d, np.nan),
        args={"name": homes.label_of(rows), "distance": d, "nearest": nearest},
        details={"nearest": nearest},
    )

    def circles() -> np.ndarray:
        return shapely.buffer(targets, float(max_distance_m), quad_segs=16)

    return Outcome(
        homes.checked,
        findings,
        coverage=circles,
        coverage_kind="reach",
        note="" if len(targets) else no_targets_note,
    )
