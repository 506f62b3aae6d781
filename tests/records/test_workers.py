"""Tests for gridmap.workers: add, edit, deactivate, overview, staffing."""

from __future__ import annotations

import datetime as dt

import pytest

from gridmap import snapshot
from gridmap.auth import User
from gridmap.errors import ConflictError, InputError, NotFound, PermissionDenied
from gridmap.model import UserRole
from gridmap.records import workers

PLANNER = User("planner", UserRole.PLANNER)
VIEWER = User("viewer", UserRole.VIEWER)
TODAY = dt.date.today()


def test_add_and_edit_a_worker(demo_store):
    code = workers.add_worker(
        demo_store, PLANNER, name=" 张伟 ", phone="13800000000", active_from=dt.date(2026, 1, 1)
    )
    row = workers.get_worker(demo_store, code)
    assert row["name"] == "张伟" and row["active"] and row["phone"] == "13800000000"
    version = workers.update_worker(demo_store, PLANNER, code, notes="新来的", version=1)
    assert version == 2
    assert workers.get_worker(demo_store, code)["notes"] == "新来的"
    with pytest.raises(ConflictError):
        workers.update_worker(demo_store, PLANNER, code, phone="13900000001", version=1)
    assert workers.get_worker(demo_store, code)["phone"] == "13800000000"


@pytest.mark.parametrize("phone", ["1", "12812345678", "1381234567", "87654321", "电话"])
def test_a_wrong_phone_number_is_refused_in_chinese(demo_store, phone):
    with pytest.raises(InputError) as caught:
        workers.add_worker(demo_store, PLANNER, name="李娜", phone=phone)
    assert "11 位手机号" in caught.value.text("zh") and "phone" in str(caught.value)


@pytest.mark.parametrize("phone", ["13812345678", "138-1234-5678", "0571-87654321",
                                   "(0571)87654321", "010-62345678转8001", "+86 13812345678"])
def test_mobile_and_landline_numbers_are_kept(demo_store, phone):
    code = workers.add_worker(demo_store, PLANNER, name="李娜", phone=phone)
    assert workers.get_worker(demo_store, code)["phone"] == phone


def test_worker_input_is_checked(demo_store):
    with pytest.raises(InputError, match="name"):
        workers.add_worker(demo_store, PLANNER, name="  ")
    with pytest.raises(InputError, match="before"):
        workers.add_worker(
            demo_store,
            PLANNER,
            name="x",
            active_from=dt.date(2026, 2, 1),
            active_to=dt.date(2026, 1, 1),
        )
    with pytest.raises(InputError, match="already"):
        workers.add_worker(demo_store, PLANNER, name="x", code="W0001")
    with pytest.raises(InputError, match="editable"):
        workers.update_worker(demo_store, PLANNER, "W0001", active="no")
    with pytest.raises(NotFound):
        workers.update_worker(demo_store, PLANNER, "W9999", notes="x")
    with pytest.raises(PermissionDenied):
        workers.add_worker(demo_store, VIEWER, name="x")


def test_deactivate_flags_the_grids_never_silently(demo_store):
    frames = snapshot.load_frames(demo_store)
    held = sorted(
        set(frames["assignments"].loc[frames["assignments"]["worker"] == "W0006", "grid"])
    )
    assert held
    flagged = workers.deactivate_worker(demo_store, PLANNER, "W0006")
    assert flagged == held
    for grid in held:
        assert "W0006" not in {w["code"] for w in demo_store.workers_of(grid)}
        yesterday = TODAY - dt.timedelta(days=1)
        assert "W0006" in {w["code"] for w in demo_store.workers_of(grid, on=yesterday)}
    assert "W0006" not in set(demo_store.read_layer("workers")["code"])
    unstaffed = set(workers.unstaffed_grids(demo_store))
    full_time_only = [
        g
        for g in held
        if not any(w["role"] in workers.STAFF_ROLES for w in demo_store.workers_of(g))
    ]
    assert set(full_time_only) <= unstaffed
    assert full_time_only  # W0006 was the only full-time worker somewhere
    assert "deactivate_worker" in set(demo_store.read_audit(limit=50)["action"])


def test_deactivate_needs_scope(demo_store):
    first = sorted(demo_store.read_layer("communities")["code"])[-1]
    scoped = User("s", UserRole.PLANNER, (first,))
    with pytest.raises(PermissionDenied):
        workers.deactivate_worker(demo_store, scoped, "W0001")
    assert workers.get_worker(demo_store, "W0001")["active"]


def test_overview_lists_grids_and_totals(demo_store):
    frames = snapshot.load_frames(demo_store)
    overview = workers.worker_overview(frames).set_index("code")
    grids = frames["grids"].set_index("code")
    mine = overview.loc["W0001", "grids"]
    assert overview.loc["W0001", "n_grids"] == len(mine) > 0
    assert overview.loc["W0001", "households"] == int(grids.loc[mine, "households"].sum())
    assert overview.loc["W0001", "open_issues"] == int(grids.loc[mine, "open_issues"].sum())
    listed = workers.list_workers(demo_store)
    assert listed["active"].all()


def test_a_scoped_user_may_not_deactivate_a_worker_without_a_grid(demo_store):
    first = sorted(demo_store.read_layer("communities")["code"])[0]
    scoped = User("s", UserRole.PLANNER, (first,))
    workers.add_worker(demo_store, PLANNER, code="W9999", name="待分配")
    with pytest.raises(PermissionDenied, match="holds no grid"):
        workers.deactivate_worker(demo_store, scoped, "W9999")
    assert workers.get_worker(demo_store, "W9999")["active"]
    assert workers.deactivate_worker(demo_store, PLANNER, "W9999") == []
