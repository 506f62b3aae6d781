"""Tests for the reassign page's helpers in gridmap.grids.balance (options, tables, bounds)."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from gridmap.errors import InputError
from gridmap.grids.balance import (
    GRID_ROW_COLUMNS,
    Bounds,
    Move,
    Plan,
    accepted_moves,
    bound_marks,
    bounds_between,
    codes_at_rows,
    grid_rows,
    plan_grids,
    selected_grids,
    suggested_bounds,
    toggle_grid,
    worker_label,
)


def metrics_for(households: dict[str, float]) -> pd.DataFrame:
    frame = pd.DataFrame(index=pd.Index(list(households), name="grid"))
    frame["grids"] = 1.0
    frame["households"] = [float(v) for v in households.values()]
    frame["residents"] = 0.0
    return frame


@pytest.fixture
def grids_gdf() -> gpd.GeoDataFrame:
    """Four unit squares in two communities, with figures, in EPSG:4326."""
    return gpd.GeoDataFrame(
        {
            "code": ["a1", "a2", "b1", "b2"],
            "community": ["A", "A", "B", "B"],
            "households": [10, 20, 30, 40],
            "residents": [25, 50, 75, 100],
        },
        geometry=[box(i * 0.001, 0, (i + 1) * 0.001, 0.001) for i in range(4)],
        crs="EPSG:4326",
        index=[7, 8, 9, 10],
    )


# --------------------------------------------------------------------------- labels


def test_worker_label_shows_name_and_code_or_the_code_twice():
    assert worker_label("W1", {"W1": "张三"}) == "张三 (W1)"
    assert worker_label("W2", {"W1": "张三"}) == "W2 (W2)"
    assert worker_label("W3") == "W3 (W3)"


def test_workload_bars_use_the_same_label():
    from gridmap.grids.service import WorkloadInputs

    plan = Plan({"g0": {"W0": "full_time"}})
    inputs = WorkloadInputs(plan, metrics_for({"g0": 5}), {"g0": set()}, ["W0", "N"], ["N"])
    bars = inputs.workload({}, metric="households", role="full_time", names={"W0": "张三"})
    assert list(bars["name"]) == [worker_label("N"), worker_label("W0", {"W0": "张三"})]


# --------------------------------------------------------------------------- bounds


def test_suggested_bounds_are_the_mean_of_the_role_plus_minus_a_quarter():
    plan = Plan(
        {
            "g0": {"W0": "full_time", "P": "part_time"},
            "g1": {"W0": "full_time"},
            "g2": {"W1": "full_time"},
        }
    )
    metrics = metrics_for({"g0": 100, "g1": 100, "g2": 200})
    # full-time totals: W0 200, W1 200 -> mean 200
    got = suggested_bounds(plan, metrics, metric="households", role="full_time")
    assert got == Bounds(150.0, 200.0, 250.0)
    assert all(isinstance(v, float) for v in (got.min, got.target, got.max))
    # part-time totals: P 100 -> only P counts
    assert suggested_bounds(plan, metrics, metric="households", role="part_time") == Bounds(
        75.0, 100.0, 125.0
    )


def test_suggested_bounds_are_zero_when_nobody_holds_a_grid_in_the_role():
    plan = Plan({"g0": {"W0": "full_time"}})
    metrics = metrics_for({"g0": 100})
    zero = Bounds(0.0, 0.0, 0.0)
    assert suggested_bounds(plan, metrics, metric="households", role="volunteer") == zero
    assert suggested_bounds(plan, metrics, metric="area_m2", role="full_time") == zero


def test_bounds_between_orders_the_limits_and_keeps_the_target():
    assert bounds_between(300.0, 250.0, 200.0) == Bounds(200.0, 250.0, 300.0)
    assert bounds_between(200.0, 250.0, 300.0) == Bounds(200.0, 250.0, 300.0)
    assert bounds_between(5.0, None, 5.0) == Bounds(5.0, None, 5.0)


def test_bounds_themselves_still_refuse_reversed_limits():
    with pytest.raises(InputError):
        Bounds(3, 2, 1)


def test_bound_marks_one_row_per_limit_in_order():
    marks = bound_marks(Bounds(1.0, 2.0, 3.0))
    assert marks.to_dict("records") == [
        {"x": 1.0, "kind": "min"},
        {"x": 2.0, "kind": "target"},
        {"x": 3.0, "kind": "max"},
    ]
    assert bound_marks(Bounds(None, 2.0, None))["x"].isna().tolist() == [True, False, True]


# --------------------------------------------------------------------------- grids shown


def test_plan_grids_keeps_only_the_chosen_communities(grids_gdf):
    plan = Plan({"a1": {"W0": "full_time"}, "b2": {"W1": "full_time"}})
    shown = plan_grids(grids_gdf, plan, role="full_time", names={"W1": "李四"},
                       communities=["B"])
    assert isinstance(shown, gpd.GeoDataFrame) and shown.crs == grids_gdf.crs
    assert list(shown["code"]) == ["b1", "b2"] and list(shown.index) == [9, 10]
    assert shown["worker"].iloc[1] == "李四" and pd.isna(shown["worker"].iloc[0])
    assert plan_grids(grids_gdf, plan, role="full_time", communities=[]).empty
    assert len(plan_grids(grids_gdf, plan, role="full_time")) == 4  # default: all


def test_selected_grids_keeps_the_order_and_geometry_of_the_shown(grids_gdf):
    picked = selected_grids(grids_gdf, ["b2", "a1", "zz"])
    assert list(picked["code"]) == ["a1", "b2"]
    assert isinstance(picked, gpd.GeoDataFrame)
    assert selected_grids(grids_gdf, []).empty


def test_toggle_grid_adds_then_removes_without_touching_the_input():
    before = ["a1", "b1"]
    added = toggle_grid(before, "b2")
    assert added == ["a1", "b1", "b2"] and before == ["a1", "b1"]
    assert toggle_grid(added, "a1") == ["b1", "b2"]
    assert toggle_grid((), "a1") == ["a1"]


# --------------------------------------------------------------------------- tables


def test_grid_rows_are_the_table_columns_numbered_from_zero(grids_gdf):
    plan = Plan({"a1": {"W0": "full_time"}}, locked=["a2"])
    shown = plan_grids(grids_gdf, plan, role="full_time", communities=["A"])
    rows = grid_rows(shown)
    assert tuple(rows.columns) == GRID_ROW_COLUMNS
    assert not isinstance(rows, gpd.GeoDataFrame)
    assert list(rows.index) == [0, 1]
    assert rows["locked"].tolist() == [False, True]
    assert rows["households"].tolist() == [10, 20]


def test_codes_at_rows_follow_the_row_positions(grids_gdf):
    rows = grid_rows(plan_grids(grids_gdf, Plan(), role="full_time", communities=["B"]))
    assert codes_at_rows(rows, [1, 0]) == ["b2", "b1"]
    assert codes_at_rows(rows, []) == []
    with pytest.raises(IndexError):
        codes_at_rows(rows, [2])


def test_accepted_moves_keep_the_ticked_ones_in_order():
    moves = [Move("g0", "W0", "W1"), Move("g1", "W0", "W2"), Move("g2", None, "W1")]
    assert accepted_moves(moves, pd.Series([True, False, True])) == [moves[0], moves[2]]
    assert accepted_moves(moves, [False] * 3) == []
    with pytest.raises(ValueError):
        accepted_moves(moves, [True])
