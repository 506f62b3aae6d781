"""Tests of gridmap.store on SQLite and PostGIS (the ``store`` fixture runs each on both)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Point, box

from gridmap.errors import ConflictError, CRSError, InputError, NotFound, StoreError
from gridmap.model import LAYERS, POINT_KINDS
from gridmap.store import Store, default_url, open_store, schema

C1, C2 = "330102001001", "330102001002"
G1, G2, G3 = C1 + "001", C1 + "002", C2 + "001"
UTC = dt.UTC


def _frame(layer: str, rows: list[dict[str, Any]], geoms: list[Any] | None = None) -> pd.DataFrame:
    """A canonical frame of ``layer``: every LAYERS column, in order, missing ones empty."""
    columns = [c.name for c in LAYERS[layer].columns]
    data = {name: [row.get(name) for row in rows] for name in columns}
    if geoms is None:
        return pd.DataFrame(data, columns=columns)
    return gpd.GeoDataFrame(data, columns=columns, geometry=geoms, crs="EPSG:4326")


def sample_frames() -> dict[str, pd.DataFrame]:
    """Tiny hand-made layers near Hangzhou (120.15, 30.25), in writing order."""
    return {
        "communities": _frame(
            "communities",
            [
                {
                    "code": C1,
                    "name": "清波社区",
                    "street": "清波街道",
                    "households": 1200,
                    "residents": 3100,
                },
                {
                    "code": C2,
                    "name": "柳翠井巷社区",
                    "street": "清波街道",
                    "households": None,
                    "residents": None,
                },
            ],
            [box(120.15, 30.25, 120.16, 30.26), box(120.16, 30.25, 120.17, 30.26)],
        ),
        "grids": _frame(
            "grids",
            [
                {
                    "code": G1,
                    "community": C1,
                    "name": "一网格",
                    "households": 400,
                    "residents": 1000,
                },
                {"code": G2, "community": C1, "name": "二网格", "households": 800},
                {"code": G3, "community": C2},
            ],
            [
                box(120.15, 30.25, 120.155, 30.26),
                box(120.155, 30.25, 120.16, 30.26),
                box(120.16, 30.25, 120.17, 30.26),
            ],
        ),
        "workers": _frame(
            "workers",
            [
                {"code": "W0001", "name": "张三", "phone": "13800000001", "notes": "组长"},
                {"code": "W0002", "name": "李四", "phone": "13800000002"},
                {"name": "王五"},  # code generated: W0003
            ],
        ),
        "assignments": _frame(
            "assignments",
            [
                {
                    "grid": G1,
                    "worker": "W0001",
                    "role": "grid_head",
                    "valid_from": dt.date(2024, 1, 1),
                    "valid_to": dt.date(2024, 6, 30),
                },
                {
                    "grid": G1,
                    "worker": "W0002",
                    "role": "grid_head",
                    "valid_from": dt.date(2024, 7, 1),
                    "valid_to": None,
                },
                {
                    "grid": G1,
                    "worker": "王五",
                    "role": "full_time",
                    "valid_from": dt.date(2024, 1, 1),
                    "valid_to": None,
                },
                {
                    "grid": G3,
                    "worker": "W0001",
                    "role": "volunteer",
                    "valid_from": dt.date(2024, 3, 1),
                    "valid_to": None,
                },
            ],
        ),
        "compounds": _frame(
            "compounds",
            [
                {
                    "code": "XQ01",
                    "name": "阳光小区",
                    "community": C1,
                    "households": 300,
                    "enclosed": True,
                },
                {"name": "老街片区", "community": C2, "enclosed": False},
            ],
            [box(120.151, 30.251, 120.153, 30.253), box(120.161, 30.251, 120.163, 30.253)],
        ),
        "entrances": _frame(
            "entrances",
            [
                {
                    "name": "南门",
                    "of": "compound",
                    "compound": "阳光小区",
                    "community": C1,
                    "pedestrian": True,
                },
                {"name": "社区东口", "of": "community", "community": C2, "pedestrian": False},
            ],
            [Point(120.152, 30.251), Point(120.17, 30.255)],
        ),
        "buildings": _frame(
            "buildings",
            [
                {
                    "code": "1",
                    "name": "1幢",
                    "households": 60,
                    "residents": 150,
                    "compound": "阳光小区",
                    "residential": True,
                    "floors": 6,
                },
                {"code": "2", "name": "社区服务中心", "households": 0, "residential": False},
            ],
            [box(120.1512, 30.2512, 120.1515, 30.2515), Point(120.162, 30.252)],
        ),
        "roads": _frame(
            "roads",
            [
                {"name": "河坊街", "road_class": "main_commercial", "owner": G1},
                {"road_class": "lane"},
            ],
            [
                LineString([(120.15, 30.2505), (120.17, 30.2505)]),
                LineString([(120.158, 30.25), (120.158, 30.26)]),
            ],
        ),
        "schools": _frame(
            "schools",
            [{"name": "清波小学", "level": "primary"}],
            [box(120.156, 30.256, 120.158, 30.258)],
        ),
        "internet_cafes": _frame(
            "internet_cafes",
            [{"name": "星际网咖", "address": "河坊街1号"}],
            [Point(120.1585, 30.2585)],
        ),
        "service_centres": _frame(
            "service_centres",
            [{"code": "FW01", "name": "清波社区党群服务中心", "community": C1}],
            [box(120.1521, 30.2521, 120.1524, 30.2524)],
        ),
        "hoardings": _frame(
            "hoardings",
            [
                {
                    "code": "WD01",
                    "name": "清波路项目",
                    "length_m": 120.5,
                    "panels": 40,
                    "public_ad_panels": 12,
                    "public_ad_length_m": 36.0,
                }
            ],
            [LineString([(120.1531, 30.2531), (120.1541, 30.2531)])],
        ),
        "boards": _frame(
            "boards",
            [
                {
                    "code": "B0000007",
                    "name": "核心价值观宣传栏",
                    "board_type": "publicity",
                    "theme": "核心价值观",
                    "fixed": True,
                    "outdoor": False,
                    "panels": 4,
                    "status": "active",
                    "last_inspected": dt.date(2024, 5, 1),
                },
                {
                    "board_type": "reminder",
                    "fixed": False,
                    "outdoor": True,
                    "panels": 1,
                    "status": "damaged",
                },  # code generated after B0000007: B0000008
            ],
            [Point(120.152, 30.252), Point(120.157, 30.2505)],
        ),
        "fitness": _frame(
            "fitness",
            [
                {
                    "code": "F1",
                    "name": "漫步机",
                    "equipment_type": "walker",
                    "installed": dt.date(2019, 9, 1),
                    "condition": "fair",
                    "status": "active",
                    "last_inspected": dt.date(2024, 4, 2),
                }
            ],
            [Point(120.1525, 30.2525)],
        ),
        "bins": _frame(
            "bins",
            [
                {
                    "code": "X1",
                    "bin_type": "collection_point",
                    "category": "mixed",
                    "capacity_l": 660.0,
                    "status": "active",
                },
                {
                    "bin_type": "street_bin",
                    "category": "other",
                    "capacity_l": None,
                    "status": "active",
                },
            ],
            [Point(120.1522, 30.2522), Point(120.163, 30.2505)],
        ),
        "issues": _frame(
            "issues",
            [
                {
                    "code": "E2024001",
                    "category": "暴露垃圾",
                    "subcategory": "垃圾满溢",
                    "description": "垃圾桶满溢",
                    "reporter": "张三",
                    "status": "reported",
                    "reported_at": dt.datetime(2024, 5, 1, 1, 30, tzinfo=UTC),
                    "deadline": dt.datetime(2024, 5, 1, 5, 30, tzinfo=UTC),
                },
                {
                    "category": "乱停车",
                    "status": "dispatched",
                    "reported_at": dt.datetime(2024, 5, 2, 8, 0, tzinfo=UTC),
                },
            ],
            [Point(120.1523, 30.2523), None],
        ),
        "maintenance": _frame(
            "maintenance",
            [
                {
                    "point": "B0000007",
                    "date": dt.date(2024, 5, 1),
                    "action": "inspected",
                    "condition": "good",
                    "note": "完好",
                    "by": "张三",
                },
                {"point": "F1", "date": dt.date(2024, 4, 2), "action": "repaired"},
            ],
        ),
    }


def write_all(store: Store, frames: dict[str, pd.DataFrame]) -> None:
    for layer, frame in frames.items():
        assert store.write_layer(
            layer, frame, source_crs="gcj02", username="tester", file=f"{layer}.geojson"
        ) == len(frame)


def _plain(value: Any) -> Any:
    """A comparable Python value: missing -> None, numpy scalars -> Python."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, np.generic):
        return _plain(value.item())
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def _column(frame: pd.DataFrame, name: str) -> list[Any]:
    return [_plain(v) for v in frame[name].tolist()]


def _expected(layer: str, frame: pd.DataFrame, name: str) -> list[Any]:
    column = LAYERS[layer].column(name)
    values = _column(frame, name)
    if column.default is not None and not column.required:
        values = [column.default if v is None else v for v in values]
    return values


# --------------------------------------------------------------------------- schema


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgis", marks=pytest.mark.postgis)])
def test_upgrade_from_empty_creates_every_table(make_store, backend):
    store = make_store(backend, upgrade=False)
    assert store.schema_version() is None
    assert store.is_empty()
    assert store.needs_upgrade()
    store.upgrade()
    head = store.head_version()
    assert head
    assert store.schema_version() == head
    assert not store.needs_upgrade()
    store.upgrade()  # idempotent
    assert store.is_empty()
    counts = store.counts()
    assert set(counts) == {*LAYERS, "users"}
    assert set(counts.values()) == {0}


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgis", marks=pytest.mark.postgis)])
def test_an_older_store_is_upgraded_with_its_data(make_store, backend):
    store = make_store(backend, upgrade=False)
    store.upgrade(revision="0001")
    assert store.schema_version() == "0001"
    communities = sample_frames()["communities"]
    store.write_layer("communities", communities, source_crs="wgs84", username="t")
    store.upgrade()
    assert store.schema_version() == store.head_version()
    assert _column(store.read_layer("communities"), "code") == [C1, C2]


def test_store_without_schema_gives_a_store_error(make_store):
    store = make_store("sqlite", upgrade=False)
    with pytest.raises(StoreError, match="gridmap init"):
        store.read_layer("grids")


def test_migrated_schema_matches_schema_module(store):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import Column, Integer, MetaData, Table

    def diffs(metadata: MetaData) -> list[Any]:
        with store.engine.connect() as conn:
            context = MigrationContext.configure(
                conn,
                opts={
                    "include_object": schema.include_object_for(store.dialect),
                    "compare_type": True,
                },
            )
            return compare_metadata(context, metadata)

    assert diffs(schema.metadata) == []
    # the comparison does see differences
    changed = MetaData(naming_convention=schema.NAMING_CONVENTION)
    for table in schema.metadata.sorted_tables:
        table.to_metadata(changed)
    Table("not_migrated", changed, Column("id", Integer, primary_key=True))
    changed.tables["grids"].append_column(Column("extra", Integer))
    found = {d[0] if isinstance(d, tuple) else d[0][0] for d in diffs(changed)}
    assert {"add_table", "add_column"} <= found


@pytest.mark.postgis
def test_postgis_columns_and_gist_indexes(make_store):
    from sqlalchemy import text

    store = make_store("postgis")
    with store.engine.connect() as conn:
        geom_type = conn.execute(
            text(
                "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                "WHERE attrelid = 'grids'::regclass AND attname = 'geom'"
            )
        ).scalar()
        gist = set(
            conn.execute(
                text("SELECT indexname FROM pg_indexes WHERE indexdef ILIKE '%USING gist%'")
            ).scalars()
        )
    assert geom_type == "geometry(Geometry,4326)"
    assert {f"ix_{t.name}_geom" for t in schema.GEOMETRY_TABLES} == gist


# --------------------------------------------------------------------------- layers


def test_empty_layers_have_their_columns(store):
    for layer, spec in LAYERS.items():
        frame = store.read_layer(layer)
        assert len(frame) == 0, layer
        assert {"id", *(c.name for c in spec.columns)} <= set(frame.columns), layer
        if spec.geometry is None:
            assert not isinstance(frame, gpd.GeoDataFrame), layer
        else:
            assert isinstance(frame, gpd.GeoDataFrame), layer
            assert frame.crs.to_epsg() == 4326, layer
            assert "source_crs" in frame.columns, layer


def test_round_trip_of_every_layer(store):
    frames = sample_frames()
    assert set(frames) == set(LAYERS)
    write_all(store, frames)
    for layer, frame in frames.items():
        spec = LAYERS[layer]
        back = store.read_layer(layer)
        assert len(back) == len(frame), layer
        assert list(back.columns[: len(spec.columns) + 1]) == [
            "id",
            *(c.name for c in spec.columns),
        ]
        assert back["id"].is_unique, layer
        for column in spec.columns:
            got = _column(back, column.name)
            if column.name == "code" and layer in ("workers", *POINT_KINDS):
                given = _column(frame, "code")
                assert [g for g, w in zip(got, given, strict=True) if w is not None] == [
                    w for w in given if w is not None
                ], layer
                continue
            expected = _expected(layer, frame, column.name)
            if (layer, column.name) == ("assignments", "worker"):
                expected = ["W0003" if w == "王五" else w for w in expected]  # name -> code
            assert got == expected, (layer, column.name)
        if spec.geometry is not None:
            assert back.crs.to_epsg() == 4326, layer
            assert set(back["source_crs"]) == {"gcj02"}, layer
            for a, b in zip(back.geometry, frame.geometry, strict=True):
                assert (a is None and b is None) or shapely.equals_exact(a, b, 0), layer
        if "version" in back.columns:
            assert set(back["version"]) == {1}, layer
    # generated codes
    assert _column(store.read_layer("workers"), "code") == ["W0001", "W0002", "W0003"]
    assert _column(store.read_layer("boards"), "code") == ["B0000007", "B0000008"]
    # numbering continues after the file's own X1
    assert _column(store.read_layer("bins"), "code") == ["X1", "X0000002"]
    counts = store.counts()
    assert counts == {**{k: len(v) for k, v in frames.items()}, "users": 0}


def test_references_are_stored_as_foreign_keys(store):
    write_all(store, sample_frames())
    grids = store.read_layer("grids").set_index("code")
    communities = store.read_layer("communities").set_index("code")
    row = store.get("grids", int(grids.loc[G3, "id"]))
    assert row["community_id"] == communities.loc[C2, "id"]
    assert isinstance(row["geom"], shapely.Polygon)
    assignment = store.read_layer("assignments").iloc[2]
    assert (assignment["grid"], assignment["worker"]) == (G1, "W0003")  # resolved by name
    entrance = store.get("entrances", int(store.read_layer("entrances")["id"].iloc[0]))
    compound_id = int(store.read_layer("compounds").set_index("name").loc["阳光小区", "id"])
    assert entrance["compound_id"] == compound_id
    community = store.get("communities", int(communities.loc[C1, "id"]))
    street = store.get("streets", community["street_id"])
    assert (street["name"], street["code"]) == ("清波街道", "330102001")
    assert (
        community["street_id"]
        == store.get("communities", int(communities.loc[C2, "id"]))["street_id"]
    )


def test_point_attributes_live_in_attrs(store):
    write_all(store, sample_frames())
    board = store.read_layer("boards").iloc[0]
    row = store.get("points", int(board["id"]))
    assert row["kind"] == "board"
    assert row["subtype"] == "publicity"
    assert row["attrs"] == {"theme": "核心价值观", "fixed": True, "outdoor": False, "panels": 4}
    fitness = store.read_layer("fitness").iloc[0]
    assert fitness["installed"] == dt.date(2019, 9, 1)


@pytest.mark.parametrize(
    ("layer", "bad_row", "change", "message"),
    [
        ("grids", 2, {"community": "999999999999"}, "unknown community"),
        ("assignments", 3, {"grid": "nope"}, "unknown grid"),
        ("assignments", 1, {"worker": "赵六"}, "unknown worker"),
        ("maintenance", 2, {"point": "B404"}, "unknown point"),
        ("entrances", 1, {"compound": "无名小区"}, "unknown compound"),
    ],
)
def test_unknown_reference_names_the_row_and_changes_nothing(
    store, layer, bad_row, change, message
):
    frames = sample_frames()
    order = list(frames)
    write_all(store, {k: frames[k] for k in order[: order.index(layer)]})
    before = store.counts()
    audit_before = len(store.read_audit(limit=10_000))
    frame = frames[layer].copy()
    for column, value in change.items():
        frame.loc[bad_row - 1, column] = value
    with pytest.raises(InputError, match=message) as info:
        store.write_layer(layer, frame, source_crs="wgs84", username="t", file="bad.csv")
    assert info.value.row == bad_row
    assert info.value.file == "bad.csv"
    assert store.counts() == before
    assert len(store.read_audit(limit=10_000)) == audit_before


def test_duplicate_keys_are_refused(store):
    frames = sample_frames()
    store.write_layer("communities", frames["communities"], source_crs="wgs84", username="t")
    with pytest.raises(InputError, match="already in the store") as info:
        store.write_layer(
            "communities", frames["communities"].iloc[::-1], source_crs="wgs84", username="t"
        )
    assert info.value.row == 1
    store.write_layer("grids", frames["grids"], source_crs="wgs84", username="t")
    twice = pd.concat([frames["boards"].iloc[:1], frames["boards"].iloc[:1]], ignore_index=True)
    with pytest.raises(InputError, match="more than once") as info:
        store.write_layer("boards", twice, source_crs="wgs84", username="t")
    assert info.value.row == 2
    # a point code is unique across kinds
    store.write_layer("boards", frames["boards"], source_crs="wgs84", username="t")
    clash = frames["bins"].copy()
    clash.loc[1, "code"] = "B0000007"
    with pytest.raises(InputError, match="B0000007") as info:
        store.write_layer("bins", clash, source_crs="wgs84", username="t")
    assert info.value.row == 2
    assert store.counts()["bins"] == 0


def test_bad_values_are_refused_with_their_row(store):
    frames = sample_frames()
    write_all(store, {k: frames[k] for k in ("communities",)})
    grids = frames["grids"].copy()
    grids["households"] = grids["households"].astype(object)
    grids.loc[2, "households"] = "many"
    with pytest.raises(InputError, match="households") as info:
        store.write_layer("grids", grids, source_crs="wgs84", username="t")
    assert info.value.row == 3
    grids = frames["grids"].copy()
    grids.loc[1, "code"] = None
    with pytest.raises(InputError, match="code") as info:
        store.write_layer("grids", grids, source_crs="wgs84", username="t")
    assert info.value.row == 2
    roads = frames["roads"].copy()
    roads.loc[1, "road_class"] = "motorway"
    with pytest.raises(InputError, match="road_class") as info:
        store.write_layer("roads", roads, source_crs="wgs84", username="t")
    assert info.value.row == 2
    no_geometry = frames["schools"].copy()
    no_geometry.loc[0, "geometry"] = None
    with pytest.raises(InputError, match="geometry") as info:
        store.write_layer("schools", no_geometry, source_crs="wgs84", username="t")
    assert info.value.row == 1
    assert store.counts()["grids"] == store.counts()["roads"] == 0


def test_aliases_of_enum_values_are_stored_canonical(store):
    frames = sample_frames()
    write_all(store, {k: frames[k] for k in ("communities", "grids", "workers")})
    assignments = frames["assignments"].copy()
    assignments["role"] = ["网格长", "网格长", "专职网格员", "志愿者"]
    store.write_layer("assignments", assignments, source_crs="-", username="t")
    assert store.read_layer("assignments")["role"].tolist() == [
        "grid_head",
        "grid_head",
        "full_time",
        "volunteer",
    ]


def test_nullable_pandas_dtypes_and_text_numbers(make_store):
    store = make_store("sqlite")
    frames = sample_frames()
    communities = frames["communities"].copy()
    communities["code"] = [int(C1), int(C2)]  # codes read as numbers from a spreadsheet
    communities["households"] = pd.array([1200, None], dtype="Int64")
    communities["residents"] = pd.array([None, 7.0], dtype="Float64")
    store.write_layer("communities", communities, source_crs="wgs84", username="t")
    compounds = frames["compounds"].copy()
    compounds["enclosed"] = pd.array([None, False], dtype="boolean")
    compounds["households"] = ["300", None]
    store.write_layer("compounds", compounds, source_crs="wgs84", username="t")
    back = store.read_layer("communities")
    assert _column(back, "code") == [C1, C2]
    assert _column(back, "households") == [1200, None]
    assert _column(back, "residents") == [None, 7]
    back = store.read_layer("compounds")
    assert _column(back, "enclosed") == [True, False]  # empty -> the column default
    assert _column(back, "households") == [300, None]


def test_projected_frames_are_refused(store):
    frame = sample_frames()["schools"].to_crs(3857)
    with pytest.raises(CRSError, match="EPSG:4326"):
        store.write_layer("schools", frame, source_crs="EPSG:3857", username="t")


def test_replace_deletes_the_layer_first(store):
    frames = sample_frames()
    write_all(store, frames)
    new_bins = frames["bins"].iloc[:1].copy()
    new_bins["code"] = ["X9"]
    assert store.write_layer("bins", new_bins, source_crs="wgs84", username="t", replace=True) == 1
    assert _column(store.read_layer("bins"), "code") == ["X9"]
    assert store.counts()["boards"] == 2  # other point kinds untouched
    # grids are referenced by assignments: refused, nothing changed
    before = store.counts()
    with pytest.raises(InputError, match="assignments"):
        store.write_layer("grids", frames["grids"], source_crs="wgs84", username="t", replace=True)
    assert store.counts() == before
    # boards are referenced by maintenance
    with pytest.raises(InputError, match="maintenance"):
        store.write_layer(
            "boards", frames["boards"], source_crs="wgs84", username="t", replace=True
        )
    assert store.counts() == before
    sources = store.read_audit(table="points")
    assert "replacing 2 rows" in sources["note"].iloc[0]


def test_import_writes_layer_source_and_audit(store):
    from sqlalchemy import select

    frames = sample_frames()
    store.write_layer(
        "communities",
        frames["communities"],
        source_crs="gcj02",
        username="planner1",
        file="c.geojson",
    )
    audit = store.read_audit()
    assert audit["action"].tolist() == ["import"]
    assert audit["username"].iloc[0] == "planner1"
    assert "c.geojson" in audit["note"].iloc[0]
    assert "2 rows" in audit["note"].iloc[0]
    assert audit["at"].iloc[0].tzinfo is not None
    with store.engine.connect() as conn:
        sources = conn.execute(select(schema.layer_sources)).mappings().all()
    assert [
        (s["layer"], s["file"], s["source_crs"], s["rows"], s["username"]) for s in sources
    ] == [("communities", "c.geojson", "gcj02", 2, "planner1")]


# --------------------------------------------------------------------------- rows


def test_insert_update_delete_are_audited(store):
    write_all(store, {k: v for k, v in sample_frames().items() if k in ("communities",)})
    community_id = int(store.read_layer("communities")["id"].iloc[0])
    grid_id = store.insert(
        "grids",
        {"code": G1, "community_id": community_id, "name": "一网格", "geom": box(0, 0, 1, 1)},
        username="planner1",
    )
    row = store.get("grids", grid_id)
    assert row["version"] == 1
    assert row["locked"] is False
    assert row["created_at"].tzinfo is not None
    new_version = store.update(
        "grids", grid_id, {"name": "第一网格"}, version=1, username="planner2"
    )
    assert new_version == 2
    assert store.get("grids", grid_id)["name"] == "第一网格"
    audit = store.read_audit(table="grids", row_id=grid_id)
    assert audit["action"].tolist() == ["update", "insert"]
    update_row, insert_row = audit.iloc[0], audit.iloc[1]
    assert update_row["username"] == "planner2"
    assert update_row["before"]["name"] == "一网格"
    assert update_row["after"]["name"] == "第一网格"
    assert update_row["after"]["version"] == 2
    assert insert_row["before"] is None
    assert insert_row["after"]["geom"].startswith("POLYGON")
    assert insert_row["after"]["code"] == G1
    store.delete("grids", grid_id, version=2, username="planner1")
    with pytest.raises(NotFound):
        store.get("grids", grid_id)
    assert store.read_audit(table="grids", row_id=grid_id)["action"].iloc[0] == "delete"


def test_stale_version_is_a_conflict_and_changes_nothing(store):
    write_all(store, {k: v for k, v in sample_frames().items() if k in ("communities", "grids")})
    grid_id = int(store.read_layer("grids")["id"].iloc[0])
    store.update("grids", grid_id, {"name": "A"}, version=1, username="first")
    with pytest.raises(ConflictError, match="someone else") as info:
        store.update(
            "grids", grid_id, {"name": "B", "geom": box(0, 0, 1, 1)}, version=1, username="second"
        )
    assert info.value.current_version == 2
    row = store.get("grids", grid_id)
    assert (row["name"], row["version"]) == ("A", 2)
    assert shapely.equals(row["geom"], box(120.15, 30.25, 120.155, 30.26))
    with pytest.raises(ConflictError):
        store.delete("grids", grid_id, version=1, username="second")
    audit = store.read_audit(table="grids")
    assert audit.loc[audit["action"] != "import", "username"].tolist() == ["first"]


def test_missing_rows_and_bad_tables(store):
    with pytest.raises(NotFound):
        store.update("grids", 12345, {"name": "x"}, version=1, username="t")
    with pytest.raises(NotFound):
        store.delete("grids", 12345, version=1, username="t")
    with pytest.raises(InputError, match="no column"):
        store.insert("workers", {"name": "x", "salary": 1}, username="t")
    with pytest.raises(InputError, match="unknown table"):
        store.get("nope", 1)
    with pytest.raises(InputError, match="append-only"):
        store.update("maintenance", 1, {"note": "x"}, version=1, username="t")


def test_insert_refuses_duplicates_and_dangling_references(store):
    store.insert("workers", {"code": "W0001", "name": "张三"}, username="t")
    with pytest.raises(InputError, match="already in the store"):
        store.insert("workers", {"code": "W0001", "name": "又一个"}, username="t")
    with pytest.raises(InputError):
        store.insert(
            "grids", {"code": G1, "community_id": 999, "geom": box(0, 0, 1, 1)}, username="t"
        )
    assert store.insert("workers", {"name": "李四"}, username="t")
    assert sorted(_column(store.read_layer("workers"), "code")) == ["W0001", "W0002"]
    assert store.counts()["grids"] == 0


def test_delete_refuses_referenced_rows(store):
    write_all(store, sample_frames())
    worker = store.read_layer("workers").iloc[0]
    with pytest.raises(InputError, match="assignments"):
        store.delete("workers", int(worker["id"]), version=1, username="t")
    assert store.counts()["workers"] == 3


def test_transaction_rolls_back_every_write(store):
    with pytest.raises(InputError), store.transaction() as conn:
        store.insert("workers", {"code": "W0100", "name": "甲"}, username="t", conn=conn)
        store.insert("workers", {"code": "W0100", "name": "乙"}, username="t", conn=conn)
    assert store.counts()["workers"] == 0
    assert store.read_audit().empty


def test_users_password_hash_never_reaches_the_audit(store):
    user_id = store.insert(
        "users",
        {"username": "admin", "password_hash": "$argon2$secret", "role": "admin", "scope": None},
        username="system",
    )
    store.update("users", user_id, {"scope": [C1]}, version=1, username="system")
    assert store.get("users", user_id)["scope"] == [C1]
    audit = store.read_audit(table="users")
    assert "secret" not in str(audit.to_dict())
    assert store.find_user("admin")["id"] == user_id
    assert store.find_user("nobody") is None
    assert store.add_failed_login(user_id) == 1
    store.add_failed_login(user_id, lock_until=dt.datetime(2030, 1, 1, tzinfo=UTC))
    row = store.find_user("admin")
    assert (row["failed_logins"], row["version"]) == (2, 2)
    assert row["locked_until"] == dt.datetime(2030, 1, 1, tzinfo=UTC)
    store.clear_failed_logins(user_id)
    row = store.find_user("admin")
    assert (row["failed_logins"], row["locked_until"]) == (0, None)
    assert row["last_login"] is not None
    assert store.counts()["users"] == 1


def test_list_users_leaves_out_password_hashes(store):
    assert store.list_users() == []
    for name, role in (("zoe", "viewer"), ("amy", "admin")):
        store.insert(
            "users",
            {"username": name, "password_hash": "$argon2$secret", "role": role, "scope": [C1]},
            username="system",
        )
    rows = store.list_users()
    assert [r["username"] for r in rows] == ["amy", "zoe"]
    assert [r["scope"] for r in rows] == [[C1], [C1]]
    assert all("password_hash" not in r for r in rows)
    assert "secret" not in str(rows)


def test_retired_points_and_inactive_workers_are_hidden_by_default(store):
    frames = sample_frames()
    write_all(store, frames)
    board = store.read_layer("boards").iloc[1]
    store.update(
        "points",
        int(board["id"]),
        {"status": "retired", "retired_at": dt.datetime.now(UTC)},
        version=int(board["version"]),
        username="t",
    )
    assert _column(store.read_layer("boards"), "code") == ["B0000007"]
    assert len(store.read_layer("boards", include_retired=True)) == 2
    worker = store.read_layer("workers").iloc[0]
    store.update("workers", int(worker["id"]), {"active": False}, version=1, username="t")
    assert len(store.read_layer("workers")) == 2
    assert len(store.read_layer("workers", include_retired=True)) == 3


# --------------------------------------------------------------------------- history


def test_who_had_a_grid_on_a_date(store):
    write_all(store, sample_frames())
    on_march = store.read_layer("assignments", as_of=dt.date(2024, 3, 1))
    assert sorted(on_march.loc[on_march["grid"] == G1, "worker"]) == ["W0001", "W0003"]
    assert len(store.read_layer("assignments", as_of=dt.date(2023, 12, 31))) == 0
    assert len(store.read_layer("assignments")) == 4
    on_june_30 = store.workers_of(G1, on=dt.date(2024, 6, 30))
    assert [(w["code"], w["role"]) for w in on_june_30] == [
        ("W0001", "grid_head"),
        ("W0003", "full_time"),
    ]
    assert on_june_30[0]["name"] == "张三"
    assert on_june_30[0]["phone"] == "13800000001"
    on_july_1 = store.workers_of(G1, on=dt.date(2024, 7, 1))
    assert [w["name"] for w in on_july_1] == ["李四", "王五"]
    assert store.workers_of(G2) == []
    with pytest.raises(NotFound):
        store.workers_of("000")


# --------------------------------------------------------------------------- meta, URLs


def test_meta_settings(store):
    assert store.get_meta("street") is None
    assert store.get_meta("street", "x") == "x"
    store.set_meta("street", "清波街道")
    store.set_meta("street", "湖滨街道")
    assert store.get_meta("street") == "湖滨街道"


def test_safe_url_hides_the_password():
    with pytest.raises(StoreError) as info:
        Store("postgresql+psycopg://gm:s3cret@127.0.0.1:1/gridmap")
    assert "s3cret" not in str(info.value)
    assert "127.0.0.1" in str(info.value)


@pytest.mark.postgis
def test_safe_url_and_dialect_on_postgis(make_store):
    store = make_store("postgis")
    assert store.dialect == "postgresql"
    assert store.safe_url.startswith("postgresql+psycopg://postgres@127.0.0.1")


def test_unreachable_postgres_is_a_store_error():
    with pytest.raises(StoreError, match="cannot use the database"):
        Store("postgresql+psycopg://postgres@127.0.0.1:1/postgres")


@pytest.mark.parametrize("url", ["not a url", "mysql://u@localhost/db", ""])
def test_invalid_urls_are_store_errors(url, monkeypatch):
    monkeypatch.setenv("GRIDMAP_DB", "also not a url")
    with pytest.raises(StoreError):
        Store(url)


def test_sqlite_in_a_missing_or_readonly_folder_is_a_store_error(tmp_path):
    with pytest.raises(StoreError, match="folder exists and is writable"):
        Store(f"sqlite:///{(tmp_path / 'missing' / 'deeper' / 'x.sqlite').as_posix()}")
    with pytest.raises(StoreError):
        open_store("sqlite:////proc/gridmap-nonexistent/x.sqlite")


def test_sqlite_store_settings(make_store):
    from sqlalchemy import text

    store = make_store("sqlite")
    assert store.dialect == "sqlite"
    assert store.url == store.safe_url
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() > 0


def test_default_url(monkeypatch, tmp_path):
    monkeypatch.setenv("GRIDMAP_DB", "postgresql+psycopg://u@h/db")
    assert default_url() == "postgresql+psycopg://u@h/db"
    monkeypatch.delenv("GRIDMAP_DB")
    import platformdirs

    folder = tmp_path / "data" / "gridmap"
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda *a, **k: str(folder))
    url = default_url()
    assert url == f"sqlite:///{(folder / 'gridmap.sqlite').as_posix()}"
    assert folder.is_dir()
    with open_store() as store:
        assert store.schema_version() == store.head_version()


# --------------------------------------------------------------------------- geometry


def test_geometry_round_trips_exactly(make_store):
    store = make_store("sqlite")
    coordinate = st.tuples(
        st.floats(73.0, 135.0, allow_nan=False), st.floats(18.0, 54.0, allow_nan=False)
    )

    @settings(
        max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(st.lists(coordinate, min_size=1, max_size=20))
    def check(points: list[tuple[float, float]]) -> None:
        frame = gpd.GeoDataFrame(
            {"name": [f"c{i}" for i in range(len(points))]},
            geometry=[Point(x, y) for x, y in points],
            crs="EPSG:4326",
        )
        store.write_layer("internet_cafes", frame, source_crs="wgs84", username="t", replace=True)
        back = store.read_layer("internet_cafes")
        assert [(g.x, g.y) for g in back.geometry] == points

    check()


def test_z_coordinates_are_dropped(store):
    frame = gpd.GeoDataFrame(
        {"name": ["z"]}, geometry=[Point(120.15, 30.25, 12.0)], crs="EPSG:4326"
    )
    store.write_layer("internet_cafes", frame, source_crs="wgs84", username="t")
    point = store.read_layer("internet_cafes").geometry.iloc[0]
    assert not point.has_z
    assert (point.x, point.y) == (120.15, 30.25)


def test_the_lock_is_decided_by_the_counting_update(store):
    """Two processes that both read 'one failure so far' still lock on the second."""
    import datetime as dt

    from gridmap import auth

    auth.create_user(store, "racer", "long-enough-pw")
    user_id = store.find_user("racer")["id"]
    until = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    store.add_failed_login(user_id, lock_until=until, lock_after=2)
    assert store.find_user("racer")["locked_until"] is None
    assert store.add_failed_login(user_id, lock_until=until, lock_after=2) == 2
    row = store.find_user("racer")
    assert row["failed_logins"] == 2
    assert row["locked_until"].replace(tzinfo=dt.UTC) == until
