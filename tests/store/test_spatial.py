"""Tests of gridmap.store.spatial: bounding-box reads through the spatial index."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from gridmap.errors import InputError
from gridmap.store import spatial

X0, Y0 = 120.0, 30.0


def _communities(seed: int = 1) -> gpd.GeoDataFrame:
    """Polygons from a few metres to tens of kilometres wide, so every index level is used."""
    rng = np.random.default_rng(seed)
    n = 120
    sizes = 10.0 ** rng.uniform(-5, -0.5, n)  # 1 m .. 30 km
    x = X0 + rng.uniform(0, 0.5, n)
    y = Y0 + rng.uniform(0, 0.5, n)
    geoms = shapely.box(x, y, x + sizes, y + sizes * rng.uniform(0.2, 1.5, n))
    geoms[0] = shapely.LineString([(X0, Y0), (X0 + 0.5, Y0 + 0.5)]).buffer(1e-5)  # a long thin one
    return gpd.GeoDataFrame(
        {"code": [f"C{i:04d}" for i in range(n)], "name": [f"社区{i}" for i in range(n)]},
        geometry=geoms, crs="EPSG:4326",
    )  # fmt: skip


def _boards(seed: int = 2, n: int = 400) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    return gpd.GeoDataFrame(
        {"code": [f"B{i:05d}" for i in range(n)], "board_type": "panel"},
        geometry=shapely.points(X0 + rng.uniform(0, 0.5, n), Y0 + rng.uniform(0, 0.5, n)),
        crs="EPSG:4326",
    )


@pytest.fixture
def filled(store):
    store.write_layer("communities", _communities(), source_crs="wgs84", username="t")
    store.write_layer("boards", _boards(), source_crs="wgs84", username="t")
    return store


def _brute(frame: gpd.GeoDataFrame, bbox) -> set[str]:
    b = frame.geometry.bounds
    keep = (b.minx <= bbox[2]) & (b.maxx >= bbox[0]) & (b.miny <= bbox[3]) & (b.maxy >= bbox[1])
    return set(frame.loc[keep, "code"])


boxes = st.tuples(
    st.floats(X0 - 0.1, X0 + 0.6), st.floats(Y0 - 0.1, Y0 + 0.6),
    st.floats(0, 0.3), st.floats(0, 0.3),
).map(lambda t: (t[0], t[1], t[0] + t[2], t[1] + t[3]))  # fmt: skip


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(bbox=boxes)
def test_bbox_read_equals_a_brute_force_filter(filled, bbox):
    for layer in ("communities", "boards"):
        everything = filled.read_layer(layer)
        found = filled.read_layer(layer, bbox=bbox)
        assert set(found["code"]) == _brute(everything, bbox)
        assert list(found.columns) == list(everything.columns)


def test_bbox_read_includes_edges_and_degenerate_boxes(filled):
    boards = filled.read_layer("boards")
    p = boards.geometry.iloc[7]
    assert set(filled.read_layer("boards", bbox=(p.x, p.y, p.x, p.y))["code"]) >= {
        boards["code"].iloc[7]
    }
    c = filled.read_layer("communities").geometry.iloc[3].bounds
    found = filled.read_layer("communities", bbox=(c[2], c[3], c[2] + 1, c[3] + 1))
    assert "C0003" in set(found["code"])


def test_the_index_follows_updates_and_deletes(filled):
    row = filled.read_layer("communities", bbox=(X0, Y0, X0 + 0.5, Y0 + 0.5))
    row = row[row["code"] == "C0005"].iloc[0]
    far = shapely.box(150.0, 10.0, 150.001, 10.001)
    filled.update("communities", int(row["id"]), {"geom": far}, version=int(row["version"]),
                  username="t")  # fmt: skip
    assert "C0005" in set(filled.read_layer("communities", bbox=(149.9, 9.9, 150.1, 10.1))["code"])
    assert "C0005" not in set(filled.read_layer("communities", bbox=row.geometry.bounds)["code"])
    moved = filled.get("communities", int(row["id"]))
    filled.delete("communities", int(row["id"]), version=int(moved["version"]), username="t")
    assert filled.read_layer("communities", bbox=(149.9, 9.9, 150.1, 10.1)).empty


def test_read_bbox_returns_raw_columns_in_id_order(filled):
    values, geoms = spatial.read_bbox(filled, "points", (X0, Y0, X0 + 0.2, Y0 + 0.2),
                                      columns=("id", "code"))  # fmt: skip
    assert list(values["id"]) == sorted(values["id"])
    assert set(values["code"]) == _brute(_boards(), (X0, Y0, X0 + 0.2, Y0 + 0.2))
    assert len(geoms) == len(values["id"])


def test_bad_boxes_and_layers_without_geometry_are_refused(filled):
    with pytest.raises(InputError):
        filled.read_layer("boards", bbox=(1, 1, 0, 0))
    with pytest.raises(InputError):
        filled.read_layer("boards", bbox=(0, 0, float("nan"), 1))
    with pytest.raises(InputError):
        filled.read_layer("workers", bbox=(0, 0, 1, 1))


@pytest.mark.parametrize(
    "geom",
    [shapely.Point(1.5, 2.5), shapely.box(1, 2, 3, 4),
     shapely.MultiPoint([(0, 0), (5, -1)]), shapely.LineString([(0, 0), (1, 7)])],
)  # fmt: skip
def test_wkb_bounds_match_shapely(geom):
    for wkb in (shapely.to_wkb(geom, flavor="iso"), shapely.to_wkb(geom, byte_order=0)):
        assert spatial.wkb_bounds(wkb) == tuple(geom.bounds)
    assert spatial.wkb_bounds(shapely.to_wkb(shapely.Point())) is None


@settings(max_examples=200, deadline=None)
@given(
    bounds=st.tuples(st.floats(-179, 179), st.floats(-89, 89), st.floats(0, 5), st.floats(0, 5)),
    query=st.tuples(st.floats(-179, 179), st.floats(-89, 89), st.floats(0, 5), st.floats(0, 5)),
)
def test_a_feature_meeting_a_box_is_in_the_key_ranges(bounds, query):
    fx, fy, fw, fh = bounds
    qx, qy, qw, qh = query
    feature = (fx, fy, min(fx + fw, 180), min(fy + fh, 90))
    box = (qx, qy, min(qx + qw, 180), min(qy + qh, 90))
    meets = (feature[0] <= box[2] and feature[2] >= box[0]
             and feature[1] <= box[3] and feature[3] >= box[1])  # fmt: skip
    key = spatial.cell_key(feature)
    in_ranges = any(lo <= key <= hi for lo, hi in spatial._key_ranges(*box))
    assert in_ranges or not meets


def test_sqlite_migration_indexes_rows_stored_before_it(make_store):
    store = make_store("sqlite", upgrade=False)
    store.upgrade(revision="0002_issue_photos")
    store.write_layer("communities", _communities(), source_crs="wgs84", username="t")
    store.upgrade()
    bbox = (X0 + 0.1, Y0 + 0.1, X0 + 0.3, Y0 + 0.3)
    assert set(store.read_layer("communities", bbox=bbox)["code"]) == _brute(_communities(), bbox)
    with store.engine.connect() as conn:
        triggers = set(conn.execute(
            text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars())  # fmt: skip
    for table in spatial.INDEXED_TABLES:
        for suffix in ("insert", "update", "delete"):
            assert f"sidx_{table}_{suffix}" in triggers
    with store.engine.begin() as conn:  # what the downgrade runs
        spatial.drop_sqlite(conn)
    with store.engine.connect() as conn:
        left = conn.execute(text("SELECT name FROM sqlite_master WHERE name LIKE 'sidx%'")).all()
    assert left == []


def test_rebuild_restores_an_index_written_around(make_store):
    store = make_store("sqlite")
    store.write_layer("communities", _communities(), source_crs="wgs84", username="t")
    with store.engine.begin() as conn:
        conn.execute(text('DELETE FROM "sidx_communities"'))
    bbox = (X0, Y0, X0 + 0.5, Y0 + 0.5)
    assert store.read_layer("communities", bbox=bbox).empty
    with store.engine.begin() as conn:
        spatial.rebuild_sqlite(conn, ["communities"])
    assert set(store.read_layer("communities", bbox=bbox)["code"]) == _brute(_communities(), bbox)


@settings(max_examples=200, deadline=None)
@given(
    bounds=st.tuples(st.floats(-179, 179), st.floats(-89, 89), st.floats(0, 5), st.floats(0, 5)),
    query=st.tuples(st.floats(-179, 179), st.floats(-89, 89), st.floats(0, 5), st.floats(0, 5)),
)
def test_the_vectorised_keys_of_bulk_writes_are_found_too(bounds, query):
    fx, fy, fw, fh = bounds
    qx, qy, qw, qh = query
    feature = (fx, fy, min(fx + fw, 180), min(fy + fh, 90))
    box = (qx, qy, min(qx + qw, 180), min(qy + qh, 90))
    meets = (feature[0] <= box[2] and feature[2] >= box[0]
             and feature[1] <= box[3] and feature[3] >= box[1])  # fmt: skip
    key = int(spatial.cell_keys(np.array([feature]))[0])
    assert any(lo <= key <= hi for lo, hi in spatial._key_ranges(*box)) or not meets


def test_a_bulk_write_keeps_the_row_trigger_for_later_writes(make_store):
    store = make_store("sqlite")
    store.write_layer("communities", _communities(), source_crs="wgs84", username="t")
    with store.engine.connect() as conn:
        names = set(conn.execute(text("SELECT name FROM sqlite_master")).scalars())
        indexed = conn.execute(text('SELECT count(*) FROM "sidx_communities"')).scalar()
    assert "sidx_communities_insert" in names and indexed == len(_communities())
    row_id = store.insert("communities", {"code": "NEW", "name": "新社区",
                                          "geom": shapely.box(160, 20, 160.01, 20.01)},
                          username="t")  # fmt: skip
    found = store.read_layer("communities", bbox=(159.9, 19.9, 160.1, 20.1))
    assert list(found["id"]) == [row_id]


def test_a_bulk_write_indexes_exactly_what_a_rebuild_would(make_store):
    """The bulk path keys rows from the bounds in memory: the same rows, the same cells."""
    store = make_store("sqlite")
    store.insert("communities", {"code": "OLD", "name": "旧社区",
                                 "geom": shapely.box(121, 31, 121.01, 31.01)},
                 username="t")  # fmt: skip  (an id before the bulk write)
    store.write_layer("communities", _communities(), source_crs="wgs84", username="t")
    store.write_layer("boards", _boards(n=50), source_crs="wgs84", username="t")
    more = _boards(seed=3, n=70)
    more["code"] = [f"M{i:05d}" for i in range(70)]
    store.write_layer("boards", more, source_crs="wgs84", username="t")

    def side(table: str) -> list[tuple[int, int]]:
        with store.engine.connect() as conn:
            return conn.execute(text(f'SELECT id, cell FROM "{table}" ORDER BY id')).all()

    written = {t: side(t) for t in ("sidx_communities", "sidx_points")}
    assert len(written["sidx_communities"]) == len(_communities()) + 1
    assert len(written["sidx_points"]) == 120
    with store.engine.begin() as conn:
        spatial.rebuild_sqlite(conn, ["communities", "points"])
    assert {t: side(t) for t in written} == written
