"""The street map in Chromium: neighbours differ in colour, labels are short, legends
stay clear of the layer control, the scale is metric (refs #17).

The map is written as a standalone HTML file loading Leaflet from a local copy of the
packaged assets; screenshots at 1400×900 and 390×844 are kept in the test's folder.
Never run ``playwright install``: the browser is the system's /usr/bin/chromium.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gridmap import maps, snapshot
from gridmap.assets import install_static

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]

# colours and labels of the drawn grids, read from Leaflet's own layers
READ = """() => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  const grids = [];
  map.eachLayer(l => {
    if (l.feature && l.feature.properties && l.feature.properties.label !== undefined) {
      grids.push({label: l.feature.properties.label, fill: l.options.fillColor,
                  bounds: l.getBounds().toBBoxString()});
    }
  });
  const box = sel => { const e = document.querySelector(sel);
                       return e ? e.getBoundingClientRect().toJSON() : null; };
  return {grids, layers: box('.leaflet-control-layers'),
          legends: [...document.querySelectorAll('.gridmap-legend')]
                     .map(e => e.getBoundingClientRect().toJSON()),
          scale: [...document.querySelectorAll('.leaflet-control-scale-line')]
                     .map(e => e.textContent),
          attribution: (document.querySelector('.leaflet-control-attribution') || {}).innerHTML,
          labels: [...document.querySelectorAll('.gridmap-label')].map(e => e.textContent)};
}"""


def _overlap(a: dict, b: dict) -> bool:
    return not (a["right"] <= b["left"] or b["right"] <= a["left"]
                or a["bottom"] <= b["top"] or b["bottom"] <= a["top"])


@pytest.mark.parametrize("size", [(1400, 900), (390, 844)])
def test_street_map_is_readable(demo_store, tmp_path, size):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    playwright = pytest.importorskip("playwright.sync_api")
    vendor = install_static(tmp_path / "static")
    frames = snapshot.load_frames(demo_store)
    fmap = maps.street_map(frames, asset_base=vendor.as_uri())
    maps.add_layer_control(fmap)
    page_file = tmp_path / "map.html"
    page_file.write_text(maps.map_html(fmap), encoding="utf-8")
    with playwright.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": size[0], "height": size[1]})
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:")
                       else r.abort())
            page.goto(page_file.as_uri())
            page.wait_for_function("() => window.L && document.querySelector('.leaflet-pane')")
            page.evaluate(
                "() => { Object.values(window).find(v => v instanceof L.Map).setZoom(16); }"
            )
            page.wait_for_timeout(500)
            seen = page.evaluate(READ)
            page.screenshot(path=str(tmp_path / f"map-{size[0]}x{size[1]}.png"))
        finally:
            browser.close()
    shutil.copy(tmp_path / f"map-{size[0]}x{size[1]}.png", tmp_path / "last.png")
    grids = seen["grids"]
    assert len(grids) == len(frames["grids"])
    # labels are the 3-digit sequence, never the 15-digit code
    assert seen["labels"] and all(len(t) <= 3 for t in seen["labels"])
    # neighbouring grids (shared edges) differ in colour
    geoms = list(frames["grids"].geometry)
    from gridmap.maps.styles import grid_adjacency

    # Leaflet made the features in the frame's order
    assert [g["label"] for g in grids] == [str(c)[-3:] for c in frames["grids"]["code"]]
    fills = [g["fill"] for g in grids]
    pairs = [(a, b) for a, near in enumerate(grid_adjacency(geoms)) for b in near]
    assert pairs and all(fills[a] != fills[b] for a, b in pairs)
    # legends never cover the layer control; metric scale; no flag in the attribution
    assert seen["layers"] is not None
    assert not any(_overlap(box, seen["layers"]) for box in seen["legends"])
    assert seen["scale"] and all(("m" in s) and ("ft" not in s) for s in seen["scale"])
    assert "<svg" not in (seen["attribution"] or "")
