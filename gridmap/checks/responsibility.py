"""Responsibility rule (路段管理责任制, 门前三包): every road segment has an owner.

The plans ask that every area and every road segment has someone responsible
("确保每个区域、每个地段、每个环节都有人管"; 路段管理责任制; 门前三包; STANDARDS §7).
A road segment (one feature of the roads layer) is owned by the grid or unit named
in its ``owner`` column, else by the grid it runs through: the grid whose interior
holds at least ``min_share_pct`` of its length. A road along a grid boundary (grids
split at road centre-lines) runs through no interior, so it needs an owner on
record.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import shapely

from gridmap.checks._context import Context, Objects, Outcome, col
from gridmap.checks.core import pairs_within
from gridmap.checks.registry import Param, rule

__all__: list[str] = []


@rule(
    id="road_owners",
    family="integrity",
    title_zh="每个路段有责任网格或责任单位（路段管理责任制、门前三包）",
    title_en="Every road segment has a responsible grid or unit",
    source=(
        "campaign plans: 路段管理责任制; 门前三包; 确保每个区域、每个地段、每个环节都有人管 "
        "(STANDARDS §7, §8)"
    ),
    params=[
        Param("max_unowned_m", "m", "a segment without an owner longer than this fails"),
        Param("min_share_pct", "%", "share of its length inside a grid that makes it that grid's"),
        Param("boundary_m", "m", "a road this close to a grid boundary runs along it, not through"),
    ],
    layers=("roads",),
)
def check_road_owners(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    """Every road segment has a responsible grid or unit.

    A segment with an ``owner`` (a grid code or a unit's name) is owned. Otherwise
    its length inside each grid's interior (the grid shrunk by ``boundary_m``) is
    measured; the grid holding at least ``min_share_pct`` of it owns it. Segments
    left without an owner and longer than ``max_unowned_m`` fail, measured as their
    length; the finding names the grids the segment borders, any of which could
    take it on.
    """
    roads = Objects(ctx, "roads")
    if roads.empty:
        return Outcome.skipped("no roads")
    owner = col(roads.frame, "owner")
    lengths = shapely.length(roads.geoms)
    inner = shapely.buffer(ctx.grid_geoms, -float(params["boundary_m"]))
    ri, gi = pairs_within(roads.geoms, inner, 0.0)
    best = np.zeros(len(roads))
    owner_grid = np.full(len(roads), None, dtype=object)
    if len(ri):
        inside = shapely.length(shapely.intersection(roads.geoms[ri], inner[gi]))
        for r, g, length in zip(ri.tolist(), gi.tolist(), inside.tolist(), strict=True):
            if length > best[r]:
                best[r], owner_grid[r] = length, ctx.grid_codes[g]
    share = 100.0 * best / np.maximum(lengths, 1e-9)
    by_grid = share + 1e-9 >= float(params["min_share_pct"])
    unowned = (owner == None) & ~by_grid  # noqa: E711 - elementwise
    bi, bg = pairs_within(roads.geoms, ctx.grid_geoms, float(params["boundary_m"]))
    findings = []
    for i in np.flatnonzero(unowned & (lengths > float(params["max_unowned_m"]))):
        borders = sorted({str(ctx.grid_codes[g]) for g in bg[bi == i]})
        findings.append(
            roads.finding(
                i,
                key="road_unowned",
                measured=float(lengths[i]),
                args={"name": roads.label(i), "length": float(lengths[i]),
                      "grids": "、".join(borders) or "-"},
                details={
                    "length_m": round(float(lengths[i]), 1),
                    "road_class": col(roads.frame, "road_class")[i],
                    "bordering_grids": borders,
                    "largest_share_pct": round(float(share[i]), 1),
                },
            )
        )  # fmt: skip
    return Outcome(roads.checked, findings)
