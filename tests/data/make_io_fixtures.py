"""Regenerate the small good and bad input files under tests/data/io/ used by tests/io/.

Run from the repository root:  python tests/data/make_io_fixtures.py

Every file is made by hand for gridmap (CC0). Coordinates lie in Dongcheng, Beijing
(about 116.40-116.42 E, 39.91-39.93 N). The GCJ-02 values in bins_gcj02.csv are
computed from the WGS-84 values in WGS84_BINS with gridmap.crs, so the test can
check that reading converts them back.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pyogrio
import shapely

from gridmap import crs

OUT = Path(__file__).resolve().parent / "io"

C1 = [(116.400, 39.915), (116.410, 39.915), (116.410, 39.925), (116.400, 39.925), (116.400, 39.915)]
C1_HOLE = [
    (116.403, 39.918),
    (116.403, 39.920),
    (116.405, 39.920),
    (116.405, 39.918),
    (116.403, 39.918),
]
C2 = [(116.410, 39.915), (116.420, 39.915), (116.420, 39.925), (116.410, 39.925), (116.410, 39.915)]
C3 = [(116.400, 39.905), (116.410, 39.905), (116.410, 39.915), (116.400, 39.915), (116.400, 39.905)]
BOWTIE = [
    (116.410, 39.905),
    (116.420, 39.915),
    (116.420, 39.905),
    (116.410, 39.915),
    (116.410, 39.905),
]

#: WGS-84 truth of the three bins in bins_gcj02.csv.
WGS84_BINS = [(116.4035, 39.9180), (116.4080, 39.9222), (116.4150, 39.9200)]


def _feature(props: dict, geometry: dict | None) -> dict:
    return {"type": "Feature", "properties": props, "geometry": geometry}


def _poly(*rings: list) -> dict:
    return {"type": "Polygon", "coordinates": [[list(p) for p in r] for r in rings]}


def _collection(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


def _dump(name: str, obj: object) -> None:
    (OUT / name).write_text(json.dumps(obj, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _community(code: str, name: str, ring: list, **extra: object) -> dict:
    props = {"编码": code, "名称": name, "街道": "东华门街道", "户数": 420, "人口": 1100, **extra}
    return _feature(props, _poly(ring))


def geojson_files() -> None:
    good = _collection(
        [
            _feature(
                {
                    "code": "110101001001",
                    "name": "东华门社区",
                    "street": "东华门街道",
                    "households": 450,
                    "residents": 1200,
                },
                _poly(C1, C1_HOLE),
            ),
            _feature(
                {
                    "code": "110101001002",
                    "name": "景山社区",
                    "street": "东华门街道",
                    "households": "1,020",
                    "residents": None,
                },
                _poly(C2),
            ),
        ]
    )
    _dump("communities.geojson", good)
    _dump("feature_bare.geojson", _community("110101001001", "东华门社区", C1))
    _dump(
        "features_array.json",
        [
            _feature(
                {"名称": "星空网吧", "地址": "东华门大街1号"},
                {"type": "Point", "coordinates": [116.4051, 39.9193]},
            ),
            _feature(
                {"名称": "极速网咖", "地址": "景山前街8号"},
                {"type": "Point", "coordinates": [116.4122, 39.9207]},
            ),
        ],
    )
    # malformed: a missing comma between two members on line 5
    (OUT / "malformed.geojson").write_text(
        '{\n "type": "FeatureCollection",\n "features": [\n  {"type": "Feature",\n'
        '   "properties": {"code": "1"} "geometry": null}\n ]\n}\n',
        encoding="utf-8",
    )
    _dump(
        "communities_missing_name.geojson",
        _collection(
            [
                _feature({"编码": "110101001001", "街道": "东华门街道"}, _poly(C1)),
                _feature({"编码": "110101001002", "街道": "东华门街道"}, _poly(C2)),
            ]
        ),
    )
    _dump(
        "communities_selfintersect.geojson",
        _collection(
            [
                _community("110101001001", "东华门社区", C1),
                _community("110101001003", "交叉社区", BOWTIE),
            ]
        ),
    )
    _dump(
        "communities_empty_geometry.geojson",
        _collection(
            [
                _community("110101001001", "东华门社区", C1),
                _feature({"编码": "110101001002", "名称": "空社区"}, None),
                _feature(
                    {"编码": "110101001003", "名称": "零社区"},
                    {"type": "Polygon", "coordinates": []},
                ),
            ]
        ),
    )
    _dump(
        "communities_3d.geojson",
        _collection(
            [
                _feature(
                    {"编码": "110101001001", "名称": "东华门社区"},
                    {"type": "Polygon", "coordinates": [[[x, y, 44.5] for x, y in C1]]},
                ),
                _community("110101001002", "景山社区", C2),
            ]
        ),
    )
    _dump(
        "communities_linestring.geojson",
        _collection(
            [
                _community("110101001001", "东华门社区", C1),
                _feature(
                    {"编码": "110101001002", "名称": "景山社区"},
                    {"type": "LineString", "coordinates": [list(p) for p in C2[:3]]},
                ),
            ]
        ),
    )
    _dump(
        "communities_duplicate.geojson",
        _collection(
            [
                _community("110101001001", "东华门社区", C1),
                _community("110101001002", "景山社区", C2),
                _community("110101001001", "重复社区", C3),
            ]
        ),
    )


def gpkg_files() -> None:
    rows = [C1[0], (116.405, 39.915), (116.405, 39.925), C1[3], C1[0]]
    left = shapely.Polygon(rows)
    right = shapely.Polygon(
        [
            (116.405, 39.915),
            (116.410, 39.915),
            (116.410, 39.920),
            (116.405, 39.920),
            (116.405, 39.915),
        ]
    )
    top = shapely.Polygon(
        [
            (116.405, 39.920),
            (116.410, 39.920),
            (116.410, 39.925),
            (116.405, 39.925),
            (116.405, 39.920),
        ]
    )
    grids = gpd.GeoDataFrame(
        {
            "网格编码": ["110101001001001", "110101001001002", "110101001001003"],
            "社区编码": ["110101001001"] * 3,
            "网格名称": ["第一网格", "第二网格", "第三网格"],
            "户数": [310, 280, 330],
        },
        geometry=[left, right, top],
        crs="EPSG:4326",
    )
    for name in ("grids.gpkg", "grids_epsg4548.gpkg"):
        (OUT / name).unlink(missing_ok=True)
    _gpkg(grids, OUT / "grids.gpkg")
    projected = grids.copy()
    projected["geometry"] = crs.transform_geometries(
        np.asarray(grids.geometry.array), src="wgs84", dst="EPSG:4548"
    )
    projected = projected.set_crs("EPSG:4548", allow_override=True)
    _gpkg(projected, OUT / "grids_epsg4548.gpkg")


def _gpkg(frame: gpd.GeoDataFrame, path: Path) -> None:
    """Write a GeoPackage without spatial index, vacuumed to 512-byte pages (about 20 KB)."""
    pyogrio.write_dataframe(
        frame, path, layer="grids", driver="GPKG", layer_options={"SPATIAL_INDEX": "NO"}
    )
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA page_size=512")
        con.execute("VACUUM")
    finally:
        con.close()


def shapefile_files() -> None:
    buildings = gpd.GeoDataFrame(
        {
            "编号": ["B01", "B02", "B03"],
            "名称": ["东风楼", "朝阳小区3号楼", "景山东街7号院"],
            "户数": [48, 96, 12],
            "小区": ["东风小区", "朝阳小区", "景山小区"],
            "住宅": ["是", "是", "否"],
            "层数": [6, 18, 2],
        },
        geometry=[
            shapely.Point(116.4032, 39.9171),
            shapely.Point(116.4068, 39.9214),
            shapely.Point(116.4155, 39.9188),
        ],
        crs="EPSG:4326",
    )
    for old in OUT.glob("buildings_gbk.*"):
        old.unlink()
    pyogrio.write_dataframe(buildings, OUT / "buildings_gbk.shp", encoding="GBK")
    (OUT / "buildings_gbk.cpg").unlink()  # no .cpg: the reader must detect GBK
    with zipfile.ZipFile(OUT / "buildings_gbk.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        for suffix in (".shp", ".shx", ".dbf", ".prj"):
            zf.write(OUT / f"buildings_gbk{suffix}", f"buildings/buildings_gbk{suffix}")


_KML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2">\n'


def kml_files() -> None:
    boards = (
        _KML_HEAD
        + """<Document><name>东华门街道宣传栏</name>
<Schema name="boards" id="boards"><SimpleField name="类型" type="string"/></Schema>
<Folder><name>宣传栏</name>
<Placemark><name>东华门宣传栏1</name>
 <ExtendedData><Data name="编号"><value>BD001</value></Data>
  <Data name="类型"><value>宣传栏</value></Data>
  <Data name="主题"><value>社会主义核心价值观</value></Data></ExtendedData>
 <Point><coordinates>116.4031,39.9172,0</coordinates></Point></Placemark>
<Placemark><name>景山公益广告</name>
 <ExtendedData><SchemaData schemaUrl="#boards">
  <SimpleData name="类型">公益广告</SimpleData><SimpleData name="编号">BD002</SimpleData>
  <SimpleData name="最近巡检">2024/03/05</SimpleData></SchemaData></ExtendedData>
 <Point><coordinates> 116.4052, 39.9201 </coordinates></Point></Placemark>
<Placemark><name>遵德守礼提示牌</name>
 <ExtendedData><Data name="编号"><value>BD003</value></Data>
  <Data name="类型"><value>提示牌</value></Data></ExtendedData>
 <MultiGeometry><Point><coordinates>116.4123,39.9188,0</coordinates></Point></MultiGeometry>
</Placemark>
</Folder></Document></kml>
"""
    )
    (OUT / "boards.kml").write_text(boards, encoding="utf-8")
    outer = " ".join(f"{x},{y},0" for x, y in C2)
    inner = " ".join(
        f"{x},{y},0"
        for x, y in [
            (116.413, 39.918),
            (116.415, 39.918),
            (116.415, 39.920),
            (116.413, 39.920),
            (116.413, 39.918),
        ]
    )
    schools = (
        _KML_HEAD
        + f"""<Document><Placemark><name>景山学校</name>
 <ExtendedData><Data name="学段"><value>九年一贯制</value></Data></ExtendedData>
 <Polygon><outerBoundaryIs><LinearRing><coordinates>{outer}</coordinates></LinearRing>
 </outerBoundaryIs><innerBoundaryIs><LinearRing><coordinates>{inner}</coordinates>
 </LinearRing></innerBoundaryIs></Polygon></Placemark></Document></kml>
"""
    )
    (OUT / "schools.kml").write_text(schools, encoding="utf-8")
    laughs = '<?xml version="1.0"?>\n<!DOCTYPE kml [\n <!ENTITY lol "lol">\n'
    laughs += ' <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n'
    for k in range(2, 10):
        refs = f"&lol{k - 1};" * 10
        laughs += f' <!ENTITY lol{k} "{refs}">\n'
    laughs += ']>\n<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark>'
    laughs += "<name>&lol9;</name><Point><coordinates>116.4,39.9</coordinates></Point>"
    laughs += "</Placemark></Document></kml>\n"
    (OUT / "billion_laughs.kml").write_text(laughs, encoding="utf-8")


def _csv(name: str, lines: list[str], *, encoding: str = "utf-8") -> None:
    (OUT / name).write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))


def table_files() -> None:
    lon = np.array([p[0] for p in WGS84_BINS])
    lat = np.array([p[1] for p in WGS84_BINS])
    glon, glat = crs.transform(lon, lat, src="wgs84", dst="gcj02")
    lines = ["编号,名称,类型,分类,容量(升),经度,纬度"]
    names = [
        ("BIN001", "东华门收集点", "垃圾收集点", "四分类", ""),
        ("BIN002", "", "废物箱", "其他垃圾", "120"),
        ("BIN003", "景山果皮箱", "果皮箱", "可回收物", "60.5"),
    ]
    for (code, nm, kind, cat, cap), x, y in zip(names, glon, glat, strict=True):
        lines.append(f"{code},{nm},{kind},{cat},{cap},{x:.8f},{y:.8f}")
    _csv("bins_gcj02.csv", lines)
    _csv(
        "bins_gbk.csv",
        [
            "编号,类型,经度,纬度,备注",
            "G1,垃圾桶,116.4035,39.9180,东华门大街北侧",
            "G2,垃圾收集点,116.4080,39.9222,朝阳小区南门",
        ],
        encoding="gbk",
    )
    _csv(
        "bins_swapped.csv",
        [
            "编号,类型,经度,纬度",
            "S1,垃圾桶,116.4035,39.9180",
            "S2,垃圾桶,39.9222,116.4080",
            "S3,垃圾桶,116.4150,39.9200",
        ],
    )
    x, y = crs.transform(lon, lat, src="wgs84", dst="EPSG:4548")
    _csv(
        "bins_projected.csv",
        ["code,type,x,y"]
        + [
            f"P{i + 1},street_bin,{a:.2f},{b:.2f}"
            for i, (a, b) in enumerate(zip(x, y, strict=True))
        ],
    )
    _csv(
        "bins_nan.csv",
        [
            "code,type,lon,lat",
            "N1,street bin,116.4035,39.9180",
            "N2,street bin,NaN,39.9222",
            "N3,street bin,116.4150,",
        ],
    )
    _csv(
        "boards_bad_enum.csv",
        [
            "编号,类型,经度,纬度",
            "BD1,宣传栏,116.4031,39.9172",
            "BD2,展板,116.4052,39.9201",
            "BD3,路灯,116.4123,39.9188",
        ],
    )
    _csv(
        "boards_bad_date.csv",
        [
            "编号,类型,最近巡检,经度,纬度",
            "BD1,宣传栏,2024-03-05,116.4031,39.9172",
            "BD2,宣传栏,2024-13-45,116.4052,39.9201",
            "BD3,宣传栏,2024/3/7,116.4123,39.9188",
        ],
    )

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "花名册"
    ws.append(["东华门街道网格员花名册"])
    ws.merge_cells("A1:E1")
    ws.append(["工号", "姓名", "电话", "性别", "备注"])
    ws.append(["W001", "张伟", 13800138000, "男", "网格长"])
    ws.append(["W002", "李娜", "13912345678", "女", None])
    ws.append(["W003", "王芳", None, "女", "兼职"])
    book.save(OUT / "workers.xlsx")


def zip_files() -> None:
    with zipfile.ZipFile(OUT / "traversal.zip", "w") as zf:
        zf.writestr("ok.geojson", json.dumps(_collection([])))
        zf.writestr(zipfile.ZipInfo("../evil.geojson"), json.dumps(_collection([])))
    data = (OUT / "buildings_gbk.zip").read_bytes()
    (OUT / "corrupt.zip").write_bytes(data[: len(data) // 3])


def main() -> None:
    """Write every fixture file."""
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    geojson_files()
    gpkg_files()
    shapefile_files()
    kml_files()
    table_files()
    zip_files()
    for path in sorted(OUT.iterdir()):
        print(f"{path.stat().st_size:>7}  {path.relative_to(OUT.parent)}")


if __name__ == "__main__":
    main()
