"""Integrity rules: grids tile their community, are staffed and sized; points lie in grids.

Rules
-----
``tiling``
    Gaps, overlaps and overhangs between a community's grids beyond the tolerance.
``staffing``
    Every grid has a grid head and at least one other worker on the run's date.
``grid_heads``
    A grid has one grid head (网格长) at a time: no two heads' periods overlap.
``grid_households`` / ``grid_residents``
    Households per grid within 300–500; residents at most 2,500.
``points_in_grids``
    Every point record lies inside a grid, and inside a grid of its own community
    (entrances) or its routed grid (issue reports).
``compounds_assigned``
    Every residential compound lies in grids that have a responsible worker
    (将管辖小区全部分包到人).
``grid_codes`` / ``grid_code_order``
    Grid codes are 15 digits starting with their community's code, and unique;
    inside a community they run west→east, north→south (advisory).

``gridmap validate`` runs this family (:func:`gridmap.checks.run_checks_on_store`
with ``families=["integrity"]``). The array cores (:func:`staffing_counts`,
:func:`band_violations`) work on plain arrays.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import shapely
from numpy.typing import ArrayLike, NDArray

from gridmap.checks._context import Context, Finding, Objects, Outcome, col, to_number
from gridmap.checks.registry import Param, rule
from gridmap.grids.codes import code_order_pairs, grid_code_problems
from gridmap.grids.tiling import validate_tiling
from gridmap.model import grid_head_overlaps

__all__ = ["band_violations", "staffing_counts"]

_FAMILY = "integrity"


# --------------------------------------------------------------------------- cores


def staffing_counts(
    grid_codes: Sequence[str], assignment_grids: ArrayLike, assignment_roles: ArrayLike
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Count grid heads and other workers per grid.

    Parameters
    ----------
    grid_codes
        The grids to count for.
    assignment_grids, assignment_roles
        Grid code and role of each assignment valid on the day of interest.

    Returns
    -------
    heads, others : numpy.ndarray
        int64 counts per grid: assignments with role ``grid_head`` and with any
        other role.

    Examples
    --------
    >>> staffing_counts(["a", "b"], ["a", "a", "b"], ["grid_head", "full_time", "volunteer"])
    (array([1, 0]), array([1, 1]))
    """
    codes = np.asarray(grid_codes, dtype=object)
    pos = {c: i for i, c in enumerate(codes)}
    grids = np.asarray(assignment_grids, dtype=object)
    roles = np.asarray(assignment_roles, dtype=object)
    idx = np.array([pos.get(g, -1) for g in grids], dtype=np.int64)
    known = idx >= 0
    is_head = roles == "grid_head"
    heads = np.bincount(idx[known & is_head], minlength=len(codes)).astype(np.int64)
    others = np.bincount(idx[known & ~is_head], minlength=len(codes)).astype(np.int64)
    return heads, others


def band_violations(values: ArrayLike, *, low: float | None, high: float | None) -> NDArray:
    """Return which values lie outside ``[low, high]`` (NaN never violates).

    Examples
    --------
    >>> band_violations([120, 400, 900, float("nan")], low=300, high=500).tolist()
    [True, False, True, False]
    """
    v = np.asarray(values, dtype=np.float64)
    bad = np.zeros(len(v), dtype=bool)
    with np.errstate(invalid="ignore"):
        if low is not None:
            bad |= v < low
        if high is not None:
            bad |= v > high
    return bad & ~np.isnan(v)


# --------------------------------------------------------------------------- helpers


def _grid_finding(ctx: Context, grids: Objects, i: int, **fields: Any) -> Finding:
    """Return the finding of grid ``i``: charged to that grid and its community."""
    code = ctx.grid_codes[i]
    where = {"object_id": code, "grid": code, "community": ctx.grid_community[i]}
    return grids.finding(i, **{**where, **fields})


# --------------------------------------------------------------------------- rules


@rule(
    id="tiling",
    family=_FAMILY,
    title_zh="网格无缝覆盖社区（无缝隙、无重叠）",
    title_en="Grids tile their community (no gaps or overlaps)",
    source="DB11/T 2157-2023 (closed unit-grid polygons with topology); 全域覆盖 principle",
    params=[Param("tolerance_m2", "m²", "gaps and overlaps up to this area are ignored")],
    layers=("communities", "grids"),
)
def check_tiling(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    """Grids of a community cover it exactly once: report gaps, overlaps and overhangs.

    Uses :func:`gridmap.grids.tiling.validate_tiling` (areas in the metric CRS).
    Each gap, overlap, part of a grid outside its community, grid naming an unknown
    community, and invalid or empty grid is one failure, measured as its area in
    m². A gap is charged to the nearest grid of the community. Checked: the grids.
    """
    communities, grids = ctx.frame("communities"), ctx.frame("grids")
    if grids.empty:
        return Outcome.skipped("no grids")
    report = validate_tiling(communities, grids, tolerance_m2=float(params["tolerance_m2"]))
    checked = col(grids, "community")
    findings = []
    geoms = ctx.from_wgs84([f.geometry for f in report.findings])
    anchors = ctx.from_wgs84([f.location for f in report.findings])
    for f, geom, anchor in zip(report.findings, geoms, anchors, strict=True):
        label = ", ".join(f.grids) or (f.community or "")
        findings.append(
            Finding(
                layer="grids",
                object_id=label,
                name=None,
                measured=float(f.area_m2),
                key=f"tiling_{f.kind}",
                args={"what": label, "area": float(f.area_m2), "detail": f.msg},
                geometry=geom,
                anchor=anchor,
                grid=f.grids[0] if f.grids and f.kind != "gap" else None,
                community=f.community,
                details={"kind": f.kind, "grids": list(f.grids)},
            )
        )
    return Outcome(checked, findings)


@rule(
    id="staffing",
    family=_FAMILY,
    title_zh="每个网格配备网格长和至少一名网格员",
    title_en="Every grid has a grid head and at least one other worker",
    source="social-governance grid practice: one 网格长 and one 专职网格员 per grid (STANDARDS §3)",
    threshold="min_other_workers",
    params=[
        Param("require_head", "", "a grid without a grid head (网格长) fails"),
        Param("min_other_workers", "workers", "fewest workers besides the grid head"),
    ],
    layers=("grids", "assignments", "workers"),
)
def check_staffing(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    """Every grid has a grid head and enough other workers on the run's date.

    Assignments count when valid on ``as_of`` (``valid_from <= as_of <= valid_to``,
    open ends allowed). Measured: the number of workers besides the grid head.
    The failure names whoever is still assigned.
    """
    grids, codes = Objects(ctx, "grids"), ctx.grid_codes
    a_grids, a_roles = [], []
    for g in codes:
        roles = ctx.grid_roles.get(g, ())
        a_grids += [g] * len(roles)
        a_roles += list(roles)
    heads, others = staffing_counts(codes, a_grids, a_roles)
    no_head = (heads < 1) & bool(params["require_head"])
    min_others = int(params["min_other_workers"])
    few = others < min_others
    keys = np.where(
        no_head & few, "staffing_both", np.where(no_head, "staffing_head", "staffing_few")
    )
    findings = [
        _grid_finding(
            ctx,
            grids,
            i,
            key=str(keys[i]),
            measured=float(others[i]),
            args={"grid": codes[i], "others": int(others[i]), "min": min_others},
            details={"grid_heads": int(heads[i]), "other_workers": int(others[i])},
        )
        for i in np.flatnonzero(no_head | few)
    ]
    return Outcome(ctx.grid_community.copy(), findings)


@rule(
    id="grid_heads",
    family=_FAMILY,
    title_zh="每个网格同一时期只有一名网格长",
    title_en="A grid has one grid head at a time",
    source="social-governance grid practice: one 网格长 per grid (STANDARDS §3)",
    params=[Param("max_overlap_days", "days", "days two heads may share (a handover)")],
    layers=("grids", "assignments", "workers"),
)
def check_grid_heads(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    """No grid has two grid heads (网格长) whose assignment periods overlap.

    Reads every assignment row it is given, past and future (not only those
    valid on ``as_of``): a second head named for next month is as wrong as one
    named today. Uses :func:`gridmap.model.grid_head_overlaps`; each assignment
    that makes a second worker head while another's period runs is one failure,
    charged to the grid, unless the periods share at most ``max_overlap_days``
    (a handover day). Measured: the days they share (an open end counts up to
    ``as_of``, and a share never counts less than one day). Checked: the grids.
    """
    grids = Objects(ctx, "grids")
    rows = ctx.frame("assignments")
    if grids.empty or rows.empty or not {"grid", "worker", "role"} <= set(rows.columns):
        return Outcome(ctx.grid_community.copy(), [])
    starts, ends = ([*rows[c]] if c in rows.columns else [None] * len(rows)
                    for c in ("valid_from", "valid_to"))  # fmt: skip
    a_grids, a_workers = col(rows, "grid"), col(rows, "worker")
    workers = ctx.frame("workers")
    names = dict(zip(col(workers, "code"), col(workers, "name"), strict=True))
    position = {code: i for i, code in enumerate(ctx.grid_codes)}
    allowed = int(params["max_overlap_days"])
    findings = []
    for i, j, first, last in grid_head_overlaps(
        a_grids, a_workers, col(rows, "role"), starts, ends
    ):
        k = position.get(a_grids[j])
        if k is None:  # a grid outside the run's scope
            continue
        shared = max(((last or ctx.as_of) - (first or ctx.as_of)).days + 1, 1)
        if shared <= allowed:
            continue
        findings.append(
            _grid_finding(
                ctx,
                grids,
                k,
                key="grid_heads",
                measured=float(shared),
                args={
                    "grid": a_grids[j],
                    "first": first.isoformat() if first else "…",
                    "last": last.isoformat() if last else "…",
                    "w1": names.get(a_workers[i], a_workers[i]),
                    "w2": names.get(a_workers[j], a_workers[j]),
                },
                details={"workers": [a_workers[i], a_workers[j]]},
            )
        )
    return Outcome(ctx.grid_community.copy(), findings)


def _band_rule(
    ctx: Context, column: str, low: float | None, high: float | None, key: str
) -> Outcome:
    grids = Objects(ctx, "grids")
    if column not in grids.frame.columns:
        return Outcome.skipped(f"grids have no {column}")
    values = to_number(grids.frame[column])
    known = ~np.isnan(values)
    findings = [
        _grid_finding(
            ctx,
            grids,
            i,
            key=f"{key}_{'low' if low is not None and values[i] < low else 'high'}",
            measured=float(values[i]),
            args={"grid": ctx.grid_codes[i], "value": int(values[i])},
        )
        for i in np.flatnonzero(band_violations(values, low=low, high=high))
    ]
    note = "" if known.any() else f"no grid has a {column} figure"
    return Outcome(ctx.grid_community[known], findings, note=note)


@rule(
    id="grid_households",
    family=_FAMILY,
    title_zh="网格户数 300–500 户",
    title_en="Households per grid within 300–500",
    source="urban comprehensive grid (综合网格) sizing, szhjjp.com/n/71039.html (STANDARDS §3)",
    threshold=("min_households", "max_households"),
    params=[
        Param("min_households", "households", "fewest households in a grid"),
        Param("max_households", "households", "most households in a grid"),
    ],
    layers=("grids",),
)
def check_grid_households(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    """Households per grid lie within the band (default 300–500 户).

    Grids without a household figure are not checked. Measured: the households.
    """
    return _band_rule(
        ctx,
        "households",
        float(params["min_households"]),
        float(params["max_households"]),
        "households",
    )


@rule(
    id="grid_residents",
    family=_FAMILY,
    title_zh="网格常住人口不超过 2500 人",
    title_en="At most 2,500 residents per grid",
    source="urban comprehensive grid (综合网格) sizing, szhjjp.com/n/71039.html (STANDARDS §3)",
    params=[Param("max_residents", "residents", "most residents in a grid")],
    layers=("grids",),
)
def check_grid_residents(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    """Residents per grid do not exceed the maximum (default 2,500 人).

    Grids without a resident figure are not checked. Measured: the residents.
    """
    return _band_rule(ctx, "residents", None, float(params["max_residents"]), "residents")


@rule(
    id="points_in_grids",
    family=_FAMILY,
    title_zh="点位均落在本社区网格内",
    title_en="Every point lies inside a grid of its community",
    source=(
        "routing by location (DESIGN §3); every grid belongs to one community (DB6101/T 3185-2024)"
    ),
    params=[
        Param("max_outside", "points", "points allowed outside (per layer; normally 0)"),
        Param("layers", "", "point layers checked"),
    ],
    layers=("boards", "fitness", "bins", "issues", "entrances"),
)
def check_points_in_grids(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    """Every point record lies in a grid, of its own community where it names one.

    A point on a grid boundary counts as inside. Entrances that name a community
    must lie in a grid of that community; issue reports routed to a grid
    (``grid_code``) must lie in that grid. A point outside every grid is charged to
    the nearest grid. Measured: the distance in metres to the nearest grid (0 for a
    point in the wrong community's grid).
    """
    findings: list[Finding] = []
    checked: list[NDArray] = []
    allowed = int(params["max_outside"])
    # the column a layer's points name their place by, and what it must match
    expected_by = {
        "entrances": ("community", ctx.grid_community),
        "issues": ("grid_code", ctx.grid_codes),
    }
    for layer in params["layers"]:
        points = Objects(ctx, layer)
        if points.empty:
            continue
        gi = points.grid_index
        checked.append(points.checked)
        wrong = np.zeros(len(points), dtype=bool)
        expected = np.full(len(points), None, dtype=object)
        column, of_grid = expected_by.get(layer, (None, None))
        if column in points.frame.columns:
            expected = col(points.frame, column)
            inside = gi >= 0
            got = np.where(inside, of_grid[np.clip(gi, 0, None)], None)
            wrong = inside & (expected != None) & (got != expected)  # noqa: E711
        outside = np.flatnonzero(gi < 0)
        if len(outside) <= allowed:
            outside = outside[:0]
        dist = np.zeros(len(points))
        if len(outside) and len(ctx.grid_geoms):
            tree = shapely.STRtree(ctx.grid_geoms)
            (src, _), d = tree.query_nearest(
                points.geoms[outside], return_distance=True, all_matches=False
            )
            dist[outside[src]] = d
        findings += [
            points.finding(
                i,
                key="point_outside",
                measured=float(dist[i]),
                args={"layer": layer, "id": points.ids[i], "distance": dist[i]},
            )
            for i in outside
        ]
        findings += [
            points.finding(
                i,
                key="point_wrong_grid",
                measured=0.0,
                args={"layer": layer, "id": points.ids[i], "expected": expected[i]},
                details={"expected": expected[i]},
            )
            for i in np.flatnonzero(wrong)
        ]
    all_checked = np.concatenate(checked) if checked else np.zeros(0, dtype=object)
    return Outcome(all_checked, findings)


@rule(
    id="compounds_assigned",
    family=_FAMILY,
    title_zh="每个小区都已分包到人",
    title_en="Every compound has a responsible worker",
    source="campaign plan: 将管辖小区全部分包到人; 定人定岗定责 (STANDARDS §7)",
    params=[
        Param("min_workers", "workers", "fewest workers each grid holding the compound needs"),
        Param(
            "min_overlap_m2", "m²", "grids sharing less area than this with a compound are ignored"
        ),
    ],
    layers=("compounds", "grids", "assignments", "workers"),
)
def check_compounds_assigned(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    """Every compound lies in grids that each have a responsible worker on the run's date.

    The grids holding a compound are those sharing more than ``min_overlap_m2`` with
    it (found with a spatial index). It fails when no grid holds it, or when one of
    them has fewer than ``min_workers`` workers. Measured: the fewest workers among
    its grids.
    """
    compounds = Objects(ctx, "compounds", place_key="compounds")
    if compounds.empty:
        return Outcome.skipped("no compounds")
    polys = compounds.geoms
    staff = np.array([len(ctx.workers_of(c)) for c in ctx.grid_codes], dtype=np.int64)
    ci, gi = (np.zeros(0, int), np.zeros(0, int))
    if len(ctx.grid_geoms):
        tree = shapely.STRtree(ctx.grid_geoms)
        ci, gi = tree.query(polys, predicate="intersects")
    overlap = shapely.area(shapely.intersection(polys[ci], ctx.grid_geoms[gi])) if len(ci) else []
    keep = np.asarray(overlap) > float(params["min_overlap_m2"])
    ci, gi = ci[keep], gi[keep]
    need = int(params["min_workers"])
    n = len(compounds)
    held = np.bincount(ci, minlength=n) > 0
    fewest = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(fewest, ci, staff[gi])
    short_pairs = staff[gi] < need
    first_short = np.full(n, -1, dtype=np.int64)
    order = np.flatnonzero(short_pairs)[::-1]  # the first short grid of each compound wins
    first_short[ci[order]] = gi[order]
    findings = [
        compounds.finding(
            i, key="compound_no_grid", measured=0.0, args={"compound": compounds.label(i)}
        )
        for i in np.flatnonzero(~held)
    ]
    for i in np.flatnonzero(held & (first_short >= 0)):
        g = first_short[i]
        findings.append(
            compounds.finding(
                i,
                key="compound_unstaffed",
                measured=float(fewest[i]),
                args={"compound": compounds.label(i), "grid": ctx.grid_codes[g]},
                grid=ctx.grid_codes[g],
                community=ctx.grid_community[g],
            )
        )
    return Outcome(compounds.checked, findings)


@rule(
    id="grid_codes",
    family=_FAMILY,
    title_zh="网格编码规范且唯一",
    title_en="Grid codes are well formed and unique",
    source=(
        "DB11/T 2157-2023 unit-grid ID: 15 digits = 12-digit community code + "
        "3-digit sequence (STANDARDS §1)"
    ),
    params=[Param("max_grids_per_code", "grids", "most grids that may share one code")],
    layers=("grids",),
)
def check_grid_codes(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    """Every grid code is 15 digits, starts with its community's code and names one grid.

    Uses :func:`gridmap.grids.codes.grid_code_problems`: a missing code, other
    characters than digits, the wrong length, a community prefix that is not the
    grid's community, or sequence ``000`` each fail; so does a code shared by more
    grids than ``max_grids_per_code``. Measured: the grids using the code.
    """
    grids = Objects(ctx, "grids")
    if grids.empty:
        return Outcome.skipped("no grids")
    codes, communities = ctx.grid_codes, ctx.grid_community
    uses = pd.Series([c for c in codes if c is not None], dtype=object).value_counts()
    most = int(params["max_grids_per_code"])
    findings = []
    for i, (code, community) in enumerate(zip(codes, communities, strict=True)):
        n = int(uses.get(code, 0)) if code is not None else 0
        problems = grid_code_problems(code, community_code=community)
        if n > most:
            problems.append(("duplicate", {"code": code}))
        findings += [
            _grid_finding(
                ctx,
                grids,
                i,
                object_id=code or grids.ids[i],
                key=f"grid_code_{kind}",
                measured=float(n),
                args={**fields, "code": code or grids.ids[i], "grids": n},
                details={"problem": kind},
            )
            for kind, fields in problems
        ]
    return Outcome(communities.copy(), findings)


@rule(
    id="grid_code_order",
    family=_FAMILY,
    title_zh="网格编码自西向东、自北向南编排",
    title_en="Grid codes run west→east, north→south",
    source=(
        "DB11/T 2157-2023 and DB6101/T 3185-2024: grids numbered west→east, "
        "north→south within a community (STANDARDS §1, §3)"
    ),
    params=[Param("max_out_of_order", "pairs", "out-of-order neighbours allowed per community")],
    layers=("grids",),
    severity="advisory",
)
def check_grid_code_order(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    """Inside each community, grid sequence numbers increase west→east, north→south.

    Uses :func:`gridmap.grids.codes.code_order_pairs`: the well-formed, unique codes
    of a community are put in reading order, and each neighbouring pair whose first
    grid has the higher number is out of order. Gaps in the numbering are fine.
    Checked: the communities. Measured: the out-of-order pairs.
    """
    grids = ctx.frame("grids")
    if grids.empty:
        return Outcome.skipped("no grids")
    allowed = int(params["max_out_of_order"])
    found = code_order_pairs(grids)
    findings = [
        Finding(
            layer="communities",
            object_id=community,
            name=None,
            measured=float(len(pairs)),
            key="grid_code_order",
            args={
                "community": community,
                "pairs": len(pairs),
                "first": pairs[0][0],
                "second": pairs[0][1],
            },
            geometry=None,
            community=community,
            details={"pairs": [list(pair) for pair in pairs]},
        )
        for community, pairs in found.items()
        if len(pairs) > allowed
    ]
    checked = np.array(sorted(set(ctx.grid_community) - {None}), dtype=object)
    return Outcome(checked, findings)
