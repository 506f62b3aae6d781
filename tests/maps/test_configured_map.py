"""The street map on the configured basemap (its fallback), the pick marker, the tile arguments."""

from __future__ import annotations

import folium
import pytest

from gridmap import crs, snapshot
from gridmap.errors import GridmapError
from gridmap.maps import street, tiles

SETTINGS = {"basemap": "osm", "tianditu_key": "", "tile_url": ""}


@pytest.fixture
def frames(demo_store):
    return snapshot.load_frames(demo_store, layers=snapshot.MAP_LAYERS)


def test_the_configured_basemap_is_used_unless_one_is_chosen(frames):
    fmap, used, error = street.configured_street_map(frames, settings=SETTINGS)
    assert isinstance(fmap, folium.Map) and used == "osm" and error is None
    _, used, error = street.configured_street_map(frames, settings=SETTINGS, basemap="none")
    assert used == "none" and error is None


@pytest.mark.parametrize("basemap", ["tianditu", "custom"])
def test_a_misconfigured_basemap_falls_back_to_none(frames, basemap):
    fmap, used, error = street.configured_street_map(frames, settings=SETTINGS, basemap=basemap,
                                                     lang="en")  # fmt: skip
    assert isinstance(fmap, folium.Map) and used == "none"
    assert isinstance(error, GridmapError)


def test_pick_marker_marks_the_position_as_shown_on_the_basemap():
    marker = street.pick_marker((120.19, 30.24), basemap="none")
    assert marker.layer_name == "gm_pick"
    (dot,) = marker._children.values()
    assert isinstance(dot, folium.CircleMarker) and dot.location == [30.24, 120.19]
    shifted = street.pick_marker((120.19, 30.24), basemap="amap")
    (dot,) = shifted._children.values()
    lon, lat = crs.wgs84_to_gcj02(120.19, 30.24)
    assert dot.location == pytest.approx([lat, lon])


def test_tile_threshold_and_args():
    assert tiles.tile_threshold({}) == tiles.TILE_THRESHOLD
    assert tiles.tile_threshold({"map_tile_threshold": 10}) == 10
    given = {"n_features": 5}
    out = tiles.tile_args(given, threshold=7, version=("v", 1))
    assert out is given
    assert out == {"n_features": 5, "tile_threshold": 7, "tile_version": ("v", 1)}
    kept = tiles.tile_args({"tile_threshold": 1, "tile_version": 2}, threshold=7, version=3)
    assert kept == {"tile_threshold": 1, "tile_version": 2}
