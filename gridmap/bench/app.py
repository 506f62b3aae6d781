"""The app in a browser, for ``gridmap bench``: what a user waits for, beside a baseline.

Every figure runs the real app (``python -m gridmap serve`` on a store built
from the bench's synthetic city, or on the demo street) and Debian's Chromium
driven by Playwright, with the network cut off at name resolution:

- city: login -> map drawn (tiles loaded) and the bytes transferred for that
  first view, one pan and one zoom (tiles of the new view loaded); baseline:
  plain folium with the same grids and points in one HTML file, loaded in the
  same Chromium and capped by a timeout;
- demo street: the server time of a map page rerun (Streamlit's AppTest, in a
  child process: the library never imports Streamlit) beside a plain
  Streamlit page drawing the same layers with plain folium; a grid click ->
  panel (a fragment rerun) and an issue move -> visible, each beside a reload
  of the same page;
- N concurrent sessions against ``gridmap serve --workers 2``: p50/p95 of
  login -> map drawn, beside one session alone.

Timings never appear in tests (the machine is shared); the functions return
plain dicts that a test can check for shape.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from gridmap.bench import Figure
from gridmap.bench._process import free_port, stop_group, wait_healthy

__all__ = [
    "CHROMIUM",
    "bench_city_view",
    "bench_folium_file",
    "bench_rerun",
    "bench_sessions",
    "bench_street_clicks",
    "browser_missing",
    "build_store",
    "figures",
    "scaled",
    "serve",
]

CHROMIUM = Path("/usr/bin/chromium")
_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync",
         "--allow-file-access-from-files",
         "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"]
_VIEWPORT = {"width": 1400, "height": 1000}
_ROOT = Path(__file__).resolve().parents[2]

#: true once the st_folium map is drawn: all tiles of the view loaded (tile mode)
#: or vector layers drawn (layer mode)
_DRAWN_JS = """() => {
  if (!(window.L && window.map)) return false;
  let tiles = false, paths = 0;
  window.map.eachLayer(l => { if (l instanceof L.TileLayer) tiles = true;
                              else if (l instanceof L.Path) paths++; });
  if (!tiles) return paths > 0;
  const imgs = [...document.querySelectorAll('img.leaflet-tile')];
  return imgs.length > 0 && imgs.every(i => i.complete)
         && !document.querySelector('.leaflet-tile-loading');
}"""

#: move the map (pan or zoom), resolve with the ms until no tile of the new view is loading
#: (a layer whose view needs no new tile, e.g. outside its bounds, fires no "load": poll)
_MOVE_JS = """(how) => new Promise(resolve => {
  const srcs = () => [...document.querySelectorAll('img.leaflet-tile')].map(i => i.src);
  const before = new Set(srcs());
  const t0 = performance.now();
  if (how === 'pan') window.map.panBy([500, 300], {animate: false});
  else window.map.setZoom(window.map.getZoom() + 1, {animate: false});
  const done = () => {
    const imgs = [...document.querySelectorAll('img.leaflet-tile')];
    return !document.querySelector('.leaflet-tile-loading') && imgs.every(i => i.complete);
  };
  const poll = () => {
    const fresh = srcs().filter(s => !before.has(s)).length;
    if (done()) resolve({ms: performance.now() - t0, tiles: fresh});
    else if (performance.now() - t0 > 60000) resolve({ms: -1, tiles: fresh});
    else setTimeout(poll, 10);
  };
  requestAnimationFrame(poll);
})"""


@dataclass
class SizeFigure(Figure):
    """A benchmark line in megabytes: ``seconds`` holds bytes (gridmap), the baseline's too."""

    def line(self) -> str:
        """Return the printed line, in MB."""
        mb = self.seconds / 1e6
        base = f"{self.baseline_seconds / 1e6:8.2f} MB" if self.baseline_seconds else " " * 11
        ratio = f"{self.ratio:6.2f}x" if self.ratio is not None else " " * 7
        return f"{self.name:<34} {mb:8.2f} MB {base} {ratio}   {self.target}  {self.note}"


def browser_missing() -> str | None:
    """Why the browser figures cannot run (``None`` when they can)."""
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "skipped: playwright is not installed"
    if not CHROMIUM.exists():
        return "skipped: /usr/bin/chromium is not installed"
    return None


def scaled(city: Mapping[str, gpd.GeoDataFrame], scale: float) -> dict[str, gpd.GeoDataFrame]:
    """Cut the synthetic city to about ``scale`` of its area (south-west corner).

    Grids, buildings and points are spread evenly, so every layer shrinks by
    about ``scale``; ``scale >= 1`` returns the city unchanged.
    """
    if scale >= 1:
        return dict(city)
    minx, miny, maxx, maxy = city["grids"].total_bounds
    f = float(np.sqrt(max(scale, 1e-6)))
    box = shapely.box(minx, miny, minx + (maxx - minx) * f, miny + (maxy - miny) * f)
    out = {}
    for name, frame in city.items():
        geoms = frame.geometry.to_numpy()
        inside = (shapely.intersects(geoms, box) if name == "communities"  # grids need theirs
                  else shapely.within(shapely.centroid(geoms), box))
        out[name] = frame[inside].reset_index(drop=True)
    return out


def build_store(path: Path, city: Mapping[str, gpd.GeoDataFrame]) -> str:
    """Write the city's communities, grids, boards and bins into a new SQLite store."""
    from gridmap.store import Store

    url = f"sqlite:///{path}"
    store = Store(url)
    try:
        store.upgrade()
        for layer, key in (("communities", "communities"), ("grids", "grids"),
                           ("boards", "points"), ("bins", "bins")):
            store.write_layer(layer, city[key], source_crs="wgs84", username="bench")
    finally:
        store.close()
    return url


@contextmanager
def serve(url: str, folder: Path, *, workers: int = 1, threshold: int | None = None,
          timeout_s: float = 180) -> Iterator[dict]:
    """Run ``python -m gridmap serve`` on the store; yield its address and admin password.

    The server runs in its own process group, ended (SIGTERM, then SIGKILL) on exit.
    """
    folder.mkdir(parents=True, exist_ok=True)
    conf = folder / "gridmap.toml"
    conf.write_text("[settings]\n" + (f"map_tile_threshold = {threshold}\n" if threshold else ""),
                    encoding="utf-8")
    password = secrets.token_urlsafe(12)
    port = free_port()
    env = dict(os.environ, GRIDMAP_CONFIG=str(conf), GRIDMAP_DB=url,
               GRIDMAP_ADMIN_PASSWORD=password)
    log = (folder / f"serve-{port}.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "gridmap", "serve", "--db", url, "--port", str(port),
         "--no-demo", "--workers", str(workers)],
        stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True, cwd=_ROOT)
    try:
        wait_healthy(f"http://localhost:{port}/_stcore/health", proc, timeout_s=timeout_s,
                     log=Path(log.name))
        yield {"url": f"http://localhost:{port}/", "password": password, "db": url,
               "config": str(conf)}
    finally:
        stop_group(proc)
        log.close()


# --- browser helpers ------------------------------------------------------------------------

async def _map_frame(page, timeout_s: float = 120):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        # a rerun may leave a detached frame behind: try every live map frame
        for frame in [f for f in page.frames if "st_folium" in f.url and not f.is_detached()]:
            try:
                if await asyncio.wait_for(frame.evaluate(_DRAWN_JS), 5):
                    return frame
            except Exception:  # the frame went away meanwhile
                continue
        await asyncio.sleep(0.05)
    msg = f"the map was not drawn within {timeout_s} s"
    raise TimeoutError(msg)


async def _bytes_counter(page) -> dict:
    """Count bytes received by the page: HTTP bodies as sent, and websocket frames."""
    counter = {"http": 0, "ws": 0}
    cdp = await page.context.new_cdp_session(page)
    await cdp.send("Network.enable")

    def finished(event: dict) -> None:
        counter["http"] += int(event.get("encodedDataLength") or 0)

    def frame(event: dict) -> None:
        response = event.get("response") or {}
        data = response.get("payloadData") or ""
        counter["ws"] += len(data) * 3 // 4 if response.get("opcode") == 2 else len(data)

    cdp.on("Network.loadingFinished", finished)
    cdp.on("Network.webSocketFrameReceived", frame)
    return counter


async def _login_and_draw(browser, base: str, password: str, *, count_bytes: bool = False,
                          timeout_s: float = 120) -> dict:
    """A fresh browser context: open the app, log in as admin, wait for the map.

    Returns ``seconds`` (login click -> map drawn), and with ``count_bytes`` the
    bytes of the whole first visit and of the part after the login click.
    """
    context = await browser.new_context(viewport=_VIEWPORT)
    page = await context.new_page()
    counter = await _bytes_counter(page) if count_bytes else None
    await page.goto(base, timeout=timeout_s * 1000)
    await page.get_by_label("用户名").fill("admin")
    await page.get_by_label("密码").fill(password)
    before = dict(counter) if counter else None
    start = time.perf_counter()
    await page.get_by_role("button", name="登录").click()
    await _map_frame(page, timeout_s)
    out = {"seconds": time.perf_counter() - start, "page": page, "context": context}
    if counter is not None:
        await asyncio.sleep(0.5)  # let the last loadingFinished events arrive
        out["bytes"] = counter["http"] + counter["ws"]
        out["bytes_after_login"] = out["bytes"] - before["http"] - before["ws"]
    return out


async def _launch(pw):
    return await pw.chromium.launch(executable_path=str(CHROMIUM), args=_ARGS)


# --- city ------------------------------------------------------------------------------------

def bench_city_view(base: str, password: str, *, timeout_s: float = 120) -> dict:
    """Login -> map drawn, bytes of that first view, then one pan and one zoom.

    Returns
    -------
    dict
        ``seconds``, ``bytes`` (the whole first visit, Streamlit's own scripts
        included), ``bytes_after_login``, ``pan_seconds`` and ``zoom_seconds``
        (``nan`` when the new view did not finish loading within a minute), the
        tiles each move loaded (``pan_tiles``, ``zoom_tiles``) and ``tiles`` (tile
        images in the first view).
    """
    from playwright.async_api import async_playwright

    async def run() -> dict:
        async with async_playwright() as pw:
            browser = await _launch(pw)
            try:
                out = await _login_and_draw(browser, base, password, count_bytes=True,
                                            timeout_s=timeout_s)
                page = out.pop("page")
                out.pop("context")
                frame = await _map_frame(page, timeout_s)
                out["tiles"] = await frame.evaluate(
                    "() => document.querySelectorAll('img.leaflet-tile').length")
                for how in ("pan", "zoom"):  # a move that never settles is nan, not a failure
                    out[f"{how}_seconds"], out[f"{how}_tiles"] = float("nan"), 0
                    await asyncio.sleep(1)
                    try:
                        frame = await _map_frame(page, timeout_s)
                        moved = await asyncio.wait_for(frame.evaluate(_MOVE_JS, how), 90)
                    except TimeoutError:
                        continue
                    if moved["ms"] >= 0:
                        out[f"{how}_seconds"] = moved["ms"] / 1000
                    out[f"{how}_tiles"] = int(moved["tiles"])
                return out
            finally:
                await browser.close()

    return asyncio.run(run())


def bench_folium_file(city: Mapping[str, gpd.GeoDataFrame], folder: Path, *,
                      cap_s: float = 60) -> dict:
    """Plain folium: the same grids and points in one HTML file, drawn in the same Chromium.

    Returns
    -------
    dict
        ``seconds`` (open -> page idle; ``None`` past ``cap_s``), ``build_seconds``
        (folium rendering the file), ``bytes`` (the file).
    """
    import folium

    from gridmap import assets

    start = time.perf_counter()
    vendor = assets.install_static(folder / "static")
    m = folium.Map(tiles=None, prefer_canvas=True)
    m.default_js, m.default_css = assets.offline_links(vendor.as_uri())
    minx, miny, maxx, maxy = city["grids"].total_bounds
    m.fit_bounds([[miny, minx], [maxy, maxx]])
    folium.GeoJson(city["grids"][["code", "geometry"]].to_json(), name="grids").add_to(m)
    folium.GeoJson(city["points"][["code", "geometry"]].to_json(), name="points",
                   marker=folium.CircleMarker(radius=3)).add_to(m)
    path = folder / "plain-folium.html"
    path.write_text(m.get_root().render(), encoding="utf-8")
    build = time.perf_counter() - start
    from playwright.async_api import TimeoutError as PlaywrightTimeout
    from playwright.async_api import async_playwright

    idle = "() => new Promise(r => requestIdleCallback(() => r(true), {timeout: 600000}))"

    async def run() -> float | None:
        async with async_playwright() as pw:
            browser = await _launch(pw)
            try:
                page = await browser.new_page(viewport=_VIEWPORT)
                t0 = time.perf_counter()
                try:
                    await page.goto(path.as_uri(), wait_until="load", timeout=cap_s * 1000)
                    left = max(cap_s - (time.perf_counter() - t0), 0.1)
                    await page.wait_for_function(idle, timeout=left * 1000)
                except PlaywrightTimeout:
                    return None
                return time.perf_counter() - t0
            finally:
                await browser.close()

    return {"seconds": asyncio.run(run()), "build_seconds": build,
            "bytes": path.stat().st_size}


# --- sessions --------------------------------------------------------------------------------

def bench_sessions(base: str, password: str, n: int, *, timeout_s: float = 300) -> dict:
    """One session alone, then ``n`` at once: login -> map drawn in separate contexts.

    Returns
    -------
    dict
        ``single`` (seconds), ``seconds`` (the ``n`` sessions' times, sorted),
        ``p50``, ``p95``, ``failed`` (sessions that did not draw the map).
    """
    from playwright.async_api import async_playwright

    async def one(browser) -> float | None:
        try:
            out = await _login_and_draw(browser, base, password, timeout_s=timeout_s)
        except Exception:
            return None
        await out["context"].close()
        return out["seconds"]

    async def run() -> dict:
        async with async_playwright() as pw:
            browser = await _launch(pw)
            try:
                single = await one(browser)
                times = await asyncio.gather(*(one(browser) for _ in range(n)))
            finally:
                await browser.close()
        done = sorted(t for t in times if t is not None)
        return {"single": single, "seconds": done, "failed": n - len(done),
                "p50": float(np.percentile(done, 50)) if done else float("nan"),
                "p95": float(np.percentile(done, 95)) if done else float("nan")}

    return asyncio.run(run())


# --- demo street -----------------------------------------------------------------------------

def _click_target(db: str) -> tuple[str, float, float]:
    """A grid of the store and a spot inside it, away from its outline and from markers."""
    from gridmap import snapshot
    from gridmap.store import open_store

    store = open_store(db, upgrade=False)
    try:
        frames = snapshot.load_frames(store)
    finally:
        store.close()
    grid = frames["grids"].iloc[len(frames["grids"]) // 2]
    markers = [frames[layer].geometry.to_numpy() for layer in snapshot.POINT_LAYERS
               if layer in frames and len(frames[layer])]
    tree = shapely.STRtree(np.concatenate(markers)) if markers else None
    core = grid.geometry.buffer(-0.0002)
    if core.is_empty:
        core = grid.geometry
    minx, miny, maxx, maxy = core.bounds
    best, gap = core.representative_point(), -1.0
    for x in np.linspace(minx, maxx, 20):
        for y in np.linspace(miny, maxy, 20):
            spot = shapely.Point(x, y)
            if not core.contains(spot):
                continue
            d = spot.distance(tree.geometries[tree.nearest(spot)]) if tree else 1.0
            if d > gap:
                best, gap = spot, d
    return str(grid["code"]), float(best.x), float(best.y)


async def _shown(page, text: str, timeout_s: float) -> None:
    """Wait until ``text`` is on the page, looking at every frame the browser paints.

    (Playwright's own waits look again only every 500 ms after the first few
    tries, which rounds a sub-second figure up by as much.)
    """
    await page.wait_for_function("t => document.body.innerText.includes(t)", arg=text,
                                 polling="raf", timeout=timeout_s * 1000)


def bench_street_clicks(base: str, password: str, db: str, *, timeout_s: float = 120) -> dict:
    """On the demo street: a grid click -> panel, an issue move -> visible, page reloads.

    Returns
    -------
    dict
        ``click_seconds`` and ``reload_seconds`` (the map page reloaded -> map
        drawn), ``move_seconds`` and ``issues_reload_seconds`` (the cases page
        reloaded -> case list shown); a value is ``nan`` when the page offered
        nothing to do (no case that can move).
    """
    from playwright.async_api import async_playwright

    code, lon, lat = _click_target(db)

    async def idle(page) -> None:
        await page.wait_for_function(
            "() => !document.querySelector('[data-testid=stStatusWidget]')",
            timeout=timeout_s * 1000)

    async def run() -> dict:
        async with async_playwright() as pw:
            browser = await _launch(pw)
            try:
                out = await _login_and_draw(browser, base, password, timeout_s=timeout_s)
                page = out["page"]
                await idle(page)
                await asyncio.sleep(1)
                frame = await _map_frame(page, timeout_s)
                spot = await frame.evaluate(
                    f"() => {{ const p = window.map.latLngToContainerPoint([{lat}, {lon}]);"
                    " return [p.x, p.y]; }")
                box = await page.locator(
                    "iframe[title='streamlit_folium.st_folium']").bounding_box()
                start = time.perf_counter()
                await page.mouse.click(box["x"] + spot[0], box["y"] + spot[1])
                await _shown(page, code, timeout_s)
                result = {"click_seconds": time.perf_counter() - start}
                start = time.perf_counter()
                await page.reload()
                await _map_frame(page, timeout_s)
                result["reload_seconds"] = time.perf_counter() - start
                result.update(await _issue_move(page, idle, timeout_s))
                return result
            finally:
                await browser.close()

    return asyncio.run(run())


async def _issue_move(page, idle, timeout_s: float) -> dict:
    from gridmap import i18n

    nan = {"move_seconds": float("nan"), "issues_reload_seconds": float("nan")}
    await page.get_by_role("link", name=i18n.t("nav.issues", lang="zh")).first.click()
    select = page.locator("[data-testid=stSelectbox]").filter(
        has_text=i18n.t("issues.select", lang="zh")).first
    await select.wait_for(timeout=timeout_s * 1000)
    await idle(page)
    start = time.perf_counter()
    await page.reload()
    await select.wait_for(timeout=timeout_s * 1000)
    await idle(page)
    reload_s = time.perf_counter() - start
    button = page.get_by_role("button", name=i18n.t("issues.move", lang="zh"))
    options = page.locator("[role=option]")
    for k in range(8):  # the first case that offers a move
        await select.click()
        await options.first.wait_for(timeout=timeout_s * 1000)
        if k >= await options.count():
            await page.keyboard.press("Escape")
            return nan
        await options.nth(k).click()
        await idle(page)
        await asyncio.sleep(0.5)
        if await button.count():
            break
    else:
        return nan
    done = i18n.t("issues.moved", lang="zh", status="").split("「")[0]
    start = time.perf_counter()
    await button.first.click()
    await _shown(page, done, timeout_s)
    return {"move_seconds": time.perf_counter() - start, "issues_reload_seconds": reload_s}


def bench_rerun(db: str, config: str, *, repeat: int = 3) -> dict:
    """Server time of a map page rerun (AppTest) beside a plain Streamlit page of the same layers.

    Runs ``scripts/bench_rerun.py`` in a child process (the library never
    imports Streamlit). Returns ``seconds`` and ``baseline_seconds`` (best of
    ``repeat`` reruns after a first run).
    """
    import json

    script = _ROOT / "scripts" / "bench_rerun.py"
    env = dict(os.environ, GRIDMAP_DB=db, GRIDMAP_CONFIG=config)
    done = subprocess.run([sys.executable, str(script), "--repeat", str(repeat)], env=env,
                          capture_output=True, text=True, timeout=600, cwd=_ROOT, check=False)
    if done.returncode != 0:
        msg = f"bench_rerun.py failed: {done.stderr[-2000:]}"
        raise RuntimeError(msg)
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- figures ---------------------------------------------------------------------------------

def _skipped(name: str, target: str, why: str) -> Figure:
    return Figure(name, float("nan"), None, target, why)


def figures(city: Mapping[str, gpd.GeoDataFrame], workdir: Path, *, sessions: int = 8,
            cap_s: float = 60, echo=print) -> list[Figure]:
    """Run every app figure (city map, demo street, concurrent sessions); print and return them."""
    why = browser_missing()
    if why:
        out = [_skipped("city map: login -> drawn", "<= 3 s", why)]
        for fig in out:
            echo(fig.line())
        return out
    out: list[Figure] = []

    def add(*figs: Figure) -> None:
        for fig in figs:
            echo(fig.line())
            out.append(fig)

    n_features = sum(len(city[k]) for k in ("grids", "points", "bins", "communities"))
    db = build_store(workdir / "app-city.sqlite", city)
    with serve(db, workdir / "app-city", workers=2) as server:
        try:
            view = bench_city_view(server["url"], server["password"])
        except (TimeoutError, RuntimeError) as exc:  # a slow or broken run: say so, go on
            add(_skipped("city map: login -> drawn", "<= 3 s", f"failed: {exc}"))
            view = None
        if view is None:
            return out
        base = bench_folium_file(city, workdir, cap_s=cap_s)
        late = base["seconds"] is None
        note = (f"{n_features:,} features, {view['tiles']} tiles; baseline: plain folium "
                f"GeoJson in one {base['bytes'] / 1e6:.0f} MB file (built in "
                f"{base['build_seconds']:.0f} s)" + (f", > {cap_s:.0f} s cap" if late else ""))
        add(Figure("city map: login -> drawn", view["seconds"],
                   cap_s if late else base["seconds"], "<= 3 s", note),
            SizeFigure("city map: first visit transferred", view["bytes"], base["bytes"],
                       "<= 2 MB", "incl. Streamlit's scripts; baseline: the folium file"),
            SizeFigure("  after the login click", view["bytes_after_login"], base["bytes"],
                       "", "page, map HTML over the websocket, tiles"),
            Figure("city map: one pan (tiles loaded)", view["pan_seconds"], None, "<= 0.5 s",
                   f"{view.get('pan_tiles', 0)} new tiles"),
            Figure("city map: one zoom (tiles loaded)", view["zoom_seconds"], None, "<= 0.5 s",
                   f"{view.get('zoom_tiles', 0)} new tiles"))
        crowd = bench_sessions(server["url"], server["password"], sessions)
        failed = f", {crowd['failed']} failed" if crowd["failed"] else ""
        add(Figure(f"{sessions} sessions (--workers 2): p50", crowd["p50"], crowd["single"],
                   "", f"login -> map drawn; baseline: one session alone{failed}"),
            Figure(f"{sessions} sessions (--workers 2): p95", crowd["p95"], crowd["single"], ""))

    from gridmap.importing import import_demo
    from gridmap.store import Store

    street_db = f"sqlite:///{workdir / 'app-street.sqlite'}"
    store = Store(street_db)
    try:
        store.upgrade()
        import_demo(store)
    finally:
        store.close()
    with serve(street_db, workdir / "app-street") as server:
        rerun = bench_rerun(street_db, server["config"])
        add(Figure("demo street: map page rerun", rerun["seconds"], rerun["baseline_seconds"],
                   "<= 0.3 s", "server time (AppTest); baseline: plain Streamlit page, "
                   "plain folium of the same layers"))
        clicks = bench_street_clicks(server["url"], server["password"], street_db)
        add(Figure("demo street: grid click -> panel", clicks["click_seconds"],
                   clicks["reload_seconds"], "<= 0.5 s",
                   "fragment rerun; baseline: reload the map page -> map drawn"),
            Figure("demo street: issue move -> visible", clicks["move_seconds"],
                   clicks["issues_reload_seconds"], "<= 1 s",
                   "case panel fragment; baseline: reload the cases page"))
    return out
