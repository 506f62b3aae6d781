"""Office files against the demo store and through the CLI (refs #18)."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import shapely

from gridmap import crs
from gridmap.cli import main
from gridmap.importing import import_file

ROOT = Path(__file__).resolve().parents[2]


def run(*args, capsys):
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _points_that_leave_the_street_as_wgs84(store, n: int = 6) -> list[tuple[float, float]]:
    """WGS-84 points inside a community whose GCJ-02 coordinates lie outside every one."""
    communities = store.read_layer("communities")
    area = shapely.union_all(communities.geometry.to_numpy())
    minx, miny, maxx, maxy = area.bounds
    xs, ys = np.meshgrid(np.linspace(minx, maxx, 60), np.linspace(miny, maxy, 60))
    x, y = xs.ravel(), ys.ravel()
    gx, gy = crs.wgs84_to_gcj02(x, y)
    inside = shapely.contains_xy(area, x, y)
    moved_out = ~shapely.contains_xy(area, np.asarray(gx), np.asarray(gy))
    pick = np.flatnonzero(inside & moved_out)[:n]
    assert len(pick) == n
    return list(zip(np.asarray(gx)[pick], np.asarray(gy)[pick], strict=True))


def test_undeclared_gcj02_is_caught_against_the_stored_street(demo_store, tmp_path):
    points = _points_that_leave_the_street_as_wgs84(demo_store)
    path = tmp_path / "internet_cafes.csv"
    rows = "".join(f"网吧{i},{x:.7f},{y:.7f}\n" for i, (x, y) in enumerate(points))
    path.write_text("名称,经度,纬度\n" + rows, encoding="utf-8")
    report = import_file(demo_store, "internet_cafes", path, dry_run=True)
    assert "io.crs.gcj02_fit" in {p.key for p in report.errors}, [str(p) for p in report.problems]
    report = import_file(demo_store, "internet_cafes", path, crs="gcj02", dry_run=True)
    assert report.ok, [str(p) for p in report.problems]
    report = import_file(demo_store, "internet_cafes", path, crs="wgs84", dry_run=True)
    assert report.ok  # declared: the user said so


def test_second_grid_head_against_the_stored_ones(demo_store, tmp_path):
    stored = demo_store.read_layer("assignments")
    head = stored[stored["role"] == "grid_head"].iloc[0]
    other = next(w for w in stored["worker"] if w != head["worker"])
    path = tmp_path / "assignments.csv"
    path.write_text(f"网格编号,网格员,职务,任职日期\n{head['grid']},{other},网格长,2024-06-01\n",
                    encoding="utf-8")
    report = import_file(demo_store, "assignments", path, dry_run=True)
    [problem] = report.errors
    assert problem.key == "io.assign.two_heads_stored" and problem.row == 2
    assert head["worker"] in problem.message


def test_cli_caps_the_problems_and_writes_them_all_to_csv(demo_db, tmp_path, capsys):
    bad = tmp_path / "bins.csv"
    rows = "".join(f"B{i},路灯,120.19,30.24\n" for i in range(120))
    bad.write_text("编码,类型,经度,纬度\n" + rows, encoding="utf-8")
    out_csv = tmp_path / "problems.csv"
    code, out, err = run("import", "bins", bad, "--dry-run", "--problems-csv", out_csv,
                         "--db", demo_db, capsys=capsys)
    assert code == 3
    lines = err.splitlines()
    assert len(lines) <= 55, len(lines)
    assert "more problems not shown" in err and "--problems-csv" in err
    with out_csv.open(encoding="utf-8-sig") as f:
        table = list(csv.DictReader(f))
    assert len(table) >= 120
    assert table[0]["row"] == "2"  # the Excel row
    assert "problems.csv" in out


def test_cli_prints_chinese_problems_on_request(demo_db, tmp_path, capsys):
    bad = tmp_path / "bins.csv"
    bad.write_text("类型,经度,纬度\n垃圾桶,116°75′,30.24\n", encoding="utf-8")
    code, _out, err = run("import", "bins", bad, "--lang", "zh", "--db", demo_db, capsys=capsys)
    assert code == 3
    assert "经度无效" in err and "第 2 行" in err


def test_cli_columns_option(demo_db, tmp_path, capsys):
    path = tmp_path / "workers.csv"
    path.write_text("人员编号,人员姓名\nW9001,新网格员\n", encoding="utf-8")
    code, out, err = run("import", "workers", path, "--columns", "人员编号=code,人员姓名=name",
                         "--dry-run", "--db", demo_db, capsys=capsys)
    assert code == 0, err
    assert "1 rows OK" in out


def test_cli_convert_to_an_unwritable_format_says_what_it_writes(tmp_path, capsys):
    src = tmp_path / "bins.csv"
    src.write_text("名称,类型,经度,纬度\n甲,垃圾桶,120.19,30.24\n", encoding="utf-8")
    code, _out, err = run("convert", src, tmp_path / "out.dwg", "--from", "gcj02", "--to",
                          "wgs84", capsys=capsys)
    assert code == 1
    assert ".kml" in err and ".shp" in err and "internal error" not in err


def _closed_pipe(*args: str, env: dict[str, str]) -> tuple[int, str]:
    """Run ``python -m gridmap ARGS`` with its stdout read by nobody (``| head -0``)."""
    read, write = os.pipe()
    os.close(read)  # the reader is gone before gridmap writes anything
    try:
        done = subprocess.run([sys.executable, "-m", "gridmap", *args], stdout=write,
                              stderr=subprocess.PIPE, env=env, cwd=ROOT, timeout=120,
                              check=False)
    finally:
        os.close(write)
    return done.returncode, done.stderr.decode("utf-8", "replace")


def test_closed_pipe_is_not_an_internal_error(demo_db):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GRIDMAP_DB": demo_db}
    env.pop("GRIDMAP_DEBUG", None)
    for args in (("info",), ("workers", "list")):
        code, err = _closed_pipe(*args, env=env)
        assert "BrokenPipe" not in err and "internal error" not in err, err
        assert code == 0


def test_problems_csv_of_a_report(tmp_path):
    from gridmap.errors import ImportReport

    report = ImportReport("f.csv", "bins")
    report.add_key("io.coord.empty", row=3, column="经度", what="longitude")
    text = report.problems_csv("zh")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][:4] == ["f.csv", "3", "经度", "error"]
    assert "经度缺失" in rows[1][4]
    assert report.kinds() == {"io.coord.empty": 1}


def test_problems_csv_guards_formulas():
    from gridmap.errors import ImportReport

    report = ImportReport("=cmd.csv", "bins")
    report.add("=HYPERLINK(\"http://127.0.0.1/x\") is bad", row=2, column="@name")
    rows = list(csv.reader(io.StringIO(report.problems_csv("en"))))
    assert rows[1][0] == "'=cmd.csv" and rows[1][2] == "'@name"
    assert rows[1][4].startswith("'=HYPERLINK")
