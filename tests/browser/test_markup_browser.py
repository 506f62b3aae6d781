"""Markup in user text stays text in a real browser (issue #14, item 4).

Every community, worker and board name and every issue description of a demo store hold
a Markdown image, a Markdown link, an auto-link and an HTML image, all pointing at a tiny
HTTP server on 127.0.0.1 that counts its hits. Chromium (Debian's, via Playwright) logs
in, opens the map, clicks a grid for its side panel (the community name is shown there)
and opens the issue and point pages. The counting server must see no request, no page
or map frame may hold an ``<img>`` or ``<a>`` pointing at it, and the payload must be
visible as the literal text it is.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest

from gridmap import auth
from gridmap.importing import import_demo
from gridmap.records import points
from gridmap.store import open_store
from tests.browser.appserver import CHROMIUM, log_in_to_map, need_chromium, serving
from tests.browser.test_browser import CHROMIUM_ARGS, _click_target

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "browser-markup-pw-1"


@pytest.fixture(scope="module")
def counter() -> Iterator[dict]:
    """An HTTP server on 127.0.0.1 counting every request (the payloads' target)."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield {"port": httpd.server_address[1], "hits": hits}
    finally:
        httpd.shutdown()
        httpd.server_close()


def _payload(port: int, n: int) -> str:
    base = f"http://127.0.0.1:{port}"
    return (f"PXL{n} ![p]({base}/md-image-{n}.png) [link]({base}/md-link-{n}) "
            f"{base}/autolink-{n} <img src=\"{base}/html-image-{n}.png\">")


@pytest.fixture(scope="module")
def payload_server(tmp_path_factory, counter) -> Iterator[dict]:
    need_chromium()
    folder = tmp_path_factory.mktemp("markup")
    url = f"sqlite:///{folder / 'store.sqlite'}"
    store = open_store(url)
    try:
        import_demo(store)
        port = counter["port"]
        admin = auth.User("admin", auth.UserRole.ADMIN)
        for table, column in (("communities", "name"), ("workers", "name")):
            for i, row in store.read_layer(table).iterrows():
                store.update(table, int(row["id"]), {column: _payload(port, i)},
                             version=int(row["version"]), username="test")
        for i, row in store.read_layer("issues").iterrows():
            store.update("issue_reports", int(row["id"]), {"description": _payload(port, i)},
                         version=int(row["version"]), username="test")
        for i, row in store.read_layer("boards").head(200).iterrows():
            points.update_point(store, admin, int(row["id"]), {"name": _payload(port, i)},
                                version=int(row["version"]))
    finally:
        store.close()
    env = {"GRIDMAP_ADMIN_PASSWORD": PASSWORD, "XDG_DATA_HOME": str(folder / "data")}
    with serving(folder, url, "--no-demo", env=env) as base:
        yield {"url": base, "db": url}


_LIVE_ELEMENTS = """(port) => [...document.querySelectorAll('img[src], a[href], [srcset]')]
    .map(e => e.getAttribute('src') || e.getAttribute('href') || e.getAttribute('srcset'))
    .filter(v => v.includes('127.0.0.1:' + port))"""



def _live_elements(page, port: int) -> list[str]:
    found: list[str] = []
    for frame in page.frames:
        try:
            found += frame.evaluate(_LIVE_ELEMENTS, port)
        except Exception:
            continue
    return found


def _settle(page) -> None:
    page.wait_for_timeout(2500)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=stStatusWidget]')", timeout=60_000)


def test_markup_in_user_text_makes_no_request_and_no_live_element(payload_server, counter,
                                                                   tmp_path):
    from playwright.sync_api import sync_playwright

    port = counter["port"]
    code, _lon, _lat = _click_target(payload_server["db"])
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            log_in_to_map(page, payload_server["url"], PASSWORD)
            _settle(page)
            # find the grid by its code: the side panel shows it (and its community)
            search = page.get_by_label("查找网格")
            search.fill(code)
            search.press("Enter")
            try:
                page.get_by_text(f"网格 {code}").first.wait_for(timeout=60_000)
            except Exception:
                page.screenshot(path=str(tmp_path / "no-panel.png"))
                raise
            _settle(page)
            # the grid panel names the community: its payload shows as literal text
            text = page.inner_text("body").replace("\u2060", "")  # md()'s word joiners
            assert f"![p](http://127.0.0.1:{port}/md-image-" in text
            map_live = _live_elements(page, port)

            pages_live = {}
            for path in ("issues", "points", "workers"):
                page.goto(payload_server["url"] + path)
                _settle(page)
                pages_live[path] = _live_elements(page, port)
            page.screenshot(path=str(tmp_path / "markup.png"))
        finally:
            browser.close()
    assert map_live == []
    assert pages_live == {"issues": [], "points": [], "workers": []}
    assert counter["hits"] == []
