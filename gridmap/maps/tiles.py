"""Tile layers on a folium map: the city-size way to draw grids, communities and points.

Below :data:`TILE_THRESHOLD` features a map draws its layers directly (GeoJSON in
the page, popups and labels in the browser); above it, :func:`add_tile_layers`
adds raster tile layers that the app's own route ``/tiles/{layer}/{z}/{x}/{y}.png``
serves (:func:`gridmap.tiles.render_tile`), and a click is answered by
:func:`gridmap.tiles.identify`. :func:`use_tiles` is the one switch deciding.
Leaflet draws raster tiles natively: no plugin is needed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import folium

from gridmap import i18n

__all__ = [
    "TILE_THRESHOLD",
    "add_tile_layers",
    "tile_args",
    "tile_threshold",
    "tile_url",
    "use_tiles",
]

#: Maps with more features than this (grids, communities and points together) use tiles.
TILE_THRESHOLD = 20_000

_DEFAULT_LAYERS = ("grids", "communities", "boards", "fitness", "bins", "issues")


def use_tiles(n_features: int, threshold: int = TILE_THRESHOLD) -> bool:
    """Return whether a map of ``n_features`` features is drawn from tiles.

    Parameters
    ----------
    n_features
        Features the map would draw (grids, communities and point records).
    threshold
        The setting: more features than this use tiles (default :data:`TILE_THRESHOLD`).

    Returns
    -------
    bool
        ``True`` for tiles, ``False`` for today's direct layers.

    Examples
    --------
    >>> use_tiles(5_000), use_tiles(1_000_000)
    (False, True)
    """
    return int(n_features) > int(threshold)


def tile_threshold(settings: Mapping[str, Any]) -> int:
    """Return the ``map_tile_threshold`` setting (:data:`TILE_THRESHOLD` when unset).

    Parameters
    ----------
    settings
        The current settings (:func:`gridmap.config.load_settings`).

    Returns
    -------
    int
        Maps with more features than this are drawn from tiles.

    Examples
    --------
    >>> tile_threshold({}), tile_threshold({"map_tile_threshold": "500"})
    (20000, 500)
    """
    return int(settings.get("map_tile_threshold", TILE_THRESHOLD))


def tile_args(tiles: dict[str, Any], *, threshold: int, version: Any) -> dict[str, Any]:
    """Fill in the tile arguments of :func:`gridmap.maps.street_map` a caller left out.

    Parameters
    ----------
    tiles
        The caller's tile arguments (``n_features``, ``tile_version``, ``bounds``,
        ``tile_threshold``); updated in place.
    threshold
        The ``tile_threshold`` used unless given (:func:`tile_threshold`).
    version
        The ``tile_version`` used unless given (:func:`gridmap.tiles.tile_versions`).

    Returns
    -------
    dict
        ``tiles`` itself, with ``tile_threshold`` and ``tile_version`` set.

    Examples
    --------
    >>> tile_args({"tile_version": "v2"}, threshold=10, version="v1")
    {'tile_version': 'v2', 'tile_threshold': 10}
    """
    tiles.setdefault("tile_threshold", threshold)
    tiles.setdefault("tile_version", version)
    return tiles


def tile_url(layer: str, *, version: Any, base_url: str = "/tiles") -> str:
    """Return the Leaflet URL template of one tile layer.

    Parameters
    ----------
    layer
        A layer of :data:`gridmap.tiles.TILE_LAYERS`.
    version
        The layer's data version (:func:`gridmap.tiles.tile_versions`), or a mapping
        layer -> version; a new version makes the browser fetch new tiles instead of
        its cached ones.
    base_url
        Where the app serves tiles.

    Returns
    -------
    str
        ``"{base_url}/{layer}/{z}/{x}/{y}.png?v={version}"``.

    Examples
    --------
    >>> tile_url("grids", version=(12, 40))
    '/tiles/grids/{z}/{x}/{y}.png?v=12-40'
    """
    if isinstance(version, Mapping):
        version = version[layer]
    if isinstance(version, tuple):
        version = "-".join(str(v) for v in version)
    return f"{base_url.rstrip('/')}/{layer}/{{z}}/{{x}}/{{y}}.png?v={version}"


def add_tile_layers(
    m: folium.Map,
    *,
    version: Any,
    layers: Sequence[str] = _DEFAULT_LAYERS,
    base_url: str = "/tiles",
    lang: str = i18n.DEFAULT_LANG,
    show: Sequence[str] | None = None,
) -> list[folium.TileLayer]:
    """Add one raster tile overlay per layer to a folium map.

    Parameters
    ----------
    m
        The map (:func:`gridmap.maps.new_map`).
    version
        The data version, part of every tile URL: layer -> version
        (:func:`gridmap.tiles.tile_versions`) or one for all (see :func:`tile_url`).
    layers
        Layers of :data:`gridmap.tiles.TILE_LAYERS`, drawn in this order (the
        first at the bottom).
    base_url
        Where the app serves tiles.
    lang
        Language of the layer names in the layer control.
    show
        Layers on when the map opens (default all).

    Returns
    -------
    list of folium.TileLayer
        The overlays, named like the direct layers (网格, 社区 ...).
    """
    from gridmap.tiles import MAX_ZOOM, POINT_MIN_ZOOM, TILE_LAYERS

    lang = i18n.normalize_lang(lang)
    added = []
    for layer in layers:
        if layer not in TILE_LAYERS:
            msg = f"no tile layer {layer!r}; use one of {', '.join(TILE_LAYERS)}"
            raise ValueError(msg)
        overlay = folium.TileLayer(
            tiles=tile_url(layer, version=version, base_url=base_url),
            attr="gridmap",
            name=i18n.label(layer, lang, field="layer"),
            overlay=True,
            control=True,
            show=show is None or layer in show,
            min_zoom=POINT_MIN_ZOOM if layer in ("boards", "fitness", "bins", "issues") else 0,
            max_zoom=MAX_ZOOM,
            max_native_zoom=MAX_ZOOM,
        )
        overlay.add_to(m)
        added.append(overlay)
    return added
