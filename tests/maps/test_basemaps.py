"""Basemaps: none by default, Tianditu with a key, Amap shifted, custom intranet tiles."""

from __future__ import annotations

import re

import folium
import geopandas as gpd
import pytest

from gridmap import i18n, maps
from gridmap.errors import InputError

URL_RE = re.compile(r"https?://", re.IGNORECASE)


def _children(element, cls):
    out = []
    for child in element._children.values():
        if isinstance(child, cls):
            out.append(child)
        out.extend(_children(child, cls))
    return out


def _tiles(m: folium.Map) -> list[folium.TileLayer]:
    return _children(m, folium.TileLayer)


def test_basemap_none_has_no_tiles():
    assert not _tiles(maps.new_map())
    assert not _tiles(maps.new_map(basemap="none"))


def test_tianditu_needs_key():
    with pytest.raises(InputError, match="key"):
        maps.new_map(basemap="tianditu")
    with pytest.raises(InputError, match="key"):
        maps.new_map(basemap="tianditu", tianditu_key="  ")


def test_tianditu_layers():
    m = maps.new_map(basemap="tianditu", tianditu_key="abc123&x")
    vec, cva = _tiles(m)
    for layer, name in ((vec, "vec"), (cva, "cva")):
        assert f"tianditu.gov.cn/{name}_w/wmts" in layer.tiles
        assert f"LAYER={name}" in layer.tiles and "TILEMATRIXSET=w" in layer.tiles
        assert "TILEMATRIX={z}&TILEROW={y}&TILECOL={x}" in layer.tiles
        assert layer.tiles.endswith("tk=abc123%26x")
        assert layer.options["subdomains"] == "01234567"
    assert cva.overlay and not cva.control
    assert not maps.basemap_needs_gcj("tianditu")


def test_amap_and_osm():
    (amap,) = _tiles(maps.new_map(basemap="amap"))
    assert amap.tiles.startswith("https://webrd0{s}.is.autonavi.com/appmaptile?")
    assert "style=8&x={x}&y={y}&z={z}" in amap.tiles
    assert amap.options["subdomains"] == "1234"
    assert maps.basemap_needs_gcj("amap")
    (osm,) = _tiles(maps.new_map(basemap="osm"))
    assert "openstreetmap.org" in osm.tiles
    assert not maps.basemap_needs_gcj("osm") and not maps.basemap_needs_gcj("none")


def test_custom_tiles():
    (layer,) = _tiles(maps.new_map(basemap="custom", tile_url="/tiles/{z}/{x}/{y}.png"))
    assert layer.tiles == "/tiles/{z}/{x}/{y}.png"
    page = maps.map_html(maps.new_map(basemap="custom", tile_url="/tiles/{z}/{x}/{y}.png"))
    assert not URL_RE.search(page)  # an intranet basemap keeps the page offline
    for bad in (
        None,
        "",
        "tiles/{z}/{x}/{y}.png",
        "http://x/{z}/{x}.png",
        "javascript:alert(1)//{z}{x}{y}",
        'http://x/{z}/{x}/{y}.png"onload="',
    ):
        with pytest.raises(InputError):
            maps.new_map(basemap="custom", tile_url=bad)


def test_unknown_basemap():
    with pytest.raises(InputError, match="basemap"):
        maps.new_map(basemap="google")
    with pytest.raises(InputError, match="basemap"):
        maps.basemap_needs_gcj("baidu")


def test_bounds_checked():
    m = maps.new_map(bounds=(116.39, 39.90, 116.41, 39.92))
    assert _children(m, folium.map.FitBounds)
    nothing = gpd.GeoDataFrame(geometry=[], crs=4326)
    empty = maps.new_map(bounds=nothing.total_bounds)  # all NaN: default view
    assert not _children(empty, folium.map.FitBounds)
    for bad in (
        (1, 2, 3),
        (500_000, 4_400_000, 500_100, 4_400_100),
        (116.5, 39.9, 116.4, 40.0),
        (float("nan"), 0, 1, 1),
        "abcd",
    ):
        with pytest.raises(InputError, match="bounds"):
            maps.new_map(bounds=bad)


def test_every_basemap_has_a_name():
    for basemap in maps.BASEMAPS:
        assert f"map.basemap.{basemap}" in i18n.STRINGS
