"""Validation of raw rows against a layer spec: columns, values, geometries, coordinates."""

from __future__ import annotations

import datetime as dt
import json
import math
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridmap import crs
from gridmap.io import layers as layers_mod
from gridmap.io import read_layer_file, validate_layer_frame
from gridmap.io._columns import match_headers, to_bool, to_date, to_datetime, to_int
from gridmap.io.vector import _GEOJSON_TYPES
from gridmap.model import LAYERS

DATA = Path(__file__).resolve().parents[1] / "data" / "io"
WGS84_BINS = [(116.4035, 39.9180), (116.4080, 39.9222), (116.4150, 39.9200)]
CENTRE = (116.41, 39.92)


def messages(report) -> list[str]:
    return [str(p) for p in report.problems]


def only_error(report):
    assert len(report.errors) == 1, messages(report)
    return report.errors[0]


def csv(tmp_path: Path, text: str, name: str = "t.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def geojson(tmp_path: Path, features: list[dict], name: str = "t.geojson") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def point_feature(props: dict, geometry: dict | None) -> dict:
    return {"type": "Feature", "properties": props, "geometry": geometry}


# ---------------------------------------------------------------- the bad fixture files


def test_missing_required_column_lists_the_headers():
    frame, report = read_layer_file(DATA / "communities_missing_name.geojson", "communities")
    problem = only_error(report)
    assert problem.row is None
    assert "missing required column 'name'" in problem.message
    assert "名称" in problem.message  # the accepted headers are listed
    assert "headers found: 编码, 街道" in problem.message
    assert frame["name"].isna().all()
    assert report.rows == 2


def test_self_intersecting_polygon_is_an_error():
    _frame, report = read_layer_file(DATA / "communities_selfintersect.geojson", "communities")
    problem = only_error(report)
    assert problem.row == 2
    assert "invalid polygon: Self-intersection" in problem.message
    assert report.repaired == 0


def test_self_intersecting_polygon_is_repaired_on_request():
    frame, report = read_layer_file(
        DATA / "communities_selfintersect.geojson", "communities", repair=True
    )
    assert report.ok, messages(report)
    assert report.repaired == 1
    assert [(w.row, "repaired" in w.message) for w in report.warnings] == [(2, True)]
    repaired = frame.geometry[1]
    assert repaired.is_valid
    assert repaired.geom_type == "MultiPolygon"
    assert len(repaired.geoms) == 2
    assert repaired.area == pytest.approx(0.01 * 0.01 / 2)


def test_empty_geometries_are_errors():
    _frame, report = read_layer_file(DATA / "communities_empty_geometry.geojson", "communities")
    assert [(p.row, p.message) for p in report.errors] == [
        (2, "empty geometry: the feature has no coordinates"),
        (3, "empty geometry: the feature has no coordinates"),
    ]


def test_3d_geometry_is_a_warning_and_z_is_dropped():
    frame, report = read_layer_file(DATA / "communities_3d.geojson", "communities")
    assert report.ok, messages(report)
    assert [(w.row, w.message) for w in report.warnings] == [
        (1, "3-D geometry: the Z (height) values were dropped")
    ]
    assert not frame.has_z.any()


@pytest.mark.parametrize(
    ("name", "layer", "row", "column", "fragments"),
    [
        pytest.param(
            "communities_linestring.geojson", "communities", 2, None,
            ("the feature is a LineString", "needs a Polygon or MultiPolygon"),
            id="linestring-in-polygon-layer",
        ),
        pytest.param(
            "communities_duplicate.geojson", "communities", 3, "编码",
            ("duplicate code '110101001001': rows 1 and 3",),  # names both rows
            id="duplicate-ids",
        ),
        pytest.param(
            "bins_swapped.csv", "bins", 3, None, ("swapped", "(39.9222, 116.408)"),
            id="swapped-lat-lon-in-csv",
        ),
        pytest.param(
            "boards_bad_enum.csv", "boards", 4, "类型",
            ("'路灯' is not an allowed value", "publicity (宣传栏)", "reminder (提示牌)"),
            id="bad-enum-lists-allowed-values",
        ),
    ],
)  # fmt: skip
def test_one_error_with_row_and_message(name, layer, row, column, fragments):
    _frame, report = read_layer_file(DATA / name, layer)
    problem = only_error(report)
    assert problem.row == row
    if column is not None:
        assert problem.column == column
    for fragment in fragments:
        assert fragment in problem.message


def test_projected_coordinates_in_csv_declared_wgs84():
    _frame, report = read_layer_file(DATA / "bins_projected.csv", "bins")
    assert [p.row for p in report.errors] == [2, 3, 4]
    assert all("projected metres" in p.message and "wgs84" in p.message for p in report.errors)


def test_projected_coordinates_with_their_epsg_code_are_converted():
    frame, report = read_layer_file(DATA / "bins_projected.csv", "bins", crs="EPSG:4548")
    assert report.ok, messages(report)
    assert report.source_crs == "EPSG:4548"
    lon, lat = np.array(WGS84_BINS).T
    dist = crs.distance_m(frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy(), lon, lat)
    assert (dist < 0.05).all()  # the file holds centimetres


def test_projected_coordinates_with_x_and_y_swapped(tmp_path):
    x, y = crs.transform(116.405, 39.92, src="wgs84", dst="EPSG:4548")
    path = csv(
        tmp_path,
        f"code,type,x,y\nA,bin,{float(x):.2f},{float(y):.2f}\n"
        f"B,bin,{float(y):.2f},{float(x):.2f}\n",
    )
    _frame, report = read_layer_file(path, "bins", crs="EPSG:4548")
    problem = only_error(report)
    assert problem.row == 3
    assert "x and y look swapped" in problem.message


def test_bad_date():
    frame, report = read_layer_file(DATA / "boards_bad_date.csv", "boards")
    problem = only_error(report)
    assert (problem.row, problem.column) == (3, "最近巡检")
    assert "'2024-13-45' is not a valid date" in problem.message
    assert frame["last_inspected"].tolist() == [dt.date(2024, 3, 5), None, dt.date(2024, 3, 7)]


def test_nan_and_missing_coordinates():
    _frame, report = read_layer_file(DATA / "bins_nan.csv", "bins")
    assert [(p.row, p.column) for p in report.errors] == [(3, "lon"), (4, "lat")]
    assert "'NaN' is not a coordinate" in report.errors[0].message
    assert "missing latitude" in report.errors[1].message


def test_nan_and_infinite_coordinates_in_geojson(tmp_path):
    path = tmp_path / "nan.geojson"
    path.write_text(
        '{"type": "FeatureCollection", "features": ['
        '{"type": "Feature", "properties": {"名称": "a"}, '
        '"geometry": {"type": "Point", "coordinates": [116.4, 39.9]}},'
        '{"type": "Feature", "properties": {"名称": "b"}, '
        '"geometry": {"type": "Point", "coordinates": [NaN, 39.9]}},'
        '{"type": "Feature", "properties": {"名称": "c"}, '
        '"geometry": {"type": "Point", "coordinates": [116.4, Infinity]}}]}'
    )
    _frame, report = read_layer_file(path, "internet_cafes")
    assert [(p.row, p.message) for p in report.errors] == [
        (2, "a coordinate is missing, NaN or infinite"),
        (3, "a coordinate is missing, NaN or infinite"),
    ]


def test_out_of_range_and_outside_china(tmp_path):
    path = csv(tmp_path, "名称,lon,lat\na,116.4,39.9\nb,200,95\nc,2.35,48.85\n")
    _frame, report = read_layer_file(path, "internet_cafes")
    assert [p.row for p in report.errors] == [3, 4]
    assert "out of range" in report.errors[0].message
    assert "outside China" in report.errors[1].message


def test_far_from_the_street_needs_centre_and_distance(tmp_path):
    # Shanghai points in a Beijing street: inside China, but 1,000 km away
    path = csv(tmp_path, "名称,lon,lat\na,116.41,39.92\nb,121.47,31.23\n")
    _frame, report = read_layer_file(path, "internet_cafes")
    assert report.ok
    _frame, report = read_layer_file(path, "internet_cafes", street_center=CENTRE, max_km=20)
    problem = only_error(report)
    assert problem.row == 3
    assert "km from the street centre, more than 20 km" in problem.message
    assert "wrong coordinate system" in problem.message


def test_row_problems_of_one_kind_are_capped(tmp_path, monkeypatch):
    monkeypatch.setattr(layers_mod, "MAX_ROW_PROBLEMS", 3)
    rows = "\n".join(f"{i},street_bin,39.9,116.4" for i in range(10))
    _frame, report = read_layer_file(csv(tmp_path, "code,type,lon,lat\n" + rows), "bins")
    assert [p.row for p in report.errors] == [None, 2, 3, 4]
    assert "7 more rows" in report.errors[0].message


# ---------------------------------------------------------------- columns and values


def test_headers_are_case_and_space_insensitive(tmp_path):
    path = csv(tmp_path, " CODE ,Bin_Type,Capacity L, LON,lat\nA1,Street Bin,1 200,116.4,39.9\n")
    frame, report = read_layer_file(path, "bins")
    assert report.ok, messages(report)
    assert frame["bin_type"].tolist() == ["street_bin"]
    assert frame["capacity_l"].tolist() == [1200.0]


def test_duplicate_headers_for_one_column_warn(tmp_path):
    path = csv(tmp_path, "名称,name,lon,lat\n甲,乙,116.4,39.9\n")
    frame, report = read_layer_file(path, "internet_cafes")
    assert report.ok
    assert frame["name"].tolist() == ["乙"]  # the canonical name wins
    assert any("'名称' also means 'name'" in w.message for w in report.warnings)


def test_match_headers_reports_unmatched():
    match = match_headers(["姓名", "手机号", "性别", "工号"], LAYERS["workers"])
    assert match.mapping == {"name": "姓名", "phone": "手机号", "code": "工号"}
    assert match.unmatched == ["性别"]


def test_defaults_fill_absent_and_empty_cells(tmp_path):
    path = csv(tmp_path, "类型,室外,幅数,经度,纬度\n宣传栏,,3,116.4,39.9\n展板,否,,116.41,39.91\n")
    frame, report = read_layer_file(path, "boards")
    assert report.ok, messages(report)
    assert frame["outdoor"].tolist() == [True, False]
    assert frame["panels"].tolist() == [3, 1]
    assert frame["fixed"].tolist() == [True, True]
    assert frame["status"].tolist() == ["active", "active"]
    assert str(frame["fixed"].dtype) == "boolean"


def test_empty_cell_in_required_column(tmp_path):
    path = csv(tmp_path, "编号,类型,经度,纬度\nA,垃圾桶,116.4,39.9\nB,,116.41,39.91\n")
    _frame, report = read_layer_file(path, "bins")
    problem = only_error(report)
    assert (problem.row, problem.column) == (3, "类型")
    assert "empty cell in required column 'bin_type'" in problem.message


def test_bad_int_and_bool(tmp_path):
    path = csv(tmp_path, "名称,户数,住宅,lon,lat\na,12.5,是,116.4,39.9\nb,3,maybe,116.41,39.91\n")
    _frame, report = read_layer_file(path, "buildings")
    assert [(p.row, p.column) for p in report.errors] == [(2, "户数"), (3, "住宅")]
    assert "'12.5' is not a whole number" in report.errors[0].message
    assert "use 是/否, true/false, 1/0 or y/n" in report.errors[1].message


def test_blank_rows_are_skipped_but_counted(tmp_path):
    path = csv(tmp_path, "编号,类型,经度,纬度\nA,垃圾桶,116.4,39.9\n\n,,,\nD,路灯,116.41,39.91\n")
    frame, report = read_layer_file(path, "bins")
    assert report.rows == 2
    assert list(frame.index) == [0, 1]
    assert only_error(report).row == 5  # the Excel row: header 1, data rows 2-5


def test_header_only_file_has_no_rows(tmp_path):
    _frame, report = read_layer_file(csv(tmp_path, "编号,类型,经度,纬度\n"), "bins")
    assert only_error(report).message == "the file holds no data rows"


def test_issue_datetimes(tmp_path):
    path = csv(
        tmp_path,
        "分类,上报时间,处置时限,lon,lat\n"
        "暴露垃圾,2024-03-05 14:30,2024-03-05T18:30:00+08:00,116.4,39.9\n"
        "占道经营,2024/3/6,,116.41,39.91\n"
        "乱贴广告,,,116.41,39.91\n",
    )
    frame, report = read_layer_file(path, "issues")
    cst = dt.timezone(dt.timedelta(hours=8))  # field times without a zone are China time
    assert frame["reported_at"].tolist()[:2] == [
        dt.datetime(2024, 3, 5, 14, 30, tzinfo=cst),
        dt.datetime(2024, 3, 6, tzinfo=cst),
    ]
    assert frame["deadline"].tolist()[0] == dt.datetime(2024, 3, 5, 10, 30, tzinfo=dt.UTC)
    assert frame["status"].tolist() == ["reported"] * 3
    problem = only_error(report)
    assert (problem.row, problem.column) == (4, "上报时间")


def test_feature_id_is_used_as_code(tmp_path):
    features = [
        {
            "type": "Feature",
            "id": "110101001001",
            "properties": {"名称": "东华门社区"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [[116.40, 39.91], [116.41, 39.91], [116.41, 39.92], [116.40, 39.91]]
                ],
            },
        },
    ]
    frame, report = read_layer_file(geojson(tmp_path, features), "communities")
    assert report.ok, messages(report)
    assert frame["code"].tolist() == ["110101001001"]


def test_numeric_codes_keep_their_digits(tmp_path):
    features = [
        point_feature(
            {"code": 110101001001, "name": "a"},
            {
                "type": "Polygon",
                "coordinates": [
                    [[116.40, 39.91], [116.41, 39.91], [116.41, 39.92], [116.40, 39.91]]
                ],
            },
        )
    ]
    frame, _report = read_layer_file(geojson(tmp_path, features), "communities")
    assert frame["code"].tolist() == ["110101001001"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-05", dt.date(2024, 3, 5)),
        ("2024/3/5", dt.date(2024, 3, 5)),
        ("2024.03.05", dt.date(2024, 3, 5)),
        ("2024年3月5日", dt.date(2024, 3, 5)),
        ("20240305", dt.date(2024, 3, 5)),
        ("45356", dt.date(2024, 3, 5)),
        (45356.75, dt.date(2024, 3, 5)),
        (dt.datetime(2024, 3, 5, 9), dt.date(2024, 3, 5)),
        ("2024-03-05 08:00", dt.date(2024, 3, 5)),
    ],
)
def test_to_date(value, expected):
    assert to_date(value) == expected


@pytest.mark.parametrize("value", ["2024-02-30", "05/03/2024", "yesterday", "12", True])
def test_to_date_rejects(value):
    with pytest.raises(ValueError, match="not a valid date"):
        to_date(value)


def test_to_datetime_converts_aware_times_to_china_time():
    cst = dt.timezone(dt.timedelta(hours=8))
    assert to_datetime("2024-03-05T06:30:00Z") == dt.datetime(2024, 3, 5, 14, 30, tzinfo=cst)
    assert to_datetime("2024-03-05 14:30:15") == dt.datetime(2024, 3, 5, 14, 30, 15, tzinfo=cst)
    assert to_datetime(45356.5) == dt.datetime(2024, 3, 5, 12, tzinfo=cst)
    assert to_datetime("2024-03-05 14:30").utcoffset() == dt.timedelta(hours=8)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("是", True),
        ("否", False),
        ("TRUE", True),
        ("false", False),
        ("1", True),
        (0, False),
        ("Y", True),
        ("n", False),
        (" yes ", True),
    ],
)
def test_to_bool(value, expected):
    assert to_bool(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1,200", 1200),
        ("12.0", 12),
        (12.0, 12),
        ("１２", 12),
        (" 7 ", 7),
    ],
)
def test_to_int(value, expected):
    assert to_int(value) == expected


@pytest.mark.parametrize("value", ["12.5", "abc", True, float("nan"), "1e400", 10**30])
def test_to_int_rejects(value):
    with pytest.raises(ValueError, match=r"whole number|too large"):
        to_int(value)


# ---------------------------------------------------------------- geometry types


def test_multipolygon_is_fine_for_polygon_layers(tmp_path):
    square = [[116.40, 39.91], [116.41, 39.91], [116.41, 39.92], [116.40, 39.92], [116.40, 39.91]]
    far = [[x + 0.02, y] for x, y in square]
    features = [
        point_feature(
            {"code": "110101001001", "name": "a"},
            {"type": "MultiPolygon", "coordinates": [[square], [far]]},
        )
    ]
    frame, report = read_layer_file(geojson(tmp_path, features), "communities")
    assert report.ok, messages(report)
    assert frame.geometry[0].geom_type == "MultiPolygon"


def test_multipoint_of_one_point_is_a_point(tmp_path):
    features = [
        point_feature({"名称": "a"}, {"type": "MultiPoint", "coordinates": [[116.4, 39.9]]}),
        point_feature(
            {"名称": "b"}, {"type": "MultiPoint", "coordinates": [[116.4, 39.9], [116.5, 39.9]]}
        ),
    ]
    frame, report = read_layer_file(geojson(tmp_path, features), "internet_cafes")
    assert frame.geometry[0].equals(shapely.Point(116.4, 39.9))
    problem = only_error(report)
    assert problem.row == 2
    assert "MultiPoint of 2 points" in problem.message


def test_buildings_accept_points_and_polygons(tmp_path):
    features = [
        point_feature({"名称": "a"}, {"type": "Point", "coordinates": [116.4, 39.9]}),
        point_feature(
            {"名称": "b"},
            {
                "type": "Polygon",
                "coordinates": [
                    [[116.40, 39.91], [116.41, 39.91], [116.41, 39.92], [116.40, 39.91]]
                ],
            },
        ),
        point_feature(
            {"名称": "c"}, {"type": "LineString", "coordinates": [[116.4, 39.9], [116.5, 39.9]]}
        ),
    ]
    _frame, report = read_layer_file(geojson(tmp_path, features), "buildings")
    problem = only_error(report)
    assert problem.row == 3
    assert "needs a Point, Polygon or MultiPolygon" in problem.message


def test_roads_accept_lines(tmp_path):
    features = [
        point_feature(
            {"name": "东华门大街", "等级": "主干道"},
            {"type": "MultiLineString", "coordinates": [[[116.40, 39.91], [116.41, 39.91]]]},
        )
    ]
    frame, report = read_layer_file(geojson(tmp_path, features), "roads")
    assert report.ok, messages(report)
    assert frame["road_class"].tolist() == ["main"]


def test_non_spatial_layer_ignores_geometry(tmp_path):
    features = [point_feature({"姓名": "张伟"}, {"type": "Point", "coordinates": [116.4, 39.9]})]
    frame, report = read_layer_file(geojson(tmp_path, features), "workers")
    assert report.ok
    assert type(frame) is pd.DataFrame
    assert any("geometries were ignored" in w.message for w in report.warnings)


# ---------------------------------------------------------------- coordinate systems


def test_bd09_geojson_is_converted(tmp_path):
    bx, by = crs.transform(116.405, 39.92, src="wgs84", dst="bd09")
    features = [
        point_feature({"名称": "a"}, {"type": "Point", "coordinates": [float(bx), float(by)]})
    ]
    frame, report = read_layer_file(geojson(tmp_path, features), "internet_cafes", crs="百度")
    assert report.ok, messages(report)
    assert report.source_crs == "bd09"
    assert crs.distance_m(frame.geometry.x[0], frame.geometry.y[0], 116.405, 39.92) < 0.01


def test_cgcs2000_is_stored_unchanged(tmp_path):
    path = csv(tmp_path, "名称,lon,lat\na,116.4,39.9\n")
    frame, report = read_layer_file(path, "internet_cafes", crs="EPSG:4490")
    assert report.ok
    assert report.source_crs == "cgcs2000"
    assert frame.geometry[0].equals(shapely.Point(116.4, 39.9))


def test_unknown_crs_is_reported_not_raised(tmp_path):
    path = csv(tmp_path, "名称,lon,lat\na,116.4,39.9\n")
    frame, report = read_layer_file(path, "internet_cafes", crs="mars-ish")
    assert "unknown coordinate system" in only_error(report).message
    assert frame.empty


def test_gcj02_declared_for_a_file_labelled_wgs84_is_applied(tmp_path):
    gx, gy = crs.transform(116.405, 39.92, src="wgs84", dst="gcj02")
    gdf = gpd.GeoDataFrame(
        {"名称": ["a"]}, geometry=[shapely.Point(float(gx), float(gy))], crs="EPSG:4326"
    )
    path = tmp_path / "amap.gpkg"
    gdf.to_file(path, layer="internet_cafes")
    frame, report = read_layer_file(path, "internet_cafes", crs="gcj02")
    assert report.ok, messages(report)
    assert report.source_crs == "gcj02"
    assert crs.distance_m(frame.geometry.x[0], frame.geometry.y[0], 116.405, 39.92) < 0.01


# ---------------------------------------------------------------- in-memory frames


def test_validate_layer_frame_with_coordinate_columns():
    raw = pd.DataFrame(
        {
            "编号": ["A", "A"],
            "类型": ["垃圾桶", "收集点"],
            "经度": [116.4, 116.41],
            "纬度": [39.9, 39.91],
        }
    )
    frame, report = validate_layer_frame(raw, "bins", file="编辑表")
    problem = only_error(report)
    assert (problem.file, problem.row) == ("编辑表", 2)
    assert "duplicate code 'A'" in problem.message
    assert frame["bin_type"].tolist() == ["street_bin", "collection_point"]


def test_validate_layer_frame_with_geodataframe():
    x, y = crs.transform([116.40, 116.41], [39.91, 39.92], src="wgs84", dst="EPSG:4548")
    raw = gpd.GeoDataFrame({"名称": ["a", "b"]}, geometry=shapely.points(x, y), crs="EPSG:4548")
    frame, report = validate_layer_frame(raw, "internet_cafes")
    assert report.ok, messages(report)
    assert report.source_crs == "EPSG:4548"
    assert frame.geometry[1].distance(shapely.Point(116.41, 39.92)) < 1e-7


# ---------------------------------------------------------------- Hypothesis

_KEYS = st.sampled_from(
    [
        "type",
        "features",
        "geometry",
        "properties",
        "coordinates",
        "geometries",
        "id",
        "code",
        "name",
        "名称",
        "crs",
    ]
)
_TYPES = st.sampled_from(["FeatureCollection", "Feature", *_GEOJSON_TYPES])
_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=4)
    | _TYPES
)
_JSON = st.recursive(
    _LEAVES,
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(_KEYS | st.text(max_size=3), children, max_size=5)
    ),
    max_leaves=30,
)
_COORD = st.floats(allow_nan=True, allow_infinity=True) | st.floats(100, 130) | st.floats(20, 50)
_POSITION = st.lists(_COORD, min_size=0, max_size=4)
_RING = st.lists(_POSITION, max_size=6)
_GEOMETRY = st.one_of(
    st.none(),
    st.builds(lambda c: {"type": "Point", "coordinates": c}, _POSITION),
    st.builds(lambda c: {"type": "LineString", "coordinates": c}, _RING),
    st.builds(lambda c: {"type": "Polygon", "coordinates": c}, st.lists(_RING, max_size=3)),
    st.builds(
        lambda c: {"type": "MultiPolygon", "coordinates": c},
        st.lists(st.lists(_RING, max_size=2), max_size=2),
    ),
    _JSON,
)
_FEATURE = st.builds(
    lambda props, geom: {"type": "Feature", "properties": props, "geometry": geom},
    st.fixed_dictionaries({}, optional={"code": _LEAVES, "name": _LEAVES, "households": _LEAVES}),
    _GEOMETRY,
)
_COLLECTION = st.builds(
    lambda fs: {"type": "FeatureCollection", "features": fs}, st.lists(_FEATURE, max_size=4)
)


def _is_feature_container(obj: object) -> bool:
    if isinstance(obj, dict):
        return obj.get("type") in ("FeatureCollection", "Feature", *_GEOJSON_TYPES)
    return isinstance(obj, list)


def _check_report_invariants(obj: object, frame: pd.DataFrame, report) -> None:
    assert report.layer == "communities"
    assert list(frame.columns) == [c.name for c in LAYERS["communities"].columns] + ["geometry"]
    assert list(frame.index) == list(range(len(frame)))
    if not _is_feature_container(obj):
        assert not report.ok
    if report.ok:
        assert len(frame) > 0
        assert frame["code"].notna().all()
        assert frame["name"].notna().all()
        assert not frame["code"].duplicated().any()
        for geom in frame.geometry:
            assert geom.geom_type in ("Polygon", "MultiPolygon")
            assert geom.is_valid
            assert not geom.has_z
            coords = shapely.get_coordinates(geom)
            assert np.isfinite(coords).all()
            assert crs.in_china(coords[:, 0], coords[:, 1]).all()
    for problem in report.problems:
        assert problem.severity in ("error", "warning", "info")
        assert problem.row is None or 1 <= problem.row <= max(len(frame), 1) or not frame.size


def _read_json(obj: object) -> tuple[pd.DataFrame, object]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "h.geojson"
        path.write_text(json.dumps(obj, allow_nan=True, ensure_ascii=False), encoding="utf-8")
        return read_layer_file(path, "communities", repair=True)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_JSON)
def test_random_json_never_raises(obj):
    frame, report = _read_json(obj)
    _check_report_invariants(obj, frame, report)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_COLLECTION)
def test_random_feature_collections_never_raise(obj):
    frame, report = _read_json(obj)
    _check_report_invariants(obj, frame, report)
    features = obj["features"]
    if not features:
        assert not report.ok
    for i, feature in enumerate(features):
        name = feature["properties"].get("name")
        if name is None or (isinstance(name, float) and math.isnan(name)) or name == "":
            assert any(p.row == i + 1 or p.row is None for p in report.errors)
