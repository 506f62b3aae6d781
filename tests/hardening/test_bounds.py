"""Bounded inputs (issue 14, item 6): caps on rows, coordinates, parse size, time and memory.

The caps are lowered through the settings file so that small files stand for the
big ones of the issue (a 35 MB XLSX of 2.5 million rows, a 199 MB GeoJSON, an
88-megapixel PNG): what is tested is that the file is refused with its key, that
reading stops at the cap, and that the calling process is untouched.
"""

from __future__ import annotations

import json
import resource
import struct
import time
import tracemalloc
import zlib
from pathlib import Path

import pytest

from gridmap import importing, photos
from gridmap.errors import InputError
from gridmap.io import read_layer_file, read_table
from gridmap.io.bounded import run_bounded
from gridmap.io.limits import Limits
from gridmap.io.vector import load_vector
from gridmap.store import open_store


@pytest.fixture
def settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = tmp_path / "gridmap.toml"
    monkeypatch.setenv("GRIDMAP_CONFIG", str(path))

    def write(**values: object) -> Path:
        lines = "".join(f"{k} = {json.dumps(v)}\n" for k, v in values.items())
        path.write_text("[settings]\n" + lines, encoding="utf-8")
        return path

    return write


def _xlsx(path: Path, rows: int) -> Path:
    """A workers roster of ``rows`` data rows below a title and a header (streamed)."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("花名册")
    sheet.append(["XX街道网格员花名册"])
    sheet.append(["工号", "姓名", "电话"])
    for i in range(rows):
        sheet.append([f"W{i:06d}", f"网格员{i}", "13800138000"])
    book.save(path)
    return path


def _points_geojson(path: Path, n: int, *, ring: int = 0) -> Path:
    """``n`` features: points, or polygons of ``ring`` vertices each when ``ring`` is given."""
    features = []
    for i in range(n):
        x, y = 120.1 + i * 1e-4, 30.2
        if ring:
            coords = [[x + 1e-5 * k, y + (1e-5 if k % 2 else 0)] for k in range(ring - 1)]
            geometry = {"type": "Polygon", "coordinates": [[*coords, coords[0]]]}
        else:
            geometry = {"type": "Point", "coordinates": [x, y]}
        features.append({"type": "Feature", "properties": {"name": f"p{i}"}, "geometry": geometry})
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    return path


# ----------------------------------------------------------------- rows, vertices, size


def test_xlsx_reading_stops_at_the_row_cap(tmp_path, monkeypatch):
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    path = _xlsx(tmp_path / "roster.xlsx", 3000)
    original = ReadOnlyWorksheet.iter_rows
    pulled = []

    def counting(self, *args, **kwargs):  # count the rows the reader pulls from openpyxl
        for row in original(self, *args, **kwargs):
            pulled.append(1)
            yield row

    monkeypatch.setattr(ReadOnlyWorksheet, "iter_rows", counting)
    with pytest.raises(InputError) as info:
        read_table(path, limits=Limits(rows=500))
    assert info.value.key == "io.limit.rows" and "500" in info.value.message
    assert "500" in info.value.text("zh") and "行" in info.value.text("zh")
    assert len(pulled) < 600  # stopped at the cap (by the XML scan, before parsing cells)
    assert len(read_table(path, limits=Limits(rows=3000))) == 3000


def test_xlsx_rows_of_formatting_only_do_not_count(tmp_path):
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["工号", "姓名"])
    for i in range(5):
        sheet.append([f"W{i}", f"网格员{i}"])
    for row in range(7, 3000):  # formatted down the sheet, as office templates are
        sheet.cell(row=row, column=1).font = Font(bold=True)
    book.save(tmp_path / "template.xlsx")
    assert len(read_table(tmp_path / "template.xlsx", limits=Limits(rows=50))
               .dropna(how="all")) == 5


def test_csv_row_cap_counts_data_rows_not_blank_ones(tmp_path):
    path = tmp_path / "bins.csv"
    path.write_text("code,经度,纬度\n" + "\n".join(f"B{i},120.1,30.2" for i in range(50))
                    + "\n" + ",,\n" * 5000, encoding="utf-8")
    assert len(read_table(path, limits=Limits(rows=50)).dropna(how="all")) == 50
    path.write_text("code,经度,纬度\n" + "\n".join(f"B{i},120.1,30.2" for i in range(200)),
                    encoding="utf-8")
    with pytest.raises(InputError, match="more than 100 rows"):
        read_table(path, limits=Limits(rows=100))


def test_geojson_is_refused_on_size_before_parsing(tmp_path, monkeypatch):
    path = _points_geojson(tmp_path / "big.geojson", 2000)
    size = path.stat().st_size
    parsed = []
    monkeypatch.setattr(json, "loads", lambda *a, **k: parsed.append(1))
    with pytest.raises(InputError) as info:
        load_vector(path, limits=Limits(parse_bytes=size - 1))
    assert info.value.key == "io.limit.parse_size" and parsed == []
    assert "GeoJSON" in info.value.text("zh") and "max_parse_mb" in info.value.message


def test_feature_and_vertex_caps(tmp_path):
    points = _points_geojson(tmp_path / "points.geojson", 120)
    with pytest.raises(InputError) as info:
        load_vector(points, limits=Limits(rows=100))
    assert info.value.key == "io.limit.rows"
    assert len(load_vector(points, limits=Limits(rows=120)).geometry) == 120
    polygons = _points_geojson(tmp_path / "polygons.geojson", 10, ring=101)
    with pytest.raises(InputError) as info:
        load_vector(polygons, limits=Limits(vertices=1000))
    assert info.value.key == "io.limit.vertices" and info.value.params["n"] == 1010
    assert len(load_vector(polygons, limits=Limits(vertices=1010)).geometry) == 10


def test_shapefile_is_refused_on_its_feature_count(tmp_path):
    import geopandas as gpd
    import shapely

    path = tmp_path / "bins.shp"
    gpd.GeoDataFrame({"code": [f"B{i}" for i in range(30)]},
                     geometry=[shapely.Point(120 + i * 1e-3, 30) for i in range(30)],
                     crs="EPSG:4326").to_file(path)
    with pytest.raises(InputError) as info:
        load_vector(path, limits=Limits(rows=29))
    assert info.value.key == "io.limit.rows"


def test_read_layer_file_reports_a_cap_in_both_languages(tmp_path):
    path = _xlsx(tmp_path / "workers.xlsx", 300)
    frame, report = read_layer_file(path, "workers", limits=Limits(rows=100))
    assert not report.ok and frame.empty
    (problem,) = report.errors
    assert problem.key == "io.limit.rows" and problem.row is None
    assert "100" in problem.text("zh") and "行" in problem.text("zh")


# ----------------------------------------------------------------- the child process


def test_a_child_that_runs_too_long_is_stopped():
    with pytest.raises(InputError) as info:
        run_bounded(time.sleep, 60, seconds=1, memory_mb=None, file="slow.xlsx")
    assert info.value.key == "io.limit.time" and info.value.file == "slow.xlsx"


def test_a_child_that_needs_too_much_memory_is_stopped_and_the_caller_keeps_its_limits():
    before = resource.getrlimit(resource.RLIMIT_AS)
    with pytest.raises(InputError) as info:
        run_bounded(bytearray, 4 * 1024**3, seconds=60, memory_mb=300)
    assert info.value.key == "io.limit.memory"
    assert resource.getrlimit(resource.RLIMIT_AS) == before
    assert len(bytearray(64 * 1024**2)) == 64 * 1024**2  # the caller still allocates freely


def test_gridmap_errors_come_back_unchanged():
    with pytest.raises(InputError) as info:
        run_bounded(read_table, "no-such-file.csv", seconds=60, memory_mb=None)
    assert info.value.message == "file not found"
    assert run_bounded(divmod, 7, 2, seconds=60, memory_mb=None) == (3, 1)


def test_large_files_are_imported_in_a_child_under_the_caps(tmp_path, settings_file):
    settings_file(child_import_mb=0, max_import_rows=1000, max_import_seconds=120)
    store = open_store(f"sqlite:///{tmp_path / 's.sqlite'}")
    try:
        too_many = _xlsx(tmp_path / "roster.xlsx", 5000)
        before = store.counts()
        report = importing.import_file(store, "workers", too_many)
        assert [p.key for p in report.errors] == ["io.limit.rows"]
        assert report.written == 0 and store.counts() == before
        fine = _xlsx(tmp_path / "small.xlsx", 20)
        report = importing.import_file(store, "workers", fine, dry_run=True)
        assert report.ok and report.rows == 20  # the frame came back from the child
        settings_file(child_import_mb=0, max_import_seconds=0.001)
        report = importing.import_file(store, "workers", fine, dry_run=True)
        assert [p.key for p in report.errors] == ["io.limit.time"]
        assert "秒" in report.errors[0].text("zh")
    finally:
        store.close()


# ----------------------------------------------------------------- photos


def _png(width: int, height: int) -> bytes:
    """A small PNG whose header declares ``width`` x ``height`` 8-bit grey pixels of zeros."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    z = zlib.compressobj(9)
    row = b"\0" * (width + 1)
    body = b"".join(z.compress(row) for _ in range(min(height, 64))) + z.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def test_an_88_megapixel_png_is_refused_without_decoding():
    bomb = _png(11_000, 8_000)  # 88 Mpx, under Pillow's own 89 Mpx bomb limit
    assert len(bomb) < 100_000
    tracemalloc.start()
    try:
        with pytest.raises(InputError) as info:
            photos.clean_photo(bomb, max_px=1600)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert info.value.key == "photo.too_many_pixels"
    assert "88" in info.value.message and "40" in info.value.message
    assert "百万像素" in info.value.text("zh")
    assert peak < 5 * 1024**2  # decoding would take 88 MB at least


def test_the_pixel_cap_is_a_setting(settings_file):
    image = _png(3000, 2000)  # 6 Mpx
    settings_file(max_photo_megapixels=5)
    with pytest.raises(InputError, match="million pixels"):
        photos.clean_photo(image)
    settings_file(max_photo_megapixels=7)
    assert photos.clean_photo(image)[:2] == b"\xff\xd8"


def test_a_report_takes_at_most_n_photos_and_no_empty_one(settings_file):
    settings_file(max_photos_per_report=3)
    assert len(photos.check_photos([b"a", b"b", b"c"])) == 3
    with pytest.raises(InputError) as info:
        photos.check_photos([b"a"] * 4)
    assert info.value.key == "photo.too_many" and "3" in info.value.text("zh")
    with pytest.raises(InputError) as info:
        photos.check_photos([b"a", b""])
    assert info.value.key == "photo.empty_nth" and info.value.params == {"n": 2}
    assert "第 2 张" in info.value.text("zh")
