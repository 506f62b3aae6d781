"""Tests for gridmap.grids.split.grids_from_streets."""

from __future__ import annotations

import numpy as np
import pytest
from _split_data import (
    CODE,
    X0,
    Y0,
    assert_tiles,
    communities,
    community_lonlat,
    random_buildings,
    to_lonlat,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, box

from gridmap.errors import InputError
from gridmap.grids.split import grids_from_streets


def road(*points) -> LineString:
    return LineString([(X0 + x, Y0 + y) for x, y in points])


@st.composite
def road_sets(draw, geom):
    minx, miny, maxx, maxy = geom.bounds
    n = draw(st.integers(0, 6))
    lines = []
    for _ in range(n):
        x1 = draw(st.floats(minx - 50, maxx + 50))
        y1 = draw(st.floats(miny - 50, maxy + 50))
        x2 = draw(st.floats(minx - 50, maxx + 50))
        y2 = draw(st.floats(miny - 50, maxy + 50))
        if (x1, y1) != (x2, y2):
            lines.append(LineString([(x1, y1), (x2, y2)]))
    return lines


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), geom=communities(), target=st.one_of(st.none(), st.floats(5000, 200000)))
def test_street_split_tiles_the_community(data, geom, target):
    lines = data.draw(road_sets(geom))
    roads = to_lonlat(lines, name=[f"r{i}" for i in range(len(lines))])
    community = community_lonlat(geom)
    grids = grids_from_streets(community, roads, target_area_m2=target, community_code=CODE)
    assert_tiles(grids, community)


def test_a_cross_of_roads_gives_four_blocks():
    community = community_lonlat(box(X0, Y0, X0 + 400, Y0 + 400))
    roads = to_lonlat([road((200, -20), (200, 420)), road((-20, 200), (420, 200))])
    grids = grids_from_streets(community, roads, community_code=CODE)
    assert len(grids) == 4
    assert grids["area_m2"].round().tolist() == [40000.0] * 4
    assert_tiles(grids, community)


def test_dead_ends_do_not_cut():
    community = community_lonlat(box(X0, Y0, X0 + 400, Y0 + 400))
    roads = to_lonlat([road((200, -20), (200, 420)), road((200, 100), (300, 100))])
    grids = grids_from_streets(community, roads, community_code=CODE)
    assert len(grids) == 2


def test_blocks_merge_towards_an_area_target():
    community = community_lonlat(box(X0, Y0, X0 + 800, Y0 + 200))
    roads = to_lonlat([road((x, -20), (x, 220)) for x in range(100, 800, 100)])
    grids = grids_from_streets(community, roads, target_area_m2=40000, community_code=CODE)
    assert len(grids) == 4
    assert np.allclose(grids["area_m2"], 40000, rtol=1e-3)


def test_blocks_merge_towards_a_household_target():
    geom = box(X0, Y0, X0 + 800, Y0 + 200)
    community = community_lonlat(geom)
    roads = to_lonlat([road((x, -20), (x, 220)) for x in range(100, 800, 100)])
    blds, _ = random_buildings(geom, 3, 80)
    buildings = to_lonlat(blds, households=[10] * len(blds))
    grids = grids_from_streets(
        community, roads, target_households=200, buildings=buildings, community_code=CODE
    )
    assert int(grids["households"].sum()) == 10 * len(blds)
    assert grids["households"].max() <= 330
    assert_tiles(grids, community)


def test_small_road_islands_join_a_neighbour():
    community = community_lonlat(box(X0, Y0, X0 + 400, Y0 + 400))
    # a tiny triangle between three roads near the centre
    roads = to_lonlat(
        [road((200, -20), (200, 420)), road((190, 190), (215, 215)), road((190, 215), (215, 190))]
    )
    grids = grids_from_streets(community, roads, community_code=CODE, min_area_m2=500)
    assert grids["area_m2"].min() >= 500
    assert_tiles(grids, community)


def test_without_roads_the_community_is_one_grid():
    community = community_lonlat(box(X0, Y0, X0 + 400, Y0 + 400))
    grids = grids_from_streets(community, None, community_code=CODE)
    assert len(grids) == 1
    assert grids["code"].tolist() == [f"{CODE}001"]


def test_household_target_needs_buildings_and_targets_must_be_positive():
    community = community_lonlat(box(X0, Y0, X0 + 400, Y0 + 400))
    with pytest.raises(InputError, match="buildings"):
        grids_from_streets(community, None, target_households=300)
    with pytest.raises(InputError, match="positive"):
        grids_from_streets(community, None, target_area_m2=-1)
