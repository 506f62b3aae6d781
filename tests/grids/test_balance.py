"""Tests for gridmap.grids.balance: totals, validation, rebalancing, undo/redo."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from gridmap.errors import InputError
from gridmap.grids.balance import (
    Bounds,
    Move,
    Plan,
    default_bounds,
    grid_adjacency,
    grid_metrics,
    is_contiguous,
    rebalance,
    validate_plan,
    worker_totals,
)

ROLES = ["grid_head", "full_time", "part_time", "volunteer"]


def lattice_adjacency(nx: int, ny: int) -> dict[str, set[str]]:
    adj: dict[str, set[str]] = {}
    for i in range(nx):
        for j in range(ny):
            g = f"g{i}_{j}"
            adj[g] = set()
            for di, dj in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                if 0 <= i + di < nx and 0 <= j + dj < ny:
                    adj[g].add(f"g{i + di}_{j + dj}")
    return adj


def metrics_for(households: dict[str, float]) -> pd.DataFrame:
    frame = pd.DataFrame(index=pd.Index(list(households), name="grid"))
    frame["grids"] = 1.0
    frame["households"] = [float(households[g]) for g in frame.index]
    for column in ("residents", "area_m2", "points", "open_issues"):
        frame[column] = 0.0
    return frame


def strip_plan(nx: int, ny: int, n_workers: int) -> Plan:
    """Workers hold vertical strips of a lattice (each strip contiguous), plus one head."""
    data = {}
    for i in range(nx):
        w = f"W{min(i * n_workers // nx, n_workers - 1)}"
        for j in range(ny):
            data[f"g{i}_{j}"] = {w: "full_time", "H": "grid_head"}
    return Plan(data)


# --------------------------------------------------------------------------- metrics


def test_grid_metrics_reads_columns_and_computes_area():
    grids = gpd.GeoDataFrame(
        {
            "code": ["a", "b"],
            "households": [10, None],
            "boards": [1, 2],
            "bins": [3, 0],
            "open_issues": [0, 4],
        },
        geometry=[box(514436, 3347836, 514536, 3347936), box(514536, 3347836, 514636, 3347936)],
        crs="EPSG:4549",
    ).to_crs("EPSG:4326")
    m = grid_metrics(grids)
    assert m.loc["a", "households"] == 10
    assert m.loc["b", "households"] == 0
    assert m["points"].tolist() == [4, 2]
    assert m["area_m2"].round().tolist() == [10000, 10000]
    assert m["open_issues"].tolist() == [0, 4]


def test_grid_adjacency_needs_a_shared_segment_not_a_corner():
    cells = [
        box(514436 + 100 * i, 3347836 + 100 * j, 514536 + 100 * i, 3347936 + 100 * j)
        for j in range(2)
        for i in range(2)
    ]
    grids = gpd.GeoDataFrame(
        {"code": ["sw", "se", "nw", "ne"]}, geometry=cells, crs="EPSG:4549"
    ).to_crs("EPSG:4326")
    adj = grid_adjacency(grids)
    assert adj["sw"] == {"se", "nw"}
    assert "ne" not in adj["sw"]
    assert is_contiguous(["sw", "se", "ne"], adj)
    assert not is_contiguous(["sw", "ne"], adj)


# --------------------------------------------------------------------------- totals


def test_worker_totals_sum_workload_roles_once_per_grid():
    plan = Plan(
        {
            "a": {"W1": "full_time", "H": "grid_head"},
            "b": {"W1": "full_time"},
            "c": {"W2": "part_time"},
        }
    )
    m = metrics_for({"a": 100, "b": 50, "c": 7})
    totals = worker_totals(plan, m, workers=["W9"])
    assert totals.loc["W1", "households"] == 150
    assert totals.loc["W1", "grids"] == 2
    assert totals.loc["W2", "households"] == 7
    assert totals.loc["W9", "households"] == 0
    assert "H" not in totals.index
    heads = worker_totals(plan, m, roles=["grid_head"])
    assert heads.loc["H", "households"] == 100


def test_default_bounds_around_the_mean():
    totals = pd.DataFrame({"households": [100.0, 300.0]}, index=["a", "b"])
    b = default_bounds(totals, tolerance=0.1)["households"]
    assert (b.min, b.target, b.max) == (180, 200, 220)
    with pytest.raises(InputError):
        Bounds(5, None, 1)


# --------------------------------------------------------------------------- validation


def test_validate_plan_lists_every_kind_of_problem():
    adj = lattice_adjacency(3, 1)
    plan = Plan(
        {
            "g0_0": {"W1": "full_time", "H": "grid_head"},
            "g1_0": {"W2": "full_time", "H": "grid_head"},
            "g2_0": {"W1": "full_time", "OLD": "part_time"},
        }
    )
    m = metrics_for({"g0_0": 100, "g1_0": 100, "g2_0": 100})
    findings = validate_plan(
        plan,
        m,
        {"households": Bounds(150, 200, 250)},
        adjacency=adj,
        require_contiguity=True,
        active_workers=["W1", "W2", "H"],
    )
    kinds = {(f.kind, f.grid, f.worker) for f in findings}
    assert ("no_head", "g2_0", None) in kinds
    assert ("inactive", "g2_0", "OLD") in kinds
    assert ("low", None, "W2") in kinds
    assert ("low", None, "OLD") in kinds
    assert ("not_contiguous", None, "W1") in kinds
    assert not any(f.worker == "W1" and f.kind in ("low", "high") for f in findings)


def test_a_good_plan_validates_clean_and_contiguity_needs_adjacency():
    plan = strip_plan(4, 2, 2)
    m = metrics_for({g: 10 for g in plan.grids})
    assert (
        validate_plan(
            plan,
            m,
            {"households": Bounds(40, 40, 40)},
            adjacency=lattice_adjacency(4, 2),
            require_contiguity=True,
        )
        == []
    )
    with pytest.raises(InputError, match="adjacency"):
        validate_plan(plan, m, require_contiguity=True)


# --------------------------------------------------------------------------- plan edits


edits = st.lists(
    st.tuples(
        st.sampled_from(
            ["assign", "assign_add", "unassign", "lock", "unlock", "apply", "undo", "redo"]
        ),
        st.lists(
            st.sampled_from([f"g{i}_{j}" for i in range(3) for j in range(2)]),
            min_size=1,
            max_size=3,
        ),
        st.sampled_from(["W0", "W1", "W2", "X"]),
        st.sampled_from(ROLES),
    ),
    max_size=25,
)


def run_edit(plan: Plan, edit) -> None:
    kind, grids, worker, role = edit
    if kind == "assign":
        plan.assign(grids, worker, role)
    elif kind == "assign_add":
        plan.assign(grids, worker, role, replace=False)
    elif kind == "unassign":
        plan.unassign(grids, role=role)
    elif kind == "lock":
        plan.lock(grids)
    elif kind == "unlock":
        plan.unlock(grids)
    elif kind == "undo":
        plan.undo()
    elif kind == "redo":
        plan.redo()
    else:
        g = grids[0]
        holder = plan.holder(g, "full_time")
        if g not in plan.locked:
            plan.apply([Move(g, holder, worker, "full_time")])


@settings(max_examples=200, deadline=None)
@given(edits=edits)
def test_undo_after_any_edits_restores_the_original(edits):
    plan = strip_plan(3, 2, 2)
    original = plan.copy()
    for e in edits:
        run_edit(plan, e)
    while plan.undo():
        pass
    assert plan == original
    assert plan.changes() == []


@settings(max_examples=100, deadline=None)
@given(edits=edits)
def test_redo_after_undo_repeats_every_edit(edits):
    plan = strip_plan(3, 2, 2)
    for e in edits:
        if e[0] not in ("undo", "redo"):
            run_edit(plan, e)
    final = plan.copy()
    while plan.undo():
        pass
    while plan.redo():
        pass
    assert plan == final


def test_a_new_edit_after_undo_clears_redo():
    plan = strip_plan(2, 1, 1)
    plan.assign("g0_0", "X", "full_time")
    plan.undo()
    assert plan.can_redo
    plan.lock("g1_0")
    assert not plan.can_redo
    assert plan.can_undo


def test_plan_edits_check_grids_roles_and_locks():
    plan = strip_plan(2, 1, 1)
    with pytest.raises(InputError, match="not in the plan"):
        plan.assign("nope", "W0", "full_time")
    with pytest.raises(InputError, match="role"):
        plan.assign("g0_0", "W0", "boss")
    plan.lock("g0_0")
    with pytest.raises(InputError, match="locked"):
        plan.apply([Move("g0_0", "W0", "W1")])
    with pytest.raises(InputError, match="no longer held"):
        plan.apply([Move("g1_0", "W7", "W1")])
    assert plan.assign("g1_0", "W0", "full_time") == 0  # no change, nothing to undo
    assert plan.changes() == [
        {
            "grid": "g0_0",
            "before": plan.workers_of("g0_0"),
            "after": plan.workers_of("g0_0"),
            "locked_before": False,
            "locked_after": True,
        }
    ]


def test_plan_from_frames_keeps_locks_and_versions():
    grids = pd.DataFrame({"code": ["a", "b"], "locked": [True, False], "version": [3, 1]})
    assignments = pd.DataFrame(
        {
            "id": [1, 2],
            "grid": ["a", "b"],
            "worker": ["W1", "W2"],
            "role": ["full_time", "grid_head"],
            "version": [1, 2],
        }
    )
    plan = Plan.from_frames(grids, assignments)
    assert plan.locked == {"a"}
    assert plan.base_versions == {"grids": {"a": 3, "b": 1}, "assignments": {1: 1, 2: 2}}
    assert plan.rows() == [
        {"grid": "a", "worker": "W1", "role": "full_time"},
        {"grid": "b", "worker": "W2", "role": "grid_head"},
    ]


# --------------------------------------------------------------------------- rebalance


def test_rebalance_fixes_an_obvious_imbalance():
    adj = lattice_adjacency(6, 1)
    # W0 holds five grids, W1 one; 100 households each
    data = {f"g{i}_0": {("W0" if i < 5 else "W1"): "full_time"} for i in range(6)}
    plan = Plan(data)
    m = metrics_for({g: 100 for g in data})
    bounds = {"households": Bounds(250, 300, 350)}
    moves = rebalance(plan, m, bounds, adjacency=adj)
    assert {(mv.grid, mv.from_worker, mv.to_worker) for mv in moves} == {
        ("g3_0", "W0", "W1"),
        ("g4_0", "W0", "W1"),
    }
    plan.apply(moves)
    assert (
        validate_plan(plan, m, bounds, adjacency=adj, require_contiguity=True, require_head=False)
        == []
    )


def test_rebalance_never_turns_a_grid_head_into_the_moved_role():
    adj = lattice_adjacency(3, 1)
    # W1 heads g1 and works g2; W0 works g0 and g1: g1 must not go to W1
    plan = Plan(
        {
            "g0_0": {"W0": "full_time"},
            "g1_0": {"W0": "full_time", "W1": "grid_head"},
            "g2_0": {"W1": "full_time"},
        }
    )
    m = metrics_for({"g0_0": 100, "g1_0": 100, "g2_0": 0})
    moves = rebalance(plan, m, {"households": Bounds(90, 100, 110)}, adjacency=adj)
    assert all(mv.grid != "g1_0" for mv in moves)


def test_rebalance_gives_grids_to_a_new_worker():
    adj = lattice_adjacency(4, 1)
    plan = Plan({f"g{i}_0": {"W0": "full_time"} for i in range(4)})
    m = metrics_for({g: 100 for g in plan.grids})
    moves = rebalance(
        plan, m, {"households": Bounds(150, 200, 250)}, adjacency=adj, workers=["NEW"]
    )
    plan.apply(moves)
    assert len(plan.grids_of("NEW")) == 2
    assert is_contiguous(plan.grids_of("NEW"), adj)


@st.composite
def scenarios(draw):
    nx = draw(st.integers(2, 5))
    ny = draw(st.integers(1, 4))
    n_workers = draw(st.integers(1, min(4, nx)))
    plan = strip_plan(nx, ny, n_workers)
    grids = plan.grids
    households = {g: draw(st.integers(0, 200)) for g in grids}
    locked = draw(st.lists(st.sampled_from(grids), max_size=len(grids), unique=True))
    plan.lock(locked)
    lo = draw(st.integers(0, 400))
    hi = lo + draw(st.integers(0, 400))
    extra = draw(st.lists(st.sampled_from(["NEW1", "NEW2"]), max_size=2, unique=True))
    seed = draw(st.integers(0, 5))
    return (
        plan,
        lattice_adjacency(nx, ny),
        metrics_for(households),
        Bounds(lo, None, hi),
        extra,
        seed,
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios())
def test_rebalance_never_moves_locked_grids_nor_breaks_contiguity(scenario):
    plan, adj, m, bounds, extra, seed = scenario
    before = plan.copy()
    moves = rebalance(plan, m, {"households": bounds}, adjacency=adj, workers=extra, seed=seed)
    assert plan == before  # proposing changes nothing
    assert not {mv.grid for mv in moves} & plan.locked
    assert moves == rebalance(
        plan, m, {"households": bounds}, adjacency=adj, workers=extra, seed=seed
    )
    after = plan.copy()
    after.apply(moves)
    for w in sorted(set(before.workers()) | set(extra)):
        if is_contiguous(before.grids_of(w, roles=["full_time"]), adj):
            assert is_contiguous(after.grids_of(w, roles=["full_time"]), adj), w
    miss_before = sum(bounds.miss(v) for v in worker_totals(before, m, workers=extra)["households"])
    miss_after = sum(bounds.miss(v) for v in worker_totals(after, m, workers=extra)["households"])
    assert miss_after <= miss_before + 1e-9


# --------------------------------------------------------------------------- page tables


def test_plan_grids_and_moves_table_name_the_workers():
    from gridmap.grids.balance import moves_table, plan_grids

    plan = Plan({"g0": {"W0": "full_time", "H": "grid_head"}, "g1": {"W1": "full_time"}})
    plan.lock(["g1"])
    grids = pd.DataFrame({"code": ["g0", "g1"], "households": [3, 4]})
    shown = plan_grids(grids, plan, role="full_time", names={"W0": "张三"})
    assert shown["worker"].tolist() == ["张三", "W1"] and shown["locked"].tolist() == [False, True]
    heads = plan_grids(grids, plan, role="grid_head")["worker"]
    assert heads.iloc[0] == "H" and pd.isna(heads.iloc[1])  # g1 has no head
    assert "worker" not in grids.columns  # a copy
    table = moves_table([Move("g0", "W0", "W1")], {"W1": "李四"})
    assert table.to_dict("records") == [
        {"accept": True, "grid": "g0", "from_worker": "W0", "to_worker": "李四"}
    ]
    assert moves_table([]).empty


def test_workload_inputs_rebalance_validate_and_bars_include_idle_workers():
    from gridmap.grids.service import WorkloadInputs

    adj = lattice_adjacency(4, 1)
    plan = Plan({f"g{i}_0": {"W0": "full_time"} for i in range(4)})
    m = metrics_for({g: 100 for g in plan.grids})
    inputs = WorkloadInputs(plan, m, adj, active=["W0", "NEW"], idle=["NEW"])
    bounds = {"households": Bounds(150, 200, 250)}
    bars = inputs.workload(bounds, metric="households", role="full_time", names={"W0": "张三"})
    assert dict(zip(bars["name"], bars["value"], strict=True)) == {
        "张三 (W0)": 400.0,
        "NEW (NEW)": 0.0,
    }
    before = {(f.kind, f.worker) for f in inputs.validate(bounds, role="full_time")}
    assert {("low", "NEW"), ("high", "W0")} <= before
    plan.apply(inputs.rebalance(bounds, role="full_time"))
    assert len(plan.grids_of("NEW")) == 2
    after = inputs.validate(bounds, role="full_time", require_contiguity=True)
    assert {f.kind for f in after} == {"no_head"}  # within bounds, each in one piece
