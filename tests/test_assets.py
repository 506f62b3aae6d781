"""Offline map assets: local links only, files present, install idempotent, served by Streamlit."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import folium
import pytest
from folium.plugins import MarkerCluster

from gridmap import assets
from gridmap.assets import (
    STATIC_URL,
    asset_dirs,
    asset_versions,
    install_static,
    linked_files,
    markercluster_links,
    offline_links,
)
from gridmap.bench._process import free_port


def _all_links(base_url: str = STATIC_URL) -> list[tuple[str, str]]:
    js, css = offline_links(base_url)
    cjs, ccss = markercluster_links(base_url)
    return [*js, *css, *cjs, *ccss]


def test_asset_dirs_are_the_installed_packages():
    dirs = asset_dirs()
    assert set(dirs) == {"leaflet", "leaflet_markercluster", "jquery"}
    for path in dirs.values():
        assert path.is_dir()
        assert "xstatic" in path.parts
    versions = asset_versions()
    assert versions["leaflet"].startswith("1.")
    assert versions["jquery"].startswith("3.")


def test_links_are_local():
    for name, url in _all_links():
        assert url.startswith(STATIC_URL + "/"), (name, url)
        assert "http" not in url and "//" not in url
    js, css = offline_links()
    assert [n for n, _ in js] == ["leaflet", "jquery"]
    assert [n for n, _ in css] == ["leaflet_css"]


def test_links_replace_folium_names():
    """Our names equal folium's, so a folium default and ours never both load."""
    js, css = offline_links()
    folium_js = dict(folium.Map.default_js)
    folium_css = dict(folium.Map.default_css)
    assert all(name in folium_js for name, _ in js)
    assert all(name in folium_css for name, _ in css)
    cjs, ccss = markercluster_links()
    assert {n for n, _ in cjs} == {n for n, _ in MarkerCluster.default_js}
    assert {n for n, _ in ccss} == {n for n, _ in MarkerCluster.default_css}


def test_no_icon_fonts_or_bootstrap():
    js, css = offline_links()
    names = " ".join(n for n, _ in js + css).lower()
    for unwanted in ("bootstrap", "awesome", "glyphicons", "font"):
        assert unwanted not in names


def test_base_url_prefix():
    js, css = offline_links("/gridmap/app/static/vendor/")
    assert js[0][1] == "/gridmap/app/static/vendor/leaflet/leaflet.js"
    assert css[0][1] == "/gridmap/app/static/vendor/leaflet/leaflet.css"


def test_linked_files_exist_in_packages():
    files = linked_files()
    assert len(files) == len(_all_links())
    for path in files:
        assert path.is_file(), path
        assert path.stat().st_size > 500


def _served_path(vendor: Path, url: str) -> Path:
    return vendor / url.removeprefix(STATIC_URL + "/")


def test_install_static_copies_every_linked_file(tmp_path):
    vendor = install_static(tmp_path / "static")
    assert vendor == tmp_path / "static" / "vendor"
    for _, url in _all_links():
        path = _served_path(vendor, url)
        assert path.is_file(), url
        assert not path.is_symlink()
    # Leaflet's CSS refers to images/layers.png
    assert (vendor / "leaflet" / "images" / "layers.png").is_file()
    leaflet_js = (vendor / "leaflet" / "leaflet.js").read_bytes()
    assert leaflet_js == (asset_dirs()["leaflet"] / "leaflet.js").read_bytes()


def test_install_static_is_idempotent(tmp_path):
    vendor = install_static(tmp_path)
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in vendor.rglob("*")}
    assert install_static(tmp_path) == vendor
    after = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in vendor.rglob("*")}
    assert before == after


def test_install_static_repairs_and_prunes(tmp_path):
    vendor = install_static(str(tmp_path))
    target = vendor / "jquery" / "jquery.min.js"
    target.write_text("tampered")
    stale = vendor / "leaflet" / "old-version.js"
    stale.write_text("x")
    (vendor / "leaflet" / "olddir").mkdir()
    install_static(tmp_path)
    assert target.read_bytes() == (asset_dirs()["jquery"] / "jquery.min.js").read_bytes()
    assert not stale.exists()
    assert not (vendor / "leaflet" / "olddir").exists()


def test_install_static_replaces_symlinked_folder(tmp_path):
    vendor = tmp_path / "vendor"
    vendor.mkdir()
    try:
        (vendor / "leaflet").symlink_to(asset_dirs()["leaflet"], target_is_directory=True)
    except OSError:
        pytest.skip("symlinks not available on this platform")
    install_static(tmp_path)
    assert not (vendor / "leaflet").is_symlink()
    assert (vendor / "leaflet" / "leaflet.js").is_file()
    # the package itself was not touched
    assert (asset_dirs()["leaflet"] / "leaflet.js").is_file()


def test_install_static_reports_unwritable_folder(tmp_path):
    blocker = tmp_path / "static"
    blocker.write_text("a file, not a folder")
    with pytest.raises(assets.GridmapError, match="cannot install map assets"):
        install_static(blocker)


# --- Streamlit really serves the copies (and not symlinks into site-packages) -------------


def _get(url: str) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read(), r.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        return exc.code, b"", ""
    except OSError:  # not listening yet
        return 0, b"", ""


@pytest.mark.slow
def test_streamlit_serves_installed_assets(tmp_path):
    app_dir = tmp_path / "app"
    app_dir.mkdir()
    (app_dir / "app.py").write_text("import streamlit as st\nst.write('ok')\n")
    vendor = install_static(app_dir / "static")
    # a symlink into site-packages, to record why install_static copies instead
    link = vendor / "linked_leaflet"
    try:
        link.symlink_to(asset_dirs()["leaflet"], target_is_directory=True)
    except OSError:
        link = None
    port = free_port()
    env = dict(os.environ, STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless=true",
         f"--server.port={port}", "--server.address=127.0.0.1",
         "--server.enableStaticServing=true", "--browser.gatherUsageStats=false"],
        cwd=app_dir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            status, _, _ = _get(f"{base}/_stcore/health")
            if status == 200:
                break
            time.sleep(0.3)
        else:
            pytest.fail("streamlit did not start")
        for _, url in _all_links():
            status, body, ctype = _get(base + url)
            assert status == 200, url
            assert body == _served_path(vendor, url).read_bytes()
            assert ("javascript" in ctype) if url.endswith(".js") else ("css" in ctype)
        if link is not None:
            status, _, _ = _get(f"{base}{STATIC_URL}/linked_leaflet/leaflet.js")
            assert status != 200  # Streamlit refuses files outside static/
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
