"""GeoPackage and GeoJSON exports read back with pyogrio, in WGS-84 and GCJ-02."""

from __future__ import annotations

import io
import json
import re
import zipfile

import numpy as np
import pyogrio
import pytest
import shapely

from gridmap.auth import User
from gridmap.crs import wgs84_to_gcj02
from gridmap.errors import InputError, PermissionDenied
from gridmap.export import export_geojson, export_gpkg
from gridmap.model import LAYERS, UserRole

FULL_PHONE = re.compile(r"^1\d{10}$")


def viewer(scope=None) -> User:
    return User("viewer", UserRole.VIEWER, scope)


def test_geopackage_has_every_layer_with_store_row_counts(demo_store, tmp_path):
    path = tmp_path / "street.gpkg"
    result = export_gpkg(demo_store, path, user=viewer())
    layers = {name: kind for name, kind in pyogrio.list_layers(path)}
    assert set(layers) == set(LAYERS)
    assert layers["grids"] == "Polygon" and layers["boards"] == "Point"
    assert layers["workers"] is None  # attribute-only table
    total = 0
    for name in LAYERS:
        stored = demo_store.read_layer(name)
        info = pyogrio.read_info(path, layer=name)
        assert info["features"] == len(stored), name
        total += len(stored)
        if LAYERS[name].geometry is not None:
            assert pyogrio.read_info(path, layer=name)["crs"] == "EPSG:4326"
    assert result.rows == total
    audit = demo_store.read_audit(limit=1).iloc[0]
    assert audit["after"]["what"] == "gpkg" and audit["after"]["crs"] == "wgs84"


def test_geopackage_attributes_are_readable_chinese(demo_store, tmp_path):
    path = tmp_path / "street.gpkg"
    export_gpkg(demo_store, path, user=viewer())
    grids = pyogrio.read_dataframe(path, layer="grids")
    assert {"code", "community", "community_name", "name", "households", "area_m2"} <= set(grids)
    assert grids["community_name"].str.endswith("社区").all()
    stored = demo_store.read_layer("grids").set_index("code")
    back = grids.set_index("code")
    assert (back["name"] == stored.loc[back.index, "name"]).all()
    assert back.geometry.geom_equals_exact(stored.loc[back.index].geometry, 1e-7).all()
    workers = pyogrio.read_dataframe(path, layer="workers")
    assert workers["name"].str.match(r"^[\u4e00-\u9fff]{2,4}$").all()
    phones = workers["phone"].dropna()
    assert len(phones) and not phones.str.match(FULL_PHONE).any()  # masked for a viewer
    inspector = tmp_path / "inspector.gpkg"
    export_gpkg(demo_store, inspector, user=User("i", UserRole.INSPECTOR))
    phones = pyogrio.read_dataframe(inspector, layer="workers")["phone"].dropna()
    assert phones.str.match(FULL_PHONE).all()
    issues = pyogrio.read_dataframe(path, layer="issues")
    assert str(issues["reported_at"].dtype).startswith("datetime64")


def _zip_layers(payload: bytes) -> dict[str, dict]:
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        return {
            name.removesuffix(".geojson"): json.loads(archive.read(name))
            for name in archive.namelist()
        }


def test_geojson_in_gcj02_is_shifted_from_wgs84(demo_store, tmp_path):
    wgs = tmp_path / "wgs"
    export_geojson(demo_store, wgs, user=viewer())
    assert {p.stem for p in wgs.glob("*.geojson")} == set(LAYERS)
    buf = io.BytesIO()
    export_geojson(demo_store, buf, user=viewer(), crs="gcj02")
    gcj = _zip_layers(buf.getvalue())
    assert set(gcj) == set(LAYERS)
    plain = json.loads((wgs / "boards.geojson").read_text(encoding="utf-8"))
    a = np.array([f["geometry"]["coordinates"] for f in plain["features"]])
    b = np.array([f["geometry"]["coordinates"] for f in gcj["boards"]["features"]])
    assert a.shape == b.shape
    shift = b - a
    assert (np.abs(shift[:, 0]) > 0.002).all() and (np.abs(shift[:, 1]) > 0.001).all()
    x, y = wgs84_to_gcj02(a[:, 0], a[:, 1])
    np.testing.assert_allclose(b, np.column_stack([x, y]), atol=1e-7)
    grids = shapely.from_geojson(json.dumps(gcj["grids"]["features"][0]["geometry"]))
    assert grids.is_valid
    assert gcj["grids"]["features"][0]["properties"]["community_name"].endswith("社区")


def test_community_and_user_scope(demo_store, tmp_path):
    first = sorted(demo_store.read_layer("communities")["code"])[0]
    buf = io.BytesIO()
    export_geojson(demo_store, buf, user=viewer((first,)))
    layers = _zip_layers(buf.getvalue())
    grids = [f["properties"]["community"] for f in layers["grids"]["features"]]
    assert grids and set(grids) == {first}
    assert [f["properties"]["code"] for f in layers["communities"]["features"]] == [first]
    stored = demo_store.read_layer("boards")
    assert 0 < len(layers["boards"]["features"]) < len(stored)
    assigned = {f["properties"]["worker"] for f in layers["assignments"]["features"]}
    assert {f["properties"]["code"] for f in layers["workers"]["features"]} == assigned
    with pytest.raises(PermissionDenied):
        export_gpkg(
            demo_store, tmp_path / "x.gpkg", user=viewer((first,)), community="330102011005"
        )


def test_unsupported_coordinate_system(demo_store, tmp_path):
    with pytest.raises(InputError, match="gcj02"):
        export_gpkg(demo_store, tmp_path / "x.gpkg", user=viewer(), crs="bd09")
