"""Give memory back when app sessions end: close disconnected sessions, trim the heap.

Streamlit keeps a disconnected session (its session state, its uploaded files)
for ``server.disconnectedSessionTTL`` seconds so that a browser can reconnect;
but it forgets it lazily, without shutting it down, so the state and the
uploaded files of sessions that ended stayed in memory (276 MB grew to 421 MB
after 51 sessions with none active, issue 14). :class:`SessionReaper` closes
every session that has been disconnected for longer than the grace period,
which shuts it down and releases its files; :func:`release_memory` then
collects garbage and returns free heap pages to the system (``malloc_trim`` on
glibc).

This module does not import Streamlit: app.py notes each session as it runs
(:meth:`SessionReaper.seen`), and ``asgi.py`` runs :func:`reap_forever` on the
server's event loop with the runtime's own two functions (is the session
connected, close the session; the latter must run on that loop).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import ctypes.util
import gc
import threading
import time
from collections.abc import Callable
from pathlib import Path

__all__ = ["REAPER", "SessionReaper", "reap_forever", "release_memory", "rss_mb"]


def rss_mb(pid: int | str = "self") -> float | None:
    """Return the resident memory of process ``pid`` in MB (Linux), or ``None``."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def release_memory() -> None:
    """Collect garbage and hand free heap memory back to the system where the C library can."""
    gc.collect()
    name = ctypes.util.find_library("c")
    if not name:
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(name).malloc_trim(0)  # glibc only: other C libraries lack it


class SessionReaper:
    """Track the app's sessions and tell which stayed disconnected past their grace period.

    Parameters
    ----------
    grace_s
        How long a disconnected session may wait for its browser to come back
        (Streamlit's ``server.disconnectedSessionTTL``).
    clock
        Seconds, monotonic.
    """

    def __init__(self, *, grace_s: float = 120.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.grace_s = float(grace_s)
        self._clock = clock
        self._lock = threading.Lock()
        self._known: dict[str, float | None] = {}  # session id -> when found disconnected
        self.closed = 0

    def seen(self, session_id: str) -> None:
        """Note a session that runs now (called on every run of the app script)."""
        with self._lock:
            self._known[session_id] = None

    @property
    def tracked(self) -> int:
        """Sessions known (connected, or disconnected within their grace period)."""
        with self._lock:
            return len(self._known)

    def expired(self, is_connected: Callable[[str], bool]) -> list[str]:
        """Return (and forget) the sessions disconnected for longer than the grace period.

        A session found disconnected starts its grace period now; one that is
        connected again is no longer counted as disconnected.
        """
        now = self._clock()
        out: list[str] = []
        with self._lock:
            for session_id, since in list(self._known.items()):
                if is_connected(session_id):
                    self._known[session_id] = None
                elif since is None:
                    self._known[session_id] = now
                elif now - since >= self.grace_s:
                    out.append(session_id)
                    del self._known[session_id]
        return out

    def sweep(self, is_connected: Callable[[str], bool], close: Callable[[str], None]) -> int:
        """Close the expired sessions, then release memory; return how many were closed."""
        expired = self.expired(is_connected)
        for session_id in expired:
            with contextlib.suppress(Exception):  # a session the runtime already forgot
                close(session_id)
        if expired:
            self.closed += len(expired)
            release_memory()
        return len(expired)


#: The app process's reaper: app.py notes its sessions, asgi.py's lifespan sweeps.
REAPER = SessionReaper()


async def reap_forever(is_connected: Callable[[str], bool], close: Callable[[str], None],
                       grace_s: Callable[[], float]) -> None:
    """Sweep :data:`REAPER` on the server's event loop, as often as the grace period (1-15 s).

    ``grace_s`` is asked before every sweep (Streamlit's options are read lazily).
    """
    while True:
        with contextlib.suppress(Exception):
            REAPER.grace_s = float(grace_s())
        await asyncio.sleep(max(1.0, min(15.0, REAPER.grace_s / 2)))
        with contextlib.suppress(Exception):  # never let the sweeper die
            REAPER.sweep(is_connected, close)
