"""A stale edit is told, with the other person's change (issue #14, item 3)."""

from __future__ import annotations

import datetime as dt

import pytest

from gridmap import issues
from gridmap.auth import User
from gridmap.conflicts import FieldChange, other_change
from gridmap.errors import ConflictError
from gridmap.model import UserRole
from gridmap.records import points

ALICE = User("alice", UserRole.ADMIN)
BOB = User("bob", UserRole.ADMIN)


def _board(store):
    board = store.read_layer("boards").iloc[0]
    return int(board["id"]), int(board["version"]), board


def test_a_stale_point_edit_names_the_other_change(demo_store):
    point_id, version, board = _board(demo_store)
    points.update_point(demo_store, ALICE, point_id, {"name": "爱丽丝的栏", "panels": 9},
                        version=version)
    with pytest.raises(ConflictError) as info:
        points.update_point(demo_store, BOB, point_id, {"name": "鲍勃的栏"}, version=version)
    err = info.value
    assert (err.table, err.row_id, err.read_version, err.current_version) == (
        "points", point_id, version, version + 1)
    change = other_change(demo_store, err)
    assert change.who == ("alice",)
    assert change.at is not None and change.at.tzinfo is not None
    fields = {f.field: f for f in change.fields}
    assert set(fields) == {"name", "panels"}  # attrs field by field, no bookkeeping
    assert fields["name"] == FieldChange("name", board["name"], "爱丽丝的栏")
    assert fields["panels"].after == 9
    # the store kept alice's change; bob re-applies his on the version he now knows
    assert points.update_point(demo_store, BOB, point_id, {"name": "鲍勃的栏"},
                               version=err.current_version) == version + 2
    assert demo_store.get("points", point_id)["attrs"]["panels"] == 9


def test_several_saves_since_the_read_are_summed_up(demo_store):
    point_id, version, board = _board(demo_store)
    v = points.update_point(demo_store, ALICE, point_id, {"name": "一"}, version=version)
    v = points.update_point(demo_store, BOB, point_id, {"name": "二", "theme": "新"}, version=v)
    with pytest.raises(ConflictError) as info:
        points.update_point(demo_store, ALICE, point_id, {"panels": 2}, version=version)
    change = other_change(demo_store, info.value)
    assert change.who == ("alice", "bob")
    fields = {f.field: (f.before, f.after) for f in change.fields}
    assert fields["name"] == (board["name"], "二")
    assert fields["theme"][1] == "新"


def test_a_stale_issue_move_names_the_other_change(demo_store):
    issue_store = demo_store
    report = issues.list_issues(issue_store, now=dt.datetime(2026, 11, 30, tzinfo=dt.UTC))
    row = report[report["status"] == "reported"].iloc[0]
    issue_id, version = int(row["id"]), int(row["version"])
    issues.move_issue(issue_store, ALICE, issue_id, "registered", version=version)
    with pytest.raises(ConflictError) as info:
        issues.move_issue(issue_store, BOB, issue_id, "registered", version=version)
    change = other_change(issue_store, info.value)
    assert change.who == ("alice",)
    assert ("status", "reported", "registered") in {(f.field, f.before, f.after)
                                                    for f in change.fields}


def test_an_error_without_a_row_tells_nothing(demo_store):
    assert other_change(demo_store, ConflictError("plan changed")) is None


def test_changed_values_keeps_only_what_the_user_changed():
    from gridmap.conflicts import changed_values

    read = {"name": "张三", "households": 3, "note": None, "active": True, "code": "A1"}
    same = {"name": "张三", "households": 3.0, "note": "", "active": 1, "code": "A1"}
    assert changed_values(same, read) == {}
    entered = {**same, "households": 4, "active": False, "phone": "13800000000"}
    assert changed_values(entered, read) == {
        "households": 4,
        "active": False,
        "phone": "13800000000",  # not in the record as read: changed
    }
    assert changed_values({"households": "3"}, {"households": 3}) == {}
