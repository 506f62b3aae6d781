"""Tests for gridmap.grids.plans: saving grids and plans, history, plan files."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridmap.auth import User
from gridmap.errors import ConflictError, NotFound, PermissionDenied, TopologyError
from gridmap.grids import service as grid_service
from gridmap.model import UserRole

PLANNER = User("planner", UserRole.PLANNER)
VIEWER = User("viewer", UserRole.VIEWER)
C1 = "330102011001"
C2 = "330102011002"
TODAY = dt.date.today()


def assignments(store) -> pd.DataFrame:
    frame = store.read_layer("assignments")
    return frame.drop(columns=["version"]).sort_values("id").reset_index(drop=True)


# --------------------------------------------------------------------------- assignments


def test_save_assignments_ends_old_and_starts_new(demo_store):
    plan = grid_service.read_plan(demo_store)
    grid = f"{C1}001"
    old = plan.holder(grid, "full_time")
    plan.assign(grid, "W0003", "full_time")
    result = grid_service.save_assignments(demo_store, PLANNER, plan)
    assert result == {"grids": 1, "ended": 1, "added": 1}
    now = {w["code"]: w["role"] for w in demo_store.workers_of(grid)}
    assert now["W0003"] == "full_time" and old not in now
    yesterday = {w["code"] for w in demo_store.workers_of(grid, on=TODAY - dt.timedelta(days=1))}
    assert old in yesterday and "W0003" not in yesterday
    audit = demo_store.read_audit(limit=20)
    assert "reassign" in set(audit["action"])


def test_two_sessions_editing_the_same_grid_second_is_refused_nothing_lost(demo_store):
    grid = f"{C1}002"
    first = grid_service.read_plan(demo_store)
    second = grid_service.read_plan(demo_store)
    first.assign(grid, "W0004", "full_time")
    second.assign(grid, "W0005", "full_time")
    grid_service.save_assignments(demo_store, PLANNER, first)
    before = assignments(demo_store)
    with pytest.raises(ConflictError) as info:
        grid_service.save_assignments(demo_store, PLANNER, second)
    assert grid in str(info.value) and "W0004" in str(info.value)
    assert info.value.changes
    after = assignments(demo_store)
    pd.testing.assert_frame_equal(before, after)
    assert "W0004" in {w["code"] for w in demo_store.workers_of(grid)}


def test_sessions_editing_different_grids_both_save(demo_store):
    first = grid_service.read_plan(demo_store)
    second = grid_service.read_plan(demo_store)
    first.assign(f"{C1}001", "W0004", "full_time")
    second.assign(f"{C2}001", "W0005", "full_time")
    grid_service.save_assignments(demo_store, PLANNER, first)
    grid_service.save_assignments(demo_store, PLANNER, second)
    assert "W0005" in {w["code"] for w in demo_store.workers_of(f"{C2}001")}


def test_locks_are_saved_and_unchanged_plans_write_nothing(demo_store):
    plan = grid_service.read_plan(demo_store)
    assert grid_service.save_assignments(demo_store, PLANNER, plan) == {
        "grids": 0,
        "ended": 0,
        "added": 0,
    }
    plan.lock(f"{C1}003")
    grid_service.save_assignments(demo_store, PLANNER, plan)
    assert grid_service.read_plan(demo_store).locked == {f"{C1}003"}


def test_permissions_are_checked_and_nothing_is_written(demo_store):
    before = assignments(demo_store)
    plan = grid_service.read_plan(demo_store)
    plan.assign(f"{C2}001", "W0003", "full_time")
    with pytest.raises(PermissionDenied):
        grid_service.save_assignments(demo_store, VIEWER, plan)
    scoped = User("scoped", UserRole.PLANNER, (C1,))
    with pytest.raises(PermissionDenied, match=C2):
        grid_service.save_assignments(demo_store, scoped, plan)
    pd.testing.assert_frame_equal(before, assignments(demo_store))


def test_unknown_worker_is_refused(demo_store):
    plan = grid_service.read_plan(demo_store)
    plan.assign(f"{C1}001", "W9999", "full_time")
    before = assignments(demo_store)
    with pytest.raises(NotFound, match="W9999"):
        grid_service.save_assignments(demo_store, PLANNER, plan)
    pd.testing.assert_frame_equal(before, assignments(demo_store))


# --------------------------------------------------------------------------- grids


def test_save_grids_replaces_keeps_history_and_carries_workers(demo_store):
    old_grids = demo_store.read_layer("grids")
    old_c1 = old_grids[old_grids["community"] == C1]
    old_roster = grid_service.roster_as_of(demo_store, TODAY)
    new = grid_service.split_community(demo_store, C1, method="cells", cell_m=250)
    result = grid_service.save_grids(demo_store, PLANNER, C1, new, reason="test")
    assert result["retired"] == len(old_c1)
    assert result["created"] == len(new)
    assert result["carried"] > 0
    grids = demo_store.read_layer("grids")
    assert sorted(grids.loc[grids["community"] == C1, "code"]) == sorted(new["code"])
    assert len(grids[grids["community"] != C1]) == len(old_grids) - len(old_c1)
    # history: yesterday's layout and roster are the old ones
    yesterday = TODAY - dt.timedelta(days=1)
    layout = grid_service.grids_as_of(demo_store, yesterday)
    assert sorted(layout.loc[layout["community"] == C1, "code"]) == sorted(old_c1["code"])
    assert layout.loc[layout["community"] == C1, "retired"].all()
    then = grid_service.roster_as_of(demo_store, yesterday)
    expected = old_roster[old_roster["valid_from"].map(lambda d: d is None or d <= yesterday)]
    assert set(zip(then["grid_code"], then["worker_code"], then["role"], strict=True)) == set(
        zip(expected["grid_code"], expected["worker_code"], expected["role"], strict=True)
    )
    holders = grid_service.holders_on(demo_store, old_c1["code"].iloc[0], yesterday)
    assert holders
    # today the new grids carry workers (where they cover most of an old grid)
    today_roster = grid_service.roster_as_of(demo_store, TODAY)
    assert set(today_roster["grid_code"]) & set(new["code"])
    assert "replace_grids" in set(demo_store.read_audit(limit=500)["action"])


def test_save_grids_refuses_a_broken_tiling_and_changes_nothing(demo_store):
    before = demo_store.read_layer("grids")
    new = grid_service.split_community(demo_store, C1, method="cells", cell_m=250)
    with pytest.raises(TopologyError, match="tile"):
        grid_service.save_grids(demo_store, PLANNER, C1, new.iloc[1:])
    after = demo_store.read_layer("grids")
    assert list(before["code"]) == list(after["code"])


def test_save_grids_checks_role_scope_and_stale_views(demo_store):
    new = grid_service.split_community(demo_store, C1, method="cells", cell_m=250)
    with pytest.raises(PermissionDenied):
        grid_service.save_grids(demo_store, User("s", UserRole.PLANNER, (C2,)), C1, new)
    grids = demo_store.read_layer("grids")
    versions = {
        c: int(v) for c, v in zip(grids["code"], grids["version"], strict=True) if c.startswith(C1)
    }
    plan = grid_service.read_plan(demo_store)
    plan.lock(f"{C1}001")
    grid_service.save_assignments(demo_store, PLANNER, plan)  # bumps the grid's version
    with pytest.raises(ConflictError, match=f"{C1}001"):
        grid_service.save_grids(demo_store, PLANNER, C1, new, base_versions=versions)
    with pytest.raises(NotFound):
        grid_service.save_grids(demo_store, PLANNER, "999999999999", new)


# --------------------------------------------------------------------------- plan files


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    moves=st.lists(
        st.tuples(
            st.integers(0, 39),
            st.sampled_from(["W0003", "W0007", "W0010", "W0020"]),
            st.sampled_from(["full_time", "grid_head", "part_time", "volunteer"]),
        ),
        max_size=5,
    ),
    suffix=st.sampled_from([".csv", ".xlsx"]),
)
def test_plan_export_import_round_trip_is_identity(demo_store, tmp_path, moves, suffix):
    plan = grid_service.read_plan(demo_store)
    for index, worker, role in moves:
        plan.assign(plan.grids[index], worker, role)
    grid_service.save_assignments(demo_store, PLANNER, plan)
    before = assignments(demo_store)
    path = tmp_path / f"plan{suffix}"
    n = grid_service.export_plan(demo_store, path)
    report = grid_service.import_plan(demo_store, PLANNER, path)
    assert report.ok, [str(p) for p in report.problems]
    assert report.rows == n
    assert report.written == 0
    pd.testing.assert_frame_equal(before, assignments(demo_store))


def test_plan_import_applies_a_changed_file(demo_store, tmp_path):
    path = tmp_path / "plan.csv"
    grid_service.export_plan(demo_store, path)
    frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
    row = frame.index[(frame["grid_code"] == f"{C1}001") & (frame["role"] == "full_time")][0]
    frame.loc[row, "worker_code"] = "W0009"
    frame.loc[row, "worker_name"] = None
    frame.loc[row, "valid_from"] = None
    frame.to_csv(path, index=False, encoding="utf-8-sig")
    report = grid_service.import_plan(demo_store, PLANNER, path, dry_run=True)
    assert report.ok and report.written == 2
    assert "W0009" not in {w["code"] for w in demo_store.workers_of(f"{C1}001")}
    report = grid_service.import_plan(demo_store, PLANNER, path)
    assert report.ok
    assert "W0009" in {w["code"] for w in demo_store.workers_of(f"{C1}001")}


def test_plan_import_with_bad_rows_changes_nothing(demo_store, tmp_path):
    before = assignments(demo_store)
    path = tmp_path / "plan.csv"
    path.write_text(
        "网格编码,工号,姓名,角色,起始日期\n"
        f"{C1}001,W0003,,专职网格员,2025-01-01\n"  # fine
        f"999999999999999,W0003,,full_time,\n"  # unknown grid
        f"{C1}002,W9999,,full_time,\n"  # unknown worker
        f"{C1}003,W0003,,boss,\n"  # bad role
        f"{C1}004,W0003,,full_time,yesterday\n"  # bad date
        f"{C1}001,W0003,,grid_head,\n",  # the same worker twice in one grid
        encoding="gbk",
    )
    report = grid_service.import_plan(demo_store, PLANNER, path)
    assert not report.ok
    rows = sorted({p.row for p in report.errors})
    assert rows == [2, 3, 4, 5, 6]
    messages = " ".join(str(p) for p in report.errors)
    assert "999999999999999" in messages and "W9999" in messages and "boss" in messages
    pd.testing.assert_frame_equal(before, assignments(demo_store))


def test_plan_import_refuses_files_without_columns_and_viewers(demo_store, tmp_path):
    path = tmp_path / "plan.csv"
    path.write_text("foo,bar\n1,2\n", encoding="utf-8")
    report = grid_service.import_plan(demo_store, PLANNER, path)
    assert not report.ok and "grid_code" in str(report.errors[0])
    with pytest.raises(PermissionDenied):
        grid_service.import_plan(demo_store, VIEWER, path)


def test_export_as_of_a_past_date(demo_store, tmp_path):
    path = tmp_path / "old.csv"
    n_now = grid_service.export_plan(demo_store, tmp_path / "now.csv")
    n_then = grid_service.export_plan(demo_store, path, as_of=dt.date(2023, 1, 1))
    assert n_then < n_now


@pytest.mark.postgis
def test_plans_on_postgis(make_store, tmp_path):
    from gridmap.importing import import_demo

    store = make_store("postgis")
    import_demo(store)
    grid = f"{C1}001"
    first, second = grid_service.read_plan(store), grid_service.read_plan(store)
    first.assign(grid, "W0004", "full_time")
    second.assign(grid, "W0005", "full_time")
    grid_service.save_assignments(store, PLANNER, first)
    with pytest.raises(ConflictError):
        grid_service.save_assignments(store, PLANNER, second)
    assert "W0004" in {w["code"] for w in store.workers_of(grid)}
    before = assignments(store)
    path = tmp_path / "plan.csv"
    grid_service.export_plan(store, path)
    assert grid_service.import_plan(store, PLANNER, path).written == 0
    pd.testing.assert_frame_equal(before, assignments(store))
    new = grid_service.split_community(store, C1, method="households")
    result = grid_service.save_grids(store, PLANNER, C1, new)
    assert result["created"] == len(new)
    yesterday = TODAY - dt.timedelta(days=1)
    assert grid_service.holders_on(store, grid, yesterday)
    layout = grid_service.grids_as_of(store, yesterday)
    assert layout.loc[layout["community"] == C1, "retired"].all()
