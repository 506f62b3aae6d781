"""Results and exporters: frames, the JSON contract, CSV, GeoJSON, XLSX, orders, scores."""

from __future__ import annotations

import io
import json

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest
from checkfixtures import AS_OF, COMMUNITY, G1, G2, bins, box, buildings, make_street, pt

from gridmap import checks
from gridmap.checks import export
from gridmap.checks.result import FAILURE_COLUMNS, threshold_text
from gridmap.errors import InputError


@pytest.fixture(scope="module")
def report():
    layers = make_street(households=(250, 400))
    layers["buildings"] = buildings(
        [box(100, 400, 40, 20), box(600, 400, 40, 20), box(620, 600, 40, 20)]
    )
    layers["bins"] = bins([pt(270, 410), pt(650, 500)])
    return checks.run(
        layers,
        rules=["bin_reach", "bin_reach_advisory", "grid_households", "staffing"],
        as_of=AS_OF,
    )


def test_json_contract(report):
    data = json.loads(report.to_json())
    assert data["as_of"] == "2026-11-01" and data["community"] is None
    rules = {r["id"]: r for r in data["rules"]}
    assert list(rules) == ["staffing", "grid_households", "bin_reach", "bin_reach_advisory"]
    reach = rules["bin_reach"]
    for key in ("id", "title", "source", "threshold", "unit", "passed", "failed", "failures"):
        assert key in reach
    assert reach["title"] == {
        "zh": "住宅楼 120 米内有垃圾收集点",
        "en": "Collection point within 120 m of every residential building",
    }
    assert (reach["checked"], reach["passed"], reach["failed"]) == (3, 2, 1)
    (f,) = reach["failures"]
    assert {"layer", "object_id", "name", "community", "grid", "workers", "measured"} <= f.keys()
    assert "severity" in f
    assert f["layer"] == "buildings" and f["object_id"] == "B1" and f["grid"] == G1
    assert f["community"] == COMMUNITY and f["workers"] == ["张一", "李二"]
    assert f["measured"] == pytest.approx(130.0, abs=0.5) and f["severity"] == "failure"
    assert rules["bin_reach_advisory"]["failures"][0]["severity"] == "advisory"
    assert rules["staffing"]["failures"] == [] and rules["staffing"]["passed"] == 2


def test_frame_columns_and_geometry(report):
    frame = report.to_frame()
    assert isinstance(frame, gpd.GeoDataFrame) and frame.crs.to_epsg() == 4326
    assert list(frame.columns) == [*FAILURE_COLUMNS, "geometry"]
    assert len(frame) == len(report.failures)
    assert frame.geometry.notna().all()
    one = report.result("bin_reach").to_frame()
    assert one["rule"].tolist() == ["bin_reach"] and one["workers"].tolist() == ["张一、李二"]


def test_csv_has_a_bom_and_every_failure(report):
    data = export.to_csv(report)
    assert data.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert len(frame) == len(report.failures) and "message_zh" in frame.columns


def test_geojson(report):
    data = json.loads(export.to_geojson(report))
    assert data["type"] == "FeatureCollection" and len(data["features"]) == len(report.failures)
    assert data["features"][0]["properties"]["rule"]


def test_table_text(report):
    text = export.to_table(report, lang="en")
    assert "[FAIL] bin_reach" in text and "[PASS] staffing" in text
    assert "[ADVISE] bin_reach_advisory" in text and "grid 330102011001001 (张一、李二)" in text
    assert "4 rules" in text.splitlines()[-1]
    assert "米" in export.to_table(report, lang="zh")


def test_xlsx_has_chinese_headers(report):
    book = openpyxl.load_workbook(io.BytesIO(export.to_xlsx(report)))
    assert book.sheetnames == ["检查汇总", "问题清单"]
    headers = [c.value for c in book["问题清单"][1]]
    assert headers[:3] == ["检查项目", "性质", "对象类型"] and "责任网格员" in headers
    assert book["问题清单"].max_row == 1 + len(report.failures)


def test_supervision_orders_by_grid_and_worker(report):
    by_grid = export.supervision_orders(report, by="grid")
    assert set(by_grid) == {G1, G2}
    assert (by_grid[G1]["fix_by"] == "2026-11-08").all()
    by_worker = export.supervision_orders(report, by="worker")
    assert set(by_worker) == {"张一", "李二", "王三", "赵四"}
    assert len(by_worker["张一"]) == len(by_grid[G1])
    book = openpyxl.load_workbook(io.BytesIO(export.supervision_xlsx(report, by="worker")))
    assert set(book.sheetnames) == {"张一", "李二", "王三", "赵四"}
    with pytest.raises(InputError):
        export.supervision_orders(report, by="street")


def test_write_report(report, tmp_path):
    out = tmp_path / "r.json"
    export.write_report(report, "json", out)
    assert json.loads(out.read_text(encoding="utf-8"))["rules"]
    with pytest.raises(InputError, match="unknown format"):
        export.write_report(report, "pdf")


def test_scores(report):
    grid = report.scores("grid")
    assert list(grid.columns) == ["key", "score", "failures", "rules_failed"]
    rows = dict(zip(grid["key"], grid["score"], strict=True))
    # weights: staffing 1, households 1, reach 1, advisory 0.5 -> total 3.5
    assert rows[G1] == pytest.approx(100 * (3.5 - 1 - 1 - 0.5) / 3.5, abs=0.1)
    assert grid["key"].iloc[0] == G1  # lowest first
    community = report.scores("community")
    assert community["key"].tolist() == [COMMUNITY]
    worker = report.scores("worker")
    assert set(worker["key"]) == {"张一", "李二", "王三", "赵四"}
    with pytest.raises(InputError):
        report.scores("street")


def test_threshold_text():
    assert threshold_text([300, 500], "households") == "300–500 households"
    assert threshold_text(120.0, "m", lang="zh") == "120米"
    assert threshold_text(20.0, "%", lang="en") == "20%"
    assert (
        threshold_text({"main": 400.0, "lane": 200.0}, "m", lang="en")
        == "Main road 400 m, Lane 200 m"
    )
    assert threshold_text(["核心价值观", "关爱未成年人"], "themes") == "核心价值观、关爱未成年人"


def test_unknown_result(report):
    with pytest.raises(InputError, match="did not run"):
        report.result("tiling")
