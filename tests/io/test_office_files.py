"""Files made the way office clerks make them, and from public sources (refs #18).

Every messy file is written here, from code: openpyxl workbooks with title rows,
merged headers and merged cells; CSVs in GBK/GB18030/UTF-16; a DataV-style bare
array with ``adcode``; a KML declaring GB2312; a shapefile whose ``.cpg`` lies.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pyogrio
import pytest
import shapely

from gridmap import crs
from gridmap.errors import InputError
from gridmap.io import convert_file, read_layer_file, read_vector
from gridmap.io.layers import parse_column_map

LON, LAT = 116.4035, 39.9180  # Dongcheng, Beijing, as the other io fixtures


def messages(report) -> list[str]:
    return [str(p) for p in report.problems]


# ---------------------------------------------------------------- coordinate cells


def test_full_width_and_odd_spaces_in_coordinate_cells(tmp_path):
    """Fails today with "assignment destination is read-only" under pandas 3."""
    path = tmp_path / "bins.csv"
    path.write_text(
        "名称,类型,经度,纬度\n"
        "甲,垃圾桶,１１６．４０３５,３９．９１８\n"
        "乙,垃圾桶,116.4035\u00a0,\u300039.918\n"
        "丙,垃圾桶,\u200b116.4035,39.918\ufeff\n",
        encoding="utf-8",
    )
    frame, report = read_layer_file(path, "bins")
    assert report.ok, messages(report)
    assert all("read-only" not in m for m in messages(report))
    assert [(g.x, g.y) for g in frame.geometry] == [(LON, LAT)] * 3


def test_degrees_minutes_seconds_columns(tmp_path):
    path = tmp_path / "bins.csv"
    path.write_text(
        "名称,类型,经度,纬度\n"
        "甲,垃圾桶,116°24′12.6″,39°55′04.8″\n"
        "乙,垃圾桶,116度24分12.6秒,39度55分4.8秒\n"
        "丙,垃圾桶,116 24 12.6,39 55 04.8\n"
        "丁,垃圾桶,116°24.21′,39°55.08′\n",
        encoding="utf-8",
    )
    frame, report = read_layer_file(path, "bins")
    assert report.ok, messages(report)
    np.testing.assert_allclose(shapely.get_x(frame.geometry.to_numpy()), LON, atol=1e-6)
    np.testing.assert_allclose(shapely.get_y(frame.geometry.to_numpy()), LAT, atol=1e-6)


def test_bad_dms_names_the_excel_row_and_the_fix(tmp_path):
    path = tmp_path / "bins.csv"
    path.write_text("名称,类型,经度,纬度\n甲,垃圾桶,116°75′,39.918\n", encoding="utf-8")
    _frame, report = read_layer_file(path, "bins")
    [problem] = report.errors
    assert (problem.row, problem.column) == (2, "经度")
    assert "60 or more" in problem.message
    assert "60" in problem.text("zh") and "经度" in problem.text("zh")


def test_amap_location_column(tmp_path):
    path = tmp_path / "bins.csv"
    path.write_text(f'name,type,location\n甲,垃圾桶,"{LON},{LAT}"\n', encoding="utf-8")
    frame, report = read_layer_file(path, "bins")
    assert report.ok, messages(report)
    assert (frame.geometry[0].x, frame.geometry[0].y) == (LON, LAT)


# ---------------------------------------------------------------- KML / KMZ


KML_GB2312 = """<?xml version="1.0" encoding="GB2312"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
<Placemark><name>东风宣传栏</name>
<ExtendedData><Data name="类型"><value>宣传栏</value></Data></ExtendedData>
<Point><coordinates>{lon},{lat}</coordinates></Point></Placemark>
</Document></kml>
"""


@pytest.mark.parametrize("encoding", ["GB2312", "GBK", "gb18030"])
def test_kml_declaring_a_chinese_encoding(tmp_path, encoding):
    path = tmp_path / "boards.kml"
    text = KML_GB2312.format(lon=LON, lat=LAT).replace("GB2312", encoding)
    path.write_bytes(text.encode("gb2312"))
    frame, report = read_layer_file(path, "boards")
    assert report.ok, messages(report)
    assert frame["name"].tolist() == ["东风宣传栏"]
    assert frame["board_type"].tolist() == ["publicity"]
    out = tmp_path / "out.geojson"  # convert reads it too
    assert convert_file(path, out, from_crs="gcj02", to_crs="wgs84") == 1


def test_kmz(tmp_path):
    path = tmp_path / "boards.kmz"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("doc.kml", KML_GB2312.format(lon=LON, lat=LAT).encode("gb2312"))
    frame, report = read_layer_file(path, "boards")
    assert report.ok, messages(report)
    assert frame["name"].tolist() == ["东风宣传栏"]


# ---------------------------------------------------------------- shapefiles


def test_utf8_dbf_whose_cpg_says_gbk_is_re_decoded_naming_the_column(tmp_path):
    gdf = gpd.GeoDataFrame(
        {"名称": ["临高县", "东风楼", "朝阳小区3号楼"], "编号": ["B1", "B2", "B3"]},
        geometry=[shapely.Point(LON, LAT)] * 3,
        crs="EPSG:4326",
    )
    pyogrio.write_dataframe(gdf, tmp_path / "b.shp", encoding="UTF-8")
    (tmp_path / "b.cpg").write_text("GBK")  # the lie
    frame, report = read_layer_file(tmp_path / "b.shp", "buildings")
    assert report.ok, messages(report)
    assert frame["name"].tolist() == ["临高县", "东风楼", "朝阳小区3号楼"]
    warning = next(p for p in report.warnings if "looks garbled" in p.message)
    assert "名称" in warning.message and "utf-8" in warning.message


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_shapefile_without_prj_says_wgs84_was_assumed(tmp_path):
    gdf = gpd.GeoDataFrame({"名称": ["远"]}, geometry=[shapely.Point(LON + 2, LAT)])
    pyogrio.write_dataframe(gdf, tmp_path / "b.shp", encoding="UTF-8")
    assert not (tmp_path / "b.prj").exists()
    square = shapely.box(LON - 0.01, LAT - 0.01, LON + 0.01, LAT + 0.01)
    _frame, report = read_layer_file(
        tmp_path / "b.shp", "buildings", street_area=np.array([square]), max_km=20
    )
    text = " ".join(messages(report))
    assert "wgs84 was declared" not in text
    assert "assumed" in text
    assert any(p.key == "io.crs.assumed" for p in report.warnings)


# ---------------------------------------------------------------- XLSX as offices make them


def _set_dimension(path: Path, ref: str) -> None:
    """Rewrite the sheet's <dimension> tag, as some exporters write it wrong."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), data)
            dst.writestr(item, data)
    tmp.replace(path)


def test_xlsx_whose_dimension_understates_its_rows(tmp_path):
    path = tmp_path / "workers.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["姓名", "电话"])
    for i in range(5):
        sheet.append([f"网格员{i}", f"1380000000{i}"])
    book.save(path)
    _set_dimension(path, "A1:B2")
    frame, report = read_layer_file(path, "workers")
    assert report.ok, messages(report)
    assert report.rows == 5
    assert frame["name"].tolist() == [f"网格员{i}" for i in range(5)]


def _roster(path: Path) -> None:
    """An assignment roster as a street office makes it.

    Row 1: a title merged across; rows 2-3: a two-row header (任职时间 over 起始/结束);
    the grid code merged down over its workers; a blank row; a footer.
    """
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["望江街道网格员花名册（2024年）"])
    ws.merge_cells("A1:E1")
    ws.append(["网格编号", "姓名", "职务", "任职时间", None])
    ws.append([None, None, None, "起始日期", "结束日期"])
    for col in "ABC":
        ws.merge_cells(f"{col}2:{col}3")
    ws.merge_cells("D2:E2")
    ws.append(["330102011001001", "蔡丽", "网格长", "2024-01-01", None])  # row 4
    ws.append([None, "罗建军", "专职网格员", "2024-01-01", None])  # row 5
    ws.append([None, "吕超", "兼职", "2024-03-01", None])  # row 6
    ws.merge_cells("A4:A6")
    ws.append([None, None, None, None, None])  # row 7: blank
    ws.append(["330102011001002", "张三", "不存在的职务", "2024-01-01", None])  # row 8
    ws.append([])  # row 9
    ws.append(["制表人：王五", None, "审核人：赵六", None, "日期：2024-03-05"])  # row 10
    book.save(path)


def test_excel_roster_as_offices_make_it(tmp_path):
    path = tmp_path / "roster.xlsx"
    _roster(path)
    frame, report = read_layer_file(path, "assignments")
    # the only error is the bad role, on the Excel row a person sees
    [problem] = report.errors
    assert (problem.row, problem.column) == (8, "职务")
    assert frame["grid"].tolist()[:3] == ["330102011001001"] * 3  # merged cell filled down
    assert frame["worker"].tolist() == ["蔡丽", "罗建军", "吕超", "张三"]
    assert frame["role"].tolist()[:3] == ["grid_head", "full_time", "part_time"]
    assert str(frame["valid_from"].iloc[2]) == "2024-03-01"
    kinds = {p.key for p in report.problems}
    assert {"io.table.footer", "io.table.two_row_header", "io.table.merged_filled"} <= kinds
    footer = next(p for p in report.problems if p.key == "io.table.footer")
    assert "10" in footer.message and "制表人" in footer.message
    assert "跳过表尾" in footer.text("zh")


def test_two_concurrent_grid_heads_are_refused(tmp_path):
    path = tmp_path / "assignments.csv"
    path.write_text(
        "网格编号,姓名,职务,入职日期,结束日期\n"
        "330102011001001,蔡丽,网格长,2024-01-01,\n"
        "330102011001001,罗建军,网格长,2024-06-01,2024-12-31\n"
        "330102011001002,吕超,网格长,2023-01-01,2023-12-31\n"
        "330102011001002,张三,网格长,2024-01-01,\n",  # follows, does not overlap
        encoding="utf-8",
    )
    _frame, report = read_layer_file(path, "assignments")
    [problem] = report.errors
    assert problem.row == 3 and problem.key == "io.assign.two_heads"
    assert "330102011001001" in problem.message and "row 2" in problem.message


# ---------------------------------------------------------------- codes


@pytest.mark.parametrize(
    ("layer", "text", "key", "row"),
    [
        ("communities", "编码,名称,geometry\n330106,甲,{poly}\n", "io.code.community", 2),
        ("grids", "编码,社区,geometry\n,SQ-3,{poly}\n", "io.code.community", 2),
        ("grids", "编码,社区,geometry\n3301020110010,330102011001,{poly}\n", "io.code.grid", 2),
        (
            "grids",
            "编码,社区,geometry\n330102011002001,330102011001,{poly}\n",
            "io.code.grid_prefix",
            2,
        ),
        ("workers", "工号,姓名\nW0001,甲\nW 0002,乙\n", "io.code.worker", 3),
        ("assignments", "网格,网格员,角色\n330102,W1,网格长\n", "io.code.grid", 2),
    ],
)
def test_codes_are_checked_at_import(tmp_path, layer, text, key, row):
    poly = f'"{shapely.box(LON, LAT, LON + 0.001, LAT + 0.001).wkt}"'
    path = tmp_path / "t.csv"
    path.write_text(text.format(poly=poly), encoding="utf-8")
    _frame, report = read_layer_file(path, layer)
    problem = next(p for p in report.errors if p.key == key)
    assert problem.row == row
    assert "digits" in problem.message or "letters" in problem.message  # what a code looks like
    assert "e.g." in problem.message and "如" in problem.text("zh")


def _datav(tmp_path: Path) -> Path:
    """A DataV-style bare array of Features with adcode, as DataV.GeoAtlas serves them."""
    features = []
    for i, (dx, name) in enumerate([(0, "清波社区"), (0.01, "柳浪社区")]):
        box = shapely.box(LON + dx, LAT, LON + dx + 0.01, LAT + 0.01)
        features.append({
            "type": "Feature",
            "properties": {"adcode": 330102, "name": name, "center": [LON, LAT],
                           "centroid": [LON, LAT], "childrenNum": 0, "level": "district",
                           "parent": {"adcode": 330100}, "subFeatureIndex": i,
                           "acroutes": [100000, 330000, 330100]},
            "geometry": shapely.geometry.mapping(box),
        })
    path = tmp_path / "datav.json"
    path.write_text(json.dumps(features, ensure_ascii=False), encoding="utf-8")
    return path


def test_datav_file_needs_a_declared_crs_and_the_street_code(tmp_path):
    path = _datav(tmp_path)
    _frame, report = read_layer_file(path, "communities", crs=None)
    keys = {p.key for p in report.errors}
    assert keys == {"io.crs.gcj02_source", "io.code.datav"}, messages(report)
    gcj = next(p for p in report.errors if p.key == "io.crs.gcj02_source")
    assert "DataV" in gcj.message and "--crs gcj02" in gcj.message
    assert "GCJ-02" in gcj.text("zh")
    frame, report = read_layer_file(path, "communities", crs="gcj02", code_prefix="330102011")
    assert report.ok, messages(report)
    assert frame["code"].tolist() == ["330102011001", "330102011002"]
    assert frame["name"].tolist() == ["清波社区", "柳浪社区"]
    _frame, report = read_layer_file(path, "communities", crs="gcj02", code_prefix="33010201")
    assert {p.key for p in report.errors} == {"io.code.prefix_bad"}


def test_amap_export_needs_a_declared_crs(tmp_path):
    path = tmp_path / "amap.csv"
    path.write_text(
        "name,type,typecode,location,pname,cityname,adname\n"
        f'甲,垃圾桶,200300,"{LON},{LAT}",北京市,北京市,东城区\n',
        encoding="utf-8",
    )
    _frame, report = read_layer_file(path, "bins", crs=None)
    assert [p.key for p in report.errors] == ["io.crs.gcj02_source"]
    assert "Amap" in report.errors[0].message
    frame, report = read_layer_file(path, "bins", crs="gcj02")
    assert report.ok, messages(report)
    wx, wy = crs.gcj02_to_wgs84(LON, LAT)
    assert frame.geometry[0].x == pytest.approx(float(wx))
    assert frame.geometry[0].y == pytest.approx(float(wy))


# ---------------------------------------------------------------- headers


def test_more_header_aliases(tmp_path):
    path = tmp_path / "communities.csv"
    poly = f'"{shapely.box(LON, LAT, LON + 0.001, LAT + 0.001).wkt}"'
    path.write_text(f"编码,社区,geometry\n110101001001,东华门社区,{poly}\n", encoding="utf-8")
    frame, report = read_layer_file(path, "communities")
    assert report.ok, messages(report)
    assert frame["name"].tolist() == ["东华门社区"]
    path.write_text(f"编码,社区,名称,geometry\n110101001001,东华门,东华门社区,{poly}\n",
                    encoding="utf-8")
    frame, _report = read_layer_file(path, "communities")
    assert frame["name"].tolist() == ["东华门社区"]  # another name column wins over 社区


def test_columns_option_maps_any_header(tmp_path):
    path = tmp_path / "workers.csv"
    path.write_text("人员编号,人员姓名\nW0001,蔡丽\n", encoding="utf-8")
    _frame, report = read_layer_file(path, "workers")
    assert not report.ok
    frame, report = read_layer_file(path, "workers", columns="人员编号=code，人员姓名=姓名")
    assert report.ok, messages(report)
    assert frame[["code", "name"]].values.tolist() == [["W0001", "蔡丽"]]
    _frame, report = read_layer_file(path, "workers", columns="人员编号=nope")
    assert next(p.key for p in report.errors) == "io.table.columns_unknown_target"
    with pytest.raises(InputError, match="source=target"):
        parse_column_map("人员编号")


# ---------------------------------------------------------------- far from the street


def test_far_check_measures_from_the_nearest_community(tmp_path):
    """A city-wide store: two districts 60 km apart; a point inside the second is fine."""
    west = shapely.box(116.0, 39.9, 116.05, 39.95)
    east = shapely.box(116.7, 39.9, 116.75, 39.95)
    area = np.array([west, east])
    path = tmp_path / "bins.csv"
    path.write_text(
        "名称,类型,经度,纬度\n东,垃圾桶,116.72,39.92\n近,垃圾桶,116.80,39.92\n"
        "远,垃圾桶,116.40,39.50\n",
        encoding="utf-8",
    )
    _frame, report = read_layer_file(path, "bins", street_area=area, max_km=20)
    assert [p.row for p in report.errors] == [4]
    assert "nearest stored community" in report.errors[0].message


# ---------------------------------------------------------------- convert


@pytest.mark.parametrize("suffix", [".kml", ".shp"])
def test_convert_writes_kml_and_shapefile(tmp_path, suffix):
    src = tmp_path / "bins.csv"
    src.write_text(f"名称,类型,经度,纬度\n甲,垃圾桶,{LON},{LAT}\n", encoding="utf-8")
    out = tmp_path / f"out{suffix}"
    assert convert_file(src, out, from_crs="gcj02", to_crs="wgs84") == 1
    back = read_vector(out)
    wx, wy = crs.gcj02_to_wgs84(LON, LAT)
    assert back.geometry[0].x == pytest.approx(float(wx), abs=1e-7)
    assert back.geometry[0].y == pytest.approx(float(wy), abs=1e-7)
    assert "甲" in back.astype(str).to_numpy().ravel().tolist()


def test_convert_says_what_it_can_write(tmp_path):
    src = tmp_path / "bins.csv"
    src.write_text(f"名称,类型,经度,纬度\n甲,垃圾桶,{LON},{LAT}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"cannot write \.dwg.*\.kml.*\.shp"):
        convert_file(src, tmp_path / "out.dwg", from_crs="gcj02", to_crs="wgs84")


def test_an_uploaded_table_is_read_from_its_bytes():
    from gridmap.io.tabular import read_table_bytes

    frame = read_table_bytes("folder/workers.csv", "编号,姓名\nW1,张三\n".encode("gb18030"))
    assert frame.to_dict("records") == [{"编号": "W1", "姓名": "张三"}]
    with pytest.raises(InputError):
        read_table_bytes("workers.pdf", b"%PDF-1.4")
