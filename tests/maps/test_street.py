"""gridmap.maps.street: the street map of a snapshot, check layers, clicked positions."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import folium
import numpy as np
import pytest

from gridmap import auth, checks, crs, maps, snapshot
from gridmap.errors import InputError
from gridmap.model import UserRole

# the rule tests' tiny hand-made streets (tests/checks/checkfixtures.py)
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "checks"))
from checkfixtures import AS_OF, bins, box, buildings, frame, make_street, pt

VIEWER = auth.User("viewer", UserRole.VIEWER)


@pytest.fixture
def frames(demo_store):
    return snapshot.load_frames(demo_store)


def test_display_to_wgs84_undoes_the_amap_shift():
    lon, lat = 120.19, 30.24
    glon, glat = crs.wgs84_to_gcj02(lon, lat)
    back = maps.display_to_wgs84(glon, glat, basemap="amap")
    assert crs.distance_m(*back, lon, lat) < 0.01
    assert maps.display_to_wgs84(lon, lat, basemap="none") == (lon, lat)


def test_street_map_layers_and_amap_shift(frames):
    m = maps.street_map(snapshot.restrict_frames(frames, VIEWER), lang="en")
    html = m.get_root().render()
    assert "https://" not in html and "http://" not in html  # offline: no CDN, no tiles
    names = {child.layer_name for child in m._children.values() if hasattr(child, "layer_name")}
    assert {"Grids", "Communities", "Boards", "Issue reports", "Roads"} <= names
    shifted = maps.street_map(frames, basemap="amap")
    x = np.array([b[0] for b in shifted.get_bounds() if b[0] is not None])
    assert x.size  # the map has content, drawn at GCJ-02 positions


def check_report():
    layers = make_street()
    layers["buildings"] = buildings([box(100, 400, 40, 20)])
    layers["bins"] = bins([pt(270, 410)])
    layers["schools"] = frame([box(390, 420, 220, 160)], name=["望江小学"], level=["primary"])
    layers["internet_cafes"] = frame([pt(760, 500)], name=["星际网咖"])
    return checks.run(layers, rules=["bin_reach", "cafe_school_distance", "staffing"], as_of=AS_OF)


def test_layers_per_rule_and_optional_coverage():
    rep = check_report()
    m = folium.Map()
    layers = maps.add_check_layers(m, rep, lang="zh")
    assert len(layers) == 2  # one per rule with failures; coverage off
    names = [layer.layer_name for layer in layers]
    assert names[0].startswith("住宅楼 120 米内有垃圾收集点") and names[0].endswith("(1)")
    assert "map" in maps.map_html(m)
    m = folium.Map()
    layers = maps.add_check_layers(
        m, rep, lang="zh", coverage=True, school_buffers=True, basemap="amap"
    )
    assert len(layers) == 4  # + the collection point's circle + the school buffer
    assert rep.result("cafe_school_distance").coverage["kind"].tolist() == ["school_buffer"]
    assert len(rep.coverage()) == 2
    assert len(maps.add_check_layers(folium.Map(), rep, rules=["staffing"])) == 0


def test_the_tile_switch_draws_tiles_above_the_threshold_and_layers_below(frames):
    shown = snapshot.restrict_frames(frames, VIEWER)
    size = sum(len(shown[layer]) for layer in ("communities", "grids", *snapshot.POINT_LAYERS))

    def parts(m: folium.Map) -> tuple[list[str], int]:
        urls = [c.tiles for c in m._children.values() if isinstance(c, folium.TileLayer)
                and c.tiles.startswith("/tiles/")]
        geojson = sum(isinstance(c, folium.GeoJson) for c in m._children.values())
        for child in m._children.values():
            geojson += sum(isinstance(g, folium.GeoJson) for g in child._children.values())
        return urls, geojson

    direct = maps.street_map(shown, lang="en", tile_threshold=size)
    urls, geojson = parts(direct)
    assert urls == [] and geojson > 0
    tiled = maps.street_map(shown, lang="en", tile_threshold=size - 1, tile_version=(7, 9))
    urls, geojson = parts(tiled)
    assert geojson == 0
    assert sorted(u.split("/")[2] for u in urls) == sorted(
        ["communities", "grids", "boards", "fitness", "bins", "issues"])
    assert all(u.endswith(".png?v=7-9") for u in urls)
    # the page of a city store passes only the count and the extent: no frames drawn
    city = maps.street_map({}, lang="en", n_features=10**6, tile_version=1,
                           bounds=(120.1, 30.2, 120.2, 30.3))
    assert len(parts(city)[0]) == 6
    with pytest.raises(InputError):  # tiles are WGS-84: never under the shifted Amap basemap
        maps.street_map(shown, basemap="amap", tile_threshold=0, tile_version=1)


def test_a_picking_map_takes_taps_anywhere_and_has_a_locate_button(frames):
    """On a picking map no layer takes clicks, so a tap inside a grid reaches the map (#15)."""
    plain = maps.street_map(snapshot.restrict_frames(frames, VIEWER)).get_root().render()
    picking = maps.street_map(snapshot.restrict_frames(frames, VIEWER), picking=True)
    html = picking.get_root().render()
    assert "L.gridmap.bind(" in plain and "L.gridmap.pick(" not in plain
    assert "L.gridmap.bind(" not in html  # no popup swallows the map's click
    assert "L.gridmap.pick(" in html and json.dumps("我的位置") in html
    assert "gridmap.legend(" not in html  # legends would cover the phone's map
    geojson = re.findall(r"L\.geoJson\([^;]*?\{(.*?)\}\s*\)", html, re.S)
    assert geojson and all('"interactive": false' in options for options in geojson)
    assert html.count('"interactive": false') >= len(geojson)


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the script")
def test_the_locate_buttons_gcj_shift_matches_the_python_one():
    """The locate button shifts a GPS position for an Amap-drawn map like gridmap.crs does."""
    from gridmap.maps import leaflet

    text = leaflet.static_text("pick.js")
    body = re.search(r"^function gcj\(.*?^}", text, re.S | re.M).group(0)
    points = [(120.19, 30.24), (116.39, 39.91), (113.26, 23.13)]
    script = body + "\nconsole.log(JSON.stringify(" + json.dumps(points) + \
        ".map(function(p) { return gcj(p[1], p[0]); })));"
    out = json.loads(subprocess.run(["node", "-e", script], capture_output=True, text=True,
                                    check=True).stdout)
    for (lon, lat), (glat, glon) in zip(points, out, strict=True):
        want = crs.wgs84_to_gcj02(lon, lat)
        assert crs.distance_m(glon, glat, *want) < 0.01
