from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from gridmap.locate import locate_points, polygon_index_of_points


def test_points_in_squares_and_outside():
    squares = [shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)]
    pts = shapely.points([(0.5, 0.5), (1.5, 0.5), (3, 3)])
    assert polygon_index_of_points(pts, squares).tolist() == [0, 1, -1]


def test_shared_boundary_goes_to_first_polygon():
    squares = [shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)]
    assert polygon_index_of_points(shapely.points([(1, 0.5)]), squares).tolist() == [0]


def test_empty_inputs():
    assert polygon_index_of_points(np.array([], dtype=object), [shapely.box(0, 0, 1, 1)]).size == 0
    assert polygon_index_of_points(shapely.points([(0, 0)]), []).tolist() == [-1]


def test_locate_points_returns_codes_on_the_points_index():
    grids = gpd.GeoDataFrame({"code": ["A", "B"]},
                             geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)])
    pts = gpd.GeoDataFrame(geometry=shapely.points([(1.5, 0.5), (9, 9)]), index=[10, 20])
    out = locate_points(pts, grids)
    assert out.to_dict() == {10: "B", 20: None}


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 6), st.integers(1, 6), st.lists(
    st.tuples(st.floats(-1, 8, allow_nan=False), st.floats(-1, 8, allow_nan=False)),
    min_size=1, max_size=60))
def test_matches_brute_force_on_a_lattice(nx, ny, coords):
    cells = [shapely.box(i, j, i + 1, j + 1) for j in range(ny) for i in range(nx)]
    pts = shapely.points(coords)
    got = polygon_index_of_points(pts, cells)
    for k, p in enumerate(pts):
        containing = [i for i, c in enumerate(cells) if c.intersects(p)]
        assert got[k] == (min(containing) if containing else -1)
