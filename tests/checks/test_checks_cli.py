"""The ``check`` and ``rules`` commands (parsers from gridmap.checks.cli.add_parsers)."""

from __future__ import annotations

import argparse
import json

import pandas as pd
import pytest

from gridmap.checks.cli import add_parsers


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="gridmap")
    add_parsers(parser.add_subparsers(dest="command"))
    return parser.parse_args(list(argv))


def call(*argv: str) -> int:
    args = parse(*argv)
    return args.func(args)


def check_demo(demo_url: str, *argv: str) -> int:
    """Run ``gridmap check`` on the demo store as of the demo's today."""
    return call("check", "--db", demo_url, "--as-of", "2026-11-01", *argv)


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory):
    from gridmap.importing import import_demo
    from gridmap.store import Store

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    store = Store(f"sqlite:///{path.as_posix()}")
    store.upgrade()
    import_demo(store)
    store.close()
    return f"sqlite:///{path.as_posix()}"


def test_rules_lists_every_rule_with_threshold_and_source(capsys):
    assert call("rules") == 0
    out = capsys.readouterr().out
    assert "[waste]" in out and "bin_reach" in out and "120 m" in out
    assert "GB 55013-2021" in out and "住宅楼 120 米内有垃圾收集点" in out


def test_rules_json(capsys):
    assert call("rules", "--json") == 0
    rows = json.loads(capsys.readouterr().out)
    row = next(r for r in rows if r["id"] == "cafe_school_distance")
    assert row["threshold"] == 200.0 and row["unit"] == "m" and row["enabled"] is True
    assert {"title_zh", "title_en", "family", "source"} <= set(row)


def test_check_json_on_the_demo(demo_url, capsys):
    code = check_demo(
        demo_url, "--format", "json", "--rule", "cafe_school_distance", "--rule", "staffing"
    )
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in data["rules"]] == ["staffing", "cafe_school_distance"]
    cafe = data["rules"][1]
    assert cafe["failed"] == 1 and cafe["failures"][0]["layer"] == "internet_cafes"
    assert cafe["failures"][0]["workers"]


def test_check_community_and_csv_file(demo_url, tmp_path, capsys):
    out = tmp_path / "checks.csv"
    code = check_demo(demo_url, "--community", "330102011003", "--format", "csv", "--out", str(out))
    assert code == 0 and "wrote" in capsys.readouterr().out
    frame = pd.read_csv(out, encoding="utf-8-sig", dtype=str)
    assert len(frame) and set(frame["community"]) == {"330102011003"}


def test_check_table_and_geojson(demo_url, capsys):
    assert call("check", "--db", demo_url, "--rule", "commercial_street_reminders") == 0
    assert "望江路" in capsys.readouterr().out
    assert (
        call(
            "check",
            "--db",
            demo_url,
            "--rule",
            "commercial_street_reminders",
            "--format",
            "geojson",
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["features"][0]["geometry"]["type"] == "LineString"


def test_bad_date_is_an_argument_error(capsys):
    with pytest.raises(SystemExit):
        parse("check", "--as-of", "yesterday")
    assert "not a date" in capsys.readouterr().err
