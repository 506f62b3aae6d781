"""The map package: everything that draws, and nothing that loads data.

``layers``  folium layer building: basemaps, communities, grids, points, lines,
            polygons, legends, the layer control (no data loading)
``street``  the street map of a snapshot (:mod:`gridmap.snapshot`) and check layers
``issues``  the case layer, coloured by status
``panels``  what a click on the map shows: the grid or point under it and its side panel

The common calls are re-exported here: ``gridmap.maps.add_grids(m, grids_gdf)``.
"""

from __future__ import annotations

from gridmap.maps import issues as issues
from gridmap.maps import layers as layers
from gridmap.maps import panels as panels
from gridmap.maps import street as street
from gridmap.maps import tiles as tiles  # raster tile overlays for city-size stores
from gridmap.maps.issues import add_issue_layer
from gridmap.maps.layers import (
    BASEMAPS,
    CANVAS_MIN_POINTS,
    CLUSTER_MIN_POINTS,
    KIND_COLORS,
    LABEL_MIN_ZOOM,
    PALETTE,
    POLYGON_STYLES,
    ROAD_STYLES,
    SIMPLIFY_M,
    STATUS_COLORS,
    UNASSIGNED_COLOR,
    LegendItem,
    add_communities,
    add_grids,
    add_layer_control,
    add_legend,
    add_lines,
    add_points,
    add_polygons,
    basemap_needs_gcj,
    escape_text,
    map_html,
    new_map,
    palette_for,
    point_render_mode,
    shift_for_display,
)
from gridmap.maps.street import add_check_layers, display_to_wgs84, street_map

__all__ = [
    "BASEMAPS",
    "CANVAS_MIN_POINTS",
    "CLUSTER_MIN_POINTS",
    "KIND_COLORS",
    "LABEL_MIN_ZOOM",
    "PALETTE",
    "POLYGON_STYLES",
    "ROAD_STYLES",
    "SIMPLIFY_M",
    "STATUS_COLORS",
    "UNASSIGNED_COLOR",
    "LegendItem",
    "add_check_layers",
    "add_communities",
    "add_grids",
    "add_issue_layer",
    "add_layer_control",
    "add_legend",
    "add_lines",
    "add_points",
    "add_polygons",
    "basemap_needs_gcj",
    "display_to_wgs84",
    "escape_text",
    "issues",
    "layers",
    "map_html",
    "new_map",
    "palette_for",
    "panels",
    "point_render_mode",
    "shift_for_display",
    "street",
    "street_map",
    "tiles",
]
