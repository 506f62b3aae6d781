"""Colours and path styles of every map layer, in one place.

The folium layers (:mod:`gridmap.maps.layers`, :mod:`gridmap.maps.street`) and the
offline map image of the dossiers (:mod:`gridmap.export.mapimage`) draw with these,
so a board or a main road looks the same on screen and on paper. Styles are
Leaflet path options (``color``, ``weight``, ``opacity``, ``fillColor``,
``fillOpacity``, ``dashArray``); colours are CSS colours.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from gridmap.errors import InputError
from gridmap.maps.popups import is_missing

__all__ = [
    "COMMUNITY_STYLE",
    "FAMILY_COLORS",
    "GRID_STYLE",
    "KIND_COLORS",
    "KIND_DEFAULT_COLOR",
    "PALETTE",
    "POLYGON_DEFAULT",
    "POLYGON_STYLES",
    "ROAD_DEFAULT",
    "ROAD_STYLES",
    "STATUS_COLORS",
    "UNASSIGNED_COLOR",
    "checked_colors",
    "palette_for",
    "safe_color",
]

#: 20 distinct colours (Tableau 20) for workers and other categories.
PALETTE: tuple[str, ...] = (
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1",
    "#76b7b2", "#edc948", "#ff9da7", "#9c755f", "#bab0ac",
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f",
)  # fmt: skip
#: Fill of grids without a worker.
UNASSIGNED_COLOR = "#d9d9d9"

#: Line styles by road class.
ROAD_STYLES: dict[str, dict[str, Any]] = {
    "main_commercial": {"color": "#d7191c", "weight": 7, "opacity": 0.9},
    "main": {"color": "#525252", "weight": 6, "opacity": 0.85},
    "secondary": {"color": "#737373", "weight": 4, "opacity": 0.85},
    "lane": {"color": "#969696", "weight": 2, "opacity": 0.85},
}
#: Line style of a road of another or no class.
ROAD_DEFAULT: dict[str, Any] = {"color": "#969696", "weight": 2, "opacity": 0.85}

#: Fill colours of point records by status (point statuses and issue statuses).
STATUS_COLORS: dict[str, str] = {
    "active": "#2ca02c",
    "damaged": "#d62728",
    "repairing": "#ff7f0e",
    "retired": "#7f7f7f",
    "reported": "#d62728",
    "registered": "#ff7f0e",
    "dispatched": "#edc948",
    "handled": "#17becf",
    "verified": "#1f77b4",
    "closed": "#7f7f7f",
    "suspended": "#9467bd",
    "returned": "#8c564b",
}

#: Base colour of each point kind (used when there is nothing to colour by).
KIND_COLORS: dict[str, str] = {
    "board": "#1f77b4",
    "fitness": "#2ca02c",
    "bin": "#8c564b",
    "issue": "#d62728",
    "internet_cafe": "#9467bd",
    "entrance": "#17becf",
    "building": "#7f7f7f",
    "school": "#7b4173",
    "compound": "#8c6d31",
}
#: Colour of a point kind not in :data:`KIND_COLORS`.
KIND_DEFAULT_COLOR = "#3366cc"

#: Polygon styles by kind for :func:`gridmap.maps.add_polygons`.
POLYGON_STYLES: dict[str, dict[str, Any]] = {
    "compound": {"color": "#8c6d31", "weight": 2, "dashArray": "6 4",
                 "fillColor": "#e7cb94", "fillOpacity": 0.15},
    "school": {"color": "#7b4173", "weight": 2, "fillColor": "#ce6dbd", "fillOpacity": 0.3},
    "building": {"color": "#525252", "weight": 1, "fillColor": "#bdbdbd", "fillOpacity": 0.6},
}  # fmt: skip
#: Style of a polygon kind not in :data:`POLYGON_STYLES`.
POLYGON_DEFAULT: dict[str, Any] = {
    "color": "#3366cc", "weight": 2, "fillColor": "#3366cc", "fillOpacity": 0.15,
}  # fmt: skip
#: Community outlines.
COMMUNITY_STYLE: dict[str, Any] = {"color": "#08306b", "weight": 3, "opacity": 0.9, "fill": False}
#: Grid outlines; the fill colour is the worker's.
GRID_STYLE: dict[str, Any] = {"color": "#444444", "weight": 1, "opacity": 0.9, "fillOpacity": 0.45}

#: Colour of each check rule family on the map (:func:`gridmap.maps.add_check_layers`).
FAMILY_COLORS: dict[str, str] = {
    "integrity": "#6a3d9a",
    "waste": "#b15928",
    "boards": "#1f78b4",
    "schools": "#e31a1c",
    "fitness": "#33a02c",
    "issues": "#ff7f00",
}

_COLOR_RE = re.compile(r"^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20})$")


def palette_for(values: Iterable[object]) -> dict[str, str]:
    """Assign each distinct value a colour of :data:`PALETTE`, in sorted order.

    The same set of values always gets the same colours, and up to 20 values get
    distinct ones. Pass the result as ``colors=`` to keep colours equal across maps.

    Parameters
    ----------
    values
        Category values (worker names, types); missing values are ignored.

    Returns
    -------
    dict of str to str
        ``str(value) -> "#rrggbb"``.

    Examples
    --------
    >>> palette_for(["李四", "张三", "李四"])
    {'张三': '#4e79a7', '李四': '#f28e2b'}
    """
    distinct = sorted({str(v) for v in values if not is_missing(v)})
    return {v: PALETTE[i % len(PALETTE)] for i, v in enumerate(distinct)}


def safe_color(color: str, what: str) -> str:
    """Return ``color`` if it is a CSS colour (``#rgb`` … ``#rrggbbaa`` or a name).

    Parameters
    ----------
    color
        The colour.
    what
        What the colour is for, named in the error.

    Returns
    -------
    str
        ``color``, unchanged.

    Raises
    ------
    gridmap.errors.InputError
        If it is not a colour (e.g. ``url(javascript:...)``).
    """
    if not isinstance(color, str) or not _COLOR_RE.match(color):
        msg = f"{what}: {color!r} is not a CSS colour like '#1f77b4'"
        raise InputError(msg)
    return color


def checked_colors(colors: Mapping[object, str] | None) -> dict[str, str]:
    """Return user ``value -> colour`` overrides with text keys and checked colours.

    Parameters
    ----------
    colors
        The overrides, or ``None``.

    Returns
    -------
    dict of str to str
        ``str(value) -> colour``.

    Raises
    ------
    gridmap.errors.InputError
        If a colour is not a CSS colour.
    """
    return {str(k): safe_color(v, "colors") for k, v in (colors or {}).items()}
