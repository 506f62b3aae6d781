"""``gridmap issues ...`` commands on a copy of the demo store."""

from __future__ import annotations

import argparse
import json

import pytest

from gridmap.errors import GridmapError, InputError, PermissionDenied
from gridmap.issues import cli as issues_cli
from gridmap.store import Store


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="gridmap")
    issues_cli.add_parsers(parser.add_subparsers(dest="command"))
    args = parser.parse_args(list(argv))
    return args.func(args)


def report(db: str, point, *extra: str) -> int:
    """Run ``issues report`` of an 其他 case at ``point``."""
    return run(
        "issues",
        "report",
        "--category",
        "其他",
        "--lon",
        str(point.x),
        "--lat",
        str(point.y),
        "--db",
        db,
        *extra,
    )


@pytest.fixture
def where(issue_db):
    store = Store(issue_db)
    grids = store.read_layer("grids")
    store.close()
    point = grids.geometry.iloc[2].representative_point()
    return issue_db, grids["code"].iloc[2], point


def test_report_list_move_show(where, capsys, tmp_path, make_gps_jpeg):
    db, grid, point = where
    photo = tmp_path / "p.jpg"
    photo.write_bytes(make_gps_jpeg())
    code = run(
        "issues",
        "report",
        "--category",
        "市容环境",
        "--subcategory",
        "暴露垃圾",
        "--lon",
        str(point.x),
        "--lat",
        str(point.y),
        "--text",
        "垃圾",
        "--photo",
        str(photo),
        "--db",
        db,
        "--user",
        "tester",
    )
    out = capsys.readouterr().out
    assert code == 0
    assert f"in grid {grid}" in out and "(id 81)" in out

    assert run("issues", "list", "--format", "json", "--grid", grid, "--db", db) == 0
    rows = json.loads(capsys.readouterr().out)
    new = next(r for r in rows if r["id"] == 81)
    assert set(new) >= {
        "id",
        "category",
        "status",
        "lon",
        "lat",
        "grid",
        "workers",
        "reported_at",
        "deadline",
    }
    assert (new["status"], new["grid"], new["category"]) == ("reported", grid, "市容环境")
    assert new["workers"] and new["lon"] == pytest.approx(point.x, abs=1e-6)

    assert run("issues", "move", "81", "立案", "--note", "ok", "--db", db) == 0
    assert "is now registered" in capsys.readouterr().out
    assert (
        run(
            "issues",
            "move",
            new["code"],
            "--to",
            "dispatched",
            "--db",
            db,
        )
        == 0
    )
    capsys.readouterr()
    assert run("issues", "show", "81", "--json", "--db", db) == 0
    detail = json.loads(capsys.readouterr().out)
    assert [e["to_status"] for e in detail["timeline"]] == ["reported", "registered", "dispatched"]
    assert set(detail["moves"]) == {"handled", "returned", "suspended"}

    assert run("issues", "list", "--status", "派遣", "--format", "csv", "--db", db) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("id,code,category")
    assert any(line.startswith("81,") for line in lines[1:])
    assert run("issues", "list", "--overdue", "--db", db) == 0
    assert "report(s)" in capsys.readouterr().out


def test_errors_are_gridmap_errors(where):
    db, _, point = where
    with pytest.raises(InputError, match="outside every grid"):
        run("issues", "report", "--category", "其他", "--lon", "0", "--lat", "0", "--db", db)
    with pytest.raises(InputError, match="unknown status"):
        run("issues", "move", "1", "done", "--db", db)
    with pytest.raises(InputError, match="STATE"):
        run("issues", "move", "1", "--db", db)
    with pytest.raises(GridmapError):
        run("issues", "move", "AJ0", "立案", "--db", db)
    with pytest.raises(InputError, match="--date"):
        run("issues", "daily", "--date", "yesterday", "--db", db)
    with pytest.raises(InputError, match="cannot read the photo"):
        report(db, point, "--photo", "/nonexistent.jpg")


def test_store_users_role_applies(where):
    from gridmap import auth

    db, _, point = where
    store = Store(db)
    auth.create_user(store, "viewer1", "password123", role="viewer")
    store.close()
    with pytest.raises(PermissionDenied):
        report(db, point, "--user", "viewer1")


def test_a_disabled_store_user_cannot_act(where):
    from gridmap import auth
    from gridmap.records import users

    db, _, point = where
    store = Store(db)
    auth.create_user(store, "planner1", "password123", role="planner")
    users.disable_user(store, "planner1", by=auth.SYSTEM)
    store.close()
    with pytest.raises(GridmapError, match="disabled"):
        report(db, point, "--user", "planner1")


def test_daily_merge_and_scores(where, capsys, tmp_path):
    db, _, point = where
    report(db, point)
    report(db, point)
    assert "possible duplicate" in capsys.readouterr().out
    assert run("issues", "merge", "82", "--into", "81", "--db", db) == 0
    assert "duplicate of 81" in capsys.readouterr().out
    assert run("issues", "daily", "--db", db) == 0
    out = capsys.readouterr().out
    assert out.startswith("== W") and "open" in out
    xlsx = tmp_path / "scores.xlsx"
    assert run("issues", "scores", "--month", "2026-10", "--xlsx", str(xlsx), "--db", db) == 0
    out = capsys.readouterr().out
    assert "2026-10 by grid" in out and "2026-10 by worker" in out
    assert xlsx.read_bytes()[:2] == b"PK"


def test_confirm_grid(where, capsys):
    db, grid, point = where
    report(db, point)
    capsys.readouterr()
    assert run("issues", "confirm", "81", "--grid", grid, "--db", db) == 0
    assert f"belongs to grid {grid}" in capsys.readouterr().out
    with pytest.raises(InputError, match="neighbour"):
        run("issues", "confirm", "81", "--grid", "330102011005007", "--db", db)


def test_report_prints_the_deadline_in_local_time(where, capsys):
    db, _grid, point = where
    assert report(db, point) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("deadline: "))
    shown = line.removeprefix("deadline: ")
    assert len(shown) == 16 and "+" not in shown and "T" not in shown
    store = Store(db)
    stored = store.read_layer("issues").sort_values("id").iloc[-1]["deadline"]
    store.close()
    from gridmap.i18n import format_time

    assert shown == format_time(stored, tz="Asia/Shanghai")
    assert run("issues", "show", "81", "--db", db) == 0
    shown = capsys.readouterr().out
    assert "+00:00" not in shown and format_time(stored, tz="Asia/Shanghai") in shown


def test_list_csv_guards_formulas(where, capsys):
    """A worker named like a formula is written with a leading apostrophe (CSV injection)."""
    import csv
    import io

    from gridmap import auth
    from gridmap.records import workers

    db, grid, point = where
    hostile = '=HYPERLINK("http://127.0.0.1/x","点我")'
    store = Store(db)
    try:
        roster = store.read_layer("assignments")
        for code in set(roster.loc[roster["grid"] == grid, "worker"]):
            workers.update_worker(store, auth.SYSTEM, code, name=hostile)
    finally:
        store.close()
    assert report(db, point) == 0
    capsys.readouterr()
    assert run("issues", "list", "--format", "csv", "--db", db) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    cells = [r["workers"] for r in rows if r["grid"] == grid]
    assert cells and all(c.startswith("'=HYPERLINK") for c in cells)
    assert not [v for r in rows for v in r.values() if v.startswith(("=", "@"))]
