"""Hostile and broken input (issue 9, item 3): nothing crashes, every problem names its row.

Builds on tests/io (reader unit tests, a GeoJSON fuzz of geometries, billion laughs,
zip traversal) and tests/issues (photo EXIF): here the importers are fuzzed end to
end with random GeoJSON *and* CSV, KML external entities, zip bombs, upload size
limits, hostile text in every free-text field (stored verbatim, rendered escaped,
never a spreadsheet formula) and photos that are not images.
"""

from __future__ import annotations

import csv
import html
import io
import json
import math
import re
import struct
import time
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridmap import auth, datasets, importing, maps, photos, snapshot
from gridmap.errors import InputError
from gridmap.io import read_layer_file, write_layer_file
from gridmap.io.vector import MAX_ZIP_BYTES, MAX_ZIP_MEMBERS
from gridmap.model import LAYERS, UserRole
from gridmap.store import open_store

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
#: A point in the demo street (Beijing) and a box around it.
LON0, LAT0 = 116.40, 39.91


def _error_rows(report) -> set[int | None]:
    return {p.row for p in report.errors}


# ----------------------------------------------------------------- GeoJSON fuzz

_json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
)
_json_values = st.recursive(
    _json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=25,
)
_bad_numbers = st.sampled_from(
    [math.nan, math.inf, -math.inf, 10**400, -(10**400), 1e308, "116.4", None, True, [], {}]
)


@st.composite
def _broken_geometry(draw) -> object:
    """A geometry that can never be a usable point of the street."""
    kind = draw(st.integers(0, 9))
    if kind == 0:  # a non-finite, huge or non-numeric coordinate
        bad = draw(_bad_numbers)
        coords = draw(st.sampled_from([[bad, LAT0], [LON0, bad], [bad, bad]]))
        return {"type": "Point", "coordinates": coords}
    if kind == 1:  # mixed types / wrong arity
        return {"type": "Point", "coordinates": draw(st.lists(_json_scalars, max_size=5))}
    if kind == 2:  # random structure
        return draw(_json_values)
    if kind == 3:  # a polygon with an empty ring
        return {"type": "Polygon", "coordinates": [[]]}
    if kind == 4:  # empty geometries
        return draw(
            st.sampled_from(
                [
                    {"type": "Point", "coordinates": []},
                    {"type": "MultiPoint", "coordinates": []},
                    {"type": "Polygon", "coordinates": []},
                    {"type": "GeometryCollection", "geometries": []},
                ]
            )
        )
    if kind == 5:  # unknown type
        return {"type": draw(st.text(max_size=10)), "coordinates": [LON0, LAT0]}
    if kind == 6:  # deeply nested coordinates
        depth = draw(st.integers(3, 60))
        nested: object = [LON0, LAT0]
        for _ in range(depth):
            nested = [nested]
        return {"type": "Point", "coordinates": nested}
    if kind == 7:  # nested geometry collections
        geom: dict = {"type": "Point", "coordinates": [LON0, LAT0]}
        for _ in range(draw(st.integers(9, 30))):
            geom = {"type": "GeometryCollection", "geometries": [geom]}
        return geom
    if kind == 8:  # a line for a point layer
        return {"type": "LineString", "coordinates": [[LON0, LAT0], [LON0 + 0.001, LAT0]]}
    return None  # missing geometry


@st.composite
def _bins_collection(draw) -> tuple[dict, set[int], set[int]]:
    """A FeatureCollection of bins: good rows, broken rows; returns (doc, good, broken)."""
    n = draw(st.integers(1, 12))
    features, good, broken = [], set(), set()
    for i in range(n):
        row = i + 1
        props = {"code": f"B{i:03d}", "bin_type": "street_bin"}
        if i == 0 or draw(st.booleans()):  # one good row: the header is known
            features.append(
                {
                    "type": "Feature",
                    "properties": {**props, "name": draw(st.text(max_size=30))},
                    "geometry": {
                        "type": "Point",
                        "coordinates": [
                            draw(st.floats(LON0 - 0.01, LON0 + 0.01)),
                            draw(st.floats(LAT0 - 0.01, LAT0 + 0.01)),
                        ],
                    },
                }
            )
            good.add(row)
            continue
        broken.add(row)
        props["capacity_l"] = draw(_json_values)
        props["name"] = draw(_json_values)
        if draw(st.integers(0, 4)) == 0:
            props = draw(_json_values)  # properties not even an object
        features.append(
            {"type": "Feature", "properties": props, "geometry": draw(_broken_geometry())}
        )
    return {"type": "FeatureCollection", "features": features}, good, broken


def _write_json(path: Path, doc: object) -> None:
    # allow_nan writes NaN/Infinity literals, which Python's json (and many tools) emit
    path.write_text(json.dumps(doc, allow_nan=True, ensure_ascii=False), encoding="utf-8")


@settings(FUZZ, max_examples=40)
@given(case=_bins_collection())
def test_geojson_fuzz_names_every_broken_row(tmp_path, case):
    doc, _good, broken = case
    path = tmp_path / "bins.geojson"
    _write_json(path, doc)
    frame, report = read_layer_file(path, "bins")
    rows = _error_rows(report)
    assert None not in rows, [p.message for p in report.errors if p.row is None]
    assert rows <= broken, "a good row was reported"
    for row in broken - rows:  # a broken row without an error must really be usable
        geom = frame.geometry.iloc[row - 1]
        assert geom is not None and geom.geom_type == "Point"
        assert np.isfinite(shapely.get_coordinates(geom)).all()
        assert row - 1 < len(frame)
    assert report.ok == (not rows)


@settings(FUZZ, max_examples=25)
@given(case=_bins_collection(), as_csv=st.booleans())
def test_import_file_fuzz_never_crashes_and_writes_all_or_nothing(
    demo_store, tmp_path, case, as_csv
):
    doc, _good, broken = case
    path = tmp_path / "bins.geojson"
    _write_json(path, doc)
    if as_csv:  # the same rows as a table (values as text)
        frame, _report = read_layer_file(path, "bins")
        path = tmp_path / "bins.csv"
        table = frame.drop(columns="geometry").replace("\x00", "", regex=True)
        table = table.assign(
            经度=[
                g.x if g is not None and g.geom_type == "Point" and not g.is_empty else "NaN"
                for g in frame.geometry
            ],
            纬度=[
                g.y if g is not None and g.geom_type == "Point" and not g.is_empty else "inf"
                for g in frame.geometry
            ],
        )
        with path.open("w", encoding="utf-8", newline="") as out:  # every cell quoted
            writer = csv.writer(out, quoting=csv.QUOTE_ALL)
            writer.writerow(table.columns)
            writer.writerows(table.astype(object).where(table.notna(), "").to_numpy().tolist())
    before = demo_store.counts()
    report = importing.import_file(demo_store, "bins", path)
    rows = _error_rows(report)
    assert None not in rows, [p.message for p in report.errors if p.row is None]
    first = 2 if as_csv else 1  # a table's rows are numbered as in Excel: header row 1
    assert all(first <= r < first + len(doc["features"]) for r in rows)
    if report.ok:
        assert report.written == len(doc["features"]) and not broken & rows
        # the rows are in: remove them for the next example
        bins = demo_store.read_layer("bins")
        for row_id in bins["id"].iloc[before["bins"] :]:
            demo_store.delete("bins", int(row_id), version=1, username="test")
    else:
        assert report.written == 0
    assert demo_store.counts()["bins"] == before["bins"]


@FUZZ
@given(doc=_json_values)
def test_geojson_of_any_structure_never_crashes(tmp_path, doc):
    path = tmp_path / "random.geojson"
    _write_json(path, doc)
    _frame, report = read_layer_file(path, "bins")
    if not report.ok:
        assert report.errors[0].message
    n = len(doc) if isinstance(doc, list) else 1
    assert all(p.row is None or 1 <= p.row <= n for p in report.problems)


@pytest.mark.parametrize("where", ["file", "coordinates", "property"])
def test_ten_thousand_deep_json_is_refused_not_a_recursion_crash(tmp_path, where):
    deep = "[" * 10_000 + "]" * 10_000
    point = '{"type": "Point", "coordinates": [116.4, 39.91]}'
    text = {
        "file": deep,
        "coordinates": (
            '{"type": "FeatureCollection", "features": [{"type": "Feature", '
            '"properties": {"bin_type": "street_bin"}, '
            f'"geometry": {{"type": "Point", "coordinates": {deep}}}}}]}}'
        ),
        "property": (
            '{"type": "FeatureCollection", "features": [{"type": "Feature", '
            f'"properties": {{"bin_type": "street_bin", "name": {deep}}}, "geometry": {point}}}]}}'
        ),
    }[where]
    path = tmp_path / "deep.geojson"
    path.write_text(text, encoding="utf-8")
    _frame, report = read_layer_file(path, "bins")  # must not raise RecursionError
    assert not report.ok
    assert any("deep" in p.message or "nested" in p.message for p in report.errors)


def test_number_with_thousands_of_digits_is_refused_not_a_crash(tmp_path):
    digits = "9" * 5000
    path = tmp_path / "bins.geojson"
    path.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
        f'{{"bin_type": "street_bin", "capacity_l": {digits}}}, "geometry": '
        '{"type": "Point", "coordinates": [116.4, 39.91]}}]}',
        encoding="utf-8",
    )
    _frame, report = read_layer_file(path, "bins")
    assert not report.ok and "invalid JSON" in report.errors[0].message
    csv_path = tmp_path / "bins.csv"
    csv_path.write_text(
        f"bin_type,capacity_l,经度,纬度\nstreet_bin,{digits},116.4,39.91\n", encoding="utf-8"
    )
    _frame, report = read_layer_file(csv_path, "bins")
    assert _error_rows(report) == {2}  # the Excel row: the header is row 1


def test_polygon_with_empty_rings_is_named_by_row(tmp_path):
    ring = [[LON0, LAT0], [LON0 + 0.01, LAT0], [LON0 + 0.01, LAT0 + 0.01], [LON0, LAT0]]
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "ok"},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            },
            {
                "type": "Feature",
                "properties": {"name": "empty"},
                "geometry": {"type": "Polygon", "coordinates": []},
            },
            {
                "type": "Feature",
                "properties": {"name": "hole"},
                "geometry": {"type": "Polygon", "coordinates": [ring, []]},
            },
            {
                "type": "Feature",
                "properties": {"name": "multi"},
                "geometry": {"type": "MultiPolygon", "coordinates": [[[]]]},
            },
        ],
    }
    path = tmp_path / "schools.geojson"
    _write_json(path, doc)
    _frame, report = read_layer_file(path, "schools")
    assert _error_rows(report) == {2, 3, 4}


@pytest.mark.slow
def test_million_vertex_polygon_is_read_without_crashing(tmp_path):
    n = 1_000_000
    angle = np.linspace(0, 2 * np.pi, n, endpoint=False)
    ring = np.column_stack([LON0 + 0.01 * np.cos(angle), LAT0 + 0.01 * np.sin(angle)])
    ring = np.vstack([ring, ring[:1]]).round(7)
    coords = "[" + ",".join(f"[{x},{y}]" for x, y in ring.tolist()) + "]"
    path = tmp_path / "schools.geojson"
    path.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
        f'{{"name": "big"}}, "geometry": {{"type": "Polygon", "coordinates": [{coords}]}}}}]}}',
        encoding="utf-8",
    )
    frame, report = read_layer_file(path, "schools")
    assert report.ok, report.problems
    assert shapely.get_num_coordinates(frame.geometry.iloc[0]) == n + 1


# ----------------------------------------------------------------- CSV fuzz

_cell_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=25
)
_bad_coordinate = st.one_of(
    st.sampled_from(
        [
            "NaN",
            "nan",
            "inf",
            "-inf",
            "Infinity",
            "1e400",
            "-1e400",
            "",
            "abc",
            "1,2",
            "--1",
            "0x1F",
        ]
    ),
    st.text(alphabet="abcxyz;!?<>", min_size=1, max_size=8),
)


@st.composite
def _bins_table(draw) -> tuple[list[list[str]], set[int], set[int]]:
    """CSV rows of bins (header first); returns (rows, good data rows, bad-coordinate rows)."""
    n = draw(st.integers(1, 15))
    rows = [["code", "name", "bin_type", "capacity_l", "经度", "纬度"]]
    good, bad_coords = set(), set()
    for i in range(n):
        row = i + 2  # the spreadsheet row: the header is row 1
        if i == 0 or draw(st.booleans()):
            lon = draw(st.floats(LON0 - 0.01, LON0 + 0.01))
            lat = draw(st.floats(LAT0 - 0.01, LAT0 + 0.01))
            rows.append([f"B{i}", draw(_cell_text), "street_bin", "120", repr(lon), repr(lat)])
            good.add(row)
            continue
        bad_coords.add(row)
        lon, lat = draw(_bad_coordinate), draw(_bad_coordinate)
        if draw(st.booleans()):
            lon = repr(LON0)
        capacity = draw(st.one_of(_cell_text, st.sampled_from(["1e400", "NaN", "-5", "12升"])))
        rows.append([f"B{i}", draw(_cell_text), draw(_cell_text) or "x", capacity, lon, lat])
    return rows, good, bad_coords


@FUZZ
@given(case=_bins_table(), encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
def test_csv_fuzz_names_every_broken_row(tmp_path, case, encoding):
    rows, good, bad_coords = case
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path = tmp_path / "bins.csv"
    try:
        path.write_bytes(buffer.getvalue().encode(encoding))
    except UnicodeEncodeError:
        path.write_bytes(buffer.getvalue().encode("utf-8"))
    _frame, report = read_layer_file(path, "bins")
    error_rows = _error_rows(report)
    assert None not in error_rows, [p.message for p in report.errors if p.row is None]
    assert not (error_rows & good), "a good row was reported"
    assert bad_coords <= error_rows, "a row with broken coordinates was not named"
    assert all(2 <= r <= len(rows) for r in error_rows)


@FUZZ
@given(data=st.binary(max_size=400))
def test_csv_of_random_bytes_never_crashes(tmp_path, data):
    path = tmp_path / "junk.csv"
    path.write_bytes(data)
    _frame, report = read_layer_file(path, "bins")
    assert not report.ok or report.rows == 0 or report.rows >= 0


# ----------------------------------------------------------------- KML

_KML = """<?xml version="1.0" encoding="UTF-8"?>
{doctype}
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark>
<name>{name}</name><Point><coordinates>116.40,39.91</coordinates></Point>
</Placemark></Document></kml>"""


@pytest.mark.parametrize(
    ("doctype", "name"),
    [
        ('<!DOCTYPE kml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', "&xxe;"),
        ('<!DOCTYPE kml [<!ENTITY xxe SYSTEM "http://127.0.0.1:9/secret">]>', "&xxe;"),
        ('<!DOCTYPE kml [<!ENTITY % p SYSTEM "http://127.0.0.1:9/evil.dtd"> %p;]>', "x"),
        (
            '<!DOCTYPE kml [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>',
            "&c;",
        ),
    ],
    ids=["file-entity", "http-entity", "parameter-entity", "entity-expansion"],
)
def test_kml_with_entities_or_external_references_is_refused(tmp_path, doctype, name):
    path = tmp_path / "boards.kml"
    path.write_text(_KML.format(doctype=doctype, name=name), encoding="utf-8")
    frame, report = read_layer_file(path, "boards")
    assert not report.ok
    assert len(frame) == 0
    text = " ".join(p.message for p in report.errors)
    assert "root:" not in text  # nothing of /etc/passwd
    assert "entit" in text or "external" in text


def test_kml_external_dtd_is_never_fetched(tmp_path, monkeypatch):
    """A DOCTYPE naming an external DTD declares no entity: it is read, never fetched."""
    import socket
    import urllib.request

    def no_network(*args, **kwargs):
        raise AssertionError("the reader tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    path = tmp_path / "boards.kml"
    doctype = '<!DOCTYPE kml SYSTEM "http://127.0.0.1:9/kml.dtd">'
    path.write_text(_KML.format(doctype=doctype, name="x"), encoding="utf-8")
    frame, _report = read_layer_file(path, "boards")
    assert frame["name"].tolist() == ["x"]


# ----------------------------------------------------------------- zips


def test_zip_with_path_traversal_is_refused_before_extraction(tmp_path, monkeypatch):
    path = tmp_path / "schools.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("../../escaped.geojson", '{"type": "FeatureCollection", "features": []}')
    opened = []
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *a, **k: opened.append(a) or 1 / 0)
    _frame, report = read_layer_file(path, "schools")
    assert not report.ok and "'..' path" in report.errors[0].message
    assert not opened and not (tmp_path.parent / "escaped.geojson").exists()


def _write_zeros_zip(path: Path, *, size: int, name: str = "schools.geojson") -> None:
    """Stream ``size`` zero bytes into one deflated member (a few hundred KB on disk)."""
    chunk = bytes(8 << 20)
    with (
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf,
        zf.open(name, "w", force_zip64=True) as member,
    ):
        left = size
        while left > 0:
            member.write(chunk[: min(left, len(chunk))])
            left -= len(chunk)


def test_zip_bomb_is_refused_before_extraction(tmp_path, monkeypatch):
    path = tmp_path / "bomb.zip"
    _write_zeros_zip(path, size=MAX_ZIP_BYTES + (100 << 20))  # 600 MB of zeros
    assert path.stat().st_size < 5 << 20
    opened = []
    original = zipfile.ZipFile.open
    monkeypatch.setattr(
        zipfile.ZipFile, "open", lambda self, *a, **k: opened.append(a) or original(self, *a, **k)
    )
    start = time.perf_counter()
    _frame, report = read_layer_file(path, "schools")
    assert time.perf_counter() - start < 5
    assert not report.ok and "MB limit" in report.errors[0].message
    assert not opened, "a member was opened although the zip declares too many bytes"


def test_zip_that_lies_about_its_size_stops_at_the_limit(tmp_path, monkeypatch):
    """A member whose header understates its size is cut off by the real byte count."""
    from gridmap.io import vector

    path = tmp_path / "liar.zip"
    _write_zeros_zip(path, size=3 << 20)
    monkeypatch.setattr(vector, "MAX_ZIP_BYTES", 1 << 20)
    monkeypatch.setattr(vector, "check_zip", lambda *a, **k: None)  # the header check fooled
    _frame, report = read_layer_file(path, "schools")
    assert not report.ok and "more than 1 MB" in report.errors[0].message


def test_zip_with_too_many_members_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for i in range(MAX_ZIP_MEMBERS + 1):
            zf.writestr(f"f{i}.txt", "")
    opened = []
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *a, **k: opened.append(a) or 1 / 0)
    _frame, report = read_layer_file(path, "schools")
    assert (
        not report.ok and f"more than the limit of {MAX_ZIP_MEMBERS:,}" in report.errors[0].message
    )
    assert not opened


# ----------------------------------------------------------------- upload size


def _sparse(path: Path, size: int) -> Path:
    with path.open("wb") as f:
        f.truncate(size)  # no data written: reading it would take memory and time
    return path


@pytest.mark.parametrize("suffix", [".geojson", ".csv", ".kml", ".zip", ".xlsx", ".gpkg"])
def test_upload_over_max_bytes_is_refused_before_reading(tmp_path, monkeypatch, suffix):
    path = _sparse(tmp_path / f"big{suffix}", 50 << 20)
    reads = []
    for name in ("read_bytes", "read_text", "open"):
        original = getattr(Path, name)
        monkeypatch.setattr(
            Path,
            name,
            lambda self, *a, _o=original, _n=name, **k: (
                (reads.append(_n) if self == path else None) or _o(self, *a, **k)
            ),
        )
    _frame, report = read_layer_file(path, "bins", max_bytes=10 << 20)
    assert not report.ok
    assert "limit" in report.errors[0].message and report.errors[0].row is None
    assert reads == []


def test_import_file_honours_max_upload_mb(tmp_path, monkeypatch):
    config_file = tmp_path / "gridmap.toml"
    config_file.write_text("[settings]\nmax_upload_mb = 1\n", encoding="utf-8")
    monkeypatch.setenv("GRIDMAP_CONFIG", str(config_file))
    store = open_store(f"sqlite:///{tmp_path / 's.sqlite'}")
    try:
        path = tmp_path / "schools.geojson"
        feature = (
            '{"type": "Feature", "properties": {"name": "s"}, "geometry": {"type": "Polygon", '
            '"coordinates": [[[116.4, 39.9], [116.41, 39.9], [116.41, 39.91], [116.4, 39.9]]]}}'
        )
        path.write_text(
            '{"type": "FeatureCollection", "features": [' + ",".join([feature] * 12_000) + "]}",
            encoding="utf-8",
        )
        assert path.stat().st_size > 1 << 20
        before = store.counts()
        report = importing.import_file(store, "schools", path)
        assert not report.ok and "1.0 MB limit" in report.errors[0].message
        assert report.written == 0 and store.counts() == before
        config_file.write_text("[settings]\nmax_upload_mb = 5\n", encoding="utf-8")
        report = importing.import_file(store, "schools", path, dry_run=True)
        assert not any("limit" in p.message for p in report.problems)
    finally:
        store.close()


# ----------------------------------------------------------------- hostile text

HOSTILE = (
    "'); DROP TABLE grids;--",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "{{ 7*7 }}",
    '=HYPERLINK("http://127.0.0.1/x","y")',
    "+1+1",
    "-2+3",
    "@SUM(1,2)",
    "=cmd|' /C calc'!A0",
)
#: Columns that refer to other rows (codes) or to fixed lists: not free text.
_REFERENCES = {
    "code",
    "community",
    "grid",
    "worker",
    "point",
    "compound",
    "category",
    "subcategory",
}
#: Text columns with a checked form, not free text: a phone number (#17).
_CHECKED = {("workers", "phone")}
#: Free-text columns that name rows of other layers: kept consistent when renamed.
_RENAMED_KEYS = {("compounds", "name"): [("entrances", "compound"), ("buildings", "compound")]}


def _free_text_columns(layer: str) -> list[str]:
    return [
        c.name
        for c in LAYERS[layer].columns
        if c.dtype == "str" and not c.choices and c.name not in _REFERENCES
        and (layer, c.name) not in _CHECKED
    ]


def test_every_layer_has_free_text_covered():
    covered = {layer: _free_text_columns(layer) for layer in LAYERS}
    assert covered["workers"] == ["name", "notes"]
    assert covered["issues"] == ["description", "reporter"]
    assert covered["internet_cafes"] == ["name", "address"]
    assert covered["maintenance"] == ["note", "by"]


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory):
    """The demo street imported from files whose every free-text cell is hostile text.

    Returns the store path and ``{layer: {column: [values in file order]}}``.
    """
    folder = tmp_path_factory.mktemp("hostile")
    store = open_store(f"sqlite:///{folder / 'hostile.sqlite'}")
    store.insert("streets", datasets.demo_street(), username="system")
    expected: dict[str, dict[str, list[str]]] = {}
    renames: dict[tuple[str, str], dict[str, str]] = {}
    for entry in datasets.demo_manifest():
        frame, report = read_layer_file(entry.path, entry.layer, crs=entry.crs)
        report.raise_for_errors()
        for (layer, column), mapping in renames.items():
            if layer == entry.layer:
                frame[column] = frame[column].map(lambda v, m=mapping: m.get(v, v))
        expected[entry.layer] = {}
        for column in _free_text_columns(entry.layer):
            values = [HOSTILE[i % len(HOSTILE)] for i in range(len(frame))]
            if (entry.layer, column) in _RENAMED_KEYS:  # a key: keep it unique
                values = [f"{v} #{i}" for i, v in enumerate(values)]
                for target in _RENAMED_KEYS[(entry.layer, column)]:
                    renames[target] = dict(zip(frame[column], values, strict=True))
            if column == "street":
                continue  # names the street row inserted above
            frame[column] = values
            expected[entry.layer][column] = values
        suffix = ".geojson" if LAYERS[entry.layer].geometry else ".csv"
        path = folder / f"{entry.layer}{suffix}"
        write_layer_file(frame, path)
        report = importing.import_file(store, entry.layer, path)
        assert report.ok, (entry.layer, report.problems[:3])
    store.close()
    return folder / "hostile.sqlite", expected


def test_hostile_text_is_stored_verbatim_in_every_free_text_field(hostile_store):
    path, expected = hostile_store
    store = open_store(f"sqlite:///{path}")
    try:
        assert store.counts()["grids"] == 40  # DROP TABLE did nothing
        checked = 0
        for layer, columns in expected.items():
            stored = store.read_layer(layer)
            for column, values in columns.items():
                assert sorted(stored[column].tolist()) == sorted(values), (layer, column)
                checked += 1
        assert checked >= 20
    finally:
        store.close()


def _unescape_json(text: str) -> str:
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)


@pytest.mark.parametrize("role", ["viewer", "admin"])
def test_hostile_text_is_escaped_in_the_map_html(hostile_store, role):
    path, _expected = hostile_store
    store = open_store(f"sqlite:///{path}")
    try:
        user = auth.User(role, UserRole(role))
        frames = snapshot.visible_frames(store, user)
        m = maps.street_map(frames, lang="en", reference=snapshot.REFERENCE_LAYERS)
        page = _unescape_json(m.get_root().render())
    finally:
        store.close()
    for text in ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>"):
        assert text not in page
        assert html.escape(text) in page
    assert "onerror=alert(1)>" not in page
    # a template engine would have turned the text into 49: it must arrive unevaluated
    assert "{{ 7*7 }}" in page


def test_hostile_text_is_never_a_formula_in_roster_xlsx_and_csv(hostile_store, tmp_path):
    from openpyxl import load_workbook

    from gridmap.export import export_roster

    path, expected = hostile_store
    store = open_store(f"sqlite:///{path}")
    try:
        planner = auth.User("planner", UserRole.PLANNER)
        export_roster(store, tmp_path / "roster.xlsx", user=planner, fmt="xlsx")
        export_roster(store, tmp_path / "roster.csv", user=planner, fmt="csv")
    finally:
        store.close()
    book = load_workbook(tmp_path / "roster.xlsx")
    cells = [c for row in book.active.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    values = {str(c.value) for c in cells}
    grid_names = set(expected["grids"]["name"])
    assert grid_names <= values  # verbatim text, not formulas
    with (tmp_path / "roster.csv").open(encoding="utf-8-sig", newline="") as f:
        table = list(csv.reader(f))
    for row in table:
        for cell in row:
            assert not cell.startswith(("=", "+", "@")), cell
    flat = {cell for row in table for cell in row}
    assert "'=cmd|' /C calc'!A0" in flat or '\'=HYPERLINK("http://127.0.0.1/x","y")' in flat


def test_hostile_text_is_never_a_formula_in_checks_xlsx_and_csv(hostile_store):
    from openpyxl import load_workbook

    from gridmap.checks import export as checks_export
    from gridmap.checks.registry import run_checks_on_store

    path, _expected = hostile_store
    store = open_store(f"sqlite:///{path}")
    try:
        report = run_checks_on_store(store)
    finally:
        store.close()
    book = load_workbook(io.BytesIO(checks_export.to_xlsx(report)))
    formulas = [
        c.coordinate
        for s in book.worksheets
        for r in s.iter_rows()
        for c in r
        if c.data_type == "f"
    ]
    assert not formulas
    table = list(csv.reader(io.StringIO(checks_export.to_csv(report).decode("utf-8-sig"))))
    assert not [cell for row in table for cell in row if cell.startswith(("=", "+", "@"))]


def test_hostile_text_is_kept_verbatim_in_geojson_export(hostile_store, tmp_path):
    from gridmap.export import export_geojson

    path, _expected = hostile_store
    store = open_store(f"sqlite:///{path}")
    try:
        export_geojson(store, tmp_path / "street", user=auth.User("admin", UserRole.ADMIN))
    finally:
        store.close()
    text = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "street").glob("*.geojson"))
    for value in HOSTILE:
        assert json.dumps(value, ensure_ascii=False)[1:-1] in text


# ----------------------------------------------------------------- photos


def _png(width: int, height: int) -> bytes:
    """A tiny PNG file whose header declares ``width`` x ``height`` 1-bit pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def _jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(out, format="JPEG")
    return out.getvalue()


@FUZZ
@given(data=st.binary(min_size=1, max_size=2000))
def test_random_bytes_are_not_a_photo(data):
    with pytest.raises(InputError, match="not a photo"):
        photos.clean_photo(data)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"Hello, this is a text file renamed to photo.jpg\n" * 20, id="text-as-jpg"),
        pytest.param(_jpeg()[:200], id="truncated-jpeg"),
        pytest.param(b"\xff\xd8\xff\xe0" + bytes(300), id="jpeg-magic-only"),
        pytest.param(b"<svg onload=alert(1)></svg>", id="svg-script"),
        pytest.param(b"", id="empty"),
    ],
)
def test_non_images_are_refused(data):
    with pytest.raises(InputError):
        photos.clean_photo(data)
    with pytest.raises(InputError):
        photos.photo_location(data)


@pytest.mark.parametrize("side", [10_000, 100_000])
def test_decompression_bomb_png_is_a_clear_input_error(side):
    bomb = _png(side, side)
    assert len(bomb) < 200
    with pytest.raises(InputError, match="million pixels"):
        photos.clean_photo(bomb)


def test_a_real_photo_still_passes():
    assert photos.clean_photo(_jpeg())[:2] == b"\xff\xd8"


# ----------------------------------------------------------------- reports with missing text


def test_dossier_lists_a_report_without_subcategory(demo_store, tmp_path):
    from gridmap.export import export_dossier
    from gridmap.issues import report_issue

    grids = demo_store.read_layer("grids").sort_values("code")
    grid = grids.iloc[0]
    inside = grid.geometry.representative_point()
    report_issue(demo_store, auth.SYSTEM, category="市容环境", lon=inside.x, lat=inside.y)
    admin = auth.User("admin", UserRole.ADMIN)
    export_dossier(
        demo_store, tmp_path / "d.pdf", user=admin, community=grid["community"], grid=grid["code"]
    )


def test_hostile_text_round_trips_on_either_backend(store):
    """Values are bound parameters on SQLite and PostgreSQL alike: SQL text stays text."""
    from gridmap.records import workers

    codes = [
        workers.add_worker(store, auth.SYSTEM, name=text, notes=text, phone="13812345678")
        for text in HOSTILE
    ]
    for text in HOSTILE:  # a phone is checked before it reaches the store (#17)
        with pytest.raises(InputError, match="phone"):
            workers.add_worker(store, auth.SYSTEM, name="x", phone=text[:32])
    stored = workers.list_workers(store).set_index("code")
    for code, text in zip(codes, HOSTILE, strict=True):
        assert stored.loc[code, "name"] == text and stored.loc[code, "notes"] == text
        assert workers.get_worker(store, code)["phone"] == "13812345678"
    assert store.read_layer("grids").empty  # the table is still there


def _formula_cells(data: bytes | Path) -> list[str]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data) if isinstance(data, bytes) else data)
    return [
        c.coordinate
        for s in book.worksheets
        for r in s.iter_rows()
        for c in r
        if c.data_type == "f"
    ]


def test_scores_workbook_never_holds_formulas(hostile_store):
    from gridmap import issues

    path, _expected = hostile_store
    store = open_store(f"sqlite:///{path}")
    try:
        month = store.read_layer("issues")["reported_at"].max().strftime("%Y-%m")
        admin = auth.User("admin", UserRole.ADMIN)
        data = issues.scores_workbook(store, month=month, user=admin, audit=False)
    finally:
        store.close()
    assert not _formula_cells(data)


def test_plan_export_never_holds_formulas(hostile_store, tmp_path):
    from gridmap.grids import service as grid_service

    path, _expected = hostile_store
    store = open_store(f"sqlite:///{path}")
    try:
        admin = auth.User("admin", UserRole.ADMIN)
        grid_service.export_plan(store, tmp_path / "plan.xlsx", user=admin)
        grid_service.export_plan(store, tmp_path / "plan.csv", user=admin)
    finally:
        store.close()
    formulas = _formula_cells(tmp_path / "plan.xlsx")
    with (tmp_path / "plan.csv").open(encoding="utf-8-sig", newline="") as f:
        cells = [cell for row in csv.reader(f) for cell in row]
    assert not formulas and not [c for c in cells if c.startswith(("=", "+", "@"))]
