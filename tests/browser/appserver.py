"""``gridmap serve`` for a browser test: started on a free port, waited for, stopped.

One place for what every browser fixture does around its own store: the server
runs in its own process group with the store and settings file given, its output
goes to ``serve.log`` in the fixture's folder, and it is stopped (SIGTERM, then
SIGKILL) when the fixture ends.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from gridmap.bench._process import free_port, stop_group, wait_healthy

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]


def need_chromium() -> None:
    """Skip where Debian's Chromium or Playwright is missing (scripts/test.sh installs both)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    pytest.importorskip("playwright.sync_api")


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
            wait_healthy(f"http://localhost:{port}/_stcore/health", proc,
                         log=folder / "serve.log")
            yield f"http://localhost:{port}/"
        finally:
            stop_group(proc)


#: The street map's frame, as streamlit-folium names it.
MAP_IFRAME = "iframe[title='streamlit_folium.st_folium']"


def log_in_to_map(page: Any, url: str, password: str, *, user: str = "admin") -> None:
    """Open ``url``, log in through the form (Chinese labels) and wait for the map's frame."""
    page.goto(url)
    page.get_by_label("用户名").fill(user)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.locator(MAP_IFRAME).wait_for(timeout=60_000)
