"""The field loop in Chromium (issue 15): picking inside grids, a worker's and a volunteer's
phone pages at 390×844, a double submit, a reload that keeps the draft.

Screenshots of the phone pages go to the test's folder and to ``test-output/``
(``field-*.png``) to be looked at. The server and login are those of
``test_browser.py``; the network is cut off at name resolution.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
from pathlib import Path

import pytest
from test_browser import CHROMIUM, OFFLINE_ARGS, PASSWORD, server  # noqa: F401

from gridmap import auth, issues, snapshot
from gridmap.errors import PermissionDenied
from gridmap.records import users
from gridmap.store import assignments, open_store

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
PHONE = {"width": 390, "height": 844}
FIELD_PW = "field-pass-1"
MAP = "iframe[title='streamlit_folium.st_folium']"


def _jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (640, 480), (60, 120, 200)).save(out, "JPEG")
    return out.getvalue()


def _log_in(page, base: str, name: str, password: str) -> None:
    page.goto(base)
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def _idle(page) -> None:
    page.wait_for_timeout(800)
    page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')",
                           timeout=60_000)


def _map_frame(page):
    page.locator(MAP).first.wait_for(timeout=60_000)
    page.frame_locator(MAP).first.locator(".leaflet-container").wait_for(timeout=60_000)
    frame = next(f for f in page.frames if "st_folium" in f.url)
    frame.wait_for_function(
        "() => { if (!(window.L && window.map)) return false; let n = 0;"
        " window.map.eachLayer(l => { if (l instanceof L.Polygon) n++; }); return n > 0; }",
        timeout=60_000)
    return frame


def _tap_map(page, lon: float, lat: float) -> None:
    """Click the map at a position (after the map settled), as a finger would."""
    frame = _map_frame(page)
    page.locator(MAP).first.scroll_into_view_if_needed()
    _idle(page)
    # pan first if the spot is off the map (as a user would), e.g. after a locate zoomed in
    frame.evaluate(f"() => {{ const p = L.latLng({lat}, {lon});"
                   " if (!window.map.getBounds().pad(-0.1).contains(p))"
                   " window.map.setView(p, window.map.getZoom(), {animate: false}); }")
    page.wait_for_timeout(300)
    spot = frame.evaluate(f"() => {{ const p = window.map.latLngToContainerPoint([{lat}, {lon}]);"
                          " return [p.x, p.y]; }")
    box = page.locator(MAP).first.bounding_box()
    page.mouse.click(box["x"] + spot[0], box["y"] + spot[1])


def _picked(page, code: str, timeout: float = 30_000) -> tuple[float, float]:
    """Wait for the caption naming the picked grid; return its (lon, lat)."""
    caption = page.get_by_text(re.compile(rf"已选位置：.*网格 {re.escape(code)}"))
    caption.first.wait_for(timeout=timeout)
    text = caption.first.inner_text()
    lon, lat = re.search(r"经度 ([\d.]+)，纬度 ([\d.]+)", text).groups()
    return float(lon), float(lat)


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("() => document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways: {width} px wide"


def _shot(page, tmp_path: Path, name: str) -> None:
    path = tmp_path / f"field-{name}.png"
    page.screenshot(path=str(path))
    out = ROOT / "test-output"
    out.mkdir(exist_ok=True)
    shutil.copyfile(path, out / path.name)


@pytest.fixture(scope="module")
def field(server):  # noqa: F811
    """Accounts and cases on the served store: a worker of grid A, a volunteer, an inspector."""
    store = open_store(server["db"], upgrade=False)
    admin = auth.authenticate(store, "admin", PASSWORD)
    frames = snapshot.load_frames(store)
    grids = frames["grids"]
    today = dt.date.today()
    first = grids.iloc[7]
    worker = store.workers_of(first["code"], on=today)[0]["code"]
    mine = set(assignments.worker_grids(store, worker, on=today))
    other = grids[~grids["code"].isin(mine)].iloc[0]
    users.add_user(store, "wk", FIELD_PW, role="worker", worker=worker, by=admin)
    users.add_user(store, "vol", FIELD_PW, role="volunteer", by=admin)
    users.add_user(store, "insp", FIELD_PW, role="inspector", by=admin)
    insp = auth.authenticate(store, "insp", FIELD_PW)
    cases = {}
    for name, row in (("mine", first), ("other", grids.iloc[list(grids["code"]).index(
            other["code"])])):
        point = row.geometry.representative_point()
        made = issues.report_issue(store, insp, category="市容环境", lon=point.x, lat=point.y,
                                   photos=[_jpeg()])
        version = issues.move_issue(store, admin, made.id, "registered", version=1)
        issues.move_issue(store, admin, made.id, "dispatched", version=version)
        cases[name] = made
    yield {"store": store, "admin": admin, "frames": frames, "cases": cases,
           "grid": first, "other": other, "url": server["url"]}
    store.close()


def test_a_tap_inside_a_grid_picks_on_every_picking_page(field, tmp_path):
    from playwright.sync_api import sync_playwright

    grid = field["grid"]
    spot = grid.geometry.representative_point()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=OFFLINE_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1300, "height": 1000})
            _log_in(page, field["url"] + "report", "admin", PASSWORD)
            page.get_by_role("heading", name="问题上报").wait_for(timeout=60_000)
            _idle(page)
            _tap_map(page, spot.x, spot.y)
            lon, lat = _picked(page, grid["code"])
            assert abs(lon - spot.x) < 1e-4 and abs(lat - spot.y) < 1e-4  # a few metres
            # on the same page, a tap exactly on a report marker picks too
            issue = field["cases"]["mine"]
            _idle(page)
            _tap_map(page, issue.lon, issue.lat)
            lon, lat = _picked(page, grid["code"])
            assert abs(lon - issue.lon) < 1e-4 and abs(lat - issue.lat) < 1e-4

            page.get_by_role("link", name="设施台账").first.click()
            page.get_by_role("heading", name="设施台账").wait_for(timeout=60_000)
            page.get_by_text("新增设施", exact=True).first.click()
            _idle(page)
            _tap_map(page, spot.x, spot.y)
            lon, lat = _picked(page, grid["code"])
            assert abs(lon - spot.x) < 1e-4 and abs(lat - spot.y) < 1e-4

            page.get_by_role("link", name="网格调配").first.click()
            page.get_by_role("heading", name="网格调配").wait_for(timeout=60_000)
            _idle(page)
            first_community = page.locator("[data-testid=stMultiSelect]").first.inner_text()
            grids = field["frames"]["grids"]
            names = dict(zip(field["frames"]["communities"]["code"],
                             field["frames"]["communities"]["name"], strict=True))
            code = next(c for c, n in names.items() if n in first_community)
            target = grids[grids["community"] == code].iloc[1]
            inside = target.geometry.representative_point()
            _tap_map(page, inside.x, inside.y)
            page.locator("[data-testid=stMultiSelect]").filter(
                has_text=target["code"]).first.wait_for(timeout=30_000)
            page.screenshot(path=str(tmp_path / "reassign.png"))
        finally:
            browser.close()


def test_worker_on_a_phone_acknowledges_and_handles_their_case(field, tmp_path):
    from playwright.sync_api import sync_playwright

    store = field["store"]
    mine, other = field["cases"]["mine"], field["cases"]["other"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=OFFLINE_ARGS)
        try:
            context = browser.new_context(viewport=PHONE, device_scale_factor=2,
                                          is_mobile=True, has_touch=True)
            page = context.new_page()
            _log_in(page, field["url"], "wk", FIELD_PW)
            page.get_by_role("heading", name="我的待办").wait_for(timeout=60_000)
            _idle(page)
            page.get_by_text(mine.code).first.wait_for(timeout=30_000)
            assert page.get_by_text(other.code).count() == 0
            ack = page.get_by_role("button", name="签收")
            box = ack.bounding_box()
            assert box["height"] >= 44 and box["y"] + box["height"] <= PHONE["height"]
            _no_sideways_scroll(page)
            _shot(page, tmp_path, "todo")
            ack.click()
            page.get_by_text("已签收（wk）").wait_for(timeout=30_000)
            _idle(page)
            page.get_by_text("处置", exact=True).first.click()
            uploads = page.locator("[data-testid=stFileUploaderDropzoneInput]")
            uploads.nth(1).set_input_files(
                files=[{"name": "after.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()}])
            page.get_by_text("after.jpg").wait_for(timeout=30_000)
            page.get_by_label("处置说明").fill("已清理干净")
            page.get_by_role("button", name="提交处置").click()
            page.get_by_text(re.compile("已提交处置")).first.wait_for(timeout=30_000)
            _idle(page)
            _no_sideways_scroll(page)
            _shot(page, tmp_path, "todo-done")
        finally:
            browser.close()
    row = store.get("issue_reports", mine.id)
    assert row["status"] == "handled" and row["attrs"]["acknowledged"]["by"] == "wk"
    detail = issues.issue_detail(store, field["admin"], mine.id)
    assert detail["timeline"][-1]["user"] == "wk"
    assert "after" in {p["kind"] for p in detail["photos"]}
    # whoever handled may not verify: the worker (no right) and, by the separation of
    # duties, an inspector who recorded a handling
    worker = auth.authenticate(store, "wk", FIELD_PW)
    with pytest.raises(PermissionDenied):
        issues.move_issue(store, worker, mine.id, "verified", version=row["version"])
    insp = auth.authenticate(store, "insp", FIELD_PW)
    version = issues.move_issue(store, insp, other.id, "handled",
                                version=store.get("issue_reports", other.id)["version"])
    with pytest.raises(PermissionDenied, match="separation of duties") as refused:
        issues.move_issue(store, insp, other.id, "verified", version=version)
    assert refused.value.text("zh").startswith("分离职责")
    issues.move_issue(store, insp, mine.id, "verified", version=row["version"])


def test_volunteer_reports_on_a_phone_keeps_the_draft_and_a_double_tap_makes_one_case(
    field, tmp_path
):
    from playwright.sync_api import sync_playwright

    store = field["store"]
    grid, other = field["grid"], field["other"]
    spot = grid.geometry.representative_point()
    there = other.geometry.representative_point()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=OFFLINE_ARGS)
        try:
            context = browser.new_context(
                viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                geolocation={"latitude": there.y, "longitude": there.x},
                permissions=["geolocation"],
            )
            page = context.new_page()
            _log_in(page, field["url"], "vol", FIELD_PW)
            page.get_by_role("heading", name="问题上报").wait_for(timeout=60_000)  # 1st page
            _idle(page)
            _map_frame(page)
            _shot(page, tmp_path, "report")
            submit = page.get_by_role("button", name="提交上报")
            box = submit.bounding_box()
            assert box["height"] >= 44 and box["y"] + box["height"] <= PHONE["height"], box
            _no_sideways_scroll(page)

            page.get_by_text("市容环境", exact=True).first.click()  # tap 1: the category
            _idle(page)
            page.locator("[data-testid=stFileUploaderDropzoneInput]").first.set_input_files(
                files=[{"name": "scene.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()}])
            _idle(page)  # tap 2: the photo
            page.frame_locator(MAP).first.locator(".gridmap-locate a").click()  # tap 3
            _picked(page, other["code"])
            _idle(page)
            _tap_map(page, spot.x, spot.y)  # or a tap on the map, inside a grid
            _picked(page, grid["code"])
            _idle(page)

            page.reload()  # the draft is kept server-side
            page.get_by_role("heading", name="问题上报").wait_for(timeout=60_000)
            _idle(page)
            _picked(page, grid["code"])
            _shot(page, tmp_path, "report-draft")
            page.get_by_role("button", name="移除已保存的照片").wait_for(timeout=30_000)
            kept = issues.field.load_draft(store, auth.authenticate(store, "vol", FIELD_PW))
            assert kept.category == "市容环境" and kept.photo and kept.lon is not None

            before = len(issues.field.my_reports(store, auth.authenticate(store, "vol",
                                                                         FIELD_PW)))
            page.get_by_role("button", name="提交上报").dblclick()
            page.get_by_text(re.compile("已上报，案件编号 AJ")).first.wait_for(timeout=60_000)
            _idle(page)
            page.wait_for_timeout(2000)
            _no_sideways_scroll(page)
            _shot(page, tmp_path, "report-done")
            vol = auth.authenticate(store, "vol", FIELD_PW)
            reports = issues.field.my_reports(store, vol)
            assert len(reports) == before + 1
            code = reports["code"].iloc[0]
            assert page.get_by_text(re.compile(f"已上报，案件编号 {code}")).count() == 1
            assert page.get_by_text("移除已保存的照片").count() == 0  # the form cleared

            page.goto(field["url"] + "my_reports")  # (the phone's sidebar is folded away)
            page.get_by_role("heading", name="我的上报").wait_for(timeout=60_000)
            _idle(page)
            page.get_by_text(code).first.wait_for(timeout=30_000)
            assert page.get_by_text(field["cases"]["mine"].code).count() == 0
            _no_sideways_scroll(page)
            _shot(page, tmp_path, "my-reports")
        finally:
            browser.close()
