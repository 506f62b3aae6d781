"""gridmap.maps.selection: the newer of a click and a search hit; a picking map's pick."""

from __future__ import annotations

import pytest

from gridmap import crs, i18n, snapshot
from gridmap.maps import selection
from gridmap.maps.selection import MapSelection


@pytest.fixture
def frames(demo_store):
    return snapshot.load_frames(demo_store)


def test_a_new_click_selects_and_the_same_click_again_does_not():
    first = selection.next_selection(MapSelection(), (120.123456789, 30.2), None)
    assert first == MapSelection(("click", 120.123456789, 30.2), (120.1234568, 30.2), None)
    hit = selection.next_selection(first, None, "G01")
    assert hit.shown == ("grid", "G01") and hit.last_click == first.last_click
    # the map reports its last click on every run: the old click does not take over
    assert selection.next_selection(hit, (120.123456789, 30.2), None) == hit
    # nor does the old hit; a new click does
    again = selection.next_selection(hit, (120.2, 30.3), "G01")
    assert again.shown == ("click", 120.2, 30.3) and again.last_hit == "G01"


def test_a_new_hit_wins_over_a_new_click_of_the_same_run():
    both = selection.next_selection(MapSelection(), (120.1, 30.2), "G02")
    assert both == MapSelection(("grid", "G02"), (120.1, 30.2), "G02")


def test_nothing_new_keeps_the_selection():
    assert selection.next_selection(MapSelection(), None, None) == MapSelection()
    kept = MapSelection(("grid", "G1"), None, "G1")
    assert selection.next_selection(kept, None, None) == kept


def test_fresh_pick():
    click = {"lng": 120.19, "lat": 30.24}
    assert selection.fresh_pick(None, seen=None, basemap="none") is None
    assert selection.fresh_pick({"last_clicked": None}, seen=None, basemap="none") is None
    assert selection.fresh_pick({"last_clicked": click}, seen=dict(click), basemap="none") is None
    assert selection.fresh_pick({"last_clicked": click}, seen=None, basemap="osm") == (
        click, (120.19, 30.24))
    got, (lon, lat) = selection.fresh_pick({"last_clicked": click}, seen={}, basemap="amap")
    assert got is click
    back = crs.gcj02_to_wgs84(120.19, 30.24)
    assert crs.distance_m(lon, lat, *back) < 0.01


def test_pick_caption(frames):
    assert selection.pick_caption(frames, None) == ("pick.hint", {})
    assert selection.pick_caption(frames, (0.0, 0.0)) == ("pick.outside", {"lon": 0.0, "lat": 0.0})
    grid = frames["grids"].iloc[0]
    p = grid.geometry.representative_point()
    key, fields = selection.pick_caption(frames, (p.x, p.y))
    assert key == "pick.where" and fields["grid"] == grid["code"]
    names = dict(zip(frames["communities"]["code"], frames["communities"]["name"], strict=True))
    assert fields["community"] == names[grid["community"]]
    assert str(grid["code"]) in i18n.t(key, "zh", **fields)
