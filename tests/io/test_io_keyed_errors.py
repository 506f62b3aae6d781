"""Files, coordinates and grids refuse in Chinese and English (issues #17 and #18).

Each error a user meets on the common paths (a bad GeoJSON, a bad CSV cell or
coordinate column, an unknown coordinate system, a bad grid code, a split that misses
its bounds) carries a message key: ``str(err)`` stays English, ``err.text("zh")`` is
Chinese and still names the file and the row.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest

from gridmap import crs as crs_mod
from gridmap import datasets
from gridmap.errors import CRSError, InputError, NotFound
from gridmap.io.layers import read_layer_file
from gridmap.io.tabular import read_table
from gridmap.io.vector import read_vector
from gridmap.io.writers import convert_file

DATA = Path(__file__).resolve().parents[1] / "data" / "io"
CJK = re.compile(r"[\u4e00-\u9fff]")


def only_error(report):
    assert len(report.errors) == 1, [str(p) for p in report.problems]
    return report.errors[0]


# --------------------------------------------------------------------------- vector files


def test_malformed_geojson_in_both_languages():
    with pytest.raises(InputError) as info:
        read_vector(DATA / "malformed.geojson")
    err = info.value
    assert str(err).startswith("malformed.geojson: invalid JSON at line 5, column 32")
    zh = err.text("zh")
    assert zh.startswith("malformed.geojson：JSON 格式错误：第 5 行第 32 列")


def test_a_bad_feature_geometry_is_chinese_with_its_row(tmp_path):
    features = [
        {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon",
                                                          "coordinates": [[[0, 0], [1, 1]]]}},
        {"type": "Feature", "properties": {}, "geometry": {"type": "Blob", "coordinates": []}},
    ]  # fmt: skip
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    _frame, report = read_layer_file(path, "communities")
    by_row = {p.row: p for p in report.errors}
    assert by_row[1].message == (
        "invalid geometry: a polygon ring needs at least 4 positions, this one has 2"
    )
    assert by_row[1].text("zh") == "几何图形无效：面的环至少需要 4 个坐标点，此环只有 2 个"
    assert by_row[2].text("zh") == '几何图形无效：未知的几何类型 "Blob"'
    csv_zh = report.problems_csv("zh")
    assert "bad.geojson,1,,error,几何图形无效" in csv_zh


def test_a_raised_feature_problem_keeps_file_row_and_key(tmp_path):
    path = tmp_path / "one.geojson"
    path.write_text(json.dumps([{"type": "Feature", "properties": 3, "geometry": None}]))
    with pytest.raises(InputError) as info:
        read_vector(path)
    err = info.value
    assert (err.file, err.row, err.key) == ("one.geojson", 1, "io.geojson.properties")
    assert str(err) == "one.geojson, row 1: the feature's 'properties' is not a JSON object"
    assert err.text("zh") == "one.geojson，第 1 行：该要素的 properties 不是 JSON 对象"


def test_not_geojson_names_what_was_found_in_chinese(tmp_path):
    path = tmp_path / "s.geojson"
    path.write_text('"hello"')
    with pytest.raises(InputError) as info:
        read_vector(path)
    assert str(info.value).endswith("found a JSON string")
    assert info.value.text("zh").endswith("实际为JSON 字符串")


def test_a_zip_without_vector_files(tmp_path):
    path = tmp_path / "x.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hi")
    with pytest.raises(InputError) as info:
        read_vector(path)
    assert "holds no vector file" in str(info.value)
    assert info.value.text("zh") == (
        "x.zip：压缩包中没有矢量数据文件（.shp、.geojson、.gpkg 或 .kml）；包内文件：readme.txt"
    )


def test_a_missing_file_and_a_wrong_extension(tmp_path):
    with pytest.raises(InputError) as info:
        read_vector(tmp_path / "nope.geojson")
    assert str(info.value).endswith(": file not found")
    assert "找不到文件" in info.value.text("zh")
    (tmp_path / "a.dwg").write_bytes(b"x")
    with pytest.raises(InputError) as info:
        read_vector(tmp_path / "a.dwg")
    assert str(info.value).startswith("a.dwg: not a vector file (.dwg); use one of .geojson, ")
    assert info.value.text("zh").startswith(
        "a.dwg：不是矢量数据文件（.dwg）；请使用以下格式之一：.geojson、"
    )


# --------------------------------------------------------------------------- tables


def test_a_bad_cell_names_the_chinese_column_and_row(tmp_path):
    path = tmp_path / "b.csv"
    path.write_text("名称,户数,住宅,lon,lat\na,12.5,是,116.4,39.9\nb,3,maybe,116.41,39.91\n",
                    encoding="utf-8")  # fmt: skip
    _frame, report = read_layer_file(path, "buildings")
    first, second = report.errors
    assert "'12.5' is not a whole number" in first.message
    assert first.text("zh") == "户数的值不正确：“12.5”不是整数"
    assert "是/否" in second.text("zh") and "maybe" in second.text("zh")
    assert CJK.search(report.problems_csv("zh").splitlines()[1])


def test_an_empty_required_cell_in_chinese(tmp_path):
    path = tmp_path / "bins.csv"
    path.write_text("编码,类型,lon,lat\nB1,,116.4,39.9\n", encoding="utf-8")
    _frame, report = read_layer_file(path, "bins")
    problem = next(p for p in report.errors if p.key == "io.value.required")
    assert problem.message == "empty cell in required column 'bin_type'"
    assert problem.row == 2
    assert problem.text("zh").startswith("必填列“") and problem.text("zh").endswith("”为空；请填写")


def test_a_named_coordinate_column_that_is_missing(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("名称,东经,北纬\n网吧,116.4,39.9\n", encoding="utf-8")
    _frame, report = read_layer_file(path, "internet_cafes", lon_col="lon", lat_col="北纬")
    problem = only_error(report)
    assert "no longitude column 'lon'; headers found: 名称, 东经, 北纬" in problem.message
    assert problem.text("zh") == "没有经度列 'lon'；文件的列：名称、东经、北纬"


def test_a_csv_with_a_bad_coordinate_refuses_conversion_by_row(tmp_path):
    src = tmp_path / "pts.csv"
    src.write_text("名称,经度,纬度\na,116.4,39.9\nb,东经116,39.9\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        convert_file(src, tmp_path / "out.csv", from_crs="gcj02", to_crs="wgs84")
    err = info.value
    assert (err.file, err.row) == ("pts.csv", 2)
    assert str(err).startswith("pts.csv, row 2: the coordinates (东经116, 39.9) are not numbers")
    assert err.text("zh").startswith("pts.csv，第 2 行：坐标（东经116, 39.9）不是数字")


def test_a_missing_sheet_lists_the_sheets():
    with pytest.raises(InputError) as info:
        read_table(DATA / "workers.xlsx", sheet="nope")
    err = info.value
    assert "the workbook has no sheet 'nope'; sheets:" in str(err)
    assert err.text("zh").startswith("workers.xlsx：工作簿中没有名为 'nope' 的工作表；工作表：")


# --------------------------------------------------------------------------- coordinate systems


def test_an_unknown_coordinate_system():
    with pytest.raises(CRSError) as info:
        crs_mod.normalize_crs_name("pluto")
    assert str(info.value).startswith("unknown coordinate system 'pluto'; use one of wgs84")
    zh = info.value.text("zh")
    assert zh.startswith("未知坐标系 'pluto'") and "高德" in zh and "百度" in zh


def test_an_unknown_crs_in_an_import_is_chinese_in_the_report():
    _frame, report = read_layer_file(DATA / "bins_gcj02.csv", "bins", crs="pluto")
    problem = only_error(report)
    assert "unknown coordinate system" in problem.message
    assert problem.text("zh").startswith("未知坐标系")


def test_a_typed_position_out_of_range_suggests_swapped_axes():
    with pytest.raises(InputError) as info:
        crs_mod.lonlat_to_wgs84(39.9, 116.4 + 100, what="point coordinates")
    assert "are the axes swapped?" in str(info.value)
    assert "经纬度是否填反了" in info.value.text("zh")
    with pytest.raises(InputError) as info:
        crs_mod.lonlat_to_wgs84("东经", 39.9, what="point coordinates")
    assert str(info.value).startswith("point coordinates must be numbers")
    assert info.value.text("zh").startswith("点位坐标须为数字")


# --------------------------------------------------------------------------- datasets


def test_an_unknown_dataset_in_chinese():
    with pytest.raises(NotFound, match=r"no dataset called 'nope'.*demo") as info:
        datasets.get_path("nope")
    assert info.value.text("zh") == "没有名为“nope”的数据集；可选：demo"
