"""Tests of gridmap.bench.maps (no timing is asserted: the machine is shared)."""

from __future__ import annotations

import math

from gridmap import snapshot
from gridmap.bench.maps import _folium_html, _gridmap_html, bench_map


def test_bench_map_times_both_maps(demo_store):
    frames = snapshot.load_frames(demo_store)
    seconds, baseline_seconds = bench_map(frames, repeat=1)
    for value in (seconds, baseline_seconds):
        assert math.isfinite(value) and value > 0


def test_both_maps_draw_the_same_grids(demo_store):
    frames = snapshot.load_frames(demo_store)
    code = str(frames["grids"]["code"].iloc[0])
    for page in (_gridmap_html(frames), _folium_html(frames)):
        assert page.startswith("<!DOCTYPE html>")
        assert code in page
