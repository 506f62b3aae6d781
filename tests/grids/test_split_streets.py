"""Tests for gridmap.grids.split.grids_from_streets."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from _split_data import (
    CODE,
    X0,
    Y0,
    assert_tiles,
    communities,
    community_lonlat,
    random_buildings,
    random_compounds,
    to_lonlat,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, box

from gridmap.errors import InputError
from gridmap.grids.split import grids_from_streets, split_problems


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


# ------------------------------------------------------- compounds, bounds, slivers (#19)


def _inside_share(parts_m, grids_ll):
    from _split_data import METRIC

    grids = np.asarray(grids_ll.to_crs(METRIC).geometry.array, dtype=object)
    return [
        float(part.area - shapely.area(shapely.intersection(grids, part)).max())
        for part in parts_m
    ]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.data(),
    geom=communities(),
    seed=st.integers(0, 10_000),
    n_compounds=st.integers(0, 5),
    bounds=st.sampled_from([(300, 500), (100, 200), (50, 400)]),
    min_area=st.sampled_from([0.0, 1000.0, 5000.0]),
)
def test_street_split_keeps_compounds_whole_reports_bounds_and_leaves_no_sliver(
    data, geom, seed, n_compounds, bounds, min_area
):
    lines = data.draw(road_sets(geom))
    roads = to_lonlat(lines, name=[f"r{i}" for i in range(len(lines))])
    compounds_m = random_compounds(geom, seed, n_compounds)
    blds, hh = random_buildings(geom, seed, 80)
    community = community_lonlat(geom)
    lo, hi = bounds
    grids = grids_from_streets(
        community,
        roads,
        target_households=(lo + hi) / 2,
        buildings=to_lonlat(blds, households=hh),
        compounds=to_lonlat(compounds_m, name=[f"小区{i}" for i in range(len(compounds_m))]),
        min_households=lo,
        max_households=hi,
        min_area_m2=min_area,
        community_code=CODE,
    )
    assert_tiles(grids, community)
    # whole compounds: at most the tolerance (10 m²) of a compound lies over a road in another grid
    assert all(cut <= 10.0 + 1e-3 for cut in _inside_share(compounds_m, grids))
    # bounds honestly reported: a grid has a problem exactly when it misses them or is a sliver
    outside = (grids["households"] < lo) | (grids["households"] > hi)
    sliver = (grids["area_m2"] < min_area) & (len(grids) > 1)
    assert (grids["problem"].notna() == (outside | sliver)).all()
    for problem, many, few in zip(
        grids["problem"], grids["households"] > hi, grids["households"] < lo, strict=True
    ):
        if many:
            assert f"more than the maximum {hi}" in problem
        if few:
            assert f"fewer than the minimum {lo}" in problem


def test_a_road_through_a_compound_does_not_cut_it():
    geom = box(X0, Y0, X0 + 400, Y0 + 400)
    community = community_lonlat(geom)
    roads = to_lonlat([road((200, -20), (200, 420))])
    compound = to_lonlat([box(X0 + 100, Y0 + 100, X0 + 300, Y0 + 300)], name=["跨路小区"])
    grids = grids_from_streets(community, roads, compounds=compound, community_code=CODE)
    assert len(grids) == 1
    assert len(grids_from_streets(community, roads, community_code=CODE)) == 2


def test_a_grid_above_the_maximum_is_reported_with_its_block():
    geom = box(X0, Y0, X0 + 400, Y0 + 200)
    community = community_lonlat(geom)
    roads = to_lonlat([road((200, -20), (200, 220))])
    blds = [box(X0 + 20 + 30 * i, Y0 + 50, X0 + 40 + 30 * i, Y0 + 70) for i in range(5)]
    blds += [box(X0 + 250, Y0 + 50, X0 + 270, Y0 + 70)]
    buildings = to_lonlat(blds, households=[180] * 5 + [400])
    grids = grids_from_streets(
        community,
        roads,
        buildings=buildings,
        target_households=400,
        min_households=300,
        max_households=500,
        community_code=CODE,
    )
    assert sorted(grids["households"].tolist()) == [400, 900]
    (problem,) = grids["problem"].dropna().tolist()
    assert "900 households, more than the maximum 500" in problem
    assert "one block between streets has 900" in problem
    assert split_problems(grids) and len(split_problems(grids)) == 1


def test_slivers_between_roads_join_a_neighbour():
    geom = box(X0, Y0, X0 + 400, Y0 + 400)
    community = community_lonlat(geom)
    # two parallel roads 2 m apart: a 2 x 400 m = 800 m² sliver between them
    roads = to_lonlat([road((200, -20), (200, 420)), road((202, -20), (202, 420))])
    grids = grids_from_streets(community, roads, community_code=CODE)
    assert len(grids) == 2 and grids["area_m2"].min() >= 1000
    assert grids["problem"].isna().all()
    kept = grids_from_streets(community, roads, community_code=CODE, min_area_m2=0)
    assert len(kept) == 3 and kept["area_m2"].min() == pytest.approx(800, abs=1)
