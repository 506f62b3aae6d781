"""Format readers: GeoJSON, GeoPackage, Shapefile (GBK), KML, CSV/TXT, XLSX, zip safety."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import time
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pyogrio
import pytest
import shapely

from gridmap import crs
from gridmap.errors import InputError
from gridmap.io import (
    LAYER_FORMATS,
    find_coordinate_columns,
    read_layer_file,
    read_table,
    read_vector,
)
from gridmap.io import vector as vector_mod
from gridmap.model import LAYERS

DATA = Path(__file__).resolve().parents[1] / "data" / "io"
WGS84_BINS = [(116.4035, 39.9180), (116.4080, 39.9222), (116.4150, 39.9200)]


def messages(report) -> list[str]:
    return [str(p) for p in report.problems]


def only_error(report):
    assert len(report.errors) == 1, messages(report)
    return report.errors[0]


def columns_of(layer: str) -> list[str]:
    spec = LAYERS[layer]
    names = [c.name for c in spec.columns]
    return [*names, "geometry"] if spec.geometry else names


# ---------------------------------------------------------------- GeoJSON


def test_geojson_communities_good():
    frame, report = read_layer_file(DATA / "communities.geojson", "communities")
    assert report.ok, messages(report)
    assert report.problems == []
    assert report.rows == 2
    assert report.source_crs == "wgs84"
    assert isinstance(frame, gpd.GeoDataFrame)
    assert list(frame.columns) == columns_of("communities")
    assert frame.crs.to_epsg() == 4326
    assert list(frame.index) == [0, 1]
    assert frame["code"].tolist() == ["110101001001", "110101001002"]
    assert frame["households"].tolist() == [450, 1020]  # "1,020" accepted
    assert str(frame["households"].dtype) == "Int64"
    assert pd.isna(frame.loc[1, "residents"])
    assert len(frame.geometry[0].interiors) == 1  # the hole is kept


def test_bare_feature_is_accepted():
    frame, report = read_layer_file(DATA / "feature_bare.geojson", "communities")
    assert report.ok, messages(report)
    assert frame["name"].tolist() == ["东华门社区"]


def test_bare_array_of_features_is_accepted():
    frame, report = read_layer_file(DATA / "features_array.json", "internet_cafes")
    assert report.ok, messages(report)
    assert frame["name"].tolist() == ["星空网吧", "极速网咖"]
    assert frame["address"].tolist() == ["东华门大街1号", "景山前街8号"]
    assert frame.geometry[1].equals(shapely.Point(116.4122, 39.9207))


def test_malformed_json_names_line_and_column():
    frame, report = read_layer_file(DATA / "malformed.geojson", "communities")
    problem = only_error(report)
    assert problem.file == "malformed.geojson"
    assert problem.row is None
    assert "invalid JSON at line 5, column 32" in problem.message
    assert frame.empty
    assert list(frame.columns) == columns_of("communities")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("42", "a number"),
        ('{"type": "Topology"}', 'type "Topology"'),
        ('{"features": []}', "without 'type'"),
        ('"hello"', "a JSON string"),
    ],
)
def test_json_that_is_not_geojson_is_reported(tmp_path, text, found):
    path = tmp_path / "x.geojson"
    path.write_text(text, encoding="utf-8")
    _frame, report = read_layer_file(path, "communities")
    problem = only_error(report)
    assert "not GeoJSON" in problem.message
    assert found in problem.message


def test_feature_level_geometry_errors_name_the_feature(tmp_path):
    features = [
        {
            "type": "Feature",
            "properties": {"code": "1", "name": "a"},
            "geometry": {"type": "Polygon", "coordinates": [[[116.4, 39.9], [116.41, 39.9]]]},
        },
        {
            "type": "Feature",
            "properties": {"code": "2", "name": "b"},
            "geometry": {"type": "Polygon", "coordinates": [[["x", 1], [2, 3], [4, 5], [6, 7]]]},
        },
        {
            "type": "Feature",
            "properties": {"code": "3", "name": "c"},
            "geometry": {"type": "Hexagon", "coordinates": []},
        },
        "not a feature",
    ]
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    _frame, report = read_layer_file(path, "communities")
    rows = sorted({p.row for p in report.errors})
    assert rows == [1, 2, 3, 4], messages(report)
    text = "\n".join(messages(report))
    assert "at least 4 positions" in text
    assert "is not a number" in text
    assert "unknown geometry type" in text
    assert "not a GeoJSON Feature" in text


def test_gbk_geojson_is_read_with_a_warning(tmp_path):
    path = tmp_path / "gbk.geojson"
    fc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"名称": "星空网吧"},
                "geometry": {"type": "Point", "coordinates": [116.4, 39.9]},
            }
        ],
    }
    path.write_bytes(json.dumps(fc, ensure_ascii=False).encode("gbk"))
    frame, report = read_layer_file(path, "internet_cafes")
    assert report.ok
    assert frame["name"].tolist() == ["星空网吧"]
    assert any("GBK" in w.message for w in report.warnings)


def test_legacy_geojson_crs_member_is_honoured(tmp_path):
    x, y = crs.transform(116.405, 39.92, src="wgs84", dst="EPSG:4548")
    fc = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4548"}},
        "features": [
            {
                "type": "Feature",
                "properties": {"名称": "网吧"},
                "geometry": {"type": "Point", "coordinates": [float(x), float(y)]},
            }
        ],
    }
    path = tmp_path / "old.geojson"
    path.write_text(json.dumps(fc))
    frame, report = read_layer_file(path, "internet_cafes")
    assert report.ok, messages(report)
    assert report.source_crs == "EPSG:4548"
    assert frame.geometry[0].distance(shapely.Point(116.405, 39.92)) < 1e-7


# ---------------------------------------------------------------- GeoPackage


def test_gpkg_grids_good():
    frame, report = read_layer_file(DATA / "grids.gpkg", "grids")
    assert report.ok, messages(report)
    assert report.problems == []
    assert list(frame.columns) == columns_of("grids")
    assert frame["code"].tolist() == ["110101001001001", "110101001001002", "110101001001003"]
    assert frame["community"].unique().tolist() == ["110101001001"]
    assert frame["name"].tolist() == ["第一网格", "第二网格", "第三网格"]


def test_gpkg_own_projected_crs_wins_over_default():
    wgs, _ = read_layer_file(DATA / "grids.gpkg", "grids")
    frame, report = read_layer_file(DATA / "grids_epsg4548.gpkg", "grids")
    assert report.ok, messages(report)
    assert report.source_crs == "EPSG:4548"
    assert any("EPSG:4548" in p.message and p.severity == "info" for p in report.problems)
    for a, b in zip(frame.geometry, wgs.geometry, strict=True):
        assert shapely.hausdorff_distance(a, b) < 1e-7  # about 1 cm


def test_gpkg_conflicting_explicit_crs_is_reported():
    _frame, report = read_layer_file(DATA / "grids_epsg4548.gpkg", "grids", crs="gcj02")
    problem = only_error(report)
    assert "EPSG:4548" in problem.message
    assert "gcj02" in problem.message
    assert "conflict" in problem.message


def test_gpkg_matching_explicit_crs_is_fine():
    _frame, report = read_layer_file(DATA / "grids_epsg4548.gpkg", "grids", crs="EPSG:4548")
    assert report.ok, messages(report)
    assert report.problems == []


def test_gpkg_layer_named_like_the_gridmap_layer_is_chosen(tmp_path):
    path = tmp_path / "two.gpkg"
    other = gpd.GeoDataFrame(
        {"名称": ["x"]}, geometry=[shapely.Point(116.4, 39.9)], crs="EPSG:4326"
    )
    pyogrio.write_dataframe(other, path, layer="aaa_other", driver="GPKG")
    grids = gpd.read_file(DATA / "grids.gpkg")
    pyogrio.write_dataframe(grids, path, layer="grids", driver="GPKG", append=True)
    frame, report = read_layer_file(path, "grids")
    assert report.ok, messages(report)
    assert len(frame) == 3
    assert any("aaa_other" in w.message for w in report.warnings)


def test_not_a_gpkg_is_reported(tmp_path):
    path = tmp_path / "fake.gpkg"
    path.write_text("this is not sqlite")
    _frame, report = read_layer_file(path, "grids")
    assert "not a readable GeoPackage" in only_error(report).message


# ---------------------------------------------------------------- Shapefile


BUILDING_NAMES = ["东风楼", "朝阳小区3号楼", "景山东街7号院"]


def test_shapefile_gbk_without_cpg_is_detected():
    assert not (DATA / "buildings_gbk.cpg").exists()
    frame, report = read_layer_file(DATA / "buildings_gbk.shp", "buildings")
    assert report.ok, messages(report)
    assert frame["name"].tolist() == BUILDING_NAMES
    assert frame["compound"].tolist() == ["东风小区", "朝阳小区", "景山小区"]
    assert frame["residential"].tolist() == [True, True, False]
    assert frame["households"].tolist() == [48, 96, 12]
    assert any("GBK" in p.message for p in report.problems)


def _copy_shapefile(tmp_path: Path) -> Path:
    for src in DATA.glob("buildings_gbk.*"):
        if src.suffix != ".zip":
            shutil.copy(src, tmp_path / src.name)
    return tmp_path / "buildings_gbk.shp"


@pytest.mark.parametrize("cpg", ["GBK", "936", "CP936", "gb2312"])
def test_shapefile_cpg_is_honoured(tmp_path, cpg):
    shp = _copy_shapefile(tmp_path)
    shp.with_suffix(".cpg").write_text(cpg)
    frame, report = read_layer_file(shp, "buildings")
    assert report.ok, messages(report)
    assert report.problems == []
    assert frame["name"].tolist() == BUILDING_NAMES


def test_shapefile_cpg_that_lies_is_an_error(tmp_path):
    shp = _copy_shapefile(tmp_path)
    shp.with_suffix(".cpg").write_text("UTF-8")
    _frame, report = read_layer_file(shp, "buildings")
    assert "not valid utf-8" in only_error(report).message


def test_shapefile_utf8_without_cpg(tmp_path):
    gdf = gpd.GeoDataFrame(
        {"名称": ["东风楼"], "编号": ["B1"]}, geometry=[shapely.Point(116.4, 39.9)], crs="EPSG:4326"
    )
    pyogrio.write_dataframe(gdf, tmp_path / "utf8.shp", encoding="UTF-8")
    (tmp_path / "utf8.cpg").unlink()
    frame, report = read_layer_file(tmp_path / "utf8.shp", "buildings")
    assert report.ok, messages(report)
    assert report.problems == []
    assert frame["name"].tolist() == ["东风楼"]


def test_shapefile_prj_in_a_projected_system_is_converted(tmp_path):
    x, y = crs.transform(116.4032, 39.9171, src="wgs84", dst="EPSG:4548")
    gdf = gpd.GeoDataFrame(
        {"名称": ["东风楼"]}, geometry=[shapely.Point(float(x), float(y))], crs="EPSG:4548"
    )
    pyogrio.write_dataframe(gdf, tmp_path / "gk.shp", encoding="UTF-8")
    frame, report = read_layer_file(tmp_path / "gk.shp", "buildings")
    assert report.ok, messages(report)
    assert report.source_crs == "EPSG:4548"
    assert frame.geometry[0].distance(shapely.Point(116.4032, 39.9171)) < 1e-7
    _frame, report = read_layer_file(tmp_path / "gk.shp", "buildings", crs="EPSG:4549")
    assert "conflict" in only_error(report).message


def test_zipped_shapefile():
    frame, report = read_layer_file(DATA / "buildings_gbk.zip", "buildings")
    assert report.ok, messages(report)
    assert frame["name"].tolist() == BUILDING_NAMES
    assert report.file == "buildings_gbk.zip"


def test_incomplete_shapefile_is_reported(tmp_path):
    shutil.copy(DATA / "buildings_gbk.shp", tmp_path / "b.shp")
    _frame, report = read_layer_file(tmp_path / "b.shp", "buildings")
    message = only_error(report).message
    assert ".dbf" in message
    assert ".shx" in message


# ---------------------------------------------------------------- KML


def test_kml_boards():
    frame, report = read_layer_file(DATA / "boards.kml", "boards")
    assert report.ok, messages(report)
    assert report.problems == []  # altitudes of 0 are dropped silently
    assert frame["code"].tolist() == ["BD001", "BD002", "BD003"]
    assert frame["name"].tolist() == ["东华门宣传栏1", "景山公益广告", "遵德守礼提示牌"]
    assert frame["board_type"].tolist() == ["publicity", "public_ad", "reminder"]
    assert frame["theme"].tolist()[0] == "社会主义核心价值观"
    assert frame["last_inspected"].tolist()[1] == dt.date(2024, 3, 5)
    assert frame["status"].tolist() == ["active"] * 3  # default
    assert frame.geometry[1].equals(shapely.Point(116.4052, 39.9201))  # "lon, lat" with spaces
    assert frame.geometry[2].geom_type == "Point"  # MultiGeometry of one point
    assert not frame.has_z.any()


def test_kml_polygon_with_inner_boundary():
    frame, report = read_layer_file(DATA / "schools.kml", "schools")
    assert report.ok, messages(report)
    assert frame["name"].tolist() == ["景山学校"]
    assert frame["level"].tolist() == ["nine_year"]
    polygon = frame.geometry[0]
    assert polygon.geom_type == "Polygon"
    assert len(polygon.interiors) == 1
    assert polygon.area == pytest.approx(0.01 * 0.01 - 0.002 * 0.002)


def test_kml_billion_laughs_is_refused_quickly():
    start = time.perf_counter()
    frame, report = read_layer_file(DATA / "billion_laughs.kml", "boards")
    assert time.perf_counter() - start < 2
    problem = only_error(report)
    assert "entities" in problem.message
    assert frame.empty


def test_kml_external_entity_is_refused(tmp_path):
    path = tmp_path / "xxe.kml"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE kml [<!ENTITY xxe SYSTEM '
        '"file:///etc/passwd">]>\n<kml><Placemark><name>&xxe;</name>'
        "<Point><coordinates>116.4,39.9</coordinates></Point></Placemark></kml>"
    )
    _frame, report = read_layer_file(path, "internet_cafes")
    assert "refusing the KML" in only_error(report).message


def test_kml_syntax_error_names_the_line(tmp_path):
    path = tmp_path / "broken.kml"
    path.write_text("<kml>\n<Placemark>\n<name>x</nam>\n</Placemark></kml>")
    _frame, report = read_layer_file(path, "internet_cafes")
    assert "line 3" in only_error(report).message


def test_kml_bad_coordinates_name_the_placemark(tmp_path):
    path = tmp_path / "bad.kml"
    path.write_text(
        "<kml><Document>"
        "<Placemark><name>a</name><Point><coordinates>116.4,39.9</coordinates>"
        "</Point></Placemark>"
        "<Placemark><name>b</name><Point><coordinates>116.4;39.9</coordinates>"
        "</Point></Placemark></Document></kml>"
    )
    _frame, report = read_layer_file(path, "internet_cafes")
    problem = only_error(report)
    assert problem.row == 2
    assert "bad KML coordinate" in problem.message


def test_kml_real_altitudes_are_a_3d_warning(tmp_path):
    path = tmp_path / "z.kml"
    path.write_text(
        "<kml><Placemark><name>a</name><Point><coordinates>116.4,39.9,52.5"
        "</coordinates></Point></Placemark></kml>"
    )
    frame, report = read_layer_file(path, "internet_cafes")
    assert report.ok
    assert [w.row for w in report.warnings] == [1]
    assert "3-D" in report.warnings[0].message
    assert not frame.has_z.any()


# ---------------------------------------------------------------- CSV / TXT


def test_csv_gcj02_is_converted_to_wgs84():
    frame, report = read_layer_file(DATA / "bins_gcj02.csv", "bins", crs="gcj02")
    assert report.ok, messages(report)
    assert report.source_crs == "gcj02"
    assert report.problems == []
    assert frame["code"].tolist() == ["BIN001", "BIN002", "BIN003"]
    assert frame["bin_type"].tolist() == ["collection_point", "street_bin", "street_bin"]
    assert frame["category"].tolist() == ["mixed", "other", "recyclable"]
    assert frame["capacity_l"].tolist()[1:] == [120.0, 60.5]
    assert pd.isna(frame["name"][1])
    lon, lat = np.array(WGS84_BINS).T
    dist = crs.distance_m(frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy(), lon, lat)
    assert (dist < 0.01).all()  # the GCJ-02 shift (hundreds of metres) was undone
    raw = read_table(DATA / "bins_gcj02.csv")
    shift = crs.distance_m(
        raw["经度"].astype(float).to_numpy(), raw["纬度"].astype(float).to_numpy(), lon, lat
    )
    assert (shift > 100).all()


def test_csv_declared_wgs84_is_not_shifted():
    frame, report = read_layer_file(DATA / "bins_gcj02.csv", "bins")
    assert report.ok
    raw = read_table(DATA / "bins_gcj02.csv")
    assert frame.geometry.x.tolist() == raw["经度"].astype(float).tolist()


def test_csv_gbk_is_detected():
    frame, report = read_layer_file(DATA / "bins_gbk.csv", "bins")
    assert report.ok, messages(report)
    assert frame["code"].tolist() == ["G1", "G2"]
    assert frame["bin_type"].tolist() == ["street_bin", "collection_point"]
    assert [w.message for w in report.warnings] == [
        "ignored 1 column(s) that layer 'bins' does not have: 备注"
    ]
    assert read_table(DATA / "bins_gbk.csv").attrs["encoding"] == "gb18030"


def test_csv_wrong_explicit_encoding_is_reported():
    _frame, report = read_layer_file(DATA / "bins_gbk.csv", "bins", encoding="utf-8")
    assert "cannot decode the file as utf-8" in only_error(report).message


@pytest.mark.parametrize(
    ("encoding", "sep", "suffix"),
    [
        ("utf-8-sig", ",", ".csv"),
        ("utf-16", "\t", ".txt"),
        ("gb18030", ";", ".csv"),
        ("utf-8", "\t", ".txt"),
    ],
)
def test_csv_encodings_and_delimiters(tmp_path, encoding, sep, suffix):
    path = tmp_path / f"t{suffix}"
    text = "\n".join([sep.join(["姓名", "电话"]), sep.join(["张伟", "13800138000"])]) + "\n"
    path.write_bytes(text.encode(encoding))
    frame, report = read_layer_file(path, "workers")
    assert report.ok, messages(report)
    assert frame["name"].tolist() == ["张伟"]
    assert frame["phone"].tolist() == ["13800138000"]


def test_custom_coordinate_columns(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("名称,东经,北纬\n网吧,116.4,39.9\n", encoding="utf-8")
    _frame, report = read_layer_file(path, "internet_cafes")
    assert "no geometry" in only_error(report).message
    frame, report = read_layer_file(path, "internet_cafes", lon_col="东经", lat_col="北纬")
    assert report.ok, messages(report)
    assert frame.geometry[0].equals(shapely.Point(116.4, 39.9))
    _frame, report = read_layer_file(path, "internet_cafes", lon_col="lon", lat_col="北纬")
    assert "no longitude column 'lon'" in only_error(report).message


@pytest.mark.parametrize(
    ("headers", "pair"),
    [
        (["经度", "纬度"], ("经度", "纬度")),
        (["LON", "Lat"], ("LON", "Lat")),
        (["lng", "lat"], ("lng", "lat")),
        (["Longitude", " latitude "], ("Longitude", " latitude ")),
        (["X", "Y"], ("X", "Y")),
        (["name", "lat"], None),
    ],
)
def test_find_coordinate_columns(headers, pair):
    assert find_coordinate_columns(headers) == pair


def test_wkt_column_for_polygon_layer_in_csv(tmp_path):
    path = tmp_path / "schools.csv"
    path.write_text(
        '名称,geometry\n一小,"POLYGON ((116.40 39.91, 116.41 39.91, 116.41 39.92, '
        '116.40 39.91))"\n二小,POLYGON ((1 2\n',
        encoding="utf-8",
    )
    frame, report = read_layer_file(path, "schools")
    problem = only_error(report)
    assert (problem.row, problem.column) == (3, "geometry")
    assert frame.geometry[0].geom_type == "Polygon"


# ---------------------------------------------------------------- XLSX


def test_xlsx_workers_with_chinese_headers():
    frame, report = read_layer_file(DATA / "workers.xlsx", "workers")
    assert report.ok, messages(report)
    assert type(frame) is pd.DataFrame  # no geometry for workers
    assert list(frame.columns) == columns_of("workers")
    assert frame["code"].tolist() == ["W001", "W002", "W003"]
    assert frame["name"].tolist() == ["张伟", "李娜", "王芳"]
    assert frame["phone"].tolist()[:2] == ["13800138000", "13912345678"]  # number -> text
    assert pd.isna(frame["phone"][2])
    assert [w.message for w in report.warnings] == [
        "ignored 1 column(s) that layer 'workers' does not have: 性别"
    ]
    table = read_table(DATA / "workers.xlsx")
    assert table.attrs["header_row"] == 2  # the title row is skipped


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
    book.save(path)
    return path


def test_xlsx_sheet_selection(tmp_path):
    path = _workbook(
        tmp_path / "w.xlsx",
        {
            "说明": [["本表为网格员名单"]],
            "名单": [["姓名", "电话"], ["张伟", "13800138000"]],
        },
    )
    frame, report = read_layer_file(path, "workers", sheet="名单")
    assert report.ok, messages(report)
    assert frame["name"].tolist() == ["张伟"]
    frame, report = read_layer_file(path, "workers", sheet=1)
    assert frame["name"].tolist() == ["张伟"]
    _frame, report = read_layer_file(path, "workers", sheet="花名册")
    message = only_error(report).message
    assert "no sheet '花名册'" in message
    assert "说明, 名单" in message


def test_xlsx_dates_and_serials(tmp_path):
    path = _workbook(
        tmp_path / "m.xlsx",
        {
            "log": [
                ["设施编码", "日期", "类型", "状况"],
                ["BIN001", dt.datetime(2024, 3, 5), "巡检", "良好"],
                ["BIN002", 45356, "维修", "较差"],
                ["BIN003", "2024年3月7日", "清洁", None],
                ["BIN004", "2024.3.8", "更换", "损坏"],
            ]
        },
    )
    frame, report = read_layer_file(path, "maintenance")
    assert report.ok, messages(report)
    assert frame["date"].tolist() == [dt.date(2024, 3, d) for d in (5, 5, 7, 8)]
    assert frame["action"].tolist() == ["inspected", "repaired", "cleaned", "replaced"]
    assert frame["condition"].tolist()[:2] == ["good", "poor"]


def test_corrupt_xlsx_is_reported(tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    _frame, report = read_layer_file(path, "workers")
    assert only_error(report).row is None


# ---------------------------------------------------------------- files, zips, raw readers


def test_missing_file_raises():
    with pytest.raises(InputError, match="file not found"):
        read_layer_file(DATA / "nope.geojson", "communities")


def test_unknown_layer_raises():
    with pytest.raises(InputError, match="unknown layer"):
        read_layer_file(DATA / "communities.geojson", "parks")


def test_unknown_extension_is_reported(tmp_path):
    path = tmp_path / "data.dwg"
    path.write_bytes(b"AC1032")
    frame, report = read_layer_file(path, "communities")
    assert "unsupported file type '.dwg'" in only_error(report).message
    assert frame.empty


def test_layer_formats():
    assert LAYER_FORMATS == (
        ".geojson",
        ".json",
        ".shp",
        ".zip",
        ".gpkg",
        ".kml",
        ".kmz",
        ".csv",
        ".txt",
        ".xlsx",
    )


@pytest.mark.parametrize(
    "name",
    [
        "communities.geojson",
        "bins_gcj02.csv",
        "workers.xlsx",
        "buildings_gbk.shp",
        "buildings_gbk.zip",
    ],
)
def test_files_larger_than_max_bytes_are_refused(name):
    layer = {
        "communities.geojson": "communities",
        "bins_gcj02.csv": "bins",
        "workers.xlsx": "workers",
    }.get(name, "buildings")
    _frame, report = read_layer_file(DATA / name, layer, max_bytes=100)
    assert "limit" in only_error(report).message


def test_zip_with_path_traversal_is_refused():
    frame, report = read_layer_file(DATA / "traversal.zip", "communities")
    message = only_error(report).message
    assert "'../evil.geojson'" in message
    assert frame.empty


def test_zip_with_absolute_path_is_refused(tmp_path):
    path = tmp_path / "abs.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("/etc/x.geojson"), "{}")
    _frame, report = read_layer_file(path, "communities")
    assert "absolute or '..' path" in only_error(report).message


def test_zip_with_too_many_members_is_refused(tmp_path):
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for i in range(1001):
            zf.writestr(f"f{i}.txt", "")
    _frame, report = read_layer_file(path, "communities")
    assert "more than the limit of 1,000" in only_error(report).message


def test_zip_bomb_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(vector_mod, "MAX_ZIP_BYTES", 10_000)
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.geojson", " " * 20_000)
    assert path.stat().st_size < 1000
    _frame, report = read_layer_file(path, "communities")
    assert "unpacks to" in only_error(report).message


def test_corrupt_zip_is_reported():
    _frame, report = read_layer_file(DATA / "corrupt.zip", "buildings")
    assert "not a valid zip file" in only_error(report).message


def test_zip_without_vector_file(tmp_path):
    path = tmp_path / "docs.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
    _frame, report = read_layer_file(path, "communities")
    assert "holds no vector file" in only_error(report).message


def test_read_vector_raw():
    gdf = read_vector(DATA / "buildings_gbk.shp")
    assert gdf["名称"].tolist() == BUILDING_NAMES
    assert gdf.crs.to_epsg() == 4326
    gdf = read_vector(DATA / "grids_epsg4548.gpkg")
    assert gdf.crs.to_epsg() == 4548
    gdf = read_vector(DATA / "communities_3d.geojson")
    assert gdf.has_z.tolist() == [True, False]  # raw: Z kept


@pytest.mark.parametrize(
    ("name", "row", "text"),
    [
        ("malformed.geojson", None, "invalid JSON"),
        ("billion_laughs.kml", None, "entities"),
        ("traversal.zip", None, "'..'"),
    ],
)
def test_read_vector_raises_for_malformed_files(name, row, text):
    with pytest.raises(InputError) as info:
        read_vector(DATA / name)
    assert info.value.file == name
    assert info.value.row == row
    assert text in info.value.message


def test_read_vector_raises_with_the_feature_number(tmp_path):
    path = tmp_path / "f.geojson"
    path.write_text(
        json.dumps(
            [
                {
                    "type": "Feature",
                    "properties": {},
                    "geometry": {"type": "Point", "coordinates": [1, 2]},
                },
                {
                    "type": "Feature",
                    "properties": {},
                    "geometry": {"type": "Point", "coordinates": [1]},
                },
            ]
        )
    )
    with pytest.raises(InputError) as info:
        read_vector(path)
    assert info.value.row == 2


def test_read_table_raw_keeps_blank_rows_and_text(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("编码,名称\n001,a\n\n003, c \n", encoding="utf-8")
    table = read_table(path)
    assert table["编码"].tolist() == ["001", None, "003"]  # leading zeros kept, blank row kept
    assert table["名称"].tolist() == ["a", None, " c "]


@pytest.mark.parametrize(
    ("content", "text"),
    [
        (b"", "empty"),
        (b"a,b\x00c\n1,2\n", "NUL"),
        (b"a,b\n\x80\xff,1\n", "neither UTF-8 nor GBK"),
    ],
)
def test_read_table_raises_for_malformed_files(tmp_path, content, text):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=text):
        read_table(path)
