"""Waste rules (环卫): collection points within reach, one per compound, street-bin spacing.

Rules
-----
``bin_reach`` / ``bin_reach_advisory``
    Every residential building within 120 m (failure, GB 55013-2021 §3.2.2) and
    70 m (advisory, CJJ 27-2005 §3.2.5) of a collection point: walked along roads
    and paths where the roads layer covers the area, else in a straight line from
    the building's footprint (STANDARDS §8).
``compound_collection_point``
    At least one collection point inside every enclosed compound.
``street_bin_spacing``
    Street litter bins close enough along each road, by road class, reported per
    uncovered stretch.

Road classes map to the spacing bands of the planning code (§4.4.2) as follows
(configurable in ``[rules.street_bin_spacing.max_spacing_m]``): a main commercial
street is a busy centre (30–100 m, so at most 100 m between bins); main roads are
traffic roads (200–400 m, at most 400 m); secondary roads and lanes are general
areas (100–200 m, at most 200 m). Only the upper end of each band is checked: bins
closer together than the lower end are not a shortfall.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from gridmap.checks._context import Context, Objects, Outcome, col, object_ids, to_bool
from gridmap.checks._lines import REACH_PARAMS, count_outcome, reach_outcome, road_gap_outcome
from gridmap.checks.registry import Param, rule

__all__: list[str] = []

_FAMILY = "waste"


def _bins_of_type(ctx: Context, bin_type: str) -> tuple[np.ndarray, np.ndarray]:
    bins = ctx.metric("bins")
    if bins.empty or "bin_type" not in bins.columns:
        return np.zeros(0, dtype=object), np.zeros(0, dtype=object)
    keep = col(bins, "bin_type") == bin_type
    if "status" in bins.columns:
        keep &= col(bins, "status") != "retired"
    return bins.geometry.to_numpy()[keep], object_ids(bins)[keep]


def _reach(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    points, ids = _bins_of_type(ctx, "collection_point")
    return reach_outcome(
        ctx,
        points,
        ids,
        max_distance_m=float(params["max_distance_m"]),
        key="bin_reach",
        targets_key="collection_points",
        no_targets_note="no collection points",
        params=params,
    )


@rule(
    id="bin_reach",
    family=_FAMILY,
    title_zh="住宅楼 120 米内有垃圾收集点",
    title_en="Collection point within 120 m of every residential building",
    source="GB 55013-2021 市容环卫工程项目规范 §3.2.2 (service radius ≤ 120 m)",
    params=[
        Param("max_distance_m", "m", "farthest a building may be from a collection point"),
        *REACH_PARAMS,
    ],
    layers=("buildings", "bins", "roads"),
)
def check_bin_reach(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    """Every residential building lies within reach of a collection point (default 120 m).

    Measured as a walk along the roads layer (roads and paths) where it covers the
    area: from the footprint's nearest road point to the collection point's
    (``bin_type`` ``collection_point``), plus the two short straight walks to
    the road; elsewhere (``method = "straight"``, no roads, or farther than
    ``max_access_m`` from them) in a straight line from the building's footprint
    (its nearest wall; 0 when the point is inside), an STRtree nearest query.
    Every finding names its method and gives both figures. Buildings given as
    points are measured from the point. Coverage: a circle of the threshold
    around each collection point.
    """
    return _reach(ctx, params)


@rule(
    id="bin_reach_advisory",
    family=_FAMILY,
    title_zh="住宅楼 70 米内有垃圾收集点（建议）",
    title_en="Collection point within 70 m of every residential building (advisory)",
    source="CJJ 27-2005 环境卫生设施设置标准 §3.2.5 (service radius ≤ 70 m)",
    params=[
        Param("max_distance_m", "m", "recommended largest distance to a collection point"),
        *REACH_PARAMS,
    ],
    layers=("buildings", "bins", "roads"),
    severity="advisory",
)
def check_bin_reach_advisory(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    """Every residential building lies within the older, stricter radius (default 70 m).

    Same measurement as ``bin_reach``; an advisory: CJJ 27's radius is superseded as
    a requirement by GB 55013-2021 but still recommended.
    """
    return _reach(ctx, params)


@rule(
    id="compound_collection_point",
    family=_FAMILY,
    title_zh="每个封闭式小区至少设一处垃圾收集点",
    title_en="At least one collection point in every enclosed compound",
    source="GB 55013-2021 市容环卫工程项目规范 §3.2.2 (each enclosed compound needs one)",
    params=[
        Param("min_points", "points", "fewest collection points per enclosed compound"),
        Param("within_m", "m", "points this close outside the compound also count"),
    ],
    layers=("compounds", "bins"),
)
def check_compound_collection_point(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    """Every enclosed compound (封闭式小区) has enough collection points (default 1).

    Counts collection points inside the compound polygon (or within ``within_m`` of
    it). Compounds not marked enclosed are not checked; a missing flag counts as
    enclosed. Measured: the number of collection points.
    """
    compounds = ctx.metric("compounds")
    if compounds.empty:
        return Outcome.skipped("no compounds")
    if "enclosed" in compounds.columns:
        compounds = compounds[to_bool(compounds["enclosed"], True)]
    points, _ = _bins_of_type(ctx, "collection_point")
    return count_outcome(
        Objects(ctx, "compounds", compounds, place_key="compounds/enclosed"),
        points,
        radius_m=float(params["within_m"]),
        need=int(params["min_points"]),
        key="compound_collection_point",
        name_arg="compound",
    )


@rule(
    id="street_bin_spacing",
    family=_FAMILY,
    title_zh="道路废物箱设置间距（按道路等级）",
    title_en="Street litter-bin spacing by road class",
    source=(
        "urban environmental-sanitation planning code §4.4.2 (probably GB/T 50337-2018): "
        "busy centres 30–100 m, general areas 100–200 m, traffic roads 200–400 m"
    ),
    params=[
        Param("max_spacing_m", "m", "longest stretch without a bin, per road class"),
        Param("near_road_m", "m", "bins this close to a road count for it"),
    ],
    layers=("roads", "bins"),
)
def check_street_bin_spacing(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    """Street bins stand close enough along every road, by road class.

    Street bins (``bin_type`` ``street_bin``) within ``near_road_m`` of a road are
    projected onto it; every stretch between consecutive bins, or between a road's
    end and its nearest bin, longer than the class's spacing is one failure,
    measured as its length in metres, drawn as the stretch itself. Road features
    sharing a name and class are merged into one line first.
    """
    table = dict(params["max_spacing_m"])
    bins, _ = _bins_of_type(ctx, "street_bin")
    return road_gap_outcome(
        ctx,
        bins,
        classes=list(table),
        max_gap_m=table,
        near_m=float(params["near_road_m"]),
        key="street_bin_gap",
    )
