"""The gridmap command end to end on a temporary SQLite store (no browser)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from gridmap.cli import build_parser, main

COMMANDS = ["init", "serve", "import", "convert", "info", "validate", "bench", "check",
            "rules", "grids", "plan", "assign", "rebalance", "workers", "issues", "export"]


def run(*args, capsys):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_help_lists_every_command(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for command in COMMANDS:
        assert command in out


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_has_help(command, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    assert "usage: gridmap " + command in capsys.readouterr().out


def test_python_dash_m_works():
    proc = subprocess.run([sys.executable, "-m", "gridmap", "--version"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0
    assert proc.stdout.startswith("gridmap ")


def test_info_on_the_demo_store(demo_db, capsys):
    code, out, _ = run("info", "--json", "--db", demo_db, capsys=capsys)
    assert code == 0
    info = json.loads(out)
    counts = info["counts"]
    assert counts["communities"] == 5
    assert 30 <= counts["grids"] <= 50
    assert counts["bins"] > 200
    assert info["schema_version"]
    assert info["store"].startswith("sqlite:///")


def test_postgres_password_is_hidden(capsys):
    code, _, err = run("info", "--db", "postgresql+psycopg://u:secret@127.0.0.1:1/x",
                       capsys=capsys)
    assert code == 1
    assert "secret" not in err
    assert "Traceback" not in err


def test_init_sets_admin_password(tmp_path, capsys):
    db = f"sqlite:///{tmp_path / 's.sqlite'}"
    code, _, _ = run("init", "--db", db, "--admin-password", "correct-horse", capsys=capsys)
    assert code == 0
    from gridmap import auth
    from gridmap.store import open_store

    store = open_store(db)
    assert auth.authenticate(store, "admin", "correct-horse") is not None
    assert auth.authenticate(store, "admin", "wrong-password") is None


def test_short_admin_password_is_refused_cleanly(tmp_path, capsys):
    db = f"sqlite:///{tmp_path / 's.sqlite'}"
    code, _, err = run("init", "--db", db, "--admin-password", "short", capsys=capsys)
    assert code == 1
    assert "at least 8 characters" in err
    assert "Traceback" not in err


def test_bad_import_names_the_row_and_changes_nothing(demo_db, tmp_path, capsys):
    bad = tmp_path / "boards.csv"
    bad.write_text("名称,类型,经度,纬度\n"
                   "好的宣传栏,宣传栏,120.19,30.24\n"
                   "坏的宣传栏,不存在的类型,120.19,30.24\n", encoding="utf-8")
    _, before, _ = run("info", "--json", "--db", demo_db, capsys=capsys)
    code, _, err = run("import", "boards", str(bad), "--db", demo_db, capsys=capsys)
    assert code == 3
    assert "boards.csv, row 3" in err  # the Excel row
    assert "nothing was imported" in err
    _, after, _ = run("info", "--json", "--db", demo_db, capsys=capsys)
    assert json.loads(before)["counts"] == json.loads(after)["counts"]


def test_good_import_dry_run_then_real(demo_db, tmp_path, capsys):
    good = tmp_path / "boards.csv"
    good.write_text("名称,类型,主题,经度,纬度\n新宣传栏,宣传栏,核心价值观,{},{}\n",
                    encoding="utf-8")
    from gridmap.store import open_store

    grids = open_store(demo_db).read_layer("grids")
    pt = grids.geometry.iloc[0].representative_point()
    good.write_text(good.read_text(encoding="utf-8").format(pt.x, pt.y), encoding="utf-8")
    before = open_store(demo_db).counts()["boards"]
    code, out, _ = run("import", "boards", str(good), "--dry-run", "--db", demo_db, capsys=capsys)
    assert code == 0, out
    assert "dry run" in out
    assert open_store(demo_db).counts()["boards"] == before
    code, out, _ = run("import", "boards", str(good), "--db", demo_db, capsys=capsys)
    assert code == 0
    assert open_store(demo_db).counts()["boards"] == before + 1


def test_point_outside_every_grid_is_refused(demo_db, tmp_path, capsys):
    far = tmp_path / "bins.csv"
    far.write_text("类型,经度,纬度\n废物箱,120.30,30.30\n", encoding="utf-8")
    code, _, err = run("import", "bins", str(far), "--db", demo_db, capsys=capsys)
    assert code == 3
    assert "row 2" in err and "outside every grid" in err


def test_validate_reports_the_demo_shortfalls(demo_db, capsys):
    code, out, _ = run("validate", "--json", "--db", demo_db, capsys=capsys)
    findings = json.loads(out)
    assert code == 3  # the demo has a grid without a grid head, on purpose
    assert any(f["check"] == "staffing" and "grid head" in f["message"] for f in findings)
    assert not any(f["check"] == "tiling" for f in findings)
    assert {f["severity"] for f in findings} <= {"error", "warning"}
    head = next(f for f in findings if f["check"] == "staffing" and "grid head" in f["message"])
    # the rule engine's finding: the grid, who answers for it, where it is, in both languages
    assert head["grid"] == head["object"] and head["workers"] and head["message_zh"]
    assert head["lon"] is not None and head["lat"] is not None


def test_validate_runs_the_integrity_rules_of_check(demo_db, capsys):
    from gridmap import checks
    from gridmap.store import open_store

    code, out, _ = run("validate", "--db", demo_db, capsys=capsys)
    assert code == 3
    report = checks.run_checks_on_store(open_store(demo_db), families=["integrity"])
    assert {r.family for r in report} == {"integrity"}
    errors = sum(f.severity == "failure" for f in report.failures)
    assert out.splitlines()[-1] == f"{len(report.failures)} finding(s), {errors} error(s)"
    for f in report.failures:
        assert f"{f.rule}: {f.object_id}: {f.message}" in out


def test_convert_round_trip(tmp_path, capsys):
    src = tmp_path / "pts.csv"
    src.write_text("名称,经度,纬度\nA,120.19,30.24\n", encoding="utf-8")
    gcj = tmp_path / "gcj.csv"
    back = tmp_path / "back.csv"
    assert run("convert", str(src), str(gcj), "--from", "wgs84", "--to", "gcj02",
               capsys=capsys)[0] == 0
    assert run("convert", str(gcj), str(back), "--from", "gcj02", "--to", "wgs84",
               capsys=capsys)[0] == 0
    import pandas as pd

    shifted = pd.read_csv(gcj, encoding="utf-8-sig")
    restored = pd.read_csv(back, encoding="utf-8-sig")
    assert abs(shifted["经度"][0] - 120.19) > 1e-4  # GCJ-02 moved it by hundreds of metres
    assert abs(restored["经度"][0] - 120.19) < 1e-7
    assert abs(restored["纬度"][0] - 30.24) < 1e-7


def test_missing_file_is_a_clean_error(demo_db, capsys):
    code, _, err = run("import", "grids", "/no/such/file.geojson", "--db", demo_db,
                       capsys=capsys)
    assert code in (1, 3)
    assert "file.geojson" in err
    assert "Traceback" not in err


def test_unknown_crs_is_a_clean_error(demo_db, tmp_path, capsys):
    f = tmp_path / "b.csv"
    f.write_text("类型,经度,纬度\n废物箱,120.19,30.24\n", encoding="utf-8")
    code, _, err = run("import", "bins", str(f), "--crs", "moon", "--db", demo_db, capsys=capsys)
    assert code in (1, 3)
    assert "moon" in err


def test_parser_layers_match_model():
    from gridmap.model import LAYERS

    parser = build_parser()
    text = parser.format_help()
    assert "import" in text
    sub = next(a for a in parser._actions if a.dest == "command")
    choices = sub.choices["import"]._actions
    layer_action = next(a for a in choices if a.dest == "layer")
    assert list(layer_action.choices) == list(LAYERS)


@pytest.mark.slow
def test_bench_street_prints_ratios(capsys):
    code, out, _ = run("bench", "--size", "street", "--no-app", capsys=capsys)
    assert code == 0
    assert "point->grid" in out and "x " in out
    assert "import" in out and "peak RSS" in out


def test_validate_finds_two_grid_heads_stored_for_one_period(demo_db, capsys):
    import datetime as dt

    import pandas as pd

    from gridmap.store import open_store

    store = open_store(demo_db)
    rows = store.read_layer("assignments", as_of=dt.date(2026, 12, 5))
    head = rows[rows["role"] == "grid_head"].iloc[0]
    other = rows[(rows["grid"] != head["grid"])].iloc[0]["worker"]
    second = pd.DataFrame([{"grid": head["grid"], "worker": other, "role": "grid_head",
                            "valid_from": dt.date(2027, 1, 1), "valid_to": None}])  # fmt: skip
    store.write_layer("assignments", second, source_crs="EPSG:4326", username="test")
    code, out, _ = run("--lang", "zh", "validate", "--json", "--db", demo_db, capsys=capsys)
    assert code == 3
    (found,) = [f for f in json.loads(out) if f["check"] == "grid_heads"]
    assert found["grid"] == head["grid"] and found["severity"] == "error"
    assert "两名网格长" in found["message_zh"] and "2027-01-01" in found["message_zh"]
