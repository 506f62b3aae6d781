"""read_layer's quick column building gives what pandas' own conversion gave (refs #16).

A layer read builds a column from one array where the values' types allow
(:func:`gridmap.store.convert.quick_series`), decodes each distinct ``attrs`` text
once (``_attr_series``), applies a result processor once per distinct value
(``_processed``) and reads WKB points with numpy (:func:`geometries_from_wkb`). Each
must give exactly what the plain conversion gives: the same dtypes, values, value
types and order, on SQLite and PostgreSQL, on pandas 3 and pandas 2 (scripts/test.sh
runs this file in the pandas-2 venv too). The plain conversion, as read_layer did it
before, is written out here as the reference.
"""

from __future__ import annotations

import datetime as dt
import json
import struct
from itertools import repeat
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, box
from sqlalchemy import JSON, Date, update
from sqlalchemy.dialects import sqlite

from gridmap.model import LAYERS
from gridmap.store import layers as store_layers
from gridmap.store import schema
from gridmap.store.convert import CONVERTERS, _inferred_series, quick_series, series_of
from gridmap.store.types import geometries_from_wkb, wkb_array

DTYPES = ("str", "enum", "int", "float", "bool", "date", "datetime")

#: Every column kept in points.attrs (boards, fitness, bins), and a timestamp one.
ATTR_DTYPES = {
    name: LAYERS[layer].column(name).dtype
    for layer in ("boards", "fitness", "bins")
    for name in store_layers._point_attr_columns(layer)
} | {"seen_at": "datetime"}


# --- the reference: read_layer's conversion before the quick paths ---------------------------


def _columns_frame_per_value(keys, rows, dtypes, attr_columns, processors=None, *, lonlat=False):
    """read_layer's ``_columns_frame`` as it was: every value converted on its own."""
    columns = (
        dict(zip(keys, zip(*rows, strict=True), strict=True)) if rows else {k: () for k in keys}
    )
    for key, proc in (processors or {}).items():
        columns[key] = list(map(proc, columns[key]))
    attrs = store_layers._decode_json_texts(columns.pop("__attrs", ()))
    wkb = columns.pop("__geom", None)
    data: dict[str, pd.Series] = {}
    for name, dtype in dtypes.items():
        if name in attr_columns:
            values = list(map(dict.get, attrs, repeat(name)))
            if dtype in ("date", "datetime"):
                values = [None if v is None else CONVERTERS[dtype](v) for v in values]
        else:
            values = list(columns[name])
        data[name] = _inferred_series(values, dtype)
    return pd.DataFrame(data), shapely.from_wkb(wkb_array(wkb or ()))


def _attrs_per_row(texts: list[str | None], dtypes: dict[str, str]) -> dict[str, pd.Series]:
    """The attribute columns as read_layer built them before: each row's text decoded."""
    attrs = store_layers._decode_json_texts(texts)
    out = {}
    for name, dtype in dtypes.items():
        values = list(map(dict.get, attrs, repeat(name)))
        if dtype in ("date", "datetime"):
            values = [None if v is None else CONVERTERS[dtype](v) for v in values]
        out[name] = _inferred_series(values, dtype)
    return out


def _outcome(function, *args):
    """What a call gives: its result, or the type of the exception it raised."""
    try:
        return function(*args)
    except Exception as err:  # the type is what is compared
        return type(err)


def assert_same_series(got: pd.Series, want: pd.Series) -> None:
    """Equal to the last bit: dtype, index, values, value types and masked arrays' data."""
    assert repr(got.dtype) == repr(want.dtype)
    assert type(got.array) is type(want.array)
    pd.testing.assert_series_equal(got, want, check_exact=True)
    assert [type(v) for v in got.tolist()] == [type(v) for v in want.tolist()]
    assert got.isna().tolist() == want.isna().tolist()
    if isinstance(want.array, pd.arrays.BooleanArray | pd.arrays.IntegerArray):
        for part in ("_data", "_mask"):
            got_part, want_part = getattr(got.array, part), getattr(want.array, part)
            assert got_part.tobytes() == want_part.tobytes()
            assert got_part.flags.writeable == want_part.flags.writeable
    elif want.dtype == np.float64:  # -0.0 and NaN too
        assert got.to_numpy().tobytes() == want.to_numpy().tobytes()
        assert got.array._ndarray.flags.writeable == want.array._ndarray.flags.writeable
    elif want.dtype == object:
        assert got.tolist() == want.tolist()


def assert_same_outcome(got: Any, want: Any) -> None:
    if isinstance(want, type) or isinstance(got, type):
        assert got is want
    elif isinstance(want, dict):
        assert list(got) == list(want)
        for name in want:
            assert_same_series(got[name], want[name])
    else:
        assert_same_series(got, want)


def assert_same_geometries(got: np.ndarray, want: np.ndarray) -> None:
    assert got.dtype == want.dtype == object
    assert len(got) == len(want)
    assert [g is None for g in got] == [g is None for g in want]
    assert shapely.get_type_id(got).tolist() == shapely.get_type_id(want).tolist()
    assert shapely.is_empty(got).tolist() == shapely.is_empty(want).tolist()
    assert shapely.has_z(got).tolist() == shapely.has_z(want).tolist()
    assert shapely.to_wkb(got).tolist() == shapely.to_wkb(want).tolist()


def assert_same_frame(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert type(got) is type(want)
    assert list(got.columns) == list(want.columns)
    assert [repr(d) for d in got.dtypes] == [repr(d) for d in want.dtypes]
    for name in want.columns:
        if name == "geometry":
            assert_same_geometries(np.asarray(got.geometry.array, dtype=object),
                                   np.asarray(want.geometry.array, dtype=object))
            assert got.crs == want.crs
        else:
            assert_same_series(got[name], want[name])


# --- quick_series ----------------------------------------------------------------------------

_PLAIN = {
    "str": st.text(),
    "enum": st.sampled_from(["active", "damaged", "公益广告", ""]),
    "int": st.integers(-(2**63), 2**63 - 1),
    "float": st.floats(),
    "bool": st.booleans(),
    "date": st.dates(),
    "datetime": st.datetimes(timezones=st.none() | st.just(dt.UTC)),
}
_OTHER = st.one_of(
    st.integers(),  # beyond int64 too
    st.floats(),
    st.booleans(),
    st.text(max_size=5),
    st.sampled_from(["12", "2.0", "yes", "2024-02-29", "1", "0", "\ud800", "\x00"]),
    st.dates(),
    st.datetimes(),
    st.builds(np.int64, st.integers(-5, 5)),
)


@st.composite
def column_values(draw: st.DrawFn) -> tuple[str, list[Any]]:
    dtype = draw(st.sampled_from(DTYPES))
    plain = _PLAIN[dtype]
    if draw(st.booleans()):  # what the drivers give: one type, or None
        values = draw(st.lists(st.none() | plain, max_size=30))
    else:
        values = draw(st.lists(st.none() | plain | _OTHER, max_size=30))
    return dtype, values


@settings(max_examples=600, deadline=None, suppress_health_check=list(HealthCheck))
@given(column_values())
@example(("str", ["a", None, "\ud800"]))
@example(("str", [None, None]))
@example(("int", [None, None]))
@example(("int", [2**63]))
@example(("int", [True, 1]))
@example(("bool", [None]))
@example(("float", [None, -0.0, float("nan"), 1]))
@example(("date", [dt.datetime(2024, 1, 1, 5), dt.date(2024, 1, 1)]))
@example(("enum", []))
def test_series_of_is_pandas_conversion(case: tuple[str, list[Any]]) -> None:
    dtype, values = case
    want = _outcome(_inferred_series, values, dtype)
    assert_same_outcome(_outcome(series_of, values, dtype), want)
    assert_same_outcome(_outcome(series_of, tuple(values), dtype), want)
    quick = _outcome(quick_series, values, dtype)
    assert not isinstance(quick, type)  # never raises: None lets series_of convert
    if quick is not None:
        assert_same_series(quick, want)


@pytest.mark.parametrize(
    ("dtype", "values"),
    [
        ("str", ["B0000001", None, "核心价值观", ""]),
        ("enum", [None, None]),
        ("int", [1, None, -(2**63), 2**63 - 1]),
        ("int", [3, 4]),
        ("float", [1.5, None, float("nan")]),
        ("float", [0.25]),
        ("bool", [True, None, False]),
        ("bool", [False]),
        ("date", [dt.date(2024, 2, 29), None]),
        ("str", []),
    ],
)
def test_driver_values_take_the_quick_way(dtype, values):
    quick = quick_series(values, dtype)
    assert quick is not None
    assert_same_series(quick, _inferred_series(values, dtype))


@pytest.mark.parametrize(
    ("dtype", "values"),
    [
        ("int", [2**64]),
        ("int", [True]),
        ("int", [2.0]),
        ("str", [1]),
        ("bool", [1]),
        ("float", [1]),
        ("date", ["2024-01-01"]),
        ("datetime", [dt.datetime(2024, 1, 1, tzinfo=dt.UTC)]),
    ],
)
def test_other_values_are_left_to_pandas(dtype, values):
    assert quick_series(values, dtype) is None
    assert_same_outcome(_outcome(series_of, values, dtype),
                        _outcome(_inferred_series, values, dtype))


# --- attributes ------------------------------------------------------------------------------

_KEYS = st.sampled_from([*ATTR_DTYPES, 'a"b', "$.theme", "", "中文", "theme "])
_JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),  # beyond 64 bits too
    st.floats(),  # NaN and Infinity: Python's json writes and reads them
    st.text(max_size=8),
    st.dates().map(dt.date.isoformat),
    st.datetimes().map(dt.datetime.isoformat),
    st.sampled_from(["yes", "2024-13-01", "12", "\ud800", "\x00"]),
)
_JSON = st.recursive(
    _JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=3), inner,
                                                                max_size=2),
    max_leaves=4,
)
# a well-formed document: each attribute missing, JSON null or of its own type
_WELL_FORMED = st.fixed_dictionaries(
    {},
    optional={
        "theme": st.none() | st.text(),
        "fixed": st.none() | st.booleans(),
        "outdoor": st.none() | st.booleans(),
        "panels": st.none() | st.integers(-(2**63), 2**63 - 1),
        "installed": st.none() | st.dates().map(dt.date.isoformat),
        "condition": st.none() | st.sampled_from(["good", "poor"]),
        "category": st.none() | st.sampled_from(["mixed", "kitchen"]),
        "capacity_l": st.none() | st.floats(),
        "seen_at": st.none() | st.just("2026-11-01T08:00:00+00:00"),
    },
)
_DOCUMENTS = st.one_of(
    _WELL_FORMED,
    _WELL_FORMED,
    st.dictionaries(_KEYS, _JSON, max_size=6),  # mixed and wrong types
    _JSON,  # not an object: read as no attributes
)
_TEXTS = st.none() | st.builds(json.dumps, _DOCUMENTS, ensure_ascii=st.booleans())


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(pool=st.lists(_TEXTS, min_size=1, max_size=6), data=st.data())
@example(pool=[None], data=None)
@example(pool=['{"panels": 18446744073709551616}', '{"panels": 1}'], data=None)
@example(pool=['{"fixed": 1}', '{"fixed": true}', "[1, 2]", '"x"', "null", "{}"], data=None)
def test_attributes_are_each_rows_decoded_json(pool, data):
    texts = pool if data is None else data.draw(st.lists(st.sampled_from(pool), max_size=40))
    want = _outcome(_attrs_per_row, texts, ATTR_DTYPES)
    assert_same_outcome(_outcome(store_layers._attr_series, texts, ATTR_DTYPES), want)


# --- processors and geometries ---------------------------------------------------------------

_SQLITE = sqlite.dialect()
_DATE_TEXT = Date().dialect_impl(_SQLITE).result_processor(_SQLITE, None)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.none() | st.dates().map(str) | st.sampled_from(["2024-1-5", "x", "2024-02-30"])
                | st.integers(0, 2), max_size=30))
def test_a_processor_is_applied_as_to_each_value(values):
    want = _outcome(lambda v: list(map(_DATE_TEXT, v)), values)
    got = _outcome(store_layers._processed, _DATE_TEXT, values)
    if isinstance(want, type):
        assert got is want
    else:
        assert got == want
        assert [type(v) for v in got] == [type(v) for v in want]


_coordinate = st.floats(width=64)  # NaN and infinities too
_WKB = st.one_of(
    st.none(),
    st.builds(lambda x, y: shapely.to_wkb(Point(x, y)), _coordinate, _coordinate),
    st.builds(lambda x, y: struct.pack("<BIdd", 1, 1, x, y), _coordinate, _coordinate),
    st.builds(lambda x, y: shapely.to_wkb(Point(x, y), byte_order=0), _coordinate, _coordinate),
    st.builds(lambda x: shapely.to_wkb(Point(x, 1.0, 2.0), flavor="iso"), _coordinate),
    st.builds(lambda x: shapely.to_wkb(box(x, 0, x + 1, 1)), st.floats(-180, 180)),
    st.just(shapely.to_wkb(shapely.from_wkt("POINT EMPTY"))),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_WKB, max_size=20), st.booleans())
def test_points_are_read_as_shapely_reads_them(blobs, as_memoryview):
    values = [memoryview(b) if as_memoryview and b is not None else b for b in blobs]
    assert_same_geometries(geometries_from_wkb(values), shapely.from_wkb(wkb_array(values)))


# --- whole layers, on both backends ----------------------------------------------------------


def _points(n: int) -> list[Point]:
    return [Point(120.15 + i * 1e-4, 30.25 + i * 1e-5) for i in range(n)]


def _write_points(store) -> None:
    n = 9
    boards = gpd.GeoDataFrame(
        {
            "code": [f"B{i:07d}" for i in range(n)],
            "name": [None] * n,  # an all-None column
            "board_type": ["publicity", "panel", "public_ad"] * 3,
            "theme": ["核心价值观", None, "emoji 🚀", "", "a\"b'c", None, "Ünïcode", "x", None],
            "fixed": [True, False, None, True, True, None, False, True, None],
            "outdoor": [None] * n,
            "panels": [1, None, 2**62, -(2**63), 0, 4, None, 7, 9],
            "status": ["active", "damaged", None, "active", "active", None, "retired", None, None],
            "last_inspected": [dt.date(2024, 2, 29), None, dt.date(1, 1, 1), None,
                               dt.date(9999, 12, 31), dt.date(2024, 2, 29), None, None, None],
        },
        geometry=_points(n),
        crs="EPSG:4326",
    )
    fitness = gpd.GeoDataFrame(
        {
            "code": ["F1", "F2", "F3"],
            "name": ["单杠", None, "双杠"],
            "equipment_type": ["bar", "bar", "双杠"],
            "installed": [dt.date(2019, 9, 1), None, dt.date(2000, 1, 1)],
            "condition": [None, "poor", "good"],
            "status": [None, None, None],
            "last_inspected": [None, None, None],  # all None
        },
        geometry=_points(3),
        crs="EPSG:4326",
    )
    bins = gpd.GeoDataFrame(
        {
            "code": ["X1", "X2", "X3", "X4"],
            "name": [None, "桶", None, None],
            "bin_type": ["street_bin", "collection_point", "street_bin", "street_bin"],
            "category": ["mixed", None, "kitchen", None],
            "capacity_l": [120.0, None, 0.1, -0.0],
            "status": ["active", None, None, None],
            "last_inspected": [None, dt.date(2025, 1, 1), None, None],
        },
        geometry=_points(4),
        crs="EPSG:4326",
    )
    for layer, frame in (("boards", boards), ("fitness", fitness), ("bins", bins)):
        store.write_layer(layer, frame, source_crs="wgs84", username="t")
    points = schema.points
    with store.engine.begin() as conn:  # retired records: read with include_retired
        for code, at in (("B0000008", dt.datetime(2026, 3, 1, 8, 30, tzinfo=dt.UTC)),
                         ("X4", dt.datetime(2025, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC))):
            conn.execute(update(points).where(points.c.code == code).values(retired_at=at))


def _set_attrs(store, codes_attrs: dict[str, Any]) -> None:
    """Store ``attrs`` documents as they are (wrong types, non-objects, JSON null)."""
    points = schema.points
    with store.engine.begin() as conn:
        for code, document in codes_attrs.items():
            value = JSON.NULL if document == "json null" else document
            conn.execute(update(points).where(points.c.code == code).values(attrs=value))


_READS = [
    {},
    {"bookkeeping": False},
    {"include_retired": True},
    {"include_retired": True, "bookkeeping": False},
]


def _read_both_ways(store, monkeypatch, layer, kwargs):
    quick = _outcome(lambda: store.read_layer(layer, **kwargs))
    with monkeypatch.context() as patched:
        patched.setattr(store_layers, "_columns_frame", _columns_frame_per_value)
        reference = _outcome(lambda: store.read_layer(layer, **kwargs))
    return quick, reference


@pytest.mark.parametrize("read_rows", [20_000, 3])
def test_point_layers_read_as_before(store, monkeypatch, read_rows):
    _write_points(store)
    _set_attrs(
        store,
        {
            "B0000000": {"theme": "🚀", "fixed": True, "panels": 3, "a\"b": 1, "$.x": [1]},
            "B0000001": "json null",  # JSON null: no attributes
            "B0000002": None,  # SQL NULL
            "B0000003": [1, 2],  # not an object
            "B0000004": "fixed",  # a JSON string
            "B0000005": {"theme": None, "fixed": None, "panels": None},
            "F3": {"installed": "2024-02-29", "condition": "good", "extra": {"a": None}},
        },
    )
    monkeypatch.setattr(store_layers, "_READ_ROWS", read_rows)
    for layer in ("boards", "fitness", "bins"):
        for kwargs in _READS:
            quick, reference = _read_both_ways(store, monkeypatch, layer, kwargs)
            assert not isinstance(reference, type), reference
            assert_same_frame(quick, reference)
    boards = store.read_layer("boards", include_retired=True)
    assert boards["theme"].iloc[0] == "🚀"
    assert boards["theme"].iloc[6] == "Ünïcode"
    assert boards["panels"].iloc[0] == 3
    assert boards["panels"].iloc[3] is pd.NA  # its attrs are not an object
    assert boards["panels"].iloc[2] is pd.NA
    for name in ("theme", "fixed", "outdoor", "panels"):
        assert boards[name].isna().tolist()[1:6] == [True] * 5
    assert boards["last_inspected"].iloc[0] == dt.date(2024, 2, 29)
    assert boards["retired_at"].notna().tolist() == [False] * 8 + [True]
    fitness = store.read_layer("fitness")
    assert fitness["installed"].tolist() == [dt.date(2019, 9, 1), None, dt.date(2024, 2, 29)]


@pytest.mark.parametrize(
    "document",
    [
        {"theme": 5, "fixed": 1, "outdoor": 0, "panels": 2.0},  # converted by pandas
        {"theme": True, "panels": True},
        {"theme": ["a"], "fixed": False},
        {"panels": 2**64},  # beyond Int64: both refuse
        {"fixed": "yes"},  # not a boolean: both refuse
        {"panels": 2.5},
    ],
)
def test_attributes_of_other_types_read_as_before(store, monkeypatch, document):
    _write_points(store)
    _set_attrs(store, {"B0000003": document})
    for kwargs in _READS[:2]:
        quick, reference = _read_both_ways(store, monkeypatch, "boards", kwargs)
        if isinstance(reference, type):
            assert quick is reference
        else:
            assert_same_frame(quick, reference)


def test_installed_dates_in_attrs_read_as_before(store, monkeypatch):
    _write_points(store)
    _set_attrs(store, {"F1": {"installed": "2024-02-30"}})  # no such day: both refuse
    quick, reference = _read_both_ways(store, monkeypatch, "fitness", {})
    assert isinstance(reference, type)
    assert quick is reference


@pytest.mark.parametrize("layer", ["communities", "grids", "workers", "assignments", "buildings",
                                   "compounds", "entrances", "issues", "maintenance", "roads"])
def test_other_layers_read_as_before(demo_store, monkeypatch, layer):
    for kwargs in _READS:
        quick, reference = _read_both_ways(demo_store, monkeypatch, layer, kwargs)
        assert not isinstance(reference, type), reference
        assert_same_frame(quick, reference)


@pytest.mark.parametrize("read_rows", [20_000, 3])
def test_points_read_as_lonlat_are_the_geometries_coordinates(store, monkeypatch, read_rows):
    """points_lonlat: the same rows and columns, lon/lat the points' own coordinates."""
    _write_points(store)
    monkeypatch.setattr(store_layers, "_READ_ROWS", read_rows)
    for layer in ("boards", "fitness", "bins"):
        full = store.read_layer(layer, bookkeeping=False)
        lean = store.read_layer(layer, bookkeeping=False, points_lonlat=True)
        assert not isinstance(lean, gpd.GeoDataFrame)
        assert list(lean.columns) == [*full.columns.drop("geometry"), "lon", "lat"]
        pd.testing.assert_frame_equal(lean.drop(columns=["lon", "lat"]),
                                      pd.DataFrame(full.drop(columns="geometry")))
        xy = shapely.get_coordinates(full.geometry.to_numpy())
        np.testing.assert_array_equal(lean[["lon", "lat"]].to_numpy(), xy)


def test_a_layer_that_is_not_all_points_reads_as_geometries(demo_store):
    """Polygons (and an empty layer) keep their geometry column with points_lonlat."""
    grids = demo_store.read_layer("grids", points_lonlat=True)
    assert isinstance(grids, gpd.GeoDataFrame) and "lon" not in grids.columns
    empty = demo_store.read_layer("schools", points_lonlat=True)
    assert isinstance(empty, gpd.GeoDataFrame)
