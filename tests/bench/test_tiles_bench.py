"""Tests of gridmap.bench.tiles (no timing is asserted: the machine is shared)."""

from __future__ import annotations

import math

from gridmap.bench import synthetic_city
from gridmap.bench.tiles import bench_tiles, city_tiles


def test_bench_tiles_draws_the_same_tiles_both_ways(make_store):
    city = synthetic_city("street")
    store = make_store("sqlite")
    store.write_layer("communities", city["communities"], source_crs="wgs84", username="b")
    store.write_layer("grids", city["grids"], source_crs="wgs84", username="b")
    points = city["points"].iloc[:2_000]
    store.write_layer("boards", points, source_crs="wgs84", username="b")
    result = bench_tiles(store, {"grids": city["grids"], "boards": points}, n=4)
    assert result["tiles"] == 2 * len(city_tiles(tuple(city["grids"].total_bounds), n=4))
    for key in ("seconds", "baseline_seconds"):
        assert math.isfinite(result[key]) and result[key] > 0
    assert result["bytes"] > 0
