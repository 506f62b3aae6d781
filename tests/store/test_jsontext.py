"""Point attributes written as JSON text a column at a time equal json.dumps per row (#16)."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import Point
from sqlalchemy import text

from gridmap.store import jsontext

names = st.sampled_from(["theme", "fixed", "outdoor", "panels", "主题", 'q"uote', "a\\b"])
scalars = (st.none() | st.text(max_size=8) | st.integers(-10**20, 10**20) | st.booleans()
           | st.floats(allow_nan=False, allow_infinity=False)
           | st.sampled_from(["核心价值观", "\u2028", "{}", ""]))
values = scalars | st.lists(scalars, max_size=2) | st.dictionaries(st.text(max_size=3), scalars,
                                                                   max_size=2)


@given(st.integers(0, 12).flatmap(lambda n: st.tuples(
    st.just(n), st.dictionaries(names, st.lists(values, min_size=n, max_size=n), max_size=4))))
def test_object_texts_are_json_dumps_of_each_rows_dict(case):
    n, columns = case
    got = jsontext.object_texts(columns, n)
    want = []
    for i in range(n):
        doc = {k: col[i] for k, col in columns.items() if col[i] is not None}
        want.append(json.dumps(doc) if doc else None)
    assert list(got) == want
    assert isinstance(got, jsontext.JSONTexts)
    assert isinstance(got[1:], jsontext.JSONTexts)  # a bulk insert's slice keeps its kind


def test_imported_attrs_are_the_stored_json_text_on_each_backend(store):
    boards = gpd.GeoDataFrame(
        {"code": ["B1", "B2", "B3"], "name": ["栏", None, "x"],
         "board_type": ["publicity", "reminder", "public_ad"],
         "theme": ["核心价值观", None, 'say "hi"'], "fixed": [True, False, None],
         "outdoor": [False, True, None], "panels": [4, None, None],
         "status": ["active", "active", "active"]},
        geometry=[Point(120.15, 30.25), Point(120.16, 30.25), Point(120.17, 30.25)],
        crs="EPSG:4326")
    store.write_layer("boards", boards, source_crs="wgs84", username="t")
    with store.connect() as conn:
        stored = conn.execute(text(
            "SELECT code, CAST(attrs AS TEXT) FROM points ORDER BY code")).all()
    assert dict(stored) == {
        "B1": json.dumps({"theme": "核心价值观", "fixed": True, "outdoor": False, "panels": 4}),
        "B2": json.dumps({"fixed": False, "outdoor": True, "panels": 1}),  # defaults filled
        "B3": json.dumps({"theme": 'say "hi"', "fixed": True, "outdoor": True, "panels": 1}),
    }
    back = store.read_layer("boards").set_index("code")
    assert back.loc["B1", "theme"] == "核心价值观" and back.loc["B1", "panels"] == 4
    assert bool(back.loc["B2", "outdoor"]) is True
    assert back.loc["B3", "theme"] == 'say "hi"'


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_bound_texts_keep_null_as_none(dialect):
    got = jsontext.bound(jsontext.JSONTexts(['{"a": 1}', None]), dialect)
    assert got[1] is None


def test_object_texts_in_chunks_are_the_same_texts(monkeypatch):
    """A column longer than a chunk is encoded a chunk at a time, to the same texts."""
    monkeypatch.setattr(jsontext, "_CHUNK", 7)
    columns = {"theme": [None, "核心价值观", "x", None] * 13, "panels": [1, None, 2, 3] * 13,
               "fixed": [True, False, None, True] * 13}
    got = jsontext.object_texts(columns, 52)
    want = []
    for i in range(52):
        doc = {k: col[i] for k, col in columns.items() if col[i] is not None}
        want.append(json.dumps(doc) if doc else None)
    assert list(got) == want and isinstance(got, jsontext.JSONTexts)
