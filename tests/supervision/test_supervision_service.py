"""The 督办 loop end to end on the demo street: issue, move, fix the data, re-check, close."""

from __future__ import annotations

import argparse
import datetime as dt
import io

import pytest

from gridmap import supervision
from gridmap.auth import User
from gridmap.errors import ConflictError, InputError, PermissionDenied
from gridmap.model import UserRole
from gridmap.store import supervision as store_supervision
from gridmap.supervision import cli as supervision_cli

GRID = "330102011001008"  # 513 households in the demo: above the 300-500 of grid_households
INSPECTOR = User("inspector", UserRole.INSPECTOR)


def _jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 160, 60)).save(out, "JPEG")
    return out.getvalue()


def _households(store, grid: str, value: int) -> None:
    grids = store.read_layer("grids")
    row = grids[grids["code"] == grid].iloc[0]
    store.update(
        "grids", int(row["id"]), {"households": value}, version=int(row["version"]), username="t"
    )


@pytest.fixture
def order(demo_store):
    orders = supervision.issue_from_failures(
        demo_store, INSPECTOR, rules=["grid_households"], grids=[GRID], as_of=dt.date(2026, 11, 2)
    )
    assert [o["grid"] for o in orders] == [GRID]
    return orders[0]


def test_order_from_a_failure_lists_the_failing_object_and_is_numbered_per_year(demo_store, order):
    assert order["number"].endswith("〔2026〕1号") and order["state"] == "issued"
    items = store_supervision.read_items(demo_store, [order["id"]])
    assert list(items["rule_id"]) == ["grid_households"]
    assert list(items["object_id"]) == [GRID] and items["weight"].iloc[0] == 1.0
    again = supervision.issue_from_failures(
        demo_store, INSPECTOR, rules=["grid_households"], grids=[GRID], as_of=dt.date(2026, 11, 3)
    )
    assert again[0]["number"].endswith("〔2026〕2号")


def test_recheck_closes_the_order_after_the_data_is_fixed(demo_store, order):
    number = order["number"]
    supervision.move_order(demo_store, INSPECTOR, number, "签收")
    supervision.move_order(demo_store, INSPECTOR, number, "report", photos=[_jpeg()])
    failed = supervision.move_order(demo_store, INSPECTOR, number, "复查")
    assert failed["state"] == "rectifying" and failed["remaining"] == 1  # not fixed: back
    _households(demo_store, GRID, 480)  # the grid is split / recounted: now within 300-500
    supervision.move_order(demo_store, INSPECTOR, number, "report", note="重新核定户数")
    passed = supervision.move_order(demo_store, INSPECTOR, number, "recheck")
    assert passed["state"] == "passed" and passed["fixed"] == 1 and passed["remaining"] == 0
    done = supervision.move_order(demo_store, INSPECTOR, number, "办结")
    assert done["state"] == "done" and done["closed_at"] is not None
    detail = supervision.order_detail(demo_store, INSPECTOR, number)
    assert list(detail["events"]["to_state"]) == [
        "issued", "rectifying", "rectified", "rectifying", "rectified", "passed", "done",
    ]  # fmt: skip
    assert "grid_households:" + GRID in detail["events"]["note"].iloc[3]
    assert detail["items_table"]["resolved_at"].notna().all()
    assert len(detail["photos"]) == 1 and detail["actions"] == []
    audit = demo_store.read_audit(limit=20)
    assert (audit["action"] == "supervision_move").sum() == 6


def test_moves_are_checked(demo_store, order):
    with pytest.raises(InputError, match="can be re-checked"):
        supervision.move_order(demo_store, INSPECTOR, order["id"], "recheck")
    with pytest.raises(PermissionDenied):
        supervision.move_order(demo_store, User("v", UserRole.VIEWER), order["id"], "accept")
    other = User("s", UserRole.INSPECTOR, scope=("330102011002",))
    with pytest.raises(PermissionDenied):
        supervision.move_order(demo_store, other, order["id"], "accept")
    supervision.move_order(demo_store, INSPECTOR, order["id"], "accept")
    with pytest.raises(InputError, match="photos"):
        supervision.move_order(demo_store, INSPECTOR, order["id"], "report")
    with pytest.raises(ConflictError):
        supervision.move_order(demo_store, INSPECTOR, order["id"], "report", note="x", version=1)


def test_overdue_orders(demo_store, order):
    late = dt.date(2026, 11, 20)
    listed = supervision.list_orders(demo_store, INSPECTOR, today=late, overdue=True)
    assert list(listed["number"]) == [order["number"]]
    assert supervision.list_orders(demo_store, INSPECTOR, today=dt.date(2026, 11, 5),
                                   overdue=True).empty  # fmt: skip
    scoped = User("s", UserRole.INSPECTOR, scope=("330102011002",))
    assert supervision.list_orders(demo_store, scoped, today=late).empty


def test_order_from_cases_passes_when_the_case_is_closed(demo_store):
    from gridmap import issues

    found = issues.list_issues(demo_store, None)
    case = found[(found["status"] == "verified") & found["grid"].notna()].iloc[0]
    orders = supervision.issue_from_cases(demo_store, INSPECTOR, [case["code"]])
    number = orders[0]["number"]
    assert orders[0]["origin"] == "cases" and orders[0]["grid"] == case["grid"]
    supervision.move_order(demo_store, INSPECTOR, number, "accept")
    supervision.move_order(demo_store, INSPECTOR, number, "report", note="已督促")
    assert supervision.move_order(demo_store, INSPECTOR, number, "recheck")["state"] == "rectifying"
    issues.move_issue(demo_store, INSPECTOR, int(case["id"]), "closed",
                      version=int(case["version"]))  # fmt: skip
    supervision.move_order(demo_store, INSPECTOR, number, "report", note="已结案")
    assert supervision.move_order(demo_store, INSPECTOR, number, "recheck")["state"] == "passed"


def _run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="gridmap")
    supervision_cli.add_parsers(parser.add_subparsers(dest="command"))
    args = parser.parse_args(list(argv))
    return args.func(args)


def test_cli_lifecycle(demo_db, demo_store, capsys):
    db = ("--db", demo_db, "--user", "inspector")
    assert _run("supervision", "issue", "--rule", "grid_households", "--grid", GRID, *db) == 0
    number = capsys.readouterr().out.split()[0]
    assert _run("supervision", "move", number, "签收", *db) == 0
    assert _run("supervision", "move", number, "整改完成", "--note", "核减户数", *db) == 0
    _households(demo_store, GRID, 450)
    capsys.readouterr()
    assert _run("supervision", "move", number, "复查", *db) == 0
    out = capsys.readouterr().out
    assert "复查通过/passed" in out and "1 fixed, 0 left" in out
    assert _run("supervision", "move", number, "close", *db) == 0
    assert _run("supervision", "list", "--state", "办结", "--format", "json", *db) == 0
    assert number in capsys.readouterr().out
    assert _run("supervision", "show", number, *db) == 0
    shown = capsys.readouterr().out
    assert "[x] grid_households" in shown and "passed -> done" in shown
    with pytest.raises(InputError):
        _run("supervision", "move", number, "accept", *db)


def test_moves_are_notified_in_their_transaction(demo_store, tmp_path):
    from gridmap.store import outbox

    (tmp_path / "gridmap.toml").write_text(
        '[notify.channels.office]\ntype = "webhook"\nurl = "http://127.0.0.1:9/in"\n'
        'audience = ["office"]\nevents = ["supervision", "supervision_move"]\n',
        encoding="utf-8",
    )  # the demo_db fixture points GRIDMAP_CONFIG at this file; nothing is sent here
    number = supervision.issue_from_failures(
        demo_store, INSPECTOR, rules=["grid_households"], grids=[GRID]
    )[0]["number"]
    supervision.move_order(demo_store, INSPECTOR, number, "accept")
    rows = outbox.read_outbox(demo_store)
    assert sorted(rows["kind"]) == ["supervision", "supervision_move"]
    text = rows[rows["kind"] == "supervision_move"].iloc[0]["payload"]["text"]
    assert number in text and "整改中" in text
