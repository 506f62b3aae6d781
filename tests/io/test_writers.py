"""Writing layers (GeoJSON, GPKG, CSV, XLSX) and converting files between WGS-84/GCJ-02/BD-09."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from gridmap import crs
from gridmap.errors import CRSError, InputError
from gridmap.io import convert_file, read_layer_file, read_table, read_vector, write_layer_file

DATA = Path(__file__).resolve().parents[1] / "data" / "io"
WGS84_BINS = [(116.4035, 39.9180), (116.4080, 39.9222), (116.4150, 39.9200)]


def attributes(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg", ".csv", ".xlsx"])
@pytest.mark.parametrize(
    ("name", "layer"),
    [
        ("communities.geojson", "communities"),
        ("boards.kml", "boards"),
        ("workers.xlsx", "workers"),
        ("buildings_gbk.shp", "buildings"),
    ],
)
def test_round_trip(tmp_path, suffix, name, layer):
    frame, report = read_layer_file(DATA / name, layer)
    assert report.ok
    out = tmp_path / f"{layer}{suffix}"
    assert write_layer_file(frame, out) == len(frame)
    again, report = read_layer_file(out, layer)
    assert report.ok, [str(p) for p in report.problems]
    pd.testing.assert_frame_equal(attributes(again), attributes(frame))
    if "geometry" in frame:
        assert again.geometry.geom_equals_exact(frame.geometry, 1e-9).all()


def test_geojson_is_rfc7946(tmp_path):
    clockwise = shapely.Polygon(
        [(116.40, 39.91), (116.40, 39.92), (116.41, 39.92), (116.41, 39.91)]
    )
    assert not clockwise.exterior.is_ccw
    frame = gpd.GeoDataFrame({"name": ["东华门社区"]}, geometry=[clockwise], crs="EPSG:4326")
    out = tmp_path / "c.geojson"
    write_layer_file(frame, out)
    text = out.read_text(encoding="utf-8")
    assert "东华门社区" in text  # not \\u escaped
    doc = json.loads(text)
    assert "crs" not in doc
    ring = doc["features"][0]["geometry"]["coordinates"][0]
    assert shapely.LinearRing(ring).is_ccw


def test_csv_has_bom_and_lon_lat_columns(tmp_path):
    frame, _ = read_layer_file(DATA / "boards.kml", "boards")
    out = tmp_path / "boards.csv"
    write_layer_file(frame, out)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    table = read_table(out)
    assert list(table.columns)[-2:] == ["经度", "纬度"]
    assert table["经度"].astype(float).tolist() == frame.geometry.x.tolist()


def test_csv_of_polygons_has_wkt(tmp_path):
    frame, _ = read_layer_file(DATA / "communities.geojson", "communities")
    out = tmp_path / "c.csv"
    write_layer_file(frame, out)
    table = read_table(out)
    assert shapely.from_wkt(table["geometry"][0]).equals(frame.geometry[0])


def test_gpkg_layer_is_named_after_the_file(tmp_path):
    frame, _ = read_layer_file(DATA / "grids.gpkg", "grids")
    out = tmp_path / "东华门网格.gpkg"
    write_layer_file(frame, out)
    write_layer_file(frame, out)  # replaced, not appended
    assert [str(n) for n, _ in pyogrio.list_layers(out)] == ["东华门网格"]
    assert len(read_vector(out)) == 3


def test_unknown_output_extension(tmp_path):
    frame, _ = read_layer_file(DATA / "grids.gpkg", "grids")
    with pytest.raises(InputError, match=r"cannot write \.dwg"):
        write_layer_file(frame, tmp_path / "x.dwg")


def test_convert_csv_keeps_columns_and_replaces_coordinates(tmp_path):
    out = tmp_path / "wgs.csv"
    assert convert_file(DATA / "bins_gcj02.csv", out, from_crs="gcj02", to_crs="wgs84") == 3
    before = read_table(DATA / "bins_gcj02.csv")
    after = read_table(out)
    assert list(after.columns) == list(before.columns)
    pd.testing.assert_frame_equal(
        after.drop(columns=["经度", "纬度"]), before.drop(columns=["经度", "纬度"])
    )
    lon, lat = np.array(WGS84_BINS).T
    dist = crs.distance_m(
        after["经度"].astype(float).to_numpy(), after["纬度"].astype(float).to_numpy(), lon, lat
    )
    assert (dist < 0.01).all()


def test_convert_geojson_round_trip(tmp_path):
    gcj = tmp_path / "gcj.geojson"
    back = tmp_path / "back.geojson"
    assert convert_file(DATA / "communities.geojson", gcj, from_crs="wgs84", to_crs="gcj02") == 2
    convert_file(gcj, back, from_crs="gcj02", to_crs="wgs84")
    original = read_vector(DATA / "communities.geojson")
    shifted = read_vector(gcj)
    result = read_vector(back)
    assert shifted.geometry[0].hausdorff_distance(original.geometry[0]) > 1e-3  # moved
    for a, b in zip(result.geometry, original.geometry, strict=True):
        assert a.hausdorff_distance(b) < 1e-8  # about 1 mm
    assert result["name"].tolist() == ["东华门社区", "景山社区"]


def test_convert_table_to_geojson_and_shapefile_to_gpkg(tmp_path):
    out = tmp_path / "bins.geojson"
    convert_file(DATA / "bins_gcj02.csv", out, from_crs="gcj02", to_crs="wgs84")
    gdf = read_vector(out)
    assert gdf["编号"].tolist() == ["BIN001", "BIN002", "BIN003"]
    assert "经度" not in gdf.columns
    out = tmp_path / "b.gpkg"
    assert convert_file(DATA / "buildings_gbk.zip", out, from_crs="wgs84", to_crs="bd09") == 3
    assert read_vector(out)["名称"].tolist()[0] == "东风楼"


@pytest.mark.parametrize(
    ("name", "text", "row"),
    [
        ("malformed.geojson", "invalid JSON", None),
        ("grids_epsg4548.gpkg", "EPSG:4548", None),
        ("traversal.zip", "'..'", None),
    ],
)
def test_convert_errors_name_the_file(tmp_path, name, text, row):
    with pytest.raises(InputError) as info:
        convert_file(DATA / name, tmp_path / "o.geojson", from_crs="wgs84", to_crs="gcj02")
    assert info.value.file == name
    assert info.value.row == row
    assert text in info.value.message


def test_convert_bad_coordinate_names_the_row(tmp_path):
    with pytest.raises(InputError) as info:
        convert_file(DATA / "bins_nan.csv", tmp_path / "o.csv", from_crs="gcj02", to_crs="wgs84")
    assert (info.value.file, info.value.row) == ("bins_nan.csv", 2)
    assert not (tmp_path / "o.csv").exists()


def test_convert_refuses_unknown_and_projected_systems(tmp_path):
    with pytest.raises(CRSError):
        convert_file(
            DATA / "bins_gcj02.csv", tmp_path / "o.csv", from_crs="mars-ish", to_crs="wgs84"
        )
    with pytest.raises(InputError, match="longitude/latitude systems only"):
        convert_file(
            DATA / "bins_gcj02.csv", tmp_path / "o.csv", from_crs="gcj02", to_crs="EPSG:4548"
        )
    with pytest.raises(InputError, match="file not found"):
        convert_file(DATA / "nope.csv", tmp_path / "o.csv", from_crs="gcj02", to_crs="wgs84")
