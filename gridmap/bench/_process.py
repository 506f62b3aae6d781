"""A ``gridmap serve`` process for the benchmark and the tests: wait until it answers, stop it.

The server runs in its own process group (``start_new_session=True``) so that
stopping it stops its worker processes too.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

__all__ = ["free_port", "stop_group", "wait_healthy"]


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(
    url: str, proc: subprocess.Popen, *, timeout_s: float = 90, log: Path | None = None
) -> None:
    """Wait until ``url`` (a local health route) answers 200.

    Raises
    ------
    RuntimeError
        If the server exits first (with the end of ``log``, when given).
    TimeoutError
        If it does not answer within ``timeout_s``.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:] if log is not None else ""
            msg = f"gridmap serve exited with code {proc.returncode}: {tail}"
            raise RuntimeError(msg)  # programmer error
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # localhost only
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                msg = f"the app did not answer at {url} within {timeout_s} s"
                raise TimeoutError(msg) from None
            time.sleep(0.5)


def stop_group(proc: subprocess.Popen, *, timeout_s: float = 20) -> None:
    """Stop a server started with ``start_new_session=True``: SIGTERM, then SIGKILL."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
