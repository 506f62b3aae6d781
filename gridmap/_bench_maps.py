"""Time the street map beside a plain folium map of the same data.

Used by ``gridmap bench``: gridmap's figure is :func:`gridmap.views.street_map`
rendered to HTML; the baseline is ``folium.Map(tiles=None)`` with one
:class:`folium.GeoJson` for the grids and one for every point layer, rendered
the same way. Both include building the map from the frames.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Mapping

import folium
import pandas as pd

from gridmap import views

__all__ = ["bench_map"]


def _best_seconds(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _gridmap_html(frames: Mapping[str, pd.DataFrame]) -> str:
    return views.street_map(frames).get_root().render()


def _folium_html(frames: Mapping[str, pd.DataFrame]) -> str:
    m = folium.Map(tiles=None)
    for layer in ("grids", *views.POINT_LAYERS):
        frame = frames.get(layer)
        if frame is None or not len(frame):
            continue
        # to_json(default=str) keeps every column, as a plain folium user would
        folium.GeoJson(frame.to_json(default=str), name=layer).add_to(m)
    return m.get_root().render()


def bench_map(frames: Mapping[str, pd.DataFrame], *, repeat: int = 3) -> tuple[float, float]:
    """Time building and rendering the street map against plain folium.

    Parameters
    ----------
    frames
        Map layers as returned by :func:`gridmap.views.load_frames` (EPSG:4326).
    repeat
        Runs of each; the best time counts (the machine is shared and noisy).

    Returns
    -------
    tuple of float
        ``(seconds, baseline_seconds)``: gridmap's best time and plain folium's.

    Raises
    ------
    gridmap.errors.InputError
        If a frame cannot be drawn (not EPSG:4326, missing columns).
    """
    seconds = _best_seconds(lambda: _gridmap_html(frames), repeat)
    baseline_seconds = _best_seconds(lambda: _folium_html(frames), repeat)
    return seconds, baseline_seconds
