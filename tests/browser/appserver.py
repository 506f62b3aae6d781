"""``gridmap serve`` for a browser test: started on a free port, waited for, stopped.

One place for what every browser fixture does around its own store: the server
runs in its own process group with the store and settings file given, its output
goes to ``serve.log`` in the fixture's folder, and it is stopped (SIGTERM, then
SIGKILL) when the fixture ends.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]


def need_chromium() -> None:
    """Skip where Debian's Chromium or Playwright is missing (scripts/test.sh installs both)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    pytest.importorskip("playwright.sync_api")


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(url: str, proc: subprocess.Popen, timeout_s: float = 90) -> None:
    """Wait until ``url`` answers 200; fail if the server exits or the time runs out."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            msg = f"gridmap serve exited with code {proc.returncode}"
            raise RuntimeError(msg)
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # localhost only
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    msg = f"the app did not answer at {url} within {timeout_s} s"
    raise TimeoutError(msg)


@contextmanager
def serving(folder: Path, url: str, *args: str,
            env: Mapping[str, str] | None = None) -> Iterator[str]:
    """Run ``gridmap serve --port P *args`` on store ``url``; yield its base URL.

    ``GRIDMAP_DB`` is ``url`` and ``GRIDMAP_CONFIG`` is ``folder/gridmap.toml``;
    ``env`` adds to them.
    """
    port = free_port()
    environ = dict(os.environ, GRIDMAP_CONFIG=str(folder / "gridmap.toml"), GRIDMAP_DB=url,
                   **(env or {}))
    with (folder / "serve.log").open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gridmap", "serve", "--port", str(port), *args],
            stdout=log, stderr=subprocess.STDOUT, env=environ, start_new_session=True, cwd=ROOT,
        )  # fmt: skip
        try:
            wait_healthy(f"http://localhost:{port}/_stcore/health", proc)
            yield f"http://localhost:{port}/"
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
