"""Sessions that ended are closed and their memory released (issue 14, item 6).

The reaper's bookkeeping is tested here with a clock the test moves; the
memory of a real server across 50 sessions is measured by
``python -m gridmap.bench.sessions`` (RSS is too noisy for a test).
"""

from __future__ import annotations

from gridmap.web.memory import SessionReaper, release_memory, rss_mb


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_disconnected_session_is_closed_after_its_grace_period_only():
    clock = Clock()
    reaper = SessionReaper(grace_s=120, clock=clock)
    connected = {"a", "b"}
    closed: list[str] = []
    for sid in ("a", "b", "c"):
        reaper.seen(sid)
    assert reaper.sweep(connected.__contains__, closed.append) == 0  # c: grace starts now
    clock.now = 119
    assert reaper.sweep(connected.__contains__, closed.append) == 0
    clock.now = 120
    assert reaper.sweep(connected.__contains__, closed.append) == 1 and closed == ["c"]
    assert reaper.tracked == 2 and reaper.closed == 1


def test_a_session_that_reconnects_starts_its_grace_period_again():
    clock = Clock()
    reaper = SessionReaper(grace_s=10, clock=clock)
    connected: set[str] = set()
    closed: list[str] = []
    reaper.seen("a")
    reaper.sweep(connected.__contains__, closed.append)  # disconnected at 0
    clock.now = 5
    connected.add("a")  # the browser came back
    reaper.sweep(connected.__contains__, closed.append)
    connected.clear()
    clock.now = 12
    reaper.sweep(connected.__contains__, closed.append)  # disconnected again at 12
    clock.now = 21
    assert reaper.sweep(connected.__contains__, closed.append) == 0
    clock.now = 22
    assert reaper.sweep(connected.__contains__, closed.append) == 1 and closed == ["a"]


def test_a_failing_close_does_not_stop_the_sweep():
    clock = Clock()
    reaper = SessionReaper(grace_s=0, clock=clock)
    for sid in ("x", "y"):
        reaper.seen(sid)
    closed: list[str] = []

    def close(sid: str) -> None:
        if sid == "x":
            raise RuntimeError("already gone")
        closed.append(sid)

    reaper.sweep(lambda sid: False, close)
    assert reaper.sweep(lambda sid: False, close) == 2 and closed == ["y"]
    assert reaper.tracked == 0


def test_release_memory_runs_and_rss_is_read():
    before = rss_mb()
    release_memory()
    assert before is not None and before > 0
