"""Tests for gridmap.grids.split.grids_from_cells."""

from __future__ import annotations

import geopandas as gpd
import pytest
from _split_data import CODE, X0, Y0, assert_tiles, communities, community_lonlat, to_lonlat
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from gridmap.errors import CRSError, InputError
from gridmap.grids.codes import check_code_order, check_grid_codes
from gridmap.grids.split import OUTPUT_COLUMNS, grids_from_cells


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(geom=communities(), cell=st.floats(60, 300), shape=st.sampled_from(["square", "hex"]))
def test_cells_tile_the_community(geom, cell, shape):
    community = community_lonlat(geom)
    grids = grids_from_cells(community, cell_m=cell, shape=shape, community_code=CODE)
    assert list(grids.columns) == list(OUTPUT_COLUMNS)
    assert grids.crs == "EPSG:4326"
    assert_tiles(grids, community)
    assert check_grid_codes(grids) == []
    assert check_code_order(grids) == []


def test_square_cells_of_an_exact_multiple_are_whole_cells():
    community = community_lonlat(box(X0, Y0, X0 + 400, Y0 + 200))
    grids = grids_from_cells(community, cell_m=100, community_code=CODE)
    assert len(grids) == 8
    assert grids["area_m2"].round().tolist() == [10000.0] * 8
    assert grids["code"].tolist() == [f"{CODE}{i:03d}" for i in range(1, 9)]


def test_slivers_along_the_boundary_are_merged():
    # 410 m wide: the last column of cells would be 10 m wide slivers
    community = community_lonlat(box(X0, Y0, X0 + 410, Y0 + 200))
    grids = grids_from_cells(community, cell_m=100, community_code=CODE)
    assert grids["area_m2"].min() >= 0.25 * 100 * 100
    assert_tiles(grids, community)


def test_hex_cells_have_the_area_of_the_square():
    community = community_lonlat(box(X0, Y0, X0 + 2000, Y0 + 2000))
    grids = grids_from_cells(community, cell_m=200, shape="hex", community_code=CODE)
    assert grids["area_m2"].median() == pytest.approx(40000, rel=1e-3)


def test_buildings_give_households_and_residents():
    community = community_lonlat(box(X0, Y0, X0 + 200, Y0 + 100))
    buildings = to_lonlat(
        [box(X0 + 10, Y0 + 10, X0 + 20, Y0 + 20), box(X0 + 150, Y0 + 10, X0 + 160, Y0 + 20)],
        households=[30, 40],
        residents=[70, 90],
    )
    grids = grids_from_cells(community, cell_m=100, community_code=CODE, buildings=buildings)
    assert grids["households"].tolist() == [30, 40]
    assert grids["residents"].tolist() == [70, 90]
    assert grids["buildings"].tolist() == [1, 1]


def test_without_community_code_rows_are_ordered_but_uncoded():
    community = community_lonlat(box(X0, Y0, X0 + 200, Y0 + 200))
    grids = grids_from_cells(community, cell_m=100)
    assert grids["code"].isna().all()
    assert len(grids) == 4


@pytest.mark.parametrize("bad", [0, -5, float("nan"), "100"])
def test_bad_cell_size_is_refused(bad):
    community = community_lonlat(box(X0, Y0, X0 + 200, Y0 + 200))
    with pytest.raises(InputError, match="cell_m"):
        grids_from_cells(community, cell_m=bad)


def test_bad_shape_and_projected_input_are_refused():
    community = community_lonlat(box(X0, Y0, X0 + 200, Y0 + 200))
    with pytest.raises(InputError, match="shape"):
        grids_from_cells(community, cell_m=50, shape="triangle")
    with pytest.raises(CRSError):
        grids_from_cells(box(X0, Y0, X0 + 200, Y0 + 200), cell_m=50)
    with pytest.raises(CRSError):
        grids_from_cells(gpd.GeoSeries([box(0, 0, 1, 1)]), cell_m=50)


def test_too_many_cells_are_refused():
    community = community_lonlat(box(X0, Y0, X0 + 2000, Y0 + 2000))
    with pytest.raises(InputError):
        grids_from_cells(community, cell_m=20)
