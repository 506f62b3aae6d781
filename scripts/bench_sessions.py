"""Memory of the app server across sessions: RSS before, after N sessions, after they end.

Starts ``gridmap serve`` on a copy of the demo street (a short
``server.disconnectedSessionTTL`` so ended sessions expire within seconds), logs
in, and opens N sessions one after another as a browser does: a websocket to
``/_stcore/stream`` with the session cookie, one script run of the map page to
its end, then the socket closed. It reads the resident memory of the server
process before, right after the sessions and once the session reaper
(:mod:`gridmap.web.memory`) has closed them.

Run with ``python scripts/bench_sessions.py [N]``; it prints
``sessions (N): before -> after -> once ended, in MB``. (A script beside the
library, which never imports Streamlit: it speaks Streamlit's websocket protocol.)
"""

from __future__ import annotations

import asyncio
import http.client
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from gridmap.bench._process import free_port
from gridmap.web.memory import rss_mb

__all__ = ["measure_sessions"]

_PASSWORD = "bench-sessions-pw-1"


def _request(port: int, method: str, path: str, **kw: object) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, **kw)  # type: ignore[arg-type]
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def _server_pid(serve_pid: int) -> int:
    """Return the uvicorn process ``gridmap serve`` started (its child), else ``serve_pid``."""
    try:
        children = Path(f"/proc/{serve_pid}/task/{serve_pid}/children").read_text().split()
    except OSError:
        return serve_pid
    return int(children[0]) if children else serve_pid


async def _one_session(port: int, cookie: str) -> None:
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    uri = f"ws://127.0.0.1:{port}/_stcore/stream"
    async with websockets.connect(uri, subprotocols=["streamlit"],
                                  additional_headers={"Cookie": cookie,
                                                      "Origin": f"http://127.0.0.1:{port}"},
                                  max_size=None) as ws:
        msg = BackMsg()
        msg.rerun_script.query_string = ""
        msg.rerun_script.page_name = "map"
        await ws.send(msg.SerializeToString())
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            data = await asyncio.wait_for(ws.recv(), timeout=120)
            forward = ForwardMsg()
            forward.ParseFromString(data if isinstance(data, bytes) else data.encode())
            if forward.WhichOneof("type") == "script_finished":
                return


def measure_sessions(n: int = 50, *, ttl_s: int = 2, settle_s: float = 10.0) -> dict[str, float]:
    """Return the server's RSS in MB: ``before``, ``after`` N sessions, ``released`` later.

    Parameters
    ----------
    n
        Sessions to open and close, one after another.
    ttl_s
        Streamlit's ``server.disconnectedSessionTTL`` for the run.
    settle_s
        How long to wait after the last session for the reaper (which sweeps every
        ``ttl_s`` seconds, at least 1) to close them.
    """
    from gridmap import auth
    from gridmap.importing import import_demo
    from gridmap.store import Store

    with tempfile.TemporaryDirectory(prefix="gridmap-bench-sessions-") as tmp:
        folder = Path(tmp)
        db = f"sqlite:///{folder / 'store.sqlite'}"
        store = Store(db)
        store.upgrade()
        import_demo(store)
        auth.create_user(store, "admin", _PASSWORD, role="admin")
        store.close()
        port = free_port()
        env = dict(os.environ, GRIDMAP_CONFIG=str(folder / "gridmap.toml"), GRIDMAP_DB=db,
                   STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL=str(ttl_s))
        log = (folder / "serve.log").open("w")
        proc = subprocess.Popen(
            [sys.executable, "-m", "gridmap", "serve", "--db", db, "--port", str(port),
             "--address", "127.0.0.1", "--no-demo"],
            stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        try:
            deadline = time.monotonic() + 90
            while True:
                try:
                    if _request(port, "GET", "/healthz")[0] == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline or proc.poll() is not None:
                    msg = f"gridmap serve did not start: {(folder / 'serve.log').read_text()}"
                    raise RuntimeError(msg)
                time.sleep(0.5)
            form = urllib.parse.urlencode({"username": "admin", "password": _PASSWORD,
                                           "next": "/"})
            host = f"127.0.0.1:{port}"
            _status, headers, _ = _request(port, "POST", "/auth/login", body=form, headers={
                "Content-Type": "application/x-www-form-urlencoded", "Host": host,
                "Origin": f"http://{host}"})
            cookie = {k.lower(): v for k, v in headers.items()}["set-cookie"].split(";")[0]
            pid = _server_pid(proc.pid)
            asyncio.run(_one_session(port, cookie))  # warm up: imports, caches, the map
            time.sleep(max(ttl_s, 1) * 2 + 2)
            before = rss_mb(pid) or float("nan")
            for _ in range(n):
                asyncio.run(_one_session(port, cookie))
            after = rss_mb(pid) or float("nan")
            time.sleep(settle_s + ttl_s)
            released = rss_mb(pid) or float("nan")
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
            log.close()
    return {"before": before, "after": after, "released": released}


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    mb = measure_sessions(count)
    print(f"sessions ({count}): {mb['before']:.0f} MB before -> {mb['after']:.0f} MB after "
          f"-> {mb['released']:.0f} MB once ended")
