"""Tests for gridmap.grids.cli (the commands are parsed here as gridmap.cli will wire them)."""

from __future__ import annotations

import argparse

import pytest

from gridmap.errors import GridmapError
from gridmap.grids.cli import add_parsers

C1 = "330102011001"


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="gridmap")
    add_parsers(parser.add_subparsers(dest="command"))
    args = parser.parse_args(list(argv))
    return args.func(args)


def test_split_preview_writes_a_file_and_saves(demo_store, tmp_path, capsys):
    out = tmp_path / "grids.geojson"
    assert run("grids", "split", C1, "--method", "households", "--out", str(out)) == 0
    text = capsys.readouterr().out
    assert "grids," in text and out.is_file()
    before = set(demo_store.read_layer("grids")["code"])
    assert (
        run("grids", "split", C1, "--method", "cells", "--size", "250", "--save", "--dry-run") == 0
    )
    assert set(demo_store.read_layer("grids")["code"]) == before
    assert run("grids", "split", C1, "--method", "streets", "--save") == 0
    assert "saved:" in capsys.readouterr().out


def test_assign_plan_files_and_rebalance(demo_store, tmp_path, capsys):
    grid = f"{C1}001"
    assert run("assign", grid, "W0010", "--role", "full_time") == 0
    assert "W0010" in {w["code"] for w in demo_store.workers_of(grid)}
    path = tmp_path / "plan.xlsx"
    assert run("plan", "export", str(path)) == 0
    assert run("plan", "import", str(path), "--dry-run") == 0
    assert "would change 0 assignments" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("grid_code,worker_code,role\n999,W0001,full_time\n", encoding="utf-8")
    assert run("plan", "import", str(bad)) == 3
    assert "999" in capsys.readouterr().err
    assert run("rebalance", "--community", C1, "--tolerance", "0.05") == 0
    assert "bounds for households" in capsys.readouterr().out
    with pytest.raises(GridmapError):
        run("assign", "999999999999999", "W0010", "--role", "full_time")


def test_history_commands(demo_store, tmp_path, capsys):
    assert run("grids", "history", f"{C1}001", "--on", "2025-01-01") == 0
    assert "grid_head" in capsys.readouterr().out
    assert run("grids", "history", f"{C1}001", "--on", "2000-01-01") == 0
    assert "nobody" in capsys.readouterr().out
    out = tmp_path / "layout.geojson"
    assert run("grids", "history", "--on", "2025-01-01", "--out", str(out)) == 0
    assert "40 grids" in capsys.readouterr().out and out.is_file()


def test_street_split_reports_every_grid_outside_the_bounds(demo_store, capsys):
    """Issue #19: the streets method printed "0 outside the bounds" beside an 898-household grid."""
    import re

    from gridmap.grids import service
    from gridmap.grids.split import split_problems

    community = "330102011002"
    assert run("grids", "split", community, "--method", "streets", "--max", "500") == 0
    text = capsys.readouterr().out
    grids = service.split_community(
        demo_store, community, method="streets", min_households=300, max_households=500
    )
    outside = int(((grids["households"] < 300) | (grids["households"] > 500)).sum())
    assert len(split_problems(grids)) >= outside
    (count,) = re.findall(r"(\d+) outside the bounds", text)
    assert int(count) == len(split_problems(grids))
    # compounds are whole
    compounds = demo_store.read_layer("compounds").to_crs("EPSG:4549")
    metric = grids.to_crs("EPSG:4549")
    for geom in compounds.geometry:
        shares = metric.intersection(geom).area
        if shares.sum() > 1:
            assert shares.sum() - shares.max() <= 10.0 + 1e-3


def test_rebalance_and_plan_import_speak_chinese(demo_store, tmp_path, capsys):
    """Issue #17: the balance findings and the plan file's problems in the CLI's language."""
    from gridmap.cli import main

    args = ["rebalance", "--community", C1, "--min", "1", "--max", "2"]
    assert main(["--lang", "zh", *args]) == 0
    out = capsys.readouterr().out
    assert "户数范围：下限 1" in out and "名网格员超出范围" in out
    assert "高于上限 2" in out and "is above" not in out and "bounds for" not in out
    assert main(["--lang", "en", *args]) == 0
    out = capsys.readouterr().out
    assert "bounds for households: min 1" in out and "is above the maximum 2" in out
    bad = tmp_path / "bad.csv"
    bad.write_text("grid_code,worker_code,role\n999999999999999,W0001,full_time\n",
                   encoding="utf-8")
    assert main(["--lang", "zh", "plan", "import", str(bad)]) == 3
    err = capsys.readouterr().err
    assert "bad.csv，第 1 行，网格编码列：没有编码为 999999999999999 的网格" in err
    assert "bad.csv：1 个问题，未做任何修改" in err
    assert main(["--lang", "en", "plan", "import", str(bad)]) == 3
    assert "row 1, column 'grid_code': no grid with code 999999999999999" in (
        capsys.readouterr().err
    )


def test_split_prints_each_grids_problem_in_the_clis_language(demo_store, capsys):
    """Issue #17: the problem column of ``grids split`` was English under ``--lang zh``."""
    from gridmap.cli import main

    args = ["grids", "split", "330102011002", "--method", "streets", "--max", "500"]
    assert main(["--lang", "zh", *args]) == 0
    out = capsys.readouterr().out
    assert "户，超过上限 500" in out or "户，少于下限" in out
    assert "households, more than" not in out and "fewer than the minimum" not in out
    assert "个超出户数范围" in out
    assert main(["--lang", "en", *args]) == 0
    out = capsys.readouterr().out
    assert "households, more than the maximum 500" in out or "fewer than the minimum" in out
    assert "outside the bounds" in out and "超过上限" not in out
