"""Tests of gridmap.tiles (PNG map tiles, identify) and gridmap.maps.tiles (the Leaflet side).

Every tile is decoded with Pillow and checked pixel by pixel; no timing is asserted.
"""

from __future__ import annotations

import io

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from PIL import Image

from gridmap import maps, tiles
from gridmap.auth import SYSTEM, User
from gridmap.errors import InputError
from gridmap.maps.styles import PALETTE, UNASSIGNED_COLOR
from gridmap.model import UserRole

CELL = 0.0025
X0, Y0 = 120.105, 30.185  # inside one zoom-14 tile
# community A: the 2 x 2 grids on the west, community B: the 2 x 2 grids on the east
CODES = {"A": "330102011001", "B": "330102011002"}


def _grids() -> gpd.GeoDataFrame:
    rows = []
    for i in range(4):
        for j in range(2):
            community = CODES["A"] if i < 2 else CODES["B"]
            x, y = X0 + i * CELL, Y0 + j * CELL
            rows.append((f"{community}{i}{j}1", community, shapely.box(x, y, x + CELL, y + CELL)))
    codes, communities, geoms = zip(*rows, strict=True)
    return gpd.GeoDataFrame({"code": codes, "community": communities}, geometry=list(geoms),
                            crs="EPSG:4326")  # fmt: skip


def _boards() -> gpd.GeoDataFrame:
    grids = _grids()
    centres = shapely.centroid(grids.geometry.to_numpy())
    return gpd.GeoDataFrame(
        {"code": [f"P{i:03d}" for i in range(len(grids))], "board_type": "panel"},
        geometry=centres, crs="EPSG:4326",
    )


@pytest.fixture
def city(store):
    grids = _grids()
    communities = grids.dissolve(by="community", as_index=False)[["community", "geometry"]]
    communities = communities.rename(columns={"community": "code"})
    communities["name"] = ["甲社区", "乙社区"]
    store.write_layer("communities", communities, source_crs="wgs84", username="t")
    store.write_layer("grids", grids, source_crs="wgs84", username="t")
    store.write_layer("boards", _boards(), source_crs="wgs84", username="t")
    workers = pd.DataFrame({"code": ["W1"], "name": ["张三"]})
    store.write_layer("workers", workers, source_crs="wgs84", username="t")
    assignments = pd.DataFrame({"grid": [grids["code"].iloc[0]], "worker": ["W1"],
                                "role": ["grid_head"]})  # fmt: skip
    store.write_layer("assignments", assignments, source_crs="wgs84", username="t")
    return store


VIEWER_A = User("viewer-a", UserRole.VIEWER, scope=(CODES["A"],))


def _image(png: bytes) -> np.ndarray:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size == (256, 256)
    return np.asarray(image.convert("RGBA"))


def _pixel(lon: float, lat: float, z: int) -> tuple[int, int, int, int]:
    """``(x, y, column, row)``: the tile and the pixel inside it of a position."""
    x, y = tiles.tile_of(lon, lat, z)
    px, py = tiles._world_pixels(np.array([lon]), np.array([lat]), z)
    return x, y, int(px[0]) - x * 256, int(py[0]) - y * 256


def _centre(i: int, j: int) -> tuple[float, float]:
    return X0 + (i + 0.5) * CELL, Y0 + (j + 0.5) * CELL


def _alpha_at(store, layer, lon, lat, z, *, user=SYSTEM, cache=None) -> int:
    x, y, col, row = _pixel(lon, lat, z)
    png = tiles.render_tile(store, layer, z, x, y, user=user, cache=cache)
    return int(_image(png)[row, col, 3])


@pytest.mark.parametrize("z", [11, 14, 17])
def test_grid_tiles_fill_grids_by_worker_and_leave_the_rest_transparent(city, z):
    lon, lat = _centre(0, 0)  # the grid with worker 张三
    x, y, col, row = _pixel(lon, lat, z)
    pixels = _image(tiles.render_tile(city, "grids", z, x, y, user=SYSTEM, cache=None))
    worker = tuple(int(PALETTE[0][k:k + 2], 16) for k in (1, 3, 5))
    assert tuple(pixels[row, col, :3]) == worker
    assert pixels[row, col, 3] == round(0.45 * 255)
    lon2, lat2 = _centre(1, 1)  # no worker: grey
    _, _, col2, row2 = _pixel(lon2, lat2, z)
    if 0 <= col2 < 256 and 0 <= row2 < 256 and tiles.tile_of(lon2, lat2, z) == (x, y):
        grey = tuple(int(UNASSIGNED_COLOR[k:k + 2], 16) for k in (1, 3, 5))
        assert tuple(pixels[row2, col2, :3]) == grey
    # south of the city: nothing
    assert _alpha_at(city, "grids", X0 + CELL, Y0 - 4 * CELL, 17) == 0


@pytest.mark.parametrize("z", [12, 15, 18])
def test_community_tiles_draw_outlines_not_fills(city, z):
    west = X0  # community A's west edge
    lat = Y0 + CELL
    assert _alpha_at(city, "communities", west, lat, z) > 0
    if z >= 15:  # inside, away from the outline: transparent
        assert _alpha_at(city, "communities", *_centre(0, 0), z) == 0


@pytest.mark.parametrize("z", [13, 16, 19])
def test_point_tiles_draw_dots_from_the_point_zoom_on(city, z):
    lon, lat = _centre(2, 1)
    assert _alpha_at(city, "boards", lon, lat, z) > 0
    if z >= 16:  # between two boards (grid corner): transparent
        assert _alpha_at(city, "boards", X0 + CELL, Y0 + CELL, z) == 0


def test_point_tiles_are_empty_below_the_point_zoom_and_for_empty_layers(city):
    lon, lat = _centre(0, 0)
    x, y = tiles.tile_of(lon, lat, tiles.POINT_MIN_ZOOM - 1)
    low = tiles.render_tile(city, "boards", tiles.POINT_MIN_ZOOM - 1, x, y, user=SYSTEM, cache=None)
    assert low == tiles.empty_tile()
    x, y = tiles.tile_of(lon, lat, 16)
    assert tiles.render_tile(city, "bins", 16, x, y, user=SYSTEM, cache=None) == tiles.empty_tile()
    assert not _image(tiles.empty_tile())[..., 3].any()


def test_a_dense_tile_draws_density_instead_of_dots(city, monkeypatch):
    monkeypatch.setattr(tiles, "MAX_DOTS", 2)
    lon, lat = _centre(1, 0)
    x, y = tiles.tile_of(lon, lat, 15)
    pixels = _image(tiles.render_tile(city, "boards", 15, x, y, user=SYSTEM, cache=None))
    assert pixels[..., 3].any()
    _, _, col, row = _pixel(lon, lat, 15)
    assert pixels[row - row % 4: row - row % 4 + 4, col - col % 4: col - col % 4 + 4, 3].all()


@pytest.mark.parametrize("layer", ["communities", "grids", "boards"])
def test_a_scoped_viewer_never_gets_another_communitys_features(city, layer):
    z = 17
    east = _centre(3, 0)  # community B
    x, y, col, row = _pixel(*east, z)
    scoped = tiles.render_tile(city, layer, z, x, y, user=VIEWER_A, cache=None)
    everyone = tiles.render_tile(city, layer, z, x, y, user=SYSTEM, cache=None)
    assert scoped == tiles.empty_tile()
    if layer != "communities":
        assert _image(everyone)[row, col, 3] > 0
    # a tile holding both communities: A drawn, B not
    west = _centre(0, 0)
    z = max(z for z in range(tiles.POINT_MIN_ZOOM, 17)
            if tiles.tile_of(*west, z) == tiles.tile_of(*east, z))  # fmt: skip
    if layer != "communities":
        assert _alpha_at(city, layer, *west, z, user=VIEWER_A) > 0
        assert _alpha_at(city, layer, *east, z, user=VIEWER_A) == 0
        assert _alpha_at(city, layer, *east, z, user=SYSTEM) > 0


def test_a_write_changes_the_cached_tile(city):
    cache = tiles.TileCache()
    lon, lat = _centre(1, 0)
    z = 16
    x, y, col, row = _pixel(lon, lat, z)
    before = tiles.render_tile(city, "grids", z, x, y, user=SYSTEM, cache=cache)
    assert tiles.render_tile(city, "grids", z, x, y, user=SYSTEM, cache=cache) is before
    grids = city.read_layer("grids")
    grid = grids[grids.geometry.contains(shapely.Point(lon, lat))].iloc[0]
    city.update("grids", int(grid["id"]), {"geom": shapely.box(150, 10, 150.001, 10.001)},
                version=int(grid["version"]), username="t")  # fmt: skip
    after = tiles.render_tile(city, "grids", z, x, y, user=SYSTEM, cache=cache)
    assert after != before
    assert _image(before)[row, col, 3] > 0
    assert _image(after)[row, col, 3] == 0


def test_a_point_write_keeps_the_grid_tiles_cached(city):
    cache = tiles.TileCache()
    lon, lat = _centre(1, 0)
    z = 16
    x, y, _, _ = _pixel(lon, lat, z)
    before = tiles.tile_versions(city)
    grid_tile = tiles.render_tile(city, "grids", z, x, y, user=SYSTEM, cache=cache)
    board_tile = tiles.render_tile(city, "boards", z, x, y, user=SYSTEM, cache=cache)
    board = city.read_layer("boards").iloc[0]
    city.update("points", int(board["id"]), {"status": "damaged"},
                version=int(board["version"]), username="t")  # fmt: skip
    after = tiles.tile_versions(city)
    assert after["boards"] != before["boards"]
    assert {k: v for k, v in after.items() if k != "boards"} == {
        k: v for k, v in before.items() if k != "boards"}
    assert tiles.render_tile(city, "grids", z, x, y, user=SYSTEM, cache=cache) is grid_tile
    assert tiles.render_tile(city, "boards", z, x, y, user=SYSTEM, cache=cache) is not board_tile
    m = folium.Map(tiles=None)
    maps.tiles.add_tile_layers(m, version=after, layers=["grids", "boards"])
    page = m.get_root().render()
    assert f"/tiles/grids/{{z}}/{{x}}/{{y}}.png?v={after['grids']}" in page
    assert f"/tiles/boards/{{z}}/{{x}}/{{y}}.png?v={after['boards']}" in page


def test_disk_tiles_of_one_layer_survive_a_new_version_of_another(tmp_path):
    disk = tiles.TileCache(directory=tmp_path)
    disk.put(("s", "1", "d", "grids", 1, 0, 0, None), b"grids")
    disk.put(("s", "7", "d", "boards", 1, 0, 0, None), b"boards")
    fresh = tiles.TileCache(directory=tmp_path)
    assert fresh.get(("s", "1", "d", "grids", 1, 0, 0, None)) == b"grids"


def test_the_cache_is_bounded_in_bytes_and_can_live_on_disk(tmp_path):
    cache = tiles.TileCache(max_bytes=100)
    for i in range(5):
        cache.put(("s", "1-1", "d", "grids", 1, 0, i, None), b"x" * 40)
    assert cache.size_bytes <= 100 and len(cache) == 2
    assert cache.get(("s", "1-1", "d", "grids", 1, 0, 4, None)) == b"x" * 40
    assert cache.get(("s", "1-1", "d", "grids", 1, 0, 0, None)) is None
    disk = tiles.TileCache(directory=tmp_path)
    disk.put(("s", "1-1", "d", "grids", 1, 0, 0, None), b"old")
    again = tiles.TileCache(directory=tmp_path)  # another process
    assert again.get(("s", "1-1", "d", "grids", 1, 0, 0, None)) == b"old"
    again.put(("s", "2-2", "d", "grids", 1, 0, 0, None), b"new")  # a newer data version
    fresh = tiles.TileCache(directory=tmp_path)
    assert fresh.get(("s", "1-1", "d", "grids", 1, 0, 0, None)) is None
    assert fresh.get(("s", "2-2", "d", "grids", 1, 0, 0, None)) == b"new"


def test_identify_finds_the_grid_the_point_and_respects_scope(city):
    grids = city.read_layer("grids")
    lon, lat = X0 + 0.3 * CELL, Y0 + 0.7 * CELL
    hit = tiles.identify(city, lon, lat, user=SYSTEM, zoom=15)
    expected = grids[grids.geometry.contains(shapely.Point(lon, lat))].iloc[0]
    assert hit == {"layer": "grids", "id": int(expected["id"]), "code": expected["code"],
                   "community": CODES["A"]}  # fmt: skip
    board = tiles.identify(city, *_centre(3, 1), user=SYSTEM, zoom=18)
    assert board["layer"] == "boards" and board["community"] == CODES["B"]
    assert board["code"] == "P007"
    # the scoped viewer finds nothing of community B, and A's grids as before
    assert tiles.identify(city, *_centre(3, 1), user=VIEWER_A, zoom=18) is None
    assert tiles.identify(city, lon, lat, user=VIEWER_A, zoom=15)["code"] == expected["code"]
    # outside every grid, inside nothing: None
    assert tiles.identify(city, X0 - 1, Y0 - 1, user=SYSTEM, zoom=15) is None


def test_bad_requests_are_refused(city):
    with pytest.raises(InputError):
        tiles.render_tile(city, "workers", 1, 0, 0, user=SYSTEM)
    with pytest.raises(InputError):
        tiles.render_tile(city, "grids", 3, 8, 0, user=SYSTEM)


def test_tile_math_round_trips():
    for z in (0, 5, 12, 18):
        x, y = tiles.tile_of(120.15, 30.27, z)
        west, south, east, north = tiles.tile_bounds(z, x, y)
        assert west <= 120.15 < east and south < 30.27 <= north


def test_add_tile_layers_points_leaflet_at_the_tile_route():
    m = folium.Map(tiles=None)
    added = maps.tiles.add_tile_layers(m, version=(12, 40), lang="zh")
    html = m.get_root().render()
    for layer in tiles.TILE_LAYERS:
        assert f"/tiles/{layer}/{{z}}/{{x}}/{{y}}.png?v=12-40" in html
    assert [a.layer_name for a in added][:2] == ["网格", "社区"]
    assert maps.tiles.use_tiles(maps.tiles.TILE_THRESHOLD + 1)
    assert not maps.tiles.use_tiles(maps.tiles.TILE_THRESHOLD)
    with pytest.raises(ValueError, match="no tile layer"):
        maps.tiles.add_tile_layers(m, version=1, layers=["roads"])


def test_a_point_on_the_edge_of_the_read_box_draws_nothing_and_breaks_nothing(city):
    """The bbox read is inclusive; the clip to the tile is not: the edge point is dropped."""
    lon, lat = _centre(2, 1)
    z = 16
    x, y = tiles.tile_of(lon, lat, z)
    west, _, _, _ = tiles._query_box(z, x, y)
    edge = gpd.GeoDataFrame({"code": ["EDGE"], "board_type": ["panel"], "status": ["damaged"]},
                            geometry=[shapely.Point(west, lat)], crs=4326)  # fmt: skip
    city.write_layer("boards", edge, source_crs="wgs84", username="t")
    pixels = _image(tiles.render_tile(city, "boards", z, x, y, user=SYSTEM, cache=None))
    _, _, col, row = _pixel(lon, lat, z)
    assert pixels[row, col, 3] > 0  # the other boards are still drawn
