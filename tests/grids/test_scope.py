"""Scope from geometry (issue #14, item 1): a grid's or a point's community is where it lies.

The takeover: a planner scoped to community B imported a grid drawn over community
A's area with ``community=B``; the dry run passed, the commit succeeded, and once
B's grid was the oldest at a spot the planner could edit A's records there.
"""

from __future__ import annotations

import datetime as dt
import json

import geopandas as gpd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from gridmap import auth
from gridmap.errors import PermissionDenied, TopologyError
from gridmap.grids import service
from gridmap.grids.scope import communities_of_points, grid_placement_problems
from gridmap.importing import import_file
from gridmap.model import UserRole
from gridmap.records import points

A_BOX = box(120.150, 30.250, 120.160, 30.260)
B_BOX = box(120.160, 30.250, 120.170, 30.260)
ADMIN = auth.User("admin", UserRole.ADMIN)
B_PLANNER = auth.User("b_planner", UserRole.PLANNER, ("330102011002",))


def _frame(rows, geoms):
    return gpd.GeoDataFrame(rows, geometry=list(geoms), crs="EPSG:4326")


@pytest.fixture
def two_communities(store):
    """Communities A (west) and B (east) of one street, one grid each, one board in A."""
    store.write_layer(
        "communities",
        _frame([{"code": "330102011001", "name": "甲社区", "street": "望江街道"},
                {"code": "330102011002", "name": "乙社区", "street": "望江街道"}],
               [A_BOX, B_BOX]),
        source_crs="wgs84", username="t")
    return store


def _grids_file(path, rows):
    features = [{"type": "Feature", "properties": props, "geometry": shapely.geometry.mapping(g)}
                for props, g in rows]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    return path


def test_a_scoped_planner_cannot_import_a_grid_over_another_community(two_communities,
                                                                      tmp_path):
    store = two_communities
    store.write_layer("grids", _frame([{"code": "330102011001001", "community": "330102011001"}],
                                      [A_BOX]), source_crs="wgs84", username="t")
    path = _grids_file(tmp_path / "grab.geojson",
                       [({"code": "330102011002009", "community": "330102011002"}, A_BOX)])
    dry = import_file(store, "grids", path, user=B_PLANNER, crs="wgs84", dry_run=True)
    kinds = {p.key for p in dry.errors}
    assert kinds == {"io.scope.grid_outside", "io.scope.grid_overlap"}
    assert "超出其所属社区 330102011002" in dry.errors[0].text("zh")
    report = import_file(store, "grids", path, user=B_PLANNER, crs="wgs84")
    assert report.written == 0 and not report.ok
    assert list(store.read_layer("grids")["code"]) == ["330102011001001"]


def test_nobody_imports_a_grid_outside_its_community(two_communities, tmp_path):
    path = _grids_file(tmp_path / "wide.geojson",
                       [({"code": "330102011002001", "community": "330102011002"},
                         box(120.158, 30.250, 120.170, 30.260))])
    report = import_file(two_communities, "grids", path, user=ADMIN, crs="wgs84")
    assert [p.key for p in report.errors] == ["io.scope.grid_outside"]
    assert report.written == 0


def test_grids_inside_their_communities_import(two_communities, tmp_path):
    path = _grids_file(tmp_path / "ok.geojson",
                       [({"code": "330102011001001", "community": "330102011001"}, A_BOX),
                        ({"code": "330102011002001", "community": "330102011002"}, B_BOX)])
    report = import_file(two_communities, "grids", path, user=ADMIN, crs="wgs84")
    assert report.ok and report.written == 2


def test_a_point_belongs_to_the_community_polygon_not_the_oldest_grid(two_communities):
    store = two_communities
    # old data: B's grid over A's area, older than A's own grid there
    store.write_layer("grids", _frame(
        [{"code": "330102011002001", "community": "330102011002"},
         {"code": "330102011001001", "community": "330102011001"}], [A_BOX, A_BOX]),
        source_crs="wgs84", username="t")
    store.write_layer("boards", _frame([{"board_type": "publicity", "name": "甲的栏"}],
                                       [shapely.Point(120.155, 30.255)]),
                      source_crs="wgs84", username="t")
    board = store.read_layer("boards").iloc[0]
    with pytest.raises(PermissionDenied):
        points.update_point(store, B_PLANNER, int(board["id"]), {"name": "乙的栏"},
                            version=int(board["version"]))
    with pytest.raises(PermissionDenied):
        points.add_point(store, B_PLANNER, "boards", lon=120.156, lat=30.255,
                         values={"board_type": "publicity"})
    listed = points.list_points(store, B_PLANNER, "boards")
    assert listed.empty
    panel = points.point_panel(store, int(board["id"]), user=ADMIN)
    assert panel["community"] == "330102011001"


def test_a_split_save_may_not_cover_another_communitys_grids(two_communities):
    store = two_communities
    # A's grid spills into B (old data); B's new layout would cover it
    store.write_layer("grids", _frame([{"code": "330102011001001", "community": "330102011001"}],
                                      [box(120.150, 30.250, 120.165, 30.260)]),
                      source_crs="wgs84", username="t")
    new = _frame([{"code": "330102011002001"}], [B_BOX])
    with pytest.raises(TopologyError, match="overlaps grid 330102011001001"):
        service.save_grids(store, ADMIN, "330102011002", new, today=dt.date(2026, 12, 5))
    assert len(store.read_layer("grids")) == 1


@settings(max_examples=40, deadline=None)
@given(
    x0=st.floats(120.150, 120.169), width=st.floats(0.0002, 0.02),
    y0=st.floats(30.250, 30.259), height=st.floats(0.0002, 0.01),
)
def test_placement_refuses_exactly_the_grids_reaching_outside(x0, width, y0, height):
    communities = _frame([{"code": "A"}, {"code": "B"}], [A_BOX, B_BOX])
    grid = box(x0, y0, x0 + width, y0 + height)
    problems = grid_placement_problems(_frame([{"community": "B"}], [grid]), communities,
                                       tolerance_m2=1.0)
    # about 1e-9 deg² is 10 m² here: clear cases only
    outside = shapely.area(shapely.difference(grid, B_BOX))
    if outside > 1e-8:
        assert [p.kind for p in problems] == ["outside"]
    elif outside == 0:
        assert problems == []


def test_communities_of_points():
    communities = _frame([{"code": "A"}, {"code": "B"}], [A_BOX, B_BOX])
    pts = [shapely.Point(120.155, 30.255), shapely.Point(120.165, 30.255),
           shapely.Point(121, 31)]
    assert communities_of_points(pts, communities) == ["A", "B", None]
