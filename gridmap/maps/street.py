"""The street map: the snapshot's frames drawn as one folium map, and check results on it.

:func:`street_map` draws what :func:`gridmap.snapshot.visible_frames` returns;
:func:`add_check_layers` adds a check report's failures; :func:`display_to_wgs84`
turns a clicked display position back into WGS-84.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from gridmap import i18n
from gridmap.crs import transform
from gridmap.errors import GridmapError, InputError
from gridmap.maps import layers as maps
from gridmap.maps import leaflet
from gridmap.maps.basemaps import basemap_needs_gcj
from gridmap.maps.styles import FAMILY_COLORS, STATUS_COLORS
from gridmap.maps.tiles import TILE_THRESHOLD, add_tile_layers, use_tiles
from gridmap.model import POINT_KINDS, IssueStatus, PointStatus
from gridmap.snapshot import POINT_LAYERS, REFERENCE_LAYERS

if TYPE_CHECKING:
    import folium

    from gridmap.checks import CheckReport

__all__ = [
    "add_check_layers",
    "configured_street_map",
    "display_to_wgs84",
    "pick_marker",
    "street_map",
    "wgs84_to_display",
]

_KIND_OF_LAYER = {**POINT_KINDS, "issues": "issue"}
_POLYGON_KIND = {"compounds": "compound", "buildings": "building", "schools": "school"}
_EXTRA_STYLE = {
    "service_centres": {"color": "#d6616b", "weight": 2, "fillColor": "#e7969c",
                        "fillOpacity": 0.4},
    "hoardings": {"color": "#e6550d", "weight": 4, "dashArray": "8 4"},
}  # fmt: skip


def display_to_wgs84(lon: float, lat: float, *, basemap: str) -> tuple[float, float]:
    """Turn a position clicked on the map back into WGS-84.

    With the Amap basemap the data is drawn shifted to GCJ-02
    (:func:`gridmap.maps.shift_for_display`), so a clicked position is GCJ-02.

    Parameters
    ----------
    lon, lat
        The clicked position in the map's display coordinates.
    basemap
        The basemap the map was drawn with.

    Returns
    -------
    tuple of float
        ``(lon, lat)`` in WGS-84.
    """
    if basemap_needs_gcj(basemap):
        x, y = transform(lon, lat, src="gcj02", dst="wgs84")
        return float(x), float(y)
    return float(lon), float(lat)


def wgs84_to_display(lon: float, lat: float, *, basemap: str) -> tuple[float, float]:
    """Turn a WGS-84 position into the map's display coordinates.

    The inverse of :func:`display_to_wgs84`: GCJ-02 with the Amap basemap.
    """
    if basemap_needs_gcj(basemap):
        x, y = transform(lon, lat, src="wgs84", dst="gcj02")
        return float(x), float(y)
    return float(lon), float(lat)


def _bounds_of(frames: Mapping[str, pd.DataFrame]) -> tuple[float, float, float, float] | None:
    for layer in ("communities", "grids"):
        frame = frames.get(layer)
        if frame is not None and len(frame):
            minx, miny, maxx, maxy = frame.total_bounds
            if np.isfinite([minx, miny, maxx, maxy]).all():
                return float(minx), float(miny), float(maxx), float(maxy)
    return None


def street_map(
    frames: Mapping[str, pd.DataFrame],
    *,
    lang: str = i18n.DEFAULT_LANG,
    basemap: str = "none",
    tianditu_key: str | None = None,
    tile_url: str | None = None,
    bounds: Sequence[float] | None = None,
    reference: Sequence[str] = ("roads",),
    asset_base: str | None = None,
    n_features: int | None = None,
    tile_threshold: int = TILE_THRESHOLD,
    tile_version: Any = None,
    tile_base_url: str = "/tiles",
    picking: bool = False,
) -> folium.Map:
    """Draw the frames as one map: communities, grids by worker, points, reference layers.

    A store above the tile threshold (:func:`gridmap.maps.tiles.use_tiles`, the one
    switch) is drawn from the app's tile route instead: raster tile layers of
    communities, grids and points (:func:`gridmap.maps.tiles.add_tile_layers`),
    nothing of the frames but their extent; a click is then answered by
    :func:`gridmap.tiles.identify`.

    Parameters
    ----------
    frames
        Output of :func:`visible_frames` or :func:`filter_frames` (EPSG:4326).
    lang
        Language of layer names, legends and popups.
    basemap
        ``none`` (offline), ``osm``, ``tianditu``, ``amap`` (the data is shifted to
        GCJ-02 for display only) or ``custom``.
    tianditu_key, tile_url
        For the ``tianditu`` and ``custom`` basemaps.
    bounds
        ``(min_lon, min_lat, max_lon, max_lat)`` (WGS-84) to show; default the
        communities' extent.
    reference
        Reference layers switched on when the map opens; the others are in the
        layer control, switched off.
    asset_base
        URL of the locally served Leaflet files (default :data:`gridmap.assets.STATIC_URL`).
    n_features
        Features of the store the map shows (:func:`gridmap.store.mapreads.map_feature_count`);
        default: those of the frames (communities, grids and point layers).
    tile_threshold
        The ``map_tile_threshold`` setting: above it the map is drawn from tiles.
    tile_version
        The tile layers' data versions (:func:`gridmap.tiles.tile_versions`), part of
        every tile URL; needed when the map is drawn from tiles.
    tile_base_url
        Where the app serves tiles.
    picking
        A map to pick a position on (上报, 新增设施, 网格调配): no layer takes clicks
        (no popups), so a tap anywhere, inside a grid or on a point, is reported
        as the map's click (streamlit-folium's ``last_clicked``); the tapped spot
        gets a marker, a locate button reports the device's position the same
        way (:class:`gridmap.maps.leaflet.Pick`) and the legends are left out.

    Returns
    -------
    folium.Map
        The map with a layer control.

    Raises
    ------
    gridmap.errors.InputError
        For an unknown basemap or a basemap missing its key or URL, and for the
        Amap basemap on a map drawn from tiles (tiles are drawn in WGS-84 and
        cannot be shifted to GCJ-02).
    """
    if n_features is None:
        n_features = sum(len(frames[layer]) for layer in ("communities", "grids", *POINT_LAYERS)
                         if frames.get(layer) is not None)  # fmt: skip
    if use_tiles(n_features, tile_threshold):
        return _tile_map(frames, lang=lang, basemap=basemap, tianditu_key=tianditu_key,
                         tile_url=tile_url, bounds=bounds, asset_base=asset_base,
                         version=tile_version, base_url=tile_base_url)
    shift = basemap_needs_gcj(basemap)

    def shown(frame: pd.DataFrame) -> gpd.GeoDataFrame:
        if shift and len(frame):
            return maps.shift_for_display(frame)
        return frame

    box = tuple(bounds) if bounds is not None else _bounds_of(frames)
    if box is not None and shift:
        x, y = transform([box[0], box[2]], [box[1], box[3]], src="wgs84", dst="gcj02")
        box = (float(x[0]), float(y[0]), float(x[1]), float(y[1]))
    extra = {} if asset_base is None else {"asset_base": asset_base}
    m = maps.new_map(
        bounds=box,
        basemap=basemap,
        tianditu_key=tianditu_key or None,
        tile_url=tile_url or None,
        lang=lang,
        **extra,
    )
    for layer in REFERENCE_LAYERS:
        frame = frames.get(layer)
        if frame is None or not len(frame):
            continue
        on = layer in reference
        if layer == "roads":
            maps.add_lines(m, shown(frame), lang=lang, show=on, legend=on and not picking,
                           interactive=not picking)
        elif layer in _EXTRA_STYLE:  # issue 19: service centres, hoardings
            maps.add_polygons(
                m, shown(frame), layer_name=layer, kind=layer, style=_EXTRA_STYLE[layer],
                lang=lang, show=on, interactive=not picking,
            )  # fmt: skip
        elif layer in _POLYGON_KIND:
            maps.add_polygons(
                m, shown(frame), layer_name=layer, kind=_POLYGON_KIND[layer], lang=lang, show=on,
                interactive=not picking,
            )
        else:
            kind = {"internet_cafes": "internet_cafe", "entrances": "entrance"}[layer]
            maps.add_points(
                m, shown(frame), layer_name=layer, kind=kind, color_by=None, lang=lang, show=on,
                interactive=not picking,
            )
    maps.add_communities(m, shown(frames["communities"]), lang=lang, interactive=not picking)
    grids = frames["grids"].copy()
    grids["workers"] = [
        [
            f"{name} ({i18n.label(role, lang, field='role')})"
            for name, role in zip(n, r, strict=True)
        ]
        for n, r in zip(grids["worker_names"], grids["worker_roles"], strict=True)
    ]
    grids = grids.drop(columns=["worker_names", "worker_roles"])
    maps.add_grids(m, shown(grids), color_by="worker", lang=lang, legend=not picking,
                   interactive=not picking)
    for layer in POINT_LAYERS:  # one legend per kind: its symbol in its statuses' colours
        maps.add_points(
            m,
            shown(frames[layer]),
            layer_name=layer,
            kind=_KIND_OF_LAYER[layer],
            color_by="status",
            legend=not picking,
            lang=lang,
            interactive=not picking,
        )
    maps.add_layer_control(m, collapsed=True)
    if picking:
        m.add_child(
            leaflet.Pick(
                locate=i18n.t("map.locate", lang),
                failed=i18n.t("map.locate_failed", lang),
                busy=i18n.t("map.locating", lang),
                shift=shift,
            ),
            name="gridmap_pick",
        )
    return m


def configured_street_map(
    frames: Mapping[str, pd.DataFrame],
    *,
    settings: Mapping[str, Any],
    lang: str = i18n.DEFAULT_LANG,
    basemap: str | None = None,
    reference: Sequence[str] = ("roads",),
    picking: bool = False,
    **tiles: Any,
) -> tuple[folium.Map, str, GridmapError | None]:
    """Draw :func:`street_map` on the chosen or configured basemap, or on none if it fails.

    Parameters
    ----------
    frames
        The frames to draw (EPSG:4326).
    settings
        The current settings: ``basemap`` (used when ``basemap`` is not given),
        ``tianditu_key`` and ``tile_url``.
    lang
        Language of layer names, legends and popups.
    basemap
        The basemap chosen, or ``None`` for the configured one.
    reference
        Reference layers switched on when the map opens.
    picking
        A map to pick a position on (:func:`street_map`).
    **tiles
        The tile arguments of :func:`street_map` (``n_features``, ``tile_threshold``,
        ``tile_version``, ``bounds``).

    Returns
    -------
    tuple
        ``(map, basemap used, error)``: a misconfigured basemap (Tianditu without a
        key, custom without a URL) falls back to ``"none"`` and returns its
        :class:`~gridmap.errors.GridmapError`; ``error`` is ``None`` otherwise.
    """
    basemap = basemap or settings["basemap"]
    try:
        fmap = street_map(frames, lang=lang, basemap=basemap, reference=reference,
                          tianditu_key=settings["tianditu_key"], tile_url=settings["tile_url"],
                          picking=picking, **tiles)  # fmt: skip
    except GridmapError as exc:
        fmap = street_map(frames, lang=lang, reference=reference, picking=picking, **tiles)
        return fmap, "none", exc
    return fmap, basemap, None


def pick_marker(position: tuple[float, float], *, basemap: str) -> folium.FeatureGroup:
    """Return the marker of a position picked before, to add to a picking map.

    Parameters
    ----------
    position
        The WGS-84 ``(lon, lat)`` picked.
    basemap
        The basemap the map is drawn on (an ``amap`` map shows GCJ-02 positions).

    Returns
    -------
    folium.FeatureGroup
        A group named ``gm_pick`` holding one red dot, which takes no clicks.
    """
    import folium

    shown = wgs84_to_display(*position, basemap=basemap)
    marker = folium.FeatureGroup(name="gm_pick")
    folium.CircleMarker(
        location=[shown[1], shown[0]], radius=9, color="#ffffff", weight=3,
        fill=True, fill_color="#d62728", fill_opacity=1.0, interactive=False,
    ).add_to(marker)  # fmt: skip
    return marker


def _tile_map(
    frames: Mapping[str, pd.DataFrame],
    *,
    lang: str,
    basemap: str,
    tianditu_key: str | None,
    tile_url: str | None,
    bounds: Sequence[float] | None,
    asset_base: str | None,
    version: Any,
    base_url: str,
) -> folium.Map:
    """Draw the street map from the app's tiles (see :func:`street_map`)."""
    if basemap_needs_gcj(basemap):
        raise InputError.keyed("maps.amap_with_tiles")
    if version is None:
        msg = "a map drawn from tiles needs the data version (tile_version)"
        raise ValueError(msg)
    box = tuple(bounds) if bounds is not None else _bounds_of(frames)
    extra = {} if asset_base is None else {"asset_base": asset_base}
    m = maps.new_map(bounds=box, basemap=basemap, tianditu_key=tianditu_key or None,
                     tile_url=tile_url or None, lang=lang, **extra)  # fmt: skip
    add_tile_layers(m, version=version, base_url=base_url, lang=lang)
    # facility status and case status apart: 损坏 (damaged) is not 上报 (reported)
    for title, statuses in (("map.legend.facility_status", PointStatus),
                            ("map.legend.case_status", IssueStatus)):
        items = [maps.LegendItem(i18n.label(s.value, lang, field="status"),
                                 STATUS_COLORS[s.value], "dot")
                 for s in statuses if s.value in STATUS_COLORS]  # fmt: skip
        maps.add_legend(m, items, title=i18n.t(title, lang), position="bottomleft", lang=lang)
    maps.add_layer_control(m, collapsed=True)
    return m


def add_check_layers(
    m: folium.Map,
    report: CheckReport,
    *,
    lang: str = i18n.DEFAULT_LANG,
    basemap: str = "none",
    rules: Iterable[str] | None = None,
    coverage: bool = False,
    school_buffers: bool = False,
) -> list[Any]:
    """Draw a check report's failures (and optionally coverage shapes) on a folium map.

    One layer per rule with failures, coloured by family
    (:data:`gridmap.maps.styles.FAMILY_COLORS`), advisories dashed and paler;
    failures are drawn as they are (polygons, road stretches and café-to-school
    lines, points). Each rule's coverage shapes (service circles, the 200 m
    buffers around schools) are further layers, drawn only when asked for.

    Parameters
    ----------
    m
        The folium map (e.g. from :func:`street_map`).
    report
        The report (:class:`gridmap.checks.CheckReport`).
    lang
        Language of layer names and popups.
    basemap
        The map's basemap; with Amap the shapes are shifted to GCJ-02 for display.
    rules
        Only these rules' failures (default all).
    coverage
        Draw each rule's service circles (as layers of their own).
    school_buffers
        Draw the 200 m exclusion zones around schools.

    Returns
    -------
    list of folium.FeatureGroup
        The layers added, failures first within each rule.
    """
    from gridmap.checks import display

    def shown(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        return maps.shift_for_display(frame) if basemap_needs_gcj(basemap) else frame

    wanted = None if rules is None else set(rules)
    frame = display.failure_frame(report, lang=lang)
    layers = []
    for result in report.results:
        if wanted is not None and result.rule not in wanted:
            continue
        color = FAMILY_COLORS.get(result.family, "#d62728")
        advisory = result.severity == "advisory"
        part = frame[frame["rule"] == result.rule]
        if len(part):
            style = {
                "color": color,
                "weight": 5,
                "opacity": 0.7 if advisory else 0.95,
                "fillColor": color,
                "fillOpacity": 0.12 if advisory else 0.3,
                **({"dashArray": "6 4"} if advisory else {}),
            }
            layers.append(
                maps.add_polygons(
                    m,
                    shown(part),
                    layer_name=f"{result.title(lang)} ({len(part)})",
                    kind="check",
                    style=style,
                    lang=lang,
                    popup_columns=list(display.POPUP_COLUMNS),
                    simplify_m=None,
                )
            )
        cov = result.coverage
        if cov is None or not len(cov):
            continue
        is_buffer = cov["kind"] == "school_buffer"
        coverage_name = i18n.t("checks.layer_coverage", lang, rule=result.title(lang))
        for sub, on, name in (
            (cov[~is_buffer], coverage, coverage_name),
            (cov[is_buffer], school_buffers, i18n.t("checks.layer_buffers", lang)),
        ):
            if not on or not len(sub):  # hidden layers would only add weight to the page
                continue
            sub = gpd.GeoDataFrame(sub.assign(name=name), crs=cov.crs)
            style = {"color": color, "weight": 1, "opacity": 0.6, "fillColor": color,
                     "fillOpacity": 0.06}  # fmt: skip
            layers.append(
                maps.add_polygons(
                    m,
                    shown(sub),
                    layer_name=name,
                    kind="check",
                    style=style,
                    lang=lang,
                    popup_columns=["name"],
                )
            )
    return layers
