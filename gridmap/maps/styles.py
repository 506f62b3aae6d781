"""Colours and path styles of every map layer, in one place.

The folium layers (:mod:`gridmap.maps.layers`, :mod:`gridmap.maps.street`) and the
offline map image of the dossiers (:mod:`gridmap.export.mapimage`) draw with these,
so a board or a main road looks the same on screen and on paper. Styles are
Leaflet path options (``color``, ``weight``, ``opacity``, ``fillColor``,
``fillOpacity``, ``dashArray``); colours are CSS colours.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from gridmap.errors import InputError
from gridmap.maps.popups import is_missing

__all__ = [
    "COMMUNITY_STYLE",
    "FAMILY_COLORS",
    "GRID_STYLE",
    "KIND_COLORS",
    "KIND_DEFAULT_COLOR",
    "KIND_SHAPES",
    "NEIGHBOUR_PALETTE",
    "PALETTE",
    "POLYGON_DEFAULT",
    "POLYGON_STYLES",
    "ROAD_DEFAULT",
    "ROAD_STYLES",
    "SHAPES",
    "STATUS_COLORS",
    "UNASSIGNED_COLOR",
    "checked_colors",
    "grid_adjacency",
    "neighbour_colours",
    "palette_for",
    "safe_color",
    "symbol_points",
    "symbol_svg",
]

#: 20 distinct colours (Tableau 20) for workers and other categories.
PALETTE: tuple[str, ...] = (
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1",
    "#76b7b2", "#edc948", "#ff9da7", "#9c755f", "#bab0ac",
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f",
)  # fmt: skip
#: Fills of the adjacency colouring of grids (:func:`neighbour_colours`): soft, told apart
#: at a glance, none of them a status colour (red, green) or the unassigned grey.
NEIGHBOUR_PALETTE: tuple[str, ...] = (
    "#8dd3c7", "#fdb462", "#bebada", "#80b1d3", "#ffffb3", "#fccde5", "#b3de69", "#bc80bd",
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
    "reported": "#e7298a",  # magenta: a new case never looks like a damaged facility
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
#: Symbol of each point kind, drawn by gridmap's own scripts (points.js, canvas-points.js)
#: and legends: the shape tells the kind, the fill colour its status.
KIND_SHAPES: dict[str, str] = {
    "board": "square",
    "fitness": "triangle",
    "bin": "circle",
    "collection_point": "diamond",  # a bin row whose bin_type is collection_point
    "issue": "star",
}
#: Shapes :func:`symbol_points` draws (``circle`` is drawn as a circle).
SHAPES: tuple[str, ...] = ("circle", "square", "triangle", "diamond", "star")


def symbol_points(shape: str, r: float) -> list[tuple[float, float]]:
    """Return the corners of ``shape`` of radius ``r`` around (0, 0), y downwards.

    The same corners as ``shapeCorners`` in static/points.js and canvas-points.js; an
    empty list for ``circle`` (and unknown shapes), which are drawn as circles.

    Examples
    --------
    >>> symbol_points("square", 1.0)
    [(-0.88, -0.88), (0.88, -0.88), (0.88, 0.88), (-0.88, 0.88)]
    >>> len(symbol_points("star", 1.0)), symbol_points("circle", 1.0)
    (10, [])
    """
    if shape == "square":
        s = 0.88 * r
        return [(-s, -s), (s, -s), (s, s), (-s, s)]
    if shape == "triangle":
        return [(0.0, -1.2 * r), (1.1 * r, 0.75 * r), (-1.1 * r, 0.75 * r)]
    if shape == "diamond":
        return [(0.0, -1.25 * r), (1.25 * r, 0.0), (0.0, 1.25 * r), (-1.25 * r, 0.0)]
    if shape == "star":
        out = []
        for i in range(10):
            rad = 1.35 * r if i % 2 == 0 else 0.6 * r
            angle = math.pi * (i / 5 - 0.5)
            out.append((rad * math.cos(angle), rad * math.sin(angle)))
        return out
    return []


def symbol_svg(shape: str, fill: str, outline: str, size_px: int = 14) -> str:
    """Return an inline SVG of the symbol (for legends); colours must be safe CSS colours."""
    half = size_px / 2
    r = half / 1.4
    corners = symbol_points(shape, r)
    if corners:
        d = "M" + "L".join(f"{x + half:.2f},{y + half:.2f}" for x, y in corners) + "Z"
        body = f'<path d="{d}"'
    else:
        body = f'<circle cx="{half:g}" cy="{half:g}" r="{r:.2f}"'
    return (
        f'<svg class="gridmap-sym" width="{size_px}" height="{size_px}" aria-hidden="true">'
        f'{body} fill="{fill}" stroke="{outline}" stroke-width="1.2"/></svg>'
    )


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


def grid_adjacency(geometries: Sequence[Any], *, tolerance: float = 1e-6) -> list[set[int]]:
    """Return, for each polygon, the indices of the polygons it touches or overlaps.

    ``tolerance`` (in the geometries' units; about 0.1 m for degrees) lets grids drawn
    with a hairline gap still count as neighbours.
    """
    import shapely
    from shapely.strtree import STRtree

    geoms = np.asarray(list(geometries), dtype=object)
    present = np.array([g is not None and not shapely.is_empty(g) for g in geoms], dtype=bool)
    neighbours: list[set[int]] = [set() for _ in range(len(geoms))]
    if not present.any():
        return neighbours
    index = np.flatnonzero(present)
    grown = shapely.buffer(geoms[index], tolerance)
    tree = STRtree(geoms[index])
    left, right = tree.query(grown, predicate="intersects")
    for a, b in zip(index[left], index[right], strict=True):
        if a != b:
            neighbours[int(a)].add(int(b))
            neighbours[int(b)].add(int(a))
    return neighbours


def neighbour_colours(
    geometries: Sequence[Any], palette: Sequence[str] = NEIGHBOUR_PALETTE
) -> list[str]:
    """Colour polygons so that no two neighbours share a colour (greedy graph colouring).

    Polygons are taken most-connected first (Welsh–Powell) and each gets the first
    colour none of its coloured neighbours has; a planar tiling rarely needs more than
    five. Should a polygon's neighbours use the whole palette, colours repeat
    (the palette is cycled), so keep the palette at six or more.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> neighbour_colours([box(0, 0, 1, 1), box(1, 0, 2, 1), box(5, 5, 6, 6)], ["a", "b"])
    ['a', 'b', 'a']
    """
    neighbours = grid_adjacency(geometries)
    order = sorted(range(len(neighbours)), key=lambda i: (-len(neighbours[i]), i))
    chosen: dict[int, int] = {}
    for i in order:
        taken = {chosen[j] for j in neighbours[i] if j in chosen}
        colour = next(c for c in range(len(taken) + 1) if c not in taken)
        chosen[i] = colour
    return [palette[chosen[i] % len(palette)] for i in range(len(neighbours))]


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
        raise InputError.keyed("mapstyle.colour", what=what, color=color)
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
