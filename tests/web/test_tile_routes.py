"""The ``/tiles`` routes of ``gridmap serve``: PNG tiles per layer and zoom, scope, writes.

A real ``python -m gridmap serve`` process on a small two-community store; every
tile is fetched over HTTP from 127.0.0.1 and decoded with Pillow.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import shapely
from PIL import Image

from gridmap import tiles
from gridmap.auth import SYSTEM
from gridmap.records import users
from gridmap.store import open_store

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from test_serve_routes import Served, _cookie
from test_tiles import CODES, _boards, _centre, _grids, _pixel

pytestmark = pytest.mark.slow

VIEWER_PASSWORD = "viewer-a-pw-123"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("tile-routes")
    url = f"sqlite:///{folder / 'store.sqlite'}"
    server = Served(url, folder)
    store = open_store(url)
    try:
        grids = _grids()
        communities = grids.dissolve(by="community", as_index=False)[["community", "geometry"]]
        communities = communities.rename(columns={"community": "code"})
        communities["name"] = ["甲社区", "乙社区"]
        store.write_layer("communities", communities, source_crs="wgs84", username="t")
        store.write_layer("grids", grids, source_crs="wgs84", username="t")
        store.write_layer("boards", _boards(), source_crs="wgs84", username="t")
        users.add_user(store, "viewer-a", VIEWER_PASSWORD, role="viewer", scope=[CODES["A"]],
                       by=SYSTEM)
    finally:
        store.close()
    server.url = url
    yield server
    server.stop()


def _login(served: Served, username: str = "admin", password: str | None = None) -> dict:
    kwargs = {} if password is None else {"password": password}
    status, headers, _ = served.login(username, **kwargs)
    assert status == 303
    return {"Cookie": _cookie(headers)}


def _tile(served: Served, cookie: dict, layer: str, lon: float, lat: float, z: int,
          query: str = "") -> tuple[np.ndarray, dict[str, str], tuple[int, int]]:
    x, y, col, row = _pixel(lon, lat, z)
    status, headers, body = served.get(f"/tiles/{layer}/{z}/{x}/{y}.png{query}", headers=cookie)
    assert status == 200, body
    assert headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(body))
    assert image.format == "PNG" and image.size == (256, 256)
    return np.asarray(image.convert("RGBA")), headers, (col, row)


@pytest.mark.parametrize("layer", tiles.TILE_LAYERS)
@pytest.mark.parametrize("z", [12, 14, 16])
def test_every_layer_and_zoom_is_a_valid_png_drawn_where_the_features_are(served, layer, z):
    cookie = _login(served)
    lon, lat = _centre(0, 0)
    if layer == "communities":  # outlines only: look at the community's west edge
        lon = _grids().geometry.iloc[0].bounds[0] + 1e-6
    pixels, _, (col, row) = _tile(served, cookie, layer, lon, lat, z)
    window = pixels[max(row - 3, 0):row + 4, max(col - 3, 0):col + 4, 3]
    # the store has boards but no other point layer; points are drawn from the point zoom on
    drawn = layer in ("communities", "grids") or (layer == "boards"
                                                  and z >= tiles.POINT_MIN_ZOOM)
    assert (window.max() > 0) == drawn
    far, _, _ = _tile(served, cookie, layer, 100.0, 20.0, z)  # nothing there
    assert far[..., 3].max() == 0


def test_tiles_are_cached_long_only_with_a_version_and_bad_tiles_are_404(served):
    cookie = _login(served)
    lon, lat = _centre(0, 0)
    _, headers, _ = _tile(served, cookie, "grids", lon, lat, 14, "?v=3-4")
    assert "max-age=31536000" in headers["cache-control"]
    assert "private" in headers["cache-control"]
    _, headers, _ = _tile(served, cookie, "grids", lon, lat, 14)
    assert headers["cache-control"] == "private, no-cache"
    for path in ("/tiles/roads/14/0/0.png", "/tiles/grids/14/0/0.pbf", "/tiles/grids/30/0/0.png",
                 "/tiles/grids/2/4/0.png"):
        status, _, body = served.get(path, headers=cookie)
        assert status == 404 and json.loads(body)["error"], path
    assert served.get("/tiles/grids/14/0/0.png")[0] == 401  # no session


@pytest.mark.parametrize("layer", ["communities", "grids", "boards"])
def test_a_scoped_viewers_tile_never_shows_another_communitys_features(served, layer):
    admin = _login(served)
    viewer = _login(served, "viewer-a", VIEWER_PASSWORD)
    z = 15
    for i, j in [(2, 0), (3, 1)]:  # community B
        lon, lat = _centre(i, j)
        if layer == "communities":
            lon = _grids().geometry.iloc[-1].bounds[2] - 1e-6  # B's east edge
        seen_by_admin, _, (col, row) = _tile(served, admin, layer, lon, lat, z)
        seen_by_viewer, _, _ = _tile(served, viewer, layer, lon, lat, z)
        window = (slice(max(row - 3, 0), row + 4), slice(max(col - 3, 0), col + 4), 3)
        assert seen_by_admin[window].max() > 0
        assert seen_by_viewer[window].max() == 0
    lon, lat = _centre(0, 0)  # community A: the viewer sees its grid
    seen, _, (col, row) = _tile(served, viewer, "grids", lon, lat, z)
    assert seen[row, col, 3] > 0


def test_a_write_changes_the_tile(served):
    cookie = _login(served)
    lon, lat = _centre(1, 1)
    before, _, (col, row) = _tile(served, cookie, "boards", lon, lat, 16)
    assert before[row, col, 3] > 0
    store = open_store(served.url)
    try:
        boards = store.read_layer("boards")
        near = shapely.distance(boards.geometry.to_numpy(), shapely.Point(lon, lat)) < 1e-9
        here = boards[near].iloc[0]
        store.delete("points", int(here["id"]), username="t", version=int(here["version"]))
    finally:
        store.close()
    after, _, _ = _tile(served, cookie, "boards", lon, lat, 16)
    assert after[row, col, 3] == 0
