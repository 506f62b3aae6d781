"""A city-size store in a real browser: the map is drawn from the app's tiles, a click answered.

The store is built in the test (1,600 grids, 3,200 boards: smaller than a city,
but above the ``map_tile_threshold`` it sets to 1,000, the same switch production
uses). ``gridmap serve`` runs on it; Debian's Chromium, with the network cut
off, logs in, and the test checks that PNG tiles came from ``/tiles/...`` with
features drawn in them, and that a click on a grid shows that grid's panel.
"""

from __future__ import annotations

import io
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
from appserver import CHROMIUM, MAP_IFRAME, ROOT, log_in_to_map, need_chromium, serving
from test_browser import OFFLINE_ARGS

from gridmap.store import open_store

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "city-test-pw-1"
CELL = 0.0025
N = 40  # N x N grids in 4 communities
X0, Y0 = 120.05, 30.15


def _build(url: str) -> None:
    rows = []
    for i in range(N):
        for j in range(N):
            community = f"3301020110{(i * 2 // N) * 2 + j * 2 // N + 1:02d}"
            x, y = X0 + i * CELL, Y0 + j * CELL
            rows.append((f"{community}{i:02d}{j:02d}", community,
                         shapely.box(x, y, x + CELL, y + CELL)))
    codes, communities, geoms = zip(*rows, strict=True)
    grids = gpd.GeoDataFrame({"code": codes, "community": communities}, geometry=list(geoms),
                             crs="EPSG:4326")
    comm = grids.dissolve(by="community", as_index=False)[["community", "geometry"]]
    comm = comm.rename(columns={"community": "code"})
    comm["name"] = [f"第{k + 1}社区" for k in range(len(comm))]
    starts = np.array([[x + CELL * 0.1, y + CELL * 0.1] for x, y in
                       zip(grids.bounds["minx"], grids.bounds["miny"], strict=True)])
    xy = np.concatenate([starts, starts + CELL * 0.8])
    boards = gpd.GeoDataFrame(
        {"code": [f"B{k:05d}" for k in range(len(xy))], "board_type": "panel"},
        geometry=shapely.points(xy), crs="EPSG:4326")
    workers = pd.DataFrame({"code": ["W1", "W2"], "name": ["张三", "李四"]})
    assignments = pd.DataFrame({"grid": list(codes[: N * N // 2]),
                                "worker": ["W1", "W2"] * (N * N // 4), "role": "grid_head"})
    store = open_store(url)
    try:
        store.write_layer("communities", comm, source_crs="wgs84", username="t")
        store.write_layer("grids", grids, source_crs="wgs84", username="t")
        store.write_layer("boards", boards, source_crs="wgs84", username="t")
        store.write_layer("workers", workers, source_crs="wgs84", username="t")
        store.write_layer("assignments", assignments, source_crs="wgs84", username="t")
    finally:
        store.close()


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    need_chromium()
    folder = tmp_path_factory.mktemp("city")
    url = f"sqlite:///{folder / 'store.sqlite'}"
    _build(url)
    (folder / "gridmap.toml").write_text("[settings]\nmap_tile_threshold = 1000\n")
    with serving(folder, url, "--db", url, "--no-demo", "--admin-password", PASSWORD) as base:
        yield {"url": base, "db": url}


def test_a_city_store_is_drawn_from_tiles_and_a_click_shows_the_grid(city, tmp_path):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    i, j = N // 2 + 3, N // 2 - 5  # a grid in the middle, clicked at its centre
    code = f"3301020110{(i * 2 // N) * 2 + j * 2 // N + 1:02d}{i:02d}{j:02d}"
    lon, lat = X0 + (i + 0.5) * CELL, Y0 + (j + 0.5) * CELL
    tiles: list[tuple[str, int, str, bytes]] = []

    def on_response(response) -> None:
        if "/tiles/" in response.url:
            tiles.append((response.url, response.status,
                          response.headers.get("content-type", ""), response.body()))

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=OFFLINE_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            page.on("response", on_response)
            log_in_to_map(page, city["url"], PASSWORD)
            iframe = page.locator(MAP_IFRAME)
            frame = None
            for _ in range(120):
                frame = next((f for f in page.frames if "st_folium" in f.url), None)
                if frame is not None:
                    break
                page.wait_for_timeout(500)
            assert frame is not None
            frame.wait_for_function("() => window.L && window.map", timeout=60_000)
            frame.wait_for_function(
                "() => [...document.querySelectorAll('img.leaflet-tile')]"
                ".filter(t => t.src.includes('/tiles/grids/') && t.complete"
                " && t.naturalWidth === 256).length > 0", timeout=60_000)
            polygons = frame.evaluate(
                "() => { let n = 0;"
                " window.map.eachLayer(l => { if (l instanceof L.Polygon) n++; }); return n; }")
            assert polygons == 0  # nothing drawn as vector layers: tiles only

            for attempt in range(3):
                page.wait_for_timeout(1000)
                frame = next(f for f in page.frames if "st_folium" in f.url)
                spot = frame.evaluate(
                    f"() => {{ const p = window.map.latLngToContainerPoint([{lat}, {lon}]);"
                    " return [p.x, p.y]; }")
                box = iframe.bounding_box()
                page.mouse.click(box["x"] + spot[0], box["y"] + spot[1])
                try:
                    page.get_by_text(code).first.wait_for(timeout=20_000)
                    break
                except PlaywrightTimeout:
                    if attempt == 2:
                        page.screenshot(path=str(tmp_path / "no-panel.png"))
                        raise
            page.wait_for_timeout(1000)
            shot = tmp_path / "city-map.png"
            page.screenshot(path=str(shot))
        finally:
            browser.close()

    out = ROOT / "test-output"
    out.mkdir(exist_ok=True)
    shutil.copyfile(shot, out / "browser-city-map.png")
    grid_tiles = [t for t in tiles if "/tiles/grids/" in t[0]]
    assert grid_tiles and all(status == 200 and kind == "image/png"
                              for _, status, kind, _ in grid_tiles)
    drawn = 0
    for _, _, _, body in grid_tiles:
        image = Image.open(io.BytesIO(body))
        assert image.size == (256, 256)
        drawn += int((np.asarray(image.convert("RGBA"))[..., 3] > 0).sum())
    assert drawn > 10_000  # grids filled in the tiles
    assert {t[0].split("/tiles/")[1].split("/")[0] for t in tiles} >= {"communities", "grids"}
