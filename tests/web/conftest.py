"""Fixtures of the API tests: the API mounted at /api/v1, served by uvicorn on 127.0.0.1.

``serve_api(url)``
    factory: start a uvicorn process (``tests/web/_serve.py``) on a free loopback
    port against the store ``url``; returns an :class:`ApiClient`. Stopped at the end
    of the test (or module, for ``demo_api``).
``demo_api``
    one server per module on a private copy of the demo street (``demo_file``), with
    a body cap of :data:`MAX_BODY` bytes; ``demo_api.store`` is a Store on the same file.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from gridmap.bench._process import free_port

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
MAX_BODY = 64 * 1024


@dataclass
class Reply:
    """One HTTP answer."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class ApiClient:
    """Calls the API at ``http://127.0.0.1:<port>/api/v1`` (stdlib http.client)."""

    port: int
    url: str
    process: subprocess.Popen
    max_body: int = MAX_BODY
    store: Any = None
    log: Path | None = None

    def request(self, method: str, path: str, *, token: str | None = None,
                params: Mapping[str, Any] | None = None, body: bytes | None = None,
                headers: Mapping[str, str] | None = None) -> Reply:
        target = "/api/v1" + path
        if params:
            target += "?" + urllib.parse.urlencode(params)
        sent = dict(headers or {})
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, target, body=body, headers=sent)
            resp = conn.getresponse()
            return Reply(resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read())
        finally:
            conn.close()

    def get(self, path: str, *, token: str | None = None, **params: Any) -> Reply:
        return self.request("GET", path, token=token, params=params or None)

    def post_form(self, path: str, data: Mapping[str, Any], *, token: str | None = None) -> Reply:
        body = urllib.parse.urlencode(data).encode()
        return self.request("POST", path, token=token, body=body,
                            headers={"Content-Type": "application/x-www-form-urlencoded"})


def _start(url: str, tmp: Path, *, max_body: int = MAX_BODY) -> ApiClient:
    port = free_port()
    env = dict(os.environ)
    env.update({
        "GRIDMAP_DB": url,
        "GRIDMAP_CONFIG": str(tmp / "gridmap.toml"),
        "GRIDMAP_TEST_MAX_BODY": str(max_body),
        "PYTHONPATH": os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]),
    })
    log = tmp / f"uvicorn-{port}.log"
    with log.open("w") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "_serve:app", "--app-dir", str(HERE),
             "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
            stdout=sink, stderr=subprocess.STDOUT, env=env)
    client = ApiClient(port, url, proc, max_body=max_body, log=log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the API server stopped: {log.read_text()}")
        try:
            if client.get("/openapi.json").status == 200:
                return client
        except OSError:
            time.sleep(0.2)
    _stop(client)
    pytest.fail(f"the API server did not start: {log.read_text()}")


def _stop(client: ApiClient) -> None:
    if client.process.poll() is None:
        client.process.terminate()
        try:
            client.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            client.process.kill()
            client.process.wait()


@pytest.fixture
def serve_api(tmp_path: Path) -> Iterator[Callable[..., ApiClient]]:
    """Factory ``serve_api(url, *, max_body=MAX_BODY)`` of API servers on a store URL."""
    started: list[ApiClient] = []

    def factory(url: str, *, max_body: int = MAX_BODY) -> ApiClient:
        client = _start(url, tmp_path, max_body=max_body)
        started.append(client)
        return client

    yield factory
    for client in started:
        _stop(client)


@pytest.fixture(scope="module")
def demo_api(demo_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiClient]:
    """The API on a private copy of the demo street, one server for the module."""
    from gridmap.store import open_store

    tmp = tmp_path_factory.mktemp("api")
    copy = tmp / "demo.sqlite"
    shutil.copyfile(demo_file, copy)
    url = f"sqlite:///{copy}"
    client = _start(url, tmp)
    client.store = open_store(url)
    try:
        yield client
    finally:
        _stop(client)
        client.store.close()
