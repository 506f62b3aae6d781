"""Folium layers of communities, grids, workers and facilities that draw with no internet.

Each ``add_*`` function turns one EPSG:4326 GeoDataFrame into a named
:class:`folium.FeatureGroup` and adds it to the map ``m`` (pass ``m=None`` to get
the group alone, e.g. for streamlit-folium's ``feature_group_to_add``). Nothing
here loads data or imports Streamlit. Colours and styles are in
:mod:`gridmap.maps.styles`, popup texts in :mod:`gridmap.maps.popups`, tile layers
in :mod:`gridmap.maps.basemaps` and the Leaflet elements with their JavaScript in
:mod:`gridmap.maps.leaflet`.

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
    labels) is HTML-escaped by :func:`gridmap.maps.popups.escape_text` before it
    reaches a popup, tooltip or legend; the escaped HTML is carried inside JSON
    that folium writes with ``<``, ``>`` and ``&`` escaped, and is inserted with
    ``innerHTML`` as data, never evaluated as script.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from folium.plugins import MarkerCluster

from gridmap import i18n
from gridmap.assets import STATIC_URL, markercluster_links, offline_links
from gridmap.errors import CRSError, InputError
from gridmap.maps import leaflet, popups
from gridmap.maps.basemaps import check_basemap, tile_layers
from gridmap.maps.popups import (
    encode_column,
    escape_text,
    is_missing,
    kind_label,
    popup_cells,
    resolve_columns,
)
from gridmap.maps.styles import (
    COMMUNITY_STYLE,
    GRID_STYLE,
    KIND_COLORS,
    KIND_DEFAULT_COLOR,
    KIND_SHAPES,
    POLYGON_DEFAULT,
    POLYGON_STYLES,
    ROAD_DEFAULT,
    ROAD_STYLES,
    SHAPES,
    STATUS_COLORS,
    UNASSIGNED_COLOR,
    checked_colors,
    neighbour_colours,
    palette_for,
    safe_color,
    symbol_svg,
)

__all__ = [
    "CANVAS_MIN_POINTS",
    "CLUSTER_MIN_POINTS",
    "COORD_DECIMALS",
    "LABEL_MIN_ZOOM",
    "MAX_WORKER_COLOURS",
    "SIMPLIFY_M",
    "LegendItem",
    "add_communities",
    "add_grids",
    "add_layer_control",
    "add_legend",
    "add_lines",
    "add_points",
    "add_polygons",
    "map_html",
    "new_map",
    "point_render_mode",
    "shift_for_display",
    "short_grid_labels",
]

#: Point layers with more points than this are clustered (``cluster="auto"``).
CLUSTER_MIN_POINTS = 2_000
#: Point layers with more points than this are drawn unclustered on a canvas.
CANVAS_MIN_POINTS = 20_000
#: Grid-code labels show from this zoom level on.
LABEL_MIN_ZOOM = 15
#: More workers than this are not told apart by colour: grids are coloured by adjacency.
MAX_WORKER_COLOURS = 8
#: Display simplification tolerance of polygons and lines, in metres.
SIMPLIFY_M = 0.5
#: Decimals kept in coordinates of the map HTML (1e-6 degree is about 0.1 m).
COORD_DECIMALS = 6

# Metres per degree of latitude, used only to turn the display tolerance SIMPLIFY_M
# into degrees for shapely.simplify; no measurement is ever made in degrees.
_M_PER_DEG = 111_320.0


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
        ``"box"`` (areas), ``"line"`` (roads), ``"dot"`` (points) or a point symbol of
        :data:`~gridmap.maps.styles.SHAPES` (``"square"``, ``"triangle"`` ...).
    size_px
        Line width for ``"line"``.
    """

    label: str
    color: str
    shape: str = "box"
    size_px: int = 3
    outline: str | None = None


def _category_keys(gdf: pd.DataFrame, column: str | None) -> list[str | None]:
    """Return the column's values as text (``None`` if missing), all ``None`` if no column."""
    if column is None or column not in gdf.columns:
        return [None] * len(gdf)
    return [None if is_missing(v) else str(v) for v in gdf[column].tolist()]


# --------------------------------------------------------------------------------------
# geometry
# --------------------------------------------------------------------------------------


def _check_gdf(gdf: object, what: str) -> gpd.GeoDataFrame:
    """Check type and CRS; return the rows with a non-empty geometry (a view-free copy)."""
    if not isinstance(gdf, gpd.GeoDataFrame):
        msg = f"{what}: expected a GeoDataFrame, got {type(gdf).__name__}"
        raise InputError(msg)  # programmer error
    if gdf.crs is None:
        msg = f"{what}: the data has no coordinate system; expected EPSG:4326 (WGS-84 lon/lat)"
        raise CRSError(msg)  # programmer error
    if gdf.crs.to_epsg() != 4326:
        msg = (
            f"{what}: coordinates are in {gdf.crs.to_string()}, expected EPSG:4326 "
            "(WGS-84 lon/lat); convert them first"
        )
        raise CRSError(msg)  # programmer error
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
    collection: dict,
    *,
    marker: folium.CircleMarker | None = None,
    labels: bool = False,
    interactive: bool = True,
) -> folium.GeoJson:
    # No style_function: folium then styles each feature from properties.style.
    extra = {} if interactive else {"interactive": False}
    return leaflet.PlainGeoJson(
        collection,
        control=False,
        marker=marker,
        on_each_feature=leaflet.LABEL_ON_EACH_FEATURE if labels else None,
        **extra,
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
    label_points: list[tuple[float, float] | None] | None = None,
    interactive: bool = True,
) -> None:
    """Add polygons/lines (one GeoJSON layer) with a popup and hover text to ``group``.

    ``label_points`` are ``(lat, lon)`` where each label is drawn (a point inside the
    polygon); without them Leaflet puts a label at the polygon's centre.
    With ``interactive=False`` (a picking map) the shapes take no clicks: a tap
    anywhere reaches the map, and there is no popup or hover text.
    """
    columns = resolve_columns(gdf, kind, popup_columns)
    heads, cells = popup_cells(gdf, columns, lang, kind)
    tip_texts = popups.tips(gdf, lang, kind) if tips else [""] * len(gdf)
    props = []
    for i, style in enumerate(styles):
        prop: dict[str, Any] = {"style": style, "v": [col[i] for col in cells]}
        if tip_texts[i]:
            prop["t"] = tip_texts[i]
        if labels is not None and labels[i]:
            prop["label"] = labels[i]
            if label_points is not None and label_points[i] is not None:
                prop["lp"] = [round(label_points[i][0], 7), round(label_points[i][1], 7)]
        props.append(prop)
    geoms = _display_geoms(gdf.geometry.to_numpy(), simplify_m)
    marker = folium.CircleMarker(radius=4, interactive=interactive)  # stray points (buildings)
    layer = _geojson(_features(geoms, props), marker=marker, labels=labels is not None,
                     interactive=interactive)
    # bound to the L.geoJson layer itself: Leaflet 1.9.3 fails binding a tooltip to a group
    # of groups ("getElement is not a function")
    if interactive:
        layer.add_child(leaflet.Bind(heads, kind_label(kind, lang), with_tip=tips),
                        name="gridmap_bind")
    layer.add_to(group)


# --------------------------------------------------------------------------------------
# the map
# --------------------------------------------------------------------------------------


def _all_nan(values: Sequence[float]) -> bool:
    try:
        return all(math.isnan(float(v)) for v in values)
    except (TypeError, ValueError):
        return False


def _check_bounds(bounds: Sequence[float]) -> tuple[float, float, float, float]:
    try:
        minx, miny, maxx, maxy = (float(v) for v in bounds)
    except (TypeError, ValueError):
        raise InputError.keyed("mapstyle.bounds_shape", bounds=bounds) from None
    ok = (
        all(math.isfinite(v) for v in (minx, miny, maxx, maxy))
        and -180 <= minx <= maxx <= 180
        and -90 <= miny <= maxy <= 90
    )
    if not ok:
        raise InputError.keyed("mapstyle.bounds_range", bounds=bounds)
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
        A map with canvas rendering, a metric scale bar, an attribution without
        Leaflet's flag prefix, clicks sent to the app at once when shown by
        streamlit-folium (:class:`gridmap.maps.leaflet.ClickSend`) and the offline
        asset links set on the instance (``m.default_js`` / ``m.default_css``).

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
    check_basemap(basemap)
    lang = i18n.normalize_lang(lang)
    tiles = tile_layers(
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
        location=location, zoom_start=zoom, tiles=None, prefer_canvas=True, control_scale=False
    )
    m.add_child(leaflet.MapChrome(), name="gridmap_chrome")  # metric scale, plain attribution
    m.add_child(leaflet.ClickSend(), name="gridmap_click_send")  # clicks not debounced
    m.options["max_zoom"] = int(max_zoom)
    js, css = offline_links(asset_base)
    m.default_js = js
    m.default_css = css
    m.gridmap_asset_base = asset_base
    for layer in tiles:
        layer.add_to(m)
    m.add_child(leaflet.Css(), name="gridmap_css")
    if box is not None:
        m.fit_bounds([[box[1], box[0]], [box[3], box[2]]], max_zoom=18)
    return m


def _asset_base(m: object) -> str:
    return getattr(m, "gridmap_asset_base", STATIC_URL)


def _new_group(name: str, *, show: bool) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=name, overlay=True, control=True, show=show)
    group.add_child(leaflet.Css(), name="gridmap_css")
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


def _begin_layer(
    gdf: object, layer_name: str, lang: str, *, show: bool
) -> tuple[str, gpd.GeoDataFrame, folium.FeatureGroup]:
    """Return the normalised language, the checked frame and the layer's new group."""
    lang = i18n.normalize_lang(lang)
    checked = _check_gdf(gdf, layer_name)
    return lang, checked, _new_group(_layer_name(layer_name, lang), show=show)


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
    interactive: bool = True,
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
    interactive
        ``False`` for a picking map: the layer takes no clicks (no popup), so a
        tap on it reaches the map (:func:`gridmap.maps.street_map` ``picking``).
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
    lang, gdf, group = _begin_layer(communities_gdf, "communities", lang, show=show)
    if len(gdf):
        _shape_layer(
            group, gdf, kind="community", styles=[COMMUNITY_STYLE] * len(gdf),
            popup_columns=popup_columns, lang=lang, simplify_m=simplify_m,
            interactive=interactive,
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
    interactive: bool = True,
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
        ``"adjacency"``: colours by a graph colouring, so that no two neighbouring
        grids share a colour (no legend). Otherwise the column whose value picks the
        fill colour (default ``"worker"``); empty cells are drawn as unassigned
        (grey). With more than :data:`MAX_WORKER_COLOURS` workers the worker colours
        would repeat and neighbours look alike, so the adjacency colouring is used.
        ``None`` or an absent column fills every grid grey.
    labels
        Show each grid's short label (its 3-digit sequence, see
        :func:`short_grid_labels`) at a point inside the grid from zoom
        ``label_min_zoom`` on.
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
    interactive
        ``False`` for a picking map: the layer takes no clicks (no popup), so a
        tap on it reaches the map (:func:`gridmap.maps.street_map` ``picking``).
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
    lang, gdf, group = _begin_layer(grids_gdf, "grids", lang, show=show)
    values = _category_keys(gdf, color_by) if color_by != "adjacency" else [None] * len(gdf)
    distinct = {v for v in values if v is not None}
    by_neighbours = color_by == "adjacency" or (
        color_by == "worker" and len(distinct) > MAX_WORKER_COLOURS and not colors
    )
    mapping = palette_for(values)
    mapping.update(checked_colors(colors))
    if len(gdf):
        if by_neighbours:
            fills = neighbour_colours(gdf.geometry.to_numpy())
        else:
            fills = [UNASSIGNED_COLOR if v is None else mapping[v] for v in values]
        styles = [dict(GRID_STYLE, fillColor=f) for f in fills]
        codes = None
        points = None
        if labels and "code" in gdf.columns:
            codes = short_grid_labels(gdf)
            points = [
                None if g is None or g.is_empty else (g.representative_point().y,
                                                      g.representative_point().x)
                for g in gdf.geometry
            ]
        _shape_layer(
            group, gdf, kind="grid", styles=styles, popup_columns=popup_columns, lang=lang,
            simplify_m=simplify_m, tips=False, labels=codes, label_points=points,
            interactive=interactive,
        )  # fmt: skip
        if codes is not None:
            group.add_child(leaflet.LabelZoom(label_min_zoom), name="gridmap_label_zoom")
    if legend and len(gdf) and not by_neighbours:
        used = [v for v in mapping if v in set(values)]
        items = [LegendItem(v, mapping[v]) for v in used]
        if any(v is None for v in values):
            items.append(LegendItem(i18n.t("map.unassigned", lang), UNASSIGNED_COLOR))
        add_legend(group, items, title=i18n.t("map.legend.workers", lang))
    _attach(m, group)
    return group


def short_grid_labels(gdf: pd.DataFrame) -> list[str]:
    """Return each grid's map label: its 3-digit sequence (the full code is in the panel).

    A code that is not a 15-digit grid code is shown whole; a ``label`` column, when
    present, wins. Labels are escaped for the map.

    Examples
    --------
    >>> short_grid_labels(pd.DataFrame({"code": ["330102011001007", "G-1"]}))
    ['007', 'G-1']
    """
    if "label" in gdf.columns:
        raw = ["" if is_missing(v) else str(v) for v in gdf["label"]]
    else:
        raw = []
        for code in gdf["code"]:
            text = "" if is_missing(code) else str(code)
            raw.append(text[-3:] if len(text) == 15 and text.isdigit() else text)
    return [html.escape(t) for t in raw]


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
        raise InputError(msg)  # programmer error
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
    mapping.update(checked_colors(colors))
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
    interactive: bool = True,
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
    interactive
        ``False`` for a picking map: the layer takes no clicks (no popup), so a
        tap on it reaches the map (:func:`gridmap.maps.street_map` ``picking``).

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
        raise InputError(msg)  # programmer error
    mode = point_render_mode(len(gdf), cluster)
    group = _new_group(_layer_name(layer_name, lang), show=show)
    base_color = KIND_COLORS.get(kind, KIND_DEFAULT_COLOR)
    keys = _category_keys(gdf, color_by)
    mapping = _category_colors(keys, colors, base_color)
    shapes = _point_shapes(gdf, kind)

    if len(gdf):
        columns = resolve_columns(gdf, kind, popup_columns)
        heads, cells = popup_cells(gdf, columns, lang, kind)
        fallback = kind_label(kind, lang)
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
        order = sorted(set(zip(keys, shapes, strict=True)),
                       key=lambda ks: (ks[0] is None, ks[0] or "", ks[1]))
        style_index = {ks: i for i, ks in enumerate(order)}
        styles = [
            {"radius": radius, "color": base_color, "weight": 1.5, "opacity": 0.9,
             "fill": True, "fillColor": mapping[k], "fillOpacity": 0.85, "shape": shape,
             **({} if interactive else {"interactive": False})}
            for k, shape in order
        ]  # fmt: skip
        geoms = gdf.geometry.to_numpy()
        xy = np.empty(2 * len(gdf))
        xy[0::2] = np.round(shapely.get_x(geoms), COORD_DECIMALS)
        xy[1::2] = np.round(shapely.get_y(geoms), COORD_DECIMALS)
        tips = popups.tips(gdf, lang, kind)
        data = {
            "xy": xy.tolist(),
            "cat": [style_index[ks] for ks in zip(keys, shapes, strict=True)],
            "styles": styles,
            "cols": [encode_column(c) for c in cells],
            "tip": encode_column(tips) if any(tips) else None,
        }
        layer_cls = leaflet.CanvasPoints if mode == "canvas" else leaflet.PointLayer
        parent.add_child(layer_cls(data), name="gridmap_points")
        if interactive:
            parent.add_child(leaflet.Bind(heads, fallback, with_tip=True), name="gridmap_bind")
        if mode != "plain" and isinstance(m, folium.Map):
            m.options["prefer_canvas"] = True
    if legend and len(gdf):
        present = sorted(set(keys), key=lambda k: (k is None, k or ""))
        field = color_by or ""
        main = KIND_SHAPES.get(kind, "circle")
        items = [
            LegendItem(
                i18n.label(k, lang, field=field) if k is not None else i18n.t("map.unknown", lang),
                mapping[k],
                main,
                outline=base_color,
            )
            for k in present
        ]
        named = {KIND_SHAPES["collection_point"]: "collection_point"}  # symbol -> bin type
        for other in sorted(set(shapes) - {main}):  # e.g. collection points among bins
            items.append(LegendItem(i18n.label(named.get(other, other), lang, field="bin_type"),
                                    "#ffffff", other, outline=base_color))  # fmt: skip
        title = i18n.t(f"field.{color_by}", lang) if color_by else _layer_name(layer_name, lang)
        add_legend(group, items, title=f"{_layer_name(layer_name, lang)} · {title}")
    _attach(m, group)
    return group


def _point_shapes(gdf: pd.DataFrame, kind: str) -> list[str]:
    """Return the symbol of each point: the kind's, a diamond for collection points."""
    shape = KIND_SHAPES.get(kind, "circle")
    if kind == "bin" and "bin_type" in gdf.columns:
        special = KIND_SHAPES["collection_point"]
        return [special if v == "collection_point" else shape for v in gdf["bin_type"]]
    return [shape] * len(gdf)


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
    interactive: bool = True,
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
    interactive
        ``False`` for a picking map: the layer takes no clicks (no popup), so a
        tap on it reaches the map (:func:`gridmap.maps.street_map` ``picking``).
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
    lang, gdf, group = _begin_layer(roads_gdf, layer_name, lang, show=show)
    style_map: dict[str, dict[str, Any]] = {k: dict(v) for k, v in ROAD_STYLES.items()}
    for key, style in (styles or {}).items():
        style_map[str(key)] = dict(style)
        if "color" in style:
            safe_color(style["color"], "styles")
    classes = _category_keys(gdf, color_by)
    if len(gdf):
        _shape_layer(
            group, gdf, kind="road",
            styles=[style_map.get(c or "", ROAD_DEFAULT) for c in classes],
            popup_columns=popup_columns, lang=lang, simplify_m=simplify_m,
            interactive=interactive,
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
    interactive: bool = True,
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
    interactive
        ``False`` for a picking map: the layer takes no clicks (no popup), so a
        tap on it reaches the map (:func:`gridmap.maps.street_map` ``picking``).
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
    lang, gdf, group = _begin_layer(gdf, layer_name, lang, show=show)
    path_style = dict(POLYGON_STYLES.get(kind, POLYGON_DEFAULT))
    if style:
        path_style.update(style)
    for key in ("color", "fillColor"):
        if key in path_style:
            safe_color(path_style[key], "style")
    if len(gdf):
        _shape_layer(
            group, gdf, kind=kind, styles=[path_style] * len(gdf), popup_columns=popup_columns,
            lang=lang, simplify_m=simplify_m, interactive=interactive,
        )  # fmt: skip
    _attach(m, group)
    return group


def _legend_html(items: Sequence[LegendItem], title: str | None, lang: str, limit: int) -> str:
    parts = []
    if title:
        parts.append(f'<div class="gridmap-legend-title">{escape_text(title)}</div>')
    for item in items[:limit]:
        color = safe_color(item.color, "legend")
        if item.shape == "line":
            swatch = (
                f'<i class="gridmap-line" style="border-top-color:{color};'
                f'border-top-width:{max(1, int(item.size_px))}px"></i>'
            )
        elif item.shape == "dot":
            swatch = f'<i class="gridmap-dot" style="background:{color}"></i>'
        elif item.shape in SHAPES:
            outline = safe_color(item.outline or "#333333", "legend")
            swatch = symbol_svg(item.shape, color, outline)
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
        raise InputError(msg)  # programmer error
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
            raise InputError(msg) from None  # programmer error
    element = leaflet.Legend(
        _legend_html(entries, title, i18n.normalize_lang(lang), limit), position
    )
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
