"""Issue reports on the map: the case layer coloured by status, with each case's age."""

from __future__ import annotations

from typing import Any

import geopandas as gpd

from gridmap.maps import layers as maps
from gridmap.maps.basemaps import basemap_needs_gcj

__all__ = ["add_issue_layer"]


def add_issue_layer(
    m: Any, issues: gpd.GeoDataFrame, *, lang: str = "zh", basemap: str = "none"
) -> Any:
    """Draw reports on a folium map, coloured by status, with their age in the popup.

    Uses :func:`gridmap.maps.add_points` (``kind="issue"``, ``color_by="status"``).

    Parameters
    ----------
    m
        The folium map (e.g. from :func:`gridmap.maps.street_map`).
    issues
        A frame from :func:`gridmap.issues.list_issues` (EPSG:4326).
    lang
        Language of labels.
    basemap
        The map's basemap; with Amap the points are shifted to GCJ-02 for display.

    Returns
    -------
    folium.FeatureGroup
        The layer.
    """
    frame = issues[issues.geometry.notna()].copy()
    frame["age_h"] = frame["age_h"].round(0)
    frame["worker"] = ["、".join(w) for w in frame["workers"]]
    frame = frame.drop(columns=["workers", "worker_codes"])
    if basemap_needs_gcj(basemap) and len(frame):
        frame = maps.shift_for_display(frame)
    columns = [
        "code",
        "category",
        "subcategory",
        "status",
        "age_h",
        "overdue",
        "deadline",
        "grid",
        "worker",
    ]
    return maps.add_points(
        m,
        frame,
        layer_name="issues",
        kind="issue",
        color_by="status",
        legend=True,
        lang=lang,
        popup_columns=columns,
    )
