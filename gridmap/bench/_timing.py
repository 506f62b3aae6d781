"""Best-of-N wall-clock timing for the benchmark (never used in tests: timings are noisy)."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import TypeVar

__all__ = ["best_of"]

T = TypeVar("T")


def best_of(fn: Callable[[], T], repeat: int = 1) -> tuple[float, T]:
    """Run ``fn`` ``repeat`` times (at least once); return the fastest seconds and its result."""
    best, result = float("inf"), None
    for _ in range(max(repeat, 1)):
        gc.collect()
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result  # type: ignore[return-value]
