"""``gridmap serve``: prepares the store, serves the app, stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from gridmap import server
from gridmap.bench._process import free_port


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_streamlit_options_serve_static_files_and_cap_uploads():
    env = server.streamlit_options(port=9999, max_upload_mb=7)
    assert env["STREAMLIT_SERVER_ENABLE_STATIC_SERVING"] == "true"
    assert env["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] == "false"
    assert env["STREAMLIT_SERVER_MAX_UPLOAD_SIZE"] == "7"
    assert env["STREAMLIT_SERVER_PORT"] == "9999"


def test_uvicorn_serves_the_asgi_app_beside_app_py_with_workers():
    cmd = server.uvicorn_command(port=9999, address="0.0.0.0", workers=3)
    assert cmd[cmd.index("-m") + 1:cmd.index("-m") + 3] == ["uvicorn", "asgi:app"]
    assert Path(cmd[cmd.index("--app-dir") + 1], "asgi.py").is_file()
    assert cmd[cmd.index("--workers") + 1] == "3"
    assert cmd[cmd.index("--port") + 1] == "9999"
    assert cmd[cmd.index("--host") + 1] == "0.0.0.0"


def _wait_healthy(port: int, log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health",
                                        timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"the app did not start: {log.read_text()}")


def _process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (from /proc)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(child for child, parent in parents.items() if parent == current)
    return tree


@pytest.mark.slow
def test_serve_prints_login_and_stops_on_sigterm(tmp_path):
    port = free_port()
    db = f"sqlite:///{tmp_path / 's.sqlite'}"
    log = tmp_path / "serve.log"
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "data"))  # the password file
    with log.open("w") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gridmap", "serve", "--db", db, "--port", str(port),
             "--address", "127.0.0.1", "--no-demo"],
            stdout=sink, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        _wait_healthy(port, log)
        with urllib.request.urlopen(
                f"http://127.0.0.1:{port}/app/static/vendor/leaflet/leaflet.js", timeout=5) as r:
            assert r.status == 200  # Leaflet is served by the app itself
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    out = log.read_text()
    password_file = tmp_path / "data" / "gridmap" / "admin-password.txt"
    assert f"log in as 'admin' with the password in {password_file}" in out
    assert password_file.read_text().strip() not in out  # never in the service log
    for _ in range(20):
        if not _port_open(port):
            break
        time.sleep(0.5)
    assert not _port_open(port), "streamlit kept running after gridmap serve was stopped"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs /proc")
def test_serve_keeps_the_admin_password_off_every_command_line(tmp_path):
    port = free_port()
    db = f"sqlite:///{tmp_path / 's.sqlite'}"
    log = tmp_path / "serve.log"
    password = "cmdline-secret-2026"
    with log.open("w") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gridmap", "serve", "--db", db, "--port", str(port),
             "--address", "127.0.0.1", "--no-demo", "--admin-password", password],
            stdout=sink, stderr=subprocess.STDOUT, text=True)
    try:
        _wait_healthy(port, log)
        tree = _process_tree(proc.pid)
        assert len(tree) >= 2  # gridmap serve and its uvicorn
        for pid in tree:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            assert password.encode() not in cmdline, cmdline
            if pid != proc.pid:  # the app processes do not even inherit it
                assert password.encode() not in Path(f"/proc/{pid}/environ").read_bytes()
        assert b"serve" in Path(f"/proc/{proc.pid}/cmdline").read_bytes()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert password not in log.read_text()
    from gridmap import auth
    from gridmap.store import open_store

    store = open_store(db)
    try:
        assert auth.authenticate(store, "admin", password) is not None
    finally:
        store.close()
