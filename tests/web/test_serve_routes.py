"""``gridmap serve`` as real processes: routes, headers, cookies, and two servers on one PostGIS.

Requests go to 127.0.0.1 only, with the standard library's HTTP client.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from gridmap.bench._process import free_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "serve-test-pw-1"


def _request(port: int, method: str, path: str, *, body: str | None = None,
             headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


class Served:
    """One ``python -m gridmap serve`` process."""

    def __init__(self, db: str, folder: Path, *extra: str) -> None:
        self.port = free_port()
        self.folder = folder
        self.log = (folder / f"serve-{self.port}.log").open("w")
        env = dict(os.environ, GRIDMAP_CONFIG=str(folder / "gridmap.toml"), GRIDMAP_DB=db)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gridmap", "serve", "--db", db, "--port", str(self.port),
             "--address", "127.0.0.1", "--no-demo", "--admin-password", PASSWORD, *extra],
            stdout=self.log, stderr=subprocess.STDOUT, env=env, cwd=ROOT,
            start_new_session=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.stop()
                pytest.fail(f"gridmap serve exited: {Path(self.log.name).read_text()}")
            try:
                if _request(self.port, "GET", "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.5)
        self.stop()
        pytest.fail("gridmap serve did not answer /healthz")

    def get(self, path: str, **kw: object) -> tuple[int, dict[str, str], bytes]:
        return _request(self.port, "GET", path, **kw)  # type: ignore[arg-type]

    def login(self, username: str = "admin", password: str = PASSWORD, *,
              origin: str | None = None, next_path: str = "/issues?code=AJ1"):
        form = urllib.parse.urlencode({"username": username, "password": password,
                                       "next": next_path})
        host = f"127.0.0.1:{self.port}"
        return _request(self.port, "POST", "/auth/login", body=form, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Host": host,
            "Origin": origin or f"http://{host}"})

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


def _cookie(headers: dict[str, str]) -> str:
    return headers["set-cookie"].split(";")[0]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("routes")
    server = Served(f"sqlite:///{folder / 'store.sqlite'}", folder)
    yield server
    server.stop()


SECURITY = {"x-content-type-options": "nosniff", "referrer-policy": "same-origin"}


@pytest.mark.parametrize("path", ["/", "/map", "/_stcore/health", "/healthz",
                                  "/app/static/vendor/leaflet/leaflet.js", "/nowhere"])
def test_every_response_carries_the_security_headers(served, path):
    status, headers, _ = served.get(path)
    assert status in (200, 404)
    for name, value in SECURITY.items():
        assert headers[name] == value
    csp = dict(part.strip().split(" ", 1) for part in headers["content-security-policy"].split(";"))
    assert csp["frame-ancestors"] == "'self'"
    assert csp["default-src"] == "'self'"
    assert "http" not in csp["script-src"]  # scripts only from the app itself


MIGRATIONS = Path(__file__).resolve().parents[2] / "gridmap" / "store" / "migrations" / "versions"


def test_healthz_names_the_schema_version(served):
    status, _, body = served.get("/healthz")
    assert status == 200
    newest = max(p.stem for p in MIGRATIONS.glob("0*.py"))  # the files are numbered
    assert json.loads(body) == {"status": "ok", "schema": newest, "head": newest}


def test_an_unknown_address_gets_a_chinese_not_found_page(served):
    status, headers, body = served.get("/no-such-page?x=1")
    assert status == 404 and headers["content-type"].startswith("text/html")
    text = body.decode()
    assert "页面不存在" in text and '<a href="/">返回首页</a>' in text
    assert served.get("/issues")[0] == 200  # a page: Streamlit's own HTML


def test_login_sets_an_httponly_lax_cookie_and_returns_to_the_asked_page(served):
    status, headers, _ = served.login()
    assert status == 303 and headers["location"] == "/issues?code=AJ1"
    flags = [f.strip().lower() for f in headers["set-cookie"].split(";")]
    assert flags[0].startswith("gridmap_session=")
    assert "httponly" in flags and "samesite=lax" in flags and "path=/" in flags
    assert "secure" not in flags  # plain http here; https (or an https proxy) makes it Secure


def test_a_failed_login_says_so_in_the_redirect_and_sets_no_cookie(served):
    status, headers, _ = served.login(password="wrong-password")
    assert status == 303 and "set-cookie" not in headers
    assert headers["location"] == "/issues?code=AJ1&login_error=failed"


def test_a_login_posted_from_another_site_is_refused(served):
    status, headers, _ = served.login(origin="http://evil.example")
    assert status == 403 and "set-cookie" not in headers
    status, headers, _ = served.login(next_path="//evil.example/x")
    assert status == 303 and headers["location"] == "/"


def test_metrics_are_for_logged_in_admins_only(served):
    assert served.get("/_stcore/metrics")[0] == 404
    _, headers, _ = served.login()
    assert served.get("/_stcore/metrics", headers={"Cookie": _cookie(headers)})[0] == 200


def test_tiles_need_a_session_and_the_basemap_needs_a_package(served):
    assert served.get("/tiles/grids/1/0/0.pbf")[0] == 401
    _, headers, _ = served.login()
    status, _, body = served.get("/tiles/grids/1/0/0.pbf", headers={"Cookie": _cookie(headers)})
    assert status == 404 and json.loads(body)["error"]
    assert served.get("/basemap/1/0/0")[0] == 404  # no basemap_package configured


def _write_mbtiles(path: Path, tiles: dict[tuple[int, int, int], bytes]) -> None:
    """A tiny MBTiles package: XYZ tiles stored in TMS rows, as the format says."""
    import sqlite3

    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
        conn.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, "
                     "tile_row INTEGER, tile_data BLOB)")
        conn.executemany("INSERT INTO metadata VALUES (?, ?)", [("name", "t"), ("format", "png")])
        conn.executemany("INSERT INTO tiles VALUES (?, ?, ?, ?)",
                         [(z, x, 2**z - 1 - y, data) for (z, x, y), data in tiles.items()])
    conn.close()


def test_the_local_basemap_package_is_served_and_the_csp_follows_the_settings(served):
    package = served.folder / "street.mbtiles"
    png = b"\x89PNG\r\n\x1a\n-north-west-tile"
    _write_mbtiles(package, {(1, 0, 0): png})
    settings = served.folder / "gridmap.toml"
    settings.write_text(
        "[settings]\n"
        f'basemap_package = "{package.as_posix()}"\n'
        'basemap = "custom"\n'
        'tile_url = "https://tiles.street.example/{z}/{x}/{y}.png"\n', encoding="utf-8")
    try:
        status, headers, body = served.get("/basemap/1/0/0")
        assert (status, headers["content-type"], body) == (200, "image/png", png)
        assert served.get("/basemap/1/0/1")[0] == 404  # the south-west tile is not in it
        deadline = time.monotonic() + 30  # the policy re-reads the settings every few seconds
        while time.monotonic() < deadline:
            csp = served.get("/healthz")[1]["content-security-policy"]
            if "tiles.street.example" in csp:
                break
            time.sleep(1)
        img_src = next(p for p in csp.split(";") if p.strip().startswith("img-src"))
        assert "https://tiles.street.example" in img_src.split()
    finally:
        settings.unlink()


def test_logout_ends_the_session(served):
    _, headers, _ = served.login()
    cookie = _cookie(headers)
    host = f"127.0.0.1:{served.port}"
    status, out, _ = _request(served.port, "POST", "/auth/logout", headers={
        "Cookie": cookie, "Host": host, "Origin": f"http://{host}"})
    assert status == 303 and "gridmap_session=" in out["set-cookie"]
    assert served.get("/_stcore/metrics", headers={"Cookie": cookie})[0] == 404


@pytest.mark.postgis
def test_two_servers_on_one_postgis_store_accept_each_others_sessions(postgis_server, tmp_path):
    database = postgis_server.acquire(migrated=False)
    url = postgis_server.url(database)
    first = second = None
    try:
        first = Served(url, tmp_path)
        second = Served(url, tmp_path, "--workers", "2")
        _, headers, _ = first.login()
        cookie = {"Cookie": _cookie(headers)}
        assert second.get("/_stcore/metrics", headers=cookie)[0] == 200
        assert second.get("/tiles/grids/1/0/0.pbf", headers=cookie)[0] == 404  # not 401
        # and a logout through the second ends it for the first
        host = f"127.0.0.1:{second.port}"
        _request(second.port, "POST", "/auth/logout", headers={
            **cookie, "Host": host, "Origin": f"http://{host}"})
        assert first.get("/tiles/grids/1/0/0.pbf", headers=cookie)[0] == 401
    finally:
        for server in (first, second):
            if server is not None:
                server.stop()
        postgis_server.release(database)


def test_scripts_are_sent_gzipped_and_pages_are_not(served):
    import gzip
    import re

    _, _, page = served.get("/", headers={"Accept-Encoding": "gzip"})
    script = re.search(rb'src="\.?/?(static/js/[^"]+\.js)"', page).group(1).decode()
    status, headers, body = served.get(f"/{script}", headers={"Accept-Encoding": "gzip"})
    assert status == 200 and headers["content-encoding"] == "gzip"
    _, plain_headers, plain = served.get(f"/{script}")  # a client that asks for no encoding
    assert "content-encoding" not in plain_headers and gzip.decompress(body) == plain
    assert len(body) < len(plain) / 2
    assert headers["x-content-type-options"] == "nosniff"  # still behind the security headers
    _, page_headers, _ = served.get("/", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in page_headers  # pages may carry a user's data: never
    status, leaflet_headers, _ = served.get("/app/static/vendor/leaflet/leaflet.js",
                                            headers={"Accept-Encoding": "gzip"})  # fmt: skip
    assert status == 200 and leaflet_headers["content-encoding"] == "gzip"
