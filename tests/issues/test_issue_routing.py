"""Routing to grids, the boundary flag and duplicate detection, on hand-made grids in metres."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from gridmap.errors import InputError
from gridmap.issues.routing import find_duplicates, route_point

# CGCS2000 / 3-degree Gauss-Kruger CM 120E: the metric CRS gridmap picks near 120.2E.
METRIC = "EPSG:4549"
X0, Y0 = 520_000.0, 3_347_000.0  # about 120.21E, 30.25N


def to_wgs84(geoms: list) -> list:
    return list(gpd.GeoSeries(geoms, crs=METRIC).to_crs("EPSG:4326"))


@pytest.fixture
def grids() -> gpd.GeoDataFrame:
    """Two 100 m squares side by side (A west, B east) and C, 500 m away."""
    boxes = [
        shapely.box(X0, Y0, X0 + 100, Y0 + 100),
        shapely.box(X0 + 100, Y0, X0 + 200, Y0 + 100),
        shapely.box(X0 + 700, Y0, X0 + 800, Y0 + 100),
    ]
    return gpd.GeoDataFrame(
        {"code": ["A", "B", "C"], "community": ["c1", "c1", "c2"]},
        geometry=to_wgs84(boxes),
        crs="EPSG:4326",
    )


def here(dx: float, dy: float) -> shapely.Point:
    return to_wgs84([shapely.Point(X0 + dx, Y0 + dy)])[0]


def test_point_in_a_grid_routes_to_it(grids):
    route = route_point(here(40, 50), grids, boundary_flag_m=10)
    assert (route.grid, route.community) == ("A", "c1")
    assert route.boundary_distance_m == pytest.approx(40, abs=0.05)
    assert not route.flagged
    assert route.neighbours == ()


def test_near_the_shared_boundary_is_flagged_with_the_distance(grids):
    route = route_point(here(96, 50), grids, boundary_flag_m=10)
    assert route.grid == "A"
    assert route.flagged
    assert route.boundary_distance_m == pytest.approx(4.0, abs=0.05)
    assert route.neighbours == ("B",)


def test_just_beyond_the_flag_distance_is_not_flagged(grids):
    route = route_point(here(150, 50), grids, boundary_flag_m=10)
    assert route.grid == "B"
    assert route.boundary_distance_m == pytest.approx(50, abs=0.05)
    assert not route.flagged
    route = route_point(here(189, 50), grids, boundary_flag_m=10)
    assert route.boundary_distance_m == pytest.approx(11, abs=0.05)
    assert not route.flagged
    route = route_point(here(191, 50), grids, boundary_flag_m=10)
    assert route.flagged  # near the street's outer edge: no neighbouring grid
    assert route.neighbours == ()


def test_flag_distance_is_configurable(grids):
    assert not route_point(here(96, 50), grids, boundary_flag_m=3).flagged
    assert route_point(here(80, 50), grids, boundary_flag_m=25).flagged


def test_outside_every_grid_is_a_clear_error(grids):
    with pytest.raises(InputError, match=r"outside every grid.*nearest grid B is 100 m away"):
        route_point(here(300, 50), grids)


def test_no_grids_is_a_clear_error(grids):
    with pytest.raises(InputError, match="no grids"):
        route_point(here(10, 10), grids.iloc[0:0])


AT = dt.datetime(2026, 10, 10, 12, 0, tzinfo=dt.UTC)


def issues_at(rows: list[tuple[int, str, float, float]]) -> gpd.GeoDataFrame:
    """Reports (id, category, metres east of the new report, days before it)."""
    return gpd.GeoDataFrame(
        {
            "id": [r[0] for r in rows],
            "code": [f"AJ{r[0]}" for r in rows],
            "category": [r[1] for r in rows],
            "status": ["reported"] * len(rows),
            "reported_at": [AT - dt.timedelta(days=r[3]) for r in rows],
            "duplicate_of": pd.array([None] * len(rows), dtype="Int64"),
        },
        geometry=[here(50 + r[2], 50) for r in rows],
        crs="EPSG:4326",
    )


def test_duplicate_at_49_m_and_6_days_is_found():
    found = find_duplicates(
        issues_at([(1, "市容环境", 49, 6)]), here(50, 50), category="市容环境", at=AT
    )
    assert found["id"].tolist() == [1]
    assert found["distance_m"].iloc[0] == pytest.approx(49, abs=0.05)


@pytest.mark.parametrize(
    "row",
    [(2, "市容环境", 51, 1), (3, "市容环境", 10, 8), (4, "街面秩序", 5, 1), (5, "市容环境", 5, -1)],
    ids=["51m", "8days", "other-category", "later"],
)
def test_no_duplicate_beyond_51_m_8_days_or_other_category(row):
    found = find_duplicates(issues_at([row]), here(50, 50), category="市容环境", at=AT)
    assert found.empty


def test_duplicates_are_sorted_and_merged_ones_skipped():
    frame = issues_at([(1, "市容环境", 30, 1), (2, "市容环境", 10, 2), (3, "市容环境", 20, 3)])
    frame.loc[frame["id"] == 3, "duplicate_of"] = 1
    found = find_duplicates(frame, here(50, 50), category="市容环境", at=AT, exclude_ids=(1,))
    assert found["id"].tolist() == [2]
    found = find_duplicates(frame, here(50, 50), category="市容环境", at=AT, radius_m=100, days=30)
    assert found["id"].tolist() == [2, 1]
