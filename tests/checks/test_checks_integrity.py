"""Integrity rules on hand-made streets: one case on each side of every threshold."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import shapely
from checkfixtures import COMMUNITY, G1, G2, box, frame, make_street, pt, run

from gridmap.checks.integrity import band_violations, staffing_counts


def test_staffing_counts_core():
    heads, others = staffing_counts(
        ["a", "b", "c"], ["a", "a", "b", "x"], ["grid_head", "full_time", "volunteer", "grid_head"]
    )
    assert heads.tolist() == [1, 0, 0] and others.tolist() == [1, 1, 0]


def test_tiling_passes_and_finds_a_gap():
    assert run(make_street(), "tiling").ok
    layers = make_street()
    layers["grids"] = frame(
        [box(0, 0, 500, 1000), box(500, 0, 500, 900)],  # 500 x 100 m missing in the north-east
        code=[G1, G2],
        community=[COMMUNITY] * 2,
    )
    result = run(layers, "tiling")
    (gap,) = result.failures
    assert gap.measured == pytest.approx(50_000, rel=1e-6)
    assert gap.details["kind"] == "gap" and gap.grid == G2  # the nearest grid answers for it
    assert gap.workers == ("王三", "赵四")


def test_tiling_tolerance():
    layers = make_street()
    layers["grids"] = frame(
        [box(0, 0, 500, 1000), box(500, 0.5, 500, 999.5)], code=[G1, G2], community=[COMMUNITY] * 2
    )
    assert not run(layers, "tiling").ok  # 2 x 250 m² slivers
    assert run(layers, "tiling", params={"tolerance_m2": 300.0}).ok


def test_staffing_needs_a_head_and_another_worker():
    assert run(make_street(), "staffing").ok
    layers = make_street()
    rows = layers["assignments"]
    rows.loc[(rows["grid"] == G1) & (rows["role"] == "grid_head"), "valid_to"] = dt.date(
        2026, 6, 30
    )
    layers["assignments"] = rows[~((rows["grid"] == G2) & (rows["role"] == "full_time"))]
    result = run(layers, "staffing")
    by_grid = {f.grid: f for f in result.failures}
    assert set(by_grid) == {G1, G2}
    assert "no grid head" in by_grid[G1].message and by_grid[G1].workers == ("李二",)
    assert by_grid[G2].measured == 0 and by_grid[G2].workers == ("王三",)
    # before the head left, grid 1 was fully staffed
    earlier = run(layers, "staffing", as_of=dt.date(2026, 6, 1))
    assert {f.grid for f in earlier.failures} == {G2}


@pytest.mark.parametrize(
    ("households", "fails"), [(299, True), (300, False), (500, False), (501, True)]
)
def test_households_band(households, fails):
    result = run(make_street(households=(households, 400)), "grid_households")
    assert (not result.ok) is fails
    if fails:
        assert result.failures[0].measured == households and result.failures[0].grid == G1


def test_households_unknown_are_not_checked():
    layers = make_street()
    layers["grids"]["households"] = [None, 450]
    assert run(layers, "grid_households").checked == 1


@pytest.mark.parametrize(("residents", "fails"), [(2500, False), (2501, True)])
def test_residents_cap(residents, fails):
    result = run(make_street(residents=(1000, residents)), "grid_residents")
    assert (not result.ok) is fails
    if fails:
        assert result.failures[0].grid == G2 and result.failures[0].measured == residents


def test_band_violations_ignores_nan():
    assert band_violations([1.0, float("nan")], low=2, high=None).tolist() == [True, False]


def test_points_in_grids():
    layers = make_street()
    layers["boards"] = frame(
        [pt(100, 100), pt(1100, 500)], code=["P1", "P2"], board_type=["publicity"] * 2
    )
    layers["entrances"] = frame([pt(600, 10)], name=["东门"], community=["330102011009"])
    result = run(layers, "points_in_grids")
    by_id = {f.object_id: f for f in result.failures}
    assert set(by_id) == {"P2", "东门"}
    assert by_id["P2"].measured == pytest.approx(100.0) and by_id["P2"].grid == G2
    assert by_id["东门"].grid == G2 and "330102011009" in by_id["东门"].message
    assert result.checked == 3


def test_points_in_grids_issue_routed_elsewhere():
    layers = make_street()
    layers["issues"] = frame(
        [pt(100, 100)],
        code=["AJ1"],
        category=["市容环境"],
        reported_at=[pd.Timestamp("2026-10-01")],
        grid_code=[G2],
    )
    (f,) = run(layers, "points_in_grids").failures
    assert f.object_id == "AJ1" and f.grid == G1 and G2 in f.message


def test_compounds_assigned():
    layers = make_street()
    layers["compounds"] = frame(
        [box(100, 100, 100, 100), box(2000, 0, 50, 50)], name=["甲小区", "飞地小区"]
    )
    result = run(layers, "compounds_assigned")
    assert [f.object_id for f in result.failures] == ["飞地小区"]
    layers["compounds"] = layers["compounds"].iloc[:1]
    layers["assignments"] = layers["assignments"][layers["assignments"]["grid"] != G1]
    (f,) = run(layers, "compounds_assigned").failures
    assert f.object_id == "甲小区" and f.grid == G1 and f.measured == 0
    assert shapely.area(f.geometry) > 0


def test_grid_codes_pass_and_name_each_problem():
    assert run(make_street(), "grid_codes").ok
    layers = make_street()
    layers["grids"] = frame(
        [box(0, 0, 500, 1000), box(500, 0, 250, 1000), box(750, 0, 250, 1000)],
        code=["330102011009001", G1, G1],
        community=[COMMUNITY] * 3,
    )
    result = run(layers, "grid_codes")
    kinds = sorted((f.object_id, f.details["problem"]) for f in result.failures)
    assert kinds == [(G1, "duplicate"), (G1, "duplicate"), ("330102011009001", "prefix")]
    dup = next(f for f in result.failures if f.details["problem"] == "duplicate")
    assert dup.measured == 2 and "used by 2 grids" in dup.message and "2 个网格" in dup.message_zh
    assert run(layers, "grid_codes", params={"max_grids_per_code": 2}).failed == 1


def test_grid_code_order_is_an_advisory_per_community():
    assert run(make_street(), "grid_code_order").ok
    layers = make_street()
    layers["grids"]["code"] = [G2, G1]  # the western grid has the higher number
    result = run(layers, "grid_code_order")
    (f,) = result.failures
    assert f.severity == "advisory" and f.object_id == COMMUNITY and f.measured == 1
    assert f.details["pairs"] == [[G2, G1]] and "west→east" in f.message
    assert run(layers, "grid_code_order", params={"max_out_of_order": 1}).ok


def test_grid_heads_pass_with_one_head_per_grid_at_a_time():
    layers = make_street()
    rows = layers["assignments"]
    # 张一 hands over to 李二's grid head post: one ends the day before the other starts
    rows.loc[(rows["grid"] == G1) & (rows["role"] == "grid_head"), "valid_to"] = dt.date(
        2026, 3, 31
    )
    handover = {"grid": G1, "worker": "W2", "role": "grid_head",
                "valid_from": dt.date(2026, 4, 1), "valid_to": None}  # fmt: skip
    layers["assignments"] = pd.concat([rows, pd.DataFrame([handover])], ignore_index=True)
    assert run(layers, "grid_heads").ok


def test_grid_heads_fail_on_two_concurrent_heads_even_in_the_future():
    layers = make_street()
    second = {"grid": G2, "worker": "W4", "role": "grid_head",
              "valid_from": dt.date(2027, 1, 1), "valid_to": dt.date(2027, 6, 30)}  # fmt: skip
    layers["assignments"] = pd.concat(
        [layers["assignments"], pd.DataFrame([second])], ignore_index=True
    )
    result = run(layers, "grid_heads", as_of=dt.date(2026, 12, 5))
    (failure,) = result.failures
    assert failure.grid == G2 and failure.community == COMMUNITY
    assert failure.details["workers"] == ["W3", "W4"]
    assert failure.measured == 181  # 2027-01-01 .. 2027-06-30
    assert "王三" in failure.message and "赵四" in failure.message
    assert "2027-01-01" in failure.message and "2027-06-30" in failure.message
    assert "两名网格长" in failure.text("zh")


def test_grid_heads_the_same_worker_twice_is_no_conflict():
    layers = make_street()
    again = {"grid": G1, "worker": "W1", "role": "grid_head",
             "valid_from": dt.date(2025, 1, 1), "valid_to": None}  # fmt: skip
    layers["assignments"] = pd.concat(
        [layers["assignments"], pd.DataFrame([again])], ignore_index=True
    )
    assert run(layers, "grid_heads").ok


def test_an_invalid_grid_is_explained_in_the_readers_language():
    layers = make_street()
    bow_tie = shapely.Polygon([(0, 0), (500, 1000), (500, 0), (0, 1000)])  # self-intersecting
    layers["grids"] = frame([bow_tie, box(500, 0, 500, 1000)], code=[G1, G2],
                            community=[COMMUNITY] * 2)  # fmt: skip
    result = run(layers, "tiling")
    (invalid,) = [f for f in result.failures if f.details["kind"] == "invalid"]
    assert "自相交" in invalid.message_zh or "无效" in invalid.message_zh
    words = [w for w in invalid.message_zh.replace(G1, "").split() if w.isascii() and w.isalpha()]
    assert words == [], invalid.message_zh  # no English reason inside the Chinese sentence
    assert "invalid" in invalid.message.lower()
