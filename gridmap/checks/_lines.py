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

from gridmap.checks._context import (
    Context,
    Finding,
    Objects,
    Outcome,
    col,
    names,
    rounded_or_none,
    to_bool,
)
from gridmap.checks.core import (
    count_within,
    gaps_along_lines,
    nearest_geometry_distance_m,
    pairs_within,
    positions_along_lines,
)
from gridmap.checks.network import network_distance_m
from gridmap.checks.registry import Param
from gridmap.locate import polygon_index_of_points

__all__ = [
    "REACH_PARAMS",
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
    require_one: bool = False,
) -> Outcome:
    """Find the stretches of roads longer than the allowed gap with no point along them.

    Points within ``near_m`` of a road are projected onto it
    (:func:`shapely.line_locate_point`); the stretches between consecutive
    projections, and from each end of the road to the nearest projection, longer
    than the road class's ``max_gap_m`` are reported, each with its length, start
    and end, and the stretch itself as a LineString (:func:`shapely.ops.substring`).

    With ``require_one``, a road with no point along it at all fails whatever its
    length (key ``<key>`` with ``_gap`` replaced by ``_none``; measured: its length).

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
    bare = np.zeros(len(lines), dtype=bool)
    if require_one:
        bare = np.bincount(li, minlength=len(lines)) == 0
        extra = np.flatnonzero(bare & ~np.isin(np.arange(len(lines)), gl))
        order = np.argsort(np.concatenate([gl, extra]), kind="stable")
        gl = np.concatenate([gl, extra])[order]
        start = np.concatenate([start, np.zeros(len(extra))])[order]
        end = np.concatenate([end, lengths[extra]])[order]
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
                key=key.replace("_gap", "_none") if bare[line_i] else key,
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


_EPS_M = 1e-3  # a millimetre over the limit is round-off (reprojection), not a failure

#: Parameters of the reach rules besides their distance (see :func:`reach_outcome`).
REACH_PARAMS = [
    Param("method", "", '"network": walk along roads and paths where they cover the area; '
          '"straight": straight line only'),
    Param("max_access_m", "m", "a building or target farther than this from every road is "
          "measured in a straight line"),
]


def _same_unmapped_compound(
    ctx: Context, homes: Objects, targets: NDArray[np.object_], nearest: NDArray[np.int64]
) -> NDArray[np.bool_]:
    """Whether each building's nearest target lies in its compound, which has no road or path.

    The roads layer does not cover such a compound: its walkways are not mapped, so
    the walk inside it is taken as straight.
    """
    out = np.zeros(len(nearest), dtype=bool)
    compounds = ctx.metric("compounds")
    if compounds.empty or not len(targets):
        return out
    polys = compounds.geometry.to_numpy()
    mapped = np.zeros(len(polys), dtype=bool)
    ci, _ = pairs_within(polys, ctx.metric("roads").geometry.to_numpy(), 0.0)
    mapped[ci] = True
    anchors = homes.anchors if homes.anchors is not None else shapely.point_on_surface(homes.geoms)
    b_comp = polygon_index_of_points(anchors, polys)
    t_comp = polygon_index_of_points(targets[np.clip(nearest, 0, None)], polys)
    have = (nearest >= 0) & (b_comp >= 0)
    out[have] = (b_comp[have] == t_comp[have]) & ~mapped[b_comp[have]]
    return out


def reach_outcome(
    ctx: Context,
    targets: NDArray[np.object_],
    target_ids: NDArray[np.object_],
    *,
    max_distance_m: float,
    key: str,
    targets_key: str,
    no_targets_note: str,
    params: Mapping[str, Any] | None = None,
) -> Outcome:
    """Find residential buildings farther than ``max_distance_m`` from every target.

    Two figures per building, each computed once per run for each ``targets_key``
    (the failure and advisory rules share them):

    * straight: from the building's own geometry (its footprint, not its centre)
      to the nearest target, an STRtree nearest query;
    * walking (``method = "network"``, the default): along the roads layer (all
      classes, paths included) with :func:`~gridmap.checks.network.network_distance_m`:
      from the nearest road point of the footprint, to the nearest road point of
      the target. Used where the roads cover the area: the building and a target
      both lie within ``max_access_m`` of a road, and one is reachable. A target
      closer in a straight line than the nearest road, or in the building's own
      compound when no road or path inside it is mapped, is walked to directly.

    The figure checked is the walking one where there is one (never less than
    the straight one), else the straight one; each finding names its method
    (``network``, ``direct``, ``straight``) and gives both figures. Coverage: a
    circle of ``max_distance_m`` around each target, made only when the map asks.

    Returns
    -------
    Outcome
        One finding per building beyond reach, measured as the distance in metres
        (``None``, key ``<key>_none``, when there is no target at all).
    """
    homes = residential_objects(ctx)
    if homes.empty:
        return Outcome.skipped("no residential buildings")
    p = dict(params or {})
    use_network = str(p.get("method", "straight")) == "network"
    access = float(p.get("max_access_m", 100.0))
    dist, idx = ctx.cache(
        f"nearest:buildings/residential:{targets_key}",
        lambda: nearest_geometry_distance_m(homes.geoms, targets),
    )
    walk = np.full(len(dist), np.nan)
    method = np.empty(len(dist), dtype=object)
    method.fill("straight")  # one shared text (np.full would make one per row)
    measured = dist.copy()
    nearest_idx = idx.copy()
    roads = ctx.metric("roads")
    if use_network and not roads.empty and len(targets):
        net = ctx.cache(
            f"network:buildings/residential:{targets_key}:{access}",
            lambda: network_distance_m(
                homes.geoms, targets, roads.geometry.to_numpy(), max_access_m=access
            ),
        )
        on = np.isfinite(net.distance_m)
        direct = on & ((dist <= net.access_m) | _same_unmapped_compound(ctx, homes, targets, idx))
        walked = on & ~direct
        walk[on] = np.maximum(net.distance_m[on], dist[on])
        walk[direct] = dist[direct]
        method[walked], method[direct] = "network", "direct"
        measured[walked] = walk[walked]
        nearest_idx[walked] = net.target[walked]
    rows = np.flatnonzero(measured > float(max_distance_m) + _EPS_M)
    d = measured[rows]
    finite = np.isfinite(d)
    how = method[rows]
    nearest = np.full(len(rows), None, dtype=object)
    have = nearest_idx[rows] >= 0
    nearest[have] = np.asarray(target_ids, dtype=object)[nearest_idx[rows][have]]
    straight, walking = dist[rows], walk[rows]
    keys = np.empty(len(rows), dtype=object)  # three shared texts, not one per row
    keys.fill(f"{key}_none")
    keys[finite] = key
    keys[finite & (how == "network")] = f"{key}_network"
    findings = homes.findings(
        rows,
        key=keys,
        measured=np.where(finite, d, np.nan),
        args={"name": homes.label_of(rows), "distance": d, "straight": straight,
              "nearest": nearest},
        details={
            "nearest": nearest,
            "method": how,
            "straight_m": rounded_or_none(straight, 1),
            "walking_m": rounded_or_none(walking, 1),
        },
    )  # fmt: skip

    def circles() -> np.ndarray:
        return shapely.buffer(targets, float(max_distance_m), quad_segs=16)

    return Outcome(
        homes.checked,
        findings,
        coverage=circles,
        coverage_kind="reach",
        note="" if len(targets) else no_targets_note,
    )
