"""Time the street map beside a plain folium map of the same data.

Used by ``gridmap bench``: gridmap's figure is :func:`gridmap.maps.street_map`
rendered to HTML; the baseline is ``folium.Map(tiles=None)`` with one
:class:`folium.GeoJson` for the grids and one for every point layer, rendered
the same way. Both include building the map from the frames.
"""

from __future__ import annotations

from collections.abc import Mapping

import folium
import pandas as pd

from gridmap import maps, snapshot
from gridmap.bench._timing import best_of

__all__ = ["bench_map"]


def _gridmap_html(frames: Mapping[str, pd.DataFrame]) -> str:
    return maps.street_map(frames).get_root().render()


def _folium_html(frames: Mapping[str, pd.DataFrame]) -> str:
    m = folium.Map(tiles=None)
    for layer in ("grids", *snapshot.POINT_LAYERS):
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
        Map layers as returned by :func:`gridmap.snapshot.load_frames` (EPSG:4326).
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
    seconds = best_of(lambda: _gridmap_html(frames), repeat)[0]
    baseline_seconds = best_of(lambda: _folium_html(frames), repeat)[0]
    return seconds, baseline_seconds
