"""Folium maps of communities, grids, workers and facilities that draw with no internet.

Each ``add_*`` function turns one EPSG:4326 GeoDataFrame into a named
:class:`folium.FeatureGroup` and adds it to the map ``m`` (pass ``m=None`` to get
the group alone, e.g. for streamlit-folium's ``feature_group_to_add``). Nothing
here loads data or imports Streamlit.

Offline by default
    :func:`new_map` replaces the map's CDN links with links to the locally served
    XStatic copies (:mod:`gridmap.assets`) on the map *instance*, uses no tiles
    unless a basemap is chosen, and draws points as circle markers (no icon
    fonts). Legends, labels and popups are plain HTML/CSS injected by the map's
    own script, so a map with ``basemap="none"`` contains no ``http(s)://`` URL.
Small HTML
    Polygons and lines are simplified for display (:data:`SIMPLIFY_M`) and all
    coordinates are rounded to 6 decimals (about 0.1 m). Polygons and lines
    travel as one ``L.geoJson`` layer per group with the style and escaped
    popup values in each feature's properties; points travel as compact arrays
    (coordinates, a style index and dictionary-encoded popup values), about
    60 bytes a point. One popup and one tooltip are bound per layer and filled
    when opened, instead of one folium object per feature.
Dense points
    Up to :data:`CLUSTER_MIN_POINTS` points are drawn as they are; more are
    clustered with Leaflet.markercluster; beyond :data:`CANVAS_MIN_POINTS` they
    are drawn unclustered on the map's canvas renderer: 100,000 points make
    about 6 MB of HTML and draw in a few seconds in headless Chromium.
Escaping
    Every user-supplied text (names, descriptions, worker names, legend
    labels) is HTML-escaped by :func:`escape_text` before it reaches a popup,
    tooltip or legend; the escaped HTML is carried inside JSON that folium writes
    with ``<``, ``>`` and ``&`` escaped, and is inserted with ``innerHTML`` as
    data, never evaluated as script.
Fast rendering
    branca compiles the rendered script of every element as a Jinja template
    before writing it; gridmap's own elements and its GeoJSON layers write
    theirs as plain text instead (:class:`_PlainMacro`), so rendering time does
    not grow with the data through Jinja and ``{{ ... }}`` in user text stays text.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, Figure, MacroElement
from folium.plugins import MarkerCluster
from folium.utilities import JsCode
from jinja2 import Template

from gridmap import i18n
from gridmap.assets import STATIC_URL, markercluster_links, offline_links
from gridmap.errors import CRSError, InputError

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
    "add_communities",
    "add_grids",
    "add_layer_control",
    "add_legend",
    "add_lines",
    "add_points",
    "add_polygons",
    "basemap_needs_gcj",
    "escape_text",
    "map_html",
    "new_map",
    "palette_for",
    "point_render_mode",
    "shift_for_display",
]

#: Basemap choices of :func:`new_map`; ``"none"`` draws with no network at all.
BASEMAPS: tuple[str, ...] = ("none", "osm", "tianditu", "amap", "custom")
#: Point layers with more points than this are clustered (``cluster="auto"``).
CLUSTER_MIN_POINTS = 2_000
#: Point layers with more points than this are drawn unclustered on a canvas.
CANVAS_MIN_POINTS = 20_000
#: Grid-code labels show from this zoom level on.
LABEL_MIN_ZOOM = 15
#: Display simplification tolerance of polygons and lines, in metres.
SIMPLIFY_M = 0.5
#: Decimals kept in coordinates of the map HTML (1e-6 degree is about 0.1 m).
COORD_DECIMALS = 6

# Metres per degree of latitude, used only to turn the display tolerance SIMPLIFY_M
# into degrees for shapely.simplify; no measurement is ever made in degrees.
_M_PER_DEG = 111_320.0

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
_ROAD_DEFAULT = {"color": "#969696", "weight": 2, "opacity": 0.85}

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
_KIND_DEFAULT_COLOR = "#3366cc"

#: Polygon styles by kind for :func:`add_polygons`.
POLYGON_STYLES: dict[str, dict[str, Any]] = {
    "compound": {"color": "#8c6d31", "weight": 2, "dashArray": "6 4",
                 "fillColor": "#e7cb94", "fillOpacity": 0.15},
    "school": {"color": "#7b4173", "weight": 2, "fillColor": "#ce6dbd", "fillOpacity": 0.3},
    "building": {"color": "#525252", "weight": 1, "fillColor": "#bdbdbd", "fillOpacity": 0.6},
}  # fmt: skip
_POLYGON_DEFAULT = {"color": "#3366cc", "weight": 2, "fillColor": "#3366cc", "fillOpacity": 0.15}
_COMMUNITY_STYLE = {"color": "#08306b", "weight": 3, "opacity": 0.9, "fill": False}
_GRID_STYLE = {"color": "#444444", "weight": 1, "opacity": 0.9, "fillOpacity": 0.45}

# Popup rows by kind; a tuple of names shows the first column present.
_POPUP_COLUMNS: dict[str, tuple[tuple[str, ...], ...]] = {
    "grid": (("code",), ("name",), ("community_name", "community"), ("workers", "worker"),
             ("phone",), ("households",), ("residents",), ("boards",), ("fitness",),
             ("bins",), ("open_issues",)),
    "community": (("name",), ("code",), ("street",), ("households",), ("residents",)),
    "board": (("name",), ("code",), ("board_type",), ("theme",), ("panels",), ("status",),
              ("last_inspected",), ("grid",), ("worker",)),
    "fitness": (("name",), ("code",), ("equipment_type",), ("condition",), ("status",),
                ("installed",), ("last_inspected",), ("grid",), ("worker",)),
    "bin": (("name",), ("code",), ("bin_type",), ("category",), ("capacity_l",), ("status",),
            ("last_inspected",), ("grid",), ("worker",)),
    "issue": (("code",), ("category",), ("subcategory",), ("description",), ("status",),
              ("reported_at",), ("deadline",), ("grid",), ("worker",)),
    "internet_cafe": (("name",), ("address",)),
    "entrance": (("name",), ("of",), ("compound",)),
    "school": (("name",), ("level",)),
    "compound": (("name",), ("code",), ("community",), ("households",), ("enclosed",)),
    "building": (("name",), ("code",), ("compound",), ("households",), ("floors",)),
    "road": (("name",), ("road_class",)),
}  # fmt: skip
_POPUP_DEFAULT: tuple[tuple[str, ...], ...] = (("name",), ("code",))
# Tooltip (hover) text: first column present.
_TIP_COLUMNS = ("name", "code", "category")
# Columns whose values are canonical enum values shown through i18n.label.
_ENUM_COLUMNS = frozenset(
    {"role", "road_class", "board_type", "bin_type", "category", "status", "condition",
     "level", "of", "action"}
)  # fmt: skip
_ISSUE_ENUM_COLUMNS = frozenset({"status"})  # issue categories are free text

_COLOR_RE = re.compile(r"^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20})$")

_CSS = """
.leaflet-container{background:#f4f2ee}
.gridmap-legend{background:rgba(255,255,255,.92);padding:6px 8px;border-radius:4px;
box-shadow:0 1px 4px rgba(0,0,0,.3);font:12px/1.5 sans-serif;color:#222;max-height:40vh;
overflow-y:auto}
.gridmap-legend .gridmap-legend-title{font-weight:bold;margin-bottom:2px}
.gridmap-legend i{display:inline-block;width:12px;height:12px;margin-right:6px;
vertical-align:-2px;border:1px solid rgba(0,0,0,.35);box-sizing:border-box}
.gridmap-legend i.gridmap-dot{border-radius:50%}
.gridmap-legend i.gridmap-line{width:20px;height:0;border:none;border-top-style:solid;
vertical-align:3px}
.leaflet-tooltip.gridmap-label{background:transparent;border:none;box-shadow:none;padding:0;
font:bold 11px sans-serif;color:#222;text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 2px #fff}
.leaflet-tooltip.gridmap-label:before{display:none}
.gridmap-labels-hidden .leaflet-tooltip.gridmap-label{display:none}
table.gridmap-popup{border-collapse:collapse;font-size:12px}
table.gridmap-popup th{text-align:left;font-weight:normal;color:#555;padding:1px 8px 1px 0;
white-space:nowrap;vertical-align:top}
table.gridmap-popup td{padding:1px 0;word-break:break-word}
""".strip()

# Permanent grid-code labels (the text is escaped in Python before it gets here).
_LABEL_ON_EACH_FEATURE = JsCode(
    """function(feature, layer) {
    var p = feature.properties || {};
    if (p.label) {
        layer.bindTooltip(p.label, {permanent: true, direction: "center",
            className: "gridmap-label", interactive: false, opacity: 1});
    }
}"""
)


# --------------------------------------------------------------------------------------
# small elements: CSS, legend, label toggle
# --------------------------------------------------------------------------------------


class _Text(Element):
    """Text written to the page as it is, never compiled as a Jinja template."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs: Any) -> str:
        return self._text


class _PlainMacro(MacroElement):
    """A :class:`~branca.element.MacroElement` whose rendered pieces are not re-compiled.

    branca wraps each rendered ``header``/``html``/``script`` macro in a new
    ``Element(text)``, which compiles that text, data included, as a Jinja
    template: rendering then costs time in proportion to the data, and any
    ``{{ ... }}`` in user text would be evaluated. Here the text is added as it
    is. Subclasses of folium layers list this class last so that it replaces
    ``MacroElement.render`` in their method resolution order.
    """

    def render(self, **kwargs: Any) -> None:
        figure = self.get_root()
        if not isinstance(figure, Figure):
            msg = "a map element can only be rendered inside a folium map"
            raise InputError(msg)
        module = self._template.module.__dict__
        for part in ("header", "html", "script"):
            macro = module.get(part)
            if macro is not None:
                # without the one trailing newline, as the Jinja template would drop it
                text = str(macro(self, kwargs)).removesuffix("\n")
                getattr(figure, part).add_child(_Text(text), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)


class _GeoJson(folium.GeoJson, _PlainMacro):
    """:class:`folium.GeoJson` whose data is written to the page without Jinja."""


class _Css(_PlainMacro):
    """Adds gridmap's CSS to the page once, from script.

    Injected by script so it also reaches iframes that receive only a layer's
    script, as with streamlit-folium's ``feature_group_to_add``.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
(function() {
    if (!document.getElementById("gridmap-css")) {
        var s = document.createElement("style");
        s.id = "gridmap-css";
        s.textContent = {{ this.css|tojson }};
        document.head.appendChild(s);
    }
})();
{% endmacro %}"""
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "GridmapCss"
        self.css = _CSS


class _Legend(_PlainMacro):
    """A Leaflet control holding pre-escaped legend HTML; shown with its layer."""

    _template = Template(
        """{% macro script(this, kwargs) %}
(function(parent) {
    var ctrl = L.control({position: {{ this.position|tojson }}});
    ctrl.onAdd = function(map) {
        var div = L.DomUtil.create("div", "gridmap-legend");
        div.innerHTML = {{ this.html|tojson }};
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
    };
    if (parent instanceof L.Map) {
        ctrl.addTo(parent);
    } else {
        parent.on("add", function() { if (parent._map) { ctrl.addTo(parent._map); } });
        parent.on("remove", function() { ctrl.remove(); });
    }
})({{ this._parent.get_name() }});
{% endmacro %}"""
    )

    def __init__(self, legend_html: str, position: str) -> None:
        super().__init__()
        self._name = "GridmapLegend"
        self.html = legend_html
        self.position = position


class _LabelZoom(_PlainMacro):
    """Hides permanent grid labels below ``min_zoom`` (a class on the map container)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
(function(group, minZoom) {
    function update(map) {
        var c = map.getContainer();
        if (map.getZoom() >= minZoom) { L.DomUtil.removeClass(c, "gridmap-labels-hidden"); }
        else { L.DomUtil.addClass(c, "gridmap-labels-hidden"); }
    }
    group.on("add", function() {
        var map = group._map;
        if (!map) { return; }
        update(map);
        if (!map._gridmapLabelZoom) {
            map._gridmapLabelZoom = true;
            map.on("zoomend", function() { update(map); });
        }
    });
})({{ this._parent.get_name() }}, {{ this.min_zoom|tojson }});
{% endmacro %}"""
    )

    def __init__(self, min_zoom: int) -> None:
        super().__init__()
        self._name = "GridmapLabelZoom"
        self.min_zoom = int(min_zoom)


class _Bind(_PlainMacro):
    """Binds one popup and one hover tooltip to a whole layer.

    Leaflet passes the clicked feature to the content functions, which build the
    popup table from escaped values: ``feature.properties.v`` / ``.t`` for GeoJSON
    features, the column tables of :class:`_PointLayer` for point markers. One
    binding per layer keeps 100,000 markers cheap (no popup object per marker).
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
(function(group, heads, fallback, withTip) {
    function values(l) {
        if (l._gmt) {
            var T = l._gmt, i = l._gm;
            return T.cols.map(function(c) { return c.d ? c.d[c.i[i]] : c.v[i]; });
        }
        var p = l.feature && l.feature.properties;
        return (p && p.v) || [];
    }
    function tip(l) {
        if (l._gmt) {
            var c = l._gmt.tip, i = l._gm;
            return (c && (c.d ? c.d[c.i[i]] : c.v[i])) || fallback;
        }
        var p = l.feature && l.feature.properties;
        return (p && p.t) || fallback;
    }
    if (heads.length) {
        group.bindPopup(function(l) {
            var v = values(l), rows = "";
            for (var i = 0; i < heads.length; i++) {
                if (v[i]) { rows += "<tr><th>" + heads[i] + "</th><td>" + v[i] + "</td></tr>"; }
            }
            return '<table class="gridmap-popup">'
                + (rows || "<tr><td>" + fallback + "</td></tr>") + "</table>";
        }, {maxWidth: 360});
    }
    if (withTip) { group.bindTooltip(tip, {sticky: true}); }
})({{ this._parent.get_name() }}, {{ this.heads|tojson }}, {{ this.fallback|tojson }},
   {{ this.with_tip|tojson }});
{% endmacro %}"""
    )

    def __init__(self, heads: list[str], fallback: str, *, with_tip: bool) -> None:
        super().__init__()
        self._name = "GridmapBind"
        self.heads = heads
        self.fallback = fallback
        self.with_tip = bool(with_tip)


class _PointLayer(_PlainMacro):
    """Circle markers from compact arrays (about 50 bytes a point instead of ~500).

    ``data`` holds ``xy`` (flat lon, lat), ``cat`` (style index per point),
    ``styles`` (Leaflet path options), ``cols`` (escaped popup values, either
    ``{"v": [...]}`` or dictionary-encoded ``{"d": [...], "i": [...]}``) and ``tip``.
    Markers go to the parent in one call when it is a marker cluster.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
(function(parent, D) {
    var T = {cols: D.cols, tip: D.tip}, xy = D.xy, cat = D.cat, n = cat.length;
    var markers = new Array(n);
    for (var i = 0; i < n; i++) {
        var mk = L.circleMarker([xy[2 * i + 1], xy[2 * i]], D.styles[cat[i]]);
        mk._gm = i;
        mk._gmt = T;
        markers[i] = mk;
    }
    if (parent.addLayers) { parent.addLayers(markers); }
    else { for (var j = 0; j < n; j++) { parent.addLayer(markers[j]); } }
})({{ this._parent.get_name() }}, {{ this.data|tojson }});
{% endmacro %}"""
    )

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__()
        self._name = "GridmapPoints"
        self.data = data


class _CanvasPoints(_PointLayer):
    """All points of a large layer drawn by one Leaflet layer on its own ``<canvas>``.

    Takes the same ``data`` as :class:`_PointLayer` but creates no Leaflet object
    per point: the layer projects the points once and, on ``moveend``/``zoomend``/
    ``resize``, stamps one pre-drawn circle bitmap per style at every point in
    point order (the look of Leaflet's canvas circle markers, about ten times
    faster than filling and stroking 100,000 arcs). A click or the pointer is
    matched to the nearest point within ~6 px through a screen-space grid built
    at each redraw. The layer fires
    ``click``/``mouseover``/``mousemove``/``mouseout`` on its parent with a small
    stand-in layer carrying the point index, so the popup and tooltip bound by
    :class:`_Bind` show the same escaped content as for circle markers.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
(function(parent, D) {
    var T = {cols: D.cols, tip: D.tip}, xy = D.xy, cat = D.cat, n = cat.length;
    var styles = D.styles, CELL = 16, PAD = 0.1;
    function sprite(st, dpr) {  // a circle filled and stroked as L.Canvas does
        var rad = st.radius || 4, lw = st.weight == null ? 3 : st.weight,
            half = Math.ceil((rad + lw / 2 + 1) * dpr), off = typeof OffscreenCanvas === "function",
            c = off ? new OffscreenCanvas(2 * half, 2 * half) : document.createElement("canvas");
        c.width = c.height = 2 * half;
        var g = c.getContext("2d");
        g.setTransform(dpr, 0, 0, dpr, half, half);
        g.beginPath();
        g.arc(0, 0, rad, 0, 2 * Math.PI);
        if (st.fill !== false) {
            g.globalAlpha = st.fillOpacity == null ? 0.2 : st.fillOpacity;
            g.fillStyle = st.fillColor || st.color || "#3388ff";
            g.fill();
        }
        if (st.stroke !== false && lw > 0) {
            g.globalAlpha = st.opacity == null ? 1 : st.opacity;
            g.lineWidth = lw;
            g.strokeStyle = st.color || "#3388ff";
            g.stroke();
        }
        // a bitmap is stamped much faster than a canvas, which is snapshotted each time
        var img = off ? c.transferToImageBitmap() : c;
        img.half = half;
        return img;
    }
    var GridmapCanvasPoints = L.Layer.extend({
        options: {pane: "overlayPane"},
        initialize: function() {
            this._r = styles.reduce(function(r, s) {
                return Math.max(r, (s.radius || 4) + (s.weight == null ? 3 : s.weight) / 2);
            }, 0);
        },
        _project: function(map) {
            if (this._crs === map.options.crs) { return; }
            var crs = this._crs = map.options.crs, X = this._X = new Float64Array(n),
                Y = this._Y = new Float64Array(n), s0 = crs.scale(0);
            for (var i = 0; i < n; i++) {
                var p = crs.latLngToPoint(L.latLng(xy[2 * i + 1], xy[2 * i]), 0);
                X[i] = p.x / s0; Y[i] = p.y / s0;
            }
        },
        // no focusable element: tooltips bound to the group skip their focus hooks
        getElement: function() { return null; },
        getEvents: function() {
            return {moveend: this._draw, zoomend: this._draw, resize: this._draw,
                    viewreset: this._draw, click: this._onClick,
                    mousemove: this._onMove, mouseout: this._onOut};
        },
        onAdd: function(map) {
            var c = this._canvas = L.DomUtil.create("canvas", "leaflet-zoom-hide");
            c.style.pointerEvents = "none";
            this.getPane().appendChild(c);
            this._project(map);
            this._draw();
        },
        onRemove: function() {
            this._onOut();
            L.DomUtil.remove(this._canvas);
            this._canvas = this._sx = this._sy = this._head = this._next = null;
        },
        _draw: function() {
            var map = this._map, c = this._canvas;
            if (!map || !c) { return; }
            var size = map.getSize(), pad = size.multiplyBy(PAD).round(),
                w = size.x + 2 * pad.x, h = size.y + 2 * pad.y,
                topLeft = map.containerPointToLayerPoint([-pad.x, -pad.y]).round(),
                dpr = window.devicePixelRatio || 1;
            L.DomUtil.setPosition(c, topLeft);
            c.width = Math.round(w * dpr); c.height = Math.round(h * dpr);
            c.style.width = w + "px"; c.style.height = h + "px";
            var ctx = c.getContext("2d");
            ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
            // container point = world * scale - (pixelOrigin - mapPanePos); canvas adds pad
            var scale = map.options.crs.scale(map.getZoom()),
                off = map.getPixelOrigin().subtract(map._getMapPanePos()).subtract(pad),
                X = this._X, Y = this._Y, r = this._r, tol = Math.max(6, r + 2);
            var cols = Math.ceil(w / CELL) + 1, rows = Math.ceil(h / CELL) + 1;
            var sx = this._sx = new Float32Array(n), sy = this._sy = new Float32Array(n);
            var head = this._head = new Int32Array(cols * rows).fill(-1),
                next = this._next = new Int32Array(n);
            this._cols = cols; this._rows = rows; this._pad = pad; this._tol = tol;
            // one pre-drawn circle per style, stamped in point order like Leaflet's renderer
            var sprites = styles.map(function(st) { return sprite(st, dpr); });
            ctx.setTransform(1, 0, 0, 1, 0, 0);
            for (var i = 0; i < n; i++) {
                var x = X[i] * scale - off.x, y = Y[i] * scale - off.y, sp = sprites[cat[i]];
                sx[i] = x; sy[i] = y;
                if (x < -r || y < -r || x > w + r || y > h + r) { continue; }
                var cx = Math.floor(x / CELL), cy = Math.floor(y / CELL);
                if (cx < 0) { cx = 0; } else if (cx >= cols) { cx = cols - 1; }
                if (cy < 0) { cy = 0; } else if (cy >= rows) { cy = rows - 1; }
                var cell = cy * cols + cx;
                next[i] = head[cell]; head[cell] = i;
                ctx.drawImage(sp, Math.round(x) * dpr - sp.half, Math.round(y) * dpr - sp.half);
            }
            ctx.globalAlpha = 1;
        },
        _hit: function(cp) {
            if (!this._head) { return -1; }
            var x = cp.x + this._pad.x, y = cp.y + this._pad.y, tol = this._tol,
                best = -1, bestD = tol * tol, cols = this._cols, rows = this._rows;
            var x0 = Math.max(0, Math.floor((x - tol) / CELL)),
                x1 = Math.min(cols - 1, Math.floor((x + tol) / CELL)),
                y0 = Math.max(0, Math.floor((y - tol) / CELL)),
                y1 = Math.min(rows - 1, Math.floor((y + tol) / CELL));
            for (var cy = y0; cy <= y1; cy++) {
                for (var cx = x0; cx <= x1; cx++) {
                    for (var i = this._head[cy * cols + cx]; i >= 0; i = this._next[i]) {
                        var dx = this._sx[i] - x, dy = this._sy[i] - y, d = dx * dx + dy * dy;
                        // later points are drawn on top: prefer them on ties
                        if (d < bestD || (d === bestD && i > best)) { best = i; bestD = d; }
                    }
                }
            }
            return best;
        },
        _stand: function(i) {
            var s = new L.Evented();
            s._map = this._map; s._gm = i; s._gmt = T;
            s._latlng = L.latLng(xy[2 * i + 1], xy[2 * i]);
            s.getLatLng = function() { return this._latlng; };
            s.getElement = function() { return null; };
            return s;
        },
        _onClick: function(e) {
            var i = this._hit(e.containerPoint);
            if (i < 0) { return; }
            var s = this._stand(i);
            this.fire("click", {layer: s, latlng: s._latlng,
                                containerPoint: e.containerPoint,
                                originalEvent: e.originalEvent}, true);
        },
        _onMove: function(e) {
            var i = this._hit(e.containerPoint), cur = this._hover;
            if (cur && cur._gm === i) {
                this.fire("mousemove", {layer: cur, latlng: e.latlng,
                                        containerPoint: e.containerPoint}, true);
                return;
            }
            this._onOut();
            if (i < 0) { return; }
            var s = this._hover = this._stand(i);
            this._map.getContainer().style.cursor = "pointer";
            this.fire("mouseover", {layer: s, latlng: e.latlng,
                                    containerPoint: e.containerPoint}, true);
        },
        _onOut: function() {
            var cur = this._hover;
            if (!cur) { return; }
            this._hover = null;
            if (this._map) {
                this._map.getContainer().style.cursor = "";
            }
            this.fire("mouseout", {layer: cur}, true);
        }
    });
    parent.addLayer(new GridmapCanvasPoints());
})({{ this._parent.get_name() }}, {{ this.data|tojson }});
{% endmacro %}"""
    )

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__(data)
        self._name = "GridmapCanvasPoints"


@dataclass(frozen=True)
class LegendItem:
    """One legend entry.

    Parameters
    ----------
    label
        Text shown (escaped when drawn).
    color
        CSS colour, ``#rgb``/``#rrggbb`` or a colour name.
    shape
        ``"box"`` (areas), ``"line"`` (roads) or ``"dot"`` (points).
    size_px
        Line width for ``"line"``.
    """

    label: str
    color: str
    shape: str = "box"
    size_px: int = 3


# --------------------------------------------------------------------------------------
# text and values
# --------------------------------------------------------------------------------------


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, (list, tuple, set, np.ndarray, dict)):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def escape_text(value: object) -> str:
    """Return ``value`` as text that is safe inside HTML and JavaScript template strings.

    ``html.escape`` plus entities for the backtick, ``$`` and backslash, so the text
    can neither open a tag nor an interpolation in a JS template literal.

    Parameters
    ----------
    value
        Any value; ``None`` and NaN give ``""``.

    Returns
    -------
    str
        The escaped text.

    Examples
    --------
    >>> escape_text("<img src=x onerror=alert(1)>")
    '&lt;img src=x onerror=alert(1)&gt;'
    >>> escape_text("${x}`")
    '&#36;{x}&#96;'
    """
    if _is_missing(value):
        return ""
    text = html.escape(str(value), quote=True)
    return text.replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")


def _format_value(value: object, column: str, lang: str, *, enum: bool) -> str:
    """Format one cell for a popup and escape it."""
    if _is_missing(value):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return escape_text(i18n.t("value.yes" if value else "value.no", lang))
    if isinstance(value, (list, tuple, set, np.ndarray)):
        parts = [_format_value(v, column, lang, enum=enum) for v in value]
        return "、".join(p for p in parts if p)
    if isinstance(value, (pd.Timestamp, datetime)):
        ts = pd.Timestamp(value)
        fmt = "%Y-%m-%d" if (ts.hour, ts.minute, ts.second) == (0, 0, 0) else "%Y-%m-%d %H:%M"
        return escape_text(ts.strftime(fmt))
    if isinstance(value, date):
        return escape_text(value.isoformat())
    if isinstance(value, (float, np.floating)):
        number = float(value)
        if not math.isfinite(number):
            return ""
        return escape_text(str(int(number)) if number.is_integer() else f"{number:.2f}")
    if isinstance(value, np.integer):
        return escape_text(int(value))
    if enum:
        return escape_text(i18n.label(str(value), lang, field=column))
    return escape_text(value)


def _format_column(series: pd.Series, column: str, lang: str, *, enum: bool) -> list[str]:
    """Format a whole column, formatting each distinct hashable value once."""
    cache: dict[Any, str] = {}
    out = []
    for value in series.tolist():
        try:
            text = cache.get(value)
        except TypeError:  # unhashable (lists of worker names)
            out.append(_format_value(value, column, lang, enum=enum))
            continue
        if text is None:
            text = _format_value(value, column, lang, enum=enum)
            cache[value] = text
        out.append(text)
    return out


def _resolve_columns(
    gdf: pd.DataFrame, kind: str, popup_columns: Sequence[str] | None
) -> list[str]:
    if popup_columns is not None:
        missing = [c for c in popup_columns if c not in gdf.columns]
        if missing:
            msg = f"popup columns not in the data: {', '.join(map(str, missing))}"
            raise InputError(msg)
        return list(popup_columns)
    chosen = []
    for alternatives in _POPUP_COLUMNS.get(kind, _POPUP_DEFAULT):
        for column in alternatives:
            if column in gdf.columns:
                chosen.append(column)
                break
    return chosen


def _field_label(column: str, lang: str) -> str:
    key = f"field.{column}"
    return i18n.t(key, lang) if key in i18n.STRINGS else column


def _popup_cells(
    gdf: pd.DataFrame, columns: Sequence[str], lang: str, kind: str
) -> tuple[list[str], list[list[str]]]:
    """Return escaped column headings and the escaped values of each column."""
    enum_cols = _ISSUE_ENUM_COLUMNS if kind == "issue" else _ENUM_COLUMNS
    heads = [escape_text(_field_label(c, lang)) for c in columns]
    cells = [_format_column(gdf[c], c, lang, enum=c in enum_cols) for c in columns]
    return heads, cells


def _tips(gdf: pd.DataFrame, lang: str, kind: str) -> list[str]:
    """Return the escaped hover text of each row (name, code or category)."""
    enum_cols = _ISSUE_ENUM_COLUMNS if kind == "issue" else _ENUM_COLUMNS
    for column in _TIP_COLUMNS:
        if column in gdf.columns:
            return _format_column(gdf[column], column, lang, enum=column in enum_cols)
    return [""] * len(gdf)


def _category_keys(gdf: pd.DataFrame, column: str | None) -> list[str | None]:
    """Return the column's values as text (``None`` if missing), all ``None`` if no column."""
    if column is None or column not in gdf.columns:
        return [None] * len(gdf)
    return [None if _is_missing(v) else str(v) for v in gdf[column].tolist()]


def _kind_label(kind: str, lang: str) -> str:
    return escape_text(i18n.label(kind, lang, field="kind"))


def _encode_column(values: list[str]) -> dict[str, list]:
    """Dictionary-encode a column when that makes it smaller."""
    codes: dict[str, int] = {}
    index = [codes.setdefault(v, len(codes)) for v in values]
    if len(codes) * 2 <= len(values):
        return {"d": list(codes), "i": index}
    return {"v": values}


# --------------------------------------------------------------------------------------
# geometry
# --------------------------------------------------------------------------------------


def _check_gdf(gdf: object, what: str) -> gpd.GeoDataFrame:
    """Check type and CRS; return the rows with a non-empty geometry (a view-free copy)."""
    if not isinstance(gdf, gpd.GeoDataFrame):
        msg = f"{what}: expected a GeoDataFrame, got {type(gdf).__name__}"
        raise InputError(msg)
    if gdf.crs is None:
        msg = f"{what}: the data has no coordinate system; expected EPSG:4326 (WGS-84 lon/lat)"
        raise CRSError(msg)
    if gdf.crs.to_epsg() != 4326:
        msg = (
            f"{what}: coordinates are in {gdf.crs.to_string()}, expected EPSG:4326 "
            "(WGS-84 lon/lat); convert them first"
        )
        raise CRSError(msg)
    geoms = gdf.geometry.to_numpy()
    keep = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    return gdf.loc[keep]


def _display_geoms(geoms: np.ndarray, simplify_m: float | None) -> list[dict]:
    """Simplify (display only), drop Z, round to COORD_DECIMALS, return GeoJSON dicts."""
    if simplify_m:
        tolerance_deg = float(simplify_m) / _M_PER_DEG
        geoms = shapely.simplify(geoms, tolerance_deg, preserve_topology=True)
    rounded = shapely.transform(geoms, lambda c: np.round(c, COORD_DECIMALS))
    return [json.loads(s) for s in shapely.to_geojson(rounded)]


def _features(geometries: list[dict], properties: list[dict]) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": g, "properties": p}
            for g, p in zip(geometries, properties, strict=True)
        ],
    }


def _geojson(
    collection: dict, *, marker: folium.CircleMarker | None = None, labels: bool = False
) -> folium.GeoJson:
    # No style_function: folium then styles each feature from properties.style.
    return _GeoJson(
        collection,
        control=False,
        marker=marker,
        on_each_feature=_LABEL_ON_EACH_FEATURE if labels else None,
    )


def _shape_layer(
    group: folium.FeatureGroup,
    gdf: gpd.GeoDataFrame,
    *,
    kind: str,
    styles: list[dict[str, Any]],
    popup_columns: Sequence[str] | None,
    lang: str,
    simplify_m: float | None,
    tips: bool = True,
    labels: list[str] | None = None,
) -> None:
    """Add polygons/lines (one GeoJSON layer) with a popup and hover text to ``group``."""
    columns = _resolve_columns(gdf, kind, popup_columns)
    heads, cells = _popup_cells(gdf, columns, lang, kind)
    tip_texts = _tips(gdf, lang, kind) if tips else [""] * len(gdf)
    props = []
    for i, style in enumerate(styles):
        prop: dict[str, Any] = {"style": style, "v": [col[i] for col in cells]}
        if tip_texts[i]:
            prop["t"] = tip_texts[i]
        if labels is not None and labels[i]:
            prop["label"] = labels[i]
        props.append(prop)
    geoms = _display_geoms(gdf.geometry.to_numpy(), simplify_m)
    marker = folium.CircleMarker(radius=4)  # for stray points (buildings given as points)
    layer = _geojson(_features(geoms, props), marker=marker, labels=labels is not None)
    # bound to the L.geoJson layer itself: Leaflet 1.9.3 fails binding a tooltip to a group
    # of groups ("getElement is not a function")
    layer.add_child(_Bind(heads, _kind_label(kind, lang), with_tip=tips), name="gridmap_bind")
    layer.add_to(group)


# --------------------------------------------------------------------------------------
# colours
# --------------------------------------------------------------------------------------


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
    distinct = sorted({str(v) for v in values if not _is_missing(v)})
    return {v: PALETTE[i % len(PALETTE)] for i, v in enumerate(distinct)}


def _checked_colors(colors: Mapping[object, str] | None) -> dict[str, str]:
    """Return user ``value -> colour`` overrides with text keys and checked colours."""
    return {str(k): _safe_color(v, "colors") for k, v in (colors or {}).items()}


def _safe_color(color: str, what: str) -> str:
    if not isinstance(color, str) or not _COLOR_RE.match(color):
        msg = f"{what}: {color!r} is not a CSS colour like '#1f77b4'"
        raise InputError(msg)
    return color


# --------------------------------------------------------------------------------------
# the map
# --------------------------------------------------------------------------------------


def _check_basemap(basemap: str) -> str:
    if basemap not in BASEMAPS:
        msg = f"unknown basemap {basemap!r}; choose one of: {', '.join(BASEMAPS)}"
        raise InputError(msg)
    return basemap


def basemap_needs_gcj(basemap: str) -> bool:
    """Return whether data must be shifted to GCJ-02 to sit right on ``basemap``.

    Parameters
    ----------
    basemap
        One of :data:`BASEMAPS`.

    Returns
    -------
    bool
        ``True`` for ``"amap"`` (Amap tiles are in GCJ-02); then draw
        :func:`shift_for_display` copies of the layers.

    Raises
    ------
    gridmap.errors.InputError
        If ``basemap`` is unknown.
    """
    return _check_basemap(basemap) == "amap"


def _tianditu_url(layer: str, key: str) -> str:
    return (
        f"https://t{{s}}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile"
        f"&VERSION=1.0.0&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
        f"&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={quote(key, safe='')}"
    )


def _check_tile_url(tile_url: str | None) -> str:
    if not tile_url or not isinstance(tile_url, str):
        msg = "basemap 'custom' needs tile_url, e.g. http://tiles.local/{z}/{x}/{y}.png"
        raise InputError(msg)
    url = tile_url.strip()
    if not url.lower().startswith(("http://", "https://", "/")):
        msg = f"tile URL must start with http://, https:// or /: {url!r}"
        raise InputError(msg)
    if not all(p in url for p in ("{z}", "{x}")) or not ("{y}" in url or "{-y}" in url):
        msg = f"tile URL must contain {{z}}, {{x}} and {{y}}: {url!r}"
        raise InputError(msg)
    if any(ch in url for ch in "\"'<>` "):
        msg = f"tile URL contains characters not allowed in a URL: {url!r}"
        raise InputError(msg)
    return url


def _tile_layers(
    basemap: str,
    *,
    tianditu_key: str | None,
    tile_url: str | None,
    attribution: str | None,
    lang: str,
) -> list[folium.TileLayer]:
    name = i18n.t(f"map.basemap.{basemap}", lang)
    common = {"overlay": False, "control": True, "max_zoom": 20, "max_native_zoom": 18}
    if basemap == "none":
        return []
    if basemap == "osm":
        return [
            folium.TileLayer(
                tiles="https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                attr=attribution
                or '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
                " contributors",
                name=name,
                **common,
            )
        ]
    if basemap == "tianditu":
        key = (tianditu_key or "").strip()
        if not key:
            msg = "the Tianditu basemap needs a key (tk); get one at console.tianditu.gov.cn"
            raise InputError(msg)
        attr = attribution or "&copy; 天地图 Tianditu"
        return [
            folium.TileLayer(
                tiles=_tianditu_url("vec", key), attr=attr, name=name,
                subdomains="01234567", **common,
            ),
            folium.TileLayer(
                tiles=_tianditu_url("cva", key), attr=attr,
                name=i18n.t("map.basemap.tianditu_labels", lang),
                subdomains="01234567", overlay=True, control=False,
                max_zoom=20, max_native_zoom=18,
            ),
        ]  # fmt: skip
    if basemap == "amap":
        return [
            folium.TileLayer(
                tiles="https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1"
                "&style=8&x={x}&y={y}&z={z}",
                attr=attribution or "&copy; 高德地图 AutoNavi",
                name=name,
                subdomains="1234",
                **common,
            )
        ]
    url = _check_tile_url(tile_url)
    return [folium.TileLayer(tiles=url, attr=attribution or name, name=name, **common)]


def _all_nan(values: Sequence[float]) -> bool:
    try:
        return all(math.isnan(float(v)) for v in values)
    except (TypeError, ValueError):
        return False


def _check_bounds(bounds: Sequence[float]) -> tuple[float, float, float, float]:
    try:
        minx, miny, maxx, maxy = (float(v) for v in bounds)
    except (TypeError, ValueError):
        msg = f"bounds must be (min_lon, min_lat, max_lon, max_lat), got {bounds!r}"
        raise InputError(msg) from None
    ok = (
        all(math.isfinite(v) for v in (minx, miny, maxx, maxy))
        and -180 <= minx <= maxx <= 180
        and -90 <= miny <= maxy <= 90
    )
    if not ok:
        msg = f"bounds are not lon/lat (min_lon, min_lat, max_lon, max_lat): {bounds!r}"
        raise InputError(msg)
    return minx, miny, maxx, maxy


def new_map(
    *,
    bounds: Sequence[float] | None = None,
    basemap: str = "none",
    tianditu_key: str | None = None,
    tile_url: str | None = None,
    attribution: str | None = None,
    asset_base: str = STATIC_URL,
    lang: str = i18n.DEFAULT_LANG,
    max_zoom: int = 20,
) -> folium.Map:
    """Create a folium map that loads Leaflet from ``asset_base`` instead of a CDN.

    Parameters
    ----------
    bounds
        ``(min_lon, min_lat, max_lon, max_lat)`` in EPSG:4326 to fit the view to,
        e.g. ``gdf.total_bounds``; ``None`` (or the all-NaN bounds of an empty
        frame) shows China.
    basemap
        ``"none"`` (plain background, works offline), ``"osm"``, ``"tianditu"``
        (needs ``tianditu_key``; WGS-84 so no shift), ``"amap"`` (GCJ-02: draw
        :func:`shift_for_display` copies of the data) or ``"custom"`` (``tile_url``).
    tianditu_key
        Tianditu key (``tk``) for ``basemap="tianditu"``.
    tile_url
        Leaflet URL template with ``{z}``, ``{x}``, ``{y}`` for ``basemap="custom"``,
        e.g. an intranet tile server.
    attribution
        Attribution text of the basemap (a default is used when omitted).
    asset_base
        URL the vendor folder of :func:`gridmap.assets.install_static` is served at.
    lang
        Language of layer names.
    max_zoom
        Deepest zoom level allowed.

    Returns
    -------
    folium.Map
        A map with canvas rendering, a scale bar and the offline asset links set
        on the instance (``m.default_js`` / ``m.default_css``).

    Raises
    ------
    gridmap.errors.InputError
        For an unknown basemap, a Tianditu basemap without key, a custom basemap
        without a valid ``tile_url``, or bounds that are not lon/lat.

    Examples
    --------
    >>> m = new_map(bounds=(116.39, 39.90, 116.41, 39.92))
    >>> m.default_js[0]
    ('leaflet', '/app/static/vendor/leaflet/leaflet.js')
    """
    _check_basemap(basemap)
    lang = i18n.normalize_lang(lang)
    tiles = _tile_layers(
        basemap, tianditu_key=tianditu_key, tile_url=tile_url, attribution=attribution,
        lang=lang,
    )  # fmt: skip
    if bounds is not None and _all_nan(bounds):
        bounds = None  # the total_bounds of an empty frame: show the default view
    box = _check_bounds(bounds) if bounds is not None else None
    if box is None:
        location, zoom = [35.0, 105.0], 4
    else:
        location = [(box[1] + box[3]) / 2, (box[0] + box[2]) / 2]
        zoom = 14
    m = folium.Map(
        location=location, zoom_start=zoom, tiles=None, prefer_canvas=True, control_scale=True
    )
    m.options["max_zoom"] = int(max_zoom)
    js, css = offline_links(asset_base)
    m.default_js = js
    m.default_css = css
    m.gridmap_asset_base = asset_base
    for layer in tiles:
        layer.add_to(m)
    m.add_child(_Css(), name="gridmap_css")
    if box is not None:
        m.fit_bounds([[box[1], box[0]], [box[3], box[2]]], max_zoom=18)
    return m


def _asset_base(m: object) -> str:
    return getattr(m, "gridmap_asset_base", STATIC_URL)


def _new_group(name: str, *, show: bool) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=name, overlay=True, control=True, show=show)
    group.add_child(_Css(), name="gridmap_css")
    return group


def _attach(m: folium.Map | folium.FeatureGroup | None, group: folium.FeatureGroup) -> None:
    if m is not None:
        group.add_to(m)
        _keep_control_last(m)


def _keep_control_last(m: folium.Map | folium.FeatureGroup) -> None:
    """Move a layer control behind every layer: its script names them, so they come first.

    A layer added after the control (e.g. the issue layer on a street map) would
    otherwise be declared after the control's script uses it, and Leaflet fails.
    """
    for name, child in list(m._children.items()):
        if isinstance(child, folium.LayerControl):
            m._children.move_to_end(name)


def _layer_name(layer_name: str, lang: str) -> str:
    return i18n.label(layer_name, lang, field="layer")


# --------------------------------------------------------------------------------------
# layers
# --------------------------------------------------------------------------------------


def add_communities(
    m: folium.Map | None,
    communities_gdf: gpd.GeoDataFrame,
    *,
    lang: str = i18n.DEFAULT_LANG,
    popup_columns: Sequence[str] | None = None,
    show: bool = True,
    simplify_m: float | None = SIMPLIFY_M,
) -> folium.FeatureGroup:
    """Draw community (社区) boundaries as thick outlines.

    Parameters
    ----------
    m
        Map to add the layer to; ``None`` returns the group without adding it.
    communities_gdf
        Community polygons in EPSG:4326 with ``name`` and ``code`` (optional
        ``street``, ``households``, ``residents`` are shown in the popup).
    lang
        Language of labels.
    popup_columns
        Columns for the popup instead of the defaults.
    show
        Whether the layer is on when the map opens.
    simplify_m
        Display simplification tolerance in metres (``None`` keeps every vertex).

    Returns
    -------
    folium.FeatureGroup
        The layer, named ``label("communities")`` (社区).

    Raises
    ------
    gridmap.errors.InputError
        If the frame is not EPSG:4326 (:class:`~gridmap.errors.CRSError`) or a
        popup column is missing.
    """
    lang = i18n.normalize_lang(lang)
    gdf = _check_gdf(communities_gdf, "communities")
    group = _new_group(_layer_name("communities", lang), show=show)
    if len(gdf):
        _shape_layer(
            group, gdf, kind="community", styles=[_COMMUNITY_STYLE] * len(gdf),
            popup_columns=popup_columns, lang=lang, simplify_m=simplify_m,
        )  # fmt: skip
    _attach(m, group)
    return group


def add_grids(
    m: folium.Map | None,
    grids_gdf: gpd.GeoDataFrame,
    *,
    color_by: str | None = "worker",
    labels: bool = True,
    colors: Mapping[str, str] | None = None,
    legend: bool = True,
    lang: str = i18n.DEFAULT_LANG,
    popup_columns: Sequence[str] | None = None,
    show: bool = True,
    simplify_m: float | None = SIMPLIFY_M,
    label_min_zoom: int = LABEL_MIN_ZOOM,
) -> folium.FeatureGroup:
    """Draw grids (网格) filled by their worker's colour, with code labels and popups.

    Parameters
    ----------
    m
        Map to add the layer to; ``None`` returns the group without adding it.
    grids_gdf
        Grid polygons in EPSG:4326. Used when present: ``code`` (label),
        ``name``, ``community_name`` or ``community``, ``workers`` (text or list
        of all workers) or ``worker``, ``phone``, ``households``, ``residents``
        and facility counts ``boards``, ``fitness``, ``bins``, ``open_issues``.
    color_by
        Column whose value picks the fill colour (default ``"worker"``); empty
        cells are drawn as unassigned (grey). ``None`` or an absent column fills
        every grid grey.
    labels
        Show the grid code at the grid's centre from zoom ``label_min_zoom`` on.
        Each label is a DOM element: turn it off for many thousands of grids.
    colors
        ``value -> colour`` overriding :func:`palette_for` (e.g. to match another map).
    legend
        Add a legend of the colours, shown while the layer is on.
    lang
        Language of labels.
    popup_columns
        Columns for the popup instead of the defaults.
    show
        Whether the layer is on when the map opens.
    simplify_m
        Display simplification tolerance in metres.
    label_min_zoom
        Zoom level from which labels show.

    Returns
    -------
    folium.FeatureGroup
        The layer, named ``label("grids")`` (网格).

    Raises
    ------
    gridmap.errors.InputError
        If the frame is not EPSG:4326, a colour is not a CSS colour, or a popup
        column is missing.
    """
    lang = i18n.normalize_lang(lang)
    gdf = _check_gdf(grids_gdf, "grids")
    group = _new_group(_layer_name("grids", lang), show=show)
    values = _category_keys(gdf, color_by)
    mapping = palette_for(values)
    mapping.update(_checked_colors(colors))
    if len(gdf):
        styles = [
            dict(_GRID_STYLE, fillColor=UNASSIGNED_COLOR if v is None else mapping[v])
            for v in values
        ]
        codes = None
        if labels and "code" in gdf.columns:
            codes = _format_column(gdf["code"], "code", lang, enum=False)
        _shape_layer(
            group, gdf, kind="grid", styles=styles, popup_columns=popup_columns, lang=lang,
            simplify_m=simplify_m, tips=False, labels=codes,
        )  # fmt: skip
        if codes is not None:
            group.add_child(_LabelZoom(label_min_zoom), name="gridmap_label_zoom")
    if legend and len(gdf):
        used = [v for v in mapping if v in set(values)]
        items = [LegendItem(v, mapping[v]) for v in used]
        if any(v is None for v in values):
            items.append(LegendItem(i18n.t("map.unassigned", lang), UNASSIGNED_COLOR))
        add_legend(group, items, title=i18n.t("map.legend.workers", lang))
    _attach(m, group)
    return group


def point_render_mode(n_points: int, cluster: bool | str = "auto") -> str:
    """Return how :func:`add_points` draws ``n_points`` points.

    Parameters
    ----------
    n_points
        Number of points in the layer.
    cluster
        ``"auto"``, ``True`` (always cluster) or ``False`` (never).

    Returns
    -------
    str
        ``"plain"`` (one circle marker each), ``"cluster"`` (Leaflet.markercluster;
        ``"auto"`` above :data:`CLUSTER_MIN_POINTS`) or ``"canvas"`` (unclustered,
        smaller circles drawn by one Leaflet layer on its own canvas, with no
        Leaflet object per point; ``"auto"`` above :data:`CANVAS_MIN_POINTS`,
        where clustering in the browser gets slow).

    Raises
    ------
    gridmap.errors.InputError
        If ``cluster`` is not one of the three values.

    Examples
    --------
    >>> point_render_mode(500), point_render_mode(5_000), point_render_mode(100_000)
    ('plain', 'cluster', 'canvas')
    """
    if cluster is True:
        return "cluster"
    if cluster is False:
        return "canvas" if n_points > CANVAS_MIN_POINTS else "plain"
    if cluster != "auto":
        msg = f"cluster must be 'auto', True or False, got {cluster!r}"
        raise InputError(msg)
    if n_points > CANVAS_MIN_POINTS:
        return "canvas"
    if n_points > CLUSTER_MIN_POINTS:
        return "cluster"
    return "plain"


def _category_colors(
    keys: list[str | None], colors: Mapping[str, str] | None, fallback: str
) -> dict[str | None, str]:
    mapping: dict[str | None, str] = {}
    palette = palette_for(k for k in keys if k is not None and k not in STATUS_COLORS)
    for key in set(keys):
        if key is None:
            mapping[key] = fallback
        elif key in STATUS_COLORS:
            mapping[key] = STATUS_COLORS[key]
        else:
            mapping[key] = palette[key]
    mapping.update(_checked_colors(colors))
    return mapping


def add_points(
    m: folium.Map | None,
    gdf: gpd.GeoDataFrame,
    *,
    layer_name: str,
    kind: str,
    color_by: str | None = "status",
    cluster: bool | str = "auto",
    colors: Mapping[str, str] | None = None,
    legend: bool = False,
    lang: str = i18n.DEFAULT_LANG,
    popup_columns: Sequence[str] | None = None,
    radius_px: float | None = None,
    show: bool = True,
) -> folium.FeatureGroup:
    """Draw point records as circle markers coloured by status (or another column).

    Parameters
    ----------
    m
        Map to add the layer to; ``None`` returns the group without adding it.
    gdf
        Points in EPSG:4326.
    layer_name
        Layer key such as ``"boards"``, ``"bins"``, ``"issues"`` (shown translated)
        or any display name.
    kind
        Point kind: ``"board"``, ``"fitness"``, ``"bin"``, ``"issue"``,
        ``"internet_cafe"``, ``"entrance"``, ``"building"`` ...; sets the outline
        colour and the popup fields.
    color_by
        Column whose value picks the fill colour (statuses have fixed colours,
        other values get :data:`PALETTE` colours). ``None`` or an absent column
        uses the kind colour.
    cluster
        ``"auto"`` (see :func:`point_render_mode`), ``True`` or ``False``.
    colors
        ``value -> colour`` overrides.
    legend
        Add a legend of the fill colours, shown while the layer is on.
    lang
        Language of labels.
    popup_columns
        Columns for the popup instead of the kind's defaults.
    radius_px
        Marker radius in screen pixels (default 6, or 4 for canvas layers).
    show
        Whether the layer is on when the map opens.

    Returns
    -------
    folium.FeatureGroup
        The layer; clustered layers hold a :class:`folium.plugins.MarkerCluster`
        whose asset links point at the map's ``asset_base``.

    Raises
    ------
    gridmap.errors.InputError
        If the frame is not EPSG:4326, holds non-point geometries (the row is
        named), ``cluster`` is invalid, a colour is not a CSS colour or a popup
        column is missing.
    """
    lang = i18n.normalize_lang(lang)
    gdf = _check_gdf(gdf, layer_name)
    type_ids = shapely.get_type_id(gdf.geometry.to_numpy())
    bad = np.flatnonzero(type_ids != 0)
    if bad.size:
        first = int(bad[0])
        msg = (
            f"{layer_name}: {bad.size} geometries are not points (first: "
            f"{gdf.geometry.iloc[first].geom_type} at index {gdf.index[first]!r}); "
            "a points layer takes Point geometries only"
        )
        raise InputError(msg)
    mode = point_render_mode(len(gdf), cluster)
    group = _new_group(_layer_name(layer_name, lang), show=show)
    base_color = KIND_COLORS.get(kind, _KIND_DEFAULT_COLOR)
    keys = _category_keys(gdf, color_by)
    mapping = _category_colors(keys, colors, base_color)

    if len(gdf):
        columns = _resolve_columns(gdf, kind, popup_columns)
        heads, cells = _popup_cells(gdf, columns, lang, kind)
        fallback = _kind_label(kind, lang)
        if mode == "cluster":
            parent: folium.FeatureGroup | MarkerCluster = MarkerCluster(
                control=False, chunkedLoading=True, showCoverageOnHover=False,
                spiderfyOnMaxZoom=True, disableClusteringAtZoom=19,
            )  # fmt: skip
            parent.default_js, parent.default_css = markercluster_links(_asset_base(m))
            parent.add_to(group)
        else:
            parent = group
        radius = radius_px if radius_px is not None else (4 if mode == "canvas" else 6)
        order = sorted(set(keys), key=lambda k: (k is None, k or ""))
        style_index = {k: i for i, k in enumerate(order)}
        styles = [
            {"radius": radius, "color": base_color, "weight": 1.5, "opacity": 0.9,
             "fill": True, "fillColor": mapping[k], "fillOpacity": 0.85}
            for k in order
        ]  # fmt: skip
        geoms = gdf.geometry.to_numpy()
        xy = np.empty(2 * len(gdf))
        xy[0::2] = np.round(shapely.get_x(geoms), COORD_DECIMALS)
        xy[1::2] = np.round(shapely.get_y(geoms), COORD_DECIMALS)
        tips = _tips(gdf, lang, kind)
        data = {
            "xy": xy.tolist(),
            "cat": [style_index[k] for k in keys],
            "styles": styles,
            "cols": [_encode_column(c) for c in cells],
            "tip": _encode_column(tips) if any(tips) else None,
        }
        layer_cls = _CanvasPoints if mode == "canvas" else _PointLayer
        parent.add_child(layer_cls(data), name="gridmap_points")
        parent.add_child(_Bind(heads, fallback, with_tip=True), name="gridmap_bind")
        if mode != "plain" and isinstance(m, folium.Map):
            m.options["prefer_canvas"] = True
    if legend and len(gdf):
        present = sorted(set(keys), key=lambda k: (k is None, k or ""))
        field = color_by or ""
        items = [
            LegendItem(
                i18n.label(k, lang, field=field) if k is not None else i18n.t("map.unknown", lang),
                mapping[k],
                "dot",
            )
            for k in present
        ]
        title = i18n.t(f"field.{color_by}", lang) if color_by else _layer_name(layer_name, lang)
        add_legend(group, items, title=f"{_layer_name(layer_name, lang)} · {title}")
    _attach(m, group)
    return group


def add_lines(
    m: folium.Map | None,
    roads_gdf: gpd.GeoDataFrame,
    *,
    layer_name: str = "roads",
    color_by: str = "road_class",
    styles: Mapping[str, Mapping[str, Any]] | None = None,
    legend: bool = False,
    lang: str = i18n.DEFAULT_LANG,
    popup_columns: Sequence[str] | None = None,
    show: bool = True,
    simplify_m: float | None = SIMPLIFY_M,
) -> folium.FeatureGroup:
    """Draw road centre-lines styled by road class.

    Main commercial streets are thick red, main roads thick, secondary roads
    medium and lanes thin (:data:`ROAD_STYLES`).

    Parameters
    ----------
    m
        Map to add the layer to; ``None`` returns the group without adding it.
    roads_gdf
        Lines in EPSG:4326 with ``road_class`` (and optional ``name``).
    layer_name
        Layer key or display name (default ``"roads"``, 道路).
    color_by
        Column holding the class (default ``"road_class"``).
    styles
        ``class -> Leaflet path style`` overriding :data:`ROAD_STYLES`.
    legend
        Add a legend of the classes present.
    lang
        Language of labels.
    popup_columns
        Columns for the popup instead of ``name`` and ``road_class``.
    show
        Whether the layer is on when the map opens.
    simplify_m
        Display simplification tolerance in metres.

    Returns
    -------
    folium.FeatureGroup
        The layer.

    Raises
    ------
    gridmap.errors.InputError
        If the frame is not EPSG:4326, a style colour is not a CSS colour or a
        popup column is missing.
    """
    lang = i18n.normalize_lang(lang)
    gdf = _check_gdf(roads_gdf, layer_name)
    group = _new_group(_layer_name(layer_name, lang), show=show)
    style_map: dict[str, dict[str, Any]] = {k: dict(v) for k, v in ROAD_STYLES.items()}
    for key, style in (styles or {}).items():
        style_map[str(key)] = dict(style)
        if "color" in style:
            _safe_color(style["color"], "styles")
    classes = _category_keys(gdf, color_by)
    if len(gdf):
        _shape_layer(
            group, gdf, kind="road",
            styles=[style_map.get(c or "", _ROAD_DEFAULT) for c in classes],
            popup_columns=popup_columns, lang=lang, simplify_m=simplify_m,
        )  # fmt: skip
    if legend and len(gdf):
        present = set(classes)
        order = [c for c in style_map if c in present]
        items = [
            LegendItem(i18n.label(c, lang, field=color_by), style_map[c].get("color", "#969696"),
                       "line", int(style_map[c].get("weight", 3)))
            for c in order
        ]  # fmt: skip
        add_legend(group, items, title=i18n.t("map.legend.roads", lang))
    _attach(m, group)
    return group


def add_polygons(
    m: folium.Map | None,
    gdf: gpd.GeoDataFrame,
    *,
    layer_name: str,
    kind: str,
    style: Mapping[str, Any] | None = None,
    lang: str = i18n.DEFAULT_LANG,
    popup_columns: Sequence[str] | None = None,
    show: bool = True,
    simplify_m: float | None = SIMPLIFY_M,
) -> folium.FeatureGroup:
    """Draw reference polygons: compounds (小区), schools, buildings.

    Point geometries in the frame (buildings given as points) are drawn as small
    circle markers in the same style.

    Parameters
    ----------
    m
        Map to add the layer to; ``None`` returns the group without adding it.
    gdf
        Polygons in EPSG:4326.
    layer_name
        Layer key (``"compounds"``, ``"schools"``, ``"buildings"``) or display name.
    kind
        ``"compound"``, ``"school"``, ``"building"`` or another kind; picks the
        style (:data:`POLYGON_STYLES`) and popup fields.
    style
        Leaflet path style overriding the kind's.
    lang
        Language of labels.
    popup_columns
        Columns for the popup instead of the kind's defaults.
    show
        Whether the layer is on when the map opens.
    simplify_m
        Display simplification tolerance in metres.

    Returns
    -------
    folium.FeatureGroup
        The layer.

    Raises
    ------
    gridmap.errors.InputError
        If the frame is not EPSG:4326, a colour is not a CSS colour, or a popup
        column is missing.
    """
    lang = i18n.normalize_lang(lang)
    gdf = _check_gdf(gdf, layer_name)
    group = _new_group(_layer_name(layer_name, lang), show=show)
    path_style = dict(POLYGON_STYLES.get(kind, _POLYGON_DEFAULT))
    if style:
        path_style.update(style)
    for key in ("color", "fillColor"):
        if key in path_style:
            _safe_color(path_style[key], "style")
    if len(gdf):
        _shape_layer(
            group, gdf, kind=kind, styles=[path_style] * len(gdf), popup_columns=popup_columns,
            lang=lang, simplify_m=simplify_m,
        )  # fmt: skip
    _attach(m, group)
    return group


def _legend_html(items: Sequence[LegendItem], title: str | None, lang: str, limit: int) -> str:
    parts = []
    if title:
        parts.append(f'<div class="gridmap-legend-title">{escape_text(title)}</div>')
    for item in items[:limit]:
        color = _safe_color(item.color, "legend")
        if item.shape == "line":
            swatch = (
                f'<i class="gridmap-line" style="border-top-color:{color};'
                f'border-top-width:{max(1, int(item.size_px))}px"></i>'
            )
        elif item.shape == "dot":
            swatch = f'<i class="gridmap-dot" style="background:{color}"></i>'
        else:
            swatch = f'<i style="background:{color}"></i>'
        parts.append(f"<div>{swatch}{escape_text(item.label)}</div>")
    if len(items) > limit:
        more = i18n.t("map.legend.more", lang, n=len(items) - limit)
        parts.append(f"<div>{escape_text(more)}</div>")
    return "".join(parts)


def add_legend(
    m: folium.Map | folium.FeatureGroup,
    items: Iterable[LegendItem | tuple] | Mapping[str, str],
    *,
    title: str | None = None,
    position: str = "bottomright",
    lang: str = i18n.DEFAULT_LANG,
    limit: int = 40,
) -> MacroElement:
    """Add a legend drawn with plain HTML/CSS (no external assets).

    Added to a map, the legend always shows; added to a layer (a
    :class:`folium.FeatureGroup`), it shows and hides with the layer.

    Parameters
    ----------
    m
        The map or layer.
    items
        :class:`LegendItem` objects, ``(label, color[, shape[, size_px]])`` tuples or
        a ``{label: color}`` mapping. Labels are escaped.
    title
        Legend title (escaped).
    position
        Leaflet control corner: ``"topleft"``, ``"topright"``, ``"bottomleft"``,
        ``"bottomright"``.
    lang
        Language of the "n more" line.
    limit
        Entries shown; the rest are summarised as "n more".

    Returns
    -------
    branca.element.MacroElement
        The legend element.

    Raises
    ------
    gridmap.errors.InputError
        If a colour is not a CSS colour, an item is malformed or the position unknown.
    """
    if position not in ("topleft", "topright", "bottomleft", "bottomright"):
        msg = f"legend position must be a Leaflet corner, got {position!r}"
        raise InputError(msg)
    pairs = items.items() if isinstance(items, Mapping) else items
    entries: list[LegendItem] = []
    for item in pairs:
        if isinstance(item, LegendItem):
            entries.append(item)
            continue
        try:
            entries.append(LegendItem(*item))
        except TypeError:
            msg = f"legend item must be (label, color[, shape[, size_px]]), got {item!r}"
            raise InputError(msg) from None
    element = _Legend(_legend_html(entries, title, i18n.normalize_lang(lang), limit), position)
    m.add_child(element)
    return element


def add_layer_control(m: folium.Map, *, collapsed: bool = False) -> folium.LayerControl:
    """Add the layer switcher (once; a second call returns the existing one).

    Parameters
    ----------
    m
        The map; add it after the layers.
    collapsed
        Whether the control starts folded into an icon.

    Returns
    -------
    folium.LayerControl
        The control.
    """
    for child in m._children.values():
        if isinstance(child, folium.LayerControl):
            return child
    control = folium.LayerControl(collapsed=collapsed)
    control.add_to(m)
    return control


def shift_for_display(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return a copy of ``gdf`` with WGS-84 coordinates shifted to GCJ-02, for Amap tiles.

    Display only: analyses and the store keep WGS-84. The input is not changed.

    Parameters
    ----------
    gdf
        Geometries in EPSG:4326 (WGS-84).

    Returns
    -------
    geopandas.GeoDataFrame
        A new frame, still labelled EPSG:4326, with GCJ-02 coordinates.

    Raises
    ------
    gridmap.errors.InputError
        If the frame is not EPSG:4326.
    """
    from gridmap import crs

    _check_gdf(gdf, "shift_for_display")
    return crs.transform_geometries(gdf, src="wgs84", dst="gcj02")


def map_html(m: folium.Map) -> str:
    """Return the complete standalone HTML page of map ``m``.

    Parameters
    ----------
    m
        The map.

    Returns
    -------
    str
        The HTML document (asset links as set on the map).
    """
    return m.get_root().render()
