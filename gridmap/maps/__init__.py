"""The map package: everything that draws, and nothing that loads data.

``layers``    folium layer building: the map, communities, grids, points, lines,
              polygons, legends, the layer control (no data loading)
``styles``    colours and path styles of every layer (also used by the map image)
``popups``    popup and hover texts: escaping, formatting, popup columns by kind
``basemaps``  the tile layers: none (offline), OSM, Tianditu, Amap, custom
``leaflet``   gridmap's own Leaflet elements; their JavaScript and CSS are files
              under ``static/``, written into the map's script
``street``    the street map of a snapshot (:mod:`gridmap.snapshot`) and check layers
``issues``    the case layer, coloured by status
``panels``    what a click on the map shows: the grid or point under it and its side panel
``selection`` the map page's decisions: the clicked position, what the side panel shows,
              a search hit's view, the filters' bounds and counts
``cache``     drawn maps kept per the frames they draw, so a click does not draw again

The common calls are re-exported here: ``gridmap.maps.add_grids(m, grids_gdf)``.
"""

from __future__ import annotations

from gridmap.maps import basemaps as basemaps
from gridmap.maps import cache as cache
from gridmap.maps import issues as issues
from gridmap.maps import layers as layers
from gridmap.maps import leaflet as leaflet
from gridmap.maps import panels as panels
from gridmap.maps import popups as popups
from gridmap.maps import selection as selection
from gridmap.maps import street as street
from gridmap.maps import styles as styles
from gridmap.maps import tiles as tiles  # raster tile overlays for city-size stores
from gridmap.maps.basemaps import BASEMAPS, basemap_needs_gcj
from gridmap.maps.cache import FramesCache
from gridmap.maps.issues import add_issue_layer
from gridmap.maps.layers import (
    CANVAS_MIN_POINTS,
    CLUSTER_MIN_POINTS,
    LABEL_MIN_ZOOM,
    SIMPLIFY_M,
    LegendItem,
    add_communities,
    add_grids,
    add_layer_control,
    add_legend,
    add_lines,
    add_points,
    add_polygons,
    map_html,
    new_map,
    point_render_mode,
    shift_for_display,
)
from gridmap.maps.popups import escape_text
from gridmap.maps.street import add_check_layers, display_to_wgs84, street_map, wgs84_to_display
from gridmap.maps.styles import (
    KIND_COLORS,
    PALETTE,
    POLYGON_STYLES,
    ROAD_STYLES,
    STATUS_COLORS,
    UNASSIGNED_COLOR,
    palette_for,
)

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
    "FramesCache",
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
    "basemaps",
    "cache",
    "display_to_wgs84",
    "escape_text",
    "issues",
    "layers",
    "leaflet",
    "map_html",
    "new_map",
    "palette_for",
    "panels",
    "point_render_mode",
    "popups",
    "selection",
    "shift_for_display",
    "street",
    "street_map",
    "styles",
    "tiles",
    "wgs84_to_display",
]
