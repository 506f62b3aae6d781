"""A real browser session: Debian's Chromium, driven by Playwright, with the network cut off.

``gridmap serve`` runs on a temporary store; every request to a host other than
localhost is aborted (and recorded). The test logs in, checks that Leaflet drew
grid polygons and point markers inside the st_folium iframe, clicks a grid and
expects its panel, and saves a screenshot in the test's folder and in
``test-output/``.

Never run ``playwright install``: the browser is the system's /usr/bin/chromium.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from urllib.parse import urlparse

import numpy as np
import pytest
import shapely
from appserver import CHROMIUM, MAP_IFRAME, ROOT, log_in_to_map, need_chromium, serving

from gridmap import snapshot
from gridmap.store import open_store

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "browser-test-pw-1"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]  # fmt: skip


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    need_chromium()
    folder = tmp_path_factory.mktemp("served")
    url = f"sqlite:///{folder / 'store.sqlite'}"
    with serving(folder, url, "--db", url, "--admin-password", PASSWORD) as base:
        yield {"url": base, "db": url, "folder": folder}


def _click_target(db_url: str, index: int = 7) -> tuple[str, float, float]:
    """A grid (the ``index``-th) and a spot inside it a few metres from every point marker."""
    store = open_store(db_url, upgrade=False)
    try:
        frames = snapshot.load_frames(store)
    finally:
        store.close()
    grid = frames["grids"].iloc[index]
    markers = np.concatenate([frames[layer].geometry.to_numpy() for layer in snapshot.POINT_LAYERS])
    tree = shapely.STRtree(markers)
    minx, miny, maxx, maxy = grid.geometry.bounds
    core = grid.geometry.buffer(-0.0002)  # display only: keep away from the outline
    best, best_gap = None, -1.0
    for x in np.linspace(minx, maxx, 30):
        for y in np.linspace(miny, maxy, 30):
            spot = shapely.Point(x, y)
            if not core.contains(spot):
                continue
            gap = spot.distance(markers[tree.nearest(spot)])
            if gap > best_gap:
                best, best_gap = spot, gap
    assert best is not None
    return str(grid["code"]), float(best.x), float(best.y)


def test_map_draws_offline_and_a_grid_click_shows_its_panel(server, tmp_path):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    code, lon, lat = _click_target(server["db"])
    blocked: list[str] = []

    def route(request_route) -> None:
        url = request_route.request.url
        host = urlparse(url).hostname
        if host in LOCAL_HOSTS or url.startswith(("data:", "blob:", "about:")):
            request_route.continue_()
        else:
            blocked.append(url)
            request_route.abort()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            page.context.route("**/*", route)
            log_in_to_map(page, server["url"], PASSWORD)
            iframe = page.locator(MAP_IFRAME)
            page.frame_locator(MAP_IFRAME).locator(
                ".leaflet-container"
            ).wait_for(timeout=60_000)
            frame = next(f for f in page.frames if "st_folium" in f.url)
            frame.wait_for_function("() => window.L && window.map", timeout=60_000)
            frame.wait_for_function(
                "() => { let n = 0;"
                " window.map.eachLayer(l => { if (l instanceof L.Polygon) n++; });"
                " return n > 0; }",
                timeout=60_000,
            )
            polygons, markers, drawn = frame.evaluate(
                """() => {
                    let polygons = 0, markers = 0;
                    window.map.eachLayer(l => {
                        if (l instanceof L.Polygon) polygons++;
                        else if (l instanceof L.CircleMarker) markers++;
                    });
                    // what the canvas renderer painted: count non-background pixels
                    let drawn = 0;
                    for (const c of document.querySelectorAll("canvas.leaflet-zoom-animated")) {
                        const data = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
                        for (let i = 3; i < data.length; i += 4 * 7) if (data[i] > 0) drawn++;
                    }
                    return [polygons, markers, drawn];
                }"""
            )
            assert polygons >= 40 + 5  # grids and communities of the demo street
            assert markers > 1000
            assert drawn > 2_000  # sampled every 7th pixel

            # click the spot; retry if the app was still busy (a rerun remounts the map)
            for attempt in range(3):
                page.wait_for_timeout(1000)
                frame = next(f for f in page.frames if "st_folium" in f.url)
                spot = frame.evaluate(
                    f"() => {{ const p = window.map.latLngToContainerPoint([{lat}, {lon}]);"
                    " return [p.x, p.y]; }"
                )
                box = iframe.bounding_box()
                page.mouse.click(box["x"] + spot[0], box["y"] + spot[1])
                try:
                    page.get_by_text(code).first.wait_for(timeout=20_000)
                    break
                except PlaywrightTimeout:
                    if attempt == 2:
                        page.screenshot(path=str(tmp_path / "no-panel.png"))
                        raise
            page.wait_for_timeout(1500)  # let the panel's tables settle for the screenshot
            shot = tmp_path / "map.png"
            page.screenshot(path=str(shot))
        finally:
            browser.close()

    out = ROOT / "test-output"
    out.mkdir(exist_ok=True)
    shutil.copyfile(shot, out / "browser-map.png")
    assert shot.stat().st_size > 50_000
    assert blocked == [], f"the page asked for non-local resources: {blocked}"


#: In the page: the values the map's frame posts; in the frame: count streamlit-folium's own
#: (debounced) sends, in the page, which keeps the count if a rerun remounts the frame
_COUNT_PAGE = """() => { window.gmSent = []; window.gmDebounced = 0;
  window.addEventListener('message', e => {
    if (e.data && e.data.type === 'streamlit:setComponentValue') window.gmSent.push(e.data.value);
  }); }"""
_COUNT_FRAME = """() => { const send = window.Streamlit.setComponentValue;
  window.Streamlit.setComponentValue = v => { window.parent.gmDebounced++; return send(v); }; }"""


def test_a_click_sends_one_value_at_once_and_a_pan_stays_debounced(server, tmp_path):
    """A grid click: its panel, one value, sent by gridmap's hook (leaflet.ClickSend).

    The popup the click opens may pan the map; that pan sends nothing more (one
    rerun per click). A drag of the map is still sent by streamlit-folium, after its
    debounce, once.
    """
    from playwright.sync_api import sync_playwright

    # a grid on the top row: its popup does not fit and pans the map; then one to the south
    targets = [_click_target(server["db"], index) for index in (1, 20)]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=OFFLINE_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            log_in_to_map(page, server["url"], PASSWORD)
            iframe = page.locator(MAP_IFRAME)

            def settle() -> None:
                page.wait_for_timeout(2000)  # past streamlit-folium's 250 ms debounce
                page.wait_for_function(
                    "() => !document.querySelector('[data-testid=stStatusWidget]')",
                    timeout=60_000)

            def frame():
                found = next(f for f in page.frames if "st_folium" in f.url)
                found.wait_for_function(  # streamlit-folium loaded, the grids drawn
                    "() => { if (!(window.L && window.map && window.Streamlit)) return false;"
                    " let n = 0; window.map.eachLayer(l => { if (l instanceof L.Polygon) n++; });"
                    " return n > 0; }", timeout=60_000)
                return found

            def spot(lon: float, lat: float) -> tuple[float, float]:
                x, y = frame().evaluate(
                    f"() => {{ const p = window.map.latLngToContainerPoint([{lat}, {lon}]);"
                    " return [p.x, p.y]; }")
                box = iframe.bounding_box()
                return box["x"] + x, box["y"] + y

            settle()
            page.evaluate(_COUNT_PAGE)
            frame().evaluate(_COUNT_FRAME)
            before = frame().evaluate("() => window.map.getCenter()")
            for n, (code, lon, lat) in enumerate(targets, start=1):
                page.mouse.click(*spot(lon, lat))
                page.get_by_text(code).first.wait_for(timeout=30_000)
                settle()
                sent = page.evaluate("() => window.gmSent")
                assert len(sent) == n, sent  # one value per click, the popup's pan included
                assert page.evaluate("() => window.gmDebounced") == 0
                clicked = sent[-1]["last_object_clicked"]
                assert abs(clicked["lng"] - lon) < 1e-4 and abs(clicked["lat"] - lat) < 1e-4
                assert set(sent[-1]) == {"last_object_clicked", "last_clicked", "center", "zoom"}
            assert sent[0]["center"] != {"lat": before["lat"], "lng": before["lng"]}  # it panned
            page.screenshot(path=str(tmp_path / "clicked.png"))

            x, y = spot(*targets[0][1:])  # a drag: a pan, sent after the debounce
            page.mouse.move(x, y)
            page.mouse.down()
            for step in range(1, 11):
                page.mouse.move(x + 15 * step, y + 10 * step)
            page.mouse.up()
            settle()
            sent = page.evaluate("() => window.gmSent")
            assert len(sent) == len(targets) + 1
            assert page.evaluate("() => window.gmDebounced") == 1
            assert sent[-1]["center"] != sent[-2]["center"]
            assert sent[-1]["last_object_clicked"] == sent[-2]["last_object_clicked"]
        finally:
            browser.close()


#: Sidebar entries of an admin, in order; pages with a map must draw it with a height.
SIDEBAR = ["地图", "设施台账", "问题上报", "我的上报", "网格划分", "网格调配", "网格员管理",
           "创建检查", "案件处置", "考核看板", "导入", "导出", "用户管理", "设置",
           "关于"]  # fmt: skip
#: Cut the network at name resolution: unlike request interception (page.route), this
#: leaves Streamlit's lazily loaded widgets (st.dataframe) alone.
OFFLINE_ARGS = [*CHROMIUM_ARGS,
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"]


def test_every_page_renders_offline_without_errors(server, tmp_path):
    from playwright.sync_api import sync_playwright

    failed: list[str] = []
    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=OFFLINE_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.on("requestfailed", lambda r: failed.append(r.url)
                    if urlparse(r.url).hostname not in LOCAL_HOSTS else None)
            page.goto(server["url"])
            page.get_by_label("用户名").fill("admin")
            page.get_by_label("密码").fill(PASSWORD)
            page.get_by_role("button", name="登录").click()
            page.get_by_role("link", name=SIDEBAR[0]).first.wait_for(timeout=60_000)
            for label in SIDEBAR:
                page.get_by_role("link", name=label).first.click()
                page.wait_for_timeout(2500)
                page.wait_for_function(
                    "() => !document.querySelector('[data-testid=stStatusWidget]')",
                    timeout=60_000)
                page.wait_for_timeout(1500)
                if page.locator("[data-testid=stException]").count():
                    problems.append(f"{label}: an exception is shown")
                for height in page.evaluate(
                    "() => Array.from(document.querySelectorAll("
                    "\"iframe[title='streamlit_folium.st_folium']\"))"
                    ".map(f => f.getBoundingClientRect().height)"
                ):
                    if height < 100:
                        problems.append(f"{label}: the map is {height} px high")
                page.screenshot(path=str(tmp_path / f"page-{SIDEBAR.index(label):02d}.png"))
        finally:
            browser.close()
    assert problems == []
    assert failed == [], f"the pages asked for non-local resources: {failed}"


def test_login_survives_reload_deep_link_and_tabs_and_admin_changes_end_it(server, tmp_path):
    """Server-side sessions (issue 13): what a user does in Chromium, and what an admin does.

    The admin's changes go through gridmap.records.users, the functions the users page
    calls, on the served store (another process than the server).
    """
    from playwright.sync_api import sync_playwright

    from gridmap import auth
    from gridmap.records import users

    store = open_store(server["db"], upgrade=False)
    admin = auth.authenticate(store, "admin", PASSWORD)
    user_pw = "tab-user-pw-1"
    auth.create_user(store, "tabuser", user_pw, role="planner", by=admin)
    base = server["url"]

    def log_in(page, path: str) -> None:
        page.goto(base + path)
        page.get_by_label("用户名").fill("tabuser")
        page.get_by_label("密码").fill(user_pw)
        page.get_by_role("button", name="登录").click()

    def next_click_shows_login(page, reason: str) -> None:
        page.get_by_role("link", name="设施台账").first.click()
        page.get_by_label("用户名").wait_for(timeout=60_000)
        page.get_by_text(reason).wait_for(timeout=30_000)

    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=OFFLINE_ARGS)
            try:
                context = browser.new_context(viewport={"width": 1300, "height": 900})
                page = context.new_page()
                log_in(page, "issues?code=AJ-none")  # a deep link before the login
                page.get_by_role("heading", name="案件处置").wait_for(timeout=60_000)
                assert page.url == base + "issues?code=AJ-none"
                page.reload()
                page.get_by_role("heading", name="案件处置").wait_for(timeout=60_000)
                assert page.get_by_label("用户名").count() == 0
                second = context.new_page()  # a second tab, a bookmark of another page
                second.goto(base + "points")
                second.get_by_role("heading", name="设施台账").wait_for(timeout=60_000)
                second.close()
                unknown = context.new_page()
                unknown.goto(base + "no-such-page")
                assert unknown.get_by_role("heading", name="页面不存在").is_visible()
                unknown.close()

                users.disable_user(store, "tabuser", by=admin)
                next_click_shows_login(page, "您的账户已被管理员停用")

                users.enable_user(store, "tabuser", by=admin)
                log_in(page, "points")
                page.get_by_role("heading", name="设施台账").wait_for(timeout=60_000)
                users.set_role_and_scope(store, "tabuser", role="viewer", scope=None, by=admin)
                next_click_shows_login(page, "管理员更改了您的角色或范围")

                log_in(page, "points")
                page.get_by_role("heading", name="设施台账").wait_for(timeout=60_000)
                user_pw = "tab-user-pw-2"
                users.reset_password(store, "tabuser", user_pw, by=admin)
                next_click_shows_login(page, "管理员重置了您的密码")
                page.screenshot(path=str(tmp_path / "revoked.png"))
            finally:
                browser.close()
    finally:
        store.close()


def test_the_first_page_keeps_its_own_address_before_and_after_login(server):
    """A bookmark of /map (the admin's first page) once got Streamlit's "Page not found"."""
    from playwright.sync_api import sync_playwright

    base = server["url"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=OFFLINE_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1300, "height": 900})
            page.goto(base + "map")  # logged out: the login form, usable
            page.get_by_label("用户名").fill("admin")
            page.get_by_label("密码").fill(PASSWORD)
            page.get_by_role("button", name="登录").click()
            page.get_by_role("heading", name="地图").wait_for(timeout=60_000)
            assert page.url == base + "map"
            page.goto(base)  # the root goes on to the first page, under its own address
            page.get_by_role("heading", name="地图").wait_for(timeout=60_000)
            page.wait_for_url(base + "map", timeout=30_000)
            page.goto(base + "map")
            page.get_by_role("heading", name="地图").wait_for(timeout=60_000)
            assert page.get_by_text("Page not found").count() == 0
        finally:
            browser.close()
